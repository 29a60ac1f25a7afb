"""Fixtures for the corpus, classifier and evaluation tests."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from cleanclaim.classifier.corpus import load

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "annotations" / "corpus.jsonl"
MODELS = ROOT / "models"


@pytest.fixture(scope="session")
def corpus_notes():
    """The shipped corpus."""
    return load(CORPUS)


@pytest.fixture(scope="session")
def sample_notes(corpus_notes):
    """A small, fixed sample with both classes, for fast training and conversion tests."""
    ready = [n for n in corpus_notes if n["claim_ready"]][:25]
    not_ready = [n for n in corpus_notes if not n["claim_ready"]][:35]
    return ready + not_ready


@pytest.fixture(scope="session")
def shipped_model():
    """The model shipped inside the package."""
    from cleanclaim.classifier.model import load_default

    model = load_default()
    assert model is not None, f"no shipped model in {files('cleanclaim') / 'models_data'}"
    return model


@pytest.fixture(scope="session")
def corpus_path():
    """Path of the shipped corpus."""
    return CORPUS


@pytest.fixture(scope="session")
def repo_root():
    """The repository root."""
    return ROOT

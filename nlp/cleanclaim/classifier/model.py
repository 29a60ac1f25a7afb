"""The clean-claim classifier: a calibrated scikit-learn pipeline over the rules' findings.

Input rows are ``{"features": <readable dict from cleanclaim.features>, "text": <note>}``; the
pipeline vectorizes the dict (``DictVectorizer``) and, for text candidates, word n-grams
(``TfidfVectorizer``), then a ``CalibratedClassifierCV`` (sigmoid) gives the probability that
the note supports a clean 96372 claim.

Decision policy (:meth:`ClaimModel.decide`), with ``t`` the model's threshold (0.5):

- a blocking gap is reported: ``claim_ready`` is false (the rules veto). ``decision`` is
  ``"rules"``, or ``"review"`` when ``p >= t`` (the model doubts the gap: worth a coder's look).
- no blocking gap and ``p >= t``: ``claim_ready`` true, ``decision`` ``"model"``.
- no blocking gap and ``p < t``: ``claim_ready`` false; ``decision`` ``"review"`` when the rules
  alone would have said ready (held for a coder, the explanation says why), else ``"model"``.

So ``claim_ready`` is never true while a blocking gap is reported, and the model can only hold
back a claim the rules would pass, never pass one the rules block.

Persistence is ``skops.io`` (never pickle) next to ``metadata.json``; loading refuses a model
saved with another scikit-learn ``major.minor`` or another rules version unless ``force=True``,
and warns on any other library version difference.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import json
import platform
import shutil
import warnings
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import replace
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..result import Evidence, Explanation, Review
from .features import TEXT_PREFIX, row

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline

    from ..rules.decide import Facts

MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
#: A linear model's numbers as plain JSON (see :class:`LinearScorer`), written next to the skops
#: file so a command that only scores notes does not import scikit-learn and skops.
LINEAR_FILE = "linear.json"
#: Package folder holding the shipped model (a copy of ``models/`` made by ``train --install``).
PACKAGE_MODELS = "models_data"
SEED = 20251127
CANDIDATES = ("lr_facts", "lr_facts_text", "hgb_facts", "hgb_facts_text")
#: Module prefixes whose types a model file may contain (checked before skops loads it).
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.", "collections.", "re.")
#: Evidence stretches shown per explained feature.
EVIDENCE_LIMIT = 3
_VERSIONED = ("scikit-learn", "skops", "numpy", "scipy", "spacy", "medspacy", "cleanclaim")


class ModelVersionError(RuntimeError):
    """The saved model was trained with incompatible library or rule versions."""


class ModelVersionWarning(UserWarning):
    """The saved model was trained with different (but compatible) library versions."""


def make_pipeline(candidate: str, seed: int = SEED) -> Pipeline:
    """Build an unfitted candidate pipeline (see :data:`CANDIDATES`)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MaxAbsScaler

    if candidate not in CANDIDATES:
        raise ValueError(f"unknown candidate {candidate!r}; expected one of {CANDIDATES}")
    family, _, what = candidate.partition("_")
    text = what.endswith("text")
    parts: list[tuple[str, Any, str]] = [
        ("facts", Pipeline([("dict", DictVectorizer()), ("scale", MaxAbsScaler())]), "features")
    ]
    if text:
        parts.append(
            (
                "text",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=3000 if family == "lr" else 500,
                ),
                "text",
            )
        )
    if family == "lr":
        base: Any = LogisticRegression(
            C=1.0, max_iter=5000, class_weight="balanced", random_state=seed
        )
        columns = ColumnTransformer(parts, sparse_threshold=1.0)
    else:
        base = HistGradientBoostingClassifier(
            max_iter=100,
            learning_rate=0.1,
            max_leaf_nodes=15,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=seed,
        )
        columns = ColumnTransformer(parts, sparse_threshold=0.0)
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    return Pipeline(
        [
            ("features", columns),
            # ensemble=False: one estimator refit on all data, calibrated on cross-validated
            # predictions; five times cheaper to score and explain than the five-fold ensemble.
            ("clf", CalibratedClassifierCV(base, method="sigmoid", cv=cv, ensemble=False)),
        ]
    )


def frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Make the pipeline input for rows from :func:`cleanclaim.features.row`."""
    import pandas as pd

    return pd.DataFrame(
        {"features": [r["features"] for r in rows], "text": [r["text"] for r in rows]}
    )


class LinearScorer:
    """The numbers of a fitted ``lr_facts`` pipeline, applied with numpy alone.

    ``DictVectorizer`` → ``MaxAbsScaler`` → logistic regression → sigmoid calibration
    (``CalibratedClassifierCV(ensemble=False)``: one estimator, one calibrator), so
    ``p = 1 / (1 + exp(a * (w · x / scale + c) + b))``. Loading it takes milliseconds where
    importing scikit-learn and skops took seconds; ``tests/model`` checks that probabilities
    and explanations equal the pipeline's.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        """Wrap the data of :meth:`export`."""
        self.names: list[str] = list(data["feature_names"])
        self.index = {name: i for i, name in enumerate(self.names)}
        self.scale = np.asarray(data["scale"], dtype=float)
        self.coef = np.asarray(data["coef"], dtype=float)
        self.intercept = float(data["intercept"])
        self.a = float(data["a"])
        self.b = float(data["b"])

    @staticmethod
    def export(pipeline: Pipeline) -> dict[str, Any] | None:
        """The numbers of ``pipeline`` if it is a facts-only linear one with one calibrator."""
        try:
            columns = pipeline[0]
            (name, facts, _), *rest = columns.transformers_
            clf = pipeline[-1]
            (calibrated,) = clf.calibrated_classifiers_
            (calibrator,) = calibrated.calibrators
            estimator = calibrated.estimator
            dv, scaler = facts.named_steps["dict"], facts.named_steps["scale"]
        except (AttributeError, KeyError, TypeError, ValueError):
            return None
        rest = [t for t in rest if t[0] != "remainder" or t[1] != "drop"]
        if (
            name != "facts"
            or rest
            or not hasattr(estimator, "coef_")
            or estimator.coef_.shape[0] != 1
            or not hasattr(calibrator, "a_")
        ):
            return None
        return {
            "feature_names": list(dv.feature_names_),
            "scale": [float(v) for v in scaler.scale_],
            "coef": [float(v) for v in estimator.coef_[0]],
            "intercept": float(estimator.intercept_[0]),
            "a": float(calibrator.a_),
            "b": float(calibrator.b_),
        }

    def vector(self, features: dict[str, float]) -> np.ndarray:
        """The scaled feature vector of one note (unknown features ignored, as in training)."""
        x = np.zeros(len(self.names))
        for name, value in features.items():
            i = self.index.get(name)
            if i is not None:
                x[i] = value
        return x / self.scale

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probability of a clean claim for each row of ``x``."""
        d = x @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(self.a * d + self.b))


class ClaimModel:
    """A fitted pipeline, its metadata and the decision policy.

    Args:
        pipeline: a fitted pipeline from :func:`make_pipeline`, or a function that loads it
            (called the first time it is needed).
        metadata: what :func:`save` writes to ``metadata.json`` (versions, data hash, metrics).
        threshold: the probability at or above which a note with no blocking gap is ready.
        linear: the same model as a :class:`LinearScorer`, used to score and explain when given.

    """

    def __init__(
        self,
        pipeline: Any,
        metadata: dict[str, Any] | None = None,
        threshold: float = 0.5,
        linear: LinearScorer | None = None,
    ) -> None:
        """Wrap a fitted pipeline."""
        self._pipeline = pipeline
        self.metadata = dict(metadata or {})
        self.threshold = float(self.metadata.get("threshold", threshold))
        self.linear = linear

    @property
    def pipeline(self) -> Pipeline:
        """The fitted scikit-learn pipeline (loaded on first use when the model came from disk)."""
        if callable(self._pipeline) and not hasattr(self._pipeline, "predict_proba"):
            self._pipeline = self._pipeline()
        return self._pipeline

    @pipeline.setter
    def pipeline(self, value: Any) -> None:
        self._pipeline = value

    @property
    def version(self) -> str | None:
        """The model version recorded in the metadata."""
        return self.metadata.get("model_version")

    def predict_proba_rows(self, rows: Sequence[dict[str, Any]]) -> np.ndarray:
        """Probability of a clean claim for each row."""
        if self.linear is not None:
            return self.linear.proba(np.array([self.linear.vector(r["features"]) for r in rows]))
        with _few_threads(len(rows)):
            return self.pipeline.predict_proba(frame(rows))[:, 1]

    def decide(self, facts: Facts, top: int = 8) -> Review:
        """Return the review with the model's probability, the policy's ``claim_ready`` and an explanation."""
        r = row(facts)
        if self.linear is not None:
            p, explanation = self._score_and_explain(r, facts.review, top)
            return self.apply_policy(facts.review, p, explanation)
        with _few_threads(1):
            p, explanation = self._score_and_explain(r, facts.review, top)
        return self.apply_policy(facts.review, p, explanation)

    def decide_many(self, facts: Sequence[Facts], top: int = 8) -> list[Review]:
        """:meth:`decide` for many notes at once.

        A model with its linear numbers (``linear.json``) is scored note by note with numpy
        alone. Otherwise a linear pipeline gets one transform and one prediction for all the
        notes (the same reviews: vectorizing and scaling work row by row, and a row's
        probability does not depend on the other rows); other models are decided note by note.
        """
        if not facts:
            return []
        if self.linear is not None:
            # the same numbers without scikit-learn (imported only if something else needs it)
            return [self.decide(f, top) for f in facts]
        clf = self.pipeline[-1]
        estimators = [c.estimator for c in clf.calibrated_classifiers_]
        if len(facts) == 1 or not all(hasattr(e, "coef_") for e in estimators):
            return [self.decide(f, top) for f in facts]
        rows = [row(f) for f in facts]
        with _few_threads(len(rows)):
            x = self._transform(rows)
            x = x.toarray() if hasattr(x, "toarray") else np.asarray(x)
            probs = clf.predict_proba(x)[:, 1]
        coef = np.mean([e.coef_[0] for e in estimators], axis=0)
        out = []
        for i, (f, r) in enumerate(zip(facts, rows, strict=True)):
            xi = x[i]
            nonzero = np.flatnonzero(xi)
            contrib = coef[nonzero] * xi[nonzero]
            explanation = self._explanation(r, f.review, xi, nonzero, contrib, top)
            out.append(self.apply_policy(f.review, float(probs[i]), explanation))
        return out

    def apply_policy(
        self, review: Review, p: float, explanation: tuple[Explanation, ...] = ()
    ) -> Review:
        """``claim_ready`` and ``decision`` from the rules' review and a probability (module docstring)."""
        blocking = bool(review.blocking_gaps)
        if blocking:
            ready, decision = False, ("review" if p >= self.threshold else "rules")
        elif p >= self.threshold and review.injections:
            # never ready without a 96372 injection given at this encounter
            ready, decision = True, "model"
        else:
            ready, decision = False, ("review" if review.claim_ready else "model")
        status = review.status
        if status in ("ready", "gaps") or (ready and status is not None):
            status = "ready" if ready else "gaps"
        return replace(
            review,
            claim_ready=ready,
            status=status,
            probability=round(p, 4),
            decision=decision,
            model_version=self.version,
            explanation=explanation,
        )

    def _transform(self, rows: Sequence[dict[str, Any]]) -> Any:
        """The model's input matrix for ``rows``.

        When the model reads the facts only (no text), the facts transformer is applied to the
        feature dicts directly: the ``ColumnTransformer`` of one sparse block returns that block,
        so the matrix is the same, without building a DataFrame for every call.
        """
        columns = self.pipeline[:-1][-1] if len(self.pipeline) == 2 else None
        used = [
            (name, t)
            for name, t, _ in getattr(columns, "transformers_", ())
            if not (isinstance(t, str) and t == "drop")
        ]
        if (
            len(used) == 1
            and used[0][0] == "facts"
            and getattr(columns, "sparse_threshold", None) == 1.0
            and getattr(columns, "sparse_output_", False)
        ):
            return used[0][1].transform([r["features"] for r in rows]).tocsr()
        return self.pipeline[:-1].transform(frame(rows))

    def feature_names(self) -> list[str]:
        """Readable names of the vectorized features (``gap=...``, ``text:b12 given``)."""
        if getattr(self, "_names", None) is None and self.linear is not None:
            self._names = list(self.linear.names)
        if getattr(self, "_names", None) is None:
            self._names = [_readable(n) for n in self.pipeline[:-1].get_feature_names_out()]
        return self._names

    def explain(self, r: dict[str, Any], review: Review, top: int = 8) -> tuple[Explanation, ...]:
        """List the features that moved this note's probability most, with the evidence behind each.

        Linear models: coefficient x value (averaged over the calibration folds). Other models:
        the drop in probability when the feature is set to zero.
        """
        with _few_threads(1):
            return self._score_and_explain(r, review, top)[1]

    def _score_and_explain(
        self, r: dict[str, Any], review: Review, top: int
    ) -> tuple[float, tuple[Explanation, ...]]:
        """Probability and explanation from one transform (and, for trees, one predict call)."""
        if self.linear is not None:
            x = self.linear.vector(r["features"])
            nonzero = np.flatnonzero(x)
            p = float(self.linear.proba(x[None, :])[0])
            contrib = self.linear.coef[nonzero] * x[nonzero]
            return p, self._explanation(r, review, x, nonzero, contrib, top)
        x = self._transform([r])
        x = x.toarray()[0] if hasattr(x, "toarray") else np.asarray(x)[0]
        nonzero = np.flatnonzero(x)
        clf = self.pipeline[-1]
        estimators = [c.estimator for c in clf.calibrated_classifiers_]
        if all(hasattr(e, "coef_") for e in estimators):
            p = float(clf.predict_proba(x[None, :])[0, 1])
            coef = np.mean([e.coef_[0] for e in estimators], axis=0)
            contrib = coef[nonzero] * x[nonzero]
        else:
            # Row 0 is the note; row i+1 is the note with its i-th nonzero feature set to zero.
            probes = np.repeat(x[None, :], nonzero.size + 1, axis=0)
            probes[np.arange(1, nonzero.size + 1), nonzero] = 0.0
            probs = clf.predict_proba(probes)[:, 1]
            p = float(probs[0])
            contrib = p - probs[1:]
        return p, self._explanation(r, review, x, nonzero, contrib, top)

    def _explanation(
        self,
        r: dict[str, Any],
        review: Review,
        x: np.ndarray,
        nonzero: np.ndarray,
        contrib: np.ndarray,
        top: int,
    ) -> tuple[Explanation, ...]:
        if nonzero.size == 0:
            return ()
        names = self.feature_names()
        order = np.argsort(-np.abs(contrib), kind="stable")[:top]
        out = []
        for i in order:
            if contrib[i] == 0:
                continue
            name = names[nonzero[i]]
            # Facts features show their raw value (a count), not the scaled one the model saw.
            raw = (
                r["features"].get(name, x[nonzero[i]])
                if not name.startswith(TEXT_PREFIX)
                else x[nonzero[i]]
            )
            if name.startswith(TEXT_PREFIX):
                evidence = _ngram_hits(name[len(TEXT_PREFIX) :], r["text"], EVIDENCE_LIMIT)
            else:
                evidence = list(r.get("evidence", {}).get(name, ()))[:EVIDENCE_LIMIT]
            out.append(
                Explanation(
                    feature=name,
                    value=round(float(raw), 4),
                    contribution=round(float(contrib[i]), 4),
                    direction="ready" if contrib[i] > 0 else "not_ready",
                    evidence=tuple(evidence),
                )
            )
        return tuple(out)


@lru_cache(maxsize=1)
def _thread_controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _few_threads(n_rows: int) -> Any:
    """Limit OpenMP/BLAS to one thread for small inputs.

    Thread start-up costs more than a few rows' work: gradient-boosting prediction of one note
    is ~6x faster single-threaded on 2 busy cores.
    """
    if n_rows > 64:
        return nullcontext()
    return _thread_controller().limit(limits=1)


def _readable(name: str) -> str:
    if name.startswith("facts__"):
        return name[len("facts__") :]
    if name.startswith("text__"):
        return TEXT_PREFIX + name[len("text__") :]
    return name


def _ngram_hits(ngram: str, text: str, limit: int) -> list[Evidence]:
    import re

    words = [re.escape(w) for w in ngram.split()]
    pattern = re.compile(r"\b" + r"\W+".join(words) + r"\b", re.IGNORECASE)
    return [Evidence(m.start(), m.end(), m.group()) for m in pattern.finditer(text)][:limit]


# ---------------------------------------------------------------------------------- persistence


def library_versions() -> dict[str, str | None]:
    """Installed versions of the libraries a model depends on."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for dist in _VERSIONED:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = None
    return out


#: What the features are computed from: rule tables and the engine modules that apply them.
_ENGINE = ("resources", "pipeline", "rules", "classifier/features.py")


def rules_sha256() -> str:
    """Hash the rule tables and engine code (catches rule edits made without a version bump)."""
    digest = hashlib.sha256()
    package = importlib.resources.files("cleanclaim")
    for name in _ENGINE:
        node = package.joinpath(name)
        entries = sorted(node.iterdir(), key=lambda e: e.name) if node.is_dir() else [node]
        for entry in entries:
            if entry.is_file() and entry.name.endswith((".json", ".txt", ".py")):
                digest.update(f"{name}/{entry.name}".encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()


def save(model: ClaimModel, directory: Path) -> Path:
    """Write ``model.skops`` and ``metadata.json`` (with the model file's sha256) to ``directory``."""
    import skops.io as sio

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MODEL_FILE
    sio.dump(model.pipeline, path)
    meta = dict(model.metadata)
    meta["model_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    meta["threshold"] = model.threshold
    (directory / METADATA_FILE).write_text(
        json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    write_linear(model.pipeline, directory, meta["model_sha256"])
    model.metadata = meta
    return path


def write_linear(pipeline: Pipeline, directory: Path, model_sha256: str) -> Path | None:
    """Write ``linear.json`` for a linear facts-only pipeline (removed for any other model)."""
    target = Path(directory) / LINEAR_FILE
    data = LinearScorer.export(pipeline)
    if data is None:
        target.unlink(missing_ok=True)
        return None
    data["model_sha256"] = model_sha256  # the skops file it was read from
    target.write_text(json.dumps(data) + "\n", encoding="utf-8")
    return target


def check_versions(meta: dict[str, Any], force: bool = False) -> None:
    """Refuse (or, with ``force``, warn about) incompatible versions; warn about other differences."""
    from ..resources import rules_version

    saved = meta.get("versions", {})
    now = library_versions()
    problems = []
    sk_saved, sk_now = saved.get("scikit-learn"), now.get("scikit-learn")
    if sk_saved and sk_now and sk_saved.split(".")[:2] != sk_now.split(".")[:2]:
        problems.append(f"scikit-learn {sk_saved} (installed {sk_now})")
    if meta.get("rules_version") and meta["rules_version"] != rules_version():
        problems.append(f"rules version {meta['rules_version']} (installed {rules_version()})")
    if problems:
        msg = "model was trained with " + "; ".join(problems) + ": retrain with `cleanclaim train`"
        if not force:
            raise ModelVersionError(msg + " (or load with force=True)")
        warnings.warn(msg + " (loaded anyway: force=True)", ModelVersionWarning, stacklevel=3)
    if meta.get("rules_sha256") and meta["rules_sha256"] != rules_sha256() and not problems:
        warnings.warn(
            "the rule tables or engine changed since this model was trained (same rules version "
            f"{meta.get('rules_version')}): its features may differ; retrain with `cleanclaim train`",
            ModelVersionWarning,
            stacklevel=3,
        )
    others = [
        f"{k} {saved[k]} (installed {now.get(k)})"
        for k in saved
        if k != "scikit-learn" and k in now and saved[k] != now[k]
    ]
    if sk_saved and sk_now and sk_saved != sk_now and not problems:
        others.append(f"scikit-learn {sk_saved} (installed {sk_now})")
    if others:
        warnings.warn(
            "model was trained with other library versions: " + "; ".join(others),
            ModelVersionWarning,
            stacklevel=3,
        )


def load(directory: Path, force: bool = False) -> ClaimModel:
    """Load a model saved by :func:`save`, checking versions, the file hash and its types."""
    return _load_from(Path(directory), force)


def _load_from(directory: Any, force: bool) -> ClaimModel:
    meta_file, model_file = directory / METADATA_FILE, directory / MODEL_FILE
    if not model_file.is_file() or not meta_file.is_file():
        raise FileNotFoundError(f"no {MODEL_FILE} and {METADATA_FILE} in {directory}")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except ValueError:
        raise ModelVersionError(f"{meta_file} is not valid JSON") from None
    check_versions(meta, force)
    data = model_file.read_bytes()
    if meta.get("model_sha256") and hashlib.sha256(data).hexdigest() != meta["model_sha256"]:
        raise ModelVersionError(f"{model_file} does not match the sha256 in {METADATA_FILE}")
    linear = _linear(directory / LINEAR_FILE, meta.get("model_sha256"))
    if linear is not None:  # scikit-learn and skops are loaded only if something needs them
        later = partial(_pipeline_from, Path(str(directory)) / MODEL_FILE, data)
        return ClaimModel(later, meta, linear=linear)
    return ClaimModel(_pipeline_from(model_file, data), meta)


def _linear(path: Any, model_sha256: str | None) -> LinearScorer | None:
    """The :class:`LinearScorer` saved with the model, if it was read from this very model file."""
    try:
        if not model_sha256 or not path.is_file():
            return None
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("model_sha256") != model_sha256:
            return None
        return LinearScorer(saved)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _pipeline_from(model_file: Any, data: bytes) -> Pipeline:
    import skops.io as sio

    untrusted = sio.get_untrusted_types(data=data)
    unknown = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if unknown:
        raise ModelVersionError(
            f"{model_file} holds types outside scikit-learn/numpy/scipy: {unknown}"
        )
    return sio.loads(data, trusted=untrusted)


def load_default(force: bool = False) -> ClaimModel | None:
    """Load the shipped model (package data ``cleanclaim/models_data``), or None when none is installed."""
    root = importlib.resources.files("cleanclaim").joinpath(PACKAGE_MODELS)
    if not root.joinpath(MODEL_FILE).is_file():
        return None
    with importlib.resources.as_file(root) as directory:
        return _load_from(Path(directory), force)


def install(directory: Path) -> Path:
    """Copy a saved model into the package (``cleanclaim/models_data``) so it ships as the default."""
    target = Path(str(importlib.resources.files("cleanclaim").joinpath(PACKAGE_MODELS)))
    target.mkdir(parents=True, exist_ok=True)
    for name in (MODEL_FILE, METADATA_FILE):
        shutil.copyfile(Path(directory) / name, target / name)
    if (Path(directory) / LINEAR_FILE).is_file():
        shutil.copyfile(Path(directory) / LINEAR_FILE, target / LINEAR_FILE)
    else:
        (target / LINEAR_FILE).unlink(missing_ok=True)
    return target

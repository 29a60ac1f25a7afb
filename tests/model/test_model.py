import json
import warnings

import numpy as np
import pytest

from cleanclaim import Reviewer
from cleanclaim.classifier.features import facts_features
from cleanclaim.classifier.model import (
    METADATA_FILE,
    MODEL_FILE,
    ModelVersionError,
    ModelVersionWarning,
    load,
    save,
)
from cleanclaim.classifier.training import featurize, fit
from cleanclaim.result import Evidence, Gap, Review

COMPLETE = "B12 1000 mcg IM L deltoid for pernicious anemia, given by RN."
PLAN_ONLY = "Plan: B12 1000 mcg IM monthly for fatigue."


def _review(ready: bool, blocking: bool = False) -> Review:
    gaps = (
        (Gap("DOSE_MISSING", "blocking", "no dose", (Evidence(0, 3, "B12"),), "dose?"),)
        if blocking
        else ()
    )
    return Review(
        id="x", claim_ready=ready, probability=None, service_code="96372", injections=1, gaps=gaps
    )


@pytest.fixture(scope="module")
def small_model(sample_notes, reviewer):
    return fit("lr_facts_text", featurize(sample_notes, reviewer))


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 0.99, 1.0])
def test_when_blocking_gap_then_never_claim_ready(small_model, p):
    out = small_model.apply_policy(_review(False, blocking=True), p)
    assert out.claim_ready is False
    assert out.decision == ("review" if p >= small_model.threshold else "rules")
    assert out.probability == p


def test_when_rules_ready_and_model_confident_then_ready(small_model):
    out = small_model.apply_policy(_review(True), 0.9)
    assert (out.claim_ready, out.decision) == (True, "model")


def test_when_rules_ready_but_model_doubts_then_held_for_review(small_model):
    out = small_model.apply_policy(_review(True), 0.2)
    assert (out.claim_ready, out.decision) == (False, "review")


def test_features_are_readable(reviewer):
    feats = facts_features(reviewer.facts(reviewer.nlp(PLAN_ONLY)))
    assert "gap=NOT_ADMINISTERED" in feats
    assert "rules.ready" in feats and "service_code=None" in feats
    assert any(k.startswith("n.DRUG") for k in feats)
    complete = facts_features(reviewer.facts(reviewer.nlp(COMPLETE)))
    assert complete["adm.has_dose"] == 1.0 and complete["adm.complete"] == 1.0


def test_decide_gives_probability_and_explanation_mapped_to_evidence(small_model, reviewer):
    facts = reviewer.facts(reviewer.nlp(PLAN_ONLY))
    out = small_model.decide(facts)
    assert out.claim_ready is False and 0.0 <= out.probability <= 1.0
    assert out.explanation and all(
        {"feature", "value", "contribution", "direction", "evidence"} <= set(e.to_dict())
        for e in out.explanation
    )
    for e in out.explanation:
        for ev in e.evidence:
            assert PLAN_ONLY[ev.start : ev.end] == ev.text
    gap_rows = [e for e in out.explanation if e.feature.startswith("gap")]
    assert gap_rows and gap_rows[0].evidence


def test_save_load_round_trip_gives_same_probabilities(
    small_model, sample_notes, reviewer, tmp_path
):
    small_model.metadata.update(
        {"versions": {}, "rules_version": reviewer.rules_version, "model_version": "t"}
    )
    save(small_model, tmp_path)
    assert json.loads((tmp_path / METADATA_FILE).read_text())["model_sha256"]
    again = load(tmp_path)
    rows = [e.row for e in featurize(sample_notes[:10], reviewer)]
    assert np.allclose(small_model.predict_proba_rows(rows), again.predict_proba_rows(rows))


def _saved(small_model, reviewer, tmp_path, **changes):
    small_model.metadata.update({"versions": {}, "rules_version": reviewer.rules_version})
    save(small_model, tmp_path)
    meta = json.loads((tmp_path / METADATA_FILE).read_text())
    for key, value in changes.items():
        if key == "sklearn":
            meta["versions"]["scikit-learn"] = value
        else:
            meta[key] = value
    (tmp_path / METADATA_FILE).write_text(json.dumps(meta))
    return tmp_path


def test_when_other_sklearn_minor_then_refuses_unless_forced(small_model, reviewer, tmp_path):
    path = _saved(small_model, reviewer, tmp_path, sklearn="1.4.2")
    with pytest.raises(ModelVersionError, match="scikit-learn 1.4.2"):
        load(path)
    with pytest.warns(ModelVersionWarning):
        assert load(path, force=True) is not None


def test_when_other_rules_version_then_refuses(small_model, reviewer, tmp_path):
    path = _saved(small_model, reviewer, tmp_path, rules_version="1999.1")
    with pytest.raises(ModelVersionError, match="rules version"):
        load(path)


def test_when_other_patch_version_then_warns(small_model, reviewer, tmp_path):
    import sklearn

    major, minor, *_ = sklearn.__version__.split(".")
    path = _saved(small_model, reviewer, tmp_path, sklearn=f"{major}.{minor}.99")
    with pytest.warns(ModelVersionWarning, match="other library versions"):
        load(path)


def test_when_model_file_changed_then_refuses(small_model, reviewer, tmp_path):
    path = _saved(small_model, reviewer, tmp_path)
    (path / MODEL_FILE).write_bytes((path / MODEL_FILE).read_bytes() + b"x")
    with pytest.raises(ModelVersionError, match="sha256"):
        load(path)


def test_shipped_model_loads_and_matches_models_dir(shipped_model, repo_root):
    from importlib.resources import files

    package = files("cleanclaim") / "models_data"
    for name in (MODEL_FILE, METADATA_FILE, "linear.json"):
        assert (package / name).read_bytes() == (repo_root / "models" / name).read_bytes()
    meta = shipped_model.metadata
    assert {"versions", "rules_version", "training_data", "seed", "metrics", "model_sha256"} <= set(
        meta
    )
    assert (repo_root / "models" / "metrics.json").is_file()
    assert (repo_root / "models" / "MODEL_CARD.md").is_file()


def test_default_reviewer_uses_the_shipped_model(nlp, shipped_model):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelVersionWarning)
        reviewer = Reviewer(nlp=nlp, model="default")
    out = reviewer.review(COMPLETE)
    assert out.probability is not None and out.model_version == shipped_model.version
    blocked = reviewer.review(PLAN_ONLY)
    assert blocked.claim_ready is False and blocked.blocking_gaps
    assert blocked.decision in ("rules", "review") and blocked.explanation
    for row in blocked.explanation:
        for ev in row.evidence:
            assert PLAN_ONLY[ev.start : ev.end] == ev.text


def test_claim_ready_never_true_with_blocking_gap_on_the_corpus(
    shipped_model, corpus_notes, reviewer
):
    for e in featurize(corpus_notes[:120], reviewer):
        out = shipped_model.decide(e.facts)
        assert not (out.claim_ready and out.blocking_gaps), e.note["id"]


@pytest.mark.slow
def test_retraining_on_shipped_corpus_reproduces_the_shipped_model(
    shipped_model, corpus_notes, reviewer, repo_root
):
    meta = shipped_model.metadata
    metrics = json.loads((repo_root / "models" / "metrics.json").read_text())
    examples = featurize(corpus_notes, reviewer)
    # train() fits on the train notes followed by the dev notes (the order sets the calibration folds)
    train_dev = [e for e in examples if e.split == "train"] + [
        e for e in examples if e.split == "dev"
    ]
    fitted = fit(meta["candidate"], train_dev, meta["seed"])
    test = [e for e in examples if e.split == "test"]
    assert np.allclose(
        fitted.predict_proba_rows([e.row for e in test]),
        shipped_model.predict_proba_rows([e.row for e in test]),
        atol=1e-9,
    ), (
        "retraining does not reproduce the shipped model (rules or corpus changed?): run "
        "`cleanclaim train --annotations annotations/corpus.jsonl --output models --install`"
    )
    from cleanclaim.classifier.training import score

    fitted.metadata["threshold"] = shipped_model.threshold
    assert score(fitted, test) == pytest.approx(metrics["test"]["model"], nan_ok=True)


def test_when_rule_tables_changed_without_version_bump_then_warns(small_model, reviewer, tmp_path):
    path = _saved(small_model, reviewer, tmp_path, rules_sha256="0" * 64)
    with pytest.warns(ModelVersionWarning, match="rule tables or engine changed"):
        load(path)


def test_linear_scorer_equals_the_pipeline_on_corpus_notes(sample_notes, reviewer, tmp_path):
    """The numpy scorer loaded from linear.json gives the pipeline's probabilities and
    explanations, without importing scikit-learn's pipeline from skops."""
    examples = featurize(sample_notes, reviewer)
    model = fit("lr_facts", examples)
    meta = {"rules_version": reviewer.rules_version, "model_version": "lr-test"}
    model.metadata.update(meta)
    save(model, tmp_path)
    assert (tmp_path / "linear.json").is_file()
    fast = load(tmp_path)
    assert fast.linear is not None
    rows = [e.row for e in examples]
    assert np.allclose(fast.predict_proba_rows(rows), model.predict_proba_rows(rows), atol=1e-12)
    for e in examples[:20]:
        a, b = fast.decide(e.facts), model.decide(e.facts)
        assert a.probability == b.probability and a.claim_ready == b.claim_ready
        assert [(x.feature, x.contribution, x.evidence) for x in a.explanation] == [
            (x.feature, x.contribution, x.evidence) for x in b.explanation
        ]


def test_text_model_has_no_linear_file(small_model, reviewer, tmp_path):
    small_model.metadata.update({"rules_version": reviewer.rules_version})
    (tmp_path / "linear.json").write_text("{}")
    save(small_model, tmp_path)
    assert not (tmp_path / "linear.json").exists()
    assert load(tmp_path).linear is None


def test_linear_file_of_another_model_file_is_ignored(sample_notes, reviewer, tmp_path):
    model = fit("lr_facts", featurize(sample_notes[:30], reviewer))
    model.metadata.update({"rules_version": reviewer.rules_version})
    save(model, tmp_path)
    data = json.loads((tmp_path / "linear.json").read_text())
    data["model_sha256"] = "0" * 64
    (tmp_path / "linear.json").write_text(json.dumps(data))
    assert load(tmp_path).linear is None  # the skops pipeline is used instead

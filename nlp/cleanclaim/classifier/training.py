"""Train the clean-claim classifier: featurize labelled notes, compare candidates on dev, fit, save.

Labels come from the annotated corpus (``claim_ready``) or from claim outcomes (a CSV with
``id,text,paid[,carc]``: paid=1 means the note supported a clean claim). Notes without a split
(outcomes) are split by a hash of their id, like corpus groups.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .corpus import load as load_corpus
from .corpus import sha256_file, split_of
from .features import row
from .metrics import claim_metrics
from .model import CANDIDATES, SEED, ClaimModel, library_versions, make_pipeline, rules_sha256

_TRUE = {"1", "true", "yes", "y", "paid", "t"}


@dataclass
class Example:
    """One labelled note with the rules' findings."""

    note: dict[str, Any]
    facts: Any
    row: dict[str, Any]

    @property
    def label(self) -> int:
        """1 when the note supports a clean claim."""
        return int(bool(self.note["claim_ready"]))

    @property
    def split(self) -> str:
        """train, dev or test."""
        return str(self.note.get("split"))


def read_outcomes(path: Path) -> list[dict[str, Any]]:
    """Read notes labelled from claim outcomes: ``paid`` 1/true → clean; ``carc`` kept when present."""
    notes = []
    with Path(path).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"id", "text", "paid"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        for rec in reader:
            nid = str(rec["id"])
            notes.append(
                {
                    "id": nid,
                    "group": nid,
                    "split": split_of(nid),
                    "text": rec["text"],
                    "claim_ready": str(rec["paid"]).strip().lower() in _TRUE,
                    "carc": (rec.get("carc") or "").strip() or None,
                    "source": "outcomes",
                }
            )
    return notes


def featurize(
    notes: Sequence[dict[str, Any]], reviewer: Any = None, batch_size: int = 32
) -> list[Example]:
    """Run the rules over notes once; returns examples with the model input row."""
    from ..reviewer import Reviewer

    reviewer = reviewer or Reviewer(model=None)
    docs = reviewer.nlp.pipe([n["text"] for n in notes], batch_size=batch_size)
    out = []
    for note, doc in zip(notes, docs, strict=True):
        facts = reviewer.facts(doc, note.get("id"))
        out.append(Example(note, facts, row(facts)))
    return out


def _y(examples: Sequence[Example]) -> np.ndarray:
    return np.array([e.label for e in examples])


def fit(candidate: str, examples: Sequence[Example], seed: int = SEED) -> ClaimModel:
    """Fit one candidate on examples."""
    from threadpoolctl import threadpool_limits

    from .model import frame

    pipe = make_pipeline(candidate, seed)
    # One thread: the data are small, the cores shared, and one thread keeps runs comparable.
    with threadpool_limits(limits=1):
        pipe.fit(frame([e.row for e in examples]), _y(examples))
    return ClaimModel(pipe, {"candidate": candidate, "seed": seed})


def score(model: ClaimModel | None, examples: Sequence[Example]) -> dict[str, float]:
    """claim_ready metrics of a model's policy on examples; ``None`` scores the rules alone."""
    y = _y(examples)
    if model is None:
        p = np.array([float(bool(e.facts.review.claim_ready)) for e in examples])
        ready = p >= 0.5
    else:
        p = model.predict_proba_rows([e.row for e in examples])
        ready = np.array(
            [
                model.apply_policy(e.facts.review, float(pi)).claim_ready
                for e, pi in zip(examples, p, strict=True)
            ]
        )
    return claim_metrics(y, p, ready)


def _latency(model: ClaimModel, examples: Sequence[Example], n: int = 20) -> float:
    """Milliseconds per note of ``decide`` (probability and explanation), one note at a time."""
    sample = list(examples[:n])
    if not sample:
        return 0.0
    t0 = time.perf_counter()
    for e in sample:
        model.decide(e.facts)
    return round(1000 * (time.perf_counter() - t0) / len(sample), 1)


def compare(
    train: Sequence[Example],
    dev: Sequence[Example],
    candidates: Sequence[str] = CANDIDATES,
    seed: int = SEED,
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Fit each candidate on ``train`` and score it (and the rules alone) on ``dev``."""
    table = [{"candidate": "rules", **score(None, dev), "fit_seconds": 0.0, "ms_per_note": 0.0}]
    for cand in candidates:
        t0 = time.perf_counter()
        model = fit(cand, train, seed)
        seconds = time.perf_counter() - t0
        table.append(
            {
                "candidate": cand,
                **score(model, dev),
                "fit_seconds": round(seconds, 2),
                "ms_per_note": _latency(model, dev),
            }
        )
        if log:
            log(f"  {cand}: fitted in {seconds:.1f}s")
    return table


def choose(table: Sequence[dict[str, Any]]) -> str:
    """Pick the candidate with the lowest dev Brier score (ties: higher ROC-AUC, then simpler)."""
    models = [r for r in table if r["candidate"] != "rules"]
    best = min(
        models,
        key=lambda r: (
            round(r["brier"], 4),
            -round(r["roc_auc"], 4),
            CANDIDATES.index(r["candidate"]),
        ),
    )
    return str(best["candidate"])


def train(
    annotations: Path | None = None,
    outcomes: Path | None = None,
    candidate: str | None = None,
    seed: int = SEED,
    log: Callable[[str], None] | None = None,
    reviewer: Any = None,
    notes: Sequence[dict[str, Any]] | None = None,
    candidates: Sequence[str] = CANDIDATES,
    compare_shipped: bool = True,
) -> tuple[ClaimModel, dict[str, Any]]:
    """Compare candidates on dev, refit the chosen one on train+dev, and score it on test
    against the shipped model and the rules alone (``metrics["heldout"]``).

    Returns the model (metadata filled in) and the metrics record written to ``metrics.json``.
    """
    log = log or (lambda _msg: None)
    t_start = time.perf_counter()
    sources: list[dict[str, Any]] = []
    all_notes: list[dict[str, Any]] = list(notes or [])
    if annotations is not None:
        all_notes += load_corpus(annotations)
        sources.append(
            {"path": str(annotations), "kind": "annotations", "sha256": sha256_file(annotations)}
        )
    if outcomes is not None:
        all_notes += read_outcomes(outcomes)
        sources.append({"path": str(outcomes), "kind": "outcomes", "sha256": sha256_file(outcomes)})
    if not all_notes:
        raise ValueError("no training notes: give annotations and/or outcomes")
    log(f"featurizing {len(all_notes)} notes with the rules")
    examples = featurize(all_notes, reviewer)
    by_split = {s: [e for e in examples if e.split == s] for s in ("train", "dev", "test")}
    if not by_split["train"] or len({e.label for e in by_split["train"]}) < 2:
        raise ValueError("the train split needs notes of both classes")
    table: list[dict[str, Any]] = []
    if candidate is None:
        if not by_split["dev"]:
            raise ValueError("no dev notes to compare candidates on; pass --candidate")
        log("comparing candidates on dev")
        table = compare(by_split["train"], by_split["dev"], candidates, seed=seed, log=log)
        candidate = choose(table)
    log(f"fitting {candidate} on train+dev")
    t_fit = time.perf_counter()
    model = fit(candidate, by_split["train"] + by_split["dev"], seed)
    fit_seconds = time.perf_counter() - t_fit
    test = (
        {"model": score(model, by_split["test"]), "rules": score(None, by_split["test"])}
        if by_split["test"]
        else {}
    )
    heldout = None
    if by_split["test"]:
        shipped, shipped_note = shipped_model() if compare_shipped else (None, None)
        heldout = heldout_comparison(by_split["test"], model, shipped)
        heldout["shipped_note"] = shipped_note
    metrics = {
        "selection": "lowest dev Brier score of candidates fitted on train",
        "dev_comparison": table,
        "chosen": candidate,
        "test": test,
        "heldout": heldout,
        "n": {s: len(v) for s, v in by_split.items()},
        "fit_seconds": round(fit_seconds, 2),
        "total_seconds": round(time.perf_counter() - t_start, 2),
    }
    from ..resources import rules_version

    digest = "".join(s["sha256"][:8] for s in sources) or "inline"
    model.metadata.update(
        {
            "model_version": f"{candidate}-{digest}-{rules_sha256()[:8]}",
            "candidate": candidate,
            "seed": seed,
            "threshold": model.threshold,
            "policy": "rules veto; ready when no blocking gap and p >= threshold; disagreements -> decision 'review'",
            "rules_version": rules_version(),
            "rules_sha256": rules_sha256(),
            "versions": library_versions(),
            "training_data": sources,
            "n_train": len(by_split["train"]) + len(by_split["dev"]),
            "metrics": {
                "test": test,
                "chosen_dev": next((r for r in table if r["candidate"] == candidate), None),
            },
            "fit_seconds": metrics["fit_seconds"],
        }
    )
    return model, metrics


#: How a new model is judged against the rules alone on the held-out (test) notes. It is
#: *worse* when its Brier score is higher than the rules' (its probabilities are less
#: calibrated than the rules' 0/1 answers) or its claim_ready accuracy is lower than the rules'.
WORSE_RULE = (
    "worse than the rules alone = on the held-out notes, a higher Brier score than the rules' "
    "0/1 answers, or a lower claim_ready accuracy"
)


def worse_than_rules(new: dict[str, float], rules: dict[str, float]) -> list[str]:
    """Why ``new`` (held-out metrics) is worse than the rules alone (:data:`WORSE_RULE`); [] if not."""
    reasons = []
    if round(new["brier"], 4) > round(rules["brier"], 4):
        reasons.append(f"Brier {new['brier']:.4f} > rules {rules['brier']:.4f}")
    if round(new["accuracy"], 4) < round(rules["accuracy"], 4):
        reasons.append(f"accuracy {new['accuracy']:.4f} < rules {rules['accuracy']:.4f}")
    return reasons


def shipped_model() -> tuple[ClaimModel | None, str | None]:
    """The shipped model for comparison, and a note when it was loaded despite other versions."""
    import warnings

    from .model import ModelVersionError, load_default

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_default(), None
    except ModelVersionError as err:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return load_default(force=True), f"shipped model loaded anyway: {err}"
        except Exception as again:  # noqa: BLE001  (incompatible: compare without it)
            return None, f"shipped model not comparable: {type(again).__name__}"


def heldout_comparison(
    test: Sequence[Example], new: ClaimModel, shipped: ClaimModel | None = None
) -> dict[str, Any]:
    """The new model, the shipped model and the rules alone on the same held-out notes.

    Returns ``rows`` (decider -> accuracy, F1, ROC-AUC, Brier, log loss), ``per_code_f1`` (gap
    code -> F1 of the rules' gaps against the labels; the same for the three deciders, since a
    model changes the decision and probability, never the gaps; empty for notes without gap
    labels, e.g. claim outcomes), ``worse`` (reasons the new model is worse than the rules
    alone, :data:`WORSE_RULE`) and ``rule``.
    """
    from .evaluation import gap_scores

    rows: dict[str, dict[str, float]] = {"rules alone": score(None, test)}
    if shipped is not None:
        rows["shipped model"] = score(shipped, test)
    rows["new model"] = score(new, test)
    labelled = [e for e in test if isinstance(e.note.get("gaps"), list)]
    per_code = {}
    if labelled:
        scores = gap_scores([e.note for e in labelled], [e.facts.review for e in labelled])
        per_code = {code: s["f1"] for code, s in scores.items() if s["tp"] + s["fp"] + s["fn"] > 0}
    return {
        "n": len(test),
        "rows": rows,
        "per_code_f1": per_code,
        "worse": worse_than_rules(rows["new model"], rows["rules alone"]),
        "rule": WORSE_RULE,
    }


def comparison_text(comparison: dict[str, Any]) -> str:
    """The held-out comparison as a fixed-width table (what ``cleanclaim train`` prints)."""
    cols = ("accuracy", "f1", "roc_auc", "brier", "log_loss")
    names = list(comparison["rows"])
    width = max(14, *(len(n) for n in names))
    lines = [
        f"held-out comparison ({comparison['n']} test notes, never used for fitting or choosing)",
        f"{'':<{width}}" + "".join(f"{c:>10}" for c in cols),
    ]
    for name in names:
        row = comparison["rows"][name]
        lines.append(f"{name:<{width}}" + "".join(f"{row[c]:>10.4f}" for c in cols))
    if comparison["per_code_f1"]:
        lines.append("per-code F1 of the gaps (from the rules: the same for all three):")
        items = list(comparison["per_code_f1"].items())
        for i in range(0, len(items), 3):
            lines.append("  " + "  ".join(f"{code:<20}{f1:>6.3f}" for code, f1 in items[i : i + 3]))
    return "\n".join(lines)


def _heldout_md(heldout: dict[str, Any] | None) -> str:
    if not heldout:
        return ""
    rows = "\n".join(
        f"| {name} | {m['accuracy']:.3f} | {m['f1']:.3f} | {m['roc_auc']:.3f} | {m['brier']:.3f} |"
        for name, m in heldout["rows"].items()
    )
    verdict = (
        "**Worse than the rules alone**: " + "; ".join(heldout["worse"])
        if heldout["worse"]
        else "Not worse than the rules alone"
    )
    return (
        "Against the shipped model (when one was installed) and the rules alone, same notes:\n\n"
        "| | accuracy | F1 | ROC-AUC | Brier |\n|---|---|---|---|---|\n"
        f"{rows}\n\n{verdict} ({heldout['rule']}).\n"
    )


def model_card(metrics: dict[str, Any], metadata: dict[str, Any]) -> str:
    """``MODEL_CARD.md``: what the model is, how it was chosen, its test numbers and its limits."""

    def line(r: dict[str, Any]) -> str:
        return (
            f"| {r['candidate']} | {r['accuracy']:.3f} | {r['f1']:.3f} | {r['roc_auc']:.3f} | "
            f"{r['brier']:.3f} | {r['log_loss']:.3f} | {r.get('fit_seconds', 0):.1f} | {r.get('ms_per_note', '')} |"
        )

    head = "| candidate | accuracy | F1 | ROC-AUC | Brier | log loss | fit s | ms/note |\n|---|---|---|---|---|---|---|---|"
    dev = (
        "\n".join(line(r) for r in metrics["dev_comparison"])
        or "| (no comparison: candidate given) |"
    )
    test_head = "| | accuracy | F1 | ROC-AUC | Brier | log loss |\n|---|---|---|---|---|---|"
    test = (
        "\n".join(
            f"| {'chosen model' if w == 'model' else 'rules alone'} | {m['accuracy']:.3f} | "
            f"{m['f1']:.3f} | {m['roc_auc']:.3f} | {m['brier']:.3f} | {m['log_loss']:.3f} |"
            for w, m in metrics["test"].items()
        )
        or "| (no test split) |"
    )
    v = metadata.get("versions", {})
    data = ", ".join(
        f"{s['path']} (sha256 {s['sha256'][:12]}…)" for s in metadata.get("training_data", [])
    )
    return f"""# Model card: cleanclaim clean-claim classifier

Generated by `cleanclaim train` (do not edit by hand: retrain to update).

- **Model**: `{metadata.get("model_version")}`: candidate `{metrics["chosen"]}`, a scikit-learn pipeline
  (readable rule features via `DictVectorizer`{" + word 1-2-gram TF-IDF" if "text" in metrics["chosen"] else ""})
  with sigmoid-calibrated probabilities (`CalibratedClassifierCV`, 5 stratified folds).
- **Predicts**: the probability that a visit note supports a clean CPT 96372 claim (`probability`).
- **Data**: {data}; {metrics["n"].get("train", 0)} train, {metrics["n"].get("dev", 0)} dev,
  {metrics["n"].get("test", 0)} test notes (split by a hash of the note's group).
- **Seed** {metadata.get("seed")}; rules version `{metadata.get("rules_version")}`; scikit-learn {v.get("scikit-learn")},
  skops {v.get("skops")}, spaCy {v.get("spacy")}, medspaCy {v.get("medspacy")}, cleanclaim {v.get("cleanclaim")}.
- **Training time**: {metrics["fit_seconds"]} s to fit the chosen model on train+dev;
  {metrics["total_seconds"]} s for the whole command (rules over every note, {len(metrics["dev_comparison"]) - 1 if metrics["dev_comparison"] else 0} candidates compared, refit), on 2 CPU cores.

## How it was chosen
Each candidate was fitted on train and scored on dev; the lowest dev Brier score wins (the
product's `probability` must be calibrated), ties broken by ROC-AUC. The chosen candidate was
then refitted on train+dev. The "rules" row is the rules engine alone (probability 1 when the
rules say ready, else 0). Accuracy and F1 are of the final `claim_ready` after the policy below.

Dev comparison:

{head}
{dev}

## Test split (never used for choosing or fitting; {metrics["n"].get("test", 0)} notes)

{test_head}
{test}

{_heldout_md(metrics.get("heldout"))}
Mentions, flags, gaps per code, service code, injections and the per-style and per-specialty
breakdowns: `cleanclaim evaluate annotations/corpus.jsonl --split test --html report.html`.

## Decision policy (rules and model disagreeing)
- A blocking gap is reported → `claim_ready` false (the rules veto). `decision` is `rules`, or
  `review` when the model's probability is ≥ {metadata.get("threshold", 0.5)} (the model doubts the gap).
- No blocking gap and probability ≥ {metadata.get("threshold", 0.5)} → `claim_ready` true, `decision` `model`.
- No blocking gap and probability < {metadata.get("threshold", 0.5)} → `claim_ready` false; `decision` `review`
  when the rules alone would have said ready (held for a coder), else `model`.

`claim_ready` is therefore never true while a blocking gap is reported, and the model can only
hold back a claim the rules pass. `explanation` lists the features that moved the probability
most (coefficient × value for linear models, the drop in probability when the feature is zeroed
otherwise), each with the gap evidence, mentions or n-gram hits it stands for.

## Files and how the package finds the model
`cleanclaim train` writes where `--output` says (default `models-retrained/`; the shipped copy is
`models/`, written only with `--install`): `model.skops` (skops, not pickle), `metadata.json`
(library versions, rules version, a hash of the rule tables and engine code, training-data
sha256, seed, threshold, metrics, the model file's sha256), `metrics.json` (the dev comparison
and the test numbers) and this card. `--install` copies `model.skops` and `metadata.json` into
the package (`cleanclaim/models_data/`, package data), where `cleanclaim.model.load_default()`
finds them with `importlib.resources`; a test checks the two copies are identical and that
retraining on the shipped corpus reproduces the shipped model's predictions and test metrics.

Reproduce: `cleanclaim annotations build && cleanclaim annotations validate &&
cleanclaim train --annotations annotations/corpus.jsonl --output models --install`.

## Limits
- Trained on a few hundred notes written by the team, not real charts: expect lower numbers on
  real clinic text, and retrain on local data (notebooks/01_retrain.ipynb, or `--outcomes`).
- The dev and test splits are small (tens of notes): differences of a few points between
  candidates are within noise.
- Because of the veto, `claim_ready` errors caused by a false blocking gap are the rules' errors;
  the model only changes the probability and can flag them for review.
- Claim-outcome labels (paid/denied) mix documentation with payer behaviour (eligibility,
  frequency limits, bundling); a denial is not always a documentation gap.
- Loading refuses a model trained with another scikit-learn major.minor or another rules version
  (retrain, or force), and warns on other library differences.
"""

"""Measure the reviewer on a labelled set: mentions, flags, gaps, claim_ready, codes, breakdowns.

:func:`evaluate` returns a JSON-ready dict; :func:`html_report` renders it with plots (PNG,
base64-embedded, self-contained). Note text appears only in the HTML report's worst errors.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from .corpus import FLAGS, GAP_CODES, LABELS
from .metrics import calibration_table, claim_metrics
from .metrics import prf as _prf


def mention_scores(notes: Sequence[dict[str, Any]], reviews: Sequence[Any]) -> dict[str, Any]:
    """Mention P/R/F1 per label (strict: same offsets; lenient: overlap) and flag accuracy."""
    strict: dict[str, Counter[str]] = defaultdict(Counter)
    lenient: dict[str, Counter[str]] = defaultdict(Counter)
    flags: dict[str, Counter[str]] = defaultdict(Counter)
    for note, review in zip(notes, reviews, strict=True):
        gold = note.get("spans", [])
        pred = [e for e in review.entities if e.label in LABELS]
        pred_keys = {(e.start, e.end, e.label): e for e in pred}
        gold_keys = {(s["start"], s["end"], s["label"]): s for s in gold}
        for label in LABELS:
            g = [k for k in gold_keys if k[2] == label]
            pr = [k for k in pred_keys if k[2] == label]
            tp = len(set(g) & set(pr))
            strict[label].update(tp=tp, fp=len(pr) - tp, fn=len(g) - tp)
            g_hit = sum(any(a[0] < b[1] and b[0] < a[1] for b in pr) for a in g)
            p_hit = sum(any(a[0] < b[1] and b[0] < a[1] for b in g) for a in pr)
            lenient[label].update(tp=g_hit, fn=len(g) - g_hit, fp=len(pr) - p_hit)
        for key in set(gold_keys) & set(pred_keys):
            for flag in FLAGS:
                flags[flag]["n"] += 1
                flags[flag]["correct"] += bool(gold_keys[key].get(flag)) == bool(
                    getattr(pred_keys[key], flag)
                )
    return {
        "strict": {lab: _prf(c["tp"], c["fp"], c["fn"]) for lab, c in strict.items()},
        "lenient": {lab: _prf(c["tp"], c["fp"], c["fn"]) for lab, c in lenient.items()},
        "flags": {
            f: {"n": c["n"], "accuracy": round(c["correct"] / c["n"], 4) if c["n"] else 0.0}
            for f, c in flags.items()
        },
    }


def gap_scores(
    notes: Sequence[dict[str, Any]], reviews: Sequence[Any]
) -> dict[str, dict[str, float]]:
    """Note-level P/R/F1 per gap code (predicted codes outside the labelled set are ignored)."""
    out = {}
    for code in GAP_CODES:
        tp = fp = fn = 0
        for note, review in zip(notes, reviews, strict=True):
            g, p = code in note.get("gaps", []), code in review.gap_codes
            tp += g and p
            fp += p and not g
            fn += g and not p
        out[code] = _prf(tp, fp, fn)
    return out


def _reason(note: dict[str, Any], review: Any) -> str:
    gold, pred = set(note.get("gaps", [])), set(review.gap_codes) & set(GAP_CODES)
    parts = [
        f"gold {'ready' if note['claim_ready'] else 'not ready'}, predicted "
        f"{'ready' if review.claim_ready else 'not ready'} (p={review.probability})"
    ]
    if pred - gold:
        parts.append("extra gaps " + ",".join(sorted(pred - gold)))
    if gold - pred:
        parts.append("missed gaps " + ",".join(sorted(gold - pred)))
    if not (pred ^ gold) and review.decision:
        parts.append(f"gaps agree; decided by {review.decision}")
    return "; ".join(parts)


def evaluate(notes: Sequence[dict[str, Any]], reviewer: Any, worst: int = 15) -> dict[str, Any]:
    """Review every note with ``reviewer`` (with or without a model) and score it against the labels."""
    from .training import featurize

    examples = featurize(notes, reviewer)
    rules = [e.facts.review for e in examples]
    model = reviewer.model
    reviews = [model.decide(e.facts) for e in examples] if model is not None else rules
    y = np.array([int(bool(n["claim_ready"])) for n in notes])

    def claim(rs: Sequence[Any]) -> dict[str, Any]:
        p = np.array(
            [r.probability if r.probability is not None else float(bool(r.claim_ready)) for r in rs]
        )
        ready = np.array([bool(r.claim_ready) for r in rs])
        bins = 5 if len(y) < 200 else 10  # small sets: fewer, fuller bins
        return {**claim_metrics(y, p, ready), "calibration": calibration_table(y, p, bins)}

    def breakdown(key: str) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, n in enumerate(notes):
            groups[str(n.get(key))].append(i)
        return {
            k: {
                "n": len(ix),
                "accuracy": round(
                    float(
                        np.mean(
                            [reviews[i].claim_ready == bool(notes[i]["claim_ready"]) for i in ix]
                        )
                    ),
                    4,
                ),
                "rules_accuracy": round(
                    float(
                        np.mean([rules[i].claim_ready == bool(notes[i]["claim_ready"]) for i in ix])
                    ),
                    4,
                ),
            }
            for k, ix in sorted(groups.items())
        }

    errors = []
    for n, r in zip(notes, reviews, strict=True):
        if bool(r.claim_ready) != bool(n["claim_ready"]):
            p = r.probability if r.probability is not None else float(bool(r.claim_ready))
            errors.append(
                {
                    "id": n["id"],
                    "gold": bool(n["claim_ready"]),
                    "predicted": bool(r.claim_ready),
                    "probability": p,
                    "loss": round(abs(int(bool(n["claim_ready"])) - p), 4),
                    "reason": _reason(n, r),
                }
            )
    errors.sort(key=lambda e: (-e["loss"], e["id"]))
    has_codes = [i for i, n in enumerate(notes) if "service_code" in n]
    result = {
        "n": len(notes),
        "model_version": getattr(model, "version", None),
        "claim_ready": {
            "model": claim(reviews) if model is not None else None,
            "rules": claim(rules),
        },
        "mentions": mention_scores(notes, rules),
        "gaps": gap_scores(notes, rules),
        "service_code_accuracy": round(
            float(np.mean([rules[i].service_code == notes[i]["service_code"] for i in has_codes])),
            4,
        )
        if has_codes
        else None,
        "injections_accuracy": round(
            float(np.mean([rules[i].injections == notes[i]["injections"] for i in has_codes])), 4
        )
        if has_codes
        else None,
        "by_style": breakdown("style"),
        "by_specialty": breakdown("specialty"),
        "decisions": dict(Counter(r.decision for r in reviews)),
        "worst_errors": errors[:worst],
    }
    # Kept out of the JSON (note text): the HTML report needs the curves and the text.
    result["_private"] = {
        "y": y.tolist(),
        "p": [
            r.probability if r.probability is not None else float(bool(r.claim_ready))
            for r in reviews
        ],
        "p_rules": [float(bool(r.claim_ready)) for r in rules],
        "texts": {n["id"]: n["text"] for n in notes},
        "reviews": {n["id"]: r for n, r in zip(notes, reviews, strict=True)},
    }
    return result


def public(result: dict[str, Any]) -> dict[str, Any]:
    """Drop the private fields (no note text): what ``--json`` writes."""
    return {k: v for k, v in result.items() if not k.startswith("_")}


def summary_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """Headline numbers for a terminal table."""
    rows = []
    for who in ("model", "rules"):
        m = result["claim_ready"][who]
        if m:
            rows.append(
                (
                    f"claim_ready ({who})",
                    f"acc {m['accuracy']:.3f}  F1 {m['f1']:.3f}  AUC {m['roc_auc']:.3f}  Brier {m['brier']:.3f}",
                )
            )
    for label, s in result["mentions"]["strict"].items():
        le = result["mentions"]["lenient"][label]
        rows.append(
            (
                f"mention {label}",
                f"strict P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} · lenient F1 {le['f1']:.3f}",
            )
        )
    for flag, s in result["mentions"]["flags"].items():
        rows.append((f"flag {flag}", f"accuracy {s['accuracy']:.3f} (n={s['n']})"))
    for code, s in result["gaps"].items():
        rows.append(
            (
                f"gap {code}",
                f"P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} (support {s['tp'] + s['fn']})",
            )
        )
    rows.append(("service_code accuracy", f"{result['service_code_accuracy']}"))
    rows.append(("injections accuracy", f"{result['injections_accuracy']}"))
    return rows


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def plots(result: dict[str, Any]) -> dict[str, str]:
    """Calibration curve, precision-recall curve, per-gap-code and per-label F1 bars (data URIs)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover
        raise ImportError(
            "the HTML report needs matplotlib: pip install 'cleanclaim[notebooks]'"
        ) from err
    from sklearn.metrics import precision_recall_curve

    priv = result["_private"]
    y, p, pr = np.array(priv["y"]), np.array(priv["p"]), np.array(priv["p_rules"])
    out = {}
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.plot([0, 1], [0, 1], ":", color="grey")
    for name, probs in (("model", p), ("rules", pr)):
        table = calibration_table(y, probs, 5 if len(y) < 200 else 10)
        ax.plot([t["mean_p"] for t in table], [t["observed"] for t in table], "o-", label=name)
    ax.set(xlabel="predicted probability", ylabel="observed clean rate", title="Calibration")
    ax.legend()
    out["calibration"] = _png(fig)
    fig, ax = plt.subplots(figsize=(4.5, 4))
    if len(set(y.tolist())) == 2:
        for name, probs in (("model", p), ("rules", pr)):
            prec, rec, _ = precision_recall_curve(y, probs)
            ax.step(rec, prec, where="post", label=name)
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall (claim_ready)")
    ax.legend()
    out["pr"] = _png(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    codes = list(result["gaps"])
    ax.barh(codes, [result["gaps"][c]["f1"] for c in codes])
    ax.set(xlim=(0, 1), xlabel="F1", title="Gap F1 per code")
    out["gaps"] = _png(fig)
    fig, ax = plt.subplots(figsize=(6, 3))
    labels = list(result["mentions"]["strict"])
    xs = np.arange(len(labels))
    ax.bar(
        xs - 0.2, [result["mentions"]["strict"][lab]["f1"] for lab in labels], 0.4, label="strict"
    )
    ax.bar(
        xs + 0.2, [result["mentions"]["lenient"][lab]["f1"] for lab in labels], 0.4, label="lenient"
    )
    ax.set_xticks(xs, labels)
    ax.set(ylim=(0, 1), ylabel="F1", title="Mention F1 per label")
    ax.legend()
    out["mentions"] = _png(fig)
    return out


def _table(rows: list[dict[str, Any]], cols: Sequence[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(r.get(c, '')))}</td>" for c in cols) + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def highlight_html(text: str, review: Any) -> str:
    """Note text as HTML with each mention marked by its label."""
    marks = sorted({(e.start, e.end, e.label) for e in review.entities})
    out, pos = [], 0
    for start, end, label in marks:
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{label}" title="{label}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def html_report(result: dict[str, Any], title: str = "cleanclaim evaluation") -> str:
    """Render a self-contained HTML report (plots embedded; worst errors with highlighted note text)."""
    imgs = plots(result)
    cr = result["claim_ready"]
    claim_rows = [
        {"who": w, **{k: v for k, v in m.items() if k != "calibration"}} for w, m in cr.items() if m
    ]
    calib = (cr["model"] or cr["rules"])["calibration"]
    gaps = [{"code": c, **s} for c, s in result["gaps"].items()]
    ments = [
        {
            "label": lab,
            "strict_f1": s["f1"],
            "strict_p": s["precision"],
            "strict_r": s["recall"],
            "lenient_f1": result["mentions"]["lenient"][lab]["f1"],
        }
        for lab, s in result["mentions"]["strict"].items()
    ]
    flags = [{"flag": f, **s} for f, s in result["mentions"]["flags"].items()]
    styles = [{"style": k, **v} for k, v in result["by_style"].items()]
    specs = [{"specialty": k, **v} for k, v in result["by_specialty"].items()]
    priv = result["_private"]
    errs = []
    for e in result["worst_errors"]:
        review = priv["reviews"][e["id"]]
        gaps_txt = ", ".join(review.gap_codes) or "none"
        errs.append(
            f"<h3>{html.escape(e['id'])}</h3><p>{html.escape(e['reason'])}; reported gaps: "
            f"{html.escape(gaps_txt)}</p><pre>{highlight_html(priv['texts'][e['id']], review)}</pre>"
        )
    img = "".join(f'<img alt="{k}" src="{v}">' for k, v in imgs.items())
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}}table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}
td,th{{border:1px solid #ccc;padding:.2rem .5rem;font-size:.9rem}}pre{{white-space:pre-wrap;background:#f6f6f6;padding:.6rem}}
mark.DRUG{{background:#ffd6a5}}mark.DOSE{{background:#caffbf}}mark.ROUTE{{background:#9bf6ff}}mark.SITE{{background:#bdb2ff}}mark.DIAGNOSIS{{background:#ffc6ff}}
img{{margin:.5rem}}</style></head><body>
<h1>{html.escape(title)}</h1><p>{result["n"]} notes · model {html.escape(str(result["model_version"]))} · service_code accuracy {result["service_code_accuracy"]} · injections accuracy {result["injections_accuracy"]}</p>
<h2>claim_ready</h2>{_table(claim_rows, ["who", "n", "accuracy", "f1", "roc_auc", "brier", "log_loss"])}
<h3>Calibration</h3>{_table(calib, ["bin", "n", "mean_p", "observed"])}
<div>{img}</div>
<h2>Gaps</h2>{_table(gaps, ["code", "precision", "recall", "f1", "tp", "fp", "fn"])}
<h2>Mentions</h2>{_table(ments, ["label", "strict_p", "strict_r", "strict_f1", "lenient_f1"])}{_table(flags, ["flag", "n", "accuracy"])}
<h2>By style</h2>{_table(styles, ["style", "n", "accuracy", "rules_accuracy"])}
<h2>By specialty</h2>{_table(specs, ["specialty", "n", "accuracy", "rules_accuracy"])}
<h2>Worst errors</h2>{"".join(errs) or "<p>none</p>"}
</body></html>"""

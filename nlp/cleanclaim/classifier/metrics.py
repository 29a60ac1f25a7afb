"""Scores shared by training and evaluation: claim decisions, probabilities, calibration."""

from __future__ import annotations

import numpy as np


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (0 where undefined), with the counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def claim_metrics(y: np.ndarray, p: np.ndarray, ready: np.ndarray) -> dict[str, float]:
    """Accuracy, F1, ROC-AUC, Brier and log loss of claim_ready decisions and probabilities."""
    from sklearn.metrics import accuracy_score, brier_score_loss, f1_score, log_loss, roc_auc_score

    y = np.asarray(y, dtype=int)
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    ready = np.asarray(ready, dtype=bool)
    both = len(set(y.tolist())) == 2
    return {
        "n": int(len(y)),
        "accuracy": round(float(accuracy_score(y, ready)), 4) if len(y) else 0.0,
        "f1": round(float(f1_score(y, ready, zero_division=0)), 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if both else float("nan"),
        "brier": round(float(brier_score_loss(y, p)), 4) if len(y) else 0.0,
        "log_loss": round(float(log_loss(y, np.clip(p, 1e-3, 1 - 1e-3), labels=[0, 1])), 4)
        if len(y)
        else 0.0,
    }


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Per probability bin: count, mean predicted probability, observed rate of clean claims."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        mask = idx == b
        if mask.any():
            out.append(
                {
                    "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                    "n": int(mask.sum()),
                    "mean_p": round(float(p[mask].mean()), 4),
                    "observed": round(float(y[mask].mean()), 4),
                }
            )
    return out

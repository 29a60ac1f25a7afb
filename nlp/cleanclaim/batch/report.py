"""Reports over a batch output: rates, gap frequencies, breakdowns, and a provider-query worklist.

The report reads flat rows (a ``.jsonl`` output is flattened while it is read) and shows only
ids, codes and counts: never note text.
"""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import io as bio

#: Blocking gaps a provider query can fix (the documentation is incomplete, not the service).
QUERYABLE = (
    "DOSE_MISSING",
    "ROUTE_MISSING",
    "DX_MISSING",
    "DRUG_MISSING",
    "ROUTE_CONFLICT",
    "DX_NOT_SUPPORTED",
)
#: Blocking gaps no query fixes: the service is not a 96372 one.
NOT_QUERYABLE = ("NOT_ADMINISTERED", "ROUTE_NOT_SC_IM", "VACCINE", "ANTINEOPLASTIC")


def load(path: Path) -> Any:
    """Load a batch output (.jsonl, .csv or .parquet) as a pandas DataFrame of flat rows."""
    import pandas as pd

    fmt = bio.output_format(path)
    if fmt == "parquet":
        df = pd.read_parquet(path)
    elif fmt == "csv":
        df = pd.read_csv(
            path,
            dtype={"id": str, "service_code": str, "icd10": str, "gaps": str, "error": str},
            keep_default_na=False,
            na_values=[""],
        )
        for col in ("claim_ready", *bio.GAP_COLUMNS):
            if col in df:
                df[col] = df[col].map({True: True, False: False, "True": True, "False": False})
    else:
        rows = []
        with path.open("r", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    record = json.loads(line)
                    own = set(bio.FLAT_COLUMNS) | {
                        "entities",
                        "administrations",
                        "diagnoses",
                        "explanation",
                        "decision",
                        "rules_version",
                        "model_version",
                    }
                    rows.append(
                        bio.flat_row(record, {k: v for k, v in record.items() if k not in own})
                    )
        df = pd.DataFrame(rows, columns=None)
    return df


@dataclass
class Report:
    """The numbers of a report."""

    total: int
    reviewed: int
    errors: int
    ready: int
    gap_counts: dict[str, int]
    service_codes: dict[str, int]
    probabilities: list[float]
    breakdowns: dict[str, Any]  # column -> DataFrame (group, notes, claim-ready rate, top gap)
    worklist: Any  # DataFrame

    @property
    def ready_rate(self) -> float:
        """Claim-ready share of the reviewed notes."""
        return self.ready / self.reviewed if self.reviewed else 0.0


def build(df: Any, by: list[str] | tuple[str, ...] = (), top: int = 50) -> Report:
    """Compute the report from flat rows; ``by`` names passthrough columns to break down by."""
    import pandas as pd

    ok = df[df["error"].isna()] if "error" in df else df
    gap_counts = {
        c: int(ok[c].fillna(False).astype(bool).sum()) for c in bio.GAP_COLUMNS if c in ok
    }
    extra = {}
    for codes in ok.get("gaps", pd.Series(dtype=str)).dropna():
        for code in str(codes).split(";"):
            if code and code not in gap_counts:
                extra[code] = extra.get(code, 0) + 1
    gap_counts.update(extra)
    service = ok["service_code"].fillna("none").astype(str).value_counts().to_dict()
    probs = [float(p) for p in ok["probability"].dropna()] if "probability" in ok else []
    breakdowns = {}
    for col in by:
        if col not in df:
            raise ValueError(
                f"no column {col!r} in the output (passthrough columns: {', '.join(c for c in df.columns if c not in bio.FLAT_COLUMNS)})"
            )
        g = ok.assign(_ready=ok["claim_ready"].fillna(False).astype(bool)).groupby(
            ok[col].fillna("(none)").astype(str)
        )
        table = pd.DataFrame(
            {"notes": g.size(), "claim_ready": g["_ready"].sum(), "ready_rate": g["_ready"].mean()}
        )
        for code in QUERYABLE:
            table[code] = g[code].apply(lambda s: int(s.fillna(False).astype(bool).sum()))
        breakdowns[col] = table.sort_values("notes", ascending=False)
    return Report(
        total=len(df),
        reviewed=len(ok),
        errors=len(df) - len(ok),
        ready=int(ok["claim_ready"].fillna(False).astype(bool).sum()),
        gap_counts=dict(sorted(gap_counts.items(), key=lambda kv: -kv[1])),
        service_codes=service,
        probabilities=probs,
        breakdowns=breakdowns,
        worklist=worklist(ok, by, top),
    )


def worklist(df: Any, by: list[str] | tuple[str, ...] = (), top: int = 50) -> Any:
    """Notes most worth a provider query: a real 96372 injection whose only blockers a query fixes.

    Fewest open questions first (one answer makes the claim clean), then more injections (more
    units recovered), then higher probability.
    """
    import pandas as pd

    if df.empty:
        return pd.DataFrame(columns=["id", "queries", "injections", "probability", "fix"])
    fixable = df[[c for c in QUERYABLE if c in df]].fillna(False).astype(bool)
    blocked = df[[c for c in NOT_QUERYABLE if c in df]].fillna(False).astype(bool).any(axis=1)
    mask = (
        (~df["claim_ready"].fillna(False).astype(bool))
        & fixable.any(axis=1)
        & ~blocked
        & (df["service_code"].astype(str) == "96372")
    )
    rows = df[mask].copy()
    rows["queries"] = fixable[mask].sum(axis=1)
    rows["fix"] = (
        fixable[mask].apply(lambda r: ", ".join(c for c in r.index if r[c]), axis=1)
        if len(rows)
        else []
    )
    rows["_p"] = (
        pd.to_numeric(rows["probability"], errors="coerce").fillna(0.0)
        if "probability" in rows
        else 0.0
    )
    rows = rows.sort_values(
        ["queries", "injections", "_p", "id"], ascending=[True, False, False, True]
    )
    cols = ["id", "queries", "fix", "injections", "probability", *[c for c in by if c in rows]]
    return rows[cols].head(top).reset_index(drop=True)


# Rendering ----------------------------------------------------------------------------------


def to_rich(report: Report) -> Any:
    """A rich renderable: the terminal summary."""
    from rich.console import Group
    from rich.table import Table

    head = Table(title="cleanclaim report", show_header=False)
    head.add_row("notes", f"{report.total:,}")
    head.add_row("reviewed", f"{report.reviewed:,} ({report.errors:,} errors)")
    head.add_row("claim-ready", f"{report.ready:,} ({report.ready_rate:.1%})")
    gaps = Table(title="gaps (notes)")
    gaps.add_column("code")
    gaps.add_column("notes", justify="right")
    gaps.add_column("share", justify="right")
    for code, n in report.gap_counts.items():
        if n:
            gaps.add_row(code, f"{n:,}", f"{n / max(report.reviewed, 1):.1%}")
    svc = Table(title="service codes")
    svc.add_column("code")
    svc.add_column("notes", justify="right")
    for code, n in report.service_codes.items():
        svc.add_row(code, f"{n:,}")
    parts: list[Any] = [head, gaps, svc]
    for col, table in report.breakdowns.items():
        t = Table(title=f"by {col}")
        for name in ("group", "notes", "claim-ready", "rate"):
            t.add_column(name)
        for group, row in table.head(20).iterrows():
            t.add_row(
                str(group),
                f"{int(row['notes']):,}",
                f"{int(row['claim_ready']):,}",
                f"{row['ready_rate']:.1%}",
            )
        parts.append(t)
    wl = Table(title=f"worklist: top {len(report.worklist)} notes for a provider query")
    for name in ("id", "queries", "fix", "injections"):
        wl.add_column(name)
    for _, row in report.worklist.head(15).iterrows():
        wl.add_row(str(row["id"]), str(row["queries"]), str(row["fix"]), str(row["injections"]))
    parts.append(wl)
    return Group(*parts)


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _bar(labels: list[str], values: list[float], title: str, xlabel: str = "notes") -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.35 * max(len(labels), 3) + 1))
    ax.barh(labels[::-1], values[::-1], color="#3b6ea8")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return _svg(fig)


def _hist(values: list[float], title: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3))
    ax.hist(values, bins=20, range=(0, 1), color="#3b6ea8")
    ax.set_title(title)
    ax.set_xlabel("probability")
    return _svg(fig)


def to_html(report: Report, title: str = "cleanclaim batch report") -> str:
    """A self-contained HTML report (plots inline as SVG, no external files)."""
    esc = html.escape
    out = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        ".kpi{font-size:1.4em}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p class='kpi'>Claim-ready: <b>{report.ready:,}</b> of {report.reviewed:,} reviewed notes "
        f"(<b>{report.ready_rate:.1%}</b>); {report.errors:,} rows with errors; {report.total:,} rows in all.</p>",
        "<h2>Gap frequencies</h2>",
    ]
    gaps = [(c, n) for c, n in report.gap_counts.items() if n]
    if gaps:
        out.append(_bar([c for c, _ in gaps], [n for _, n in gaps], "Notes with each gap"))
    out.append(
        _table(
            ["code", "notes", "share"],
            [[c, f"{n:,}", f"{n / max(report.reviewed, 1):.1%}"] for c, n in gaps],
        )
    )
    out.append("<h2>Probability distribution</h2>")
    if report.probabilities:
        out.append(_hist(report.probabilities, "Probability of a clean claim"))
    else:
        out.append("<p>No probabilities: the batch was decided by the rules alone.</p>")
    out.append("<h2>Service codes</h2>")
    svc = list(report.service_codes.items())
    if svc:
        out.append(_bar([c for c, _ in svc], [n for _, n in svc], "Notes per service code"))
    out.append(_table(["service code", "notes"], [[c, f"{n:,}"] for c, n in svc]))
    for col, table in report.breakdowns.items():
        out.append(f"<h2>By {esc(col)}</h2>")
        top = table.head(30)
        out.append(
            _bar(
                [str(g) for g in top.index],
                [float(r) for r in top["ready_rate"]],
                f"Claim-ready rate by {col}",
                "claim-ready rate",
            )
        )
        out.append(
            _table(
                [col, "notes", "claim-ready", "rate", *QUERYABLE],
                [
                    [
                        g,
                        int(r["notes"]),
                        int(r["claim_ready"]),
                        f"{r['ready_rate']:.1%}",
                        *[int(r[c]) for c in QUERYABLE],
                    ]
                    for g, r in table.iterrows()
                ],
            )
        )
    out.append("<h2>Worklist: notes most worth a provider query</h2>")
    out.append(
        "<p>Real 96372 injections held back only by gaps a query can fix "
        f"({', '.join(QUERYABLE)}); fewest open questions first, then most injections.</p>"
    )
    wl = report.worklist
    out.append(
        _table(list(wl.columns), [[_cell(v) for v in row] for row in wl.itertuples(index=False)])
    )
    out.append("</body></html>")
    return "\n".join(out)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

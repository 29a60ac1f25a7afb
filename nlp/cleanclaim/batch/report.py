"""Reports over a batch output: rates, gap frequencies, breakdowns, and a provider-query worklist.

The report reads flat rows (a ``.jsonl`` output is flattened while it is read) and shows only
ids, codes and counts: never note text.
"""

from __future__ import annotations

import html
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
        text_cols = ("id", "status", "service_code", "icd10", "gaps", "error", "drugs", "hcpcs")
        df = pd.read_csv(
            path,
            dtype={
                **dict.fromkeys(text_cols, str),
                **dict.fromkeys(("units", "queries", *bio.FLAT_VERSIONS), str),
            },
            keep_default_na=False,
            na_values=[""],
        )
        for col in ("claim_ready", *bio.GAP_COLUMNS):
            if col in df:
                df[col] = df[col].map({True: True, False: False, "True": True, "False": False})
    else:
        rows = []
        own = set(bio.FLAT_COLUMNS) | {
            "entities",
            "administrations",
            "diagnoses",
            "explanation",
            "decision",
            "date_of_service",
        }
        with path.open("r", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    record = json.loads(line)
                    rows.append(
                        bio.flat_row(record, {k: v for k, v in record.items() if k not in own})
                    )
        df = pd.DataFrame(rows, columns=None)
    # the record's own status when it has one, else derived (outputs written before it existed)
    df["status"] = [bio.note_status(r) for r in df.to_dict("records")]
    return df


@dataclass
class Report:
    """The numbers of a report."""

    total: int
    reviewed: int
    errors: int
    ready: int
    statuses: dict[str, int]  # status -> notes (every status of STATUSES, errors included)
    gap_counts: dict[str, int]  # among notes with documentation gaps (status "gaps")
    service_codes: dict[str, int]
    probabilities: list[float]
    breakdowns: dict[str, Any]  # column -> DataFrame (group, notes, rate per status)
    worklist: Any  # DataFrame
    models: dict[str, int]  # model version ("rules only" when none) -> rows
    rules_versions: dict[str, int]

    @property
    def ready_rate(self) -> float:
        """Claim-ready share of the reviewed notes."""
        return self.ready / self.reviewed if self.reviewed else 0.0

    @property
    def gaps_notes(self) -> int:
        """Notes with an injection at this encounter and documentation gaps."""
        return self.statuses.get("gaps", 0)


#: What each status means, for the report's readers.
STATUS_TEXT = {
    "ready": "claim-ready: a 96372 injection, documented",
    "gaps": "an injection at this encounter with blocking documentation gaps",
    "other_service": "something was given, but it is not a 96372 (vaccine, chemotherapy, IV, ...)",
    "no_injection": "nothing administered at this encounter (not a documentation gap)",
    "error": "not reviewed (the row could not be read or reviewed)",
}


def _versions(df: Any, column: str, none: str) -> dict[str, int]:
    if column not in df:
        return {}
    ok = df[df["status"] != "error"]
    return ok[column].fillna(none).astype(str).value_counts().to_dict()


def build(df: Any, by: list[str] | tuple[str, ...] = (), top: int = 50) -> Report:
    """Compute the report from flat rows; ``by`` names passthrough columns to break down by."""
    import pandas as pd

    if "status" not in df:
        df = df.assign(status=[bio.note_status(r) for r in df.to_dict("records")])
    statuses = {s: int((df["status"] == s).sum()) for s in bio.STATUSES}
    ok = df[df["status"] != "error"]
    gapped = ok[ok["status"] == "gaps"]
    gap_counts = {
        c: int(gapped[c].fillna(False).astype(bool).sum()) for c in bio.GAP_COLUMNS if c in gapped
    }
    extra: dict[str, int] = {}
    for codes in gapped.get("gaps", pd.Series(dtype=str)).dropna():
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
        key = df[col].fillna("(none)").astype(str)
        table = pd.crosstab(key, df["status"]).reindex(columns=list(bio.STATUSES), fill_value=0)
        table.insert(0, "notes", table.sum(axis=1))
        for status in bio.STATUSES:
            table[f"{status}_rate"] = table[status] / table["notes"].clip(lower=1)
        breakdowns[col] = table.sort_values("notes", ascending=False)
    return Report(
        total=len(df),
        reviewed=len(ok),
        errors=len(df) - len(ok),
        ready=statuses["ready"],
        statuses=statuses,
        gap_counts=dict(sorted(gap_counts.items(), key=lambda kv: -kv[1])),
        service_codes=service,
        probabilities=probs,
        breakdowns=breakdowns,
        worklist=worklist(ok, by, top),
        models=_versions(df, "model_version", "rules only (no model)"),
        rules_versions=_versions(df, "rules_version", "unknown"),
    )


def _queries(text: Any, codes: list[str]) -> str:
    """The provider queries of ``codes`` from a flat row's ``queries`` column."""
    if not isinstance(text, str):
        return ""
    lines = [ln for ln in text.split("\n") if ln.split(":", 1)[0] in codes]
    return "\n".join(ln.split(": ", 1)[1] if ": " in ln else ln for ln in lines)


def worklist(df: Any, by: list[str] | tuple[str, ...] = (), top: int = 50) -> Any:
    """Notes most worth a provider query: an injection at this encounter (status ``gaps``) whose
    only blockers a query can fix, with the drug, the gaps and the queries to send.

    Fewest open questions first (one answer makes the claim clean), then more injections (more
    units recovered), then higher probability.
    """
    import pandas as pd

    cols = ["id", "drug", "gap", "query", "queries", "injections", "probability"]
    if df.empty or "status" not in df:
        return pd.DataFrame(columns=cols)
    fixable = df[[c for c in QUERYABLE if c in df]].fillna(False).astype(bool)
    blocked = df[[c for c in NOT_QUERYABLE if c in df]].fillna(False).astype(bool).any(axis=1)
    mask = (df["status"] == "gaps") & fixable.any(axis=1) & ~blocked
    rows = df[mask].copy()
    rows["queries"] = fixable[mask].sum(axis=1)
    rows["gap"] = (
        fixable[mask].apply(lambda r: ", ".join(c for c in r.index if r[c]), axis=1)
        if len(rows)
        else []
    )
    rows["drug"] = (
        rows["drugs"].fillna("").astype(str).str.replace(";", ", ") if "drugs" in rows else ""
    )
    rows["query"] = [
        _queries(text, gap.split(", "))
        for text, gap in zip(
            df.loc[mask, "queries"] if "queries" in df else [None] * len(rows),
            rows["gap"],
            strict=True,
        )
    ]
    rows["_p"] = (
        pd.to_numeric(rows["probability"], errors="coerce").fillna(0.0)
        if "probability" in rows
        else 0.0
    )
    rows = rows.sort_values(
        ["queries", "injections", "_p", "id"], ascending=[True, False, False, True]
    )
    return rows[[*cols, *[c for c in by if c in rows]]].head(top).reset_index(drop=True)


# Rendering ----------------------------------------------------------------------------------


def to_rich(report: Report) -> Any:
    """A rich renderable: the terminal summary."""
    from rich.console import Group
    from rich.table import Table

    head = Table(title="cleanclaim report", show_header=False)
    head.add_row("notes", f"{report.total:,}")
    head.add_row("reviewed", f"{report.reviewed:,} ({report.errors:,} errors)")
    head.add_row("claim-ready", f"{report.ready:,} ({report.ready_rate:.1%} of reviewed)")
    head.add_row("model", "; ".join(report.models) or "-")
    head.add_row("rules version", "; ".join(report.rules_versions) or "-")
    status = Table(title="notes by status")
    status.add_column("status")
    status.add_column("notes", justify="right")
    status.add_column("rate", justify="right")
    status.add_column("meaning")
    for name, n in report.statuses.items():
        status.add_row(name, f"{n:,}", f"{n / max(report.total, 1):.1%}", STATUS_TEXT[name])
    gaps = Table(title=f"documentation gaps ({report.gaps_notes:,} notes with status gaps)")
    gaps.add_column("code")
    gaps.add_column("notes", justify="right")
    gaps.add_column("share", justify="right")
    for code, n in report.gap_counts.items():
        if n:
            gaps.add_row(code, f"{n:,}", f"{n / max(report.gaps_notes, 1):.1%}")
    svc = Table(title="service codes")
    svc.add_column("code")
    svc.add_column("notes", justify="right")
    for code, n in report.service_codes.items():
        svc.add_row(code, f"{n:,}")
    parts: list[Any] = [head, status, gaps, svc]
    for col, table in report.breakdowns.items():
        t = Table(title=f"by {col}: rate per status")
        for name in ("group", "notes", *bio.STATUSES):
            t.add_column(name, justify="left" if name == "group" else "right")
        for group, row in table.head(20).iterrows():
            t.add_row(
                str(group),
                f"{int(row['notes']):,}",
                *[f"{row[f'{s}_rate']:.1%}" for s in bio.STATUSES],
            )
        parts.append(t)
    wl = Table(title=f"worklist: top {len(report.worklist)} notes for a provider query")
    for name in ("id", "drug", "gap", "query"):
        wl.add_column(name, overflow="fold")
    for _, row in report.worklist.head(15).iterrows():
        wl.add_row(str(row["id"]), str(row["drug"]), str(row["gap"]), str(row["query"]))
    parts.append(wl)
    return Group(*parts)


def _bars(labels: list[str], values: list[float], title: str, percent: bool = False) -> str:
    """A horizontal bar chart as inline SVG (no plotting library needed)."""
    esc = html.escape
    width, label_w, bar_w, row_h = 720, 220, 420, 22
    top = max(values, default=0) or 1
    height = 30 + row_h * len(labels)
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' aria-label='{esc(title)}'>",
        f"<text x='0' y='16' font-weight='bold' font-size='14'>{esc(title)}</text>",
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 26 + i * row_h
        w = bar_w * (value / top)
        shown = f"{value:.1%}" if percent else f"{value:,.0f}"
        out.append(
            f"<text x='{label_w - 6}' y='{y + 14}' text-anchor='end' font-size='12'>"
            f"{esc(label)}</text><rect x='{label_w}' y='{y + 3}' width='{w:.1f}' height='14' "
            f"fill='#3b6ea8'/><text x='{label_w + w + 4:.1f}' y='{y + 14}' font-size='12'>"
            f"{shown}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _histogram(values: list[float], title: str, bins: int = 20) -> str:
    counts = [0] * bins
    for v in values:
        counts[min(int(v * bins), bins - 1)] += 1
    labels = [f"{i / bins:.2f}-{(i + 1) / bins:.2f}" for i in range(bins)]
    return _bars(labels, [float(c) for c in counts], title)


def _link(note_id: Any, pages: dict[str, str]) -> str:
    esc = html.escape
    target = pages.get(str(note_id))
    if target is None:
        return esc(str(note_id))
    return f"<a href='{esc(target)}'>{esc(str(note_id))}</a>"


def to_html(
    report: Report, title: str = "cleanclaim batch report", pages: dict[str, str] | None = None
) -> str:
    """A self-contained HTML report (charts inline as SVG, no external files).

    ``pages`` maps note ids to the address of their review page, linked from the worklist.
    """
    esc = html.escape
    pages = pages or {}
    out = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
        "text-align:left;vertical-align:top}td.q{white-space:pre-wrap;max-width:40em}"
        ".kpi{font-size:1.4em}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p class='kpi'>Claim-ready: <b>{report.ready:,}</b> of {report.reviewed:,} reviewed notes "
        f"(<b>{report.ready_rate:.1%}</b>); {report.errors:,} rows with errors; {report.total:,} rows in all.</p>",
        "<p>Model: "
        + esc("; ".join(f"{m} ({n:,} notes)" for m, n in report.models.items()) or "-")
        + "<br>Rules version: "
        + esc("; ".join(f"{r} ({n:,} notes)" for r, n in report.rules_versions.items()) or "-")
        + "</p>",
        "<h2>Notes by status</h2>",
        _bars(
            list(report.statuses),
            [n / max(report.total, 1) for n in report.statuses.values()],
            "Share of notes per status",
            percent=True,
        ),
        _table(
            ["status", "notes", "rate", "meaning"],
            [
                [s, f"{n:,}", f"{n / max(report.total, 1):.1%}", STATUS_TEXT[s]]
                for s, n in report.statuses.items()
            ],
        ),
        f"<h2>Documentation gaps ({report.gaps_notes:,} notes with an injection and gaps)</h2>",
        "<p>Notes with nothing administered at this encounter are counted under their status "
        "above, not here.</p>",
    ]
    gaps = [(c, n) for c, n in report.gap_counts.items() if n]
    if gaps:
        out.append(_bars([c for c, _ in gaps], [n for _, n in gaps], "Notes with each gap"))
    out.append(
        _table(
            ["code", "notes", "share of notes with gaps"],
            [[c, f"{n:,}", f"{n / max(report.gaps_notes, 1):.1%}"] for c, n in gaps],
        )
    )
    out.append("<h2>Probability distribution</h2>")
    if report.probabilities:
        out.append(_histogram(report.probabilities, "Probability of a clean claim (notes)"))
    else:
        out.append("<p>No probabilities: the batch was decided by the rules alone.</p>")
    out.append("<h2>Service codes</h2>")
    svc = list(report.service_codes.items())
    if svc:
        out.append(_bars([c for c, _ in svc], [n for _, n in svc], "Notes per service code"))
    out.append(_table(["service code", "notes"], [[c, f"{n:,}"] for c, n in svc]))
    for col, table in report.breakdowns.items():
        out.append(f"<h2>By {esc(col)}: rate per status</h2>")
        top = table.head(30)
        out.append(
            _bars(
                [str(g) for g in top.index],
                [float(r) for r in top["ready_rate"]],
                f"Claim-ready rate by {col}",
                percent=True,
            )
        )
        out.append(
            _table(
                [col, "notes", *bio.STATUSES],
                [
                    [g, int(r["notes"]), *[f"{r[f'{s}_rate']:.1%}" for s in bio.STATUSES]]
                    for g, r in table.iterrows()
                ],
            )
        )
    out.append("<h2>Worklist: notes most worth a provider query</h2>")
    out.append(
        "<p>Injections at this encounter held back only by gaps a query can fix "
        f"({', '.join(QUERYABLE)}); fewest open questions first, then most injections."
        + (
            " Select an id to open its review page."
            if pages
            else " Give the batch input (<code>--notes</code>) to link each note's review page."
        )
        + "</p>"
    )
    wl = report.worklist
    head = "".join(f"<th>{esc(str(h))}</th>" for h in wl.columns)
    body = []
    for row in wl.to_dict("records"):
        cells = []
        for name, value in row.items():
            if name == "id":
                cells.append(f"<td>{_link(value, pages)}</td>")
            elif name == "query":
                cells.append(f"<td class='q'>{esc(_cell(value))}</td>")
            else:
                cells.append(f"<td>{esc(_cell(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out)


def review_pages(
    report: Report,
    notes: Path,
    folder: Path,
    id_field: str = "id",
    text_field: str = "text",
    model: Any = "default",
) -> dict[str, str]:
    """Write a review page per worklist note (from the batch input) into ``folder``.

    Returns id -> page path relative to the folder's parent (for links from the report).
    """
    import hashlib

    from ..render import to_html as page
    from ..reviewer import NoteError, Reviewer

    wanted = {str(i) for i in report.worklist["id"]}
    if not wanted:
        return {}
    bio.check_input(notes, id_field, text_field)
    folder.mkdir(parents=True, exist_ok=True)
    reviewer = Reviewer(model=model)
    out: dict[str, str] = {}
    for row in bio.read_rows(notes, id_field, text_field):
        if row.id is None or str(row.id) not in wanted or row.error is not None:
            continue
        try:
            review = reviewer.review(row.text, row.id, row.extra.get("date_of_service"))
        except NoteError:
            continue
        name = hashlib.sha256(str(row.id).encode("utf-8", "replace")).hexdigest()[:16] + ".html"
        (folder / name).write_text(
            page(review_text(row.text), review, title=f"cleanclaim review: {row.id}"),
            encoding="utf-8",
        )
        out[str(row.id)] = f"{folder.name}/{name}"
    return out


def review_text(text: Any) -> str:
    """The note as text (bytes from Parquet decoded)."""
    return text.decode("utf-8") if isinstance(text, (bytes, bytearray)) else str(text)


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

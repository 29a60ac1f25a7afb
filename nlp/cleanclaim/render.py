"""Show a review: rich text for the terminal, and a self-contained HTML page."""

from __future__ import annotations

import html
import json
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .result import Review

#: Highlight style per mention label (terminal) and colour (HTML).
LABEL_STYLES = {
    "DRUG": ("bold magenta", "#f3d1f4"),
    "DOSE": ("bold cyan", "#cdeefd"),
    "ROUTE": ("bold green", "#d3f5d3"),
    "SITE": ("bold yellow", "#fff2b3"),
    "DIAGNOSIS": ("bold blue", "#d9defc"),
}
FLAGS = ("negated", "historical", "hypothetical", "family", "uncertain")


def _flags(ent: Any) -> list[str]:
    return [f for f in FLAGS if getattr(ent, f)]


def highlighted_text(text: str, review: Review) -> Text:
    """The note with each mention styled by label; flagged mentions are struck through."""
    out = Text(text)
    for ent in review.entities:
        style = LABEL_STYLES.get(ent.label, ("bold", ""))[0]
        if _flags(ent):
            style += " strike dim"
        if getattr(ent, "how", None):
            style += " underline"  # read from dictated words: see the "read as" table
        out.stylize(style, ent.start, ent.end)
    return out


def read_as(review: Review) -> list[tuple[str, str, str, str]]:
    """(label, dictated words, canonical form, how) of each mention read from dictation."""
    return [
        (e.label, e.text, e.normalized or "", e.how)
        for e in review.entities
        if getattr(e, "how", None)
    ]


def line_col(text: str, offset: int) -> str:
    """``line:column`` (both from 1) of a character offset, as an editor shows it."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{column}"


def decision_line(review: Review) -> Text:
    """One line: READY / NOT READY, probability, service code and injections."""
    if review.error:
        return Text(f"ERROR: {review.error}", style="bold red")
    ready = review.claim_ready
    head = Text(
        "CLAIM READY" if ready else "NOT READY",
        style="bold white on green" if ready else "bold white on red",
    )
    prob = "n/a" if review.probability is None else f"{review.probability:.2f}"
    head.append(
        f"  service {review.service_code or 'none'} · injections {review.injections} · probability {prob}"
        f" · decided by {review.decision}"
    )
    if review.status or review.note_type:
        head.append(f"\nstatus {review.status or '-'} · note {_note_type(review)}")
    return head


def _note_type(review: Review) -> str:
    """``operative_procedure ('OPERATIVE REPORT')``: the note type and the text that says so."""
    kind = review.note_type or "-"
    if review.note_type_evidence:
        kind += f" ({review.note_type_evidence[0].text!r})"
    return kind


def to_rich(text: str, review: Review) -> Group:
    """The whole review as a rich renderable."""
    parts: list[Any] = [decision_line(review)]
    legend = Text("  ".join(f"{label}" for label in LABEL_STYLES))
    for label, (style, _) in LABEL_STYLES.items():
        start = legend.plain.find(label)
        legend.stylize(style, start, start + len(label))
    parts.append(Panel(highlighted_text(text, review), title="note", subtitle=legend))
    if review.gaps:
        table = Table(title="gaps (evidence at line:column)", show_lines=True)
        table.add_column("gap", overflow="fold", max_width=24)
        table.add_column("evidence", overflow="fold", max_width=22)
        table.add_column("message · query for the provider", overflow="fold", ratio=1)
        for gap in review.gaps:
            ev = "\n".join(f"{e.text!r} {line_col(text, e.start)}" for e in gap.evidence) or "-"
            style = "red" if gap.blocking else "yellow"
            code = Text(gap.code, style=style)
            code.append(f"\n{gap.severity}", style="dim")
            table.add_row(code, ev, Text(gap.message).append(f"\n→ {gap.query}", style="dim"))
        parts.append(table)
    if read_as(review):
        table = Table(title="read as (dictated words → canonical form)")
        for col in ("label", "dictated", "read as", "how"):
            table.add_column(col)
        for label, said, read, how in read_as(review):
            table.add_row(label, said, read, how)
        parts.append(table)
    if review.administrations:
        table = Table(title="administrations")
        for col in ("drug", "dose", "route", "site", "service", "HCPCS × units"):
            table.add_column(col, overflow="fold")
        for a in review.administrations:
            table.add_row(
                a.drug or "(unnamed)",
                a.dose or "-",
                a.route or "-",
                a.site or "-",
                (a.service_code or "-") if a.given else f"no ({a.not_given_reason or 'not given'})",
                f"{a.hcpcs or '-'} × {'-' if a.units is None else a.units}",
            )
        parts.append(table)
    if review.claim_lines:
        title = "suggested claim lines" + (
            f" (date of service {review.date_of_service})" if review.date_of_service else ""
        )
        table = Table(title=title)
        for col in ("code", "modifiers", "units", "description", "evidence"):
            table.add_column(col, overflow="fold")
        for line in review.claim_lines:
            table.add_row(
                line.code,
                "-".join(line.modifiers) or "-",
                str(line.units),
                line.description or "-",
                "\n".join(f"{e.text!r} {line_col(text, e.start)}" for e in line.evidence) or "-",
            )
        parts.append(table)
    if review.diagnoses:
        table = Table(title="diagnoses")
        for col in ("text", "ICD-10-CM", "description", "supports"):
            table.add_column(col)
        for d in review.diagnoses:
            table.add_row(
                d.text, d.icd10 or "-", d.description or "-", "yes" if d.supports else "no"
            )
        parts.append(table)
    return Group(*parts)


def print_review(text: str, review: Review, console: Console | None = None) -> None:
    """Print a review to the terminal."""
    (console or Console()).print(to_rich(text, review))


_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:1.2rem}
h1{font-size:1.3rem;margin:.2rem 0 1rem}
.decision{padding:.6rem 1rem;border-radius:6px;font-weight:600;margin-bottom:1rem}
.ready{background:#d8f5dd;color:#0d5a1d}.not-ready{background:#fde0df;color:#8a1410}.error{background:#fff0c2}
.note{white-space:pre-wrap;background:#fff;border:1px solid #d7dbe2;border-radius:6px;padding:1rem;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:14px}
mark{border-radius:3px;padding:0 1px;color:inherit}
mark[data-label=DRUG]{background:#f3d1f4}mark[data-label=DOSE]{background:#cdeefd}mark[data-label=ROUTE]{background:#d3f5d3}
mark[data-label=SITE]{background:#fff2b3}mark[data-label=DIAGNOSIS]{background:#d9defc}
mark.flagged{text-decoration:line-through;opacity:.65;border:1px dashed #888}
mark.evidence{outline:3px solid #d9480f}
mark.read{text-decoration:underline dotted 2px;text-underline-offset:3px}
table{border-collapse:collapse;width:100%;background:#fff;margin:.6rem 0 1.2rem}
th,td{border:1px solid #d7dbe2;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef0f4}
.blocking{color:#a61b12;font-weight:600}.advisory{color:#8a5a00}
.legend span{display:inline-block;padding:0 .4rem;margin-right:.4rem;border-radius:3px}
"""


def _marked_note(text: str, review: Review, evidence: list[tuple[int, int]] | None = None) -> str:
    points = sorted(review.entities, key=lambda e: e.start)
    out = []
    pos = 0
    for ent in points:
        if ent.start < pos:
            continue
        out.append(html.escape(text[pos : ent.start]))
        flags = _flags(ent)
        how = getattr(ent, "how", None)
        cls = " ".join(c for c in ("flagged" if flags else "", "read" if how else "") if c)
        title = (
            f"{ent.label}"
            + (f" ({', '.join(flags)})" if flags else "")
            + (f" · {ent.rule}" if ent.rule else "")
            + (f" · read as {ent.normalized} ({how})" if how else "")
        )
        out.append(
            f'<mark data-label="{ent.label}" data-start="{ent.start}" data-end="{ent.end}" class="{cls}" '
            f'title="{html.escape(title)}">{html.escape(text[ent.start : ent.end])}</mark>'
        )
        pos = ent.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _read_as_html(review: Review) -> str:
    rows = read_as(review)
    if not rows:
        return ""
    body = "".join(
        f'<tr><td>{html.escape(lab)}</td><td><mark class="read">{html.escape(said)}</mark></td>'
        f"<td>{html.escape(read)}</td><td>{html.escape(how)}</td></tr>"
        for lab, said, read, how in rows
    )
    return (
        '<h2>Read as</h2><table class="read-as"><tr><th>label</th><th>dictated</th>'
        f"<th>read as</th><th>how</th></tr>{body}</table>\n"
    )


def to_html(text: str, review: Review, title: str = "cleanclaim review") -> str:
    """One self-contained HTML page (no external assets) showing the review."""
    if review.error:
        cls, head = "error", f"Not reviewed: {html.escape(review.error)}"
    elif review.claim_ready:
        cls, head = "ready", "Claim ready"
    else:
        cls, head = "not-ready", "Not ready"
    prob = "n/a" if review.probability is None else f"{review.probability:.2f}"
    rows = []
    for gap in review.gaps:
        ev = ", ".join(html.escape(e.text) for e in gap.evidence) or "&ndash;"
        rows.append(
            f'<tr><td class="{gap.severity}">{gap.code}</td><td>{gap.severity}</td><td>{ev}</td>'
            f"<td>{html.escape(gap.message)}</td><td>{html.escape(gap.query)}</td></tr>"
        )
    adm_rows = []
    for a in review.administrations:
        cells = [
            a.drug or "(unnamed)",
            a.dose or "–",
            a.route or "–",
            a.site or "–",
            "yes" if a.given else f"no ({a.not_given_reason or 'not given'})",
            (a.setting or "–").replace("_", " "),
            a.service_code or "–",
            a.hcpcs or "–",
            "–" if a.units is None else str(a.units),
        ]
        adm_rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    line_rows = [
        "<tr>"
        + "".join(
            f"<td>{html.escape(c)}</td>"
            for c in (
                line.code,
                "-".join(line.modifiers) or "–",
                str(line.units),
                line.description or "–",
                ", ".join(e.text for e in line.evidence) or "–",
            )
        )
        + "</tr>"
        for line in review.claim_lines
    ]
    dos = html.escape(review.date_of_service or "–")
    dx_rows = [
        f"<tr><td>{html.escape(d.text)}</td><td>{d.icd10 or '–'}</td><td>{html.escape(d.description or '–')}</td>"
        f"<td>{'yes' if d.supports else 'no'}</td></tr>"
        for d in review.diagnoses
    ]
    legend = "".join(
        f'<span style="background:{c}">{label}</span>' for label, (_, c) in LABEL_STYLES.items()
    )
    data = json.dumps(review.to_dict()).replace("</", "<\\/")
    status_part = (
        f" &middot; status {html.escape(review.status or '–')} &middot; note"
        f" {html.escape(_note_type(review))}"
        if review.status or review.note_type
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{html.escape(title)}</title><style>{_CSS}</style></head>
<body><main>
<h1>{html.escape(title)}{f" &middot; {html.escape(review.id)}" if review.id else ""}</h1>
<div class="decision {cls}">{head} &middot; service {review.service_code or "none"} &middot; injections {review.injections} &middot; probability {prob}{status_part}</div>
<p class="legend">{legend} <span style="text-decoration:line-through">flagged (negated, historical, ...)</span></p>
<div class="note" id="note">{_marked_note(text, review)}</div>
{_read_as_html(review)}<h2>Gaps</h2>
<table><tr><th>code</th><th>severity</th><th>evidence</th><th>message</th><th>query for the provider</th></tr>{"".join(rows) or '<tr><td colspan="5">none</td></tr>'}</table>
<h2>Administrations</h2>
<table><tr><th>drug</th><th>dose</th><th>route</th><th>site</th><th>given</th><th>setting</th><th>service</th><th>HCPCS</th><th>units</th></tr>{"".join(adm_rows) or '<tr><td colspan="9">none</td></tr>'}</table>
<h2>Suggested claim lines <small>(date of service {dos})</small></h2>
<table><tr><th>code</th><th>modifiers</th><th>units</th><th>description</th><th>evidence</th></tr>{"".join(line_rows) or '<tr><td colspan="5">none the note supports</td></tr>'}</table>
<h2>Diagnoses</h2>
<table><tr><th>text</th><th>ICD-10-CM</th><th>description</th><th>supports</th></tr>{"".join(dx_rows) or '<tr><td colspan="4">none</td></tr>'}</table>
<script type="application/json" id="review-data">{data}</script>
</main></body></html>
"""

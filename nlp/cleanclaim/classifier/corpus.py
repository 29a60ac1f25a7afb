"""The labelled corpus: build offsets from raw annotator files, split by group, validate.

Raw files (``annotations/raw/*.jsonl``) give spans as ``{"label", "text", "occurrence"}``;
:func:`build` resolves each to character offsets, drops (and reports) spans it cannot find,
and assigns the split from a hash of the note's ``group`` so a re-run never moves a note and
near-duplicates never straddle train, dev and test.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..resources import blocking_codes

LABELS = ("DRUG", "DOSE", "ROUTE", "SITE", "DIAGNOSIS")
FLAGS = ("negated", "historical", "hypothetical", "family", "uncertain")
#: The gap codes the corpus labels: every blocking code (from the gap table) and SITE_MISSING.
BLOCKING_CODES = blocking_codes()
GAP_CODES = (*BLOCKING_CODES, "SITE_MISSING")
SPLITS = ("train", "dev", "test")
#: Optional span keys beyond the flags: the canonical form of a dictated or misspelt mention,
#: words the speaker retracted ("scratch that"), and where/when a drug was given.
SPAN_EXTRAS = ("normalized", "retracted", "setting")
SETTINGS = ("this_encounter", "procedure", "inpatient", "elsewhere_earlier", "order_only", "list")
NOTE_TYPES = (
    "office_visit",
    "ed",
    "procedure_report",
    "discharge_summary",
    "consult_hp",
    "nursing_mar",
    "telehealth",
    "letter_other",
)
STATUSES = ("ready", "gaps", "other_service", "no_injection")
#: Optional note-level keys: the kind of note, its worklist status, how it was written
#: (raw_dictation or typed), the categories of wording it exercises, and whether it was held out.
NOTE_EXTRAS = ("note_type", "status", "version", "categories", "heldout")
#: Cumulative split bounds on the group hash: 70 % train, 15 % dev, 15 % test.
SPLIT_BOUNDS = (("train", 0.70), ("dev", 0.85), ("test", 1.0))
STYLES = (
    "soap",
    "dictated",
    "template",
    "mar",
    "one_liner",
    "long_multi_problem",
    "nurse_visit",
    "ed_note",
    "procedure_note",
    "telephone",
    "discharge",
)
SPECIALTIES = (
    "primary_care",
    "nurse_visit",
    "urgent_care",
    "emergency",
    "womens_health",
    "endocrinology",
    "gastroenterology",
    "bariatrics",
    "psychiatry",
    "infectious_disease",
    "allergy",
    "orthopedics",
    "rheumatology",
    "dermatology",
    "oncology",
    "pain",
    "pediatrics",
    "geriatrics",
    "sports_medicine",
    "urology",
)
_SERVICE_CODE = re.compile(r"^(?:\d{5}|[A-Z]\d{4})$")
_NOTE_KEYS = (
    "id",
    "group",
    "style",
    "specialty",
    "text",
    "spans",
    "claim_ready",
    "gaps",
    "service_code",
    "injections",
    "icd10",
)


def split_of(group: str) -> str:
    """Return the split of a group: a pure function of its name, stable across runs and machines."""
    digest = hashlib.sha256(group.encode("utf-8")).hexdigest()
    position = int(digest[:8], 16) / 0x1_0000_0000
    for name, bound in SPLIT_BOUNDS:
        if position < bound:
            return name
    return SPLIT_BOUNDS[-1][0]


@dataclass
class DroppedSpan:
    """A raw span that could not be placed in its note."""

    note_id: str
    label: str
    text: str
    occurrence: int
    reason: str


@dataclass
class BuildReport:
    """What :func:`build` did: counts and the spans it dropped."""

    notes: int = 0
    spans: int = 0
    dropped: list[DroppedSpan] = field(default_factory=list)
    splits: Counter[str] = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)
    bad_lines: list[str] = field(default_factory=list)


def resolve_span(text: str, span: dict[str, Any]) -> tuple[int, int] | str:
    """Offsets of the n-th case-sensitive occurrence of ``span["text"]``, or why not."""
    needle = span.get("text")
    occurrence = span.get("occurrence", 1)
    if not isinstance(needle, str) or not needle:
        return "span text missing"
    if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
        return f"bad occurrence {occurrence!r}"
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        if start < 0:
            found = text.count(needle)
            return f"occurrence {occurrence} not found ({found} found)"
    return start, start + len(needle)


def resolve_note(raw: dict[str, Any], report: BuildReport) -> dict[str, Any]:
    """One raw note with offsets and split; unplaceable spans are dropped into ``report``."""
    text = raw["text"]
    spans = []
    for span in raw.get("spans", []):
        where = resolve_span(text, span)
        if isinstance(where, str):
            report.dropped.append(
                DroppedSpan(
                    str(raw.get("id")),
                    str(span.get("label")),
                    str(span.get("text")),
                    span.get("occurrence", 1),
                    where,
                )
            )
            continue
        start, end = where
        out = {"label": span.get("label"), "start": start, "end": end, "text": text[start:end]}
        out.update({flag: bool(span.get(flag, False)) for flag in FLAGS})
        out.update({key: span[key] for key in SPAN_EXTRAS if key in span})
        spans.append(out)
    spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    note = {k: raw[k] for k in ("id", "group", "style", "specialty") if k in raw}
    note["split"] = split_of(str(raw.get("group") or raw.get("id")))
    if "heldout" in raw:
        # Written with a held-out set chosen by the annotator: held-out groups are the test
        # split, and no other group of that file is.
        note["split"] = (
            "test" if raw["heldout"] else ("dev" if note["split"] == "test" else note["split"])
        )
    note["text"] = text
    note["spans"] = spans
    for key in ("claim_ready", "gaps", "service_code", "injections", "icd10"):
        if key in raw:
            note[key] = raw[key]
    extra = {k: v for k, v in raw.items() if k not in note and k != "spans"}
    note.update(extra)
    return note


def read_jsonl(path: Path, bad_lines: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Objects of a JSON Lines file; unreadable lines are reported, not fatal, when asked."""
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as err:
                if bad_lines is None:
                    raise ValueError(f"{path}:{lineno}: not JSON ({err.msg})") from None
                bad_lines.append(f"{path}:{lineno}: not JSON ({err.msg})")


def build(raw_files: Iterable[Path], output: Path) -> BuildReport:
    """Turn raw annotator files into ``corpus.jsonl`` with offsets and splits, sorted by id."""
    report = BuildReport()
    notes = []
    for path in sorted(Path(p) for p in raw_files):
        report.files.append(str(path))
        raws = list(read_jsonl(path, report.bad_lines))
        # A file that names its held-out notes names all of them: the others are not held out.
        if any("heldout" in raw for raw in raws):
            raws = [{**raw, "heldout": bool(raw.get("heldout"))} for raw in raws]
        for raw in raws:
            notes.append(resolve_note(raw, report))
    notes.sort(key=lambda n: str(n.get("id")))
    report.notes = len(notes)
    report.spans = sum(len(n["spans"]) for n in notes)
    report.splits.update(n["split"] for n in notes)
    write_jsonl(notes, output)
    return report


def write_jsonl(notes: Iterable[dict[str, Any]], output: Path) -> None:
    """Write notes as JSON Lines (UTF-8, one object per line, stable key order)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as fh:
        for note in notes:
            fh.write(json.dumps(note, ensure_ascii=False) + "\n")


def load(path: Path, split: str | None = None) -> list[dict[str, Any]]:
    """Load the notes of a corpus file, optionally only one split."""
    notes = list(read_jsonl(Path(path)))
    if split is not None and split != "all":
        notes = [n for n in notes if n.get("split") == split]
    return notes


def sha256_file(path: Path) -> str:
    """Return the sha256 of a file's bytes (recorded in model metadata)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class Problem:
    """A validation finding: ``error`` breaks the corpus contract, ``warning`` is worth a look."""

    note_id: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.severity}: {self.note_id}: {self.message}"


def validate(notes: Iterable[dict[str, Any]], require_split: bool = True) -> list[Problem]:
    """Check a built corpus against the guidelines; returns every problem found."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    group_splits: dict[str, set[str]] = {}
    for index, note in enumerate(notes):
        nid = str(note.get("id", f"<line {index + 1}>"))

        def err(msg: str, severity: str = "error", nid: str = nid) -> None:
            problems.append(Problem(nid, msg, severity))

        missing = [k for k in _NOTE_KEYS if k not in note]
        if require_split and "split" not in note:
            missing.append("split")
        if missing:
            err(f"missing keys {missing}")
        if not isinstance(note.get("id"), str) or not note.get("id"):
            err("id must be a non-empty string")
        elif nid in seen:
            err(f"duplicate id (also line {seen[nid]})")
        else:
            seen[nid] = index + 1
        text = note.get("text")
        if not isinstance(text, str) or not text.strip():
            err("text must be a non-empty string")
            continue
        if note.get("style") not in STYLES:
            err(f"unknown style {note.get('style')!r}")
        if note.get("specialty") not in SPECIALTIES:
            err(f"unknown specialty {note.get('specialty')!r}")
        if require_split:
            if note.get("split") not in SPLITS:
                err(f"unknown split {note.get('split')!r}")
            group_splits.setdefault(str(note.get("group")), set()).add(str(note.get("split")))
        for i, span in enumerate(note.get("spans") or []):
            where = f"span {i} ({span.get('label')} {span.get('text')!r})"
            if span.get("label") not in LABELS:
                err(f"{where}: unknown label")
            start, end = span.get("start"), span.get("end")
            if not (
                isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
            ):
                err(f"{where}: offsets {start}-{end} outside the text (length {len(text)})")
                continue
            if span.get("text") is not None and text[start:end] != span["text"]:
                err(f"{where}: text does not match offsets ({text[start:end]!r})")
            for flag in FLAGS:
                if not isinstance(span.get(flag, False), bool):
                    err(f"{where}: flag {flag} must be true or false")
            if "setting" in span and span["setting"] not in SETTINGS:
                err(f"{where}: unknown setting {span['setting']!r}")
            if "normalized" in span and not isinstance(span["normalized"], str):
                err(f"{where}: normalized must be a string")
            unknown = set(span) - {"label", "start", "end", "text", *FLAGS, *SPAN_EXTRAS}
            if unknown:
                err(f"{where}: unknown keys {sorted(unknown)}")
        gaps = note.get("gaps")
        if not isinstance(gaps, list):
            err("gaps must be a list")
            gaps = []
        for code in gaps:
            if code not in GAP_CODES:
                err(f"unknown gap code {code!r}")
        if len(set(gaps)) != len(gaps):
            err("gap codes repeated", "warning")
        ready = note.get("claim_ready")
        if not isinstance(ready, bool):
            err("claim_ready must be true or false")
        elif ready and set(gaps) & set(BLOCKING_CODES):
            err(f"claim_ready is true with blocking gaps {sorted(set(gaps) & set(BLOCKING_CODES))}")
        elif ready and note.get("service_code") != "96372":
            err(f"claim_ready is true but service_code is {note.get('service_code')!r}")
        elif ready and note.get("injections") == 0:
            err("claim_ready is true with 0 injections")
        elif not ready and not set(gaps) & set(BLOCKING_CODES):
            err("claim_ready is false but no blocking gap is listed", "warning")
        code = note.get("service_code")
        if code is not None and not (isinstance(code, str) and _SERVICE_CODE.match(code)):
            err(
                f"service_code must be a CPT or HCPCS code (5 digits, or a letter and 4 digits) or null, not {code!r}"
            )
        inj = note.get("injections")
        if not isinstance(inj, int) or isinstance(inj, bool) or inj < 0:
            err(f"injections must be a non-negative integer, not {inj!r}")
        elif inj > 0 and code != "96372":
            err(f"{inj} injections but service_code {code!r}")
        if "note_type" in note and note["note_type"] not in NOTE_TYPES:
            err(f"unknown note_type {note['note_type']!r}")
        if "status" in note and note["status"] not in STATUSES:
            err(f"unknown status {note['status']!r}")
        icd = note.get("icd10")
        if not isinstance(icd, list) or not all(isinstance(c, str) for c in icd):
            err("icd10 must be a list of strings")
    for group, splits in group_splits.items():
        if len(splits) > 1:
            problems.append(Problem(group, f"group straddles splits {sorted(splits)}"))
    return problems

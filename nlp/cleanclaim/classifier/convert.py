"""Convert the corpus to and from Label Studio JSON, and export spaCy ``DocBin``.

Label Studio tasks carry the note text and metadata in ``data``; mentions are ``labels``
regions (``from_name="label"``), their ConText flags a per-region ``choices`` result
(``from_name="flags"``) sharing the region id, and the note-level labels are ``choices``
(``claim_ready``, ``gaps``), ``textarea`` (``service_code``, ``icd10``) and ``number``
(``injections``) results. :data:`LABEL_CONFIG` is the matching labelling interface.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .corpus import FLAGS, GAP_CODES, LABELS, NOTE_EXTRAS, SPAN_EXTRAS, split_of

_META = ("id", "group", "style", "specialty", "split")

LABEL_CONFIG = (
    "<View>\n"
    '  <Labels name="label" toName="text">\n'
    + "".join(f'    <Label value="{label}"/>\n' for label in LABELS)
    + "  </Labels>\n"
    '  <Text name="text" value="$text"/>\n'
    '  <Choices name="flags" toName="text" perRegion="true" choice="multiple">\n'
    + "".join(f'    <Choice value="{flag}"/>\n' for flag in FLAGS)
    + "  </Choices>\n"
    '  <Choices name="claim_ready" toName="text" choice="single"><Choice value="true"/>'
    '<Choice value="false"/></Choices>\n'
    '  <Choices name="gaps" toName="text" choice="multiple">\n'
    + "".join(f'    <Choice value="{code}"/>\n' for code in GAP_CODES)
    + "  </Choices>\n"
    '  <TextArea name="service_code" toName="text" maxSubmissions="1"/>\n'
    '  <Number name="injections" toName="text" min="0"/>\n'
    '  <TextArea name="icd10" toName="text"/>\n'
    "</View>\n"
)


def to_labelstudio(notes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Label Studio tasks (with one completed annotation each) for corpus notes."""
    tasks = []
    for index, note in enumerate(notes, 1):
        result: list[dict[str, Any]] = []
        for i, span in enumerate(note.get("spans", [])):
            region = f"{note['id']}-s{i}"
            value = {"start": span["start"], "end": span["end"], "text": span["text"]}
            labels = {
                "id": region,
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {**value, "labels": [span["label"]]},
            }
            extras = {k: span[k] for k in SPAN_EXTRAS if k in span}
            if extras:  # region metadata ("normalized", "setting"): shown in Label Studio's meta
                labels["meta"] = extras
            result.append(labels)
            flags = [f for f in FLAGS if span.get(f)]
            if flags:
                result.append(
                    {
                        "id": region,
                        "from_name": "flags",
                        "to_name": "text",
                        "type": "choices",
                        "value": {**value, "choices": flags},
                    }
                )
        result.append(_choices("claim_ready", ["true" if note.get("claim_ready") else "false"]))
        result.append(_choices("gaps", list(note.get("gaps", []))))
        if note.get("service_code") is not None:
            result.append(_text("service_code", [note["service_code"]]))
        result.append(
            {
                "from_name": "injections",
                "to_name": "text",
                "type": "number",
                "value": {"number": note.get("injections", 0)},
            }
        )
        if note.get("icd10"):
            result.append(_text("icd10", list(note["icd10"])))
        data = {"text": note["text"], **{k: note[k] for k in _META if k in note}}
        data.update({k: note[k] for k in NOTE_EXTRAS if k in note})
        tasks.append({"id": index, "data": data, "annotations": [{"result": result}]})
    return tasks


def _choices(name: str, choices: list[str]) -> dict[str, Any]:
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": choices}}


def _text(name: str, values: list[str]) -> dict[str, Any]:
    return {"from_name": name, "to_name": "text", "type": "textarea", "value": {"text": values}}


def from_labelstudio(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Corpus notes from Label Studio tasks (the last non-cancelled annotation of each).

    A task without an ``id`` in ``data`` gets ``ls-<task id>``; without a ``group`` it is its
    own group. Tasks with no annotation are skipped.
    """
    notes = []
    for task in tasks:
        annotations = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
        if not annotations:
            continue
        results = annotations[-1].get("result", [])
        data = task.get("data", {})
        text = data["text"]
        regions: dict[str, dict[str, Any]] = {}
        flags: dict[str, list[str]] = {}
        note: dict[str, Any] = {"id": str(data.get("id") or f"ls-{task.get('id')}")}
        note["group"] = data.get("group") or note["id"]
        for key in ("style", "specialty"):
            note[key] = data.get(key)
        note["split"] = data.get("split") or split_of(note["group"])
        note["text"] = text
        note.update({k: data[k] for k in NOTE_EXTRAS if k in data})
        note.update(claim_ready=False, gaps=[], service_code=None, injections=0, icd10=[])
        for i, res in enumerate(results):
            value, name = res.get("value", {}), res.get("from_name")
            if res.get("type") == "labels":
                regions[res.get("id") or f"r{i}"] = {**value, "_meta": res.get("meta") or {}}
            elif name == "flags":
                flags.setdefault(res.get("id", ""), []).extend(value.get("choices", []))
            elif name == "claim_ready":
                note["claim_ready"] = value.get("choices", ["false"])[0] == "true"
            elif name == "gaps":
                note["gaps"] = list(value.get("choices", []))
            elif name == "service_code":
                codes = [t.strip() for t in value.get("text", []) if t.strip()]
                note["service_code"] = codes[0] if codes else None
            elif name == "injections":
                note["injections"] = int(value.get("number", 0))
            elif name == "icd10":
                note["icd10"] = [
                    c.strip() for t in value.get("text", []) for c in t.split(",") if c.strip()
                ]
        spans = []
        for region, value in regions.items():
            start, end = int(value["start"]), int(value["end"])
            span = {
                "label": value["labels"][0],
                "start": start,
                "end": end,
                "text": text[start:end],
            }
            span.update({f: f in flags.get(region, []) for f in FLAGS})
            span.update({k: v for k, v in value["_meta"].items() if k in SPAN_EXTRAS})
            spans.append(span)
        spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
        note["spans"] = spans
        notes.append(note)
    return notes


def write_labelstudio(notes: Iterable[dict[str, Any]], path: Path) -> int:
    """Write notes as a Label Studio JSON task list; returns the number of tasks."""
    tasks = to_labelstudio(notes)
    Path(path).write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(tasks)


def read_labelstudio(path: Path) -> list[dict[str, Any]]:
    """Read corpus notes from a Label Studio JSON export file."""
    tasks = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(tasks, dict):
        tasks = [tasks]
    return from_labelstudio(tasks)


def to_docbin(notes: Iterable[dict[str, Any]]):  # type: ignore[no-untyped-def]
    """Build a spaCy ``DocBin`` of the notes.

    Mentions go in ``doc.spans["sc"]`` (overlaps kept), non-overlapping ones
    in ``doc.ents``, ``claim_ready`` in ``doc.cats``, flags and note labels in ``doc.user_data``.

    Spans are snapped outward to token boundaries of cleanclaim's tokenizer.
    """
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    from ..pipeline.tokenizer import add_unit_infixes

    nlp = spacy.blank("en")
    add_unit_infixes(nlp)
    db = DocBin(store_user_data=True)
    for note in notes:
        doc = nlp.make_doc(note["text"])
        spans, flags = [], []
        for span in note.get("spans", []):
            sp = doc.char_span(
                span["start"], span["end"], label=span["label"], alignment_mode="expand"
            )
            if sp is None:
                continue
            spans.append(sp)
            flags.append({f: bool(span.get(f)) for f in FLAGS})
        doc.spans["sc"] = spans
        doc.ents = filter_spans(spans)
        doc.cats = {"CLAIM_READY": 1.0 if note.get("claim_ready") else 0.0}
        doc.user_data["cleanclaim"] = {
            **{
                k: note.get(k)
                for k in (*_META, "gaps", "service_code", "injections", "icd10", "claim_ready")
            },
            "span_flags": flags,
        }
        db.add(doc)
    return db


def write_docbin(notes: Iterable[dict[str, Any]], path: Path) -> int:
    """Write notes as a ``.spacy`` file; returns the number of docs."""
    db = to_docbin(notes)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return len(db)

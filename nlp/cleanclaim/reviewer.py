"""The reviewer: one loaded pipeline and rule set, reused across many notes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from . import resources as res
from .coding import CodedAdministration, Coder, icd_description, supports
from .gaps import GapFinder, has_cancer, patient_diagnoses
from .linking import link
from .pipeline import build
from .result import Administration, Diagnosis, Entity, Evidence, Review

#: Notes longer than this many characters are refused (a whole chart pasted by mistake).
MAX_CHARS = 200_000


class NoteError(ValueError):
    """A note that cannot be reviewed; the message never contains note text."""


@dataclass(frozen=True)
class Facts:
    """Everything the rules derived from one note, before the decision."""

    doc: Doc
    coded: list[CodedAdministration]
    review: Review


def check_note(text: object) -> str:
    """Return the note as text, or raise :class:`NoteError` saying what is wrong with it."""
    if text is None:
        raise NoteError("note text is missing")
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as err:
            raise NoteError(f"note is not valid UTF-8 (byte {err.start})") from None
    if not isinstance(text, str):
        raise NoteError(f"note text must be a string, not {type(text).__name__}")
    if "\x00" in text:
        raise NoteError("note looks binary (contains NUL bytes)")
    if not text.strip():
        raise NoteError("note is empty")
    if len(text) > MAX_CHARS:
        raise NoteError(f"note is {len(text):,} characters; the limit is {MAX_CHARS:,}")
    return text


class Reviewer:
    """Review notes for a clean 96372 claim.

    Build one and reuse it: loading the pipeline takes seconds, a review takes milliseconds.

    Args:
        nlp: a pipeline from :func:`cleanclaim.pipeline.build` (or ``spacy.load`` of a saved one);
            built when omitted.
        model: a fitted :class:`cleanclaim.model.ClaimModel`; when given, ``probability`` comes
            from it. ``"default"`` loads the shipped model if it is installed.

    """

    def __init__(self, nlp: Language | None = None, model: Any = None) -> None:
        """Load the pipeline, rule tables and optional classifier."""
        self.nlp = nlp if nlp is not None else build()
        self.drugs = res.drugs()
        self.coder = Coder(self.drugs, res.routes(), res.sites())
        self.gap_finder = GapFinder(res.gap_templates(), res.advisory())
        self._dx_categories = {f"dx.{d.id}": d.category for d in res.diagnoses().diagnoses}
        self.rules_version = rules_version()
        if model == "default":
            from .model import load_default

            model = load_default()
        self.model = model

    def review(self, text: object, note_id: str | None = None) -> Review:
        """Review one note. Bad input raises :class:`NoteError`."""
        checked = check_note(text)
        return self._finish(self.facts(self.nlp(checked), note_id))

    def review_many(
        self, notes: Iterable[tuple[str | None, object]], batch_size: int = 64
    ) -> Iterator[Review]:
        """Review ``(id, text)`` pairs in order; a bad note yields an error record, not an exception."""
        pending: list[tuple[str | None, str | None, str | None]] = []

        def flush() -> Iterator[Review]:
            texts = [t for _, t, _ in pending if t is not None]
            try:
                piped: list[Doc | None] = list(self.nlp.pipe(texts, batch_size=batch_size))
            except Exception:  # noqa: BLE001  (a bad note ends nlp.pipe: redo the chunk one by one)
                piped = [None] * len(texts)
            docs = iter(piped)
            for note_id, text, error in pending:
                if error is not None:
                    yield Review.failed(note_id, error)
                    continue
                try:
                    doc = next(docs)
                    if doc is None:  # its chunk failed in nlp.pipe
                        doc = self.nlp(text)
                    yield self._finish(self.facts(doc, note_id))
                except Exception as err:  # noqa: BLE001  (one bad note must not stop a batch)
                    yield Review.failed(note_id, f"review failed: {type(err).__name__}")
            pending.clear()

        for note_id, text in notes:
            try:
                pending.append((note_id, check_note(text), None))
            except NoteError as err:
                pending.append((note_id, None, str(err)))
            if len(pending) >= batch_size:
                yield from flush()
        if pending:
            yield from flush()

    def facts(self, doc: Doc, note_id: str | None = None) -> Facts:
        """Apply the rules to a processed ``doc``: the rules-only review and its parts."""
        linked = link(doc, self.drugs)
        dxs = patient_diagnoses(linked, self._dx_categories)
        cancer = has_cancer(dxs)
        drafts = linked.administrations + ([linked.unnamed] if linked.unnamed is not None else [])
        coded = [self.coder.code(d, cancer) for d in drafts]
        gaps = self.gap_finder.find(doc, linked, coded, dxs)
        injections = [c for c in coded if c.counts_as_96372]
        service = _service_code(coded)
        blocking = any(g.blocking for g in gaps)
        supporting = (
            {d.mention.start for d in dxs if any(supports(d.code, c.drug) for c in injections)}
            if injections
            else set()
        )
        diagnoses = tuple(
            Diagnosis(
                text=d.mention.span.text,
                start=d.mention.start,
                end=d.mention.end,
                icd10=d.code,
                supports=d.mention.start in supporting,
                description=icd_description(d.code) if d.code else None,
                historical=d.mention.historical,
            )
            for d in dxs
        )
        # The diagnoses given for the injection: the supporting ones, else every non-comorbidity.
        relevant = [d for d in dxs if d.mention.start in supporting] or [
            d for d in dxs if d.category not in ("comorbidity",)
        ]
        icd10 = tuple(dict.fromkeys(d.code for d in relevant if d.code))
        review = Review(
            id=note_id,
            claim_ready=bool(injections) and not blocking,
            probability=None,
            service_code=service,
            injections=len(injections),
            gaps=tuple(gaps),
            entities=tuple(_entity(m) for m in linked.mentions),
            administrations=tuple(_administration(c) for c in coded if _reportable(c)),
            diagnoses=diagnoses,
            icd10=icd10,
            decision="rules",
            rules_version=self.rules_version,
        )
        return Facts(doc, coded, review)

    def _finish(self, facts: Facts) -> Review:
        if self.model is None:
            return facts.review
        return self.model.decide(facts)


def rules_version() -> str:
    """A version string covering every rule table."""
    tables = (
        res.drugs(),
        res.diagnoses(),
        res.routes(),
        res.sites(),
        res.context_rules(),
        res.sections(),
    )
    return "+".join(sorted({t.version for t in tables}))


def _reportable(c: CodedAdministration) -> bool:
    """Given injections, and curated injectables that were mentioned but not given."""
    if c.kind == "not_injection":
        return False
    return c.draft.given or c.drug is not None or bool(c.draft.routes)


def _service_code(coded: list[CodedAdministration]) -> str | None:
    if any(c.counts_as_96372 for c in coded):
        return "96372"
    for kind in ("antineoplastic", "vaccine", "procedure", "immunotherapy"):
        for c in coded:
            if c.draft.given and c.kind == kind and c.service_code:
                return c.service_code
    return None


def _entity(m) -> Entity:  # type: ignore[no-untyped-def]
    span = m.span
    return Entity(
        label=m.label,
        text=span.text,
        start=m.start,
        end=m.end,
        negated=bool(span._.is_negated),
        historical=bool(span._.is_historical),
        hypothetical=bool(span._.is_hypothetical),
        family=m.family,
        uncertain=bool(span._.is_uncertain),
        section=m.section,
        rule=m.rule,
        norm=m.norm,
        modifiers=tuple(span._.cc_modifier_rules),
    )


def _administration(c: CodedAdministration) -> Administration:
    d = c.draft
    return Administration(
        drug=c.name,
        dose=str(c.dose) if c.dose else c.dose_text,
        route=c.route_code,
        site=d.sites[0].span.text if d.sites else None,
        given=d.given,
        hcpcs=c.hcpcs,
        units=c.units,
        drug_id=d.drug_id,
        drug_class=c.drug.drug_class if c.drug else None,
        route_code=c.route_code,
        service_code=c.service_code,
        counts_as_96372=c.counts_as_96372,
        patient_supplied=d.patient_supplied,
        not_given_reason=d.not_given_reason,
        evidence=tuple(
            Evidence(m.start, m.end, m.span.text)
            for m in d.drug_mentions + d.doses + d.routes + d.sites
        ),
    )

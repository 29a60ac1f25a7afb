"""The reviewer: one loaded pipeline and rule set, reused across many notes."""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from . import resources as res
from .pipeline import build
from .pipeline.tokenizer import guarded
from .result import Review
from .rules.decide import Facts, RuleSet

__all__ = ["MAX_CHARS", "Facts", "NoteError", "Reviewer", "check_note"]

#: Notes longer than this many characters are refused (a whole chart pasted by mistake).
MAX_CHARS = 200_000
_SURROGATE = re.compile("[\ud800-\udfff]")


#: Made up for :meth:`Reviewer.warm_up`: typed and dictated wording, a code, a dose in words.
_WARM_UP = (
    "Dx: pernicious anemia (D51.0).\n"
    "Cyanocobalamin one thousand micrograms I M left deltoid given by RN per standing order."
)


class NoteError(ValueError):
    """A note that cannot be reviewed; the message never contains note text."""


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
    if _SURROGATE.search(text):  # e.g. half an emoji from a JSON "\ud83d" escape
        raise NoteError("note contains unpaired surrogate code points (not valid Unicode text)")
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
        model: which classifier gives ``probability``: ``None`` (the default) decides by the
            rules alone; ``"default"`` loads the shipped model (package data, if installed);
            a folder path (``str`` or ``Path``) loads a model saved by ``cleanclaim train``
            (checked like the shipped one: versions, file hash, types); or a fitted
            :class:`cleanclaim.classifier.model.ClaimModel`. ``cleanclaim.review()`` and the
            CLI use ``"default"``. The record names it (``model_version``, ``rules_version``).
        payer_rules: a practice's payer rules (a JSON file path or a
            :class:`cleanclaim.resources.PayerTable`), applied on top of the packaged payer table.

    """

    def __init__(
        self, nlp: Language | None = None, model: Any = None, payer_rules: Any = None
    ) -> None:
        """Load the pipeline, rule tables, optional payer rules and optional classifier."""
        self.nlp = nlp if nlp is not None else build()
        if payer_rules is not None and not isinstance(payer_rules, res.PayerTable):
            payer_rules = res.load_payer_rules(payer_rules)
        self.rules = RuleSet.from_pipeline(self.nlp, payer_rules)
        self.rules_version = self.rules.version
        self.model = resolve_model(model)

    def review(
        self, text: object, note_id: str | None = None, date_of_service: date | str | None = None
    ) -> Review:
        """Review one note. Bad input raises :class:`NoteError`.

        ``date_of_service`` (a date or YYYY-MM-DD) is used when the note does not state its own;
        codes are those valid on that date (today when neither says).
        """
        checked = check_note(text)
        return self._finish(
            self.facts(self.nlp(guarded(self.nlp, checked)), note_id, date_of_service)
        )

    def warm_up(self, freeze: bool = False) -> None:
        """Review a short made-up note once, so the first real note does not pay for what loads
        on first use (the dictation lexicon, word frequencies, ICD-10-CM codes). Worker
        processes call it at start-up: a per-note time budget then measures the note alone.

        ``freeze=True`` (for a process that only reviews notes, such as a batch or service
        worker) then moves everything loaded so far out of the garbage collector's reach
        (:func:`gc.freeze`): the pipeline, tables and lexicons live as long as the process, and
        every full collection would otherwise walk their hundreds of thousands of objects.
        """
        try:
            self.review(_WARM_UP, "warm-up")
        except Exception:  # noqa: BLE001  (a warm-up must never stop a start-up)
            pass
        if freeze:
            gc.collect()
            gc.freeze()

    def review_many(
        self,
        notes: Iterable[tuple[Any, ...]],
        batch_size: int = 64,
        date_of_service: date | str | None = None,
        decide: bool = True,
    ) -> Iterator[Any]:
        """Review ``(id, text)`` pairs (or ``(id, text, date_of_service)`` triples) in order; a bad
        note yields an error record, not an exception. ``date_of_service`` is the default date for
        notes that state none.

        ``decide=False`` yields each note's :class:`Facts` (or its error record) without the
        classifier, for a caller that decides many notes at once with :meth:`finish_many`.
        """
        pending: list[tuple[str | None, str | None, str | None, Any]] = []

        def flush() -> Iterator[Review]:
            texts = [t for _, t, _, _ in pending if t is not None]
            docs = iter(self._docs(texts, batch_size))
            # The rules note by note, then the classifier once for the batch.
            done: list[Facts | Review] = []
            for note_id, _text, error, day in pending:
                if error is not None:
                    done.append(Review.failed(note_id, error))
                    continue
                doc = next(docs)
                if isinstance(doc, BaseException):
                    done.append(Review.failed(note_id, f"review failed: {type(doc).__name__}"))
                    continue
                try:
                    done.append(self.facts(doc, note_id, day or date_of_service))
                except Exception as err:  # noqa: BLE001  (one bad note must not stop a batch)
                    done.append(Review.failed(note_id, f"review failed: {type(err).__name__}"))
            yield from (self.finish_many(done) if decide else done)
            pending.clear()

        for item in notes:
            note_id, text = item[0], item[1]
            day = item[2] if len(item) > 2 else None
            try:
                pending.append((note_id, check_note(text), None, day))
            except NoteError as err:
                pending.append((note_id, None, str(err), day))
            if len(pending) >= batch_size:
                yield from flush()
        if pending:
            yield from flush()

    def _docs(self, texts: list[str], batch_size: int) -> list[Doc | Exception]:
        """Run the pipeline over ``texts``; if it raises, run it again note by note.

        An exception inside ``nlp.pipe`` ends the stream for its whole batch; retrying one by one
        leaves an exception in place of the culprit's doc only.
        """
        try:
            return list(self.nlp.pipe((guarded(self.nlp, t) for t in texts), batch_size=batch_size))
        except Exception:  # noqa: BLE001
            pass
        docs: list[Doc | Exception] = []
        for text in texts:
            try:
                docs.append(self.nlp(guarded(self.nlp, text)))
            except Exception as err:  # noqa: BLE001
                docs.append(err)
        return docs

    def facts(
        self, doc: Doc, note_id: str | None = None, date_of_service: date | str | None = None
    ) -> Facts:
        """Apply the rules to a processed ``doc``: the rules-only review and its parts."""
        return self.rules.facts(doc, note_id, date_of_service)

    def _finish(self, facts: Facts) -> Review:
        if self.model is None:
            return facts.review
        return self.model.decide(facts)

    def finish_many(self, items: list[Facts | Review]) -> list[Review]:
        """The reviews of many notes' facts (reviews, e.g. error records, pass through as they are).

        The classifier decides the facts in one call (``decide_many``); if that fails, note by
        note, so a note the model cannot score becomes an error record alone.
        """
        facts = [f for f in items if isinstance(f, Facts)]
        decided: list[Review] | None = None
        many = getattr(self.model, "decide_many", None)
        if self.model is None:
            decided = [f.review for f in facts]
        elif many is not None and len(facts) > 1:
            try:
                decided = many(facts)
            except Exception:  # noqa: BLE001  (find the culprit note by note below)
                decided = None
        if decided is None:
            decided = []
            for f in facts:
                try:
                    decided.append(self._finish(f))
                except Exception as err:  # noqa: BLE001
                    decided.append(
                        Review.failed(f.review.id, f"review failed: {type(err).__name__}")
                    )
        it = iter(decided)
        return [next(it) if isinstance(item, Facts) else item for item in items]


def resolve_model(model: Any) -> Any:
    """The classifier ``model`` names: None, ``"default"`` (the shipped one), a folder, or a model.

    Raises:
        FileNotFoundError: the folder holds no saved model.
        cleanclaim.classifier.model.ModelVersionError: it was saved with incompatible versions.

    """
    if model is None:
        return None
    if isinstance(model, str) and model == "default":
        from .classifier.model import load_default

        return load_default()
    if isinstance(model, (str, os.PathLike)):
        from .classifier.model import load

        return load(Path(model))
    return model


def rules_version() -> str:
    """The version of the packaged rule tables (see :func:`cleanclaim.resources.rules_version`)."""
    from . import resources as res

    return res.rules_version()

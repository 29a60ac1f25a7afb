"""Request and response bodies of the HTTP API, and the rules a note's text must follow.

The review record is not mirrored here: the API publishes and checks the record dataclasses of
:mod:`cleanclaim.result` themselves (``Review`` and its parts), so there is one record schema.
Request bodies are built per app by :func:`request_models`, because their limits are settings.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter
from pydantic_core import PydanticCustomError

from ..result import Review
from ..reviewer import MAX_CHARS, NoteError, check_note
from .limits import Limits

#: What ``str.strip()`` strips (every character for which ``str.isspace()`` is true), written
#: out so that Python, Rust (pydantic) and ECMA-262 (JSON Schema) regexes read it alike.
WHITESPACE = (
    r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: A reviewable note: no NUL character anywhere and at least one character that is not
#: whitespace. Linear in backtracking engines too: the leading run and the first non-blank
#: character are disjoint classes.
TEXT_PATTERN = rf"^[{WHITESPACE}]*[^\u0000{WHITESPACE}][^\u0000]*$"

TEXT_RULES = (
    "The text must be valid Unicode (a lone surrogate escape such as `\\udc00` is refused), "
    "must not contain NUL (`\\u0000`) and must not be empty or only whitespace (`pattern`)."
)

#: The published record schema, used to check every record before it is sent.
RECORD = TypeAdapter(Review)


def surrogate_at(text: str) -> int | None:
    r"""Find a lone surrogate (``"\udc00"`` in JSON) in ``text``: its index, or None.

    Text with one is not Unicode and cannot be written as UTF-8.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return err.start
    return None


def _valid_unicode(value: str) -> str:
    position = surrogate_at(value)
    if position is not None:
        raise PydanticCustomError(
            "string_unicode",
            "text must be valid Unicode; a lone surrogate escape is at character {position}",
            {"position": position},
        )
    return value


Unicode = Annotated[str, AfterValidator(_valid_unicode)]


def note_problem(text: str, max_chars: int = MAX_CHARS) -> tuple[int, str] | None:
    """Why a note cannot be reviewed, as ``(HTTP status, message)``, or None when it can.

    The messages never contain note text. 413 for a note over ``max_chars``, 422 otherwise.
    """
    if len(text) > max_chars:
        return 413, f"note is {len(text):,} characters; the limit is {max_chars:,}"
    position = surrogate_at(text)
    if position is not None:
        return 422, f"note is not valid Unicode (a lone surrogate escape at character {position})"
    try:
        check_note(text)
    except NoteError as err:
        return (413 if len(text) > MAX_CHARS else 422), str(err)
    return None


def request_models(limits: Limits) -> tuple[type[BaseModel], type[BaseModel]]:
    """Build the request bodies ``(NoteIn, BatchIn)`` that state ``limits`` in their schema."""
    note_id = Field(None, max_length=256, description="Your id for the note; echoed in its record.")

    class NoteIn(BaseModel):
        """One note to review."""

        model_config = ConfigDict(
            json_schema_extra={
                "examples": [
                    {
                        "id": "visit-0412",
                        "text": "Assessment: pernicious anemia.\nPlan: cyanocobalamin 1000 mcg "
                        "IM to the left deltoid, given by RN.",
                    }
                ]
            }
        )

        id: Unicode | None = note_id
        text: Unicode = Field(
            min_length=1,
            max_length=limits.max_chars,
            pattern=TEXT_PATTERN,
            description=(
                f"The note text, at most {limits.max_chars:,} characters (longer is 413). "
                + TEXT_RULES
            ),
        )

    class BatchNoteIn(BaseModel):
        """One note of a batch; a note that cannot be reviewed gets a record with `error`."""

        id: Unicode | None = note_id
        text: str = Field(
            description=(
                "The note text. A note that is empty or only whitespace, contains NUL, is not "
                f"valid Unicode or is over {limits.max_chars:,} characters does not fail the "
                "batch: its record has `error` set and no decision."
            )
        )

    class BatchIn(BaseModel):
        """Several notes to review in one request."""

        notes: list[BatchNoteIn] = Field(
            min_length=1,
            max_length=limits.max_batch,
            description=f"1 to {limits.max_batch} notes (more is 413).",
        )

    return NoteIn, BatchIn


class BatchOut(BaseModel):
    """One record per input note, in input order; a note that could not be reviewed has `error`."""

    results: list[Review]


class ValidationIssue(BaseModel):
    """One problem found in a request body (never quoting the note)."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(BaseModel):
    """An error: a message that never contains note text, and the request id."""

    detail: str
    request_id: str | None = Field(description="The X-Request-ID of this request, as logged.")
    errors: list[ValidationIssue] | None = Field(
        None, description="What is wrong with the body (422 for a malformed body only)."
    )


class HealthOut(BaseModel):
    """Whether the review workers are up, and how busy they are."""

    status: str = Field(description="`ok`, or `unavailable` (with status 503).")
    in_flight: int = Field(description="Reviews running or waiting for a worker.")
    capacity: int = Field(description="Reviews allowed at once: workers plus queue size.")


class InfoOut(BaseModel):
    """Versions and the limits in force."""

    cleanclaim: str
    rules_version: str | None
    model_version: str | None
    mode: str = Field(description="`process` or `thread`.")
    limits: Limits


def error_body(detail: str, request_id: str | None, **extra: Any) -> dict[str, Any]:
    """Return an :class:`ErrorOut` body as a dict."""
    return {"detail": detail, "request_id": request_id, **extra}

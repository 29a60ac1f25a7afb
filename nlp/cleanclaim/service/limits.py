"""The service's documented limits, in one place so ``/v1/info`` and the docs agree."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from ..reviewer import MAX_CHARS


@dataclass(frozen=True)
class Limits:
    """Request limits and worker-pool sizes.

    Attributes:
        max_chars: longest note, in characters (:data:`cleanclaim.MAX_CHARS`); longer is 413.
        max_batch: most notes in one ``POST /v1/review/batch``; more is 413.
        max_body_bytes: largest body of ``POST /v1/review``, refused with 413 before parsing.
            UTF-8 takes up to 4 bytes a character, plus room for JSON escapes and the id.
        max_batch_body_bytes: largest body of ``POST /v1/review/batch``.
        workers: review workers (processes or threads) running at once.
        queue_size: requests allowed to wait for a worker; beyond it the answer is 503.
        retry_after: seconds suggested in the ``Retry-After`` header of a 503.
        note_timeout: seconds one note may take in a worker; past it the request gets 504 (a
            batch note gets an error record) and the worker process is replaced.

    """

    # Every field is always published: the OpenAPI schema of /v1/info requires them all.
    __pydantic_config__: ClassVar[dict[str, Any]] = {
        "json_schema_serialization_defaults_required": True
    }

    max_chars: int = MAX_CHARS
    max_batch: int = 100
    max_body_bytes: int = 4 * MAX_CHARS + 64 * 1024
    max_batch_body_bytes: int = 16 * 1024 * 1024
    workers: int = 2
    queue_size: int = 64
    retry_after: int = 1
    note_timeout: float = 20.0

    def __post_init__(self) -> None:
        """Refuse sizes that cannot work."""
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")
        if self.queue_size < 0:
            raise ValueError(f"queue_size must be 0 or more, not {self.queue_size}")
        if self.max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, not {self.max_batch}")
        if not self.note_timeout > 0:
            raise ValueError(f"note_timeout must be more than 0 seconds, not {self.note_timeout}")

    def to_dict(self) -> dict[str, Any]:
        """Return the limits as published by ``GET /v1/info``."""
        return asdict(self)

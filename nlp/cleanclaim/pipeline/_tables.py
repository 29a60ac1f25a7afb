"""Serialization shared by the components that hold rule tables.

A component lists its tables in ``TABLES`` (key → pydantic model and file name), keeps them in
``self.tables`` and rebuilds itself from them in ``_build``; ``nlp.to_disk`` writes each table
as JSON and ``spacy.load`` reads it back through the same validation as the packaged files.
"""

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel

from .. import resources as res


class TableBacked:
    """Mixin: ``to_disk``/``from_disk`` for a component built from rule tables."""

    TABLES: ClassVar[dict[str, tuple[type[BaseModel], str]]]
    tables: dict[str, Any]

    def _build(
        self, tables: dict[str, Any]
    ) -> None:  # pragma: no cover - every component defines it
        raise NotImplementedError

    @classmethod
    def packaged_tables(cls) -> dict[str, Any]:
        """The component's tables as shipped in the package."""
        return {key: res.load_table(model, fname) for key, (model, fname) in cls.TABLES.items()}

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        """Write the component's tables into ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for key, (_, fname) in self.TABLES.items():
            data = self.tables[key].model_dump(mode="json", by_alias=True)
            (path / fname).write_text(
                json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8"
            )

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "TableBacked":
        """Read the tables written by :meth:`to_disk` (validated) and rebuild the component."""
        path = Path(path)
        self._build(
            {
                key: res.load_table(model, fname, (path / fname).read_text(encoding="utf-8"))
                for key, (model, fname) in self.TABLES.items()
            }
        )
        return self

"""The tables of the rules stage, held by the pipeline so they travel with it.

The gap wording (messages, queries, severities) is used after the Doc (by
:mod:`cleanclaim.rules`), but it belongs to the pipeline like every other rule table: a
pipeline saved with ``nlp.to_disk`` writes it, and ``spacy.load`` reads it back through
the same validation, so an edited copy is used by the reviewer built on that pipeline.
"""

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .. import resources as res
from ._tables import TableBacked


@Language.factory("cleanclaim_rules", default_config={})
def make_rule_tables(nlp: Language, name: str) -> "RuleTables":
    """Build the holder from the packaged tables."""
    return RuleTables(name=name)


class RuleTables(TableBacked):
    """Hold the gap and payer tables; leaves the Doc unchanged."""

    TABLES = {
        "gaps": (res.GapTable, "gaps.json"),
        "payer": (res.PayerTable, "payer.json"),
        "settings": (res.SettingsTable, "settings.json"),
        "services": (res.ServiceTable, "services.json"),
    }

    def __init__(
        self, name: str = "cleanclaim_rules", tables: dict[str, Any] | None = None
    ) -> None:
        """Create the holder; ``tables`` overrides the packaged tables."""
        self.name = name
        self._build(tables or self.packaged_tables())

    def _build(self, tables: dict[str, Any]) -> None:
        self.tables = tables

    def __call__(self, doc: Doc) -> Doc:
        """Return ``doc`` unchanged."""
        return doc

"""Template fields left blank ("Route: ___", "Dose: N/A", "Site:" and nothing after it)."""

import re

from spacy.language import Language
from spacy.tokens import Doc

from .. import resources as res
from . import extensions  # noqa: F401
from ._tables import TableBacked


@Language.factory("cleanclaim_fields", default_config={})
def make_fields(nlp: Language, name: str) -> "BlankFieldDetector":
    """Build the blank-field detector from the packaged table."""
    return BlankFieldDetector(name=name)


class BlankFieldDetector(TableBacked):
    """Record template fields whose value is blank as ``doc._.cc_blank_fields``."""

    TABLES = {"fields": (res.TemplateFieldTable, "template_fields.json")}

    def __init__(
        self, name: str = "cleanclaim_fields", table: res.TemplateFieldTable | None = None
    ) -> None:
        """Create the detector; ``table`` overrides the packaged field names."""
        self.name = name
        self._build({"fields": table or res.template_fields()})

    def _build(self, tables: dict) -> None:
        self.tables = tables
        table = self.table = tables["fields"]
        self._label_of: dict[str, str] = {}
        names = []
        for label, words in table.fields.items():
            for word in words:
                self._label_of[word.lower()] = label
                names.append(re.escape(word))
        names.sort(key=len, reverse=True)
        blanks = "|".join(table.blank_values)
        # A field label, a colon, then a blank value up to the end of the line or the next field.
        self._regex = re.compile(
            rf"(?im)(?:^|[|;\t]|\s{{2,}})[ \t]*(?P<name>{'|'.join(names)})[ \t]*[:=][ \t]*(?:{blanks})[ \t]*(?=$|[|;\t]|\s{{2,}}\S+\s*:)"
        )

    def __call__(self, doc: Doc) -> Doc:
        """Find the blank fields of ``doc``."""
        found = []
        for m in self._regex.finditer(doc.text):
            label = self._label_of.get(m.group("name").lower())
            if label:
                found.append((label, m.start("name"), m.end()))
        doc._.cc_blank_fields = tuple(found)
        return doc

"""ConText for injection visits: medspaCy's algorithm with cleanclaim's rule table.

Modifiers set flags on the mentions and never remove them; each mention also records the ids of
the rules that modified it (``span._.cc_modifier_rules``).
"""

from medspacy.context import ConText, ConTextRule
from spacy.language import Language
from spacy.tokens import Doc

from .. import resources as res
from . import extensions  # noqa: F401
from ._tables import TableBacked
from .targets import ADVISORY_GROUP

#: ConText category → the span attribute it sets.
CATEGORY_ATTRIBUTES: dict[str, dict[str, bool]] = {
    "NEGATED_EXISTENCE": {"is_negated": True},
    "HISTORICAL": {"is_historical": True},
    "HYPOTHETICAL": {"is_hypothetical": True},
    "FAMILY": {"is_family": True},
    "POSSIBLE_EXISTENCE": {"is_uncertain": True},
    "ADMINISTERED": {"cc_given": True},
    "THIS_ENCOUNTER": {"cc_this_encounter": True},
    "DILUENT": {"cc_diluent": True},
    "PATIENT_SUPPLIED": {"cc_patient_supplied": True},
    "REGIMEN": {"cc_regimen": True},
    "SCHEDULE": {"cc_schedule": True},
}


@Language.factory("cleanclaim_context", default_config={"max_scope": None})
def make_context(nlp: Language, name: str, max_scope: int | None) -> "ContextComponent":
    """Build the ConText component from the packaged rule table."""
    return ContextComponent(nlp, name=name, max_scope=max_scope)


class ContextComponent(TableBacked):
    """Run ConText over ``doc.ents`` and record the rule ids behind each flag."""

    TABLES = {"context": (res.ContextTable, "context_rules.json")}

    def __init__(
        self,
        nlp: Language,
        name: str = "cleanclaim_context",
        max_scope: int | None = None,
        table: res.ContextTable | None = None,
    ) -> None:
        """Create the component; ``table`` overrides the packaged rules."""
        self.nlp = nlp
        self.name = name
        self.max_scope = max_scope
        self._build({"context": table or res.context_rules()})

    def _build(self, tables: dict) -> None:
        self.tables = tables
        table = self.table = tables["context"]
        for attrs in CATEGORY_ATTRIBUTES.values():
            for attr in attrs:
                from spacy.tokens import Span

                if not Span.has_extension(attr):
                    Span.set_extension(attr, default=False)
        self._context = ConText(
            self.nlp,
            name=f"{self.name}_medspacy",
            rules=None,
            max_scope=self.max_scope,
            span_attrs=CATEGORY_ATTRIBUTES,
        )
        self._context.add([self._rule(entry) for entry in table.rules])

    @staticmethod
    def _rule(entry: res.ContextRuleEntry) -> ConTextRule:
        return ConTextRule(
            entry.literal,
            entry.category,
            pattern=entry.pattern,
            direction=entry.direction,
            max_scope=entry.max_scope,
            allowed_types=set(entry.allowed_types) if entry.allowed_types else None,
            excluded_types=set(entry.excluded_types) if entry.excluded_types else None,
            metadata={"id": entry.id, "standalone": entry.standalone},
        )

    def __call__(self, doc: Doc) -> Doc:
        """Apply ConText to the mentions of ``doc``."""
        advisory = list(doc.spans[ADVISORY_GROUP]) if ADVISORY_GROUP in doc.spans else []
        if not doc.ents and not advisory:
            return doc
        # One pass over the mentions and the advisory wording: one graph of modifiers per note.
        doc._.cc_context_targets = [*doc.ents, *advisory]
        self._context(doc, targets="cc_context_targets")
        doc._.cc_context_targets = ()
        for ent in [*doc.ents, *advisory]:
            mods = ent._.modifiers
            if mods:
                ent._.cc_modifier_rules = tuple(
                    m.rule.metadata["id"] for m in mods if m.category in CATEGORY_ATTRIBUTES
                )
        return doc

"""The rules' view of the vocabulary tables: route families, service kinds, injection words.

Every word list the rules use comes from a table; this module only compiles them once per
:class:`~cleanclaim.rules.decide.RuleSet`.
"""

from __future__ import annotations

import re
from typing import Any

from .. import resources as res


class RuleVocabulary:
    """Compiled vocabularies for linking, coding and gap finding."""

    def __init__(self, tables: dict[str, Any]) -> None:
        """Compile from the tables by name (``drugs``, ``routes``, ``doses``, ``gaps``, ``advisory``)."""
        routes: res.RouteTable = tables["routes"]
        gaps: res.GapTable = tables["gaps"]
        self.injection_words = res.word_pattern(tables["advisory"].injection_words)
        self.families: dict[str, str] = {r.code: r.family for r in routes.routes}
        self.im_sites: frozenset[str] = frozenset(s.id for s in tables["sites"].sites if s.im_site)
        self.act_routes: frozenset[str] = frozenset(
            r.code for r in routes.routes if r.names_the_act
        )
        self.non_injection = self.family("non_injection")
        self.number_words: dict[str, float] = dict(tables["doses"].number_words)
        self.service_order: tuple[str, ...] = tuple(gaps.service_precedence)
        self.kind_gaps: dict[str, str] = dict(gaps.kind_gaps)
        self.service_hierarchy: tuple[str, ...] = tuple(gaps.service_hierarchy)
        self.classes: dict[str, res.DrugClassEntry] = dict(tables["drugs"].classes)
        self.negatable: frozenset[str] = frozenset(tables["advisory"].negatable)
        settings: res.SettingsTable = tables["settings"]
        #: An oral or topical form right after a drug; a medication-list label opening a line.
        self.not_injected_forms = [re.compile(p, re.I) for p in settings.not_injected_forms]
        self.not_injected_before = [re.compile(p, re.I) for p in settings.not_injected_before]
        self.medication_list_label = re.compile(settings.medication_list_labels, re.I | re.M)
        #: Field labels, matched at a sentence's start (``pattern.match(text, start, end)``, not
        #: on a copy of the sentence: a long sentence of many mentions would be copied for each).
        self.medication_field_label = re.compile(settings.medication_field_labels, re.I)
        self.medication_field_spoken = re.compile(settings.medication_field_spoken, re.I)
        self.attribute_field_label = re.compile(settings.attribute_field_labels, re.I)
        self.attribute_field_said = re.compile(settings.attribute_field_said, re.I)
        #: "Conjunctivae injected": redness on exam, not an administration.
        self.exam_injected = re.compile(settings.exam_injected, re.I)
        #: "PROCEDURE: left greater occipital nerve block": the line that names the note's act.
        self.act_title_line = re.compile(settings.act_title_line, re.I)
        #: "P: cocktail given in clinic 16:20 by RN:": the list under the line was given.
        self.given_lead_in = re.compile(settings.given_lead_in, re.I)
        self.given_lead_in_not = re.compile(settings.given_lead_in_not, re.I)
        #: "Administered by: T. Okonkwo-Bell, MA": a form records the dose of its drug field.
        self.given_by_field = re.compile(settings.given_by_field, re.I | re.M)
        #: "We also gave a shot of ...": a sentence telling an injection of its own.
        self.another_injection = re.compile(settings.another_injection, re.I)
        #: "I'm going to give this sub Q ...": a sentence telling the act on the drug named before.
        self.pronoun_act = re.compile(settings.pronoun_act, re.I)
        #: "injection", "shot": what follows them after an oral drug is the injection's.
        self.injection_nouns = re.compile(settings.injection_nouns, re.I)
        #: "RXR|SC^Subcutaneous^HL70162|LA^Left Arm": an interface message's record line.
        self.record_segment = re.compile(settings.record_segment)
        #: "Penicillin allergy: none": the drug is named as an allergen.
        self.allergen_after = re.compile(settings.allergen_after, re.I)
        #: "B12 level drawn today": a laboratory value, not the drug.
        self.lab_after = re.compile(settings.lab_after, re.I)
        self.lab_before = re.compile(settings.lab_before, re.I)
        #: "tolerated the subcutaneous injection well": a route of an injection already told.
        self.told_injection_before = re.compile(settings.told_injection_before, re.I)
        self.told_injection_after = re.compile(settings.told_injection_after, re.I)

    def family(self, name: str) -> frozenset[str]:
        """The route codes of one family (``sc_im``, ``iv``, ``procedure``, ``non_injection``)."""
        return frozenset(code for code, fam in self.families.items() if fam == name)

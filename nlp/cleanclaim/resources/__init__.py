"""Rule, lexicon and coverage tables shipped with cleanclaim, validated on load.

Every table is a JSON file in this folder, read with :mod:`importlib.resources` and
validated with pydantic; an error names the file, the entry and the offending key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from functools import cache, partial
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = [
    "ResourceError",
    "DrugEntry",
    "DrugTable",
    "DiagnosisEntry",
    "DiagnosisTable",
    "RouteEntry",
    "RouteTable",
    "SiteEntry",
    "SiteTable",
    "ContextRuleEntry",
    "ContextTable",
    "SectionTable",
    "DoseTable",
    "load_table",
    "table",
    "drugs",
    "diagnoses",
    "routes",
    "sites",
    "context_rules",
    "sections",
    "doses",
    "template_fields",
    "drug_lexicon_exclusions",
    "TemplateFieldTable",
    "gap_templates",
    "advisory",
    "word_pattern",
    "blocking_codes",
    "TABLES",
    "packaged_tables",
    "pipeline_tables",
    "rules_version",
    "DrugClassEntry",
    "AdvisoryRule",
    "CodeRule",
    "PayerTable",
    "payer",
    "load_payer_rules",
    "merge_payer_rules",
    "DictationTable",
    "SpokenRoute",
    "dictation",
    "SettingsTable",
    "settings",
    "ServiceTable",
    "services",
]

TokenPattern = list[dict[str, Any]]


def _compiles(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as err:
            raise ValueError(f"pattern {pattern!r} does not compile: {err}") from None
    return patterns


def _with_groups(patterns: list[str], groups: set[str]) -> None:
    """Each pattern, unless it matches nothing (``(?!)``), has the named ``groups``."""
    for pattern in patterns:
        if pattern != r"(?!)" and not groups <= set(re.compile(pattern).groupindex):
            names = " and ".join(f"'{g}'" for g in sorted(groups))
            raise ValueError(f"pattern {pattern!r} needs the named group(s) {names}")


class ResourceError(ValueError):
    """A shipped or user-supplied rule table is malformed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(_Strict):
    """An amount with a unit, e.g. 1000 mcg or 100000 units."""

    amount: float = Field(gt=0)
    unit: Literal["mcg", "mg", "g", "units", "mL"]


class Concentration(_Strict):
    """A standard strength: ``amount`` ``unit`` in ``per_ml`` mL."""

    amount: float = Field(gt=0)
    unit: Literal["mcg", "mg", "g", "units"]
    per_ml: float = Field(default=1.0, gt=0)


DrugClass = Literal[
    "other",
    "vaccine",
    "antineoplastic",
    "hormonal_antineoplastic",
    "diluent",
    "immunotherapy",
    "chemodenervation",
    "hydration",
    "skin_test",
]


class DrugClassEntry(_Strict):
    """What giving a drug of one class is billed as, when it is not a 96372 injection."""

    kind: Literal["vaccine", "immunotherapy", "antineoplastic", "procedure", "hydration"]
    service_code: str = Field(pattern=r"^[0-9]{5}$")
    #: Only when given SC or IM (or with no route written): methotrexate IV is not 96401.
    sc_im_only: bool = False
    #: Only when a cancer diagnosis is documented (leuprolide for endometriosis stays 96372).
    only_with_cancer: bool = False


class Dated(_Strict):
    """A row valid from ``effective`` to ``end`` (both inclusive; None: open), with its source."""

    #: First date of service the row applies to; None: in effect before any date the table covers.
    effective: date | None = None
    #: Last date of service the row applies to; None: still in effect.
    end: date | None = None
    source: str = Field(min_length=3)

    def valid_on(self, day: date | None) -> bool:
        """Whether the row applies on ``day`` (every row applies when no day is known)."""
        if day is None:
            return self.end is None
        return (self.effective is None or self.effective <= day) and (
            self.end is None or day <= self.end
        )

    @model_validator(mode="after")
    def _ordered(self) -> Dated:
        if self.effective and self.end and self.end < self.effective:
            raise ValueError("end is before effective")
        return self


class CodeRule(Dated):
    """One HCPCS code a drug may be billed with, and when it applies.

    A drug's rules are tried in order; the first whose conditions all hold on the date of
    service is the code. ``products``: any of these words in the drug's sentence (brand or
    product name); ``cancer``: only with (True) or without (False) a cancer diagnosis;
    ``dose_max``/``dose_over``: the dose is at most / more than this; ``dose_multiple_of``: the
    dose is a whole multiple of this (J1040 for 80, 160 mg).
    """

    hcpcs: str = Field(pattern=r"^[A-Z][0-9]{4}$")
    descriptor: str
    #: Amount per billing unit; None with ``per_administration`` (one unit per injection).
    billing_unit: Quantity | None = None
    per_administration: bool = False
    #: How many billing-unit units one documented unit is worth ({"mcg": 5}: 1 mcg = 5 IU).
    unit_equivalents: dict[Literal["mcg", "mg", "g", "units"], float] = Field(default_factory=dict)
    products: list[str] = Field(default_factory=list)
    cancer: bool | None = None
    dose_max: Quantity | None = None
    dose_over: Quantity | None = None
    dose_multiple_of: Quantity | None = None

    @model_validator(mode="after")
    def _has_units(self) -> CodeRule:
        if self.billing_unit is None and not self.per_administration:
            raise ValueError("needs billing_unit or per_administration")
        return self


class IndicationRow(_Strict):
    """ICD-10-CM code prefixes that establish necessity for a drug, and where that comes from."""

    codes: list[str] = Field(min_length=1)
    label: str
    source: str


class DrugEntry(_Strict):
    """One curated injectable, normalized to a generic name."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    synonyms: list[str] = Field(min_length=1)
    patterns: list[TokenPattern] = Field(default_factory=list)
    drug_class: DrugClass = Field(alias="class")
    hcpcs: str | None = Field(default=None, pattern=r"^[A-Z][0-9]{4}$")
    hcpcs_descriptor: str | None = None
    billing_unit: Quantity | None = None
    standard_concentration: Concentration | None = None
    indications: list[str] = Field(default_factory=list)
    #: Further indications, each row with its source (FDA label, guideline or payer policy).
    indication_rows: list[IndicationRow] = Field(default_factory=list)
    #: Drugs whose use establishes the need on its own (B12 as an adjunct to pemetrexed).
    supporting_drugs: list[str] = Field(default_factory=list)
    indication_note: str | None = None
    antineoplastic_when_cancer: bool = False
    #: A local anesthetic (a diluent class): the drug of an injection procedure (trigger point,
    #: nerve block) when it is the procedure's whole injectate.
    local_anesthetic: bool = False
    #: An IV fluid (saline, lactated Ringer's, dextrose): a diluent, except when a liter or a
    #: bolus of it is given on its own, which is IV hydration (the ``hydration`` class).
    hydration_fluid: bool = False
    min_interval_days: int | None = None
    #: No code of its own (a compounded or unapproved product): billed as J3490 with its NDC.
    bill_unclassified: bool = False
    notes: str | None = None
    #: Where the code, descriptor and unit of ``hcpcs`` come from, and when that code applies (or
    #: why the drug has no drug line of its own); every row names one.
    source: str = Field(min_length=3)
    effective: date | None = None
    end: date | None = None
    #: Codes chosen from product, diagnosis, dose and date (tried in order); when empty, the
    #: single ``hcpcs`` code applies.
    codes: list[CodeRule] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _billing_needs_code(self) -> DrugEntry:
        if self.billing_unit is not None and self.hcpcs is None:
            raise ValueError("billing_unit given without hcpcs")
        if self.hcpcs is not None and not self.codes and self.source is None:
            raise ValueError("hcpcs given without source")
        return self

    @property
    def all_indications(self) -> tuple[str, ...]:
        """The code prefixes of ``indications`` and of every ``indication_rows`` row."""
        return (*self.indications, *(c for row in self.indication_rows for c in row.codes))

    @property
    def code_rules(self) -> tuple[CodeRule, ...]:
        """The drug's code rules: ``codes``, or the single ``hcpcs`` code as one rule."""
        if self.codes:
            return tuple(self.codes)
        if self.hcpcs is None or self.source is None:
            return ()
        return (
            CodeRule(
                hcpcs=self.hcpcs,
                descriptor=self.hcpcs_descriptor or self.hcpcs,
                billing_unit=self.billing_unit,
                per_administration=self.billing_unit is None,
                effective=self.effective,
                end=self.end,
                source=self.source,
            ),
        )


class DrugTable(_Strict):
    """Curated injectables, and what each drug class is billed as."""

    version: str
    classes: dict[DrugClass, DrugClassEntry] = Field(default_factory=dict)
    #: When an IV fluid is hydration: its clause states a volume of a hydration (``volume``)
    #: or hydration wording (``words``: "bolus", "IV fluids", "wide open").
    hydration_volume: str = r"(?!)"
    hydration_words: str = r"(?!)"
    #: Wording right before a fluid that makes it another drug's carrier ("750 mg in 250 mL NS").
    fluid_carrier_before: str = r"(?!)"
    #: Wording right after a fluid that makes it a line flush or lock ("saline lock", "NS flush").
    fluid_line_after: str = r"(?!)"
    #: A volume too small for hydration ("20 cc saline bolus" to test a line, a contrast chaser).
    fluid_small_volume: str = r"(?!)"
    drugs: list[DrugEntry]

    @field_validator("drugs")
    @classmethod
    def _unique_ids(cls, value: list[DrugEntry]) -> list[DrugEntry]:
        _check_unique([d.id for d in value], "drug id")
        return value


class DiagnosisEntry(_Strict):
    """One diagnosis or indication relevant to injectable drugs."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    icd10: str = Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
    synonyms: list[str] = Field(default_factory=list)
    patterns: list[TokenPattern] = Field(default_factory=list)
    category: str = "other"

    @model_validator(mode="after")
    def _has_matcher(self) -> DiagnosisEntry:
        if not self.synonyms and not self.patterns:
            raise ValueError("needs synonyms or patterns")
        return self


class DiagnosisTable(_Strict):
    """Diagnoses with their ICD-10-CM codes."""

    version: str
    #: Categories that are never the reason for an injection (a relative's condition, a test).
    never_a_reason: list[str] = Field(default_factory=list)
    #: Categories listed in ``icd10`` only when nothing supports the injection.
    comorbidity_categories: list[str] = Field(default_factory=list)
    #: Wording before a diagnosis (in its clause) that says the patient does not have it now, for
    #: lists ConText leaves open ("no history of celiac or Crohn's", "no diagnosis of ... or ...").
    not_current_before: list[str] = Field(default_factory=list)
    #: Wording just after a diagnosis that says it is not current ("..., resolved",
    #: "Hypogonadism not established", "ruled out").
    not_current_after: list[str] = Field(default_factory=list)
    #: Characters after the mention (within its sentence) searched by ``not_current_after``.
    after_window: int = Field(default=80, gt=0)
    #: Wording stripped before the ``before`` check: a negative phrase that negates nothing else
    #: ("no known allergies", "NKDA").
    not_negating: list[str] = Field(default_factory=list)
    #: Section categories whose diagnoses are not the patient's conditions: the reactions of an
    #: allergy list ("Allergies: penicillin (hives)").
    not_in_sections: list[str] = Field(default_factory=list)
    diagnoses: list[DiagnosisEntry]

    @model_validator(mode="after")
    def _patterns(self) -> DiagnosisTable:
        _compiles([*self.not_current_before, *self.not_current_after, *self.not_negating])
        return self

    @field_validator("diagnoses")
    @classmethod
    def _unique_ids(cls, value: list[DiagnosisEntry]) -> list[DiagnosisEntry]:
        _check_unique([d.id for d in value], "diagnosis id")
        return value


class RouteEntry(_Strict):
    """A route of administration and the code family it implies."""

    code: str = Field(pattern=r"^[A-Z_]+$")
    label: str
    sc_im: bool
    #: ``sc_im`` (96372), ``iv`` (96360-96379), ``procedure`` (its own procedure code),
    #: ``non_injection`` (PO, topical: not an injection at all) or ``other``.
    family: Literal["sc_im", "iv", "procedure", "non_injection", "other"]
    service_code: str | None
    #: The route's words name the injection procedure itself ("trigger point injections"): in
    #: an administration section they record the act, however long their sentence.
    names_the_act: bool = False
    #: The drug classes this route's service is for (intradermal: the skin tests); a drug of
    #: another class given so is coded as ``otherwise`` (triamcinolone "injected intradermally"
    #: into alopecia patches is an intralesional injection, not a skin test).
    only_classes: list[str] = Field(default_factory=list)
    otherwise: str | None = None
    phrases: list[str] = Field(default_factory=list)
    patterns: list[TokenPattern] = Field(default_factory=list)
    not_after: list[str] = Field(default_factory=list)
    not_before: list[str] = Field(default_factory=list)


class RouteTable(_Strict):
    """Routes of administration."""

    version: str
    routes: list[RouteEntry]

    @field_validator("routes")
    @classmethod
    def _unique_codes(cls, value: list[RouteEntry]) -> list[RouteEntry]:
        _check_unique([r.code for r in value], "route code")
        codes = {r.code for r in value}
        for r in value:
            if r.otherwise is not None and r.otherwise not in codes:
                raise ValueError(f"route {r.code}: otherwise names no route {r.otherwise!r}")
            if bool(r.otherwise) != bool(r.only_classes):
                raise ValueError(f"route {r.code}: only_classes and otherwise go together")
        return value


class SiteEntry(_Strict):
    """An anatomical injection site."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    phrases: list[str] = Field(min_length=1)
    lateral_phrases: list[str] = Field(default_factory=list)
    kind: Literal["muscle", "subcutaneous", "joint", "other"]
    implies_route: str | None = None
    service_code: str | None = None
    #: A site where intramuscular doses go (deltoid, gluteal, thigh): a dose "given R glute" with
    #: no drug or route named is still an injection there.
    im_site: bool = False


class SiteTable(_Strict):
    """Injection sites; laterality words that may precede any site."""

    version: str
    laterality: dict[str, list[str]]
    #: Words that may stand between a side and its site ("L upper outer arm").
    side_fillers: list[str] = Field(default_factory=list)
    #: The drugs a joint or bursa site names the route of (corticosteroids, local anesthetics,
    #: hyaluronates): "Kenalog 40 mg R hip" is a hip injection, "ceftriaxone 500 mg given in the
    #: R hip" an intramuscular one whose route the note leaves out. An unnamed drug follows the
    #: site too.
    joint_drugs: list[str] = Field(default_factory=list)
    #: Words joining two sides named together ("right and left upper arms", "R & L thighs").
    side_joiners: list[str] = Field(default_factory=list)
    #: Kinds of site whose phrases are also read with their last word in the plural ("upper
    #: arms", "thighs"): a dose split between both sides. Joints are left out, where the
    #: plural names an exam finding far more often than an injection ("knees without effusion").
    plural_kinds: list[Literal["muscle", "subcutaneous", "joint", "other"]] = Field(
        default_factory=list
    )
    sites: list[SiteEntry]

    def phrases(self, site: SiteEntry) -> list[str]:
        """Every phrase of ``site``: its own, its lateral ones, and the plurals of its own when its
        kind takes them (a lower-case last word not ending in "s", in a phrase of four letters
        or more: not "abd", whose plural "ABDs" are dressings; nor a lateral phrase: "arms" of
        "moves both arms" is an exam finding).
        """
        out = [*site.phrases, *site.lateral_phrases]
        if site.kind not in self.plural_kinds:
            return out
        have = {p.lower() for p in out}
        for phrase in site.phrases:
            head, _, last = phrase.rpartition(" ")
            if not (last.isalpha() and last.islower()) or len(phrase) < 4 or last.endswith("s"):
                continue
            plural = last + ("es" if last.endswith(("x", "z", "ch", "sh")) else "s")
            form = f"{head} {plural}" if head else plural
            if form.lower() not in have:
                have.add(form.lower())
                out.append(form)
        return out

    @field_validator("sites")
    @classmethod
    def _unique_ids(cls, value: list[SiteEntry]) -> list[SiteEntry]:
        _check_unique([s.id for s in value], "site id")
        return value


ContextCategory = Literal[
    "NEGATED_EXISTENCE",
    "HISTORICAL",
    "HYPOTHETICAL",
    "FAMILY",
    "POSSIBLE_EXISTENCE",
    "ADMINISTERED",
    "THIS_ENCOUNTER",
    "REGIMEN",
    "SCHEDULE",
    "DILUENT",
    "PATIENT_SUPPLIED",
    "PSEUDO",
    "TERMINATE",
]


class ContextRuleEntry(_Strict):
    """A ConText modifier rule with a stable id."""

    id: str = Field(pattern=r"^[a-z0-9_.]+$")
    literal: str
    category: ContextCategory
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
    pattern: TokenPattern | str | None = None
    max_scope: int | None = None
    #: a shorter reach back for a BIDIRECTIONAL rule: "last shot was 12/23" dates the words
    #: right before it ("Depo last shot 12/23") but not a clause before ("Depo-Provera 150 mg IM
    #: R deltoid, contraception, last shot was 12/23")
    max_scope_backward: int | None = Field(default=None, ge=0)
    allowed_types: list[str] | None = None
    excluded_types: list[str] | None = None
    #: categories whose cues end this one's scope (medspaCy's ``terminated_by``): "Given his
    #: history of vomiting prednisone, gave methylprednisolone" (the act ends the history)
    terminated_by: list[ContextCategory] | None = None
    standalone: bool = False  # administration wording strong enough without a drug in its sentence
    #: a count of doses ("x1", "once", "single dose"): administration wording only outside a plan
    #: or order section ("Plan: Solu-Medrol 125 mg IM x 1" orders one dose, it does not give it)
    count_only: bool = False


class ContextTable(_Strict):
    """ConText modifier rules."""

    version: str
    rules: list[ContextRuleEntry]
    #: Words that, alone between a forward negation and a drug said with its dose, keep the
    #: negation on the drug ("no more Toradol 60 mg"); any other word is a finding it negates.
    negation_carriers: list[str] = Field(default_factory=list)
    #: Words that end a clause for the cues of ``clause_break_categories`` before a mention that
    #: is not a diagnosis ("daughter usually administers; given by RN today IM": the relative's
    #: cue stops at the semicolon). A diagnosis stays in the cue's reach ("Family history:
    #: diabetes; hypertension" is the family's), where reading it as the patient's could
    #: support a claim.
    clause_breaks: list[str] = Field(default_factory=list)
    clause_break_categories: list[ContextCategory] = Field(default_factory=list)
    #: Rules (ids) whose wording ends such a cue's reach the same way: the clinic's own act
    #: ("... for the mom we gave Toradol": "we gave" says who gave it).
    clause_break_rules: list[str] = Field(default_factory=list)
    #: The most words such a cue reaches over to a mention that is not a diagnosis, in a run of
    #: dictation without punctuation ("the daughter had a shot of tequila at the wedding last
    #: night which is not relevant anyway for the mom we gave Toradol sixty milligrams").
    clause_break_reach: int | None = Field(default=None, gt=0)

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, value: list[ContextRuleEntry]) -> list[ContextRuleEntry]:
        _check_unique([r.id for r in value], "context rule id")
        return value

    @model_validator(mode="after")
    def _break_rules_exist(self) -> ContextTable:
        unknown = sorted(set(self.clause_break_rules) - {r.id for r in self.rules})
        if unknown:
            raise ValueError(f"clause_break_rules names unknown rules: {unknown}")
        return self


SectionKind = Literal[
    "list", "history", "family", "plan", "administration", "assessment", "subjective", "other"
]


class SectionRuleEntry(_Strict):
    """A section header rule."""

    category: str = Field(pattern=r"^[a-z_]+$")
    literal: str
    pattern: TokenPattern | None = None


class SectionCategory(_Strict):
    """How a section category bears on administration."""

    kind: SectionKind
    ends_at_blank_line: bool = False
    ends_at_line_end: bool = False
    #: A header with its content on its own line ("PSH: appendectomy 2015") covers that line
    #: and the continuation lines after it (``SectionTable.continuation_line``), not the visit's
    #: own documentation on the next line ("Cyanocobalamin 1000 mcg IM given L deltoid").
    inline_ends_at_line_end: bool = False
    #: The header opens a section only where a line or sentence begins: after a word on its
    #: line it names a template field ("Dose ordered: 150 mg", "Dx on order: E53.8").
    at_line_start: bool = False


class SectionTable(_Strict):
    """Section headers and what each category means."""

    version: str
    categories: dict[str, SectionCategory]
    rules: list[SectionRuleEntry]
    #: A header dictated with its colon said as a word ("plan colon", "plan number two colon"):
    #: the words said for the colon, for "number", and the words after "colon" that make it the
    #: organ ("family history colon cancer").
    spoken_colon: list[str] = Field(default_factory=list)
    spoken_numbering: list[str] = Field(default_factory=list)
    spoken_colon_not_before: list[str] = Field(default_factory=list)
    #: A dictated list or history header (a category ending at a blank line) ends at the first
    #: of these (a dictated note has no blank lines): "social history colon ... period".
    spoken_list_ends: list[str] = Field(default_factory=list)
    #: A line that continues the inline header above it (indented, bulleted, numbered, or
    #: starting in lower case), matched at the line's start.
    continuation_line: str = r"(?!)"
    #: A written header with an aside before its colon: a parenthesis of at most
    #: ``header_aside_words`` words ("Medication list (reconciled today):") or one of
    #: ``header_qualifiers`` and up to two more words ("Meds reviewed with patient:").
    header_aside_words: int = Field(default=0, ge=0, le=12)
    header_qualifiers: list[str] = Field(default_factory=list)
    #: The category a header takes with an aside or a qualifier, when not its own:
    #: "Immunizations:" may head today's vaccines, "Immunizations reviewed:" heads a history.
    qualified_categories: dict[str, str] = Field(default_factory=dict)
    #: A written header as an export's banner line, between runs of these marks instead of
    #: ending in a colon ("--- MEDICATION ADMINISTRATION ---", "=== PLAN ==="): a regex one
    #: token of the run must match.
    banner_marks: str | None = None
    #: A header alone on its line in capitals, without its colon ("HOME MEDICATIONS", "ED
    #: COURSE"), as many EHR exports print them.
    capital_headers: bool = False

    @model_validator(mode="after")
    def _known_categories(self) -> SectionTable:
        for i, rule in enumerate(self.rules):
            if rule.category not in self.categories:
                raise ValueError(
                    f"rules[{i}] ({rule.literal!r}): unknown category {rule.category!r}"
                )
        for name, category in self.qualified_categories.items():
            if name not in self.categories or category not in self.categories:
                raise ValueError(f"qualified_categories: unknown category {name!r} or {category!r}")
        return self


class DoseTable(_Strict):
    """Dose units, their canonical spelling, and spelled-out numbers."""

    version: str
    units: dict[str, list[str]]
    number_words: dict[str, float]
    multiplier_words: dict[str, int]
    not_per: list[str] = Field(default_factory=list)
    needle_words: list[str] = Field(default_factory=list)
    #: Whole numbers that, written with a bare "g" ("18g", "25 G"), are a needle's gauge.
    needle_gauges: tuple[int, int] | None = None
    #: Unit words that carry a multiplier ("2.4 MU" is 2,400,000 units).
    unit_multipliers: dict[str, int] = Field(default_factory=dict)
    #: Written right after an amount, these make it a per-weight or per-area dose
    #: ("0.15 mg/kg = 3.6 mg": the dose given is 3.6 mg).
    per_weight: list[str] = Field(default_factory=list)


class SpokenRoute(_Strict):
    """A route as dictated: the letters it is spelled with and the phrases it is said as."""

    code: str
    letters: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)


class DictationTable(_Strict):
    """How raw speech recognition says things: letters, routes, units, punctuation, markers.

    The matching (number parsing, phonetic and edit-distance reading of drug and site names)
    is code in :mod:`cleanclaim.pipeline.dictation`; the words and thresholds live here.
    """

    version: str
    #: Letter → the words a recognizer writes for it ("m": ["m", "em"]).
    letters: dict[str, list[str]]
    #: Words that begin a spoken "sub-Q" ("sub"), and the words heard for its second part.
    sub_prefixes: list[str]
    sub_suffixes: list[str]
    routes: list[SpokenRoute]
    #: A letter route that is also an English phrase ("I am") is a route only next to these.
    ambiguous_routes: dict[str, str] = Field(default_factory=dict)
    route_neighbours: list[str] = Field(default_factory=list)
    #: Unit → spoken forms, each a phrase ("m l", "c c", "mics").
    units: dict[str, list[str]]
    #: Words joining a number and its unit or a concentration ("of", "per").
    number_fillers: list[str] = Field(default_factory=list)
    #: Number word → how an accent or the engine may write it ("three": ["tree"]): read as the
    #: number only next to another number word, digits or a unit ("tree hundred micro gram",
    #: "zero point tree milligram"; not "tree pollen").
    number_homophones: dict[str, list[str]] = Field(default_factory=dict)
    #: Side words as heard ("lift" → left) before a site.
    sides: dict[str, list[str]] = Field(default_factory=dict)
    #: Site name → ordinary words that sound the same ("thigh": ["thy", "thai"]), read as the site
    #: only right after a side ("right thy").
    site_homophones: dict[str, list[str]] = Field(default_factory=dict)
    #: Spoken punctuation and commands that end a sentence, with words that make them ordinary.
    boundaries: list[str]
    not_after: dict[str, list[str]] = Field(default_factory=dict)
    not_before: dict[str, list[str]] = Field(default_factory=dict)
    #: Spoken punctuation that does not end a sentence ("comma", "open paren"): not a word of the
    #: sentence when its length is measured (a dictated "1000 mcg IM, no issues" is short).
    spoken_marks: list[str] = Field(default_factory=list)
    #: Words a speaker takes back the mention just said with, when one of the same kind follows
    #: ("left del toyed scratch that left upper arm", "sixty, correction, thirty milligrams").
    retractions: list[str] = Field(default_factory=list)
    #: Words that may stand between a mention and its retraction ("sub Q, no, correction").
    retraction_fillers: list[str] = Field(default_factory=list)
    #: Characters a scanned page's text recognition confuses, by what the word needs: a letter
    #: in a word ("Kena1og", "de1toid": "1" → "l"), a digit in a number ("l50", "4O": "l" → "1"),
    #: and letter pairs read for one letter ("rng", "rncg/rnL": "rn" → "m"). A word is read
    #: through them only when it then spells a curated name, a route, a unit or a number.
    ocr_letters: dict[str, str] = Field(default_factory=dict)
    ocr_digits: dict[str, str] = Field(default_factory=dict)
    ocr_pairs: dict[str, str] = Field(default_factory=dict)
    #: Words after which the next three words name a person, never a drug heard in pieces
    #: ("given by M A Petra": not insulin glulisine).
    person_after: list[str] = Field(default_factory=list)
    #: Words after "I am" that make it a pronoun whatever is near ("I am taking", "I am fine").
    pronoun_after: list[str] = Field(default_factory=list)
    #: Words that begin a clause: "I am" after them is the pronoun ("... and I am sure").
    pronoun_before: list[str] = Field(default_factory=list)
    #: Regular expressions of "[inaudible]"-type markers.
    markers: list[str]
    #: Words that place a mention in an administration (phonetic reading only near them).
    administration_words: list[str]
    #: Tokens around a dose, route, site or administration word where names are read.
    window: int = Field(ge=1, le=40)
    #: Least joined length (letters) of words read phonetically or fuzzily, by label.
    min_chars: dict[str, int]
    #: Least normalized Levenshtein similarity for a phonetic (same Metaphone code) reading.
    phonetic_min_similarity: float = Field(ge=0, le=1)
    #: A curated name with the same phonetic code of at least this many letters is read whatever
    #: the spelling distance ("eye ma tricks" / Imitrex: AMTRKS).
    min_code_letters: int = Field(default=5, ge=2, le=20)
    #: The same floor for names only the broad drug dictionary holds (107k names, more chance hits).
    broad_min_similarity: float = Field(default=0.8, ge=0, le=1)
    #: A single word is read as another name only when it is rare English (wordfreq Zipf below
    #: this: "ketorolak", not "sterile"); split words ("del toyed") are read whatever their parts.
    single_word_max_zipf: float = Field(default=1.0, ge=0, le=8)
    #: Right before a dose, a curated drug whose phonetic code is one letter away from the words'
    #: code (of at least ``near_code_letters`` letters: "Kenneth log" KN0LK / Kenalog KNLK), or
    #: the same code one letter shorter ("new bane" / Nubain: NBN), is read when the spelling is
    #: at least this similar.
    near_code_min_similarity: float = Field(default=0.55, ge=0, le=1)
    #: A drug the rules read, then words heard that complete a longer curated name beginning
    #: with it ("testosterone in and thate" is testosterone enanthate, not the plain name's
    #: default form): the heard words' spelling must be this alike to the rest of the name.
    longer_name_min_similarity: float = Field(default=0.7, ge=0, le=1)
    near_code_letters: int = Field(default=4, ge=2, le=20)
    #: Letter groups an engine writes for a heard sound, and the letter the name spells it with
    #: ("fam o tee deen" / famotidine: "ee" → "i"); spelling similarity is also measured with
    #: the heard words rewritten so.
    sound_spellings: dict[str, str] = Field(default_factory=dict)
    #: Least rapidfuzz ratio (0-100) for a fuzzy reading without the same phonetic code.
    fuzzy_min_score: float = Field(ge=0, le=100)
    #: A typed misspelling of a curated drug ("cyanocobolamin", "ketorlac") is read anywhere in
    #: the note, not only near an administration: one word of at least ``misspelt_min_chars``
    #: letters, not English, beginning with the name's letter and at most ``misspelt_max_edits``
    #: edits from it (one more from ``misspelt_long_chars`` letters on).
    misspelt_min_chars: int = Field(default=8, ge=4, le=40)
    misspelt_max_edits: int = Field(default=1, ge=0, le=3)
    misspelt_long_chars: int = Field(default=12, ge=4, le=60)
    #: Words right before which a drug is named, as right before a dose ("his X injection").
    name_slot_words: list[str] = Field(default_factory=list)
    #: Words never read as part of a drug or site name ("the", "and", "given").
    stop_words: list[str] = Field(default_factory=list)
    #: A template field dictated with its label and the colon said ("site colon right glue
    #: teal"): what follows the colon is read as administration context.
    spoken_field_labels: list[str] = Field(default_factory=list)
    spoken_field_colon: list[str] = Field(default_factory=list)
    #: Letters not heard at the start of a word ("knocks" is said "nocks"): dropped from every
    #: word but the first when dictated words are run together ("love a knocks" / Lovenox).
    silent_initials: list[str] = Field(default_factory=list)
    #: Words an engine writes for a sound that drug names spell otherwise, used in place of the
    #: word when words are run together into a name ("depot" for the "Depo-" of Depo-Medrol).
    heard_words: dict[str, str] = Field(default_factory=dict)


def _check_unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)


def _format_error(name: str, err: ValidationError, data: Any) -> str:
    lines = [f"invalid resource file {name!r}:"]
    for item in err.errors()[:10]:
        loc = list(item["loc"])
        where = ".".join(str(p) for p in loc)
        entry = _entry_name(data, loc)
        lines.append(f"  at {where}{entry}: {item['msg']}")
    return "\n".join(lines)


def _entry_name(data: Any, loc: list[Any]) -> str:
    node = data
    for part in loc[:2]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return ""
    if isinstance(node, dict):
        for key in ("id", "code", "literal", "category"):
            if key in node:
                return f" (entry {node[key]!r})"
    return ""


def load_table(model: type[BaseModel], name: str, text: str | None = None) -> Any:
    """Load and validate a table, from the package or from ``text``.

    Args:
        model: the pydantic model of the table.
        name: the file name inside ``cleanclaim.resources`` (used in errors).
        text: JSON text to validate instead of the packaged file.

    Raises:
        ResourceError: naming the file, the entry and the key that is wrong.

    """
    if text is None:
        text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ResourceError(
            f"invalid resource file {name!r}: not JSON ({err.msg}, line {err.lineno})"
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ResourceError(_format_error(name, err, data)) from None


class TemplateFieldTable(_Strict):
    """EHR template field labels per mention label, and the values that mean "left blank"."""

    version: str
    fields: dict[Literal["DRUG", "DOSE", "ROUTE", "SITE", "DIAGNOSIS"], list[str]]
    blank_values: list[str]
    #: A field dictated blank: its label, a word said for the colon, then a word said for a
    #: line break ("route colon next line site colon right glue teal").
    spoken_colon: list[str] = Field(default_factory=list)
    spoken_breaks: list[str] = Field(default_factory=list)
    #: Words said for the blank itself between the colon and the break ("route colon blank
    #: period", "diagnosis colon none period").
    spoken_blanks: list[str] = Field(default_factory=list)
    #: Units a printed template puts after the blank of its field ("Dose: ______ mg"): the
    #: field is still blank.
    printed_units: list[str] = Field(default_factory=list)


@cache
def drug_lexicon_additions() -> dict[str, str]:
    """Names the broad drug dictionary lacks (brand names, short forms) → the drug they name."""
    text = resources.files(__name__).joinpath("drug_lexicon_add.tsv").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, drug = line.partition("\t")
        if not sep or not name.strip() or not drug.strip():
            raise ValueError(f"drug_lexicon_add.tsv line {n}: expected 'name<TAB>drug'")
        out[name.strip().lower()] = drug.strip().lower()
    return out


def drug_lexicon_exclusions() -> frozenset[str]:
    """Words the broad drug dictionary lists that are not drugs in a clinic note."""
    text = (
        resources.files(__name__).joinpath("drug_lexicon_exclude.txt").read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


class GapTemplate(_Strict):
    """Severity, denial reasons and wording of one gap code."""

    severity: Literal["blocking", "advisory"]
    carc: list[str]
    message: str
    query: str


ServiceKind = Literal["vaccine", "antineoplastic", "procedure", "immunotherapy", "hydration"]


class GapTable(_Strict):
    """Message and query templates per gap code; the gap each non-96372 service kind raises."""

    version: str
    #: Which given service names the note's service code when no 96372 injection was given.
    service_precedence: list[ServiceKind] = Field(default_factory=list)
    #: The gap raised for a given service of each kind when no 96372 injection was given.
    kind_gaps: dict[ServiceKind, str] = Field(default_factory=dict)
    #: Within a kind, the codes in the order that names the initial service when several were
    #: given (CPT's hierarchy: an infusion before a push before hydration), whatever the order
    #: the note writes them in.
    service_hierarchy: list[str] = Field(default_factory=list)
    gaps: dict[str, GapTemplate]

    @model_validator(mode="after")
    def _known_codes(self) -> GapTable:
        for kind, code in self.kind_gaps.items():
            if code not in self.gaps:
                raise ValueError(f"kind_gaps[{kind!r}]: unknown gap code {code!r}")
        return self

    @property
    def blocking_codes(self) -> tuple[str, ...]:
        """The blocking gap codes, in table order."""
        return tuple(c for c, t in self.gaps.items() if t.severity == "blocking")


AdvisoryLabel = Literal[
    "STAFF",
    "LOT",
    "EM_VISIT",
    "INTERVAL",
    "WASTAGE",
    "NO_WASTAGE",
    "SINGLE_DOSE",
    "ORDER",
    "FACILITY",
    "LOADING",
]


class AdvisoryRule(_Strict):
    """Wording an advisory check looks for, matched in the pipeline as a span with ConText flags.

    ``literal`` is matched as a case-insensitive phrase unless a token ``pattern`` is given.
    """

    id: str = Field(pattern=r"^[a-z0-9_.]+$")
    label: AdvisoryLabel
    literal: str
    pattern: TokenPattern | None = None


class AdvisoryTable(_Strict):
    """Wording behind the advisory checks (who gave it, lot, E/M visit, interval since the last
    dose), and the words that say "an injection".
    """

    version: str
    injection_words: list[str] = Field(default_factory=list)
    #: Labels whose wording ConText can negate ("no lot number recorded" records no lot). Staff
    #: wording is not: "MD at bedside, EMS not required" still names a clinician.
    negatable: list[AdvisoryLabel] = Field(default_factory=list)
    rules: list[AdvisoryRule]

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, value: list[AdvisoryRule]) -> list[AdvisoryRule]:
        _check_unique([r.id for r in value], "advisory rule id")
        return value


class SadDrug(Dated):
    """A drug on Medicare's self-administered drug (SAD) exclusion lists."""

    drug: str = Field(pattern=r"^[a-z0-9_]+$")


class MueLimit(Dated):
    """A medically unlikely edit: the most units of ``hcpcs`` per day of service."""

    hcpcs: str = Field(pattern=r"^[A-Z0-9][0-9]{3}[0-9A-Z]$")
    max_units: int = Field(gt=0)


class FrequencyRule(Dated):
    """How often a drug may be given: at least ``min_days`` (and at most ``max_days``) apart."""

    drug: str = Field(pattern=r"^[a-z0-9_]+$")
    min_days: int = Field(gt=0)
    max_days: int | None = Field(default=None, gt=0)
    #: A loading phase (the LOADING wording) suspends the minimum interval (B12 loading doses).
    loading_exempt: bool = False
    label: str


class PayerSettings(_Strict):
    """What a payer requires on the claim lines."""

    name: str = "Medicare Part B (packaged defaults)"
    #: Modifier advised on the second and later 96372 lines (e.g. "59" or "XU"); None: none.
    second_injection_modifier: str | None = Field(default=None, pattern=r"^[0-9A-Z]{2}$")
    #: Whether 99211 on the same day as 96372 is denied (Medicare: yes).
    deny_99211_with_injection: bool = True
    #: Whether single-dose containers need JW/JZ (Medicare Part B since July 2023).
    require_jw_jz: bool = True


class PayerTable(_Strict):
    """Payer rules as data: settings, SAD drugs, MUEs, frequency limits, single-dose products and
    the wording the payer checks read (date of service, clinical staff, E/M codes).
    """

    version: str
    payer: PayerSettings = Field(default_factory=PayerSettings)
    #: Drug ids whose usual product is a single-dose vial or prefilled syringe.
    single_dose_drugs: list[SadDrug] = Field(default_factory=list)
    sad_drugs: list[SadDrug] = Field(default_factory=list)
    mue: list[MueLimit] = Field(default_factory=list)
    frequency: list[FrequencyRule] = Field(default_factory=list)
    #: Regexes that capture a date of service (group "date"), in priority order: labelled dates
    #: ("DOS: ...", "Date of service ...") first, then a dated header line.
    date_of_service_patterns: list[str] = Field(default_factory=list)
    #: Credentials of clinical staff who give injections under an order (RN, LPN, MA).
    clinical_staff: list[str] = Field(default_factory=list)
    #: Regex capturing billed units of 96372 written in the note (group "units").
    billed_96372_pattern: str | None = None

    @field_validator("date_of_service_patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            compiled = re.compile(pattern)
            if "date" not in compiled.groupindex:
                raise ValueError(f"pattern {pattern!r} has no (?P<date>...) group")
        return value


NoteType = Literal[
    "office_visit",
    "ed",
    "operative_procedure",
    "discharge_summary",
    "consult_hp",
    "nursing_mar",
    "telehealth",
    "letter_other",
]
#: Where and when an administration happened (``this_encounter`` is the only one billed here).
SettingName = Literal[
    "this_encounter", "within_procedure", "inpatient", "elsewhere_or_earlier", "order_only"
]
NoteStatus = Literal["ready", "gaps", "other_service", "no_injection", "error"]


class NoteTypeRule(_Strict):
    """How a note of one type announces itself: its title near the top, or a section header.

    ``header`` patterns are searched in the first ``header_chars`` of the note, ``body`` patterns
    anywhere; the earliest header match wins, then the earliest body match. ``bundles`` marks
    wording (an operative report, an anesthesia record, an endoscopy report) whose drugs are part
    of the procedure unless a sentence says otherwise.
    """

    id: NoteType
    header: list[str] = Field(default_factory=list)
    body: list[str] = Field(default_factory=list)
    bundles: list[str] = Field(default_factory=list)
    source: str

    @model_validator(mode="after")
    def _patterns(self) -> NoteTypeRule:
        _compiles([*self.header, *self.body, *self.bundles])
        return self


class SettingCue(_Strict):
    """Wording in a drug's sentence that places its administration (the nearest cue wins)."""

    setting: SettingName
    patterns: list[str]
    #: Why a dose in this setting is not a 96372 at this encounter (the NOT_ADMINISTERED reason).
    reason: str | None = None

    @model_validator(mode="after")
    def _patterns(self) -> SettingCue:
        _compiles(self.patterns)
        return self


class SectionSetting(_Strict):
    """A section header whose block (to the next blank line or header) places its drugs."""

    setting: SettingName
    header: str
    #: ``block``: to the next blank line or template label. ``list``: a lead-in at the end of
    #: its line ("RN may give ONE of the following:", "Orders placed:") covers the lines under
    #: it that are indented deeper or, under a lead-in that is no list item itself, open with
    #: a list marker ("a)", "-", "2."): its options or items, not the visit's record after them.
    extent: Literal["block", "list"] = "block"

    @model_validator(mode="after")
    def _patterns(self) -> SectionSetting:
        _compiles([self.header])
        return self


class SettingsTable(_Strict):
    """Note types, administration settings and note-level "nothing was given" wording."""

    version: str
    header_chars: int = Field(default=400, gt=0)
    #: Characters either side of a drug mention, within its clause, where a setting cue counts.
    cue_window: int = Field(default=60, gt=0)
    #: A sentence opening with one of these ("There she received ...", "While there, ...")
    #: happened where the sentence before it says (a regex matched at the sentence's start).
    back_reference: str = r"(?!)"
    #: A sentence opening with one of these up to its first comma ("According to the report from
    #: the referring facility, ..., she was given ..."): the opening, when it names another place
    #: or an earlier time, frames the whole sentence (a regex matched at the sentence's start,
    #: ending at the comma).
    framing_opener: str = r"(?!)"
    #: A date written in a given drug's own clause ("received RhoGAM 300 mcg IM at 28 weeks
    #: (02/12/2026)"): earlier than the note's own date of service, the dose was given then.
    clause_date: str = r"(?!)"
    #: Words right before such a date that date something else ("LMP 02/01/2026", "exp").
    clause_date_not_dose: str = r"(?!)"
    #: A date without its year right after a word of giving ("given 10/08 by the ACT nurse"):
    #: read as the latest such day on or before the date of service (group "date").
    clause_short_date: str = r"(?!)"
    #: A clause that says its dose is today's is not dated by another date in it.
    clause_today: str = r"(?!)"
    #: A clause that dates its dose by an earlier clause of its sentence ("On day 1 (08/05/2025)
    #: she received methotrexate ...; she was given Rho(D) immune globulin IM the same day").
    clause_same_day: str = r"(?!)"
    #: A line that opens one encounter of several exported together ("[06/09/2025 Nurse Visit
    #: J. Ferrante RN]"), with a named group ``date``. When the note holds two or more of them
    #: with different dates and one of them is the date of service, the doses of the parts
    #: dated earlier were given then, not at the encounter reviewed.
    encounter_header: str = r"(?!)"
    #: A row of an exported table that dates its own encounter in one of its first cells
    #: ('"E-77120","2024-09-02","MILLBROOK URGENT CARE",...'): an encounter like a header's.
    encounter_row: str = r"(?!)"
    #: A sentence or line that opens one visit of several dictated together, by a date said with
    #: its month's name ("second visit April twenty ninth colon ...", "May 2nd: ..."): named
    #: groups ``month`` (a month's name or its abbreviation) and ``day`` (digits or words).
    #: The visits dated otherwise than the date of service are not the encounter reviewed.
    spoken_encounter_header: str = r"(?!)"
    #: The date of service written without its year in the note's header ("DOS 04/29"), with
    #: named groups ``month`` and ``day``; read in the first ``patient_header_chars``.
    short_date_of_service: str = r"(?!)"
    #: A fax cover or reply to a records request over the documents it sends ("ADDITIONAL
    #: DOCUMENTATION REQUEST", "Enclosed: ..."): its "RE:" line makes no letter of the packet;
    #: the note type is the documents'.
    transmittal_cover: str = r"(?!)"
    default_note_type: NoteType = "office_visit"
    note_types: list[NoteTypeRule]
    #: The setting of a given drug with no cue of its own, by note type (absent: this encounter).
    note_type_settings: dict[NoteType, SettingName] = Field(default_factory=dict)
    #: Wording that the text was copied forward from an earlier note ("[carried forward from
    #: 04/22/2025 encounter]"): the doses on its line, or under it when it heads a block, were
    #: given then.
    copied_forward: str = r"(?!)"
    #: A line that closes a copied block ("[end copied text]"): what follows is this visit's.
    copied_forward_end: str = r"(?!)"
    #: A product named in a "not given" sentence though the drug table does not know it
    #: ("Meningococcal vaccination was discussed ...; not given"): the statement is about
    #: that product, not the whole note.
    named_product: str = r"(?!)"
    #: In these note types (a letter to the referring doctor), a drug in the note's procedure
    #: or administration section with no cue of its own was given at the visit the letter
    #: reports ("PROCEDURE: testosterone cypionate 200 mg was administered IM ...").
    administration_section_here: list[NoteType] = Field(default_factory=list)
    #: In these note types (a telehealth visit), a drug said given ("Administered by MA: ...")
    #: was given at this encounter when the note says the patient is on site with staff
    #: (``on_site``: "Patient on site at Dunmore clinic with MA").
    on_site_types: list[NoteType] = Field(default_factory=list)
    on_site: str = r"(?!)"
    cues: list[SettingCue]
    #: In these note types (a consult or H&P), wording that the patient is in hospital makes the
    #: note's doses inpatient unless a cue places them: the consultant bills no 96372 for them.
    inpatient_words: list[str] = Field(default_factory=list)
    inpatient_note_types: list[NoteType] = Field(default_factory=list)
    #: In these note types (an operative or procedure report), a drug given with no route and no
    #: site and nothing in its clause placing it at this encounter ("Heparin 5000 units was
    #: given.", "Versed and fentanyl were given") is part of the procedure.
    unrouted_within_procedure: list[NoteType] = Field(default_factory=list)
    #: In these note types (an operative or procedure report), an IV dose with nothing in its
    #: clause placing it at this encounter (heparin during a catheterization, sedation for a
    #: scope) is part of the procedure, not an IV push of its own.
    iv_within_procedure: list[NoteType] = Field(default_factory=list)
    #: In these note types (no title, a consult or H&P), wording of a hospital stay or an
    #: emergency department course anywhere in the note makes an IV dose with nothing in its
    #: clause placing it here an inpatient dose ("started on IV levofloxacin", "received Lasix
    #: 40 mg IV"): an office bills no IV push from a hospital narrative. SC/IM doses are not
    #: moved (an office B12 shot in a note that mentions a past admission stays this visit's).
    iv_hospital_words: list[str] = Field(default_factory=list)
    iv_hospital_note_types: list[NoteType] = Field(default_factory=list)
    #: ... not when the header names an outpatient place (urgent care, infusion clinic, office),
    #: nor for wording followed by a past date ("hospitalized in 2022") or on a history line.
    iv_hospital_not_header: str = r"(?!)"
    iv_hospital_past: str = r"(?!)"
    iv_hospital_history_line: str = r"(?!)"
    #: Drugs usually given by another route (IV in hospital, by mouth, rectally): a dose "given"
    #: with no route, no site and no injection wording in its sentences ("He was given valium
    #: 5 mg", "was given some Zofran") is not documented as an injection. ``bare_not_injection``:
    #: drugs for which this holds only when no dose is written either ("given Rocephin").
    routeless_not_injection: list[str] = Field(default_factory=list)
    #: An exam finding that uses "injected" for redness ("Conjunctivae are injected", "pharynx
    #: mildly injected"): a sentence saying so records no injection.
    exam_injected: str = r"(?!)"
    bare_not_injection: list[str] = Field(default_factory=list)
    #: Words that, besides the advisory table's ``injection_words``, make such a drug's sentence
    #: injection wording ("subq", "thigh").
    routeless_injection_words: list[str] = Field(default_factory=list)
    routeless_reason: str = "no route, site or injection wording: not documented as an injection"
    #: In these note types (an ED note), a dose its own clause records as given here ("given in
    #: the ED at 19:20") is this encounter's, though "in the ED" reads as history elsewhere.
    here_when_cued: list[NoteType] = Field(default_factory=list)
    #: A sentence naming no drug that records every listed dose as given ("Both tolerated.",
    #: "All injections given by RN"): a drug written with its dose and route, no other wording
    #: against it, was given.
    all_given: list[str] = Field(default_factory=list)
    #: ... when the note narrates an operation or sedated procedure (not only a "Procedure:"
    #: label, which office injection notes also carry).
    procedure_narrative: list[str] = Field(default_factory=list)
    #: Wording of an operation (an incision, an arthroscopy, general anesthesia) in a note that
    #: bundles its drugs: a joint or nerve injection in it is part of the operation.
    operation_words: list[str] = Field(default_factory=list)
    #: A line naming the note's procedure ("PROCEDURE: ..."), matched at the line's start: a
    #: route that names the act (a nerve block) on it, or on the note's first line, is how the
    #: note's injected drugs were given.
    act_title_line: str = r"(?!)"
    #: A line ending in a colon that says the list under it was given ("P: migraine cocktail given
    #: in clinic 16:20 by RN:", "Administered this visit:"): each drug of the list right under it
    #: (no blank line between), with its dose or route and an SC/IM route, was given there
    #: (matched on the line without its colon; ``given_lead_in_not``: wording that makes it a
    #: plan or an order, "to be given:", "will give:").
    given_lead_in: str = r"(?!)"
    #: Right after a drug, words that make it an allergen named ("Penicillin allergy: none",
    #: "sulfa allergic"), not a drug that another sentence's route or site may describe.
    allergen_after: str = r"(?!)"
    #: Right after a drug, words that make it a laboratory value ("B12 level drawn today",
    #: "vancomycin trough"): a test, never an administration.
    lab_after: str = r"(?!)"
    #: Right before a drug, words that make it a laboratory value ("total testosterone of 212").
    lab_before: str = r"(?!)"
    #: Around a route, wording that names an injection the note already told ("she tolerated
    #: the subcutaneous injection well", "her IM shot"): ``told_injection_before`` right before
    #: the route, ``told_injection_after`` from the route's start ("sub cute injection").
    told_injection_before: str = r"(?!)"
    told_injection_after: str = r"(?!)"
    given_lead_in_not: str = r"(?!)"
    #: A filled-in form field naming who gave the dose ("Administered by: T. Okonkwo-Bell, MA";
    #: not "Administered by: ___"): on such a form, the drug of its medication field line, with
    #: an SC/IM route, was given, whatever else the form left blank.
    given_by_field: str = r"(?!)"
    #: Wording that tells an injection of its own ("we also gave a shot of", "a second
    #: injection", "another shot"): its sentence's dose, route and site describe it, never the
    #: drug of another sentence (an unnamed drug when its own is not heard).
    another_injection: str = r"(?!)"
    #: An act whose object is a pronoun ("I'm going to give this sub Q in the back of your arm",
    #: "she'll inject it in the left thigh"): its sentence's route and site describe the drug
    #: named before, when the note names one drug.
    pronoun_act: str = r"(?!)"
    #: The words that name an injection itself ("injection", "shot", "inj"): after an oral
    #: drug in its sentence ("vomited oral amoxicillin x3 -> injection given 710 mg IM"), what
    #: follows them is the injection's.
    injection_nouns: str = r"(?!)"
    #: A line of an interface message that records an administration (HL7 v2 RXA and RXR
    #: segments): its route and site describe the drug named on the lines before it, like a
    #: template's fields.
    record_segment: str = r"(?!)"
    #: The line naming the note's operation ("PROCEDURE PERFORMED: ..."); when it names no
    #: injection (``operation_title_injection``), the note's injections are part of it.
    operation_title: str = r"(?!)"
    operation_title_injection: str = r"(?!)"
    #: In the header, wording that the consult is outpatient (then ``inpatient_words`` is history).
    not_inpatient_header: str = r"(?!)"
    sections: list[SectionSetting] = Field(default_factory=list)
    #: A sentence naming no drug that says nothing was given at this visit.
    nothing_given: list[str] = Field(default_factory=list)
    nothing_given_reason: str = "the note says no injection was given at this visit"
    #: Wording in the sentence that puts such a statement in the past ("Declined the injection
    #: last month; agreeable today", "Previously refused shots") or makes it a fact about a
    #: product ("is never given intravenously"): not about this visit.
    nothing_given_past: str = r"(?!)"
    #: The same for SC/IM injections only ("No IM meds given" after a joint injection).
    nothing_sc_im_given: list[str] = Field(default_factory=list)
    #: Drug-class words where a drug should be named ("steroid shot", "LAI", "the 3-month shot"):
    #: the injection is unnamed (DRUG_MISSING), never lent to another drug of the note.
    class_words: list[str] = Field(default_factory=list)
    #: Drug ids whose name is read as a class word when given by one of these routes
    #: ("allergy shot ... IM" is a steroid, not allergen immunotherapy, which is SC).
    class_word_drugs: dict[str, list[str]] = Field(default_factory=dict)
    class_word_reason: str = "the injection names only a drug class"
    #: A sentence naming no drug that plans the injection for later ("Return Friday for the
    #: injection", "order placed"): a drug written only as dose, route and site was not given.
    future_injection: list[str] = Field(default_factory=list)
    future_injection_reason: str = "the note plans the injection for a later visit"
    #: A dose named with the visit's day ("in for Prolia 60 mg SC today") that a later sentence
    #: says was held or not given.
    held_reason: str = "the note says the dose was held or not given"
    #: Plan and order wording does not place a drug whose own clause records it as done
    #: ("B12 given today, next injection in 4 weeks").
    order_only_unless_done: bool = True
    #: Headers that start an addendum or correction (to the end of the note): its route replaces
    #: the earlier statements of the same administration (the latest statement wins).
    addendum_headers: list[str] = Field(default_factory=list)
    #: Wording just after a route in an addendum that retracts it ("the SC above was entered in
    #: error").
    error_words: str = r"(?!)"
    #: Wording just before a route in a correction that quotes the replaced version
    #: ("original version read 'IV'").
    retracted_before: str = r"(?!)"
    #: An addendum replaces earlier statements only when it says it corrects them; an addendum
    #: that adds a nursing record with another route is a ROUTE_CONFLICT.
    correction_words: str = r"(?!)"
    #: Template boxes: only the checked option of a field is documented.
    checked_marks: list[str] = Field(default_factory=list)
    unchecked_marks: list[str] = Field(default_factory=list)
    #: "IM: Yes  SC: No": the words after an option that check or uncheck it.
    yes_no: dict[Literal["yes", "no"], list[str]] = Field(default_factory=dict)
    #: A checked option of a "given" field that says it was not given ("[x] Not given").
    not_given_options: str = r"(?!)"
    given_field: str = r"(?!)"
    #: Lines that are not documentation (charge and order-set lines: "96372 THER/PROPH/DIAG INJ
    #: SC/IM", "J3420 VITAMIN B12 INJECTION"), or words that name no route given (a form's
    #: title "IM/SC Injection Record"): their mentions are linked to nothing.
    not_documentation_lines: list[str] = Field(default_factory=list)
    #: A lead-in at the end of its line that offers options ("RN may give ONE of the following:"):
    #: the items listed under it (:func:`cleanclaim.rules.setting._items_end`) are choices, not
    #: orders or doses, and their mentions are linked to nothing.
    option_lists: list[str] = Field(default_factory=list)
    #: What follows an amount that is food or drink, not a drug ("tolerated 240 mL electrolyte
    #: solution", "8 oz of apple juice"): a regex matched right after the amount; the amount is
    #: linked to nothing.
    not_drug_amount: str = r"(?!)"
    #: What precedes an amount of a diluent ("reconstituted with 1 mL of 1% lidocaine"): a
    #: regex that ends right before the amount; the amount is linked to nothing.
    diluent_amount_before: str = r"(?!)"
    #: What, right before an amount, makes it a measurement, not a dose ("sat ninety eight
    #: percent", "O2 sat 97%"): matched at the end of the 40 characters before it.
    measurement_before: str = r"(?!)"
    #: Wording that starts another patient's dictation in the same job ("Starting new
    #: dictation, bed five, different patient"): the drugs, doses, routes and sites after it
    #: are that patient's, never this note's (``other_patient_after_chars``: only that far into
    #: the note or later, so a dictation that opens with it keeps its own).
    other_patient: str = r"(?!)"
    other_patient_after_chars: int = Field(default=80, ge=0)
    #: The patient a note is about, named in its header ("Patient: Desmond Okafor-Lyle",
    #: "Member: MOYO-CARRICK, EVANGELINE"): a regex with a ``name`` group, searched in the
    #: first ``patient_header_chars`` characters.
    patient_header: str = r"(?!)"
    patient_header_chars: int = Field(default=400, ge=0)
    #: Where the part about one patient starts in a file that holds several (a nurse's injection
    #: log, an end-of-day dictation): regexes with a ``name`` group, the patient's name ("first
    #: Jonah Pike", "two oh five Nadia Ferreira-Cole", "Margaret Oyelowo sixty nine with ...").
    #: Read only when one such part names the header's patient and another names someone else.
    patient_segments: list[str] = Field(default_factory=list)
    #: Speech the recognizer caught from someone else between two markers ("[crosstalk] she
    #: said the Kenalog's out, order more [crosstalk]"): a regex with a ``speech`` group whose
    #: drugs, doses, routes and sites document nothing.
    background_speech: str = r"(?!)"
    #: Wording that itself says another patient's part starts ("next patient Bernard Ilunga"):
    #: a regex with a ``name`` group; a name other than the header's is enough.
    next_patient: str = r"(?!)"
    #: Wording right after a drug that says it is not an injection here: an oral or topical form
    #: ("ondansetron 4 mg ODT", "triamcinolone 0.1% cream"). Such a drug never takes the route,
    #: dose or site of another sentence's injection.
    not_injected_forms: list[str] = Field(default_factory=list)
    #: The same wording right before a drug ("the ODT ondansetron", "oral prednisone", "a
    #: ketorolac tablet" is after): matched at the end of the text before the name.
    not_injected_before: list[str] = Field(default_factory=list)
    #: Administration-record tables (pipe- or tab-separated rows under a header row naming the
    #: columns): column names by role. A row whose ``given`` cell is blank or says not done, or
    #: whose ``time`` or ``charted_by`` cell says not done ("(not charted)"), was not given. A
    #: header row names a ``record`` column (medication, dose, route, site).
    mar_columns: dict[Literal["given", "time", "charted_by", "record"], str] = Field(
        default_factory=dict
    )
    #: A cell value that says the row was not done ("(not charted)", "not documented", "held").
    mar_not_done: str = r"(?!)"
    #: Why such a row's drug is not given.
    mar_not_done_reason: str = "not charted as given in the administration record"
    #: A line opening with a template's medication field ("Medication: Ajovy 225 mg"): its drug,
    #: though not in the curated table, is the drug of the route and site fields that follow.
    #: Matched at the start of the drug's sentence (anchored there: no "^").
    medication_field_labels: str = r"(?!)"
    #: The same field dictated ("medication colon olan za peen"): the label and the colon said
    #: as a word right before the drug, which speech recognition ends the line before.
    medication_field_spoken: str = r"(?!)"
    #: A template's route, site or dose field line ("Route: IM"): it describes the drug line
    #: above it, whether or not the curated table holds that drug. Matched at the start of the
    #: field's sentence, like ``medication_field_labels``.
    attribute_field_labels: str = r"(?!)"
    #: The same field label said aloud right before its value, in a dictated template with no
    #: punctuation ("administration record colon route I M comma site left thigh"): searched
    #: in the words right before the value.
    attribute_field_said: str = r"(?!)"
    #: Wording right before a joint site that makes it the injection's target ("injected into
    #: the right knee joint"): the site names the joint-injection procedure.
    procedure_site_before: str = r"(?!)"
    #: A sentence opening with a medication-list or prescription label ("Meds: sertraline"):
    #: its drugs never take another sentence's injection.
    medication_list_labels: str = r"(?!)"

    @model_validator(mode="after")
    def _reasons(self) -> SettingsTable:
        _compiles([*self.nothing_given, *self.nothing_sc_im_given, *self.inpatient_words])
        _compiles([self.not_inpatient_header])
        _compiles(self.class_words)
        _compiles(self.procedure_narrative)
        _compiles([*self.operation_words, self.operation_title, self.operation_title_injection])
        _compiles(
            [
                self.act_title_line,
                self.given_lead_in,
                self.given_lead_in_not,
                self.given_by_field,
                self.another_injection,
                self.pronoun_act,
                self.injection_nouns,
                self.record_segment,
                self.allergen_after,
                self.lab_after,
                self.lab_before,
                self.told_injection_before,
                self.told_injection_after,
                self.named_product,
                self.copied_forward,
                self.copied_forward_end,
            ]
        )
        _compiles([self.exam_injected])
        _compiles(self.all_given)
        _compiles(self.future_injection)
        _compiles(
            [*self.addendum_headers, self.error_words, self.correction_words, self.retracted_before]
        )
        _compiles(
            [
                *self.not_documentation_lines,
                *self.option_lists,
                self.not_drug_amount,
                self.diluent_amount_before,
                self.measurement_before,
                self.not_given_options,
                self.given_field,
                self.other_patient,
            ]
        )
        _compiles(
            [
                *self.not_injected_forms,
                *self.not_injected_before,
                self.medication_list_labels,
                self.back_reference,
                self.framing_opener,
                self.clause_date,
                self.clause_date_not_dose,
                self.clause_short_date,
                self.clause_today,
                self.clause_same_day,
                self.encounter_header,
                self.encounter_row,
                self.on_site,
            ]
        )
        _with_groups([self.background_speech], {"speech"})
        _with_groups([self.patient_header, self.next_patient, *self.patient_segments], {"name"})
        _compiles([self.transmittal_cover])
        _with_groups([self.spoken_encounter_header, self.short_date_of_service], {"month", "day"})
        for name in ("encounter_header", "encounter_row"):
            value = getattr(self, name)
            if value != r"(?!)" and "(?P<date>" not in value:
                raise ValueError(f"{name} needs a named group 'date'")
        _compiles(
            [
                self.procedure_site_before,
                self.medication_field_labels,
                self.medication_field_spoken,
                self.attribute_field_labels,
                self.attribute_field_said,
            ]
        )
        _compiles([*self.mar_columns.values(), self.mar_not_done])
        for cue in self.cues:
            if cue.setting != "this_encounter" and not cue.reason:
                raise ValueError(f"cue for {cue.setting!r} needs a reason")
        return self


class ServiceRefinement(_Strict):
    """A finer service code of a family, and the wording its note must show.

    The rule applies when the note's service code is one of ``families`` and its text matches
    every ``all`` pattern, at least one ``any`` pattern (when given) and no ``none`` pattern, the
    names of the drugs given at this encounter match no ``none_given`` pattern (a vaccine only in
    the history does not count), and the patient's age (when ``max_age`` is set) is at most
    ``max_age``. The first rule that applies wins.
    """

    families: list[str] = Field(min_length=1)
    code: str = Field(pattern=r"^(?:[0-9]{5}|[A-Z][0-9]{4})$")
    description: str
    must_show: str
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)
    none_given: list[str] = Field(default_factory=list)
    max_age: int | None = Field(default=None, ge=0)
    source: str

    @model_validator(mode="after")
    def _patterns(self) -> ServiceRefinement:
        _compiles([*self.all, *self.any, *self.none, *self.none_given])
        return self


class ServiceTable(_Strict):
    """Finer service codes (joint size and ultrasound, trigger-point muscles, nerve blocks,
    epidurals, intralesional lesions, vaccine administration) and how age is read.
    """

    version: str
    #: Regexes with a group ``age`` (years) read in order; the first match is the age.
    age_patterns: list[str] = Field(default_factory=list)
    #: Wording that says the patient is a child (under one year, a well-child visit).
    child_words: list[str] = Field(default_factory=list)
    refinements: list[ServiceRefinement] = Field(default_factory=list)

    @model_validator(mode="after")
    def _patterns(self) -> ServiceTable:
        _compiles([*self.age_patterns, *self.child_words])
        for pattern in self.age_patterns:
            if "age" not in re.compile(pattern).groupindex:
                raise ValueError(f"age pattern {pattern!r} has no (?P<age>...) group")
        return self


def merge_payer_rules(base: PayerTable, extra: PayerTable) -> PayerTable:
    """A practice's payer rules on top of the packaged ones.

    The practice's settings replace the packaged settings; its rows are added, and a row for the
    same drug or code replaces the packaged row.
    """

    def rows(old: list[Any], new: list[Any], key: str) -> list[Any]:
        replaced = {getattr(r, key) for r in new}
        return [r for r in old if getattr(r, key) not in replaced] + list(new)

    return PayerTable(
        version=f"{base.version}+{extra.version}",
        payer=extra.payer,
        single_dose_drugs=rows(base.single_dose_drugs, extra.single_dose_drugs, "drug"),
        sad_drugs=rows(base.sad_drugs, extra.sad_drugs, "drug"),
        mue=rows(base.mue, extra.mue, "hcpcs"),
        frequency=rows(base.frequency, extra.frequency, "drug"),
        date_of_service_patterns=base.date_of_service_patterns + extra.date_of_service_patterns,
        clinical_staff=list(dict.fromkeys(base.clinical_staff + extra.clinical_staff)),
        billed_96372_pattern=extra.billed_96372_pattern or base.billed_96372_pattern,
    )


def load_payer_rules(path: Any) -> PayerTable:
    """Read a practice's payer-rules JSON file (same schema as ``payer.json``), validated.

    Raises:
        ResourceError: naming the file, the entry and the key that is wrong.

    """
    from pathlib import Path

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as err:
        raise ResourceError(f"cannot read payer rules {file.name!r}: {err.strerror}") from None
    return load_table(PayerTable, file.name, text)


def word_pattern(words: list[str]) -> re.Pattern[str]:
    """One case-insensitive pattern for whole occurrences of any of ``words``."""
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)", re.I)


@cache
def blocking_codes() -> tuple[str, ...]:
    """The blocking gap codes of the packaged gap table (its ``severity`` says which)."""
    return gap_templates().blocking_codes


#: Every table by name: its model and file. Pipeline components hold them under these names.
TABLES: dict[str, tuple[type[BaseModel], str]] = {
    "drugs": (DrugTable, "drugs.json"),
    "diagnoses": (DiagnosisTable, "diagnoses.json"),
    "routes": (RouteTable, "routes.json"),
    "sites": (SiteTable, "sites.json"),
    "doses": (DoseTable, "doses.json"),
    "context": (ContextTable, "context_rules.json"),
    "sections": (SectionTable, "sections.json"),
    "fields": (TemplateFieldTable, "template_fields.json"),
    "gaps": (GapTable, "gaps.json"),
    "advisory": (AdvisoryTable, "advisory.json"),
    "payer": (PayerTable, "payer.json"),
    "dictation": (DictationTable, "dictation.json"),
    "settings": (SettingsTable, "settings.json"),
    "services": (ServiceTable, "services.json"),
}


@cache
def table(name: str) -> Any:
    """The packaged table ``name`` (a key of :data:`TABLES`), validated once per process."""
    model, fname = TABLES[name]
    return load_table(model, fname)


def packaged_tables() -> dict[str, Any]:
    """Every packaged table by name (validated, cached per process)."""
    return {name: table(name) for name in TABLES}


# The packaged tables by their own names, typed.
drugs: Callable[[], DrugTable] = partial(table, "drugs")
diagnoses: Callable[[], DiagnosisTable] = partial(table, "diagnoses")
routes: Callable[[], RouteTable] = partial(table, "routes")
sites: Callable[[], SiteTable] = partial(table, "sites")
doses: Callable[[], DoseTable] = partial(table, "doses")
context_rules: Callable[[], ContextTable] = partial(table, "context")
sections: Callable[[], SectionTable] = partial(table, "sections")
template_fields: Callable[[], TemplateFieldTable] = partial(table, "fields")
gap_templates: Callable[[], GapTable] = partial(table, "gaps")
advisory: Callable[[], AdvisoryTable] = partial(table, "advisory")
payer: Callable[[], PayerTable] = partial(table, "payer")
dictation: Callable[[], DictationTable] = partial(table, "dictation")
settings: Callable[[], SettingsTable] = partial(table, "settings")
services: Callable[[], ServiceTable] = partial(table, "services")


def pipeline_tables(nlp: Any) -> dict[str, Any]:
    """Every table the components of a loaded pipeline hold (the pipeline owns its rule data)."""
    out: dict[str, Any] = {}
    for _, pipe in nlp.pipeline:
        out.update(getattr(pipe, "tables", None) or {})
    missing = sorted(set(TABLES) - set(out))
    if missing:
        raise ResourceError(f"the pipeline holds no table {missing}: build it with cleanclaim")
    return out


def rules_version(tables: dict[str, Any] | None = None) -> str:
    """The version of a set of rule tables: their declared versions and a hash of their content.

    Any edit to any table (a new route word, a reworded query) changes the hash, so records and
    model files say exactly which rules produced them.
    """
    tables = tables if tables is not None else packaged_tables()
    digest = hashlib.sha256()
    for name in sorted(tables):
        data = tables[name].model_dump(mode="json", by_alias=True)
        digest.update(name.encode() + b"\0" + json.dumps(data, sort_keys=True).encode() + b"\0")
    declared = "+".join(sorted({t.version for t in tables.values()}))
    return f"{declared}.{digest.hexdigest()[:12]}"

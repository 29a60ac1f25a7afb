"""Codes: HCPCS J-codes and units for drugs, ICD-10-CM for diagnoses, the service code family."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .. import resources as res
from ..pipeline.extensions import ext, span_text
from . import doses as dose_parser
from .linking import DraftAdministration, Mention, records_administration
from .vocabulary import RuleVocabulary


@dataclass(frozen=True)
class CodedAdministration:
    """A draft administration with its codes decided."""

    draft: DraftAdministration
    drug: res.DrugEntry | None
    name: str | None
    kind: str  # "injection" (96372 family), "vaccine", "antineoplastic", "procedure", "immunotherapy", "not_injection"
    route_code: str | None
    service_code: str | None
    dose: dose_parser.Amount | None
    dose_text: str | None
    hcpcs: str | None
    units: int | None
    units_undetermined: bool
    #: The table row the HCPCS code came from (its descriptor, unit, source and dates).
    code_rule: res.CodeRule | None = None
    #: The dose is only the product's strength ("dexamethasone 4 mg/mL injection"), read as
    #: one syringe or mL; no amount given is written.
    dose_is_strength: bool = False
    #: The only amounts written are per weight or area ("enoxaparin 1 mg/kg SC" with no
    #: "= 80 mg"): a rate, from which the amount given cannot be read.
    dose_is_rate: bool = False
    #: For a drug the table names only with a salt or form ("testosterone"): those entries.
    family: tuple[res.DrugEntry, ...] = ()

    @property
    def counts_as_96372(self) -> bool:
        """A given SC/IM (or route-undocumented) drug injection."""
        return self.draft.given and self.kind == "injection"


class Coder:
    """Decide codes from the drug, route and site tables."""

    def __init__(
        self,
        drugs: res.DrugTable,
        routes: res.RouteTable,
        sites: res.SiteTable,
        doses: res.DoseTable,
        vocab: RuleVocabulary,
    ) -> None:
        """Index the tables."""
        self.vocab = vocab
        self.dose_units = dose_parser.DoseReader(doses)
        self.drugs = {d.id: d for d in drugs.drugs}
        self.routes = {r.code: r for r in routes.routes}
        self.sites = {s.id: s for s in sites.sites}
        unknown = sorted(set(sites.joint_drugs) - set(self.drugs))
        if unknown:
            raise ValueError(f"sites.json joint_drugs names drugs not in drugs.json: {unknown}")
        self.joint_drugs = frozenset(sites.joint_drugs)

    def code(
        self, draft: DraftAdministration, cancer: bool, day: date | None = None
    ) -> CodedAdministration:
        """Code one administration; ``cancer`` says whether a cancer diagnosis is documented.

        ``day`` is the date of service: the drug's code is the first of its code rules valid
        on that day whose product, diagnosis and dose conditions hold (None: today's codes).
        """
        drug = self.drugs.get(draft.drug_id or "")
        first = draft.first
        name = (
            drug.name if drug else (first.norm.replace("_", " ") if first and first.norm else None)
        )
        route_code = self._route(draft)
        entry = self.routes.get(route_code or "")
        if entry is not None and entry.otherwise and drug is not None:
            if drug.drug_class not in entry.only_classes:
                route_code = entry.otherwise
        kind, service = self._kind(drug, route_code, draft, cancer)
        amount, dose_text, concentration, strength_only, rate_only = _dose(draft, self.dose_units)
        conc = concentration or (drug.standard_concentration if drug else None)
        rule = choose_rule(drug, _product_text(draft), cancer, amount, conc, day) if drug else None
        hcpcs = rule.hcpcs if rule else None
        unclassified = drug is None or drug.bill_unclassified
        if kind == "injection" and draft.given and hcpcs is None and unclassified and name:
            hcpcs = "J3490"
        units = None
        undetermined = False
        if rule is not None and not draft.patient_supplied:
            if rule.per_administration:
                units = 1
            elif rule.billing_unit is not None and amount is not None:
                units = rule_units(rule, amount, conc)
                undetermined = units is None
        if draft.patient_supplied:
            hcpcs = None
            rule = None
        return CodedAdministration(
            draft=draft,
            drug=drug,
            name=name,
            kind=kind,
            route_code=route_code,
            service_code=service,
            dose=amount,
            dose_text=dose_text,
            hcpcs=hcpcs,
            units=units,
            units_undetermined=undetermined,
            code_rule=rule,
            dose_is_strength=strength_only,
            dose_is_rate=rate_only,
            family=self._family(draft.drug_id) if drug is None else (),
        )

    def _family(self, drug_id: str | None) -> tuple[res.DrugEntry, ...]:
        """The table's entries named ``drug_id`` plus a salt or form ("testosterone" →
        testosterone_cypionate, testosterone_enanthate, ...).
        """
        if not drug_id:
            return ()
        prefix = drug_id + "_"
        return tuple(d for key, d in self.drugs.items() if key.startswith(prefix))

    def _route(self, draft: DraftAdministration) -> str | None:
        codes = draft.route_codes
        if len(codes) > 1:
            # the administration record says what was done, an order what was asked for: the
            # service follows the record (the disagreement stays a ROUTE_CONFLICT)
            # two records that disagree: an SC/IM record makes it a 96372 with a conflict
            recorded = [
                m.norm for m in draft.routes if m.norm in codes and records_administration(m)
            ]
            if recorded:
                sc_im = [c for c in recorded if self.vocab.families.get(c or "") == "sc_im"]
                return (sc_im or recorded)[0]
            ordered = {m.norm for m in draft.routes if m.hypothetical}
            done = [m.norm for m in draft.routes if m.norm in codes and not m.hypothetical]
            if ordered and done and done[0] not in ordered:
                return done[0]
        if codes:
            return codes[0]
        if (
            draft.drug_id is not None
            and draft.drug_id not in self.drugs
            and not _injection_wording(draft, self.vocab)
        ):
            # a dictionary drug (aspirin, warfarin) near a joint named elsewhere ("pain in the
            # shoulder") is not a joint injection: a site implies no route for it
            return None
        if draft.drug_id is not None and draft.drug_id not in self.joint_drugs:
            return None  # "ceftriaxone 500 mg given in the R hip": an IM site said loosely
        for site in draft.sites:
            entry = self.sites.get(site.norm or "")
            if entry is not None and entry.implies_route:
                return entry.implies_route
        return None

    def _kind(
        self,
        drug: res.DrugEntry | None,
        route_code: str | None,
        draft: DraftAdministration,
        cancer: bool,
    ) -> tuple[str, str | None]:
        if route_code in self.vocab.non_injection:
            return "not_injection", None
        if (
            drug is None
            and draft.drug_id is not None
            and route_code is None
            and not _injection_wording(draft, self.vocab)
        ):
            # A dictionary drug with no route and no injection word next to it ("folic acid cont").
            return "not_injection", None
        if (
            drug is not None
            and drug.hydration_fluid
            and (route_code is None or self.vocab.families.get(route_code) == "iv")
            and "hydration" in self.vocab.classes
        ):
            # a liter or a bolus of saline given on its own (linking makes no other fluid draft)
            hydration = self.vocab.classes["hydration"]
            return hydration.kind, hydration.service_code
        billed = self.vocab.classes.get(drug.drug_class) if drug else None
        sc_im_or_none = route_code is None or self.vocab.families.get(route_code) == "sc_im"
        if billed is not None and (sc_im_or_none or not billed.sc_im_only):
            # Leuprolide is antineoplastic only for cancer (not for endometriosis).
            exempt = billed.only_with_cancer and not cancer and drug.antineoplastic_when_cancer
            if not exempt:
                return billed.kind, billed.service_code
        if route_code is None or (route_code in self.routes and self.routes[route_code].sc_im):
            return "injection", "96372"
        route = self.routes.get(route_code)
        service = route.service_code if route else None
        if route_code == "INTRA_ARTICULAR":
            for site in draft.sites:
                entry = self.sites.get(site.norm or "")
                if entry is not None and entry.service_code:
                    service = entry.service_code
                    break
        return "procedure", service


def _product_text(draft: DraftAdministration) -> str:
    """The sentences of the drug's mentions, lowercased: where a product or brand is named."""
    seen: dict[int, str] = {}
    for m in draft.drug_mentions:
        sent = m.span.sent
        if sent.start not in seen:  # a sentence's text once: many mentions share a long one
            seen[sent.start] = span_text(sent).lower()
    return " ".join(seen.values())


def _as(
    amount: dose_parser.Amount | None,
    unit: str,
    concentration: dose_parser.Amount | res.Concentration | None,
    equivalents: dict[str, float],
) -> float | None:
    """``amount`` in ``unit`` (through the concentration for a volume, or a unit equivalence)."""
    if amount is None:
        return None
    value, have = amount.value, amount.unit
    if have == "mL" and unit != "mL":
        if concentration is None:
            return None
        per = getattr(concentration, "per_ml", 1.0) or 1.0
        conc_value = getattr(concentration, "value", None) or concentration.amount
        value, have = value * conc_value / per, concentration.unit
    if have in equivalents and have != unit:
        value, have = value * equivalents[have], unit
    if unit == "mL" and have != "mL":
        # "Methocarbamol 1000 mg" billed per 10 mL: the volume through the strength.
        if concentration is None:
            return None
        per = getattr(concentration, "per_ml", 1.0) or 1.0
        conc_value = getattr(concentration, "value", None) or concentration.amount
        mass = dose_parser._convert(value, have, concentration.unit)
        return None if mass is None else mass / conc_value * per
    return dose_parser._convert(value, have, unit)


def rule_units(
    rule: res.CodeRule,
    amount: dose_parser.Amount,
    concentration: dose_parser.Amount | res.Concentration | None,
) -> int | None:
    """Billing units of ``amount`` under ``rule`` (None when they cannot be converted)."""
    if rule.billing_unit is None:
        return 1
    converted = _as(amount, rule.billing_unit.unit, concentration, rule.unit_equivalents)
    if converted is None:
        return None
    return dose_parser.billing_units(
        dose_parser.Amount(converted, rule.billing_unit.unit), rule.billing_unit
    )


def choose_rule(
    drug: res.DrugEntry,
    product_text: str,
    cancer: bool,
    amount: dose_parser.Amount | None,
    concentration: dose_parser.Amount | res.Concentration | None,
    day: date | None,
) -> res.CodeRule | None:
    """The first code rule of ``drug`` valid on ``day`` whose conditions hold; None when none do
    (a dose-dependent code with no dose written, a date before any code existed).
    """
    for rule in drug.code_rules:
        if not rule.valid_on(day):
            continue
        if rule.products and not any(
            re.search(r"(?<!\w)" + re.escape(p) + r"(?!\w)", product_text) for p in rule.products
        ):
            continue
        if rule.cancer is not None and rule.cancer != cancer:
            continue
        if not _dose_holds(rule, amount, concentration):
            continue
        return rule
    return None


def _dose_holds(
    rule: res.CodeRule,
    amount: dose_parser.Amount | None,
    concentration: dose_parser.Amount | res.Concentration | None,
) -> bool:
    eq = rule.unit_equivalents
    if rule.dose_max is not None:
        value = _as(amount, rule.dose_max.unit, concentration, eq)
        if value is None or value > rule.dose_max.amount + 1e-9:
            return False
    if rule.dose_over is not None:
        value = _as(amount, rule.dose_over.unit, concentration, eq)
        if value is None or value <= rule.dose_over.amount + 1e-9:
            return False
    if rule.dose_multiple_of is not None:
        value = _as(amount, rule.dose_multiple_of.unit, concentration, eq)
        if value is None:
            return False
        ratio = value / rule.dose_multiple_of.amount
        if ratio < 1 or abs(ratio - round(ratio)) > 1e-6:
            return False
    return True


def _injection_wording(draft: DraftAdministration, vocab: RuleVocabulary, window: int = 3) -> bool:
    """An injection word within a few tokens of a drug mention ("haloperidol 5 mg injection")."""
    for m in draft.drug_mentions:
        doc = m.span.doc
        near = doc[max(m.span.start - window, 0) : min(m.span.end + window + 2, len(doc))]
        if vocab.injection_words.search(span_text(near)):
            return True
    return False


def _dose(
    draft: DraftAdministration, reader: dose_parser.DoseReader
) -> tuple[dose_parser.Amount | None, str | None, dose_parser.Amount | None, bool, bool]:
    """The amount given (a mass or units beats a volume), its text, any documented
    concentration, whether the amount is only that strength (no amount written), and whether
    only a per-weight rate is written (no amount given: None).
    """
    amounts: list[tuple[Mention, dose_parser.Amount]] = []
    concentration = None
    for m in draft.doses:
        parsed = reader.parse(ext(m.span, "cc_read") or m.span.text)
        if parsed is None:
            continue
        if parsed.is_concentration:
            concentration = concentration or parsed
        else:
            amounts.append((m, parsed))
    if not amounts:
        if concentration is not None:
            # "Prolia 60 mg/1 mL PFS", "B12 1000 mcg/mL IM": with no other amount written, the
            # strength of the single syringe or mL is the dose given.
            amount = dose_parser.Amount(concentration.value, concentration.unit)
            return amount, str(amount), concentration, True, False
        return None, (draft.doses[0].span.text if draft.doses else None), None, False, False
    # "0.15 mg/kg = 3.6 mg IV push": the per-weight amount is a rate, not the dose given
    per_weight = reader.per_weight
    absolute = [a for a in amounts if not per_weight(a[0])]
    if not absolute:
        return None, amounts[0][0].span.text, concentration, False, True
    non_volume = [a for a in absolute if a[1].unit != "mL"]
    mention, amount = (non_volume or absolute)[0]
    return amount, mention.span.text, concentration, False, False


class ServiceRefiner:
    """Finer service codes of a family from the note's wording (the services table)."""

    def __init__(self, table: res.ServiceTable) -> None:
        """Compile the refinement rules and the age patterns."""
        flags = re.I | re.M

        def compiled(patterns: list[str]) -> list[re.Pattern[str]]:
            return [re.compile(p, flags) for p in patterns]

        self.ages = compiled(table.age_patterns)
        self.child = compiled(table.child_words)
        self.rules = [
            (r, compiled(r.all), compiled(r.any), compiled(r.none), compiled(r.none_given))
            for r in table.refinements
        ]
        self.families = frozenset(f for r in table.refinements for f in r.families)

    def age(self, text: str) -> int | None:
        """The patient's age in years, when the note states it (a child's wording: 0)."""
        for pattern in self.ages:
            found = pattern.search(text)
            if found:
                return int(found.group("age"))
        return 0 if any(p.search(text) for p in self.child) else None

    def refine(self, code: str | None, text: str, given: str = "") -> str | None:
        """The first finer code whose wording the note shows, else ``code`` (``given``: the
        names of the drugs given at this encounter, one per line).
        """
        if code is None or code not in self.families:
            return code
        age: int | None = -1
        for rule, all_, any_, none, none_given in self.rules:
            if code not in rule.families:
                continue
            if not all(p.search(text) for p in all_):
                continue
            if any_ and not any(p.search(text) for p in any_):
                continue
            if any(p.search(text) for p in none) or any(p.search(given) for p in none_given):
                continue
            if rule.max_age is not None:
                if age == -1:
                    age = self.age(text)
                if age is None or age > rule.max_age:
                    continue
            return rule.code
        return code

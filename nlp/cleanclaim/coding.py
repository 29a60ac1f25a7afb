"""Codes: HCPCS J-codes and units for drugs, ICD-10-CM for diagnoses, the service code family."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import simple_icd_10_cm as icd

from . import doses as dose_parser
from . import resources as res
from .linking import NON_INJECTION_ROUTES, DraftAdministration, Mention


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

    @property
    def counts_as_96372(self) -> bool:
        """A given SC/IM (or route-undocumented) drug injection."""
        return self.draft.given and self.kind == "injection"


class Coder:
    """Decide codes from the drug, route and site tables."""

    def __init__(self, drugs: res.DrugTable, routes: res.RouteTable, sites: res.SiteTable) -> None:
        """Index the tables."""
        self.drugs = {d.id: d for d in drugs.drugs}
        self.routes = {r.code: r for r in routes.routes}
        self.sites = {s.id: s for s in sites.sites}

    def code(self, draft: DraftAdministration, cancer: bool) -> CodedAdministration:
        """Code one administration; ``cancer`` says whether a cancer diagnosis is documented."""
        drug = self.drugs.get(draft.drug_id or "")
        first = draft.first
        name = (
            drug.name if drug else (first.norm.replace("_", " ") if first and first.norm else None)
        )
        route_code = self._route(draft)
        kind, service = self._kind(drug, route_code, draft, cancer)
        amount, dose_text, concentration = _dose(draft)
        hcpcs = drug.hcpcs if drug else None
        if kind == "injection" and draft.given and hcpcs is None and drug is None and name:
            hcpcs = "J3490"
        units = None
        undetermined = False
        if (
            drug is not None
            and drug.hcpcs
            and drug.billing_unit
            and amount is not None
            and not draft.patient_supplied
        ):
            conc = concentration or drug.standard_concentration
            units = dose_parser.billing_units(amount, drug.billing_unit, conc)
            undetermined = units is None
        if draft.patient_supplied:
            hcpcs = None
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
        )

    def _route(self, draft: DraftAdministration) -> str | None:
        codes = draft.route_codes
        if codes:
            return codes[0]
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
        if route_code in NON_INJECTION_ROUTES:
            return "not_injection", None
        if (
            drug is None
            and draft.drug_id is not None
            and route_code is None
            and not _injection_wording(draft)
        ):
            # A dictionary drug with no route and no injection word next to it ("folic acid cont").
            return "not_injection", None
        drug_class = drug.drug_class if drug else "other"
        if drug_class == "vaccine":
            return "vaccine", "90471"
        if drug_class == "immunotherapy":
            return "immunotherapy", "95115"
        if drug_class == "antineoplastic" and route_code in (None, "IM", "SC"):
            return "antineoplastic", "96401"
        if drug_class == "hormonal_antineoplastic" and route_code in (None, "IM", "SC"):
            if cancer or not drug or not drug.antineoplastic_when_cancer:
                return "antineoplastic", "96402"
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


def _injection_wording(draft: DraftAdministration, window: int = 3) -> bool:
    """An injection word within a few tokens of a drug mention ("haloperidol 5 mg injection")."""
    for m in draft.drug_mentions:
        doc = m.span.doc
        near = doc[max(m.span.start - window, 0) : min(m.span.end + window + 2, len(doc))]
        if res.injection_words().search(near.text):
            return True
    return False


def _dose(
    draft: DraftAdministration,
) -> tuple[dose_parser.Amount | None, str | None, dose_parser.Amount | None]:
    """The amount given (a mass or units beats a volume) and any documented concentration."""
    amounts: list[tuple[Mention, dose_parser.Amount]] = []
    concentration = None
    for m in draft.doses:
        parsed = dose_parser.parse(m.span.text)
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
            return amount, str(amount), concentration
        return None, (draft.doses[0].span.text if draft.doses else None), None
    non_volume = [a for a in amounts if a[1].unit != "mL"]
    mention, amount = (non_volume or amounts)[0]
    return amount, mention.span.text, concentration


@lru_cache(maxsize=4096)
def icd_description(code: str) -> str | None:
    """The ICD-10-CM description of ``code``, or None when it is not a valid code."""
    try:
        return icd.get_description(code) if icd.is_valid_item(code) else None
    except ValueError:
        return None


def supports(code: str | None, drug: res.DrugEntry | None) -> bool:
    """Whether a diagnosis code establishes medical necessity for the drug."""
    if drug is None or not drug.indications:
        return code is not None
    if code is None:
        return False
    return any(
        code == p or code.startswith(p if len(p) == 1 else p.rstrip(".")) for p in drug.indications
    )


def is_cancer(code: str | None) -> bool:
    """Malignant neoplasm codes (C00-C96) and neoplasm-related status that keep chemo codes."""
    return bool(code) and code[0] == "C"

"""The review record: small frozen dataclasses whose ``to_dict()`` is the review contract."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

#: The fields of the review contract (review-contract.md); records may add others, never drop these.
CONTRACT_FIELDS = (
    "id",
    "claim_ready",
    "probability",
    "service_code",
    "injections",
    "gaps",
    "entities",
    "administrations",
    "diagnoses",
    "icd10",
)

#: Pydantic reads this from each record class (the service derives its OpenAPI schema from
#: them): every field is always present in ``to_dict()``, so the published schema requires all.
_SCHEMA_CONFIG: dict[str, Any] = {"json_schema_serialization_defaults_required": True}


_FIELDS: dict[type, tuple[str, ...]] = {}
_SCALARS = (str, int, float, bool, type(None))


def asdict(obj: Any) -> Any:
    """``dataclasses.asdict``, faster: field names cached per class, scalars not deep-copied."""
    cls = type(obj)
    if cls in _SCALARS:
        return obj
    if cls is tuple or cls is list:
        return cls([asdict(v) for v in obj])
    names = _FIELDS.get(cls)
    if names is None:
        if not hasattr(cls, "__dataclass_fields__"):
            if cls is dict:
                return {asdict(k): asdict(v) for k, v in obj.items()}
            return copy.deepcopy(obj)
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return {name: asdict(getattr(obj, name)) for name in names}


@dataclass(frozen=True)
class Evidence:
    """A stretch of the note that supports a finding."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _SCHEMA_CONFIG

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Gap:
    """A documentation gap: what is missing, where, why it matters and what to ask."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _SCHEMA_CONFIG

    code: str
    severity: str
    message: str
    evidence: tuple[Evidence, ...]
    query: str
    rules: tuple[str, ...] = ()
    carc: tuple[str, ...] = ()
    administration: int | None = None

    @property
    def blocking(self) -> bool:
        """Whether this gap makes the claim not ready."""
        return self.severity == "blocking"


@dataclass(frozen=True)
class Entity:
    """A DRUG, DOSE, ROUTE, SITE or DIAGNOSIS mention with its ConText flags."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _SCHEMA_CONFIG

    label: str
    text: str
    start: int
    end: int
    negated: bool
    historical: bool
    hypothetical: bool
    family: bool
    uncertain: bool
    section: str | None
    rule: str | None
    norm: str | None = None
    modifiers: tuple[str, ...] = ()
    #: For a mention read from dictated or misrecognized words: its canonical form and how it
    #: was read (``number_words``, ``usual_unit``, ``spoken_route``, ``letters``, ``joined``,
    #: ``phonetic``, ``fuzzy``, ``spoken_side``, ``ocr``).
    normalized: str | None = None
    how: str | None = None


@dataclass(frozen=True)
class Administration:
    """One drug administration assembled from its mentions."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _SCHEMA_CONFIG

    drug: str | None
    dose: str | None
    route: str | None
    site: str | None
    given: bool
    hcpcs: str | None
    units: int | None
    drug_id: str | None = None
    drug_class: str | None = None
    route_code: str | None = None
    service_code: str | None = None
    counts_as_96372: bool = False
    patient_supplied: bool = False
    not_given_reason: str | None = None
    evidence: tuple[Evidence, ...] = ()
    #: Where and when it was given: ``this_encounter``, ``within_procedure`` (bundled into the
    #: procedure), ``inpatient``, ``elsewhere_or_earlier``, ``order_only``; None when unknown
    #: (declined, listed).
    setting: str | None = None


@dataclass(frozen=True)
class ClaimLine:
    """One line a coder would enter for the note: a code, its units and modifiers, and why."""

    code: str
    units: int
    modifiers: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    description: str | None = None
    #: The administration the line bills (index into the coded administrations), if any.
    administration: int | None = None

    @property
    def label(self) -> str:
        """The compact form used in flat output: ``J1885-JZx2``."""
        mods = "".join(f"-{m}" for m in self.modifiers)
        return f"{self.code}{mods}x{self.units}"


@dataclass(frozen=True)
class Diagnosis:
    """A patient diagnosis with its ICD-10-CM code and whether it supports the injection."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _SCHEMA_CONFIG

    text: str
    start: int
    end: int
    icd10: str | None
    supports: bool
    description: str | None = None
    historical: bool = False


@dataclass(frozen=True)
class Explanation:
    """One feature that moved the classifier's probability, with the note text behind it."""

    feature: str
    value: float
    contribution: float
    direction: str  # "ready" or "not_ready"
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        data = asdict(self)
        data["evidence"] = list(data["evidence"])
        return data


@dataclass(frozen=True)
class Review:
    """The review of one note: the contract record."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _SCHEMA_CONFIG

    id: str | None
    claim_ready: bool | None
    probability: float | None
    service_code: str | None
    injections: int | None
    gaps: tuple[Gap, ...] = ()
    entities: tuple[Entity, ...] = ()
    administrations: tuple[Administration, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    icd10: tuple[str, ...] = ()
    error: str | None = None
    decision: str | None = None
    rules_version: str | None = None
    model_version: str | None = None
    explanation: tuple[Explanation, ...] = field(default_factory=tuple)
    #: The suggested claim lines (96372 x n, each drug's HCPCS and units, JW/JZ, E/M with 25).
    claim_lines: tuple[ClaimLine, ...] = ()
    #: The date of service the codes are valid on (ISO), read from the note or given.
    date_of_service: str | None = None
    #: The kind of note: office_visit, ed, operative_procedure, discharge_summary, consult_hp,
    #: nursing_mar, telehealth, letter_other; with the text that says so.
    note_type: str | None = None
    note_type_evidence: tuple[Evidence, ...] = ()
    #: For worklists: ready, gaps (a 96372 injection here with blocking gaps), other_service
    #: (something else was given: vaccine, IV, joint, a drug within a procedure), no_injection
    #: (nothing given at this encounter), error.
    status: str | None = None

    @property
    def blocking_gaps(self) -> tuple[Gap, ...]:
        """The gaps that make the claim not ready."""
        return tuple(g for g in self.gaps if g.blocking)

    @property
    def gap_codes(self) -> tuple[str, ...]:
        """The distinct gap codes, in order of first appearance."""
        return tuple(dict.fromkeys(g.code for g in self.gaps))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready contract record."""
        data = asdict(self)
        for key in (
            "gaps",
            "entities",
            "administrations",
            "diagnoses",
            "icd10",
            "explanation",
            "claim_lines",
            "note_type_evidence",
        ):
            data[key] = list(data[key])
        for gap in data["gaps"]:
            gap["evidence"] = list(gap["evidence"])
            gap["rules"] = list(gap["rules"])
            gap["carc"] = list(gap["carc"])
        for ent in data["entities"]:
            ent["modifiers"] = list(ent["modifiers"])
        for adm in data["administrations"]:
            adm["evidence"] = list(adm["evidence"])
        for item in data["explanation"]:
            item["evidence"] = list(item["evidence"])
        for line in data["claim_lines"]:
            line["modifiers"] = list(line["modifiers"])
            line["evidence"] = list(line["evidence"])
        return data

    @classmethod
    def failed(cls, note_id: str | None, error: str) -> Review:
        """A record for a note that could not be reviewed: an error and no decision."""
        return cls(
            id=note_id,
            claim_ready=None,
            probability=None,
            service_code=None,
            injections=None,
            error=error,
            status="error",
        )

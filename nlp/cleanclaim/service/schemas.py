"""Request and response bodies of the HTTP API (the response mirrors the review contract)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class NoteIn(BaseModel):
    """One note to review."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "visit-0412",
                    "text": "Assessment: pernicious anemia.\nPlan: cyanocobalamin 1000 mcg IM "
                    "to the left deltoid, given by RN.",
                }
            ]
        }
    )

    id: str | None = Field(
        None, max_length=256, description="Your id for the note; echoed in the record."
    )
    text: str = Field(
        description="The note text (UTF-8, at most `max_chars` characters, see /v1/info)."
    )


class BatchIn(BaseModel):
    """Several notes to review in one request (at most `max_batch`, see /v1/info)."""

    notes: list[NoteIn]


class EvidenceOut(BaseModel):
    """A stretch of the note, by character offsets."""

    start: int
    end: int
    text: str


class GapOut(BaseModel):
    """A documentation gap and the query to send the provider."""

    model_config = ConfigDict(extra="allow")

    code: str
    severity: str
    message: str
    evidence: list[EvidenceOut]
    query: str


class EntityOut(BaseModel):
    """A DRUG, DOSE, ROUTE, SITE or DIAGNOSIS mention with its ConText flags."""

    model_config = ConfigDict(extra="allow")

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


class AdministrationOut(BaseModel):
    """One drug administration with its HCPCS code and units."""

    model_config = ConfigDict(extra="allow")

    drug: str | None
    dose: str | None
    route: str | None
    site: str | None
    given: bool
    hcpcs: str | None
    units: int | None


class DiagnosisOut(BaseModel):
    """A documented diagnosis with its ICD-10-CM code."""

    model_config = ConfigDict(extra="allow")

    text: str
    start: int
    end: int
    icd10: str | None
    supports: bool


class ReviewOut(BaseModel):
    """The review contract record (docs/review-contract.md); extra fields may be present."""

    model_config = ConfigDict(extra="allow")

    id: str | None
    claim_ready: bool | None
    probability: float | None
    service_code: str | None
    injections: int | None
    gaps: list[GapOut]
    entities: list[EntityOut]
    administrations: list[AdministrationOut]
    diagnoses: list[DiagnosisOut]
    icd10: list[str]
    error: str | None = None


class BatchOut(BaseModel):
    """One record per input note, in input order; a note that could not be reviewed has `error`."""

    results: list[ReviewOut]


class ErrorOut(BaseModel):
    """An error: a message that never contains note text, and the request id."""

    detail: str
    request_id: str | None = None
    errors: list[dict[str, object]] | None = None

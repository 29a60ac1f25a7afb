"""The OpenAPI document says what the service enforces, and its record schema is the record's."""

from __future__ import annotations

import dataclasses
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

import cleanclaim
from cleanclaim.result import Review
from cleanclaim.service import Limits, create_app
from cleanclaim.service.schemas import TEXT_PATTERN, note_problem

from .conftest import CLEAN_NOTE, KETOROLAC_NOTE, ROUTE_MISSING_NOTE

jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture(scope="module")
def spec(client):
    return client.get("/openapi.json").json()


def component_validator(spec, name):
    """A validator for one component schema, its $refs resolved within the document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("note", [ROUTE_MISSING_NOTE, KETOROLAC_NOTE, CLEAN_NOTE])
def test_published_record_schema_validates_real_records(spec, reviewer, note):
    record = reviewer.review(note, "visit-7").to_dict()
    assert record["gaps"] or record["administrations"]  # a record with content, not a blank one
    component_validator(spec, "Review").validate(record)


def test_published_record_schema_validates_a_model_record_and_an_error_record(spec):
    model_reviewer = cleanclaim.Reviewer(model="default")
    if model_reviewer.model is None:
        pytest.skip("the shipped model is not installed")
    record = model_reviewer.review(ROUTE_MISSING_NOTE).to_dict()
    assert record["probability"] is not None and record["model_version"] and record["explanation"]
    validator = component_validator(spec, "Review")
    validator.validate(record)
    validator.validate(Review.failed("n1", "note is empty").to_dict())


def test_published_record_schema_rejects_what_is_not_a_record(spec, reviewer):
    validator = component_validator(spec, "Review")
    record = reviewer.review(ROUTE_MISSING_NOTE).to_dict()
    for broken in (
        {**record, "claim_ready": "yes"},
        {k: v for k, v in record.items() if k != "gaps"},
        {**record, "gaps": [{**record["gaps"][0], "evidence": None}]},
    ):
        assert not validator.is_valid(broken)


def test_record_schema_comes_from_the_result_dataclasses(spec):
    schemas = spec["components"]["schemas"]
    for name in ("Review", "Gap", "Evidence", "Entity", "Administration", "Diagnosis"):
        cls = getattr(cleanclaim.result, name)
        fields = {f.name for f in dataclasses.fields(cls)}
        assert set(schemas[name]["properties"]) == fields, name
        assert set(schemas[name]["required"]) == fields, name  # to_dict() always has them all
    assert {"ReviewOut", "GapOut", "EntityOut"}.isdisjoint(schemas)  # no hand-made mirror


def test_request_schema_states_the_limits(spec):
    schemas = spec["components"]["schemas"]
    text = schemas["NoteIn"]["properties"]["text"]
    assert (text["minLength"], text["maxLength"]) == (1, cleanclaim.MAX_CHARS)
    assert text["pattern"] == TEXT_PATTERN
    notes = schemas["BatchIn"]["properties"]["notes"]
    assert (notes["minItems"], notes["maxItems"]) == (1, 100)


def test_schema_follows_configured_limits(reviewer):
    app = create_app(reviewer, limits=Limits(workers=1, max_batch=7, max_chars=5000))
    schemas = app.openapi()["components"]["schemas"]
    assert schemas["NoteIn"]["properties"]["text"]["maxLength"] == 5000
    assert schemas["BatchIn"]["properties"]["notes"]["maxItems"] == 7


def test_every_status_code_is_documented_with_the_error_schema(spec):
    review = spec["paths"]["/v1/review"]["post"]["responses"]
    batch = spec["paths"]["/v1/review/batch"]["post"]["responses"]
    assert set(review) == {"200", "413", "415", "422", "500", "503", "504"}
    assert set(batch) == {"200", "413", "415", "422", "500", "503"}
    for code in ("413", "415", "422", "500", "503"):
        for answers in (review, batch):
            schema = answers[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}
            assert answers[code]["headers"]["X-Request-ID"]["required"] is True
    assert review["503"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert review["504"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    health = spec["paths"]["/healthz"]["get"]["responses"]
    assert health["503"]["content"]["application/json"]["schema"]["$ref"].endswith("/HealthOut")


def test_api_key_is_declared_only_when_required(reviewer, spec):
    assert "securitySchemes" not in spec["components"]
    assert "security" not in spec["paths"]["/v1/review"]["post"]
    keyed = create_app(reviewer, api_key="k", limits=Limits(workers=1)).openapi()
    schemes = keyed["components"]["securitySchemes"]
    assert schemes["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schemes["APIKeyHeader"]["description"],
    }
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    for path, method in (("/v1/review", "post"), ("/v1/review/batch", "post"), ("/v1/info", "get")):
        operation = keyed["paths"][path][method]
        assert operation["security"] == [{"APIKeyHeader": []}, {"HTTPBearer": []}]
        assert "401" in operation["responses"]
    assert "security" not in keyed["paths"]["/healthz"]["get"]


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list(" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u2028\u3000\ufeff\x00ab")
        ),
        max_size=8,
    )
)
def test_text_pattern_is_the_services_rule(text):
    """The published pattern accepts exactly the notes the service reviews (short of length)."""
    assert (re.search(TEXT_PATTERN, text) is not None) == (note_problem(text) is None)


def test_text_pattern_is_linear_on_long_hostile_input():
    # Catastrophic backtracking would take minutes here; a linear pattern takes milliseconds.
    for text in ("a" * 200_000 + "\x00", " " * 200_000, " " * 199_999 + "\x00"):
        assert re.search(TEXT_PATTERN, text) is None


def test_info_matches_its_schema(client, spec):
    body = client.get("/v1/info").json()
    component_validator(spec, "InfoOut").validate(body)
    assert body["limits"]["note_timeout"] == 20.0


def test_docs_work_offline(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=["']?([^"' >]+)""", page.text)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    assert "'validatorUrl': null" in page.text or '"validatorUrl": null' in page.text
    for asset in assets:
        resp = client.get(asset)
        assert resp.status_code == 200 and len(resp.content) > 1000, asset
    assert client.get("/redoc").status_code == 404  # ReDoc would fetch its logo from a CDN


def test_schema_is_valid_openapi(spec):
    validator = jsonschema.Draft202012Validator
    for schema in spec["components"]["schemas"].values():
        validator.check_schema(schema)
    assert spec["openapi"].startswith("3.1")


def test_responses_are_checked_against_the_published_schema(reviewer):
    """A record that does not match its schema is never sent: the worker refuses it."""

    class BrokenReviewer:
        rules_version = "test"
        model = None

        def review(self, text, note_id=None):
            good = reviewer.review(text, note_id)
            return type(good)(**{**good.__dict__, "injections": "two"})

    app = create_app(BrokenReviewer(), limits=Limits(workers=1, queue_size=1))
    with TestClient(app) as c:
        resp = c.post("/v1/review", json={"text": KETOROLAC_NOTE})
        batch = c.post("/v1/review/batch", json={"notes": [{"text": KETOROLAC_NOTE}]})
    assert resp.status_code == 500 and "two" not in resp.text
    assert batch.status_code == 200
    assert batch.json()["results"][0]["error"] == "review failed: RecordSchemaError"

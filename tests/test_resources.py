"""Rule tables load, validate, and name the file, entry and key when wrong."""

from __future__ import annotations

import json

import pytest
import simple_icd_10_cm as icd

from cleanclaim import resources as res


def test_every_packaged_table_loads():
    for loader in (
        res.drugs,
        res.diagnoses,
        res.routes,
        res.sites,
        res.context_rules,
        res.sections,
        res.doses,
        res.template_fields,
        res.gap_templates,
        res.advisory,
    ):
        assert loader().version


def test_every_diagnosis_code_is_valid_icd10cm():
    bad = [d.id for d in res.diagnoses().diagnoses if not icd.is_valid_item(d.icd10)]
    assert bad == []


def test_every_indication_prefix_is_valid_icd10cm():
    bad = [
        (d.id, p)
        for d in res.drugs().drugs
        for p in d.indications
        if len(p) > 1 and not icd.is_valid_item(p)
    ]
    assert bad == []


#: The contract's blocking codes (review-contract.md): "These are the only blocking codes".
CONTRACT_BLOCKING = {
    "NOT_ADMINISTERED",
    "DRUG_MISSING",
    "DOSE_MISSING",
    "ROUTE_MISSING",
    "ROUTE_NOT_SC_IM",
    "ROUTE_CONFLICT",
    "DX_MISSING",
    "DX_NOT_SUPPORTED",
    "VACCINE",
    "ANTINEOPLASTIC",
}


def test_blocking_codes_come_from_the_gap_table_and_match_the_contract():
    table = res.gap_templates().gaps
    assert set(res.blocking_codes()) == CONTRACT_BLOCKING
    assert all(table[c].severity == "blocking" for c in res.blocking_codes())
    assert table["SITE_MISSING"].severity == "advisory"


def test_unknown_key_is_rejected_with_file_entry_and_key():
    data = json.loads(
        json.dumps(
            {
                "version": "x",
                "drugs": [
                    {
                        "id": "b12",
                        "name": "b12",
                        "synonyms": ["b12"],
                        "class": "other",
                        "source": "test row",
                        "colour": "red",
                    }
                ],
            }
        )
    )
    with pytest.raises(res.ResourceError) as err:
        res.load_table(res.DrugTable, "drugs.json", json.dumps(data))
    message = str(err.value)
    assert "drugs.json" in message and "'b12'" in message and "colour" in message


def test_invalid_json_names_the_file():
    with pytest.raises(res.ResourceError, match="routes.json"):
        res.load_table(res.RouteTable, "routes.json", "{not json")


def test_section_rule_with_unknown_category_is_rejected():
    bad = {
        "version": "x",
        "categories": {"plan": {"kind": "plan"}},
        "rules": [{"category": "meds", "literal": "Meds:"}],
    }
    with pytest.raises(res.ResourceError, match="unknown category 'meds'"):
        res.load_table(res.SectionTable, "sections.json", json.dumps(bad))


def test_every_drug_row_names_its_source():
    """A drug row without a source (of its code, or of why it has none) is refused on load."""
    table = res.drugs()
    assert all(len(d.source) >= 3 for d in table.drugs)
    assert all(len(c.source) >= 3 for d in table.drugs for c in d.codes)
    row = {"id": "b12", "name": "b12", "synonyms": ["b12"], "class": "other", "hcpcs": "J3420"}
    with pytest.raises(res.ResourceError, match="source"):
        res.load_table(res.DrugTable, "drugs.json", json.dumps({"version": "x", "drugs": [row]}))


def test_a_route_read_otherwise_must_name_a_route_of_the_table():
    table = res.load_table(res.RouteTable, "routes.json")
    data = table.model_dump(by_alias=True)
    for route in data["routes"]:
        if route["code"] == "INTRADERMAL":
            route["otherwise"] = "INTRALESIONNAL"
    with pytest.raises(res.ResourceError, match="otherwise names no route"):
        res.load_table(res.RouteTable, "routes.json", json.dumps(data))

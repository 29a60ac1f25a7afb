"""The package's shape: data flows one way, and the pipeline owns its rule data."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import spacy

import cleanclaim
from cleanclaim import resources as res
from cleanclaim.reviewer import Reviewer

PACKAGE = Path(cleanclaim.__file__).parent

#: The stages in data-flow order (note → Doc → administrations → gaps → decision → record, then
#: the interfaces). A module may import from its own stage or an earlier one, never a later one.
STAGES: list[tuple[str, ...]] = [
    ("cleanclaim.result", "cleanclaim.resources", "cleanclaim._version", "cleanclaim._startup"),
    ("cleanclaim.pipeline",),
    ("cleanclaim.rules.vocabulary",),
    ("cleanclaim.rules.linking",),
    (
        "cleanclaim.rules.diagnoses",
        "cleanclaim.rules.doses",
        "cleanclaim.rules.dates",
        "cleanclaim.rules.setting",
    ),
    ("cleanclaim.rules.coding",),
    ("cleanclaim.rules.gaps",),
    ("cleanclaim.rules.claims",),
    ("cleanclaim.rules.decide", "cleanclaim.rules"),
    ("cleanclaim.classifier.corpus", "cleanclaim.classifier.metrics"),
    ("cleanclaim.classifier.features", "cleanclaim.classifier.model", "cleanclaim.classifier"),
    ("cleanclaim.reviewer", "cleanclaim.render"),
    (
        "cleanclaim.classifier.training",
        "cleanclaim.classifier.evaluation",
        "cleanclaim.classifier.convert",
    ),
    ("cleanclaim.batch", "cleanclaim.service"),
    ("cleanclaim.cli", "cleanclaim"),
]


def _stage(module: str) -> int:
    best, best_len = None, -1
    for i, names in enumerate(STAGES):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best_len:
                best, best_len = i, len(name)
    assert best is not None, f"{module} belongs to no stage: add it to STAGES"
    return best


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every cleanclaim module ``path`` imports, at any depth (lazy imports count too)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("cleanclaim"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("cleanclaim"):
                continue
            # "from . import resources" names a module, "from .result import Review" a symbol
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                out.add(candidate if _exists(candidate) else target)
    return out


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


def test_no_module_imports_from_a_later_stage():
    backwards = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for imported in _imports(path):
            if _stage(imported) > _stage(module):
                backwards.append(f"{module} -> {imported}")
    assert backwards == []


def test_every_vocabulary_table_is_owned_by_a_pipeline_component(nlp):
    held = res.pipeline_tables(nlp)
    assert set(held) == set(res.TABLES)
    assert res.rules_version(held) == res.rules_version()


def test_rules_version_changes_when_any_table_changes():
    base = res.packaged_tables()
    seen = {res.rules_version(base)}
    for name, table in base.items():
        edited = table.model_copy(update={"version": table.version + ".edited"})
        seen.add(res.rules_version({**base, name: edited}))
    assert len(seen) == len(base) + 1


NOTE = (
    "Nurse visit. Dx: pernicious anemia.\n"
    "Cyanocobalamin 1000 mcg given zzmuscle into the L deltoid by T. Marsh, LPN. Tolerated well."
)


@pytest.fixture(scope="module")
def edited_pipeline(tmp_path_factory):
    """The default pipeline saved to disk, with three tables edited in the saved copy."""
    from cleanclaim.pipeline import build

    folder = tmp_path_factory.mktemp("edited") / "pipe"
    build().to_disk(folder)
    routes_file = folder / "cleanclaim_targets" / "routes.json"
    routes = json.loads(routes_file.read_text(encoding="utf-8"))
    im = next(r for r in routes["routes"] if r["code"] == "IM")
    im["phrases"].append("zzmuscle")
    routes_file.write_text(json.dumps(routes), encoding="utf-8")
    drugs_file = folder / "cleanclaim_targets" / "drugs.json"
    drugs = json.loads(drugs_file.read_text(encoding="utf-8"))
    b12 = next(d for d in drugs["drugs"] if d["id"] == "cyanocobalamin")
    b12["hcpcs"] = "J9999"
    drugs_file.write_text(json.dumps(drugs), encoding="utf-8")
    gaps_file = folder / "cleanclaim_rules" / "gaps.json"
    gaps = json.loads(gaps_file.read_text(encoding="utf-8"))
    gaps["gaps"]["ADMINISTERED_BY_MISSING"]["message"] = "Edited wording for {drug}."
    gaps["gaps"]["SITE_MISSING"]["message"] = "Edited site wording for {drug}."
    gaps_file.write_text(json.dumps(gaps), encoding="utf-8")
    return spacy.load(folder)


def test_a_saved_and_edited_pipeline_extracts_and_codes_with_its_own_tables(
    edited_pipeline, reviewer
):
    default = reviewer.review(NOTE)
    assert (
        default.administrations[0].route is None
    )  # "zzmuscle" means nothing to the packaged rules

    edited = Reviewer(nlp=edited_pipeline).review(NOTE)
    adm = edited.administrations[0]
    assert adm.route == "IM"  # the edited route table extracts the new word
    assert adm.hcpcs == "J9999"  # the edited drug table codes it
    assert edited.claim_ready is True
    assert edited.rules_version != default.rules_version


def test_a_saved_and_edited_pipeline_words_gaps_with_its_own_table(edited_pipeline):
    note = "Dx: pernicious anemia. Cyanocobalamin 1000 mcg IM given today, tolerated well."
    gaps = {g.code: g for g in Reviewer(nlp=edited_pipeline).review(note).gaps}
    assert gaps["SITE_MISSING"].message == "Edited site wording for cyanocobalamin."


def test_flat_columns_arrow_and_spark_schemas_agree_with_a_real_record(reviewer):
    import dataclasses

    import pyarrow as pa

    from cleanclaim.batch.io import FLAT_COLUMNS, flat_arrow_schema, flat_row
    from cleanclaim.result import Review

    record = reviewer.review(
        "Dx: pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L deltoid given by RN.", "n1"
    ).to_dict()
    failed = Review.failed("n2", "note is empty").to_dict()
    schema = flat_arrow_schema()
    assert tuple(schema.names) == FLAT_COLUMNS
    rows = [flat_row(record), flat_row(failed)]
    assert [list(r) for r in rows] == [list(FLAT_COLUMNS)] * 2
    table = pa.Table.from_pylist(rows, schema=schema)  # raises if a value has another type
    assert table.column("claim_ready").to_pylist() == [True, None]
    fields = {f.name for f in dataclasses.fields(Review)}
    assert {c for c in FLAT_COLUMNS if c in fields} == {
        "id",
        "claim_ready",
        "probability",
        "service_code",
        "injections",
        "status",
        "note_type",
        "date_of_service",
        "gaps",
        "icd10",
        "claim_lines",
        "rules_version",
        "model_version",
        "error",
    }
    assert table.column("status").to_pylist() == ["ready", "error"]
    assert table.column("note_type").to_pylist() == ["office_visit", None]
    pyspark = pytest.importorskip("pyspark")
    assert pyspark is not None
    from pyspark.sql.pandas.types import from_arrow_schema

    from cleanclaim.batch.spark import flat_schema

    assert flat_schema() == from_arrow_schema(schema)


def test_benchmark_scripts_import_what_exists():
    # benchmarks import cleanclaim inside main(); a moved module must not leave one broken
    import importlib

    root = Path(__file__).resolve().parents[1] / "benchmarks"
    missing = []
    for script in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cleanclaim"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    if not hasattr(module, alias.name):
                        try:
                            importlib.import_module(f"{node.module}.{alias.name}")
                        except ImportError:
                            missing.append(f"{script.name}: {node.module}.{alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("cleanclaim"):
                        importlib.import_module(alias.name)
    assert missing == []

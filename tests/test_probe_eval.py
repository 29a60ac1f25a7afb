"""benchmarks/probe_eval.py counts false readies by id and prints no note text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_probe_eval_lists_a_false_ready_by_id_only(tmp_path):
    ready = (
        "Nurse visit 04/02/2026. Pernicious anemia (D51.0). Cyanocobalamin 1000 mcg IM L "
        "deltoid given 09:40 by RN, tolerated."
    )
    notes = [
        {"id": "t-1", "text": ready, "claim_ready": False, "service_code": "96372"},
        {"id": "t-2", "text": ready, "claim_ready": True, "service_code": "96372"},
    ]
    path = tmp_path / "probe_t.jsonl"
    path.write_text("".join(json.dumps(n) + "\n" for n in notes), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "probe_eval.py"), str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    row = next(line for line in out.splitlines() if line.startswith("probe_t.jsonl"))
    assert row.split()[1:4] == ["2", "0.500", "1.000"]
    assert row.rstrip().endswith("1 t-1")
    assert "Cyanocobalamin" not in out

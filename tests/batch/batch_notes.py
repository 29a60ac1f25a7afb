"""Notes written for the batch tests, and input rows built from them."""

from __future__ import annotations

#: Short injection-visit notes written for these tests (ids n01..n12).
NOTES = {
    "n01": "Dx: pernicious anemia (D51.0).\nCyanocobalamin 1000 mcg IM given in the left deltoid by RN Ames. Tolerated well.",
    "n02": "Ceftriaxone 500 mg given in the right gluteal today for gonorrhea. Patient tolerated well.",
    "n03": "Depo-Provera 150 mg IM right deltoid by MA Diaz. Indication: contraception management.",
    "n04": "Follow-up visit after knee sprain. Walking better. Return in 4 weeks if not improved.",
    "n05": "Testosterone cypionate IM given in the left gluteal for hypogonadism by LPN Roy.",
    "n06": "Patient declined the B12 injection today. Will revisit next month.",
    "n07": "Ketorolac 60 mg given IM in the right gluteal for acute low back pain. Also documented as SQ in the MAR.",
    "n08": "Phone call: patient asked to move the appointment to Friday. Done.",
    "n09": "Influenza vaccine 0.5 mL IM given in the left deltoid. Lot 7781, exp 03/2027.",
    "n10": "Promethazine 25 mg IM given in the right deltoid for nausea and vomiting by RN Ames.",
    "n11": "Paperwork reviewed with the patient's daughter; forms signed and faxed.",
    "n12": "Plan: B12 1000 mcg\nRoute: ___\nSite: left deltoid\nDx: vitamin B12 deficiency. Given by RN Ames.",
}
PROVIDERS = ["Dr. Ames", "Dr. Boyd", "Dr. Chen"]


def note_rows(n: int | None = None) -> list[dict]:
    """Input rows with passthrough columns; ``n`` repeats the notes with unique ids."""
    base = list(NOTES.items())
    count = n or len(base)
    rows = []
    for i in range(count):
        nid, text = base[i % len(base)]
        rows.append(
            {
                "id": f"{nid}-{i}" if n else nid,
                "text": text,
                "provider": PROVIDERS[i % 3],
                "clinic": f"C{i % 2}",
            }
        )
    return rows

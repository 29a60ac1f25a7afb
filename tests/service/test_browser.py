"""The review page in Debian's Chromium: paste, review, see gaps and highlights, select a gap."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, KETOROLAC_NOTE, ROUTE_MISSING_NOTE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium: apt-get install chromium"
    ),
]
pytest.importorskip("playwright.sync_api", reason="needs the 'browser' extra (playwright)")
pytest.importorskip("pytest_playwright", reason="needs the 'browser' extra (pytest-playwright)")

from playwright.sync_api import expect  # noqa: E402


@pytest.fixture()
def review_page(page, live_server):
    """The review page, opened fresh; fails the test if it fetches anything from elsewhere."""
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server) else outside.append(r.url))
    page.goto(live_server + "/")
    yield page
    assert outside == [], f"the page fetched external resources: {outside}"


def test_paste_review_and_select_a_gap_highlights_its_evidence(review_page):
    page = review_page
    page.fill("#note-input", ROUTE_MISSING_NOTE)
    page.click("#review-btn")

    expect(page.locator("#decision-head")).to_have_text("Not ready")
    expect(page.locator("#probability")).to_contain_text("service 96372")
    gap = page.locator("#gaps li[data-code=ROUTE_MISSING]")
    expect(gap).to_have_count(1)
    expect(gap).to_contain_text("blocking")
    expect(gap.locator(".query")).to_contain_text("Please document the route")

    note = page.locator("#note-view")
    expect(note).to_have_text(ROUTE_MISSING_NOTE)  # the note itself, unaltered
    expect(note.locator("mark[data-label=DRUG]", has_text="cyanocobalamin")).to_have_count(1)
    expect(note.locator("mark[data-label=DOSE]", has_text="1000 mcg")).to_have_count(1)
    expect(note.locator("mark[data-label=DIAGNOSIS]", has_text="pernicious anemia")).to_have_count(
        1
    )
    vaccine = note.locator("mark[data-label=DRUG]", has_text="influenza vaccine")
    expect(vaccine).to_have_class("flagged")
    expect(vaccine).to_have_attribute("data-flags", "negated")
    expect(note.locator(".evidence")).to_have_count(0)

    gap.locator(".gap-select").click()
    expect(gap).to_have_class("blocking selected")
    evidence = note.locator(".evidence")
    expect(evidence).to_have_text(["cyanocobalamin", "left deltoid"])

    gap.locator(".gap-select").click()  # selecting again clears it
    expect(note.locator(".evidence")).to_have_count(0)

    rows = page.locator("#administrations tbody tr")
    expect(rows.first).to_contain_text("cyanocobalamin")
    expect(rows.first).to_contain_text("J3420")


def test_keyboard_only_review_and_gap_selection(review_page):
    page = review_page
    page.focus("#note-input")
    page.keyboard.insert_text(ROUTE_MISSING_NOTE)
    page.keyboard.press("Control+Enter")
    gap = page.locator("#gaps li[data-code=ROUTE_MISSING]")
    expect(gap).to_have_count(1)
    button = gap.locator(".gap-select")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#note-view .evidence").first).to_have_text("cyanocobalamin")
    page.keyboard.press(" ")
    expect(button).to_have_attribute("aria-pressed", "false")


def test_note_text_is_shown_as_text_never_as_markup(review_page):
    page = review_page
    hostile = "<img src=x onerror=\"document.title='pwned'\"><b>bold</b>\n" + ROUTE_MISSING_NOTE
    page.fill("#note-input", hostile)
    page.click("#review-btn")
    expect(page.locator("#gaps li").first).to_be_visible()
    expect(page.locator("#note-view")).to_have_text(hostile)
    expect(page.locator("#note-view img")).to_have_count(0)
    assert page.title() == "cleanclaim review"


def test_empty_note_shows_a_message_without_calling_the_api(review_page):
    page = review_page
    page.click("#review-btn")
    expect(page.locator("#error")).to_contain_text("Paste a note")


def test_api_docs_render_offline_with_the_rules(page, live_server):
    """Swagger UI comes from the installed package: it renders, fetching nothing from outside."""
    outside: list[str] = []
    local = (live_server, "data:", "blob:")
    page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    page.goto(live_server + "/docs")
    review = page.locator("#operations-review-review_v1_review_post")
    expect(review).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/v1/review/batch")).to_be_visible()
    review.locator(".opblock-summary").click()
    for code in ("200", "413", "415", "422", "503", "504"):
        expect(review.locator(f"tr.response[data-code='{code}']")).to_have_count(1)
    assert outside == [], f"the docs fetched external resources: {outside}"


def test_review_page_shows_status_note_type_and_the_suggested_claim_lines(review_page):
    page = review_page
    page.fill("#note-input", KETOROLAC_NOTE)
    page.click("#review-btn")
    expect(page.locator("#decision-head")).to_have_text("Claim ready")
    expect(page.locator("#note-status")).to_contain_text("status ready")
    lines = page.locator("#claim-lines tbody tr")
    expect(lines.first).to_contain_text("96372")
    expect(lines.nth(1)).to_contain_text("J1885")  # ketorolac per 15 mg: 60 mg is 4 units
    expect(lines.nth(1)).to_contain_text("4")
    expect(page.locator("#claim-day")).to_contain_text("date of service")

    page.fill("#note-input", "Patient declined the ketorolac injection today. Ice and rest.")
    page.click("#review-btn")
    expect(page.locator("#note-status")).to_contain_text("status no injection")
    expect(page.locator("#claim-lines tbody tr")).to_have_text(["none"])

"""What a learner does in the browser, step by step, for the end-to-end tests."""

from playwright.sync_api import Page, expect


def submit_test(page: Page, blank: int | None = None) -> None:
    """Press "Nộp bài", see the summary (with `blank` questions not answered, when given), confirm."""
    page.get_by_role("button", name="Nộp bài", exact=True).click()
    expect(page.locator("h1")).to_have_text("Trước khi nộp bài")
    if blank is not None:
        expect(page.locator("tr.is-blank")).to_have_count(blank)
    page.get_by_role("button", name="Nộp bài và kết thúc").click()

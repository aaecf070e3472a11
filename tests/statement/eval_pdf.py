"""The evaluation set's PDF: an HTML statement of the set printed to PDF by Chromium.

``python -m tests.statement.eval_pdf`` rewrites ``fixtures/eval/nl_gemeente_tabel_pdf.pdf``
from ``nl_gemeente_tabel.html``, as a browser's "save as PDF" would make it; the test of the
evaluation set also prints it afresh (when a browser is present) and checks that it reads
the same.
"""

from __future__ import annotations

from pathlib import Path

from cookieaudit.browser_discovery import find_browser, standard_switches

EVAL_DIR = Path(__file__).resolve().parent / "fixtures" / "eval"
PDF_SOURCE = EVAL_DIR / "nl_gemeente_tabel.html"
PDF_TARGET = EVAL_DIR / "nl_gemeente_tabel_pdf.pdf"


def print_pdf(html: Path, target: Path, executable: str | None = None) -> None:
    """Print a local HTML file to PDF with headless Chromium (no network: the page is self-contained).

    Async Playwright through ``run_sync``, so it also works where pytest-playwright's sync API
    already runs a loop in this thread.
    """
    from cookieaudit._aio import run_sync

    run_sync(lambda: _print(html, target, executable))


async def _print(html: Path, target: Path, executable: str | None) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable or find_browser(),
                                                   args=standard_switches())
        try:
            page = await browser.new_page()
            await page.goto(html.as_uri())
            await page.pdf(path=str(target), format="A4", print_background=False)
        finally:
            await browser.close()


if __name__ == "__main__":
    print_pdf(PDF_SOURCE, PDF_TARGET)
    print(PDF_TARGET)

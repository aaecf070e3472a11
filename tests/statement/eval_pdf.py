"""The evaluation set's PDF: an HTML statement of the set printed to PDF by Chromium.

``python -m tests.statement.eval_pdf`` rewrites ``fixtures/eval/nl_gemeente_tabel_pdf.pdf``
from ``nl_gemeente_tabel.html``, as a browser's "save as PDF" would make it; the test of the
evaluation set also prints it afresh (when a browser is present) and checks that it reads
the same.
"""

from __future__ import annotations

from pathlib import Path

from cookieaudit.browser_discovery import QUIET_CHROMIUM_ARGS, find_browser

EVAL_DIR = Path(__file__).resolve().parent / "fixtures" / "eval"
PDF_SOURCE = EVAL_DIR / "nl_gemeente_tabel.html"
PDF_TARGET = EVAL_DIR / "nl_gemeente_tabel_pdf.pdf"


def print_pdf(html: Path, target: Path, executable: str | None = None) -> None:
    """Print a local HTML file to PDF with headless Chromium (no network: the page is self-contained)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable or find_browser(),
                                             args=[*QUIET_CHROMIUM_ARGS, "--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(html.as_uri())
            page.pdf(path=str(target), format="A4", print_background=False)
        finally:
            browser.close()


if __name__ == "__main__":
    print_pdf(PDF_SOURCE, PDF_TARGET)
    print(PDF_TARGET)

"""Fetching a statement URL in Chromium, so JavaScript-rendered statements are read as
shown, with the consent banner's text taken out first."""

from __future__ import annotations

import asyncio
import re

from ..browser_discovery import find_browser, standard_switches
from ..errors import CookieauditError, InputError, StatementUnreadableError
from .document import Document
from .html_reader import read_html
from .sources_limits import MAX_FILE_BYTES
from .vocabulary import vocabulary

__all__ = ["fetch_document", "fetch_html", "fetch_page"]

SETTLE_MS = 3000  # after "load", wait this long at most for the network to go quiet
BANNER_DETECT_TIMEOUT = 2.0

# Removes fixed, sticky and dialog elements whose text reads like a consent banner.
_REMOVE_BANNERS_JS = """
(words) => {
  const lower = (s) => (s || '').toLowerCase();
  let removed = 0;
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    if (!el.isConnected) continue;
    const style = getComputedStyle(el);
    const floating = style.position === 'fixed' || style.position === 'sticky'
      || el.getAttribute('role') === 'dialog' || el.getAttribute('role') === 'alertdialog'
      || el.getAttribute('aria-modal') === 'true' || el.tagName === 'DIALOG';
    if (!floating) continue;
    const text = lower(el.innerText);
    if (!text.includes('cookie')) continue;
    const buttons = Array.from(el.querySelectorAll('button, a, [role=button], input[type=button], input[type=submit]'))
      .map((b) => lower(b.innerText || b.value));
    if (buttons.some((b) => words.some((w) => b.includes(w)))) { el.remove(); removed++; }
  }
  return removed;
}
"""


async def _remove_consent_banner(page) -> None:
    """Take the consent banner out of the page: consent_banner's detection when available,
    then any floating element that reads like one."""
    try:
        from consent_banner import async_api

        detection = await async_api.detect(page, timeout=BANNER_DETECT_TIMEOUT)
        if detection.found and detection.selector and detection.frame == "main":
            await page.evaluate("(s) => document.querySelectorAll(s).forEach((e) => e.remove())", detection.selector)
    except Exception:  # detection is a help, not a requirement: the fallback below still runs
        pass
    words = [w.lower() for w in vocabulary().banner_button_words]
    try:
        await page.evaluate(_REMOVE_BANNERS_JS, words)
    except Exception:
        pass


def _network_reason(message: str) -> str:
    found = re.search(r"net::(ERR_[A-Z_]+)", message)
    return found.group(1) if found else " ".join(message.split())[:100]


async def fetch_page(url: str, options) -> tuple[str, bytes, str]:
    """(kind, content, final URL) of a statement URL, fetched by Chromium itself: kind "html"
    (the rendered page without the consent banner) or "pdf" (the file's bytes).

    A PDF is recognised by its ``%PDF-`` header, whatever its Content-Type. Headless Chromium
    turns a PDF navigation into a download; the bytes are taken from that download, so the
    browser's own switches (--host-resolver-rules, proxy, certificates) apply to it too.
    HTTP >= 400, no answer and network errors raise StatementUnreadableError.
    """
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError
    from playwright.async_api import async_playwright

    executable = find_browser(options.browser_path)
    timeout_ms = max(1.0, float(options.timeout)) * 1000
    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch(executable_path=executable, args=standard_switches(options.browser_args),
                                                       headless=True)
        except PlaywrightError as exc:
            raise CookieauditError(f"cannot start Chromium at {executable}: {' '.join(str(exc).split())[:160]}") from None
        try:
            context = await browser.new_context(ignore_https_errors=options.insecure, locale="nl-NL", accept_downloads=True)
            page = await context.new_page()
            downloads: list = []
            downloaded = asyncio.Event()

            def on_download(download) -> None:
                downloads.append(download)
                downloaded.set()

            page.on("download", on_download)
            captured = await _capture_pdf_documents(context, page)
            response = None
            try:
                response = await page.goto(url, wait_until="load", timeout=timeout_ms)
            except PlaywrightTimeoutError:
                if not downloads and "pdf" not in captured:
                    raise StatementUnreadableError(url, f"no answer within {options.timeout:g} s") from None
            except PlaywrightError as exc:
                if "Download is starting" in str(exc) and not downloads:
                    try:
                        await asyncio.wait_for(downloaded.wait(), timeout=min(10.0, timeout_ms / 1000))
                    except asyncio.TimeoutError:
                        pass
                if not downloads and "pdf" not in captured:
                    reason = _network_reason(str(exc))
                    if "CERT" in reason or "SSL" in reason:
                        raise StatementUnreadableError(url, f"TLS error ({reason}); --insecure accepts bad certificates") from None
                    raise StatementUnreadableError(url, f"unreachable ({reason})") from None
            if "pdf" in captured:
                return "pdf", captured["pdf"], captured.get("url", url)
            if downloads:
                return "pdf", await _downloaded_pdf(url, downloads[0], timeout_ms), downloads[0].url or url
            if response is not None and response.status >= 400:
                raise StatementUnreadableError(url, f"the server answered HTTP {response.status}")
            if response is not None:
                try:
                    body = await response.body()
                except PlaywrightError:
                    body = b""
                if body[:1024].lstrip().startswith(b"%PDF-"):
                    return "pdf", body, page.url
            try:
                await page.wait_for_load_state("networkidle", timeout=min(SETTLE_MS, timeout_ms))
            except PlaywrightError:
                pass  # a page that keeps polling is read as it is
            await _remove_consent_banner(page)
            html = await page.content()
            return "html", html.encode("utf-8"), page.url
        finally:
            await browser.close()


async def _capture_pdf_documents(context, page) -> dict:
    """Watch the main frame's document responses through the DevTools Fetch domain (response
    stage): a body that starts with ``%PDF-`` is kept in the returned dict ("pdf", "url") and
    answered with an empty page, so Chromium neither shows nor downloads it. Everything else
    goes on unchanged."""
    import base64

    captured: dict = {}
    try:
        cdp = await context.new_cdp_session(page)
        tree = await cdp.send("Page.getFrameTree")
        main_frame = tree["frameTree"]["frame"]["id"]
        await cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document", "requestStage": "Response"}]})
    except Exception:  # without the Fetch domain, a PDF still arrives as a download
        return captured

    async def paused(event: dict) -> None:
        request_id = event["requestId"]
        try:
            status = event.get("responseStatusCode") or 0
            if event.get("frameId") == main_frame and 200 <= status < 300 and "pdf" not in captured:
                body = await cdp.send("Fetch.getResponseBody", {"requestId": request_id})
                head = body.get("body", "")[:4096]
                data = base64.b64decode(head + "=" * (-len(head) % 4)) if body.get("base64Encoded") else head.encode("utf-8", "replace")
                if data[:1024].lstrip().startswith(b"%PDF-"):
                    raw = body["body"]
                    captured["pdf"] = base64.b64decode(raw) if body.get("base64Encoded") else raw.encode("latin-1", "replace")
                    captured["url"] = event["request"]["url"]
                    await cdp.send("Fetch.fulfillRequest", {
                        "requestId": request_id, "responseCode": 200,
                        "responseHeaders": [{"name": "Content-Type", "value": "text/html"}],
                        "body": base64.b64encode(b"<!doctype html><title>PDF</title>").decode("ascii")})
                    return
            await cdp.send("Fetch.continueRequest", {"requestId": request_id})
        except Exception:
            try:
                await cdp.send("Fetch.continueRequest", {"requestId": request_id})
            except Exception:
                pass  # the request is gone (navigation cancelled): nothing to continue

    cdp.on("Fetch.requestPaused", lambda event: asyncio.ensure_future(paused(event)))
    return captured


async def _downloaded_pdf(url: str, download, timeout_ms: float) -> bytes:
    """The bytes of a navigation that became a download; StatementUnreadableError unless a PDF."""
    try:
        path = await asyncio.wait_for(download.path(), timeout=timeout_ms / 1000)
    except Exception as exc:  # a failed or cancelled download: the statement cannot be read
        raise StatementUnreadableError(url, f"download failed ({' '.join(str(exc).split())[:100]})") from None
    if path is None:
        raise StatementUnreadableError(url, f"download failed ({await download.failure() or 'no file'})")
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise StatementUnreadableError(url, f"file too large (more than {MAX_FILE_BYTES:,} bytes)")
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise StatementUnreadableError(url, "the address gives a file that is neither a page nor a PDF")
    return data


async def fetch_html(url: str, options) -> tuple[str, str]:
    """(rendered HTML without the consent banner, final URL) of a page."""
    kind, content, final_url = await fetch_page(url, options)
    if kind != "html":
        raise StatementUnreadableError(url, "the address gives a PDF, not a page")
    return content.decode("utf-8"), final_url


async def fetch_document(url: str, options) -> Document:
    """A URL's statement as a Document (kind ``url``; a PDF behind a URL is read as a PDF)."""
    kind, content, final_url = await fetch_page(url, options)
    if kind == "pdf":
        from .pdf_reader import read_pdf

        try:
            document = read_pdf(content, url)
        except InputError as exc:
            raise StatementUnreadableError(url, str(exc).split(": ", 1)[-1]) from None
        document.url = final_url
        return document
    return read_html(content.decode("utf-8"), source=url, url=final_url, kind="url")

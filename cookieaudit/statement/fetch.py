"""Fetching a statement URL in Chromium, so JavaScript-rendered statements are read as
shown, with the consent banner's text taken out first."""

from __future__ import annotations

import re

from ..browser_discovery import find_browser, standard_switches
from ..errors import CookieauditError, InputError, SiteUnreachableError
from .document import Document
from .html_reader import read_html
from .vocabulary import vocabulary

__all__ = ["fetch_document", "fetch_html"]

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


async def fetch_html(url: str, options) -> tuple[str, str]:
    """(rendered HTML without the consent banner, final URL) of a page."""
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
            context = await browser.new_context(ignore_https_errors=options.insecure, locale="nl-NL")
            page = await context.new_page()
            try:
                response = await page.goto(url, wait_until="load", timeout=timeout_ms)
            except PlaywrightTimeoutError:
                raise SiteUnreachableError(f"{url}: no answer within {options.timeout:g} s") from None
            except PlaywrightError as exc:
                reason = _network_reason(str(exc))
                if "CERT" in reason or "SSL" in reason:
                    raise SiteUnreachableError(f"{url}: TLS error ({reason}); --insecure accepts bad certificates") from None
                raise SiteUnreachableError(f"{url}: unreachable ({reason})") from None
            if response is not None and response.status >= 400:
                raise InputError(f"{url}: the server answered HTTP {response.status}")
            try:
                await page.wait_for_load_state("networkidle", timeout=min(SETTLE_MS, timeout_ms))
            except PlaywrightError:
                pass  # a page that keeps polling is read as it is
            await _remove_consent_banner(page)
            html = await page.content()
            return html, page.url
        finally:
            await browser.close()


async def fetch_document(url: str, options) -> Document:
    """A URL's statement as a Document (kind ``url``)."""
    html, final_url = await fetch_html(url, options)
    return read_html(html, source=url, url=final_url, kind="url")

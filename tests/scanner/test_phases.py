"""Three consent phases through the CLI: before consent, after reject, after accept.

One ``cookieaudit scan`` run (module scope) of a small site with a Dutch cookie bar feeds
the assertions on the JSON result (-o), the table output and the saved artefacts.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import datetime

import pytest

from cookieaudit.cli import main
from tests.testweb import Response, html

pytestmark = pytest.mark.browser

HOST = "www.toestemmingstad.nl"
SITE = f"https://{HOST}/"
GTAG = "https://www.googletagmanager.com/gtag/js?id=G-TOESTEM01"

# A custom bar as many municipalities have: the tracker loads only after "Accepteren".
BANNER = f"""
<div class="cookiemelding" style="position:fixed;bottom:0;left:0;right:0;z-index:9999;background:#fff;padding:1em">
  <p>Wij gebruiken cookies om de website te verbeteren. Mogen wij analytische cookies plaatsen?</p>
  <button id="ja">Accepteren</button> <button id="nee">Weigeren</button>
</div>
<script>
  const keuze = document.cookie.match(/cookie_toestemming=(ja|nee)/);
  const laad = () => {{ const s = document.createElement("script"); s.src = "{GTAG}"; document.head.append(s); }};
  if (keuze) {{ document.querySelector(".cookiemelding").remove(); if (keuze[1] === "ja") laad(); }}
  const kies = (waarde) => {{
    document.cookie = "cookie_toestemming=" + waarde + "; max-age=31536000; path=/";
    document.querySelector(".cookiemelding").remove();
    if (waarde === "ja") laad();
  }};
  document.getElementById("ja").onclick = () => kies("ja");
  document.getElementById("nee").onclick = () => kies("nee");
</script>"""


@pytest.fixture(scope="module")
def run(testweb, chromium_path, tmp_path_factory):
    """Run `cookieaudit scan --consent all` once; (exit code, stdout, JSON result, output dir)."""
    testweb.route(HOST, "/", html(f'<h1>Toestemmingstad</h1><a href="/afval">Afval</a>{BANNER}', title="Home",
                                  set_cookies=["sessie=1; Path=/; Secure; HttpOnly"]))
    testweb.route(HOST, "/afval", html(f"<h1>Afval</h1>{BANNER}", title="Afval"))
    testweb.route("www.googletagmanager.com", "/gtag/js", Response(
        'document.cookie = "_ga=GA1.1.42.42; max-age=63072000; path=/; domain=toestemmingstad.nl";',
        content_type="application/javascript"))
    out_dir = tmp_path_factory.mktemp("scan-out")
    output = out_dir / "result.json"
    stdout = io.StringIO()  # capsys is function-scoped; this fixture is module-scoped
    with contextlib.redirect_stdout(stdout), pytest.raises(SystemExit) as exited:
        main(["scan", SITE, "--insecure", "-q", "--browser-arg", testweb.browser_args[0],
              "--output-dir", str(out_dir), "-o", str(output), "--format", "table", "--report", "all"])
    return exited.value.code, stdout.getvalue(), json.loads(output.read_text()), out_dir


def _cookies(data, phase):
    return {c["name"]: c for c in data["cookies"] if c["phase"] == phase}


def test_three_phases_in_order(run):
    """--consent all (the default) runs before_consent, after_reject and after_accept, each visiting the same pages."""
    code, _, data, _ = run
    assert code == 0
    assert [p["name"] for p in data["phases"]] == ["before_consent", "after_reject", "after_accept"]
    pages = {}
    for page in data["pages"]:
        pages.setdefault(page["phase"], []).append(page["url"])
    assert pages == {name: [SITE, SITE + "afval"] for name in ("before_consent", "after_reject", "after_accept")}


def test_before_consent_leaves_the_banner_alone(run):
    """The first phase never answers: the banner is only recorded as shown; no consent cookie, no tracker cookie."""
    _, _, data, out_dir = run
    before = data["phases"][0]
    banner = before["banner"]
    assert banner["detected"] and banner["action"] is None and banner["clicks"] == 0 and before["answered_at"] is None
    assert [s["stage"] for s in banner["screenshots"]] == ["shown"]
    assert (out_dir / banner["screenshots"][0]["path"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(_cookies(data, "before_consent")) == {"sessie"}


def test_after_reject(run):
    """After 'Weigeren' the consent cookie is set and the tracker never is."""
    _, _, data, _ = run
    phase = data["phases"][1]
    banner = phase["banner"]
    assert banner["detected"] and banner["action"] == "reject" and banner["verified"], banner
    assert banner["clicks"] == 1 and banner["reject_on_first_layer"] is True
    assert phase["answered_at"] is not None
    cookies = _cookies(data, "after_reject")
    assert set(cookies) == {"sessie", "cookie_toestemming"}
    assert cookies["cookie_toestemming"]["set_by"]["kind"] == "script"


def test_after_accept_cookie_set_after_the_click(run):
    """After 'Accepteren' _ga appears, first seen after the phase's answered_at."""
    _, _, data, _ = run
    phase = data["phases"][2]
    assert phase["banner"]["action"] == "accept" and phase["banner"]["verified"]
    ga = _cookies(data, "after_accept")["_ga"]
    assert ga["set_by"]["url"] == GTAG and ga["phase"] == "after_accept"
    answered = datetime.fromisoformat(phase["answered_at"].replace("Z", "+00:00"))
    assert datetime.fromisoformat(ga["first_seen_at"].replace("Z", "+00:00")) >= answered
    requests = [g for g in data["requests"] if g["domain"] == "googletagmanager.com"]
    assert [g["phase"] for g in requests] == ["after_accept"]


def test_banner_screenshot_saved_relative_to_output_dir(run):
    """The banner screenshot is a PNG inside --output-dir, its path in the JSON relative to it."""
    _, _, data, out_dir = run
    for phase in data["phases"][1:]:
        path = phase["banner"]["screenshot"]
        assert path and not path.startswith("/")
        assert (out_dir / path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_table_output_has_phase_matrix(run):
    """The terminal report shows each cookie against the three phases (✓ stored, - not seen), at most 100 columns."""
    _, stdout, _, _ = run
    lines = stdout.splitlines()
    assert all(len(line) <= 100 for line in lines), max(lines, key=len)
    header = next(i for i, line in enumerate(lines) if line.split()[:1] == ["Cookie"])
    columns = lines[header].split()
    assert columns[-5:-2] == ["before", "reject", "accept"]
    matrix = {}
    for line in lines[header + 2:]:
        if not line.strip():
            break
        cells = line.split()
        matrix[cells[0]] = [cell for cell in cells if cell in ("✓", "✗", "-")][:3]
    assert matrix["_ga"] == ["-", "-", "✓"]
    assert matrix["cookie_toestemming"] == ["-", "✓", "✓"]
    assert matrix["sessie"] == ["✓", "✓", "✓"]
    assert any(line.startswith("Verdict: ") for line in lines)


_COUNT_RED = """async (src) => {
    const image = new Image(); image.src = src; await image.decode();
    const canvas = document.createElement('canvas'); canvas.width = image.width; canvas.height = image.height;
    const context = canvas.getContext('2d'); context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, image.width, image.height).data;
    let red = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] > 230 && data[i + 1] < 40 && data[i + 2] < 40) red++;
    return red;
}"""


def _red_pixels(chromium_path: str, images: list[bytes]) -> list[int]:
    """Pixels of the outline's red in each PNG, counted by Chromium's own decoder (a canvas).

    Its own async Playwright, not pytest-playwright's ``page``: a parametrized test would let pytest
    reorder it away from this module and scan the site a second time."""
    import base64

    from playwright.async_api import async_playwright

    from cookieaudit._aio import run_sync
    from cookieaudit.browser_discovery import standard_switches

    async def count():
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path, args=standard_switches([]))
            try:
                page = await browser.new_page()
                return [await page.evaluate(_COUNT_RED, "data:image/png;base64," + base64.b64encode(png).decode())
                        for png in images]
            finally:
                await browser.close()

    return run_sync(count)


def test_banner_evidence_shown_clicked_after(run, chromium_path):
    """Each answering phase saves the banner as shown, the clicked control outlined in red, and the page after:
    three different PNGs; the clicked ones differ between accept and reject (they outline different buttons)."""
    _, _, data, out_dir = run
    clicked = {}
    for phase in data["phases"][1:]:
        assert phase["banner"] is not None, (phase, data["errors"])
        shots = phase["banner"]["screenshots"]
        assert [s["stage"] for s in shots] == ["shown", "clicked", "after"], shots
        assert all(not s["path"].startswith("/") and s["path"].startswith("screenshots/") for s in shots)
        images = {s["stage"]: (out_dir / s["path"]).read_bytes() for s in shots}
        assert all(image[:8] == b"\x89PNG\r\n\x1a\n" for image in images.values())
        assert len(set(images.values())) == 3, "shown, clicked and after must be different pictures"
        shown, clicked_red, after = _red_pixels(chromium_path, [images["shown"], images["clicked"], images["after"]])
        assert clicked_red > 100, "the clicked control is outlined"
        assert shown == 0 and after == 0
        clicked[phase["name"]] = images["clicked"]
        label = {"after_reject": "Weigeren", "after_accept": "Accepteren"}[phase["name"]]
        assert shots[1]["control"] == label
    assert clicked["after_reject"] != clicked["after_accept"]


def test_reports_written_beside_the_result_without_values(run):
    """--report all writes the four reports into --output-dir; no file there holds a cookie value."""
    _, _, data, out_dir = run
    names = {path.name for path in out_dir.iterdir() if path.is_file()}
    assert names >= {"result.json", "report.html", "report.md", "report.junit.xml", "report.sarif"}
    html_text = (out_dir / "report.html").read_text(encoding="utf-8")
    assert html_text.count("data:image/png;base64,") == 7  # 1 before consent + 3 per answering phase
    for path in out_dir.rglob("*"):
        if path.is_file():
            assert b"GA1.1.42.42" not in path.read_bytes(), path
    assert data["command_line"][:1] == ["scan"] and "--report" in data["command_line"]

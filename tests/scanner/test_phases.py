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
              "--output-dir", str(out_dir), "-o", str(output), "--format", "table"])
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
    """The first phase never answers: no banner record, no consent cookie, no tracker cookie."""
    _, _, data, _ = run
    before = data["phases"][0]
    assert before["banner"] is None and before["answered_at"] is None
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
    """The table output shows each cookie against the three phases."""
    _, stdout, _, _ = run
    lines = stdout.splitlines()
    header = lines.index("name\tdomain\tbefore\treject\taccept")
    matrix = {line.split("\t")[0]: line.split("\t")[2:] for line in lines[header + 1:] if line.count("\t") == 4}
    assert matrix["_ga"] == ["-", "-", "stored"]
    assert matrix["cookie_toestemming"] == ["-", "stored", "stored"]
    assert matrix["sessie"] == ["stored", "stored", "stored"]

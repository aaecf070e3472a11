"""The evaluation banners (tests/fixtures/banners_eval): serve them on the test web and check
what answering them did. Shared by ``benchmarks/banner_eval.py`` and ``test_banners_eval.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

import json

import yaml

from tests.testweb import Response

EVAL_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "banners_eval"
NPM_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "npm"
PARTS = ("dev", "heldback", "heldback2", "heldback3", "heldback4", "heldback5")
TRACKER_JS = 'document.cookie = "_ga=GA1.1.{n}.1700000000; path=/; max-age=63072000"; window.dataLayer = window.dataLayer || [];'


@dataclass(frozen=True)
class EvalFixture:
    """One evaluation banner and what a correct answer to it leaves behind."""

    id: str
    host: str
    page: str
    record: str
    cmp: str
    first_layer_reject: bool
    extra: dict = field(default_factory=dict)
    must_not_request: tuple = ()
    part: str = "dev"
    npm: tuple = ()
    choice_endpoint: Optional[str] = None
    choice_delay: float = 0.0

    @property
    def url(self) -> str:
        return f"https://{self.host}/"


def load_manifest(part: str = "all") -> tuple[list[EvalFixture], str]:
    """The fixtures listed in manifest.yaml (``part``: dev, heldback, heldback2, heldback3, heldback4, heldback5 or all), and the tracker cookie name."""
    data = yaml.safe_load((EVAL_DIR / "manifest.yaml").read_text(encoding="utf-8"))
    fixtures = [EvalFixture(**{**item, "must_not_request": tuple(item.get("must_not_request", ())),
                               "npm": tuple(item.get("npm", ())), "extra": item.get("extra") or {}})
                for item in data["fixtures"]]
    unknown = {fx.part for fx in fixtures} - set(PARTS)
    if unknown:
        raise ValueError(f"manifest.yaml: unknown part {sorted(unknown)}")
    if part != "all":
        fixtures = [fx for fx in fixtures if fx.part == part]
    return fixtures, data["tracker_cookie"]


def npm_version(package: str) -> str:
    """The version of ``package`` pinned in tests/fixtures/npm/package.json."""
    return json.loads((NPM_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"][package]


def npm_missing(fixtures: list[EvalFixture]) -> list[str]:
    """npm packages the fixtures need that are not installed (run `npm ci` in tests/fixtures/npm)."""
    wanted = {name for fx in fixtures for name in fx.npm}
    return sorted(name for name in wanted if not (NPM_DIR / "node_modules" / name / "package.json").is_file())


def _content_type(name: str) -> str:
    if name.endswith(".json"):
        return "application/json; charset=utf-8"
    return "application/javascript; charset=utf-8" if name.endswith(".js") else "text/html; charset=utf-8"


def _choice_endpoint(cookie: str, delay: float = 0.0):
    """A server that keeps the visitor's choice itself: GET tells it, POST ?keuze=V stores it
    (answering after ``delay`` seconds, a slow back end)."""
    def handle(request):
        if request.method == "POST":
            value = (request.query.get("keuze") or [""])[0][:20]
            return Response(json.dumps({"keuze": value}), content_type="application/json", delay=delay,
                            set_cookies=[f"{cookie}={value}; Path=/; Max-Age=31536000; HttpOnly; Secure; SameSite=Lax"])
        return Response(json.dumps({"keuze": request.cookies.get(cookie)}), content_type="application/json")
    return handle


def serve(testweb, part: str = "all") -> list[EvalFixture]:
    """Route every evaluation page of ``part``, its extra files, npm packages and the tracker; return the fixtures."""
    fixtures, _ = load_manifest(part)
    testweb.route("www.googletagmanager.com", "/gtag/js",
                  Response(TRACKER_JS.format(n=42), content_type="application/javascript"))
    for fx in fixtures:
        testweb.route(fx.host, "/", Response((EVAL_DIR / fx.page).read_text(encoding="utf-8")))
        for url, name in fx.extra.items():
            parts = urlsplit(url)
            testweb.route(parts.hostname, parts.path,
                          Response((EVAL_DIR / name).read_text(encoding="utf-8"), content_type=_content_type(name)))
        for package in fx.npm:
            testweb.mount("cdn.jsdelivr.net", f"/npm/{package}@{npm_version(package)}/", NPM_DIR / "node_modules" / package)
        if fx.choice_endpoint:
            testweb.route(fx.host, fx.choice_endpoint, _choice_endpoint(fx.record.partition(":")[2], fx.choice_delay))
    return fixtures


@dataclass
class Check:
    """What an answer left behind, judged against the fixture."""

    ok: bool
    why: str = ""


def check_after(fx: EvalFixture, action: str, outcome, cookies: dict[str, str], storage: dict[str, str],
                requested_paths: list[str], tracker_cookie: str = "_ga") -> Check:
    """Verified by the engine, the fixture's record written, the tracker cookie there after accept
    and absent after reject, and no "read more" link followed."""
    kind, _, name = fx.record.partition(":")
    recorded = (name in cookies) if kind == "cookie" else (name in storage)
    followed = [p for p in requested_paths if p in fx.must_not_request]
    if followed:
        return Check(False, f"followed {followed[0]}")
    if not outcome.verified:
        return Check(False, f"not verified: {outcome.reason}")
    if not recorded:
        return Check(False, f"no {fx.record}")
    has_tracker = tracker_cookie in cookies
    if action == "accept" and not has_tracker:
        return Check(False, f"no {tracker_cookie} after accept")
    if action == "reject" and has_tracker:
        return Check(False, f"{tracker_cookie} after reject")
    return Check(True)


def storage_of(page) -> dict[str, str]:
    """The main frame's localStorage (sync page)."""
    try:
        return page.evaluate("() => Object.fromEntries(Object.entries(localStorage))")
    except Exception:
        return {}


async def storage_of_async(page) -> dict[str, str]:
    try:
        return await page.evaluate("() => Object.fromEntries(Object.entries(localStorage))")
    except Exception:
        return {}


def requested(testweb, host: str, since: int) -> list[str]:
    """Paths requested on ``host`` since request number ``since``."""
    with testweb._lock:
        return [r.path for r in testweb.requests[since:] if r.host == host]


def first_text(value: Optional[str]) -> str:
    return (value or "")[:80]

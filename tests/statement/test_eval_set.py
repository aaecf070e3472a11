"""The evaluation set (fixtures/eval): realistic statements written for these tests, each with
its gold declaration, and focused tests of the forms they brought in (CMP tables, durations
in parts, per-name lifetimes in prose, definition lists, label/value records).

``benchmarks/statement_eval.py`` prints precision, recall and lifetime accuracy over the same
files and the seeds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cookieaudit.statement import parse_statement, parse_text
from cookieaudit.statement.attributes import read_lifetime
from cookieaudit.statement.extract import UNCLASSIFIED, cell_names, heading_purpose
from cookieaudit.statement.runtogether import column_role

from .eval_pdf import print_pdf

EVAL_DIR = Path(__file__).resolve().parent / "fixtures" / "eval"
SUFFIXES = (".txt", ".html", ".md", ".pdf")


def _statement(stem: str) -> Path:
    return next(EVAL_DIR / f"{stem}{s}" for s in SUFFIXES if (EVAL_DIR / f"{stem}{s}").is_file())


def _stems() -> list:
    stems = sorted(p.name[: -len(".expected.json")] for p in EVAL_DIR.glob("*.expected.json"))
    return stems


def _assert_gold(declaration: dict, gold: dict) -> None:
    """The seed tests' comparison: language, warnings, claims, and every cookie and service
    in document order reduced to the fields its gold item has."""
    assert declaration["language"] == gold["language"]
    assert declaration["warnings"] == gold["warnings"]
    claims = {key: value for key, value in declaration["claims"].items() if key != "evidence"}
    assert claims == gold["claims"]
    for kind in ("cookies", "services"):
        found = [item.get("pattern", item.get("name")) for item in declaration[kind]]
        assert found == [item.get("pattern", item.get("name")) for item in gold[kind]]
        reduced = [{key: item.get(key) for key in gold_item} for item, gold_item in zip(declaration[kind], gold[kind])]
        assert reduced == gold[kind]


def test_eval_set_is_complete():
    """The development set: the first fifteen statements and 27 more in the layouts real
    statements use, each with its gold, in every form (text, Markdown, HTML, PDF)."""
    golds = sorted(EVAL_DIR.glob("*.expected.json"))
    assert len(golds) >= 42
    assert {_statement(p.name[: -len(".expected.json")]).suffix for p in golds} == set(SUFFIXES)


@pytest.mark.parametrize("stem", _stems())
def test_eval_statement_matches_gold(stem):
    """Each evaluation statement parses to its gold declaration."""
    gold = json.loads((EVAL_DIR / f"{stem}.expected.json").read_text(encoding="utf-8"))
    _assert_gold(parse_statement(_statement(stem)).model_dump(mode="json"), gold)


def _text_stems() -> list:
    return [stem for stem in _stems() if _statement(stem).suffix in (".txt", ".md")]


@pytest.mark.parametrize("stem", _text_stems())
def test_eval_statement_evidence_points_into_the_source(stem):
    """Evidence of every item (table rows over several lines, records, prose) is the source
    text at its position, and names the heading it stands under."""
    path = _statement(stem)
    text = path.read_text(encoding="utf-8")
    declaration = parse_statement(path)
    for item in (*declaration.cookies, *declaration.services):
        for evidence in (item.evidence, *item.evidence_more):
            span = text[evidence.position.char_start:evidence.position.char_end]
            assert " ".join(span.replace("`", "").replace("**", "").split()) == evidence.text
            assert evidence.section is None or evidence.section in " ".join(text.split())


PRINTED = ["nl_gemeente_tabel", "en_html_university", "be_html_flemish", "nl_wrapped_cells"]


@pytest.mark.parametrize("stem", PRINTED)
def test_printed_pdf_reads_like_its_html(tmp_path, chromium_path, stem):
    """Each HTML statement printed afresh by Chromium (as 'save as PDF' does) gives the same
    declaration as the HTML: the same cookies with the same lifetimes and purposes, and its gold."""
    pdf = tmp_path / "printed.pdf"
    print_pdf(EVAL_DIR / f"{stem}.html", pdf, chromium_path)
    declaration = parse_statement(pdf)
    assert declaration.sources[0].kind == "pdf"
    html = parse_statement(EVAL_DIR / f"{stem}.html")
    facts = lambda d: [(c.pattern, c.match, c.purpose, c.lifetime, c.max_age_days) for c in d.cookies]  # noqa: E731
    assert facts(declaration) == facts(html)
    gold = json.loads((EVAL_DIR / f"{stem}_pdf.expected.json").read_text(encoding="utf-8"))
    _assert_gold(declaration.model_dump(mode="json"), gold)


# --- durations -----------------------------------------------------------------------------

@pytest.mark.parametrize("cell, lifetime, days", [
    ("1 year 1 month 4 days", "persistent", 399),
    ("5 months 27 days", "persistent", 177),
    ("1 jaar", "persistent", 365),
    ("400 dagen", "persistent", 400),
    ("13 maanden", "persistent", 390),
    ("2 jaar", "persistent", 730),
    ("24 uur", "persistent", 1),
    ("1 days", "persistent", 1),
    ("1 jaar, 2 maanden", "persistent", 425),
    ("1 day – 13 months", "persistent", 390),
    ("Sessie", "session", None),
    ("Persistent", "persistent", None),
    ("never", "persistent", None),  # a cookie that never expires (round 4: the golds since round 3)
    ("nooit", "persistent", None),
    ("past", None, None),
])
def test_duration_cells(cell, lifetime, days):
    """CMP duration cells: parts add up, a range gives its longest, words without a lifetime give none and no warning."""
    result = read_lifetime(cell, cell=True)
    assert (result.lifetime, result.max_age_days) == (lifetime, days)
    assert result.unreadable == []


def test_unreadable_duration_cell_still_warns():
    assert read_lifetime("onbepaald", cell=True).unreadable == ["onbepaald"]


@pytest.mark.parametrize("text, expected", [
    ("Cookies\n\nThe cookies are _ga (expires after 2 years) and _gid (24 hours).",
     {"_ga": ("persistent", 730), "_gid": ("persistent", 1)}),
    ("Cookies\n\nWij gebruiken de cookies _pk_id en _pk_ses van Matomo (13 maanden en 30 minuten).",
     {"_pk_id": ("persistent", 390), "_pk_ses": ("persistent", 0.020833)}),
    ("Cookies\n\n- Statistiek (_st_id en _st_ses): _st_id blijft 1000 dagen bewaard, _st_ses vervalt aan het einde van uw bezoek.",
     {"_st_id": ("persistent", 1000), "_st_ses": ("session", None)}),
    ("Cookies\n\nWe use _ga, _gid and _gat (Google Analytics), kept for 13 months.",
     {"_ga": ("persistent", 390), "_gid": ("persistent", 390), "_gat": ("persistent", 390)}),
])
def test_lifetimes_per_name_in_prose(text, expected):
    """A duration written for one name belongs to that name; one for the whole list to all of them."""
    assert {c.pattern: (c.lifetime, c.max_age_days) for c in parse_text(text).cookies} == expected


# --- tables and lists ----------------------------------------------------------------------

@pytest.mark.parametrize("cell, expected", [
    ("OptanonConsent, OptanonAlertBoxClosed", [("OptanonConsent", "exact"), ("OptanonAlertBoxClosed", "exact")]),
    ("ytidb::LAST_RESULT_ENTRY_KEY", [("ytidb::LAST_RESULT_ENTRY_KEY", "exact")]),
    ("_ga_#", [("_ga_", "prefix")]),
    ("_ga_<container-id>", [("_ga_", "prefix")]),
    ("_hjSession_*", [("_hjSession_", "prefix")]),
    ("AMP_xxxxxx", [("AMP_", "prefix")]),
    ("lb_route en lb_sticky", [("lb_route", "exact"), ("lb_sticky", "exact")]),
    ("_ga (Google Analytics)", [("_ga", "exact")]),
    ("Cookie", []),
])
def test_name_cells(cell, expected):
    assert [(h.pattern, h.match) for h in cell_names(cell)] == expected


@pytest.mark.parametrize("header, role", [
    ("Cookie Subgroup", "vendor"), ("Cookies", "name"), ("Cookies used", "party"), ("Lifespan", "lifetime"),
    ("Vervaldatum", "lifetime"), ("Aanbieder", "vendor"), ("Type", "kind"), ("Duration", "lifetime"),
])
def test_column_roles(header, role):
    assert column_role(header) == role


@pytest.mark.parametrize("heading, purpose", [
    ("Noodzakelijk (4)", "functional"), ("Voorkeuren (1)", "functional"), ("Statistieken (5)", "analytic"),
    ("Marketing (3)", "marketing"), ("Niet geclassificeerd (1)", UNCLASSIFIED), ("Others", UNCLASSIFIED),
    ("Strictly Necessary Cookies", "functional"), ("Performance Cookies", "analytic"), ("Targeting Cookies", "marketing"),
    ("Advertisement", "marketing"), ("Unclassified cookies", UNCLASSIFIED),
])
def test_category_headings(heading, purpose):
    assert heading_purpose(heading) == purpose


def _html(tmp_path, body: str):
    path = tmp_path / "cookies.html"
    path.write_text(f"<html><head><title>Cookieverklaring</title></head><body><h1>Cookieverklaring</h1>{body}</body></html>",
                    encoding="utf-8")
    return parse_statement(path)


def test_cmp_table_leaves_out_storage_and_pixels(tmp_path):
    """Rows of type HTML Local Storage or Pixel Tracker are not cookies; a 'Niet geclassificeerd' block has no purpose."""
    declaration = _html(tmp_path, """
      <div>Marketing (3)</div>
      <table><tr><th>Naam</th><th>Aanbieder</th><th>Doel</th><th>Vervaldatum</th><th>Type</th></tr>
      <tr><td>IDE</td><td>Google</td><td>Advertenties</td><td>400 dagen</td><td>HTTP Cookie</td></tr>
      <tr><td>yt-remote-device-id</td><td>YouTube</td><td>Spelervoorkeuren</td><td>Persistent</td><td>HTML Local Storage</td></tr>
      <tr><td>ads/ga-audiences</td><td>Google</td><td>Remarketing</td><td>Sessie</td><td>Pixel Tracker</td></tr></table>
      <div>Niet geclassificeerd (1)</div>
      <table><tr><th>Naam</th><th>Aanbieder</th><th>Doel</th><th>Vervaldatum</th><th>Type</th></tr>
      <tr><td>site_pref</td><td>www.example.nl</td><td>In afwachting</td><td>3 maanden</td><td>HTTP Cookie</td></tr></table>""")
    assert [(c.pattern, c.vendor, c.vendor_id, c.purpose, c.max_age_days) for c in declaration.cookies] == [
        ("IDE", "Google Ads", "google-ads", "marketing", 400),  # provider 'Google': the rule set's product for IDE
        ("site_pref", "www.example.nl", None, None, 90),
    ]
    assert declaration.warnings == []


def test_definition_list(tmp_path):
    """<dt> names the cookies, <dd> tells vendor, purpose and lifetime."""
    declaration = _html(tmp_path, """<h2>Analytische cookies</h2><dl>
      <dt><code>_ga</code>, <code>_ga_&lt;id&gt;</code></dt><dd>Set by Google Analytics. Expires after 2 years.</dd>
      <dt>_hjSession_*</dt><dd>Hotjar. Expires after 30 minutes.</dd></dl>""")
    assert [(c.pattern, c.match, c.vendor, c.purpose, c.max_age_days) for c in declaration.cookies] == [
        ("_ga", "exact", "Google Analytics", "analytic", 730), ("_ga_", "prefix", "Google Analytics", "analytic", 730),
        ("_hjSession_", "prefix", "Hotjar", "analytic", 0.020833)]
    assert declaration.cookies[0].evidence.text == "_ga, _ga_<id>: Set by Google Analytics. Expires after 2 years."


def test_label_value_records(tmp_path):
    """Complianz-style records: a vendor heading, a purpose heading, then Naam / Vervaltermijn / Functie pairs."""
    declaration = _html(tmp_path, """<h3>YouTube</h3><h4>Marketing</h4>
      <div><h5>Naam</h5></div><div>YSC</div><div><h5>Vervaltermijn</h5></div><div>sessie</div>
      <div><h5>Functie</h5></div><div>Bekeken video's bijhouden</div>
      <div><h5>Naam</h5></div><div>PREF</div><div><h5>Vervaltermijn</h5></div><div>8 maanden</div>""")
    assert [(c.pattern, c.vendor, c.purpose, c.lifetime, c.max_age_days) for c in declaration.cookies] == [
        ("YSC", "YouTube", "marketing", "session", None), ("PREF", "YouTube", "marketing", "persistent", 240)]


def test_conditional_only_is_consent_not_exclusivity():
    declaration = parse_text("Cookies\n\nWe only use analytics and marketing cookies if you accept them.")
    assert declaration.claims.only_purposes is None
    assert declaration.claims.consent_required_for == ["analytic", "marketing"]


def test_one_cookie_ending_with_the_browser_is_not_all_session():
    declaration = parse_text("Cookies\n\nReadSpeaker plaatst de cookie _rspkrLoadCore, die wordt verwijderd als u de browser sluit.")
    assert declaration.claims.all_session is None
    assert declaration.cookies[0].lifetime == "session"


def test_printed_table_over_several_pages(tmp_path, chromium_path):
    """A long table printed without a repeated header: the rows on later pages are read under
    the header of the first, with their own lifetimes, as from the HTML."""
    rows = "".join(f"<tr><td>site_cookie_{i:02d}</td><td>Onthoudt instelling {i} van de bezoeker op deze website</td>"
                   f"<td>{i + 1} dagen</td></tr>" for i in range(70))
    html = tmp_path / "long.html"
    html.write_text("<!doctype html><html lang=nl><head><meta charset=utf-8><title>Cookies</title></head><body>"
                    "<h1>Cookieverklaring</h1><h2>Functionele cookies</h2><table><tr><th>Naam</th><th>Doel</th>"
                    f"<th>Bewaartermijn</th></tr>{rows}</table></body></html>", encoding="utf-8")
    pdf = tmp_path / "long.pdf"
    print_pdf(html, pdf, chromium_path)
    from pypdf import PdfReader

    assert len(PdfReader(pdf).pages) >= 2
    declaration = parse_statement(pdf)
    assert [(c.pattern, c.max_age_days) for c in declaration.cookies] == [(f"site_cookie_{i:02d}", i + 1) for i in range(70)]
    assert declaration.warnings == []


def _eval_scorer():
    """benchmarks/statement_eval.py, loaded from its file (the benchmarks are no package)."""
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "statement_eval.py"
    spec = importlib.util.spec_from_file_location("statement_eval_for_tests", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("folder", ["round1_heldback", "round2_heldback", "round2_unseen", "round3_unseen", "round3_heldback",
                                    "round4_heldback"])
def test_former_unseen_sets_stay_read(folder):
    """The sets that were run once as unseen statements and then became development material
    keep every declared name and every lifetime (the figures README gives for the dev part;
    round 4's held-back set since round 5)."""
    scorer = _eval_scorer()
    found = [entry for entry in scorer.statements("dev") if entry[0].startswith(f"eval/{folder}/")]
    assert len(found) >= 8
    total = scorer.Score()
    for _, source, gold_path in found:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        total.add(scorer.score(parse_statement(source).model_dump(mode="json"), gold))
    assert total.f1 == 1.0
    assert total.lifetimes == total.gold_cookies


def test_round5_heldback_keeps_what_round6_reached():
    """Round 5's held-back set, tuned on since round 6, keeps the figures README gives for it
    (F1 99.7 %, lifetimes 98.8 %, claims 97.9 %), with a little slack."""
    scorer = _eval_scorer()
    found = [entry for entry in scorer.statements("dev") if entry[0].startswith("eval/round5_heldback/")]
    assert len(found) == 24
    total = scorer.Score()
    for _, source, gold_path in found:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        total.add(scorer.score(parse_statement(source).model_dump(mode="json"), gold))
    assert total.f1 >= 0.99
    assert total.lifetimes >= total.gold_cookies - 7
    assert total.claims >= total.claims_total - 4


def test_vendor_metric_accepts_spellings_of_one_rule_set_vendor():
    """statement_eval counts a vendor right when the reader's spelling (the statement's) and
    the gold's resolve to the same rule-set vendor by name or alias, else only when equal."""
    scorer = _eval_scorer()
    assert scorer.same_vendor("Siteimprove", "Siteimprove Analytics")
    assert scorer.same_vendor("twitter", "X (Twitter)")
    assert scorer.same_vendor("Acme Analytics", "Acme Analytics")
    assert not scorer.same_vendor("Google LLC", "Google Analytics")  # a company is no alias of a product
    assert not scorer.same_vendor("Facebook", "Meta Pixel")  # two vendors of one company
    assert not scorer.same_vendor(None, "Hotjar")

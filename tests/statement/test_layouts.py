"""Focused tests of the layouts real statements use (issue 9): text tables whatever happened
to their separators, per-row durations, name conventions, records, claims in the forms
sites write them, evidence with its heading and every quote, and an honest warning when a
cookie table cannot be read."""

from __future__ import annotations

import pytest

from cookieaudit.statement import parse_text
from cookieaudit.statement.cells import leading_lifetime, lifetime_line, trailing_lifetime
from cookieaudit.statement.rows import RowContext, split_cells
from cookieaudit.statement.runtogether import find_header


def _facts(text: str) -> dict:
    return {(c.pattern, c.match): (c.lifetime, c.max_age_days) for c in parse_text(text).cookies}


# --- headers --------------------------------------------------------------------------------

@pytest.mark.parametrize("line, cells", [
    ("Naam Doel Bewaartermijn", ["Naam", "Doel", "Bewaartermijn"]),
    ("Name Purpose Expires", ["Name", "Purpose", "Expires"]),
    ("Cookie Set by What it does How long", ["Cookie", "Set by", "What it does", "How long"]),
    ("NameProviderPurposeDurationType", ["Name", "Provider", "Purpose", "Duration", "Type"]),
    ("Cookie nameExpiration dateGoalContents", ["Cookie name", "Expiration date", "Goal", "Contents"]),
    ("Naam van de cookie Vervaltermijn Inhoud Doel", ["Naam van de cookie", "Vervaltermijn", "Inhoud", "Doel"]),
    ("Cookie Subgroup Cookies Cookies used", ["Cookie Subgroup", "Cookies", "Cookies used"]),
    ("Cookies op deze website", None),
    ("Naam en doel van de verwerking", None),
])
def test_header_lines(line, cells):
    """Column words in any order, separated by spaces or by nothing; a sentence is no header."""
    assert find_header(line) == cells


# --- rows -----------------------------------------------------------------------------------

@pytest.mark.parametrize("header, row, glued, cells", [
    ("Naam Doel Bewaartermijn", "lang Onthoudt in welke taal u de site leest 6 maanden", False,
     ("lang", "Onthoudt in welke taal u de site leest", "6 maanden")),
    ("Name Purpose Expires", "sessid Keeps your session data When you close your browser", False,
     ("sessid", "Keeps your session data", "When you close your browser")),
    ("Cookie name Lasts for Purpose Type of cookie Strictly necessary?",
     "_ga 1 year, 11 months and 29 days Random client number for statistics Tracking and performance No", False,
     ("_ga", "1 year, 11 months and 29 days", "Random client number for statistics", "Tracking and performance", "No")),
    ("NameProviderPurposeDurationType", "__cf_bm, cf_clearanceCloudflareBot protection.30 minutes – 1 yearNecessary", True,
     ("__cf_bm, cf_clearance", "Cloudflare", "Bot protection.", "30 minutes – 1 year", "Necessary")),
    ("Cookie nameExpiration dateGoalContents", "eovt1 monthRemembers the viewNumber", True,
     ("eovt", "1 month", "Remembers the viewNumber", "")),
])
def test_rows_are_cut_from_both_ends(header, row, glued, cells):
    assert split_cells(row, find_header(header), RowContext(glued=glued))[0] == cells


def test_a_guessed_cut_has_a_lower_confidence():
    """A name glued to a provider the rule set does not know is cut by shape: a guess, said so."""
    text = ("Cookies\n\nNaamAanbiederDoelVervaldatumType\n"
            "sb-*SupabaseInlogsessie van de klant.SessieHTTP Cookie\n"
            "_gaGoogle AnalyticsStatistiek.2 jaarHTTP Cookie\n")
    cookies = {c.pattern: c.confidence for c in parse_text(text).cookies}
    assert cookies["sb-"] < 1
    assert cookies["_ga"] == 1


def test_header_words_never_become_names():
    text = ("Cookies\n\nName Purpose Store Expires\nsessid Keeps your session data When you close your browser\n\n"
            "Cookie\nExpiry\nPurpose\nstate\n1 year\nRemembers the state of the map.\n")
    patterns = [c.pattern for c in parse_text(text).cookies]
    assert patterns == ["sessid", "state"]


# --- per-row durations --------------------------------------------------------------------------

def test_a_missing_duration_shifts_nothing():
    text = ("Cookies\n\n| Naam | Doel | Bewaartermijn |\n|---|---|---|\n| a_first | Eerste | 1 jaar |\n"
            "| b_second | Tweede | |\n| c_third | Derde | 30 dagen |\n")
    assert _facts(text) == {("a_first", "exact"): ("persistent", 365), ("b_second", "exact"): (None, None),
                            ("c_third", "exact"): ("persistent", 30)}


def test_row_durations_stay_in_their_row():
    """'Session / 7 days' is both with 7; a range takes its upper bound in its own row only."""
    text = ("Cookie policy\n\nNameProviderPurposeDurationType\n"
            "sb-*SupabaseSign-in session.Session / 7 daysNecessary\n"
            "__cf_bmCloudflareBot protection.30 minutes – 1 yearNecessary\n"
            "tp-currencytinyparcel.nlRemembers the currency.1 dayNecessary\n"
            "tp-consenttinyparcel.nlStores your choices.SessionNecessary\n")
    assert _facts(text) == {("sb-", "prefix"): ("both", 7), ("__cf_bm", "exact"): ("persistent", 365),
                            ("tp-currency", "exact"): ("persistent", 1), ("tp-consent", "exact"): ("session", None)}


@pytest.mark.parametrize("cell, length", [
    ("Session (20 minutes) or 14 days if you tick", len("Session (20 minutes) or 14 days")),
    ("Temporary cookie, removed as soon as you close your browserProtects forms",
     len("Temporary cookie, removed as soon as you close your browser")),
    ("13 monthsCounts visitors", len("13 months")),
])
def test_leading_lifetime_cells(cell, length):
    assert leading_lifetime(cell) == length


def test_trailing_lifetime_needs_a_joiner_between_word_and_duration():
    text = "Tracks your signed-in session 8 hours"
    assert text[trailing_lifetime(text):] == "8 hours"
    assert lifetime_line("Einde van de sessie") and lifetime_line("2 year expiry") and not lifetime_line("Keeps you signed in")


# --- names --------------------------------------------------------------------------------------

def test_name_conventions_in_a_table():
    """Placeholders become '*'; _ga and _ga_* are separate; a cell with several names gives one item each."""
    text = ("Cookies\n\n| Naam | Doel | Bewaartermijn |\n|---|---|---|\n| SESS<ID> | Sessie | Sessie |\n"
            "| site#pref | Weergave | 3 maanden |\n| _ga, _ga_* | Statistiek | 2 jaar |\n"
            "| .AspNetCore.Session | Sessie | Sessie |\n| ARRAffinitySameSite | Server | Sessie |\n")
    assert [(c.pattern, c.match) for c in parse_text(text).cookies] == [
        ("SESS", "prefix"), ("site*pref", "glob"), ("_ga", "exact"), ("_ga_", "prefix"), (".AspNetCore.Session", "exact"),
        ("ARRAffinitySameSite", "exact")]


# --- records ------------------------------------------------------------------------------------

def test_name_alone_then_labelled_lines():
    text = ("Cookies\n\nTool.State and Tool_Session\n- Purpose: keeps your place in the tool\n- Expiry: End of session\n\n"
            "prov-consent\n- Purpose: stores your cookie choice\n- Expiry: 1 year\n")
    assert _facts(text) == {("Tool.State", "exact"): ("session", None), ("Tool_Session", "exact"): ("session", None),
                            ("prov-consent", "exact"): ("persistent", 365)}


def test_inline_label_records():
    text = "Cookies\n\nNaam: aa_sessie Vervaltermijn: sessie Doel: sessie\nNaam: aa_keuze Vervaltermijn: 1 jaar Doel: keuze\n"
    assert _facts(text) == {("aa_sessie", "exact"): ("session", None), ("aa_keuze", "exact"): ("persistent", 365)}


# --- claims -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, consent", [
    ("Cookies\n\nWij plaatsen functionele en analytische cookies. Voor de andere cookies vragen wij eerst uw toestemming.",
     ["marketing"]),
    ("Analytics cookies\n\nWe only set these cookies if you accept them.", ["analytic"]),
    ("Cookies\n\nMet uw toestemming plaatsen wij marketingcookies van YouTube.", ["marketing"]),
    ("Cookies\n\nWij plaatsen niet-noodzakelijke cookies pas nadat u toestemming hebt gegeven.", ["analytic", "marketing"]),
    ("Cookies\n\nAll of these cookies are necessary, so we do not ask for permission.", None),
])
def test_consent_claims_in_the_forms_sites_use(text, consent):
    assert parse_text(text).claims.consent_required_for == consent


def test_only_with_consent_is_no_exclusivity():
    claims = parse_text("Cookies\n\nWij gebruiken alleen noodzakelijke cookies zonder uw toestemming; "
                        "voor statistische cookies vragen wij eerst uw toestemming.").claims
    assert claims.only_purposes is None
    assert claims.consent_required_for == ["analytic"]


def test_privacy_statement_delegation_with_a_link():
    text = "Cookies\n\nHoe lang wij gegevens bewaren, leest u in onze [privacyverklaring](https://www.example.nl/privacy#cookies)."
    assert parse_text(text).warnings == [
        "delegates to another page: https://www.example.nl/privacy#cookies (\u201cleest u in onze privacyverklaring\u201d); "
        "use --follow to read it"]
    assert parse_text("Cookies\n\nMeer leest u in onze privacyverklaring.").warnings == []  # no link: nothing to follow


# --- evidence -----------------------------------------------------------------------------------

def test_evidence_names_the_heading_and_the_row():
    text = ("Cookieverklaring\n\nAnalytische cookies\n\nWij gebruiken _pk_id om bezoek te meten.\n\n"
            "| Naam | Doel | Bewaartermijn |\n|---|---|---|\n| _pk_id | Statistiek | 13 maanden |\n")
    (cookie,) = parse_text(text).cookies
    assert cookie.evidence.section == "Analytische cookies"
    assert cookie.evidence.text == "| _pk_id | Statistiek | 13 maanden |"  # the row the facts come from
    assert [e.text for e in cookie.evidence_more] == ["Wij gebruiken _pk_id om bezoek te meten."]
    assert (cookie.lifetime, cookie.max_age_days) == ("persistent", 390)


def test_unreadable_cookie_table_is_warned_about():
    text = "Cookies\n\nNaam Doel Bewaartermijn\nDeze tabel wordt geladen zodra u cookies accepteert.\n"
    declaration = parse_text(text)
    assert declaration.cookies == []
    assert any(w.startswith("cookie table without readable rows: 'Naam | Doel | Bewaartermijn'") for w in declaration.warnings)


def test_two_name_columns_the_one_called_name_holds_the_names():
    text = ("Cookies\n\n| Cookie | Name | Type | Purpose |\n|---|---|---|---|\n"
            "| Google Analytics | _utma _utmb | Persistent | Statistics about visits |\n")
    assert [(c.pattern, c.vendor) for c in parse_text(text).cookies] == [
        ("_utma", "Google Analytics"), ("_utmb", "Google Analytics")]


def test_a_row_without_a_cookie_name_does_not_end_the_table():
    text = ("Cookies\n\nName Purpose Expires\n_gid Google Analytics 1 day\nCookie consent Stores your choice 1 year\n"
            "_ga Google Analytics 2 years\n")
    assert _facts(text) == {("_gid", "exact"): ("persistent", 1), ("_ga", "exact"): ("persistent", 730)}

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
    ("CookienaamStandaard vervaltijdBeschrijving", ["Cookienaam", "Standaard vervaltijd", "Beschrijving"]),
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


# --- aligned columns (PDF layout text) -------------------------------------------------------

def test_aligned_table_with_wrapped_header_names_and_durations():
    """A narrow PDF table: the header cell wraps ("Bewaartermi" / "jn"), blank lines stand between
    the rows, names break at a hyphen or inside the word, durations wrap under their column."""
    text = ("Functionele cookies\n\n"
            " Naam               Doel                           Bewaartermi\n"
            "                                                   jn\n"
            "\n"
            " CookieConsent      Onthoudt uw keuze in de        1 jaar\n"
            "                    cookiemelding.\n"
            "\n"
            " stad-melding-      Onthoudt dat u de melding      Vervalt na 30\n"
            " gesloten           hebt weggeklikt.               dagen\n"
            "\n"
            " ReadSpeakerSetti   Bewaart uw instellingen voor   Tot het einde\n"
            " ngs                de voorleesfunctie.            van uw bezoek\n")
    assert _facts(text) == {("CookieConsent", "exact"): ("persistent", 365),
                            ("stad-melding-gesloten", "exact"): ("persistent", 30),
                            ("ReadSpeakerSettings", "exact"): ("session", None)}


def test_aligned_names_under_a_shorter_name_stay_apart():
    """A row's own name under a name that does not fill the column, and a known cookie name,
    start rows of their own."""
    text = ("Sign-in cookies\n\n"
            "    Cookie                  Set by                What it does              How long\n"
            "shib_idp_session_long   login.example.ac.uk   Keeps your sign-on        Session\n"
            "_shibsession_<id>       example.ac.uk         Links your browser        Session\n"
            "JSESSIONID              login.example.ac.uk   Keeps your place\n"
            "sso_token               example.ac.uk         Tracks your session       8 hours\n")
    assert set(_facts(text)) == {("shib_idp_session_long", "exact"), ("_shibsession_", "prefix"),
                                 ("JSESSIONID", "exact"), ("sso_token", "exact")}


# --- one lifetime per name ------------------------------------------------------------------

def test_a_row_pairs_its_names_with_their_durations(tmp_path):
    """"respectievelijk" in a record, and a cell with one name per line beside one duration per line."""
    records = ("Cookies\n\nCookienaam: _hjSessionUser_<id>, _hjSession_<id>\nDoel: Hotjar herkent terugkerende bezoekers.\n"
               "Bewaartermijn: respectievelijk 1 jaar en 30 minuten.\n")
    assert _facts(records) == {("_hjSessionUser_", "prefix"): ("persistent", 365),
                               ("_hjSession_", "prefix"): ("persistent", 0.020833)}
    from cookieaudit.statement import parse_statement

    html = ("<html><body><h1>Cookies</h1><table><tr><th>Naam</th><th>Doel</th><th>Bewaartermijn</th></tr>"
            "<tr><td>_ga<br>_gid<br>_gat</td><td>Google Analytics</td><td>2 jaar<br>24 uur<br>1 minuut</td></tr>"
            "<tr><td>sessie_a<br>voorkeur_b</td><td>Werking</td><td>Sessie / 7 dagen</td></tr></table></body></html>")
    (tmp_path / "t.html").write_text(html, encoding="utf-8")
    declaration = parse_statement(tmp_path / "t.html")
    facts = {c.pattern: (c.lifetime, c.max_age_days) for c in declaration.cookies}
    assert facts == {"_ga": ("persistent", 730), "_gid": ("persistent", 1), "_gat": ("persistent", 0.000694),
                     "sessie_a": ("both", 7), "voorkeur_b": ("both", 7)}


def test_each_name_in_a_sentence_keeps_its_own_duration():
    text = ("Cookies voor statistiek\n\nPiwik PRO plaatst twee cookies: _pk_id onthoudt 13 maanden een bezoekersnummer "
            "en _pk_ses houdt 30 minuten bij welke pagina's u bekijkt.\n")
    assert _facts(text) == {("_pk_id", "exact"): ("persistent", 390), ("_pk_ses", "exact"): ("persistent", 0.020833)}


def test_a_description_ending_in_a_duration_word_does_not_add_to_the_lifetime():
    text = "Cookies\n\nName Purpose Expires\n_gid Tells visitors apart for one day 24 hours\n"
    assert _facts(text) == {("_gid", "exact"): ("persistent", 1)}


# --- one cell per line -----------------------------------------------------------------------

def test_one_cell_per_line_tables_with_label_phrases_remarks_and_placeholders():
    text = ("Essential (2)\nCookie Name\nDefault expiration time\nDescription\n"
            "BIGipServer<pool>\n(de naam verschilt per server)\nSession\nRoutes you to one server.\n"
            "_gat_gtag_< GA ID >\n1 minute\nLimits the request rate.\n\n"
            "Non-essential\nIf you accept them, these are set too.\nName\nData storage type\nDescription\n"
            "_hjSession_{site_id}\nCookie\nHolds data about the current visit.\n30 minutes duration.\n"
            "hjViewportId\nSession storage\nStores your screen size.\nSession duration.\n"
            "stats_visit\nCookie\nCounts the visit.\nDuur van het bezoek\n")
    assert _facts(text) == {("BIGipServer", "prefix"): ("session", None),
                            ("_gat_gtag_", "prefix"): ("persistent", 0.000694),
                            ("_hjSession_", "prefix"): ("persistent", 0.020833),
                            ("stats_visit", "exact"): ("session", None)}


def test_label_records_under_a_service_heading_stay_in_the_cookie_section():
    """A plain name the rule set does not know ("vuid") in a "Naam: … Vervaltermijn: …" record
    under a service heading: the record carries the cookie section on."""
    text = ("Geplaatste cookies\n\nNaam: _ga Vervaltermijn: 2 jaar Functie: Telt paginaweergaven\n\n"
            "Vimeo\nMarketing\nWij tonen video's via Vimeo.\nNaam: vuid Vervaltermijn: 2 jaar Functie: Houdt bij welke video's je bekijkt\n")
    assert _facts(text) == {("_ga", "exact"): ("persistent", 730), ("vuid", "exact"): ("persistent", 730)}


def test_a_cmp_category_line_and_a_repeated_header_end_a_run_together_table():
    text = ("Cookieverklaring\n\nNoodzakelijk (3)\nNaamAanbiederDoelVervaltermijnType\n"
            "__cf_bmCloudflareOnderscheidt mensen van bots30 minutenHTTP\ncookie-agreedgemeente.nlSlaat uw keuze op1 jaarHTTP\n"
            "langgemeente.nlOnthoudt uw taalkeuzeSessieHTTP\n"
            "Statistieken (1)\nNaamAanbiederDoelVervaltermijnType\n_pk_id.*MatomoOnderscheidt bezoekers13 maandenHTTP\n")
    cookies = {c.pattern: (c.purpose, c.lifetime, c.max_age_days) for c in parse_text(text).cookies}
    assert cookies == {"__cf_bm": ("functional", "persistent", 0.020833), "lang": ("functional", "session", None),
                       "cookie-agreed": ("functional", "persistent", 365),
                       "_pk_id.": ("analytic", "persistent", 390)}  # no header words as a cookie


def test_an_upper_case_name_going_on_with_a_list_in_prose():
    text = ("Cookies van derden\n\nYouTube plaatst dan de cookies VISITOR_INFO1_LIVE (6 maanden) en YSC (sessie).\n")
    assert _facts(text) == {("VISITOR_INFO1_LIVE", "exact"): ("persistent", 180), ("YSC", "exact"): ("session", None)}


def test_session_as_what_a_cookie_keeps_is_no_session_lifetime():
    text = ("Analytics cookies\n\n- _clsk: Microsoft Clarity, connects page views into one session. 1 day.\n"
            "- _sess_pref: keeps your choice for the session only, or 1 year if you tick the box.\n")
    assert _facts(text) == {("_clsk", "exact"): ("persistent", 1), ("_sess_pref", "exact"): ("both", 365)}


def test_a_one_row_table_splits_its_glued_domain_by_the_domain_earlier_tables_wrote():
    text = ("Cookie settings\n\nNecessary (2)\nNameProviderPurposeExpiryType\n"
            "my-langexample.nlStores the language you chose1 yearHTTP Cookie\n"
            "cookie-agreedexample.nlStores your cookie choice100 daysHTTP Cookie\n"
            "Unclassified (1)\nNameProviderPurposeExpiryType\nab_testexample.nlPending classification30 daysHTTP Cookie\n")
    assert _facts(text) == {("my-lang", "exact"): ("persistent", 365), ("cookie-agreed", "exact"): ("persistent", 100),
                            ("ab_test", "exact"): ("persistent", 30)}


def test_a_duration_of_inactivity_ends_a_spaced_row():
    text = "Analytics cookies\n\nName Purpose Expires\nsiteimproveses Tracks one visit Expires after 30 minutes of inactivity\n"
    assert _facts(text) == {("siteimproveses", "exact"): ("persistent", 0.020833)}


def test_cells_as_paragraphs_a_row_without_duration_and_the_next_table():
    """One cell per paragraph (blank lines between), a row without its duration cell, then a
    heading and the next table's header: neither becomes a cell of the last row."""
    text = ("Cookie Policy\n\nStrictly Necessary Cookies\n\nCookie\n\nDuration\n\nDescription\n\n"
            "incap_ses_*\n\nsession\n\nImperva security session.\n\nnlbi_*\n\nImperva load balancing.\n\n"
            "Performance Cookies\n\nCookie\n\nDuration\n\nDescription\n\n_uetsid\n\n1 day\n\nMicrosoft Advertising session ID.\n")
    declaration = parse_text(text)
    facts = {c.pattern: (c.purpose, c.lifetime, c.max_age_days) for c in declaration.cookies}
    assert facts == {"incap_ses_": ("functional", "session", None), "nlbi_": ("functional", None, None),
                     "_uetsid": ("analytic", "persistent", 1)}
    assert declaration.warnings == []


def test_respectively_after_the_durations():
    text = "Cookies\n\nThe cookies __utma, __utmb and __utmz are kept for 2 years, 30 minutes and 6 months respectively.\n"
    assert _facts(text) == {("__utma", "exact"): ("persistent", 730), ("__utmb", "exact"): ("persistent", 0.020833),
                            ("__utmz", "exact"): ("persistent", 180)}


def test_plain_word_names_before_a_duration_column_and_storage_rows_left_out():
    """Short lower-case names are names by their place when the duration column follows them
    ("state sessie …"); rows typed "Local storage" or "Pixel" are no cookies."""
    text = ("Cookies op onze website\n\nNaam Bewaartermijn Doel Type\n"
            "state sessie Onthoudt de stap in het formulier HTTP\nbezoek 1 dag Telt het aantal bezoeken HTTP\n"
            "rc::a blijvend reCAPTCHA onderscheidt mensen en bots Local storage\ntr sessie Meta Pixel Pixel\n"
            "test_cookie 15 minuten Controleert of cookies werken HTTP\n")
    assert _facts(text) == {("state", "exact"): ("session", None), ("bezoek", "exact"): ("persistent", 1),
                            ("test_cookie", "exact"): ("persistent", 0.010417)}


def test_a_plain_word_name_before_a_domain_cell():
    text = ("Cookies\n\nName Provider Purpose Store Expires\nlang example.org Language choice Cookie 1 year\n"
            "sessid example.org Session data Cookie When you close your browser\n")
    assert _facts(text) == {("lang", "exact"): ("persistent", 365), ("sessid", "exact"): ("session", None)}


@pytest.mark.parametrize("cell, lifetime, days", [
    ("1 yr", "persistent", 365), ("24 hrs", "persistent", 1), ("6 mos", "persistent", 180), ("2 wks", "persistent", 14),
])
def test_abbreviated_units_in_a_lifetime_cell(cell, lifetime, days):
    text = f"Cookies\n\n| Name | Purpose | Expiry |\n|---|---|---|\n| _cmp_pref | Stores your choice | {cell} |\n"
    assert _facts(text) == {("_cmp_pref", "exact"): (lifetime, days)}


def test_a_dash_or_unknown_in_a_lifetime_cell_is_no_warning():
    text = "Cookies\n\n| Name | Purpose | Expiry |\n|---|---|---|\n| _a_pref | Choice | - |\n| _b_pref | Choice | Onbekend |\n"
    declaration = parse_text(text)
    assert [(c.pattern, c.lifetime) for c in declaration.cookies] == [("_a_pref", None), ("_b_pref", None)]
    assert declaration.warnings == []

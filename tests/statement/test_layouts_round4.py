"""Focused tests of the forms issue 9's fourth round reads (each failed before it): ISO 8601
periods as durations, a provider cell that runs into the row's duration, question-form
lifetime headings over a fixed-width table, name-first records run together in one paragraph
without cookie headings, the visit as a lifetime only in its cell forms, and tagged PDFs read
from their structure tree."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from cookieaudit.statement import parse_statement, parse_text
from cookieaudit.statement.attributes import read_lifetime
from cookieaudit.statement.pdf_structure import tagged_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "eval"


def _facts(text: str) -> dict:
    return {(c.pattern, c.match): (c.lifetime, c.max_age_days) for c in parse_text(text).cookies}


def test_iso_8601_periods_are_durations():
    assert read_lifetime("P1Y1M", cell=True).max_age_days == 395
    assert read_lifetime("P13M", cell=True).max_age_days == 390
    assert read_lifetime("PT24H", cell=True).max_age_days == 1
    assert abs(read_lifetime("PT30M", cell=True).max_age_days - 30 / 1440) < 1e-6
    assert read_lifetime("P2W", cell=True).max_age_days == 14
    # a word that merely starts with P and a digit-less "P" are no periods
    assert read_lifetime("PT", cell=True).lifetime is None
    assert read_lifetime("Pixel", cell=True).lifetime is None


def test_iso_periods_in_a_table_are_lifetimes_not_names():
    text = ("Cookies\n\nCookie | Partij | Doel | Looptijd\n--- | --- | --- | ---\n"
            "uvh_consent | Universiteit | Bewaart uw keuze | P1Y\n"
            "_gid | Google Analytics | Onderscheidt bezoekers | PT24H\n"
            "_hjSession_<id> | Hotjar | Huidig bezoek | PT30M\n")
    facts = _facts(text)
    assert facts[("uvh_consent", "exact")] == ("persistent", 365)
    assert facts[("_gid", "exact")] == ("persistent", 1)
    assert set(facts) == {("uvh_consent", "exact"), ("_gid", "exact"), ("_hjSession_", "prefix")}


def test_provider_cell_ends_where_the_duration_begins():
    """Single-space cells "_ga Google 13 months …": "Google 13" is no provider."""
    text = ("Analytics cookies\n\nName Set by Expires Purpose\n"
            "_ga Google 13 months Checks if you've visited the website before\n"
            "_gid Google 24 hours Checks if you've visited the website before today\n"
            "_gat_UA-<ID> Google 10 minutes Limits how often data is sent to Google\n")
    facts = _facts(text)
    assert facts[("_ga", "exact")] == ("persistent", 390)
    assert facts[("_gid", "exact")] == ("persistent", 1)
    assert facts[("_gat_UA-", "prefix")][1] == round(10 / 1440, 6)


def test_question_form_lifetime_heading_over_a_fixed_width_table():
    """"How long it lasts" heads the lifetime column: each row keeps its own duration, also
    where the duration wraps under its column."""
    text = ("Cookie notice\n\n1. Essential cookies\n\n"
            "Cookie name           What it does                            How long it lasts\n"
            "site_consent          Remembers your cookie choices           1 year\n"
            "site_queue            Holds your place in the online          Session / 1 day\n"
            "                      queue on ticket release days\n"
            "site_view             Remembers whether you view the\n"
            "                      line-up as a grid or a list\n"
            "__cf_bm               Cloudflare: tells people and bots       30 minutes\n"
            "                      apart\n")
    facts = _facts(text)
    assert facts[("site_consent", "exact")] == ("persistent", 365)
    assert facts[("site_queue", "exact")] == ("both", 1)
    assert facts[("site_view", "exact")] == (None, None)
    assert facts[("__cf_bm", "exact")] == ("persistent", round(30 / 1440, 6))


def test_name_first_records_run_together_without_cookie_headings():
    """A CMP's service boxes copied as text: a description, then per item a name line and
    "Type:" / "Duur:" / "Domein:" lines, without blank lines and without a heading that says
    cookies; "Type: local" is no cookie."""
    text = ("Privacyinstellingen\n\nEssentieel\n\n"
            "Catalogus\nHet zoeken in de catalogus.\nVerwerkend bedrijf\nBibliotheek\nDetails\n"
            "cat_session\nType: cookie\nDuur: sessie\nDomein: zoeken.example.nl\n"
            "cat_branch\nType: cookie\nDuur: 1 jaar\nDomein: zoeken.example.nl\n"
            "cat_prefs\nType: local\nDuur: geen vervaldatum\n\n"
            "Marketing\n\nMeta Pixel\nMeet advertenties.\nDetails\n"
            "_fbp\nType: cookie\nDuur: 3 maanden\nDomein: .example.nl\n")
    facts = _facts(text)
    assert facts == {("cat_session", "exact"): ("session", None), ("cat_branch", "exact"): ("persistent", 365),
                     ("_fbp", "exact"): ("persistent", 90)}


def test_visit_as_lifetime_only_in_cell_forms():
    cell = _facts("Cookies\n\nNaam | Doel | Bewaartermijn\n--- | --- | ---\nsite_a | Onthoudt uw keuze | tijdens bezoek\n")
    assert cell[("site_a", "exact")] == ("session", None)
    # prose that says what a cookie does during the visit gives no session ("onthoudt tijdens
    # uw bezoek hoe u binnenkwam … 30 minuten" is a 30-minute cookie)
    prose = read_lifetime("onthoudt tijdens uw bezoek hoe u binnenkwam. Bewaartermijn: 30 minuten.")
    assert (prose.lifetime, prose.max_age_days) == ("persistent", round(30 / 1440, 6))


def test_tagged_pdf_tables_are_read_cell_by_cell():
    """A tagged PDF whose narrow name column breaks names inside their cells: the structure
    tree gives each cell whole, so every name and duration is its row's own."""
    pdf = FIXTURES / "round3_heldback" / "be_intercommunale_pdf_tagged.pdf"
    text = tagged_text(PdfReader(pdf))
    assert "| BIGipServer~IVK~pool_loket_443 | IVK |" in text
    assert "| ivk_afvalwijzer_zoekterm | IVK |" in text
    assert "# Cookieverklaring" in text
    facts = {(c.pattern, c.match): (c.lifetime, c.max_age_days) for c in parse_statement(pdf).cookies}
    assert facts[("BIGipServer~IVK~pool_loket_443", "exact")] == ("session", None)
    assert facts[("ivk_cookiekeuze", "exact")][0] == "persistent"  # "1 jaar en 1 dag"
    assert facts[("_pk_ref.*.*", "glob")] == ("persistent", 180)
    assert len(facts) == 12


def test_untagged_pdf_has_no_structure_text():
    pdf = FIXTURES / "nl_wrapped_cells_pdf.pdf"
    assert tagged_text(PdfReader(pdf)) is None


def test_as_many_durations_as_names_pair_in_order():
    """"_ga, _gid" beside "730 dagen / 1 dag" (OneTrust, Borlabs): each name its own duration;
    "Sessie / 1 dag" for two names stays the row's one lifetime for both."""
    text = ("Cookies\n\nCookies | Doel | Levensduur\n--- | --- | ---\n_ga, _gid | Statistieken | 730 dagen / 1 dag\n"
            "IDE, test_cookie | Advertenties | 390 dagen, 15 minuten\nsite_a, site_b | Inloggen | Sessie / 1 dag\n")
    facts = _facts(text)
    assert facts[("_ga", "exact")] == ("persistent", 730)
    assert facts[("_gid", "exact")] == ("persistent", 1)
    assert facts[("IDE", "exact")] == ("persistent", 390)
    assert facts[("test_cookie", "exact")] == ("persistent", round(15 / 1440, 6))
    assert facts[("site_a", "exact")] == facts[("site_b", "exact")] == ("both", 1)


def test_pipe_separated_label_records_are_records_not_a_table():
    """consentmanager.net's list as text: "Name: … | Type: … | Max. storage duration: … | …"
    a line each; the first line is no table header and storage items are no cookies."""
    text = ("Cookies\n\nProvider: Example (Purpose: Necessary)\n"
            "Name: __cmpconsentx1 | Type: Cookie | Max. storage duration: 365 Days | Stores your consent\n"
            "Name: site_session | Type: Cookie | Max. storage duration: Session | Keeps you logged in\n"
            "Name: cmp_logs | Type: Local Storage | Max. storage duration: Persistent | A technical log\n"
            "Name: MUID | Type: Cookie | Max. storage duration: 1 Year 24 Days | Identifies your browser\n")
    facts = _facts(text)
    assert facts == {("__cmpconsentx1", "exact"): ("persistent", 365), ("site_session", "exact"): ("session", None),
                     ("MUID", "exact"): ("persistent", 389)}


def test_run_together_rows_with_lower_case_lifetimes():
    """A CookieYes audit table copied without separators: a lower-case lifetime word run into
    the description's capital, and a duration run into a lower-case host name."""
    text = ("Necessary\n\nCookieDurationDescription\n"
            "cookieyes-consent1 yearCookieYes sets this cookie to remember consent.\n"
            "woocommerce_items_in_cartsessionWooCommerce tracks whether there are items in the cart.\n"
            "site_last_viewedpastDescription is currently not available.\n"
            "test_cookie15 minutesdoubleclick.net sets this cookie to check cookie support.\n")
    facts = _facts(text)
    assert facts[("woocommerce_items_in_cart", "exact")] == ("session", None)
    assert facts[("site_last_viewed", "exact")] == (None, None)
    assert facts[("test_cookie", "exact")] == ("persistent", round(15 / 1440, 6))
    assert len(facts) == 4


def test_label_value_table_names_a_service_before_its_cookies(tmp_path):
    """Borlabs detail tables: "Name | Google Maps" (the service), other fields, then
    "Cookie Name | NID": the service's name is no cookie, the cookie is the record's."""
    html = ("<html><body><h1>Cookie details</h1><h3>External Media</h3>"
            "<table><tbody><tr><th>Name</th><td>Google Maps</td></tr>"
            "<tr><th>Provider</th><td>Google Ireland Limited</td></tr>"
            "<tr><th>Purpose</th><td>Used to unblock map content.</td></tr>"
            "<tr><th>Host(s)</th><td>.google.com</td></tr>"
            "<tr><th>Cookie Name</th><td>NID</td></tr><tr><th>Cookie Expiry</th><td>6 Month</td></tr></tbody></table>"
            "<table><tbody><tr><th>Name</th><td>Table booking</td></tr>"
            "<tr><th>Provider</th><td>Owner of this website</td></tr>"
            "<tr><th>Cookie Name</th><td>tb_booking, tb_booking_step</td></tr>"
            "<tr><th>Cookie Expiry</th><td>Session</td></tr></tbody></table></body></html>")
    path = tmp_path / "statement.html"
    path.write_text(html, encoding="utf-8")
    facts = {(c.pattern, c.match): (c.lifetime, c.max_age_days) for c in parse_statement(path).cookies}
    assert facts == {("NID", "exact"): ("persistent", 180), ("tb_booking", "exact"): ("session", None),
                     ("tb_booking_step", "exact"): ("session", None)}


def test_web_storage_keys_in_prose_are_no_cookies():
    """A key the sentence names as local storage is no cookie, also under Markdown emphasis;
    a cookie named in the same sentence stays one."""
    text = ("# Cookies\n\nPiwik PRO bewaart daarnaast gegevens in de *local storage* van uw browser "
            "(`ppms_webstorage`). Dat is geen cookie.\n\n"
            "The chat tool sets a cookie called uplc_chat for 24 hours and stores the conversation in your "
            "browser's local storage (uplc_transcript) until you close the tab.\n")
    patterns = {c.pattern for c in parse_text(text).cookies}
    assert patterns == {"uplc_chat"}


def test_one_cell_per_line_header_given_once_over_categories():
    """A Cookiebot declaration copied as text: the header once, then per category a line
    "Statistieken (2)", a sentence and rows of one cell per line, read under that header."""
    text = ("Cookieverklaring\n\nNoodzakelijk (1)\nNoodzakelijke cookies laten de website werken.\n\n"
            "Naam\nAanbieder\nDoel\nMaximale opslagduur\nType\n"
            "CookieConsent\nCookiebot\nSlaat de cookiestatus op\n1 jaar\nHTTP-cookie\n\n"
            "Statistieken (2)\n_ga [x2]\nGoogle\nRegistreert een uniek ID dat wordt gebruikt om statistische gegevens te genereren.\n"
            "2 jaar\nHTTP-cookie\n_gid\nGoogle\nRegistreert een uniek ID\n1 dag\nHTTP-cookie\n\n"
            "Marketing (2)\n_gcl_au\nGoogle\nMeet advertenties\n3 maanden\nHTTP-cookie\n"
            "test_cookie\nGoogle\nControleert of de browser cookies ondersteunt\n1 dag\nHTTP-cookie\n")
    facts = _facts(text)
    assert facts == {("CookieConsent", "exact"): ("persistent", 365), ("_ga", "exact"): ("persistent", 730),
                     ("_gid", "exact"): ("persistent", 1), ("_gcl_au", "exact"): ("persistent", 90),
                     ("test_cookie", "exact"): ("persistent", 1)}


def test_service_heading_under_category_heading_keeps_the_purpose():
    """Plain-text headings "Marketing", then "Meta Pixel" (a service): the service's cookies
    keep the category's purpose; the next category heading replaces it."""
    text = ("Cookies\n\nMarketing\n\nMeta Pixel\n\nDe cookie _fbp meet advertenties en blijft 3 maanden bewaard.\n\n"
            "Statistieken\n\nMatomo\n\nDe cookie _pk_id blijft 13 maanden bewaard.\n")
    purposes = {c.pattern: c.purpose for c in parse_text(text).cookies}
    assert purposes == {"_fbp": "marketing", "_pk_id": "analytic"}


def test_parenthesis_after_a_list_of_names_is_the_whole_lists():
    text = ("Cookie notice\n\nCookies from social media and adverts\n"
            "• _tt_enable_cookie, _ttp (13 mths) — TikTok: measures our adverts\n"
            "• _pk_id and _pk_ses (13 months and 30 minutes) — Matomo\n")
    facts = _facts(text)
    assert facts[("_tt_enable_cookie", "exact")] == facts[("_ttp", "exact")] == ("persistent", 390)
    assert facts[("_pk_id", "exact")] == ("persistent", 390)
    assert facts[("_pk_ses", "exact")] == ("persistent", round(30 / 1440, 6))


def test_same_as_above_takes_the_lifetime_of_the_item_before():
    text = ("Cookie notice\n\nCookies we always set\n"
            "• wordpress_logged_in_[hash] (until you close your browser, or 14 days if you tick \"Remember me\") — keeps you logged in\n"
            "• wordpress_sec_[hash] (same as above) — secures your log-in\n"
            "• rat_basket — holds the tickets, as above\n")
    facts = _facts(text)
    assert facts[("wordpress_sec_", "prefix")] == facts[("wordpress_logged_in_", "prefix")] == ("both", 14)
    assert facts[("rat_basket", "exact")] == (None, None)  # "as above" in prose is no lifetime

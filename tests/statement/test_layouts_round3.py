"""Focused tests of the forms issue 9's third round reads (each failed before it): label
records a line each (with colons, with TABs, label and value on lines of their own), "name:
duration" lists, one-cell-per-line tables with wrapped cells, cells run into a host name or
a number, lifetimes with a condition, names listed together, cookie categories under a
general heading, PDF ligatures, and prose that only looks like a record."""

from __future__ import annotations

from cookieaudit.statement import parse_statement, parse_text
from cookieaudit.statement.names import pattern_of
from cookieaudit.statement.rows import RowContext, split_cells
from cookieaudit.statement.runtogether import label_role, table_names_ok


def _facts(text: str) -> dict:
    return {(c.pattern, c.match): (c.lifetime, c.max_age_days) for c in parse_text(text).cookies}


def _html(tmp_path, html: str):
    path = tmp_path / "statement.html"
    path.write_text(html, encoding="utf-8")
    return parse_statement(path)


def _days(text: str) -> dict:
    return {c.pattern: c.max_age_days if c.lifetime != "session" else "session" for c in parse_text(text).cookies}


# --- label records ----------------------------------------------------------------------------

def test_name_line_with_label_lines_is_one_record_each():
    """A name on its own line with "Doel:" / "Vervalt na:" lines under it and no blank line
    between: each name keeps its own duration (a Flemish accordion copied as text)."""
    text = ("Cookiebeleid\n\nNoodzakelijke cookies\n\n"
            "SSESS[id]\nDoel: houdt je aangemeld in het e-loket\nVervalt na: op het einde van de zitting\n\n"
            "gemeente_keuze\nDoel: onthoudt je keuze in de cookiemelding\nVervalt na: 100 dagen\n\n"
            "gemeente_melding\nDoel: onthoudt dat je de melding sloot\n\n"
            "gemeente_zoek\nDoel: onthoudt je laatste zoekopdracht\nVervalt na: zes maanden\n")
    facts = _facts(text)
    assert facts[("SSESS", "prefix")] == ("session", None)
    assert facts[("gemeente_keuze", "exact")] == ("persistent", 100)
    assert facts[("gemeente_melding", "exact")] == (None, None)  # no duration: never a neighbour's
    assert facts[("gemeente_zoek", "exact")] == ("persistent", 180)


def test_tab_label_lines_with_service_name_and_cookie_name():
    """A CMP's service box copied with TABs: "Naam" is the service, "Cookie naam" the cookies,
    "Cookie looptijd" their duration; fields such as "Privacybeleid" are passed over."""
    text = ("Cookiebeleid\n\nStatistieken\n\n"
            "Naam\tHotjar\nAanbieder\tHotjar Ltd., Malta\nDoel\tMaakt heatmaps van de pagina's.\n"
            "Privacybeleid\thttps://www.hotjar.com/legal/policies/privacy/\n"
            "Cookie naam\t_hjSessionUser_*, _hjSession_*\nCookie looptijd\t30 minuten – 1 jaar\n\n"
            "Naam\tWooCommerce\nAanbieder\tEigenaar van deze website\nDoel\tHoudt je winkelwagen bij.\n"
            "Cookie naam\twoocommerce_cart_hash\nCookie looptijd\tSessie / 2 dagen\n")
    declaration = parse_text(text)
    facts = {c.pattern: (c.lifetime, c.max_age_days, c.vendor) for c in declaration.cookies}
    assert facts["_hjSessionUser_"][:2] == ("persistent", 365)
    assert facts["_hjSession_"][:2] == ("persistent", 365)
    assert facts["woocommerce_cart_hash"] == ("both", 2, "WooCommerce")
    assert "Hotjar" not in facts and "WooCommerce" not in facts


def test_label_and_value_lines_after_a_description():
    """A OneTrust cookie list copied as text: the category's description, then "Naam" / value /
    "Host" / value / "Duur" / value … with no blank lines; short plain names ("lang") too."""
    text = ("Cookieverklaring\n\nFunctionele cookies\n"
            "Met deze cookies onthoudt de website uw taalkeuze.\nCookiedetails\n"
            "Naam\nlang\nHost\n.voorbeeld.nl\nDuur\nSessie\nType\nEigen\n"
            "Naam\nvuid\nHost\n.vimeo.com\nDuur\n730 Dagen\nType\nDerde partij\n")
    facts = _facts(text)
    assert facts[("lang", "exact")] == ("session", None)
    assert facts[("vuid", "exact")] == ("persistent", 730)


def test_label_per_line_records_under_a_header_row_are_read_without_a_warning():
    """A mobile table: the header row, then every cell preceded by its label on a line of its
    own, the labels' values as paragraphs; no 'table without readable rows' warning."""
    text = ("Cookies op voorbeeld.nl\n\nCookies die meten hoe u de website gebruikt\n\n"
            "Lijst van cookies\nNaam Doel Vervalt\nNaam\n\n_pk_id.<id>.<hash>\n\nDoel\n\n"
            "Onthoudt een willekeurig bezoekersnummer, zodat wij terugkerende bezoekers herkennen\n\n"
            "Vervalt\n\n13 maanden\n\nNaam\n\nSQsession\n\nDoel\n\n"
            "Houdt bij of u in dit bezoek al een vraag heeft gezien, zodat u die niet opnieuw krijgt\n")
    declaration = parse_text(text)
    facts = {(c.pattern, c.match): (c.lifetime, c.max_age_days) for c in declaration.cookies}
    assert facts[("_pk_id.*.*", "glob")] == ("persistent", 390)
    assert ("SQsession", "exact") in facts
    assert not [w for w in declaration.warnings if "without readable rows" in w]


def test_cookie_label_prefix_has_the_labels_role():
    assert label_role("Cookie looptijd") == "lifetime"
    assert label_role("Cookie-doel") == "purpose"
    assert label_role("Vervalt in:") == "lifetime"
    assert label_role("Cookienamen") == "name"
    assert label_role("Max. opslagduur") == "lifetime"
    assert label_role("Looptijd cookie") == "lifetime"
    assert label_role("Bewaartermijn van de cookie") == "lifetime"
    assert label_role("Vervaldag") == "lifetime"
    assert label_role("Wat doet deze cookie?") == "purpose"
    assert label_role("Cookie monster") is None


# --- name: duration lists -------------------------------------------------------------------

def test_name_colon_duration_lines_keep_their_own_durations():
    """iubenda-style "Duur van de opslag:" lists, a line each or inline with ";"; a short name
    the rule set knows ("fr") is a name where its own duration follows it."""
    text = ("Cookiebeleid\n\nStrikt noodzakelijk\n\nVerwerkte persoonsgegevens: trackers.\nDuur van de opslag:\n"
            "site_sessie: duur van de sessie\nsite_volume: 1 jaar\n\nMarketing\n\n"
            "Duur van de opslag: _fbp: 3 maanden; fr: 90 dagen\n\n"
            "Duur van de opslag:\nIDE: 2 jaar\ntest_cookie: 15 minuten\n")
    days = _days(text)
    assert days["site_sessie"] == "session"
    assert days["site_volume"] == 365
    assert days["_fbp"] == 90 and days["fr"] == 90
    assert days["IDE"] == 730
    assert abs(days["test_cookie"] - 15 / 1440) < 1e-4


def test_names_listed_together_share_the_duration_after_the_list():
    text = ("Cookies\n\nStatistiekcookies\n\n"
            "• _ga, _ga_<ID> – Google Analytics – onderscheidt bezoekers – 2 jaar\n"
            "• _ttp, _tt_enable_cookie – TikTok – meten het effect – 1 dag tot 13 maanden\n")
    days = _days(text)
    assert days["_ga"] == days["_ga_"] == 730  # "_ga_<ID>": the prefix _ga_
    assert days["_ttp"] == days["_tt_enable_cookie"] == 390


# --- tables ---------------------------------------------------------------------------------

def test_one_cell_per_line_with_wrapped_cells_ends_each_row_at_its_lifetime():
    text = ("Cookies\n\nOp onze website gebruiken wij functionele cookies.\n\n"
            "Naam\nAanbieder\nDoel\nBewaartermijn\n"
            "zwembad-melding-\ngesloten\nSportbedrijf\nZwemstad\nOnthoudt dat u de melding over\n"
            "gesloten baden heeft weggeklikt.\n14 dagen\n"
            "rooster_filter\nSportbedrijf\nZwemstad\nOnthoudt welk bad u in\nhet rooster koos.\n30 dagen\n"
            ".AspNetCore.Session\nSportbedrijf\nZwemstad\nHoudt uw reservering vast terwijl u\nbetaalt.\nSessie\n"
            "_pk_ses.*\nMatomo\nHoudt de pagina's van één bezoek bij\nelkaar.\n30 minuten\n\nUw rechten\n\nU kunt uw gegevens inzien.\n")
    facts = _facts(text)
    assert facts[("zwembad-melding-gesloten", "exact")] == ("persistent", 14)
    assert facts[("rooster_filter", "exact")] == ("persistent", 30)
    assert facts[(".AspNetCore.Session", "exact")] == ("session", None)
    assert facts[("_pk_ses.", "prefix")][0] == "persistent"
    assert abs(facts[("_pk_ses.", "prefix")][1] - 30 / 1440) < 1e-4


def test_run_together_cells_with_host_names_and_numbers():
    header = ["Cookie name", "Provider", "Default expiration time", "Description"]
    context = RowContext(domains=["example.org.uk"], glued=True)
    rows = {
        "wp_test_cookiewww.example.org.uk1 monthChecks cookies.": ("wp_test_cookie", "www.example.org.uk", "1 month"),
        "IDEdoubleclick.net1 year 24 daysShows adverts.": ("IDE", "doubleclick.net", "1 year 24 days"),
        "test_cookiedoubleclick.net15 minutesChecks cookies.": ("test_cookie", "doubleclick.net", "15 minutes"),
        "cookielawinfo-checkbox-necessaryCookieYes11 monthsRecords the banner.":
            ("cookielawinfo-checkbox-necessary", "CookieYes", "11 months"),
        "_gaGoogle LLC1 jaar 1 maandRegistreert een nummer.": ("_ga", "Google LLC", "1 jaar 1 maand"),
    }
    for line, expected in rows.items():
        cells, _ = split_cells(line, header, context)
        assert cells[:3] == expected, line


def test_lifetimes_with_a_condition_end_a_single_space_row():
    text = ("Cookies\n\nName Purpose Expires\n"
            "site-cookie-consent Remembers if you used our cookie banner When you close the browser "
            "(if you do not use the banner) or 1 year (if you use the banner)\n"
            "queue_it Holds your place in the queue Up to 10 minutes after you leave the queue\n"
            "site_basket Keeps your basket 30 days\n")
    facts = _facts(text)
    assert facts[("site-cookie-consent", "exact")] == ("both", 365)
    assert facts[("queue_it", "exact")][0] == "persistent"
    assert abs(facts[("queue_it", "exact")][1] - 10 / 1440) < 1e-4
    assert facts[("site_basket", "exact")] == ("persistent", 30)


def test_comma_or_joins_a_session_and_a_duration():
    text = ("Cookies\n\nCookie nameProviderPurposeExpiry\n"
            "secure_customer_sigShopifyKeeps you signed in to your accountSession, or 1 year if you tick Remember me\n"
            "cart_currencyShopifyRemembers your currency14 days\n")
    facts = _facts(text)
    assert facts[("secure_customer_sig", "exact")] == ("both", 365)


def test_plural_name_column_and_hidden_cell_labels_in_html(tmp_path):
    html = ("<html><body><h1>Cookieverklaring</h1><h2>Noodzakelijke cookies</h2><table>"
            "<tr><th>Domein</th><th>Cookienamen</th><th>Bewaartermijn</th></tr>"
            "<tr><td>linkedin.com</td><td>bcookie, li_gc</td><td>365 Dagen</td></tr>"
            "<tr><td>linkedin.com</td><td>lidc</td><td>1 Dagen</td></tr></table>"
            "<h2>Functionele cookies</h2><table><tr><th>Cookie</th><th>Vervalt na</th></tr>"
            "<tr><td><span class='visually-hidden'>Cookie: </span>.ASPXAUTH</td>"
            "<td><span class='visually-hidden'>Vervalt na: </span>20 minuten</td></tr></table></body></html>")
    facts = {c.pattern: (c.lifetime, c.max_age_days) for c in _html(tmp_path, html).cookies}
    assert facts["bcookie"] == facts["li_gc"] == ("persistent", 365)
    assert facts["lidc"] == ("persistent", 1)
    assert facts[".ASPXAUTH"][0] == "persistent"


# --- sections and prose -----------------------------------------------------------------------

def test_cookie_categories_under_a_general_heading_are_read(tmp_path):
    """Termly puts its category tables under "Hoe kan ik cookies beheren?": a general heading
    whose sub-headings hold cookie records is no reason to skip them."""
    html = ("<html><head><title>Cookiebeleid</title></head><body><h1>Cookiebeleid</h1>"
            "<h2>Wat zijn cookies?</h2><p>Een cookie is een bestandje.</p>"
            "<h2>Hoe kan ik cookies beheren?</h2><p>Je kan je keuze altijd wijzigen.</p>"
            "<h3>Essentiële websitecookies</h3><table>"
            "<tr><td>Naam:</td><td>winkel_sessie</td></tr><tr><td>Vervalt in:</td><td>sessie</td></tr></table>"
            "<table><tr><td>Naam:</td><td>lastReferrer</td></tr><tr><td>Type:</td><td>html_local_storage</td></tr>"
            "<tr><td>Vervalt in:</td><td>persistent</td></tr></table>"
            "<h2>Wat zijn cookies van derden?</h2><p>Ze komen van anderen.</p></body></html>")
    facts = {c.pattern: c.lifetime for c in _html(tmp_path, html).cookies}
    assert facts == {"winkel_sessie": "session"}  # local storage is no cookie


def test_a_capitalised_heading_over_unrelated_prose_is_no_cookie():
    text = ("Privacy notice\n\nCookies\n\nThe website sets _ga for 2 years.\n\nCCTV\n\n"
            "Cameras cover the entrances. Recordings are overwritten after 30 days.\n")
    assert set(_facts(text)) == {("_ga", "exact")}


def test_flemish_session_wordings():
    text = ("Cookies\n\nNaam Doel Vervaltermijn\n"
            "stad_sessie houdt je aanmelding bij op het einde van de zitting\n"
            "stad_loket houdt je aanvraag bij gebruikerssessie\n"
            "stad_taal onthoudt je taal 1 jaar\n")
    facts = _facts(text)
    assert facts[("stad_sessie", "exact")] == ("session", None)
    assert facts[("stad_loket", "exact")] == ("session", None)
    assert facts[("stad_taal", "exact")] == ("persistent", 365)


def test_pdf_ligatures_are_letters_in_names():
    assert pattern_of("ARRAﬃnitySameSite") == ("ARRAffinitySameSite", "exact")
    assert pattern_of("__RequestVeriﬁcationToken") == ("__RequestVerificationToken", "exact")
    assert table_names_ok("ARRAﬃnity, ARRAﬃnitySameSite")

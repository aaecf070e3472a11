"""Focused tests of the forms issue 9's sixth round reads (each failed before it), written in
wordings of their own rather than copied from the evaluation statements."""

from __future__ import annotations

from cookieaudit.statement import parse_statement, parse_text


def _items(text: str) -> dict:
    return {c.pattern: (c.lifetime, c.max_age_days, c.purpose, c.vendor) for c in parse_text(text).cookies}


def _html(tmp_path, body: str):
    path = tmp_path / "statement.html"
    path.write_text(f"<html lang='en'><body><h1>Cookie policy</h1>{body}</body></html>", encoding="utf-8")
    return parse_statement(path)


def test_a_comma_list_of_durations_with_sessions_pairs_with_the_names(tmp_path):
    """A CMP cookie list's cell of comma-separated names beside a cell of as many
    comma-separated durations gives each name its own, sessions included; "Session / 1 year"
    for two names stays the one lifetime of both."""
    declaration = _html(tmp_path, """
      <h2>Strictly necessary cookies</h2>
      <table><tr><th>Host</th><th>Cookies</th><th>Lifespan</th></tr>
      <tr><td>example.org</td><td>site_consent, site_login, site_lb</td><td>200 days, Session, 45 minutes</td></tr>
      <tr><td>example.org</td><td>site_a, site_b</td><td>Session, Session</td></tr>
      <tr><td>example.org</td><td>keep_x, keep_y</td><td>Session / 1 year</td></tr></table>""")
    items = {c.pattern: (c.lifetime, c.max_age_days) for c in declaration.cookies}
    assert items == {"site_consent": ("persistent", 200), "site_login": ("session", None),
                     "site_lb": ("persistent", round(45 / 1440, 6)), "site_a": ("session", None),
                     "site_b": ("session", None), "keep_x": ("both", 365), "keep_y": ("both", 365)}


def test_placeholders_written_as_html_entities_in_markdown():
    """Markdown shows "&lt;hash&gt;" as "<hash>": a name ending in such a placeholder is a
    glob, the entities are no names of their own."""
    text = ("## Cookies\n\n### Essential\n\n| Cookie | Provider | Purpose | Expires |\n| :--- | :--- | :--- | :--- |\n"
            "| shop_session_&lt;hash&gt; | Shop | Finds your basket | 2 days |\n"
            "| _ga_&lt;container id&gt; | Google Analytics | Keeps the state of a visit | 2 yrs |\n"
            "| shop_lang | Shop | Remembers your language | Session |\n")
    items = _items(text)
    assert set(items) == {"shop_session_", "_ga_", "shop_lang"}
    assert items["shop_session_"][:2] == ("persistent", 2)
    assert items["_ga_"][:2] == ("persistent", 730)
    declaration = parse_text(text)
    assert {c.match for c in declaration.cookies if c.pattern != "shop_lang"} == {"prefix"}


def test_a_cmp_declaration_one_cell_per_line_with_a_multiplicity_marker():
    """Cookiebot's declaration copied one cell per line: "name [x2]" (a cookie set on two
    domains) starts a record like any name line, so the rows after it keep their own cells."""
    text = ("Cookieverklaring\n\nNoodzakelijk (3)\n\nNoodzakelijke cookies helpen een website bruikbaarder te maken.\n\n"
            "Naam\nAanbieder\nDoel\nVervaldatum\nType\n"
            "site_keuze\nVoorbeeld\nSlaat uw keuze op.\n1 jaar\nHTTP\n"
            "lb_route [x3]\nVoorbeeld\nVerdeelt het verkeer over de servers.\n2 dagen\nHTTP\n"
            "site_sessie\nvoorbeeld.nl\nHoudt uw sessie bij.\nSessie\nHTTP\n")
    items = _items(text)
    assert set(items) == {"site_keuze", "lb_route", "site_sessie"}
    assert items["lb_route"][:3] == ("persistent", 2, "functional")
    assert items["site_sessie"][:2] == ("session", None)


def test_flemish_bullets_with_zitting_as_their_duration():
    """Flemish writes a browser session as "zitting": "(zitting)" closing a bullet is its
    cookie's session lifetime, like "(vervalt op het einde van de zitting)"."""
    text = ("Cookiebeleid\n\nFunctionele cookies\n"
            "• stad_sessie: houdt bij dat je aangemeld bent (vervalt op het einde van de zitting)\n"
            "• stad_js: onthoudt of je browser scripts uitvoert (zitting)\n"
            "• stad_taal: onthoudt je taal (bewaartermijn: 1 jaar)\n")
    items = _items(text)
    assert items["stad_js"][:2] == items["stad_sessie"][:2] == ("session", None)
    assert items["stad_taal"][:2] == ("persistent", 365)


def test_a_sentence_across_an_empty_table_names_no_cookies(tmp_path):
    """A CMP's audit table of a category without cookies holds one row whose cell spans the
    columns and says so: its words are no cookie names."""
    declaration = _html(tmp_path, """
      <h2>Functional</h2>
      <table><thead><tr><th>Cookie</th><th>Duration</th><th>Description</th></tr></thead>
      <tbody><tr><td colspan="3">There are no cookies to show here.</td></tr></tbody></table>
      <h2>Analytics</h2>
      <table><thead><tr><th>Cookie</th><th>Duration</th><th>Description</th></tr></thead>
      <tbody><tr><td>site_visits</td><td>1 year</td><td>Counts visits.</td></tr></tbody></table>""")
    assert [c.pattern for c in declaration.cookies] == ["site_visits"]


def test_a_fraction_of_a_day_in_a_days_column():
    """A column headed in days gives a bare fraction its unit too: "0.0007" is about a minute."""
    text = ("Cookies\n\nAnalytics cookies\n\nCookie\tSet by\tPurpose\tExpiry (days)\n"
            "site_id\tExample\tTells visitors apart\t400\n"
            "site_throttle\tExample\tLimits the request rate\t0.0007\n")
    items = _items(text)
    assert items["site_id"][:2] == ("persistent", 400)
    assert items["site_throttle"][:2] == ("persistent", 0.0007)
    assert parse_text(text).warnings == []


def test_accordion_records_of_two_names_use_the_plural_labels():
    """An accordion record naming two cookies asks its questions in the plural ("What they do:",
    "How long they last:"): the labels are read as in the singular and the one duration is
    each name's."""
    text = ("Cookies\n\nCookies that measure website use\nWe only use these if you say yes.\n\n"
            "site_a, site_b\nSet by: Example Analytics\nWhat they do: count the visitors of each page\n"
            "How long they last: up to 18 months\n\n"
            "site_c\nSet by: Example Analytics\nWhat it does: limits requests\nHow long it lasts: 1 minute\n")
    items = _items(text)
    assert items["site_a"][:3] == items["site_b"][:3] == ("persistent", 540, "analytic")


def test_a_name_followed_by_a_variable_part_in_prose_is_a_prefix():
    """"site_v_ followed by a site code" (and the Dutch "gevolgd door") names the cookies
    starting with it; the name before another word stays exact."""
    text = ("Cookies\n\nWe use analytics cookies. The tool sets site_v, which lasts two years, and site_v_ followed by "
            "a site code, which also lasts two years. Daarnaast plaatsen we stats_ gevolgd door een nummer (1 dag).\n")
    items = {c.pattern: c.match for c in parse_text(text).cookies}
    assert items == {"site_v": "exact", "site_v_": "prefix", "stats_": "prefix"}


def test_a_run_together_row_ending_in_its_lifetime_word():
    """A CMP grid copied with its cells run together: a row without a description ends in its
    lifetime word ("site_langsessie"); a name ending in "_session" on its own stays a name."""
    text = ("Cookiebeleid\n\nStatistieken\nStatistieken\nGebruikWe tellen bezoeken.\nNaamVervaltermijnFunctie\n"
            "site_teller1 jaarTelt uw bezoeken\nsite_langsessie\nci_session\n")
    items = _items(text)
    assert items["site_lang"][:2] == ("session", None)
    assert items["site_teller"][:2] == ("persistent", 365)
    assert "ci_session" in items


def test_consent_asked_in_flemish_and_in_plain_english():
    """"… pas geplaatst als je ze aanvaardt" (Flemish accept), "only … if you say yes" and
    "everything else is off until you switch it on" ask for consent; "everything else" is the
    cookies the clause before did not name."""
    claims = parse_text("Cookiebeleid\n\nAnalytische cookies\n\nWe meten het gebruik van de website met analytische "
                        "cookies. Deze analytische cookies worden pas geplaatst als je ze aanvaardt.\n").claims
    assert claims.consent_required_for == ["analytic"]
    claims = parse_text("Cookies\n\nAnalytics cookies are only set if you say yes to them on our cookie banner.\n").claims
    assert claims.consent_required_for == ["analytic"]
    claims = parse_text("Cookies\n\nWe use cookies. Essential cookies are needed for the basket; everything else is off "
                        "until you switch it on in the cookie settings.\n").claims
    assert claims.consent_required_for == ["analytic", "marketing"]


def test_consent_for_the_cookies_not_named_as_placed_without_it(tmp_path):
    """"Only necessary cookies are used without your consent" and "… je toelaat, behalve de
    noodzakelijke" put the other declared purposes behind consent; functional cookies under a
    preferences heading count among them, those under a necessity heading do not."""
    declaration = _html(tmp_path, """
      <p>We use cookies. Only necessary cookies are used without your consent.</p>
      <h2>Necessary</h2><table><tr><th>Cookie</th><th>Expiry</th></tr><tr><td>site_session</td><td>Session</td></tr></table>
      <h2>Preferences</h2><table><tr><th>Cookie</th><th>Expiry</th></tr><tr><td>site_lang</td><td>1 year</td></tr></table>
      <h2>Statistics</h2><table><tr><th>Cookie</th><th>Expiry</th></tr><tr><td>site_stats</td><td>1 year</td></tr></table>""")
    assert declaration.claims.consent_required_for == ["analytic", "functional"]
    claims = parse_text("Cookiebeleid\n\nOp onze website gebruiken we cookies. Je kiest zelf welke cookies je toelaat, "
                        "behalve de noodzakelijke.\n\nNoodzakelijk\n\nNaam | Duur\n--- | ---\nsite_sessie | sessie\n\n"
                        "Analytisch\n\nNaam | Duur\n--- | ---\nsite_teller | 1 jaar\n").claims
    assert claims.consent_required_for == ["analytic"]
    claims = parse_text("Cookies\n\nEnkel de functionele cookies worden zonder je toestemming geplaatst. Wij gebruiken "
                        "ook analytische cookies en advertentiecookies.\n").claims
    assert claims.consent_required_for is None or "functional" not in claims.consent_required_for


def test_consent_sentences_that_name_no_category():
    """A CMP's stock sentence (consent "to use the categories you selected"), the link "Cookie
    settings" and "change your choice" name no purpose; "We place these only with your consent"
    asks it for the cookies the sentence before named."""
    claims = parse_text("Cookiebeleid\n\nFunctionele cookies\n\nWe gebruiken functionele cookies voor de werking van "
                        "de site.\n\nToestemming\n\nZodra je klikt op \"Opslaan voorkeuren\", geef je ons toestemming om "
                        "de categorieën cookies te gebruiken zoals je in de pop-up hebt aangegeven.\n").claims
    assert claims.consent_required_for is None
    claims = parse_text("Cookies\n\nWe ask for your permission before we use performance or targeting cookies, and you "
                        "can change your choice at any time with the 'Cookie settings' link.\n").claims
    assert claims.consent_required_for == ["analytic", "marketing"]
    claims = parse_text("Cookies\n\nMarketing cookies zijn cookies die gebruikt worden om advertenties te tonen. We "
                        "plaatsen deze alleen met je toestemming. We do not need to ask permission to use them.\n").claims
    assert claims.consent_required_for == ["marketing"]


def test_not_using_cookies_to_show_adverts_excludes_marketing_and_feedback_is_measuring():
    """"We do not use cookies to show you adverts" excludes marketing (the negation stands
    before "use cookies to", not right before the purpose); cookies that collect feedback
    measure the site, and "We only use these if you say yes" under such a heading asks consent
    for them."""
    claims = parse_text("Cookies\n\nWe put cookies on your device to make our website work. With your permission we "
                        "also use cookies to collect feedback. We do not use cookies to show you adverts.\n\n"
                        "Cookies that collect feedback\n\nWe only use these if you say yes.\n").claims
    assert claims.excluded_purposes == ["marketing"]
    assert "marketing" not in (claims.declared_purposes or [])
    assert claims.consent_required_for == ["analytic"]


def test_privacy_friendly_analytics_on_the_sites_own_server_or_with_ip_anonymisation():
    """Analytics on the site's own server (said after analytics cookies), "IP anonymisation",
    and an IP address whose last digits are left out ("weggelaten") are privacy-friendly
    analytics; a web server of one's own alone is not."""
    claims = parse_text("Cookies\n\nWe use analytics cookies to count visits. Our analytics runs on our own server "
                        "and the data is never shared.\n").claims
    assert claims.analytics_privacy_friendly is True
    claims = parse_text("Cookies\n\nWe use analytics cookies. We have turned on IP anonymisation.\n").claims
    assert claims.analytics_privacy_friendly is True
    claims = parse_text("Cookies\n\nWe gebruiken analytische cookies. De laatste twee cijfers van uw IP-adres worden "
                        "weggelaten.\n").claims
    assert claims.analytics_privacy_friendly is True
    claims = parse_text("Cookies\n\nWe use functional cookies for the shop. The shop runs on our own server.\n").claims
    assert claims.analytics_privacy_friendly is None


def test_no_cookies_from_social_media_excludes_them_and_cookies_marked_session_are_not_all():
    """"Wij plaatsen geen cookies van sociale media of advertentienetwerken" excludes marketing
    (the purpose follows "cookies van"); "Cookies met de waarde 'sessie' verdwijnen …" is about
    the cookies a table marks so, not about all cookies."""
    claims = parse_text("Cookies\n\nWij gebruiken alleen functionele en analytische cookies. Wij plaatsen geen cookies "
                        "van sociale media of advertentienetwerken. Cookies met de waarde 'sessie' verdwijnen als u uw "
                        "browser sluit.\n").claims
    assert claims.excluded_purposes == ["marketing"]
    assert claims.declared_purposes == ["analytic", "functional"]
    assert claims.all_session is None


def test_an_abbreviation_in_parentheses_is_no_name(tmp_path):
    """"(CSRF)" after "cross-site request forgery" abbreviates the words before it: no cookie
    name, so a list item headed by a plain lower-case name keeps its description."""
    declaration = _html(tmp_path, """
      <h2>Necessary cookies</h2><ul>
      <li><p><strong>Name</strong></p><p>Purpose, type, and duration</p></li>
      <li><p><strong>lbtoken</strong></p><p>Prevents cross-site request forgery (CSRF)</p><p>Cookie</p><p>Session</p></li>
      <li><p><strong>cartState</strong></p><p>Keeps your basket</p><p>Cookie</p><p>Two weeks</p></li></ul>""")
    items = {c.pattern: (c.lifetime, c.max_age_days) for c in declaration.cookies}
    assert items == {"lbtoken": ("session", None), "cartState": ("persistent", 14)}


def test_a_run_of_x_after_capitals_inside_a_name_is_a_placeholder():
    """"TSxxxxxxxx_d" (x for random characters, as "TSxxxxxxxx" at the end) is a glob; three x
    after capitals stay letters of the name."""
    from cookieaudit.statement.names import pattern_of

    assert pattern_of("TSxxxxxxxx_d") == ("TS*_d", "glob")
    assert pattern_of("TSxxxxxxxx") == ("TS", "prefix")
    assert pattern_of("MAXxxx_a") == ("MAXxxx_a", "exact")


def test_a_session_cookie_that_may_end_earlier_stays_a_session_cookie():
    """"… verdwijnt zodra u uw browser sluit, of eerder als u 15 minuten niets doet": the
    duration is an earlier end, not a lifetime; "Session or 14 days if …" still is both."""
    from cookieaudit.statement.attributes import read_lifetime

    lifetime = read_lifetime("De cookie verdwijnt zodra u uw browser sluit, of eerder als u 20 minuten niets doet.")
    assert (lifetime.lifetime, lifetime.max_age_days) == ("session", None)
    lifetime = read_lifetime("Ends with the session, or earlier if you are idle for 10 minutes.")
    assert (lifetime.lifetime, lifetime.max_age_days) == ("session", None)
    lifetime = read_lifetime("Session or 14 days if you tick 'Remember me'", cell=True)
    assert (lifetime.lifetime, lifetime.max_age_days) == ("both", 14)


def test_a_type_paragraph_of_web_storage_in_a_cookie_list_is_no_cookie(tmp_path):
    """A hosted site's cookie list, one paragraph per field: an item whose type paragraph says
    "localstorage" is web storage, no cookie; the items typed "Cookie" stay."""
    declaration = _html(tmp_path, """
      <h2>Functional cookies</h2><ul>
      <li><p><strong>Name</strong></p><p>Purpose, type, and duration</p></li>
      <li><p><strong>site-banner-closed</strong></p><p>Keeps the banner closed</p><p>localstorage</p><p>Persistent</p></li>
      <li><p><strong>siteCart</strong></p><p>Keeps your basket</p><p>Cookie</p><p>Two weeks</p></li></ul>""")
    assert [c.pattern for c in declaration.cookies] == ["siteCart"]


def test_a_plain_name_before_a_dutch_relative_clause_with_its_duration():
    """"… en lidc, dat na 24 uur verdwijnt": a plain rule-set name followed by a relative clause
    that ends in a verb of expiring and holds a duration is a name with that duration."""
    items = _items("Cookies\n\nLinkedIn zet de cookies bcookie en li_sugr; beide blijven een jaar op uw apparaat, "
                   "en lidc, dat na 12 uur verdwijnt.\n")
    assert items["lidc"][:2] == ("persistent", 0.5)

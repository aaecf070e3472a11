"""Focused tests of the forms issue 9's fifth round reads (each failed before it), written in
wordings of their own rather than copied from the evaluation statements: CMP service blocks
copied as text (service, category, table run together), header roles that give bare cells a
unit, dash-separated record lines, tab-separated cells."""

from __future__ import annotations

import pytest

from cookieaudit.statement import parse_text
from cookieaudit.statement.attributes import read_lifetime
from cookieaudit.statement.cells import lifetime_line


def _items(text: str) -> dict:
    return {c.pattern: (c.lifetime, c.max_age_days, c.purpose, c.vendor) for c in parse_text(text).cookies}


def test_cmp_service_blocks_copied_as_text():
    """A Complianz-style policy copied from its div grid: the service name, its category and
    the table follow one another without blank lines, the English header is "Name / Expiration /
    Function" run together, every row's name runs into its duration (a name ending where the
    duration's number begins) and the duration into the function, or into "n/a"."""
    text = ("Cookie policy\n\n3. Cookies we place\n\n"
            "Vimeo\nMarketing/Tracking\nUsage\nWe show videos of our events through Vimeo.\n"
            "Marketing/Tracking\nNameExpirationFunction\nvuid2 yearsStore the user's usage history\n\n"
            "Matomo\nStatistics\nUsage\nWe count visits with Matomo.\nStatistics\nNameExpirationFunction\n"
            "_pk_id.*13 monthsStore a unique visitor ID\n_pk_ses.*30 minutesStore the current visit\n"
            "mtm_consentsessionRemember consent\n"
            "Miscellaneous\nPurpose pending investigation\nUsage\nSharing data\nPurpose pending investigation\n"
            "NameExpirationFunction\nevent_banner_seen3 monthsn/a\n")
    items = _items(text)
    assert items["vuid"] == ("persistent", 730, "marketing", "Vimeo")
    assert items["_pk_id."][:3] == ("persistent", 390, "analytic")
    assert items["_pk_ses."][:2] == ("persistent", round(30 / 1440, 6))
    assert items["mtm_consent"][:3] == ("session", None, "analytic")
    assert items["event_banner_seen"] == ("persistent", 90, None, None)
    assert set(items) == {"vuid", "_pk_id.", "_pk_ses.", "mtm_consent", "event_banner_seen"}


def test_name_dash_purpose_dash_duration_lines():
    """A shop platform's cookie list: one line per cookie, the name first, then its fields
    after spaced dashes; each line keeps its own duration (a plain word such as "basket" is a
    name by its place at the line's start), "A / B … each" gives both names the duration, a
    field starting with a vendor's name and a semicolon names the vendor, and "(set by X)" in
    a heading names the vendor of its rows."""
    text = ("Our cookies\n\nCookies needed to run the shop (set by Shopify)\n\n"
            "basket – holds what you put in your basket – 10 days\n"
            "checkout_token – keeps your place in the checkout – 45 mins\n"
            "wishlist_key – remembers your wish list – until you close your browser\n"
            "_first_page / _came_from – note where your visit began – 3 weeks each\n\n"
            "Marketing cookies\n\n"
            "_pin_unauth – Pinterest; measures our pins – 1 year\n"
            "_uetsid – Microsoft Advertising; links your visit to our ads – 1 day\n\n"
            "prose – a line like this one says nothing about how long anything lasts\n")
    items = _items(text)
    assert items["basket"] == ("persistent", 10, "functional", "Shopify")
    assert items["checkout_token"][:2] == ("persistent", round(45 / 1440, 6))
    assert items["wishlist_key"][:2] == ("session", None)
    assert items["_first_page"][:3] == items["_came_from"][:3] == ("persistent", 21, "functional")
    assert items["_pin_unauth"] == ("persistent", 365, "marketing", "Pinterest")
    assert "prose" not in items


def test_tab_table_with_category_rows_and_a_days_header():
    """A cookie audit copied with TABs: a category as a one-cell row inside the table heads
    the rows after it (which stay under the table's header), the lifetime header "(days)" /
    "(dagen)" gives its bare numbers their unit, and a sentence defining "Session" is no
    claim that all cookies are session cookies."""
    text = ("Cookies\n\nIn the table, \"Session\" means the cookie is deleted when you close your browser.\n\n"
            "Name\tHost\tRetention (days)\tPurpose\n"
            "Necessary\n"
            "site_sess\t.example.org\tSession\tKeeps you signed in\n"
            "site_pref\t.example.org\t180\tRemembers your settings\n"
            "Advertising\n"
            "ad_uid\t.ads.example.net\t90\tTells browsers apart for adverts\n")
    declaration = parse_text(text)
    items = {c.pattern: (c.lifetime, c.max_age_days, c.purpose) for c in declaration.cookies}
    assert items == {"site_sess": ("session", None, "functional"), "site_pref": ("persistent", 180, "functional"),
                     "ad_uid": ("persistent", 90, "marketing")}
    assert declaration.claims.all_session is None
    dutch = _items("Cookies\n\nNaam\tBewaartermijn (maanden)\tDoel\nvoorkeur_taal\t12\tOnthoudt uw taal\n"
                   "bezoek_id\t6\tTelt bezoeken\n")
    assert dutch["voorkeur_taal"][:2] == ("persistent", 360)
    assert dutch["bezoek_id"][:2] == ("persistent", 180)


def test_settings_window_copied_as_text():
    """A consent plug-in's settings window as text: a control's label on its own line ("Enable
    or Disable Cookies", "Always active") is neither a heading nor text, so the rows under it
    stay in their category; lines "name (duration) - description" are one record each, with
    one duration per name where each name has its own, a one-letter name by its place, the
    vendor a description starts with, and a rule-set family's purpose for a prefix name the
    statement gives none."""
    text = ("Privacy settings\n\nNecessary Cookies\n\nThese keep the site working.\n\nAlways active\n\n"
            "Enable or Disable Cookies\n\nCookies in this group:\n"
            "site_consent (6 months) - remembers your choices\n"
            "__stripe_mid (1 year) and __stripe_sid (30 minutes) - Stripe: fraud prevention for donations\n"
            "m (2 years) - Stripe device identifier\n\n"
            "Third-party Cookies\n\nOthers set these.\n\nEnable or Disable Cookies\n\nCookies in this group:\n"
            "_hjSessionUser_{site_id} (1 year) - Hotjar: a random user ID\n"
            "tk_ai (session) - Jetpack Stats: an anonymous visitor ID\n")
    items = _items(text)
    assert items["site_consent"] == ("persistent", 180, "functional", None)
    assert items["__stripe_mid"] == ("persistent", 365, "functional", "Stripe")
    assert items["__stripe_sid"][:3] == ("persistent", round(30 / 1440, 6), "functional")
    assert items["m"] == ("persistent", 730, "functional", "Stripe")
    assert items["_hjSessionUser_"] == ("persistent", 365, "analytic", "Hotjar")  # the rule set's Hotjar family
    assert items["tk_ai"][:2] == ("session", None)


def test_thousands_paired_durations_and_known_plain_names_with_their_duration():
    """"1,000 days" / "1.000 dagen" is a thousand days; a record giving two names and as many
    durations joined by "en"/"and" pairs them in order; a plain lower-case word the rule set
    knows as a cookie is a name when its own duration follows it ("awc expires after one
    year", "vuid (2 jaar)"), not elsewhere."""
    assert _items("Cookies\n\nName | Expires\n--- | ---\nsite_visits | 1,000 days\n")["site_visits"][:2] == ("persistent", 1000)
    assert _items("Cookies\n\nNaam | Bewaartermijn\n--- | ---\nsite_bezoek | 1.000 dagen\n")["site_bezoek"][:2] == ("persistent", 1000)
    paired = _items("Cookies\n\nNaam: _hjSessionUser_<id> en _hjSession_<id>\nDoel: Hotjar herkent bezoekers\n"
                    "Bewaartermijn: 1 jaar en 30 minuten\n")
    assert paired["_hjSessionUser_"][:2] == ("persistent", 365)
    assert paired["_hjSession_"][:2] == ("persistent", round(30 / 1440, 6))
    prose = _items("Cookies\n\nPartners who send you to us use Awin. Awin then sets awc, and awc expires after "
                   "thirty days. We never read the awc value ourselves.\n\n- vuid (1 jaar): Vimeo telt het afspelen.\n")
    assert prose["awc"][:2] == ("persistent", 30)
    assert prose["vuid"][:2] == ("persistent", 365)
    assert "lang" not in _items("Cookies\n\nChoose your lang and it is kept until you change it.\n")


def _html(tmp_path, body: str):
    from cookieaudit.statement import parse_statement

    path = tmp_path / "cookies.html"
    path.write_text(f"<html><head><title>Cookiebeleid</title></head><body><h1>Cookiebeleid</h1>{body}</body></html>",
                    encoding="utf-8")
    return parse_statement(path)


def test_category_rows_inside_an_html_table(tmp_path):
    """A table whose categories are rows spanning all columns: each heads the rows under it (a
    one-word category such as "Advertentiecookies" is no cookie name), and never replaces the
    table's header, so the provider column keeps its role after it."""
    declaration = _html(tmp_path, """
      <table><tr><th>Cookie</th><th>Partij</th><th>Doel</th><th>Bewaartermijn</th></tr>
      <tr><th colspan="4">Functionele cookies</th></tr>
      <tr><td>site_sessie</td><td>Gemeente</td><td>Houdt uw sessie bij</td><td>Sessie</td></tr>
      <tr><th colspan="4">Advertentiecookies</th></tr>
      <tr><td>uid</td><td rowspan="2">Adform</td><td>Herkent uw browser</td><td>60 dagen</td></tr>
      <tr><td>C</td><td>Test of cookies werken</td><td>n.v.t.</td></tr></table>""")
    items = {c.pattern: (c.purpose, c.vendor, c.lifetime, c.max_age_days) for c in declaration.cookies}
    assert items == {"site_sessie": ("functional", "Gemeente", "session", None),
                     "uid": ("marketing", "Adform", "persistent", 60), "C": ("marketing", "Adform", None, None)}
    assert declaration.warnings == []  # "n.v.t.": no lifetime, nothing to warn about


def test_web_storage_and_pixels_are_no_cookies(tmp_path):
    """A record whose description says it is kept in local storage, a key named after "local
    storage … (sleutel …)", a Pixeltracker row (Cookiebot's Dutch type), and a plain known
    cookie name that is the verb after "these cookies" are no cookies."""
    declaration = _html(tmp_path, """
      <h2>Noodzakelijk</h2>
      <details><summary>site_formulier</summary><dl><dt>Doel</dt><dd>Onthoudt uw stap. Wordt opgeslagen in de
      local storage van uw browser.</dd><dt>Bewaartermijn</dt><dd>n.v.t.</dd></dl></details>
      <details><summary>site_taal</summary><dl><dt>Doel</dt><dd>Onthoudt uw taal.</dd><dt>Bewaartermijn</dt>
      <dd>1 jaar</dd></dl></details>
      <table><tr><th>Naam</th><th>Aanbieder</th><th>Doel</th><th>Vervaldatum</th><th>Type</th></tr>
      <tr><td>ads/user-lists/#</td><td>Google</td><td>Remarketing</td><td>Sessie</td><td>Pixeltracker</td></tr>
      <tr><td>test_cookie</td><td>Google</td><td>Test</td><td>1 dag</td><td>HTTP Cookie</td></tr></table>
      <p>We bewaren uw leeslijst in de local storage van uw browser (sleutel site_leeslijst).</p>
      <p>These cookies store which pages you visit.</p>""")
    assert sorted(c.pattern for c in declaration.cookies) == ["site_taal", "test_cookie"]


def test_markdown_emphasis_of_one_word_is_no_glob():
    """"*Statistieken*" is Markdown emphasis of a category word, not a cookie name; a glob
    keeps its star ("_ga_*")."""
    items = _items("Cookies\n\nToestemming vragen wij voor *Statistieken* en *Marketing*.\n\n"
                   "| Cookie | Doel | Bewaartermijn |\n|---|---|---|\n| `_ga_*` | Statistiek | 2 jaar |\n")
    assert set(items) == {"_ga_"}


def test_category_lines_over_and_inside_text_tables_and_lists():
    """A category line between the rows of a space-separated table heads the rows after it
    (the table goes on under its header); a category line right over a TAB table or a list,
    without a blank line, is its heading; a plain word leading a list item is a name where
    the items around it lead with cookie names."""
    spaced = _items("Cookie statement\n\nName Purpose Expires\nNecessary\n"
                    "site_sess Keeps you signed in When you close your browser\nAnalytics\n"
                    "_ga Tells visitors apart 2 years\nMarketing\nad_click Counts clicks on adverts 3 months\n")
    assert {k: v[2] for k, v in spaced.items()} == {"site_sess": "functional", "_ga": "analytic", "ad_click": "marketing"}
    assert spaced["ad_click"][:2] == ("persistent", 90)
    tabbed = _items("Cookie policy\n\nAnalytics cookies\nCookie\tDuration\tDescription\n"
                    "site_stats\t1 year\tCounts visits to our pages.\n\n"
                    "Advertising cookies\nCookie\tDuration\tDescription\nsite_ads\t30 days\tMeasures our campaigns.\n")
    assert tabbed["site_stats"][2] == "analytic" and tabbed["site_ads"][2] == "marketing"
    listed = _items("Cookies\n\nFunctional cookies\n- JSESSIONID: keeps your session. Expires: end of session.\n"
                    "- theme: remembers your colours. Expires: 1 year.\n")
    assert listed["theme"][:3] == ("persistent", 365, "functional")
    assert "remembers" not in listed


@pytest.mark.parametrize("cell, lifetime, days", [
    ("365d", "persistent", 365), ("24 u", "persistent", 1), ("1y", "persistent", 365), ("12h", "persistent", 0.5),
    ("13m", None, None),  # months or minutes: left unknown
    ("1 dag(en)", "persistent", 1), ("3 month(s)", "persistent", 90),
    ("180 days from last use", "persistent", 180), ("30 minutes after last activity", "persistent", 0.020833),
    ("Na sluiten browser", "session", None), ("n.v.t.", None, None), ("na afloop van uw bezoek", "session", None),
    ("half a year", "persistent", 182.5), ("anderhalf jaar", "persistent", 547.5), ("valid for 6 months", "persistent", 180),
    ("13 months maximum", "persistent", 390), ("Sessie-cookie", "session", None), ("onbeperkt", "persistent", None),
    ("7 dagen na inloggen", "persistent", 7),
])
def test_duration_cells_in_the_forms_of_more_tables(cell, lifetime, days):
    result = read_lifetime(cell, cell=True)
    assert (result.lifetime, result.max_age_days) == (lifetime, days)
    assert result.unreadable == ([cell] if cell == "13m" else [])


def test_a_lifetime_with_a_remark_is_still_a_lifetime_line():
    assert lifetime_line("13 months (renewed on each visit)")
    assert lifetime_line("1 dag(en)")
    assert lifetime_line("geldig voor 6 maanden") and lifetime_line("24 hours from last page view")
    assert not lifetime_line("_ga (Google Analytics)")


def test_service_records_with_globs_and_storage_tokens():
    """A record's name list of globs ("_pk_id.*, _pk_ses.*") keeps its stars (no Markdown
    emphasis across them), and a storage type written as a token ("html_local") is no cookie."""
    items = _items("Cookie policy\n\nStatistics\n\nMatomo\nProvider: our own server\nPurpose: Count visits.\n"
                   "Cookie name: _pk_id.*, _pk_ses.*\nCookie expiry: 13 months, 30 minutes\n\n"
                   "Name: li_local\nPurpose: Used to track visitors\nType: html_local\nExpires in: persistent\n\n"
                   "Name: li_cookie\nPurpose: Used to track visitors\nType: http_cookie\nExpires in: 1 year\n")
    assert items["_pk_id."][:2] == ("persistent", 390)
    assert items["_pk_ses."][:2] == ("persistent", round(30 / 1440, 6))
    assert "li_local" not in items and items["li_cookie"][:2] == ("persistent", 365)


def test_vendors_from_companies_and_descriptions(tmp_path):
    """A provider cell naming a company ("Meta Platforms, Inc.", "Google LLC" with a host
    name under it, "Adobe Inc.") stands for the rule set's product of that company for each
    name it knows; without a provider column, the one vendor a row's description names is the
    row's vendor, or the rule set's product of the same company for that name ("Facebook"
    for _fbp is Meta Pixel)."""
    declaration = _html(tmp_path, """
      <table><tr><th>Naam</th><th>Aanbieder</th><th>Doel</th><th>Vervaldatum</th></tr>
      <tr><td>_fbp</td><td>Meta Platforms, Inc.</td><td>Advertenties</td><td>3 maanden</td></tr>
      <tr><td>_gid</td><td>Google LLC<br>.example.org</td><td>Statistiek</td><td>1 dag</td></tr>
      <tr><td>s_cc</td><td>Adobe Inc.</td><td>Statistiek</td><td>Sessie</td></tr>
      <tr><td>site_own</td><td>Adobe Inc.</td><td>Eigen cookie</td><td>1 dag</td></tr></table>
      <table><tr><th>Cookie</th><th>Duration</th><th>Description</th></tr>
      <tr><td>_fbc</td><td>3 months</td><td>Facebook sets this cookie to show adverts.</td></tr>
      <tr><td>YSC</td><td>session</td><td>YouTube sets this cookie to count views.</td></tr>
      <tr><td>theme</td><td>1 year</td><td>Remembers your colours.</td></tr></table>""")
    vendors = {c.pattern: c.vendor for c in declaration.cookies}
    assert vendors["_fbp"] == "Meta Pixel" and vendors["_gid"] == "Google Analytics"
    assert vendors["s_cc"] == "Adobe Analytics" and vendors["site_own"] == "Adobe Inc."  # as written: no rule for the name
    assert vendors["_fbc"] == "Meta Pixel" and vendors["YSC"] == "YouTube"
    assert vendors["theme"] is None


def test_run_together_rows_end_their_lifetime_where_the_next_cell_starts():
    """Rows whose cells ran together: "sessieSessie bijhouden" ends the lifetime at the first
    "sessie" (the second starts the description), a name ending in digits gives a singular
    unit its "1" ("…-11 minute"), and "never" run into the description is the lifetime."""
    items = _items("Cookies\n\nNaamVervaltermijnFunctie\nSITESESSIDsessieSessie bijhouden\n"
                   "site_taal1 jaarTaal onthouden\n\n"
                   "CookieDurationDescription\n_gat_UA-998877-11 minuteThrottles requests.\n"
                   "site-devicesneverRemembers your devices.\n")
    assert items["SITESESSID"][:2] == ("session", None)
    assert items["site_taal"][:2] == ("persistent", 365)
    assert items["_gat_UA-998877-1"][:2] == ("persistent", round(1 / 1440, 6))
    assert items["site-devices"][:2] == ("persistent", None)


def test_end_of_a_session_word_is_a_lifetime_cell():
    """"einde browsersessie" / "end of browsing session" is a whole lifetime cell, so a table
    written one cell per line ends its row there and the next name starts the next row."""
    assert lifetime_line("einde browsersessie") and lifetime_line("End of browsing session")
    assert not lifetime_line("End of the month")
    items = _items("Cookies\n\nNaam\nDoel\nVervalt\nsite_token\nBeschermt formulieren\neinde browsersessie\n"
                   "MapAuth\nHaalt kaartlagen op\n24 uur\n")
    assert items["site_token"][:2] == ("session", None) and items["MapAuth"][:2] == ("persistent", 1)


def test_inline_record_before_label_lines_and_respective_durations_in_the_next_sentence():
    """A record written inline in one paragraph ("Cookie name: x. Expires: 6 months. Purpose:
    …") stays its own record before label/value lines of the next one; durations listed
    "respectively" in the sentence after the names pair with them in order."""
    items = _items("Cookies\n\nAnalytics sets the following cookies: _ga, _gid and _gat. These expire after "
                   "2 years, 24 hours and 1 minute respectively.\n\n"
                   "Cookie name: site_pref. Expires: 6 months. Purpose: remembers your settings.\n\n"
                   "Name: site_a | Purpose: session | Expires: 1 year\n")
    assert items["_ga"][:2] == ("persistent", 730) and items["_gid"][:2] == ("persistent", 1)
    assert items["_gat"][:2] == ("persistent", round(1 / 1440, 6))
    assert items["site_pref"][:2] == ("persistent", 180) and items["site_a"][:2] == ("persistent", 365)


def test_html_label_and_value_spans_and_a_title_named_like_a_consent_tool(tmp_path):
    """Sibling spans laid out apart by a page's style ("<span>Duration</span><span>2 years</span>")
    are a label and its value, not one word; a statement titled "Cookie Notice" (a consent
    tool's alias too) gives its cookies no vendor."""
    from cookieaudit.statement import parse_statement

    path = tmp_path / "notice.html"
    path.write_text("""<html><head><title>Cookie Notice</title></head><body><h1>Cookie Notice</h1>
      <h2>Performance cookies</h2>
      <div><div>site_visit</div><div><span>Provider</span><span>example.org</span></div>
      <div><span>Duration</span><span>30 minutes</span></div>
      <div><span>Description</span><span>Counts the pages of one visit.</span></div></div>
      </body></html>""", encoding="utf-8")
    cookie = parse_statement(path).cookies[0]
    assert (cookie.pattern, cookie.lifetime, cookie.max_age_days, cookie.vendor) == (
        "site_visit", "persistent", round(30 / 1440, 6), None)


def test_record_lines_after_list_items_and_comma_fields():
    """A line that starts with a cookie name and its colon or dash after a list item is a record
    of its own, not the item's wrapped text; "name: Vendor, duration, description" gives the
    name the field that is wholly a lifetime."""
    items = _items("Cookies\n\nAnalytische cookies\n• site_x – Siteimprove – 1000 dagen – telt bezoeken\n"
                   "_pk_id: Matomo, 13 maanden, onderscheidt bezoekers\n"
                   "_pk_ses: Matomo, 30 minuten, houdt het bezoek bij\n")
    assert items["site_x"][:2] == ("persistent", 1000)
    assert items["_pk_id"] == ("persistent", 390, "analytic", "Matomo")
    assert items["_pk_ses"][:2] == ("persistent", round(30 / 1440, 6))


def test_a_quoted_word_beside_the_word_cookie_names_one():
    """'the "visitor" cookie', "de cookie 'bezoek'": a plain word in quotes right beside the
    singular word cookie is its name; '"technische" cookies' (a category) and '"session"
    cookies' are not."""
    items = _items("Cookies\n\nThe \"visitor\" cookie lasts a year. De cookie 'bezoek' blijft 30 dagen staan.\n\n"
                   "Wij plaatsen \"technische\" cookies en \"session\" cookies.\n")
    assert items["visitor"][:2] == ("persistent", 365) and items["bezoek"][:2] == ("persistent", 30)
    assert set(items) == {"visitor", "bezoek"}


def test_a_column_headed_by_its_unit_alone():
    """A lifetime column headed "Days" / "Dagen" holds bare numbers of that unit, in a pipe
    table and in a space-separated one (whose rows are cut at the bare number)."""
    items = _items("Cookies\n\n| Cookie | Doel | Dagen |\n|---|---|---|\n| site_a | Onthoudt uw keuze | 365 |\n"
                   "| site_b | Sessie bijhouden | Sessie |\n\nName Purpose Days\nsite_c Remembers your choice 30\n"
                   "site_d Counts visits 90\n")
    assert items["site_a"][:2] == ("persistent", 365) and items["site_b"][:2] == ("session", None)
    assert items["site_c"][:2] == ("persistent", 30) and items["site_d"][:2] == ("persistent", 90)


def test_a_company_named_in_prose_gives_its_product_for_each_name():
    items = _items("Advertising cookies\n\n- MUID (Microsoft, 1 year): identifies browsers.\n"
                   "- _gcl_au (Google, 90 days): stores conversions.\n- site_ad (Microsoft, 30 days): our own.\n")
    assert items["MUID"][3] == "Microsoft Advertising" and items["_gcl_au"][3] == "Google Ads"
    assert items["site_ad"][3] is None


def test_a_noun_of_the_sentence_is_no_name_before_its_duration():
    """"Your session expires after 30 minutes", "The cart expires after 2 weeks": a word after an
    article or possessive is a noun of the sentence, even where the rule set knows a cookie of
    that name."""
    assert _items("Cookies\n\nYour session expires after 30 minutes. The cart expires after 2 weeks.\n") == {}


def test_category_lines_inside_an_aligned_table():
    """A table in aligned columns (PDF layout text) with category lines between its rows: each
    heads the rows after it, never ends the table, and never glues onto the name above."""
    text = ("Cookie policy\n\n"
            "Cookie name          Purpose                              Expiry\n"
            "Necessary\n"
            "site_session         Keeps your session                   End of session\n"
            "site_consent         Stores your cookie choices           1 year\n"
            "Analytics\n"
            "site_visits          Counts visitors for                  24 hours\n"
            "                     one day\n"
            "Marketing\n"
            "site_adclick         Measures adverts                     3 months\n")
    items = _items(text)
    assert {k: v[:3] for k, v in items.items()} == {
        "site_session": ("session", None, "functional"), "site_consent": ("persistent", 365, "functional"),
        "site_visits": ("persistent", 1, "analytic"), "site_adclick": ("persistent", 90, "marketing")}


def test_category_lines_between_one_cell_per_line_records():
    """A table copied one cell per line with category lines between its records: the first
    category is no fourth header column, and each heads the records after it."""
    items = _items("Cookies\n\nNaam\nDoel\nVervalt\nNoodzakelijk\nsite_sessie\nHoudt uw sessie bij\nSessie\n"
                   "site_keuze\nBewaart uw keuze\n1 jaar\nAnalytisch\nsite_teller\nTelt bezoeken\n2 jaar\n")
    assert {k: v[:3] for k, v in items.items()} == {
        "site_sessie": ("session", None, "functional"), "site_keuze": ("persistent", 365, "functional"),
        "site_teller": ("persistent", 730, "analytic")}


def test_accordion_titles_head_their_panels(tmp_path):
    """An accordion's titles: a <summary> naming a category over its table, a heading whose
    text is a toggle button, a bare toggle button over a panel; banner buttons stay out."""
    declaration = _html(tmp_path, """
      <details><summary>Noodzakelijke cookies</summary>
      <table><tr><th>Naam</th><th>Doel</th><th>Bewaartermijn</th></tr><tr><td>site_sessie</td><td>Sessie</td>
      <td>Sessie</td></tr></table></details>
      <h3><button aria-expanded="false">Analytische cookies</button></h3>
      <div><p>site_teller – telt bezoeken – 1 jaar</p></div>
      <div class="accordion"><button>Marketing cookies</button><div class="panel">
      <p>site_ads – meet campagnes – 90 dagen</p></div></div>
      <button>Alles accepteren</button>""")
    purposes = {c.pattern: c.purpose for c in declaration.cookies}
    assert purposes == {"site_sessie": "functional", "site_teller": "analytic", "site_ads": "marketing"}
    assert "accepteren" not in " ".join(b for b in (c.evidence.section or "" for c in declaration.cookies))


def test_an_empty_grouping_cell_is_the_service_above():
    """A first column that groups rows by service ("Dienst"), left empty under its first row (a
    rowspan flattened into Markdown), gives the rows under it that service."""
    items = _items("Cookies\n\n| Dienst | Cookie | Doel | Bewaartermijn |\n|---|---|---|---|\n"
                   "| Matomo | site_id | Bezoekers onderscheiden | 13 maanden |\n| | site_ses | Bezoek bijhouden | 30 minuten |\n"
                   "| Vimeo | site_video | Video's afspelen | 2 jaar |\n")
    assert [items[k][3] for k in ("site_id", "site_ses", "site_video")] == ["Matomo", "Matomo", "Vimeo"]

"""Property tests (Hypothesis) of the rule matcher: any string is a cookie name it can take."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cookieaudit import Classifier, classify, classify_many

PURPOSES = {"functional", "analytic", "marketing", "unknown"}
NAMES = st.one_of(
    st.text(),  # any Unicode, controls included
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Po", "Sm"])),
    st.from_regex(r"[_a-zA-Z][\w.*?\[\]()|+^$\\-]{0,40}", fullmatch=True),  # regex and glob metacharacters
    st.sampled_from(["_ga", "_gid", "IDE", "NID", "_fbp", "_hjSessionUser_1"]).flatmap(
        lambda name: st.text(max_size=20).map(lambda tail: name + tail)),
)
DOMAINS = st.one_of(st.none(), st.text(max_size=60), st.from_regex(r"\.?([a-z0-9-]{1,12}\.){1,3}[a-z]{2,6}", fullmatch=True))
SETTINGS = settings(deadline=None, max_examples=150)


@SETTINGS
@given(NAMES, DOMAINS)
def test_any_name_and_domain_classify_without_error(name, domain):
    """Never an exception; the name is kept; the purpose is one of four; unknown means no rule."""
    found = classify(name, domain=domain, site="https://www.denhaag.nl")
    assert found.name == name
    assert found.purpose in PURPOSES
    assert 0.0 <= found.confidence <= 1.0
    assert (found.rule_id is None) == (found.purpose == "unknown" and found.vendor is None)
    assert found == classify(name, domain=domain, site="https://www.denhaag.nl")  # deterministic


@SETTINGS
@given(st.lists(st.tuples(NAMES, DOMAINS), max_size=20))
def test_classify_many_agrees_with_classify(items):
    """The batch path gives what one-by-one classification gives, in order."""
    batch = classify_many(items, site="https://www.denhaag.nl")
    assert batch == [classify(name, domain=domain, site="https://www.denhaag.nl") for name, domain in items]


@SETTINGS
@given(st.text(alphabet=st.characters(categories=["Lu", "Ll", "Nd"], max_codepoint=0x7f), max_size=20))
def test_prefix_rules_match_every_suffix(suffix):
    """A prefix rule (GA4's ``_ga_*``) matches whatever follows the prefix."""
    found = classify("_ga_" + suffix)
    assert (found.rule_id, found.purpose) == ("ga4-session-state", "analytic")


FRESH: list = []


@SETTINGS
@given(NAMES)
def test_a_second_classifier_gives_the_same_answer(name):
    """The shared default classifier and another one agree (no state leaks between names)."""
    if not FRESH:
        FRESH.append(Classifier())
    assert FRESH[0].classify(name) == classify(name)

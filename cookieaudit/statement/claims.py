"""Claims about the site's cookies as a whole: which purposes, only which, none of which,
all session, consent, privacy-friendly analytics."""

from __future__ import annotations

import functools
import re
from typing import Iterable, Optional

from .attributes import purpose_hits
from .document import Document
from .extract import evidence_for
from .names import find_names
from .model import Claims, DeclaredCookie, DeclaredService, Evidence
from .sections import CookieSection, Sentence, mentions_cookies, sentences
from .vocabulary import PURPOSES, vocabulary

__all__ = ["read_claims", "merge_claims"]

_COOKIE_TOKEN = re.compile(r"\w*cookies?$", re.IGNORECASE)
_SEPARATORS = {"en", "and", "of", "or", "&", "en/of", "and/or", ",", "-", "–"}
_TOKEN = re.compile(r"[\w/&'-]+|,")


def _purpose_terms(text: str) -> list[tuple[int, int, str]]:
    """Purpose words in a text (after blanking 'niet-functionele'-style terms), in order."""
    v = vocabulary()
    text = v.ignored_purposes.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for purpose in PURPOSES:
        for match in v.purpose_patterns[purpose].finditer(text):
            found.append((match.start(), match.end(), purpose))
    found.sort()
    # drop terms inside a longer one at the same place
    kept: list[tuple[int, int, str]] = []
    for term in found:
        if kept and term[0] < kept[-1][1]:
            continue
        kept.append(term)
    return kept


_COOKIES_FOR = re.compile(r"cookies?\s+(?:for|voor)\s+(?:\w+\s+)?$", re.IGNORECASE)
_CONSENT_NOUNS = re.compile(r"consent\s+(?:preference|choice|status|setting)s?|toestemmingsvoorkeur\w*|toestemmingsstatus"
                            r"|cookie\s+consent|toestemmingsinstelling\w*|consent\s+management|toestemmingsbeheer"
                            r"|beheer\s+van\s+(?:de\s+)?toestemming"
                            r"|cookie[\s-]*(?:settings|preferences|instellingen|voorkeuren)"
                            r"|(?:change|withdraw|update)\s+your\s+(?:choice|mind|preferences)"
                            r"|(?:wijzig|verander)\s+(?:je|uw)\s+keuze|(?:je|uw)\s+keuze\s+(?:wijzigen|aanpassen|veranderen)",
                            re.IGNORECASE)


def _qualifies_cookies(text: str, term_end: int, terms: list[tuple[int, int, str]], term_start: int = -1) -> bool:
    """Whether a purpose word describes cookies: "technische en functionele cookies",
    "cookies for advertising"."""
    if term_start >= 0 and _COOKIES_FOR.search(text[:term_start]):
        return True
    if _COOKIE_TOKEN.search(text[:term_end]) and re.search(r"cookies?$", text[:term_end], re.IGNORECASE):
        return True  # a compound: "trackingcookies"
    starts = {t[0]: t for t in terms}
    position = term_end
    for _ in range(10):
        match = _TOKEN.search(text, position)
        if not match or text[position:match.start()].strip(" -"):
            return False
        token = match.group(0).lower().strip("-")
        if _COOKIE_TOKEN.fullmatch(token):
            return True
        if match.start() in starts:
            position = starts[match.start()][1]
            continue
        if token in _SEPARATORS or token == "":
            position = match.end()
            continue
        return False
    return False


_CONSENT_ASIDE = re.compile(r",\s*(?:with your (?:consent|permission)|if you (?:agree|accept|allow)[^,]{0,20}|met uw toestemming"
                            r"|als u (?:daarmee )?(?:akkoord gaat|toestemming geeft)|na uw toestemming"
                            r"|als (?:je|u) dat (?:toelaat|toestaat|wilt)|if you (?:let us|allow (?:it|that|us)))\s*,", re.IGNORECASE)


def _conditional(text: str, exclusive_end: int, term_end: int) -> bool:
    """Whether an exclusive word makes a condition: "only ... cookies if you accept them",
    "alleen als u toestemming geeft" rather than "only functional cookies"."""
    v = vocabulary()
    if v.condition_words.match(text, exclusive_end + 1) or v.condition_words.match(text, exclusive_end):
        return True
    cookie = re.compile(r"cookies?\b", re.IGNORECASE).search(text, term_end - 1)
    if cookie is None:
        return False
    return bool(v.condition_words.search(text[cookie.end():cookie.end() + 25]))


def _consent_purposes(text: str, items: list) -> set[str]:
    """Purposes a consent sentence asks consent for. Strictly necessary cookies named beside
    other purposes are the ones placed without it; a sentence naming no purpose but a vendor
    ("als u cookies van YouTube accepteert") asks it for that vendor's declared purposes."""
    v = vocabulary()
    hits = purpose_hits(text)
    aside = _CONSENT_ASIDE.search(text)
    if aside and len(hits) > 1:
        # "cookies to make the site work and, with your consent, to measure its use": the
        # consent aside governs what follows it
        after = purpose_hits(text[aside.end():])
        if after:
            hits = after
    if len(hits) > 1 and "functional" in hits:
        necessary = len(v.necessity_words.findall(text))
        if necessary and necessary >= hits["functional"]:
            del hits["functional"]
    if hits:
        return set(hits)
    from .vendors import vendor_mentions

    vendor_ids = {m[2].vendor_id for m in vendor_mentions(text, v.bare_company_names)}
    return {item.purpose for item in items if item.purpose and item.vendor_id in vendor_ids}


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - 40):start]
    if re.search(r"(?<!\w)(geen|no|not|niet|nooit|never)(?!\w)(?:\W+\w+){0,3}\W*$", before, re.IGNORECASE):
        return True
    # "We do not use cookies to show you adverts", "We never set cookies for advertising",
    # "Wij plaatsen geen cookies van sociale media of advertentienetwerken"
    return bool(re.search(r"(?<!\w)(?:(?:not|never|don't)\s+(?:use|set|place)\s+(?:any\s+)?|geen\s+|no\s+)cookies\s+"
                          r"(?:to|for|from|van|voor|om)\b(?:\W+\w+){0,4}\W*$", text[max(0, start - 80):start], re.IGNORECASE))


# A CMP's stock sentence: consent "to use the categories … you selected" names no category.
_CHOSEN_CATEGORIES = re.compile(r"\b(?:categorieën|categories)\b[^.;]{0,80}\b(?:aangegeven|aangeduid|gekozen|geselecteerd"
                                r"|selected|chosen|choose|select)\b", re.IGNORECASE)
_ANY_NEGATION = re.compile(r"(?<!\w)(?:geen|no|not|niet|nooit|never|don't|do not)(?!\w)", re.IGNORECASE)
# A clause whose subject points back at the cookies named just before: "We plaatsen deze alleen …"
_THESE = re.compile(r"\b(?:deze|these|them|they|ze)\b", re.IGNORECASE)
_OTHER_COOKIES = re.compile(r"\b(?:andere|overige|other|remaining|everything else|all the rest)\b", re.IGNORECASE)


def _clauses(text: str) -> list[str]:
    """A sentence cut at semicolons: "alleen noodzakelijke cookies zonder toestemming; voor
    statistische cookies vragen wij toestemming" says two things."""
    return [part for part in re.split(r"\s*;\s*", text) if part.strip()]


@functools.lru_cache(maxsize=1)
def _definition() -> re.Pattern:
    """A sentence that defines a word ("'Session' means …"), which claims nothing about all cookies."""
    words = sorted(vocabulary().raw["definition_words"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\b", re.IGNORECASE)


def _relative_cookies(text: str, term_start: int) -> bool:
    """A purpose word in a clause about cookies: "cookies die nodig zijn om de website te laten
    werken", "cookies waarmee wij het bezoek meten", "cookies that measure …"."""
    return bool(re.search(r"cookies?\s+(?:die|dat|that|which|waarmee|om|to|van|from)\b[^.;:!?]{0,80}$", text[:term_start],
                          re.IGNORECASE))


@functools.lru_cache(maxsize=1)
def _consent_exception() -> re.Pattern:
    words = sorted(vocabulary().raw["consent_exception_words"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\b", re.IGNORECASE)


def _consent_for_the_rest(text: str, terms: list, items: list) -> set[str]:
    """The purposes behind consent when a clause names the cookies placed without it ("Only
    necessary cookies are used without your consent", "… je toelaat, behalve de noodzakelijke"):
    the purposes of the declared cookies but those. Necessary cookies are the functional ones
    listed under a necessity heading; functional cookies under another heading (preferences)
    still ask for consent."""
    v = vocabulary()
    named = {purpose for _, _, purpose in terms}
    by_necessity = bool(v.necessity_words.search(text))
    rest = set()
    for item in items:
        purpose = getattr(item, "purpose", None)
        if not purpose:
            continue
        evidence = getattr(item, "evidence", None)
        section = (evidence.section if evidence is not None else None) or ""
        if purpose == "functional" and (not by_necessity or v.necessity_words.search(section) or not section):
            continue
        if purpose in named and purpose != "functional":
            continue
        rest.add(purpose)
    return rest


def _names_analytics_vendor(text: str, items: list) -> bool:
    """Whether the text names the vendor of a declared analytic cookie ("Matomo staat op onze eigen server")."""
    from .vendors import vendor_mentions

    vendor_ids = {m[2].vendor_id for m in vendor_mentions(text, vocabulary().bare_company_names)}
    return any(item.purpose == "analytic" and item.vendor_id in vendor_ids for item in items)


def _read_clause(text: str, block, heading_purposes: set[str], previous: set[str], items: list) -> dict:
    """What one clause claims: purposes declared, only, excluded, consent, all-session, friendly."""
    v = vocabulary()
    out = {"declared": set(), "only": set(), "excluded": set(), "consent": set(), "all_session": False,
           "friendly": False, "named": set()}
    about_cookies = mentions_cookies(text)
    used = about_cookies and bool(v.use_verbs.search(text))
    disabled = about_cookies and bool(v.disabled.search(text))
    consent_text = ""
    asks_consent = False
    if about_cookies or v.use_verbs.search(text):
        consent_text = _CONSENT_NOUNS.sub(lambda m: " " * len(m.group(0)), text)
        asks_consent = bool(v.consent.search(consent_text)) and not v.no_consent.search(text)
    terms = _purpose_terms(text) if about_cookies else []
    out["named"] = {purpose for _, _, purpose in terms}
    for start, end, purpose in terms:
        if not (_qualifies_cookies(text, end, terms, start) or _relative_cookies(text, start)):
            continue
        if _negated(text, start) or disabled:
            out["excluded"].add(purpose)
        elif used:
            out["declared"].add(purpose)
            exclusive = v.exclusive.search(text[:start])
            if exclusive and not asks_consent and not _conditional(text, exclusive.end(), end):
                out["only"].add(purpose)
    if about_cookies and v.all_session.search(text) and not v.partial_quantifiers.search(text) \
            and not find_names(text, code=block.code) and not _definition().search(text):
        out["all_session"] = True  # about all cookies, not about one named cookie
    exception = _consent_exception().search(consent_text) if asks_consent else None
    if about_cookies and terms and (
            (exception and any(start > exception.start() for start, _, _ in terms))
            or (v.no_consent.search(text) and v.exclusive.search(text[:terms[0][0]]))):
        # the cookies placed without consent are named: consent for the rest
        out["consent"] = _consent_for_the_rest(text, [t for t in terms if not exception or t[0] > exception.start()], items)
    elif asks_consent and _CHOSEN_CATEGORIES.search(text):
        pass  # "… toestemming om de categorieën cookies te gebruiken zoals je hebt aangegeven": none named
    elif asks_consent:
        asked = _consent_purposes(consent_text, items)
        if not asked and about_cookies:
            if _OTHER_COOKIES.search(text) and previous:
                asked = set(PURPOSES) - previous  # "voor de andere cookies vragen wij toestemming"
            elif v.ignored_purposes.search(text):
                asked = set(PURPOSES) - {"functional"}  # "niet-noodzakelijke cookies … na toestemming"
            else:
                asked = set(heading_purposes)  # "these cookies", under an "Analytics cookies" heading
        if not asked and not about_cookies and _THESE.search(text) and not _ANY_NEGATION.search(text):
            asked = set(heading_purposes) or set(previous)  # "We plaatsen deze alleen met je toestemming."
        out["consent"] = asked
    if v.privacy_friendly.search(text) or (v.ip_address.search(text) and v.ip_protection.search(text)):
        out["friendly"] = True
    elif v.analytics_harmless.search(text) and ("analytic" in {p for _, _, p in terms} or "analytic" in previous
                                                 or _names_analytics_vendor(text, items)):
        out["friendly"] = True  # "analytische cookies … die geen inbreuk maken op uw privacy"
    return out


def read_claims(document: Document, sections: list[CookieSection],
                cookies: Iterable[DeclaredCookie], services: Iterable[DeclaredService],
                record_blocks: frozenset[int] = frozenset()) -> Claims:
    """The claims one document's cookie sections make (blocks read as cookie records, whose
    ``id`` is in ``record_blocks``, describe one cookie and claim nothing)."""
    v = vocabulary()
    cookies, services = list(cookies), list(services)
    items = [*cookies, *services]
    declared: set[str] = set()
    only: set[str] = set()
    excluded: set[str] = set()
    consent: set[str] = set()
    all_session: Optional[bool] = None
    friendly: Optional[bool] = None
    evidence: list[Evidence] = []

    def cite(sentence: Sentence) -> None:
        item = evidence_for(document, sentence.start, sentence.end)
        if item not in evidence:
            evidence.append(item)

    for section in sections:
        headings: list[tuple[int, set[str]]] = []  # (level, purposes) of the headings above
        previous: set[str] = set()  # purposes the sentence before named
        for block in section.blocks:
            if block.kind == "heading":
                level = block.level or 7
                while headings and headings[-1][0] >= level:
                    headings.pop()
                headings.append((level, set(purpose_hits(block.text))))
                continue
            if block.kind not in ("paragraph", "item") or id(block) in record_blocks:
                continue
            heading_purposes = next((p for _, p in reversed(headings) if p), set())
            for sentence in sentences(block):
                if v.general_sentences.search(sentence.text):
                    continue
                for text in _clauses(sentence.text):
                    found = _read_clause(text, block, heading_purposes, previous, items)
                    if found["excluded"] or found["declared"] or found["only"] or found["consent"] or found["all_session"] \
                            or found["friendly"]:
                        cite(sentence)
                    excluded |= found["excluded"]
                    declared |= found["declared"]
                    only |= found["only"]
                    consent |= found["consent"]
                    if found["all_session"]:
                        all_session = True
                    if found["friendly"]:
                        friendly = True
                    previous = found["named"] or previous

    for item in items:
        if item.purpose:
            declared.add(item.purpose)
    declared -= excluded - declared  # a purpose both used and excluded stays declared
    return Claims(
        declared_purposes=sorted(declared) or None,
        only_purposes=sorted(only) or None,
        excluded_purposes=sorted(excluded) or None,
        all_session=all_session,
        consent_required_for=sorted(consent) or None,
        analytics_privacy_friendly=friendly,
        evidence=evidence,
    )


def merge_claims(parts: list[Claims]) -> Claims:
    """Claims of several sources: lists united, a true anywhere is true."""
    def union(name: str) -> Optional[list[str]]:
        values = set()
        for part in parts:
            values |= set(getattr(part, name) or ())
        return sorted(values) or None

    def any_true(name: str) -> Optional[bool]:
        values = [getattr(part, name) for part in parts if getattr(part, name) is not None]
        return any(values) if values else None

    evidence: list[Evidence] = []
    for part in parts:
        evidence.extend(e for e in part.evidence if e not in evidence)
    return Claims(
        declared_purposes=union("declared_purposes"),
        only_purposes=union("only_purposes"),
        excluded_purposes=union("excluded_purposes"),
        all_session=any_true("all_session"),
        consent_required_for=union("consent_required_for"),
        analytics_privacy_friendly=any_true("analytics_privacy_friendly"),
        evidence=evidence,
    )

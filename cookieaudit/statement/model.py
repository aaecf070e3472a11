"""The declaration: what a privacy or cookie statement says about cookies, with evidence."""

from __future__ import annotations

from typing import List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

__all__ = [
    "Claims",
    "DeclaredCookie",
    "DeclaredService",
    "Declaration",
    "Evidence",
    "Lifetime",
    "MatchKind",
    "Position",
    "Purpose",
    "SourceInfo",
]

Purpose = Literal["functional", "analytic", "marketing"]
Lifetime = Literal["session", "persistent", "both"]
MatchKind = Literal["exact", "prefix", "glob"]
SourceKind = Literal["text", "markdown", "html", "pdf", "url"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Position(_Model):
    """Where evidence sits in a source's extracted text (1-based line, 0-based character offsets)."""

    line: int = Field(ge=1, description="Line of the first character, counted from 1.")
    char_start: int = Field(ge=0, description="Offset of the first character in the extracted text.")
    char_end: int = Field(ge=0, description="Offset just past the last character.")


class Evidence(_Model):
    """The sentence, list item or table row an item was read from."""

    text: str
    source: str
    position: Position
    section: Optional[str] = Field(None, description="The heading of the section the text stands under.")


class DeclaredCookie(_Model):
    """One declared cookie name or name pattern."""

    pattern: str = Field(description="The name, or the fixed part of a prefix, or a glob with '*'.")
    match: MatchKind = Field(description="exact: the whole name; prefix: names starting with pattern; glob: '*' wildcards.")
    vendor: Optional[str] = Field(None, description="Who the statement says places it, spelt as the rule set spells it.")
    vendor_id: Optional[str] = Field(None, description="The rule set's vendor id, when one matches.")
    purpose: Optional[Purpose] = None
    lifetime: Optional[Lifetime] = None
    max_age_days: Optional[Union[int, float]] = Field(
        None, description="The longest stated duration in days (month = 30, year = 365, hours and minutes as fractions)."
    )
    confidence: float = Field(
        1.0, ge=0, le=1, description="1 when read from clear structure; lower when a run-together cell was split by a guess."
    )
    source: str
    evidence: Evidence
    evidence_more: List[Evidence] = Field(
        default_factory=list, description="Other places that declare the same cookie (a prose sentence beside its table row)."
    )
    _structured: bool = PrivateAttr(default=False)  # read from a table row or record (wins over prose when merged)


class DeclaredService(_Model):
    """Something declared without cookie names ("Google Analytics", "cookies voor DigiD")."""

    name: str
    vendor: Optional[str] = None
    vendor_id: Optional[str] = None
    purpose: Optional[Purpose] = None
    lifetime: Optional[Lifetime] = None
    max_age_days: Optional[Union[int, float]] = None
    source: str
    evidence: Evidence
    evidence_more: List[Evidence] = Field(default_factory=list, description="Other places that declare the same service.")


class Claims(_Model):
    """Statements about the site's cookies as a whole; null when the statement does not say."""

    declared_purposes: Optional[List[Purpose]] = Field(None, description="Purposes the statement says the site uses.")
    only_purposes: Optional[List[Purpose]] = Field(None, description="Set when the text is exclusive ('alleen', 'only').")
    excluded_purposes: Optional[List[Purpose]] = Field(None, description="Purposes the statement says are not used.")
    all_session: Optional[bool] = Field(None, description="True when every cookie is said to end with the browser session.")
    consent_required_for: Optional[List[Purpose]] = Field(None, description="Purposes placed only after consent.")
    analytics_privacy_friendly: Optional[bool] = Field(
        None, description="True when analytics is said to mask or not store IP addresses, not share data, etc."
    )
    evidence: List[Evidence] = Field(default_factory=list, description="The sentences the claims were read from.")


class SourceInfo(_Model):
    """One source that was read."""

    source: str = Field(description="The path or URL as given (or as linked, for followed pages).")
    kind: SourceKind
    title: Optional[str] = None
    url: Optional[str] = Field(None, description="For URL sources: the address after redirects.")
    followed_from: Optional[str] = Field(None, description="The source whose link led here (--follow).")
    characters: int = Field(0, description="Length of the extracted text.")
    cookie_section: bool = Field(False, description="Whether a cookie section was found in it.")


class Declaration(_Model):
    """What one or more statements declare about the site's cookies."""

    language: Optional[Literal["nl", "en"]] = None
    sources: List[SourceInfo] = Field(default_factory=list)
    cookies: List[DeclaredCookie] = Field(default_factory=list)
    services: List[DeclaredService] = Field(default_factory=list)
    claims: Claims = Field(default_factory=Claims)
    warnings: List[str] = Field(default_factory=list)

"""From sources to one :class:`Declaration`: read each source, find its cookie sections,
extract items and claims, follow delegations on request, merge."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union
from urllib.parse import urljoin

from .._aio import run_sync
from ..domains import split_url
from ..errors import InputError, SiteUnreachableError, StatementUnreadableError
from .claims import merge_claims, read_claims
from .delegation import Delegation, find_delegations
from .document import Document
from .extract import extract_items
from .language import detect_language
from .model import Claims, DeclaredCookie, DeclaredService, Declaration, SourceInfo
from .sections import find_cookie_sections
from .sources import document_from_text, is_url, load_file

__all__ = ["FetchOptions", "parse_document", "parse_statement", "parse_statement_async", "parse_text"]

MAX_FOLLOWED_PAGES = 5
NO_COOKIE_SECTION = "no cookie section"

Source = Union[str, Path]


@dataclass(frozen=True)
class FetchOptions:
    """How URL sources are fetched (the scanner's browser switches)."""

    insecure: bool = False
    browser_args: tuple[str, ...] = ()
    timeout: float = 30.0
    browser_path: Optional[str] = None


@dataclass
class DocumentResult:
    """What one document declares, before merging."""

    document: Document
    cookies: list[DeclaredCookie]
    services: list[DeclaredService]
    claims: Claims
    warnings: list[str]
    delegations: list[Delegation]
    has_section: bool
    followed_from: Optional[str] = None
    extra_warnings: list[str] = field(default_factory=list)


def parse_document(document: Document) -> DocumentResult:
    """Sections, items, claims and delegations of one document."""
    sections = find_cookie_sections(document)
    extraction = extract_items(document, sections)
    claims = read_claims(document, sections, extraction.cookies, extraction.services, frozenset(extraction.record_blocks))
    if claims.all_session:
        for item in (*extraction.cookies, *extraction.services):
            if item.lifetime is None:
                item.lifetime = "session"
    return DocumentResult(
        document=document,
        cookies=extraction.cookies,
        services=extraction.services,
        claims=claims,
        warnings=[*document.warnings, *extraction.warnings],
        delegations=find_delegations(document),
        has_section=bool(sections),
    )


def _merge_items(items: Iterable, key) -> list:
    """One item per key, with every place that declares it as evidence (``evidence_more``).

    The first declaration wins and later ones only fill fields it left empty; a table row or
    record wins over a prose sentence that named the same cookie first (the row says it
    precisely), and the prose stays as further evidence."""
    merged: dict = {}
    for item in items:
        k = key(item)
        if k not in merged:
            merged[k] = item.model_copy(deep=True)
            if hasattr(item, "_structured"):
                merged[k]._structured = item._structured
            continue
        first = merged[k]
        if item.evidence != first.evidence and item.evidence not in first.evidence_more:
            first.evidence_more.append(item.evidence)
        if getattr(item, "_structured", False) and not getattr(first, "_structured", False):
            prose_evidence = first.evidence
            for name in ("vendor", "vendor_id", "purpose", "lifetime", "max_age_days", "confidence"):
                if getattr(item, name) is not None:
                    setattr(first, name, getattr(item, name))
            first.evidence = item.evidence
            first.evidence_more = [prose_evidence, *(e for e in first.evidence_more if e != item.evidence)]
            first._structured = True
            continue
        for name in ("vendor", "vendor_id", "purpose", "lifetime", "max_age_days"):
            if getattr(first, name) is None and getattr(item, name) is not None:
                setattr(first, name, getattr(item, name))
        if first.lifetime in ("session", "persistent") and item.lifetime and item.lifetime != first.lifetime:
            first.lifetime = "both"
        if item.max_age_days is not None and first.max_age_days is not None and item.max_age_days > first.max_age_days:
            first.max_age_days = item.max_age_days
    return list(merged.values())


def _build(results: list[DocumentResult]) -> Declaration:
    cookies = _merge_items((c for r in results for c in r.cookies), key=lambda c: (c.pattern, c.match))
    services = _merge_items((s for r in results for s in r.services), key=lambda s: s.name.casefold())
    warnings: list[str] = []
    for result in results:
        warnings.extend(result.warnings)
        warnings.extend(result.extra_warnings)
    if not any(r.has_section for r in results):
        warnings.insert(0, NO_COOKIE_SECTION)
    elif len(results) > 1:
        for result in results:
            if not result.has_section:
                warnings.append(f"{NO_COOKIE_SECTION} in {result.document.source}")
    text = "\n".join(r.document.text[:100_000] for r in results)
    sources = [
        SourceInfo(source=r.document.source, kind=r.document.kind, title=r.document.title, url=r.document.url,
                   followed_from=r.followed_from, characters=len(r.document.text), cookie_section=r.has_section)
        for r in results
    ]
    return Declaration(
        language=detect_language(text),
        sources=sources,
        cookies=cookies,
        services=services,
        claims=merge_claims([r.claims for r in results]),
        warnings=list(dict.fromkeys(warnings)),
    )


def parse_text(text: str, source: str = "<text>", kind: str = "text") -> Declaration:
    """The declaration of one statement given as plain text or Markdown (links are not followed)."""
    result = parse_document(document_from_text(text, source, kind))
    for delegation in result.delegations:
        result.extra_warnings.append(_delegation_warning(delegation, result.document, _resolve_link(delegation, result.document)))
    return _build([result])


def _delegation_warning(delegation: Delegation, document: Document, target: Optional[str], note: Optional[str] = None) -> str:
    quoted = f"\u201c{delegation.phrase}\u201d"
    if not delegation.href:
        return f"delegates to another page: {quoted} ({document.source}; no link found)"
    return f"delegates to another page: {target or delegation.href} ({quoted}); {note or 'use --follow to read it'}"


async def _load(source: str, options: FetchOptions) -> Document:
    if is_url(source):
        from .fetch import fetch_document

        return await fetch_document(source, options)
    return await asyncio.to_thread(load_file, source)


def _resolve_link(delegation: Delegation, document: Document) -> Optional[str]:
    """Where a delegation link leads: a URL, or a local file next to a file source."""
    href = delegation.href
    if not href:
        return None
    base = document.url or (document.source if is_url(document.source) else None)
    if base:
        return urljoin(base, href)
    if is_url(href):
        return href
    if href.startswith("file://"):
        href = split_url(href).path
    candidate = (Path(document.source).parent / href.split("#")[0]).resolve()
    return str(candidate) if candidate.is_file() else None


async def parse_statement_async(
    sources: Union[Source, Sequence[Source]],
    *,
    follow: bool = False,
    insecure: bool = False,
    browser_args: Sequence[str] = (),
    timeout: float = 30.0,
    browser_path: Optional[str] = None,
) -> Declaration:
    """Async :func:`parse_statement`."""
    if isinstance(sources, (str, Path)):
        sources = [sources]
    sources = [str(s) for s in sources]
    if not sources:
        raise InputError("no statement given: pass a file or a URL")
    options = FetchOptions(insecure=insecure, browser_args=tuple(browser_args), timeout=timeout, browser_path=browser_path)
    results: list[DocumentResult] = []
    seen: set[str] = set()
    for source in sources:
        document = await _load(source, options)
        seen.add(_identity(source, document))
        results.append(parse_document(document))

    queue = list(results)
    followed = 0
    while queue:
        result = queue.pop(0)
        for delegation in result.delegations:
            target = _resolve_link(delegation, result.document)
            if target and target in seen:
                continue
            if not follow or not delegation.href:
                result.extra_warnings.append(_delegation_warning(delegation, result.document, target))
                continue
            if target is None:
                result.extra_warnings.append(_delegation_warning(delegation, result.document, None, "not followed: not found"))
                continue
            if followed >= MAX_FOLLOWED_PAGES:
                result.extra_warnings.append(_delegation_warning(
                    delegation, result.document, target, f"not followed: limit of {MAX_FOLLOWED_PAGES} pages"))
                continue
            seen.add(target)
            followed += 1
            try:
                document = await _load(target, options)
            except (StatementUnreadableError, SiteUnreachableError, InputError) as exc:
                # the page the statement points to cannot be read: say so, keep what was read
                reason = " ".join(str(exc).split())
                reason = reason[len(target) + 2:] if reason.startswith(f"{target}: ") else reason
                result.extra_warnings.append(_delegation_warning(delegation, result.document, target,
                                                                 f"not followed: {reason[:160]}"))
                continue
            result.extra_warnings.append(_delegation_warning(delegation, result.document, target, "followed"))
            child = parse_document(document)
            child.followed_from = result.document.source
            results.append(child)
            queue.append(child)
    return _build(results)


def _identity(source: str, document: Document) -> str:
    if is_url(source):
        return document.url or source
    return str(Path(source).resolve())


def parse_statement(
    sources: Union[Source, Sequence[Source]],
    *,
    follow: bool = False,
    insecure: bool = False,
    browser_args: Sequence[str] = (),
    timeout: float = 30.0,
    browser_path: Optional[str] = None,
) -> Declaration:
    """Read one or more statements (paths or URLs) into one declaration.

    >>> parse_statement("privacy.txt").claims.declared_purposes   # doctest: +SKIP
    ['analytic', 'functional']
    """
    return run_sync(lambda: parse_statement_async(sources, follow=follow, insecure=insecure,
                                                  browser_args=browser_args, timeout=timeout,
                                                  browser_path=browser_path))

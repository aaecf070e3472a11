"""statement-unreadable: a statement source that could not be fetched or read."""

from __future__ import annotations

from ..context import AuditContext
from ..messages import message

__all__ = ["run"]


def _render(draft, lang):
    return message("statement-unreadable", lang, source=draft.details["source"], reason=draft.details["reason"])


def run(ctx: AuditContext) -> None:
    for unreadable in ctx.unreadable:
        draft = ctx.drafts.get("statement-unreadable", _render, family=unreadable.source)
        draft.details["source"] = unreadable.source
        draft.details["reason"] = unreadable.reason

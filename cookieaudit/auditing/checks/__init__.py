"""The checks of the audit, one module per theme; each adds drafts to the context.

``CHECKS`` runs in this order; the order does not change the findings (drafts are keyed by
id and sorted at the end), only which evidence record comes first in a finding.
"""

from __future__ import annotations

from . import analytics, claims, consent, declaration, lifetimes, statement

__all__ = ["CHECKS"]

CHECKS = (statement.run, declaration.run, lifetimes.run, claims.run, consent.run, analytics.run)

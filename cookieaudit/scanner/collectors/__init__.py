"""Collectors: each records one kind of observation during a phase (see ``base.Collector``)."""

from .base import Collector, PhaseState, Visit
from .cookies import CookieCollector
from .pages import PageCollector
from .requests import RequestCollector
from .storage import StorageCollector

__all__ = ["COLLECTORS", "Collector", "CookieCollector", "PageCollector", "PhaseState", "RequestCollector",
           "StorageCollector", "Visit"]

# Every phase runs these, in this order (pages first: the others read its visit records).
COLLECTORS = (PageCollector, CookieCollector, StorageCollector, RequestCollector)

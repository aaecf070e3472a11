"""Batch audits: many sites, one child process per site, here or on a Dask cluster.

``cookieaudit batch SITES --output-dir DIR`` reads a site list (:mod:`.sites`), runs each
site's ``cookieaudit scan`` as a unit in its own process group (:mod:`.unit`) with the local
runner (:mod:`.local`) or Dask (:mod:`.dask_runner`), installs each outcome in the output
folder and writes the summaries and the long cookie table (:mod:`.store`, :mod:`.rows`);
:mod:`.run` ties them together and decides what a rerun resumes. Nothing here imports
Playwright: the browsers run in the children.
"""

from __future__ import annotations

from .run import BatchConfig, BatchOutcome, run_batch
from .sites import SiteSpec, parse_site_list, read_site_list

__all__ = ["BatchConfig", "BatchOutcome", "SiteSpec", "parse_site_list", "read_site_list", "run_batch"]

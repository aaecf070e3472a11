"""What a test needs from the machine: a skip where it is missing, a failure where CI requires it.

``.ci/run`` sets ``COOKIEAUDIT_REQUIRE_BROWSER=1`` (Chromium and the npm fixtures) and
``COOKIEAUDIT_REQUIRE_DASK=1`` (the dask extra: distributed, pyarrow), so nothing is skipped there.
"""

from __future__ import annotations

import importlib
import os

import pytest


def required(variable: str) -> bool:
    return os.environ.get(variable, "") not in ("", "0", "false", "no")


def missing(message: str, variable: str = "COOKIEAUDIT_REQUIRE_BROWSER"):
    """Skip with ``message``; fail instead when ``variable`` says the machine must have it."""
    if required(variable):
        pytest.fail(f"{message} ({variable}=1 requires it)", pytrace=False)
    pytest.skip(message)


def module(name: str, variable: str = "COOKIEAUDIT_REQUIRE_DASK"):
    """Import ``name`` (an optional extra's module), or skip / fail as :func:`missing`."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(f"{name} is not installed (pip install '.[dask]')", variable)

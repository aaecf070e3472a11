"""Tasks for Dask tests that need no browser; importable by LocalCluster workers (they get our sys.path)."""

from __future__ import annotations

import io
import os
import tarfile

from tests.batch.results import audited_result


def fake_or_dying_task(request, files=None) -> dict:
    """Kill the worker process for a site whose host says 'sterft'; otherwise return what
    scan_site_task returns for a finished scan (an audited result and one artefact)."""
    if "sterft" in request.site:
        os._exit(1)
    log = "\n".join(f"received {name}: {len(data)} bytes" for name, data in sorted((files or {}).items()))
    members = {"./result.json": audited_result(request.site).to_json().encode(), "./scan.log": log.encode(),
               "./screenshots/after_reject/banner.png": b"\x89PNG fake",
               "../../ontsnapt.txt": b"x"}  # must never be written outside the folder
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return {"exit_code": 0, "seconds": 1.5, "timed_out": False, "error": None, "leftovers_killed": 0,
            "worker": "test", "archive": archive.getvalue()}

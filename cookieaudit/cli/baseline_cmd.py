"""``cookieaudit baseline RESULT.json -o FILE``: accept the findings of an audited result."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..safety import json_terminal_safe
from ._output import check_output_path, write_text

__all__ = ["baseline_command"]


@click.command("baseline")
@click.argument("result_file", metavar="RESULT.json")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the baseline here (default: stdout). Entries already in FILE keep their reasons.")
@click.option("--reason", help="Why these findings are accepted (stored with each new entry).")
@click.option("--kind", "kinds", multiple=True, metavar="KIND", help="Only accept findings of this kind (repeatable).")
def baseline_command(result_file, output, reason, kinds):
    """Write a baseline accepting every finding in RESULT.json (what 'scan --statement -o' or
    'audit -o' wrote). Later runs with --baseline FILE show those findings as accepted and do
    not fail on them; an accepted finding that no longer occurs is reported (info), so the
    baseline does not rot. The format is JSON: docs/baseline.schema.json."""
    from ..auditing.baseline import load_baseline, make_baseline
    from ..auditing.model import FINDING_KINDS
    from ..auditing.results import load_result
    from ..errors import InputError

    for kind in kinds:
        if kind not in FINDING_KINDS:
            raise InputError(f"unknown finding kind {kind!r}")
    check_output_path(output)
    result = load_result(result_file)
    if result.audit is None:
        raise InputError(f"{result_file}: this result was not audited (no findings to accept)")
    previous = load_baseline(output) if output and Path(output).is_file() else None
    baseline = make_baseline(result, reason, kinds=kinds or None, previous=previous)
    text = json_terminal_safe(json.dumps(baseline.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False)) + "\n"
    write_text(text, output)
    if output:
        click.echo(f"{len(baseline.entries)} findings accepted in {output}", err=True)

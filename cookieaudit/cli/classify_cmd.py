"""``cookieaudit classify NAME…``: classify cookie names against the rule set."""

from __future__ import annotations

import time

import click

from ._output import FORMAT_OPTION, print_table, write_json

__all__ = ["classify_command"]

_COLUMNS = ("name", "purpose", "vendor", "rule", "lifetime", "party", "confidence", "reason")


@click.command(name="classify")
@click.argument("names", nargs=-1, required=True)
@click.option("--domain", metavar="D", help="The cookie's domain (for domain-specific rules and first/third party).")
@click.option("--site", metavar="S", help="The site (URL or host) the cookie was seen on, for first/third party.")
@click.option("--expires-days", metavar="N", type=click.FloatRange(min=0), default=None,
              help="The cookie expires in N days (0 = a session cookie).")
@click.option("--rules", "rule_files", metavar="FILE", multiple=True, type=click.Path(dir_okay=False),
              help="An extra rule file that adds to or overrides the built-in rules (repeatable).")
@click.option("--no-builtin-rules", "no_builtin", is_flag=True, help="Use only the --rules files, not the built-in rules.")
@FORMAT_OPTION
def classify_command(names, domain, site, expires_days, rule_files, no_builtin, output_format):
    """Classify cookie NAMEs as functional, analytic, marketing or unknown, with their vendor."""
    from ..classifier import Classifier

    for name in names:
        if not name.strip():
            raise click.UsageError("a cookie name cannot be empty")
    if domain is not None and not domain.strip(".").strip():
        raise click.UsageError("--domain cannot be empty")
    if site is not None and not site.strip():
        raise click.UsageError("--site cannot be empty")
    expires = None
    if expires_days is not None:
        expires = 0 if expires_days == 0 else time.time() + expires_days * 86400
    if no_builtin and not rule_files:
        raise click.UsageError("--no-builtin-rules needs at least one --rules FILE")
    classifier = Classifier(rule_files, builtin=not no_builtin).load()
    results = [classifier.classify(name, domain=domain, site=site, expires=expires) for name in names]
    if output_format == "json":
        write_json([r.model_dump(mode="json") for r in results])
        return
    rows = [
        (r.name, r.purpose, r.vendor, r.rule_id, r.lifetime, r.party, f"{r.confidence:.2f}", r.reason)
        for r in results
    ]
    print_table("Cookie classification", _COLUMNS, rows)

"""``cookieaudit rules list|show|validate|import-ocd``: inspect, check and import cookie rules.

Exit codes of ``rules validate``: 0 when the files load and no rules conflict, 1 when rules
conflict (each conflict printed on one line), 2 when a file is malformed (one line naming the
file, the rule and the field).
"""

from __future__ import annotations

import sys

import click

from ..errors import InputError
from ..safety import terminal_safe
from ._output import FORMAT_OPTION, print_table, write_json

__all__ = ["rules_group"]

_RULES_OPTION = click.option(
    "--rules", "rule_files", metavar="FILE", multiple=True, type=click.Path(dir_okay=False),
    help="An extra rule file that adds to or overrides the built-in rules (repeatable).",
)
_NO_BUILTIN_OPTION = click.option(
    "--no-builtin-rules", "no_builtin", is_flag=True, help="Use only the --rules files, not the built-in rules.",
)


def _lifetime_text(value) -> str:
    if value is None:
        return ""
    if value == "session":
        return "session"
    return f"{value:g} day" + ("" if value == 1 else "s")


@click.group(name="rules")
def rules_group():
    """List, show, validate and import cookie rules."""


@rules_group.command(name="list")
@click.option("--vendor", metavar="V", help="Only rules of this vendor (id, name or alias).")
@click.option("--purpose", type=click.Choice(["functional", "analytic", "marketing"]), help="Only rules with this purpose.")
@_RULES_OPTION
@_NO_BUILTIN_OPTION
@FORMAT_OPTION
def list_command(vendor, purpose, rule_files, no_builtin, output_format):
    """List the cookie rules that are loaded."""
    classifier = _classifier(rule_files, no_builtin)
    rules = list(classifier.rules.values())
    if vendor is not None:
        found = classifier.vendors.get(vendor) or classifier.find_vendor(vendor)
        if found is None:
            raise InputError(f"no vendor called {vendor!r} (see 'cookieaudit rules list')")
        rules = [r for r in rules if r.vendor == found.id]
    if purpose is not None:
        rules = [r for r in rules if r.purpose == purpose]
    if output_format == "json":
        write_json([r.model_dump(mode="json") for r in rules])
        return
    vendors = classifier.vendors
    rows = [
        (r.id, vendors[r.vendor].name, r.match, r.pattern, " ".join(r.domains), r.purpose, _lifetime_text(r.lifetime))
        for r in rules
    ]
    print_table(f"{len(rows)} cookie rules", ("id", "vendor", "match", "pattern", "domains", "purpose", "lifetime"), rows)


@rules_group.command(name="show")
@click.argument("rule_id", metavar="ID")
@_RULES_OPTION
@_NO_BUILTIN_OPTION
@FORMAT_OPTION
def show_command(rule_id, rule_files, no_builtin, output_format):
    """Show one cookie rule, or a vendor and its rules, by id."""
    classifier = _classifier(rule_files, no_builtin)
    rule = classifier.rules.get(rule_id)
    if rule is not None:
        vendor = classifier.vendors[rule.vendor]
        data = {**rule.model_dump(mode="json"), "vendor_name": vendor.name,
                "file": classifier.ruleset.file_of("cookie", rule.id)}
        if output_format == "json":
            write_json(data)
        else:
            print_table(f"rule {rule.id}", ("field", "value"), _field_rows(data))
        return
    vendor = classifier.vendors.get(rule_id)
    if vendor is None:
        raise InputError(f"no rule or vendor with id {rule_id!r} (see 'cookieaudit rules list')")
    rules = classifier.rules_for_vendor(vendor.id)
    hosts = classifier.hosts_for_vendor(vendor.id)
    if output_format == "json":
        write_json({**vendor.model_dump(mode="json"), "file": classifier.ruleset.file_of("vendor", vendor.id),
                    "cookies": [r.id for r in rules], "hosts": [h.host for h in hosts]})
        return
    data = {**vendor.model_dump(mode="json"), "file": classifier.ruleset.file_of("vendor", vendor.id),
            "cookies": [f"{r.id} ({r.match} {r.pattern})" for r in rules], "hosts": [h.host for h in hosts]}
    print_table(f"vendor {vendor.id}", ("field", "value"), _field_rows(data))


def _classifier(rule_files, no_builtin: bool):
    from ..classifier import Classifier

    if no_builtin and not rule_files:
        raise click.UsageError("--no-builtin-rules needs at least one --rules FILE")
    return Classifier(rule_files, builtin=not no_builtin).load()


def _field_rows(data: dict):
    for key, value in data.items():
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        elif value is None:
            value = ""
        yield key, value


@rules_group.command(name="validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--no-builtin-rules", "no_builtin", is_flag=True, help="Check the files on their own, without the built-in rules.")
def validate_command(files, no_builtin):
    """Check rule FILEs (with the built-in set, or only the built-in set when none are given).

    Exit 0: valid, no conflicts. Exit 1: rules conflict. Exit 2: a file is malformed.
    """
    from ..ruleset import find_conflicts, load_ruleset

    if no_builtin and not files:
        raise click.UsageError("--no-builtin-rules needs at least one FILE")
    ruleset = load_ruleset(files, builtin=not no_builtin)
    conflicts = find_conflicts(ruleset)
    for conflict in conflicts:
        click.echo(terminal_safe(f"conflict: {conflict.describe(ruleset)}"))
    checked = ", ".join(files) if files else "the built-in rules"
    summary = (f"{len(ruleset.files)} files, {len(ruleset.vendors)} vendors, "
               f"{len(ruleset.cookies)} cookie rules, {len(ruleset.hosts)} hosts")
    if conflicts:
        click.echo(f"{checked}: {len(conflicts)} conflict(s) ({summary})", err=True)
        sys.exit(1)
    click.echo(f"OK: {checked} ({summary})")


@rules_group.command(name="import-ocd")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("-o", "--output", metavar="OUT.yaml", required=True, type=click.Path(dir_okay=False),
              help="Where to write the rule file.")
@click.option("--standalone", is_flag=True,
              help="Define every vendor in the output instead of mapping platforms onto built-in vendors.")
def import_ocd_command(csv_file, output, standalone):
    """Convert an Open Cookie Database CSV into a rule file (its Apache-2.0 attribution included)."""
    from pathlib import Path

    from ..classifier import Classifier
    from ..ocd import convert_ocd_csv, write_rule_yaml

    classifier = None if standalone else Classifier().load()
    converted = convert_ocd_csv(csv_file, classifier=classifier)
    if not converted.rule_count:
        raise InputError(f"{csv_file}: no usable rows to convert")
    write_rule_yaml(converted.data, output, Path(csv_file).name)
    for line in converted.skipped:
        click.echo(terminal_safe(f"skipped {line}"), err=True)
    click.echo(f"wrote {output}: {converted.rule_count} cookie rules, {len(converted.data['vendors'])} new vendors "
               f"from {converted.rows} rows ({len(converted.skipped)} skipped)")

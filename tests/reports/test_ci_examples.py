"""The CI templates in examples/: valid YAML, wired to the report files, and every cookieaudit command
they run exists with the options they pass (checked against the click commands themselves)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from cookieaudit.cli import cli
from cookieaudit.reports import REPORT_FILES, parse_formats

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / "examples/github-actions/cookie-audit.yml"
GITLAB = ROOT / "examples/gitlab-ci.yml"


def _shell_lines(scripts: list[str]) -> list[str]:
    lines = []
    for script in scripts:
        lines += [line.strip() for line in script.replace("\\\n", " ").splitlines() if line.strip()]
    return lines


def _invocations(lines: list[str]) -> list[list[str]]:
    return [shlex.split(line) for line in lines if re.match(r"cookieaudit\s", line)]


def _check_invocation(argv: list[str]) -> None:
    """The subcommand exists and takes every option given, with a valid value where it has choices."""
    ctx = click.Context(cli)
    command = cli.get_command(ctx, argv[1])
    assert command is not None, f"no command {argv[1]!r}"
    options = {}
    for param in command.params:
        if isinstance(param, click.Option):
            for name in param.opts + param.secondary_opts:
                options[name] = param
    tokens = iter(argv[2:])
    for token in tokens:
        if not token.startswith("-"):
            continue
        name, _, inline = token.partition("=")
        assert name in options, f"`cookieaudit {argv[1]}` has no option {name}"
        param = options[name]
        if param.is_flag:
            continue
        value = inline or next(tokens)
        if isinstance(param.type, click.Choice):
            assert value in param.type.choices, f"{name} {value!r} not in {param.type.choices}"
        if name == "--report":
            parse_formats(value)


def _github():
    data = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` key as True
    return data, triggers


def test_github_workflow():
    """Weekly schedule and manual trigger; summary from report.md; artifacts; SARIF upload; fails by exit code."""
    data, triggers = _github()
    assert triggers["schedule"][0]["cron"].split()[4] in ("1", "MON", "mon") and "workflow_dispatch" in triggers
    assert data["permissions"]["security-events"] == "write"
    steps = data["jobs"]["cookie-audit"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    sarif = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert sarif["with"]["sarif_file"].endswith(REPORT_FILES["sarif"])
    artifact = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert REPORT_FILES["html"] in artifact["with"]["path"] and "result.json" in artifact["with"]["path"]
    runs = [step.get("run", "") for step in steps]
    assert any("GITHUB_STEP_SUMMARY" in run and REPORT_FILES["markdown"] in run for run in runs)
    assert any("playwright install" in run and "chromium" in run for run in runs)
    assert "exit ${{ steps.audit.outputs.exit_code }}" in runs[-1]
    invocations = _invocations(_shell_lines(runs))
    assert invocations and any("--baseline" in argv and "--report" in argv for argv in invocations)


def test_gitlab_job():
    """GitLab: the JUnit report, artifacts kept always, a baseline, and the job's exit code is cookieaudit's."""
    job = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["cookie-audit"]
    assert job["artifacts"]["reports"]["junit"].endswith(REPORT_FILES["junit"])
    assert job["artifacts"]["when"] == "always"
    assert any(p.endswith(REPORT_FILES["html"]) for p in job["artifacts"]["paths"])
    assert {rule["if"] for rule in job["rules"]} >= {'$CI_PIPELINE_SOURCE == "schedule"'}
    invocations = _invocations(_shell_lines(job["before_script"] + job["script"]))
    assert any("--baseline" in argv and "junit" in ",".join(argv) for argv in invocations)


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_commands_exist_with_their_options(path):
    """Every `cookieaudit ...` line runs a real command with real options (and valid choices)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if path == GITHUB:
        scripts = [step.get("run", "") for step in data["jobs"]["cookie-audit"]["steps"]]
    else:
        job = data["cookie-audit"]
        scripts = job["before_script"] + job["script"]
    invocations = _invocations(_shell_lines(scripts))
    assert invocations
    for argv in invocations:
        _check_invocation(argv)


def test_the_checker_catches_a_wrong_option():
    """The option check fails on an option or a format that does not exist."""
    with pytest.raises(AssertionError):
        _check_invocation(["cookieaudit", "scan", "https://x.nl/", "--no-such-option"])
    with pytest.raises(Exception):
        _check_invocation(["cookieaudit", "scan", "https://x.nl/", "--report", "pdf"])

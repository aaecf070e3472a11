"""The output folder: installing a site's outcome, summaries, the cookie table, what a rerun keeps."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cookieaudit.batch.rows import COOKIE_COLUMNS, SUMMARY_COLUMNS, failed_row
from cookieaudit.batch.run import BatchConfig, run_batch
from cookieaudit.batch.sites import parse_site_list
from cookieaudit.batch.store import BatchStore, atomic_write
from cookieaudit.batch.unit import UnitOutcome
from cookieaudit.errors import InputError
from tests import needs
from tests.batch.results import audited_result


def _outcome(store, spec, result=None, exit_code=0, error=None, screenshot=True) -> UnitOutcome:
    """What a unit leaves in its work folder."""
    workdir = store.new_workdir(spec)
    if result is not None:
        (workdir / "result.json").write_text(result.to_json(), encoding="utf-8")
    if screenshot:
        (workdir / "screenshots" / "after_reject").mkdir(parents=True)
        (workdir / "screenshots" / "after_reject" / "banner.png").write_bytes(b"\x89PNG")
        (workdir / "report.html").write_text("<!doctype html><title>rapport</title>", encoding="utf-8")
        (workdir / "result.json.partial").write_text("{", encoding="utf-8")  # a write cut short: left behind
    (workdir / "scan.log").write_text("cookieaudit: error: boom\n" if error else "", encoding="utf-8")
    return UnitOutcome(exit_code=exit_code, seconds=3.25, workdir=workdir, error=error)


@pytest.fixture()
def specs():
    return parse_site_list("site,name\nwww.denhaag.nl,Den Haag\nwww.utrecht.nl,=HYPERLINK(\"x\")\nwww.zwolle.nl,Zwolle\n")


def test_install_moves_the_attempt_into_the_site_folder(tmp_path, specs):
    store = BatchStore(tmp_path / "uit")
    store.prepare()
    record = store.install(specs[0], _outcome(store, specs[0], audited_result(), exit_code=1))
    folder = tmp_path / "uit" / "sites" / "www.denhaag.nl"
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "result.json", "scan.log", "screenshots", "site.json"]
    assert (folder / "screenshots" / "after_reject" / "banner.png").read_bytes() == b"\x89PNG"
    assert json.loads((folder / "result.json").read_text())["site"] == "https://www.denhaag.nl/"
    on_disk = json.loads((folder / "site.json").read_text())
    assert on_disk == record and record["key"] == specs[0].key
    assert record["row"]["status"] == "ok" and record["row"]["result_path"] == "sites/www.denhaag.nl/result.json"
    assert len(record["cookies"]) == 6
    assert store.is_complete(specs[0], store.load_record(specs[0]))


def test_a_failed_retry_replaces_the_older_attempt(tmp_path, specs):
    store = BatchStore(tmp_path)
    store.prepare()
    store.install(specs[0], _outcome(store, specs[0], audited_result(complete=False), exit_code=143))
    assert not store.is_complete(specs[0], store.load_record(specs[0]))  # incomplete: retried by a rerun
    record = store.install(specs[0], _outcome(store, specs[0], None, exit_code=3, error="cannot reach", screenshot=False))
    folder = store.site_dir(specs[0])
    assert record["row"]["status"] == "failed" and record["row"]["error"] == "cannot reach"
    assert sorted(p.name for p in folder.iterdir()) == ["scan.log", "site.json"]  # nothing of the older attempt
    assert not [p for p in folder.iterdir() if p.name.startswith(".work-")]


def test_exit_0_without_a_result_is_a_failure(tmp_path, specs):
    store = BatchStore(tmp_path)
    store.prepare()
    record = store.install(specs[0], _outcome(store, specs[0], None, exit_code=0, screenshot=False))
    assert record["row"]["status"] == "failed" and "without a result" in record["row"]["error"]


def test_summaries_and_cookie_tables_are_escaped_and_complete(tmp_path, specs):
    store = BatchStore(tmp_path)
    store.prepare()
    rows = [store.install(specs[0], _outcome(store, specs[0], audited_result()))["row"],
            store.install(specs[1], _outcome(store, specs[1], audited_result("https://www.utrecht.nl/")))["row"],
            store.record_failure(specs[2], failed_row(specs[2], exit_code=None, error="-lost worker"))["row"]]
    store.write_summaries(rows)
    store.write_cookie_tables(specs)
    with open(tmp_path / "summary.csv", newline="", encoding="utf-8") as handle:
        summary = list(csv.DictReader(handle))
    assert list(summary[0]) == list(SUMMARY_COLUMNS)
    assert [r["site"] for r in summary] == [s.site for s in specs]
    assert summary[1]["name"] == "'=HYPERLINK(\"x\")"            # formula defused
    assert summary[2]["error"] == "'-lost worker" and summary[2]["status"] == "failed"
    assert summary[0]["complete"] == "true" and summary[2]["complete"] == ""
    lines = (tmp_path / "summary.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[1])["name"] == '=HYPERLINK("x")'    # JSON keeps the value as it is
    assert [json.loads(line)["status"] for line in lines] == ["ok", "ok", "failed"]
    with open(tmp_path / "cookies.csv", newline="", encoding="utf-8") as handle:
        cookies = list(csv.DictReader(handle))
    assert list(cookies[0]) == list(COOKIE_COLUMNS) and len(cookies) == 12
    assert {r["site"] for r in cookies} == {"https://www.denhaag.nl/", "https://www.utrecht.nl/"}
    assert "'=cmd|' /C calc'!A0" in {r["name"] for r in cookies}
    pq = needs.module("pyarrow.parquet")
    table = pq.read_table(tmp_path / "cookies.parquet")
    assert table.num_rows == 12 and table.column_names == list(COOKIE_COLUMNS)
    assert table.schema.field("max_age_days").type == "double" and table.schema.field("session").type == "bool"
    assert "=cmd|' /C calc'!A0" in table.column("name").to_pylist()  # not a spreadsheet: the name as it is


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    atomic_write(tmp_path / "a.json", "{}")
    atomic_write(tmp_path / "a.json", b"[1]")
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"] and (tmp_path / "a.json").read_text() == "[1]"


def test_unwritable_output_folder_is_input_error(tmp_path):
    blocker = tmp_path / "bestand"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot write to the output folder"):
        BatchStore(blocker / "uit").prepare()


def test_rerun_keeps_complete_sites_without_scanning(tmp_path, specs):
    """Every site complete from an earlier run: nothing is started, every row comes back, in list order."""
    listing = tmp_path / "lijst.csv"
    listing.write_text("site,name\nwww.denhaag.nl,Den Haag\nwww.utrecht.nl,=HYPERLINK(\"x\")\nwww.zwolle.nl,Zwolle\n")
    store = BatchStore(tmp_path / "uit")
    store.prepare()
    for spec in specs:
        store.install(spec, _outcome(store, spec, audited_result(spec.site)))
    config = BatchConfig(sites_file=listing, output_dir=tmp_path / "uit", quiet=True, workers=1,
                         scan_args=("--browser-path", "/does/not/exist"))  # a started scan would fail
    outcome = run_batch(config)
    assert outcome.kept == 3 and outcome.scanned == 0
    assert [row["status"] for row in outcome.rows] == ["ok"] * 3 and outcome.exit_code == 0
    assert [row["site"] for row in outcome.rows] == [s.site for s in specs]
    assert len(Path(tmp_path / "uit" / "summary.jsonl").read_text().splitlines()) == 3
    run_info = json.loads((tmp_path / "uit" / "batch.json").read_text())
    assert run_info["counts"] == {"ok": 3, "failed": 0, "incomplete": 0} and run_info["finished_at"]


def test_a_changed_line_is_not_taken_for_a_complete_one(tmp_path, specs):
    store = BatchStore(tmp_path)
    store.prepare()
    store.install(specs[0], _outcome(store, specs[0], audited_result()))
    changed = parse_site_list("site,statement,name\nwww.denhaag.nl,none,Den Haag\n")[0]
    assert changed.folder == specs[0].folder and changed.key != specs[0].key
    assert not store.is_complete(changed, store.load_record(changed))


def test_a_bad_line_is_a_failed_row_and_the_others_still_run(tmp_path, specs):
    """A line that is no URL: its row says why, nothing is scanned or recorded for it, a rerun reads it again."""
    listing = tmp_path / "lijst.csv"
    listing.write_text("site,name\nwww.denhaag.nl,Den Haag\n=cmd|' /C calc'!A0,Kapot\nwww.zwolle.nl,Zwolle\n")
    store = BatchStore(tmp_path / "uit")
    store.prepare()
    good = parse_site_list(listing.read_text())
    store.install(good[0], _outcome(store, good[0], audited_result(good[0].site)))  # complete from an earlier run
    config = BatchConfig(sites_file=listing, output_dir=tmp_path / "uit", quiet=True, workers=1,
                         scan_args=("--browser-path", "/does/not/exist"))  # the one started scan fails fast
    outcome = run_batch(config)
    assert [row["status"] for row in outcome.rows] == ["ok", "failed", "failed"]
    bad = outcome.rows[1]
    assert bad["site"] == "=cmd|' /C calc'!A0" and bad["name"] == "Kapot" and bad["line"] == 3
    assert bad["error"].startswith("line 3: invalid URL") and bad["result_path"] is None
    assert "browser not found" in outcome.rows[2]["error"]
    assert outcome.exit_code == 3 and outcome.kept == 1 and outcome.scanned == 1
    with open(tmp_path / "uit" / "summary.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["line"] for r in rows] == ["2", "3", "4"]
    assert rows[1]["site"].startswith("'=") and rows[1]["status"] == "failed"  # escaped against formula injection
    assert sorted(p.name for p in (tmp_path / "uit" / "sites").iterdir()) == ["www.denhaag.nl", "www.zwolle.nl"]
    again = run_batch(config)
    assert [row["status"] for row in again.rows] == ["ok", "failed", "failed"] and again.rows[1]["error"] == bad["error"]


def test_one_batch_at_a_time_per_output_folder(tmp_path):
    """A second batch on a folder a running batch holds is one clear error (it would clear the first's
    work folders and rewrite its summaries); once the first ends, a rerun can start."""
    import subprocess
    import sys

    first = BatchStore(tmp_path / "uit")
    first.prepare()
    first.lock()
    try:
        with pytest.raises(InputError, match=r"another batch is writing into .*uit \(process \d+\)"):
            BatchStore(tmp_path / "uit").lock()
        listing = tmp_path / "lijst.txt"
        listing.write_text("www.denhaag.nl\n", encoding="utf-8")
        with pytest.raises(InputError, match="another batch is writing into"):  # before anything is scanned
            run_batch(BatchConfig(sites_file=listing, output_dir=tmp_path / "uit", quiet=True, workers=1,
                                  scan_args=("--browser-path", "/does/not/exist")))
        assert not (tmp_path / "uit" / "summary.csv").exists()
        code = ("import sys; from cookieaudit.batch.store import BatchStore\n"
                "try:\n    BatchStore(sys.argv[1]).lock()\nexcept Exception as exc:\n    print(exc)")
        other = subprocess.run([sys.executable, "-c", code, str(tmp_path / "uit")], capture_output=True, text=True,
                               timeout=60, cwd=Path(__file__).resolve().parents[2])
        assert "another batch is writing into" in other.stdout, other.stderr
    finally:
        first.release()
    again = BatchStore(tmp_path / "uit")
    again.lock()
    again.release()


def test_batch_json_keeps_no_proxy_password(tmp_path, specs):
    """batch.json records the scan options; a proxy's user:password is left out, as in every result."""
    listing = tmp_path / "lijst.txt"
    listing.write_text("www.denhaag.nl\n", encoding="utf-8")
    config = BatchConfig(sites_file=listing, output_dir=tmp_path / "uit", quiet=True, workers=1,
                         scan_args=("--proxy", "http://jan:Geheim123@proxy.gemeente.nl:3128",
                                    "--browser-path", "/does/not/exist"))
    run_batch(config)
    text = (tmp_path / "uit" / "batch.json").read_text(encoding="utf-8")
    assert "Geheim123" not in text and "http://proxy.gemeente.nl:3128" in text

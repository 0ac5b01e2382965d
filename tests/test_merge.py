"""Reports from several environments, merged into one site.

Three real runs of two claims on this machine, each in its own environment: as it is,
on one CPU (``taskset -c 0``: the timing claim must skip, saying why) and with one
start method (``BOOK_START_METHODS=spawn``, as macOS and Windows start processes);
the last report is then made stale, as if the code had changed since it ran. Merged by
``python -m book.merge`` and built into a site, each claim must show its outcome in
every environment, and the stale one as unverified there only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, made_once, rendered_claims
from test_site import html_of, outside_loads

from book import merge, report
from book.cpu_slot import slot
from book.render import short_labels

QUICK = ("start-twice-is-an-error", "chapter3/process_creation/test_misuse.py")
TIMED = ("parallel-on-two-cores", "chapter3/concepts/test_processes.py")
TWO_CPUS = "needs at least two usable CPUs"  # the timing claim's reason on one CPU

pytestmark = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and shutil.which("taskset")),
    reason="the one-CPU run needs Linux's taskset",
)


def _run(out: Path, *prefix: str, **env: str) -> dict:
    """A real run of the two claims' tests, its report written to ``out``."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environ.update(BOOK_REPORT=str(out), **env)  # no PYTEST_XDIST_TESTRUNUID: no CPU slot
    args = ["-n", "0", "-p", "no:randomly", "-p", "no:cacheprovider", QUICK[1], TIMED[1]]
    args += ["--claim", QUICK[0], "--claim", TIMED[0]]
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "pytest", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return report.load(out)


ENVIRONMENTS = ("here", "one-cpu", "spawn")


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> Path:
    """The three runs' reports (``here``, ``one-cpu``, ``spawn``: stale) and their merge
    (``merged.json``), in one folder; made once per test run."""
    with made_once(tmp_path_factory, "merged") as folder:
        merged = folder / "merged.json"
        if not merged.exists():
            with slot():
                _run(folder / "here.json")
                _run(folder / "one-cpu.json", "taskset", "-c", "0")
                spawn = _run(folder / "spawn.json", BOOK_START_METHODS="spawn")
            for entry in spawn["tests"].values():
                entry["fingerprint"] = "changed-since"  # as if the code had changed since
            (folder / "spawn.json").write_text(json.dumps(spawn), encoding="utf-8")
            done = subprocess.run(
                [sys.executable, "-m", "book.merge", str(merged)]
                + [str(folder / f"{n}.json") for n in ENVIRONMENTS],
                cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
            )  # fmt: skip
            (folder / "merge.out").write_text(done.stdout, encoding="utf-8")
        return folder


@pytest.fixture(scope="session")
def labels(reports) -> dict[str, str]:
    """Each environment's label, by name."""
    return {
        n: report.label(report.newest_run(report.load(reports / f"{n}.json"))) for n in ENVIRONMENTS
    }


@pytest.fixture(scope="session")
def merged_site(tmp_path_factory, reports, built_site) -> Path:
    """The site built from the merged report; once per test run. (``built_site`` first:
    its build has captured the example runs this one shows.)"""
    with made_once(tmp_path_factory, "merged-site") as site:
        if not (site / "index.html").exists():
            env = {**os.environ, "BOOK_REPORT": str(reports / "merged.json")}
            with slot():
                done = subprocess.run(
                    [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                    cwd=ROOT, env={**env, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True,
                    text=True, timeout=900, check=False,
                )  # fmt: skip
            assert done.returncode == 0, done.stderr[-5000:]
        return site


def test_three_real_runs_are_three_environments(reports, labels):
    assert len(set(labels.values())) == 3, labels
    assert " · 1 CPU · " in labels["one-cpu"] and " · 1 CPU · " not in labels["here"]
    assert labels["spawn"].endswith(" · spawn")
    data = json.loads((reports / "merged.json").read_text(encoding="utf-8"))
    assert sorted(report.label(report.newest_run(e)) for e in data["environments"]) == sorted(
        labels.values()
    )
    printed = (reports / "merge.out").read_text(encoding="utf-8")
    assert all(label in printed for label in labels.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_claim_shows_its_outcome_in_every_environment(merged_site, labels, lang):
    here, one_cpu, spawn = labels.values()
    short = short_labels([here, one_cpu, spawn])
    page = rendered_claims(html_of(merged_site, "process-creation.md", lang))
    quick = page[QUICK[0]]
    assert quick["status"] == "verified", "verified here; the stale report does not count"
    assert quick["verdicts"] == {here: "verified", one_cpu: "verified", spawn: "unverified"}
    rows = {(r["env"], r["param"], r["kind"]) for r in quick["rows"]}
    methods = report.start_methods()
    assert rows == {(short[e], m, "passed") for e in (here, one_cpu) for m in methods} | {
        (short[spawn], "—", "missing")
    }, "each environment's own rows; the stale one's as unverified"

    timed = rendered_claims(html_of(merged_site, "concepts.md", lang))[TIMED[0]]
    assert timed["verdicts"][one_cpu] == "skipped"
    on_one = [r for r in timed["rows"] if r["env"] == short[one_cpu]]
    assert on_one and all(r["kind"] == "skipped" and TWO_CPUS in r["note"] for r in on_one)
    on_two = [r for r in timed["rows"] if r["env"] == short[here]]
    assert on_two and all(TWO_CPUS not in r["note"] for r in on_two)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ledger_says_where_and_when_each_badge_was_earned(merged_site, reports, labels, lang):
    html = html_of(merged_site, "ledger.md", lang)
    data = json.loads((reports / "merged.json").read_text(encoding="utf-8"))
    for env in data["environments"]:
        newest = report.newest_run(env)
        assert f"<td>{report.label(newest)}</td>\n<td>{newest['time']}</td>" in html
    shown = html[html.index(f'href="../process-creation/#claim-{QUICK[0]}"') :].split("</tr>")[0]
    verdicts = ("verified", "verified", "unverified")
    for label, status in zip(labels.values(), verdicts, strict=True):
        assert f'data-env="{label}" data-env-status="{status}"' in shown


def test_the_merged_site_loads_nothing_from_outside(merged_site):
    outside = outside_loads(merged_site)
    assert not outside, outside[:20]


def test_merge_keeps_the_newer_of_two_runs_in_one_environment(reports, tmp_path):
    """Two reports of one environment make one; a test's newer result wins."""
    here = reports / "here.json"
    older = json.loads(here.read_text(encoding="utf-8"))
    ((run_id, env),) = older["runs"].items()
    older["runs"] = {"older": {**env, "time": "2000-01-01 00:00 UTC"}}
    for entry in older["tests"].values():
        entry.update(run="older", outcome="failed", reason="call: an older failure")
    (tmp_path / "older.json").write_text(json.dumps(older), encoding="utf-8")
    data = merge.merged(merge.read(tmp_path / "older.json") + merge.read(here))
    (env_report,) = data["environments"]
    assert {t["run"] for t in env_report["tests"].values()} == {run_id}
    data = merge.merged(merge.read(here) + merge.read(tmp_path / "older.json"))
    assert {t["run"] for t in data["environments"][0]["tests"].values()} == {run_id}, (
        "the order the reports are given in does not matter: the time of their runs does"
    )


@pytest.mark.parametrize(
    "content, says",
    [
        (None, "no such report"),
        ("{not json", "not JSON"),
        ('{"schema": 0, "tests": {}}', "not a claims report of schema"),
        ('{"schema": 1, "runs": {}, "tests": {}, "errors": {}}', "holds no result"),
    ],
    ids=["missing", "not-json", "other-schema", "empty"],
)
def test_merge_refuses_what_is_not_a_report_and_says_why(tmp_path, content, says):
    path = tmp_path / "claims.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "book.merge", str(tmp_path / "out.json"), str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and f"{path}: " in done.stderr and says in done.stderr
    assert not (tmp_path / "out.json").exists()

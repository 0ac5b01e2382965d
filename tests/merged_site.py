"""Fixtures: three real runs of two claims in three environments, their merged report,
and the site built from it (``tests/test_merge.py`` checks them; ``tests/test_browser.py``
shows the site at a phone's width).

The environments: this machine as it is, on one CPU (``taskset -c 0``: the timing claim
must skip, saying why), and with one start method (``BOOK_START_METHODS=spawn``, as
macOS and Windows start processes); the last report is then made stale, as if the code
had changed since it ran.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build_site, made_once

from book import report
from book.cpu_slot import slot

QUICK = ("start-twice-is-an-error", "chapter3/process_creation/test_misuse.py")
TIMED = ("parallel-on-two-cores", "chapter3/concepts/test_processes.py")
TWO_CPUS = "needs at least two usable CPUs"  # the timing claim's reason on one CPU


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
    if not (sys.platform.startswith("linux") and shutil.which("taskset")):
        pytest.skip("the one-CPU run needs Linux's taskset")
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
            build_site(site, reports / "merged.json")
        return site

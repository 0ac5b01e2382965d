"""pytest plugin: the ``claim`` marker, ``--claim`` selection and the claims report.

Loaded for every run by ``-p book.pytest_plugin`` in ``pyproject.toml``. Under
pytest-xdist the workers tag their reports with the claim ids (``user_properties``
cross the wire) and the controller alone writes the report.
"""

from __future__ import annotations

import gc
import re
import uuid
from multiprocessing import shared_memory, synchronize
from pathlib import Path

import pytest

from book import report as claims_report

SHM = Path("/dev/shm")


class ShmWatch:
    """Remembers the named semaphores and shared-memory blocks this process creates, so
    that a run blames only its own leftovers (other runs may share /dev/shm)."""

    def __init__(self):
        self.names: list[str] = []
        for owner, attr in ((synchronize.SemLock, "_make_name"), (shared_memory, "_make_filename")):
            original = getattr(owner, attr)

            def named(original=original) -> str:
                name = original()
                self.names.append(name)
                return name

            setattr(owner, attr, staticmethod(named) if owner is synchronize.SemLock else named)

    def leaked(self) -> list[str]:
        gc.collect()  # run the finalizers that unlink what dead objects held
        if not SHM.is_dir():
            return []
        files = [("sem." if n.startswith("/mp") else "") + n.lstrip("/") for n in self.names]
        return sorted(f for f in files if (SHM / f).exists())


def pytest_addoption(parser):
    parser.addoption(
        "--claim",
        action="append",
        default=[],
        metavar="ID",
        help="run only the tests of this claim (repeatable)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "claim(id): the test verifies the book's claim with this kebab-case id"
    )
    config._claims = ClaimRecorder()
    config.pluginmanager.register(config._claims, "claim-recorder")
    config._shm_watch = ShmWatch()
    config._leaked_shm = []


def claim_ids(item) -> list[str]:
    ids = []
    for mark in item.iter_markers("claim"):
        if len(mark.args) != 1 or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", mark.args[0]):
            raise pytest.UsageError(f"{item.nodeid}: claim() takes one kebab-case id")
        ids.append(mark.args[0])
    return ids


def pytest_collection_modifyitems(config, items):
    wanted = set(config.getoption("claim"))
    keep, drop = [], []
    for item in items:
        ids = claim_ids(item)
        item.user_properties.extend(("claim", i) for i in ids)
        (keep if not wanted or wanted & set(ids) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class ClaimRecorder:
    """Collects, in the process that writes the report, the outcome of each claim test."""

    def __init__(self):
        self.results: dict[str, dict] = {}

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report):
        ids = [v for k, v in report.user_properties if k == "claim"]
        if not ids:
            return
        path, _, name = report.nodeid.partition("::")
        param = re.search(r"\[(.*)\]$", name)
        entry = self.results.setdefault(
            report.nodeid,
            {
                "claims": ids,
                "file": path,
                "func": re.sub(r"\[.*\]$", "", name),
                "line": report.location[1] + 1,
                "param": param.group(1) if param else "",
                "outcome": "passed",
                "reason": "",
                "duration": 0.0,
            },
        )
        entry["duration"] = round(entry["duration"] + report.duration, 3)
        if report.failed:
            entry["outcome"] = "failed"
            entry["reason"] = f"{report.when}: {_last_line(report.longreprtext)}"
        elif report.skipped and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"
            entry["reason"] = _skip_reason(report)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """An xdist worker is done: collect what it leaked."""
    node.config._leaked_shm += getattr(node, "workeroutput", {}).get("leaked_shm", [])


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if hasattr(config, "workerinput"):  # an xdist worker: the controller writes the report
        config.workeroutput["leaked_shm"] = config._shm_watch.leaked()
        return
    results = config._claims.results
    if results:
        root = Path(str(config.rootpath))
        prints = {}
        for entry in results.values():
            test_file = root / entry["file"]
            if entry["file"] not in prints:
                prints[entry["file"]] = claims_report.fingerprint(test_file)
            entry["fingerprint"] = prints[entry["file"]]
        run_id = uuid.uuid4().hex[:12]
        for entry in results.values():
            entry["run"] = run_id
        claims_report.merge(run_id, claims_report.environment(), results)
    config._leaked_shm += config._shm_watch.leaked()
    if config._leaked_shm:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    leaked = getattr(config, "_leaked_shm", None)
    if leaked:
        terminalreporter.section("leaked semaphores or shared memory", red=True)
        terminalreporter.line("\n".join(leaked))


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


def _skip_reason(rep) -> str:
    if isinstance(rep.longrepr, tuple):
        return rep.longrepr[2].removeprefix("Skipped: ")
    return _last_line(str(rep.longrepr))

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
    that a run blames only its own leftovers (other runs may share /dev/shm).

    It wraps the functions that make the names, and puts them back at :meth:`close`
    (a run inside a run, as ``pytester`` makes, must not leave its wrapper behind)."""

    def __init__(self):
        self.names: list[str] = []
        self._originals = []
        for owner, attr in ((synchronize.SemLock, "_make_name"), (shared_memory, "_make_filename")):
            original = owner.__dict__[attr]
            self._originals.append((owner, attr, original))
            static = isinstance(original, staticmethod)
            make = original.__func__ if static else original

            def named(make=make) -> str:
                name = make()
                self.names.append(name)
                return name

            setattr(owner, attr, staticmethod(named) if static else named)

    def close(self) -> None:
        for owner, attr, original in reversed(self._originals):
            setattr(owner, attr, original)

    def leaked(self, since: int = 0) -> list[str]:
        """The files in /dev/shm of the names made (from the ``since``-th on) still there."""
        gc.collect()  # run the finalizers that unlink what dead objects held
        if not SHM.is_dir():
            return []
        files = [
            ("sem." if n.startswith("/mp") else "") + n.lstrip("/") for n in self.names[since:]
        ]
        return sorted(f for f in files if (SHM / f).exists())


RECORDER = pytest.StashKey["ClaimRecorder"]()
SHM_WATCH = pytest.StashKey[ShmWatch]()
LEAKED = pytest.StashKey[list]()


def pytest_addoption(parser):
    parser.addoption(
        "--claim",
        action="append",
        default=[],
        metavar="ID",
        help="run only the tests of this claim (repeatable)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Before any conftest asks for them: the start methods to test must exist here, and
    the report to write must be a run's own, not a merge of several machines'."""
    try:
        claims_report.start_methods()
        claims_report.load(claims_report.report_path(Path(early_config.rootpath)))
    except ValueError as e:
        raise pytest.UsageError(str(e)) from None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "claim(id): the test verifies the book's claim with this kebab-case id"
    )
    config.stash[RECORDER] = ClaimRecorder(config)
    config.pluginmanager.register(config.stash[RECORDER], "claim-recorder")
    config.stash[SHM_WATCH] = ShmWatch()
    config.stash[LEAKED] = []


def pytest_unconfigure(config):
    if SHM_WATCH in config.stash:
        config.stash[SHM_WATCH].close()


def claim_ids(item) -> list[str]:
    ids = []
    for mark in item.iter_markers("claim"):
        if len(mark.args) != 1 or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", mark.args[0]):
            raise pytest.UsageError(f"{item.nodeid}: claim() takes one kebab-case id")
        ids.append(mark.args[0])
    return ids


@pytest.hookimpl(tryfirst=True)  # before -k, -m and --deselect drop any item
def pytest_collection_modifyitems(config, items):
    """Tag each claim test with its ids and with the fingerprint of its files *now*, as
    they were imported: a file edited while the run goes on makes the result stale."""
    wanted = set(config.getoption("claim"))
    recorder = config.stash[RECORDER]
    keep, drop = [], []
    prints: dict[Path, str] = {}
    for item in items:
        ids = claim_ids(item)
        if ids:
            path = Path(str(item.path))
            if path not in prints:
                prints[path] = claims_report.fingerprint(path)
            item.user_properties.extend(("claim", i) for i in ids)
            item.user_properties.append(("fingerprint", prints[path]))
            if recorder.collected is not None:
                recorder.collected.add(item.nodeid)
        (keep if not wanted or wanted & set(ids) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class ClaimRecorder:
    """Collects, in the process that writes the report, the outcome of each claim test.

    One entry per test and parametrisation, over its three phases: a failure in any
    phase (a fixture's setup, the call, a teardown such as the leak guard's) makes it
    ``failed``, with the first failing phase and message as its reason. Otherwise a
    skip (in the body, by a ``skipif`` marker, by a fixture) makes it ``skipped``; a
    test marked ``xfail`` that failed is ``xfailed`` (its claim did not hold here), one
    that passed is ``xpassed`` (``strict`` xfail makes that a failure, as pytest does).
    A module that fails to collect is recorded in ``errors``, with its reason.
    """

    def __init__(self, config):
        self.results: dict[str, dict] = {}
        self.errors: dict[str, str] = {}
        # every claim test this run collected, to forget the results of tests that are
        # gone; None when the run collected only some tests of a module
        partial = any("::" in arg for arg in config.args) or config.getoption("lf", False)
        self.collected: set[str] | None = None if partial else set()

    @pytest.hookimpl
    def pytest_collectreport(self, report):
        if report.failed:
            self.errors[report.nodeid] = f"collect: {_message(report)}"

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
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
                "fingerprint": props["fingerprint"],
            },
        )
        entry["duration"] = round(entry["duration"] + report.duration, 3)
        if entry["outcome"] == "failed":
            return  # the first failure is the reason; a later phase adds nothing to it
        xfail = getattr(report, "wasxfail", None)
        if report.failed:
            entry["outcome"] = "failed"
            entry["reason"] = f"{report.when}: {_message(report)}"
        elif xfail is not None:
            entry["outcome"] = "xfailed" if report.skipped else "xpassed"
            entry["reason"] = f"{'xfail' if report.skipped else 'xpass'}: {xfail}"
        elif report.skipped and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"
            entry["reason"] = _skip_reason(report)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """An xdist worker is done: collect what it leaked and what it collected."""
    output = getattr(node, "workeroutput", {})
    node.config.stash[LEAKED] += output.get("leaked_shm", [])
    recorder = node.config.stash[RECORDER]
    collected = output.get("collected")
    if recorder.collected is not None:
        recorder.collected = None if collected is None else recorder.collected | set(collected)


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if hasattr(config, "workerinput"):  # an xdist worker: the controller writes the report
        config.workeroutput["leaked_shm"] = config.stash[SHM_WATCH].leaked()
        collected = config.stash[RECORDER].collected
        config.workeroutput["collected"] = None if collected is None else sorted(collected)
        return
    recorder = config.stash[RECORDER]
    if recorder.results or recorder.errors:
        run_id = uuid.uuid4().hex[:12]
        for entry in recorder.results.values():
            entry["run"] = run_id
        env = claims_report.environment()
        claims_report.merge(
            run_id,
            env,
            recorder.results,
            recorder.errors,
            recorder.collected,
            path=claims_report.report_path(Path(config.rootpath)),  # this project's report
        )
    config.stash[LEAKED] += config.stash[SHM_WATCH].leaked()
    if config.stash[LEAKED]:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    leaked = config.stash.get(LEAKED, None)
    if leaked:
        terminalreporter.section("leaked semaphores or shared memory", red=True)
        terminalreporter.line("\n".join(leaked))


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


def _message(rep) -> str:
    """What went wrong, in one line: the exception and its message."""
    crash = getattr(rep.longrepr, "reprcrash", None)
    if crash is not None and crash.message.strip():
        return crash.message.strip().splitlines()[0][:300]
    text = str(rep.longrepr)  # a collection error, or pytest's own words (XPASS(strict))
    errors = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("E ")]
    return errors[-1][:300] if errors else _last_line(text)


def _skip_reason(rep) -> str:
    if isinstance(rep.longrepr, tuple):
        return rep.longrepr[2].removeprefix("Skipped: ")
    return _last_line(str(rep.longrepr))

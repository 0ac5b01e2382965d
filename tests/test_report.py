"""The pytest plugin: the claim marker, --claim, and the report it writes."""

from __future__ import annotations

import multiprocessing

import pytest

from book import report

SAMPLE = """
import pytest

@pytest.mark.claim("adds-up")
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_adds(method):
    assert 1 + 1 == 2

@pytest.mark.claim("only-on-mars")
def test_mars():
    pytest.skip("needs Mars")

@pytest.mark.claim("is-wrong")
def test_wrong():
    assert 1 == 2

def test_no_claim():
    pass
"""

SERIAL_AND_XDIST = pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])


def _run(project, workers, *args):
    """Serial runs stay in this process; xdist needs its own."""
    return project.run(*workers, *args, isolated=bool(workers))


@SERIAL_AND_XDIST
def test_report_has_every_outcome_per_parameter_with_its_environment(project, workers):
    project.write("chapter3/test_sample.py", SAMPLE)
    done = _run(project, workers, "chapter3")
    assert done.ret == 1, done.outlines  # test_wrong fails
    data = project.report()
    tests = data["tests"]
    assert {t["param"] for t in tests.values() if t["claims"] == ["adds-up"]} == {"fork", "spawn"}
    by_claim = {t["claims"][0]: t for t in tests.values()}
    assert by_claim["adds-up"]["outcome"] == "passed"
    assert by_claim["only-on-mars"]["outcome"] == "skipped"
    assert by_claim["only-on-mars"]["reason"] == "needs Mars"
    assert by_claim["is-wrong"]["outcome"] == "failed"
    assert by_claim["is-wrong"]["reason"] == "call: assert 1 == 2"
    assert len(tests) == 4, "tests without a claim are not in the report"
    env = data["runs"][by_claim["adds-up"]["run"]]
    for key in ("python", "implementation", "platform", "cpus", "gil", "start_methods", "time"):
        assert key in env
    assert all(t["fingerprint"] for t in tests.values())


FIXTURES = """
import pytest

@pytest.fixture
def broken_setup():
    raise RuntimeError("no lab today")

@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("could not tidy up")

@pytest.fixture
def busy():
    pytest.skip("the CPUs are busy")
"""

PHASES = """
import os
import subprocess
import sys

import pytest

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.mark.claim("c-setup")
def test_setup_error(broken_setup):
    pass


@pytest.mark.claim("c-teardown")
def test_teardown_error(broken_teardown):
    pass


@pytest.mark.claim("c-both")
def test_fails_then_teardown_fails(broken_teardown):
    assert 2 + 2 == 5


@pytest.mark.claim("c-leak")
def test_leaves_a_child_behind():
    os.posix_spawn(SLEEPER[0], SLEEPER, os.environ)  # the leak guard must kill it


@pytest.mark.claim("c-fixture-skip")
def test_skipped_by_a_fixture(busy):
    pass


@pytest.mark.claim("c-skipif")
@pytest.mark.skipif(True, reason="Linux only")
def test_skipped_by_a_marker():
    pass


@pytest.mark.claim("c-xfail")
@pytest.mark.xfail(reason="known to fail here")
def test_xfails():
    assert False


@pytest.mark.claim("c-xfail-norun")
@pytest.mark.xfail(reason="would hang", run=False)
def test_xfail_not_run():
    pass


@pytest.mark.claim("c-xpass")
@pytest.mark.xfail(reason="thought to fail")
def test_xpasses():
    pass


@pytest.mark.claim("c-xpass-strict")
@pytest.mark.xfail(reason="must fail", strict=True)
def test_xpasses_strictly():
    pass
"""

EXPECTED = {
    "test_setup_error": ("failed", "setup: RuntimeError: no lab today"),
    "test_teardown_error": ("failed", "teardown: RuntimeError: could not tidy up"),
    "test_fails_then_teardown_fails": ("failed", "call: assert (2 + 2) == 5"),
    "test_skipped_by_a_fixture": ("skipped", "the CPUs are busy"),
    "test_skipped_by_a_marker": ("skipped", "Linux only"),
    "test_xfails": ("xfailed", "xfail: known to fail here"),
    "test_xfail_not_run": ("xfailed", "xfail: [NOTRUN] would hang"),
    "test_xpasses": ("xpassed", "xpass: thought to fail"),
    "test_xpasses_strictly": ("failed", "call: [XPASS(strict)] must fail"),
}


@SERIAL_AND_XDIST
def test_each_phase_and_marker_is_recorded_with_its_outcome_and_reason(project, workers):
    with open(project.guard(), "a", encoding="utf-8") as conftest:
        conftest.write(FIXTURES)
    project.write("chapter3/test_phases.py", PHASES)
    project.write("chapter3/test_broken.py", "import no_such_module_here\n")
    done = _run(project, workers, "chapter3", "--continue-on-collection-errors")
    assert done.ret == 1, done.outlines
    got = project.by_func()
    for func, (outcome, reason) in EXPECTED.items():
        assert (got[func]["outcome"], got[func]["reason"]) == (outcome, reason), func
    leak = got["test_leaves_a_child_behind"]
    assert leak["outcome"] == "failed"
    assert leak["reason"].startswith("teardown: AssertionError: the test left behind: descendant")
    errors = project.report()["errors"]
    assert list(errors) == ["chapter3/test_broken.py"]
    assert (
        "ModuleNotFoundError: No module named 'no_such_module_here'"
        in (errors["chapter3/test_broken.py"]["reason"])
    )


def test_claim_option_runs_only_that_claim(project):
    project.write("chapter3/test_sample.py", SAMPLE)
    done = project.run("chapter3", "--claim", "adds-up")
    assert done.ret == 0, done.outlines
    done.assert_outcomes(passed=2, deselected=3)
    assert {t["claims"][0] for t in project.report()["tests"].values()} == {"adds-up"}


def test_a_claim_marker_needs_one_kebab_case_id(project):
    project.write(
        "chapter3/test_bad.py",
        'import pytest\n@pytest.mark.claim("Bad Id")\ndef test_x():\n    pass\n',
    )
    done = project.run("chapter3/test_bad.py")
    assert done.ret != 0 and "kebab-case" in "\n".join(done.outlines + done.errlines)


LEAKY = """
import multiprocessing

KEPT = []


def test_keeps_a_semaphore_alive():
    KEPT.append(multiprocessing.get_context("spawn").Lock())  # named, and never released


def test_drops_its_semaphore():
    multiprocessing.get_context("spawn").Lock()
"""


@SERIAL_AND_XDIST
def test_a_run_that_leaks_a_semaphore_fails_and_names_it(project, workers):
    project.write("test_leaky.py", LEAKY)
    done = project.run(*workers, "test_leaky.py", isolated=True)  # leaks show at the end
    out = "\n".join(done.outlines)
    assert "2 passed" in out
    assert done.ret == 1, out
    assert "leaked semaphores or shared memory" in out
    assert out.count("sem.mp-") == 1, out


METHODS = """
import pytest

@pytest.mark.claim("any-method")
def test_starts(ctx):
    assert ctx.get_start_method()
"""


def test_a_run_limited_to_one_start_method_tests_and_records_only_it(project, monkeypatch):
    project.guard()  # the book's ctx fixture, one parameter per start method
    project.write("chapter3/test_methods.py", METHODS)
    project.run("chapter3").assert_outcomes(passed=len(multiprocessing.get_all_start_methods()))
    monkeypatch.setenv("BOOK_START_METHODS", " spawn ")
    project.path.joinpath("claims.json").unlink()
    project.run("chapter3").assert_outcomes(passed=1)
    assert list(project.by_func()) == ["test_starts[spawn]"]
    (env,) = project.report()["runs"].values()
    assert env["start_methods"] == ["spawn"]


def test_a_start_method_this_platform_lacks_is_a_usage_error(project, monkeypatch):
    monkeypatch.setenv("BOOK_START_METHODS", "spawn,vfork")
    project.write("chapter3/test_methods.py", METHODS)
    done = project.run("chapter3")
    assert done.ret == pytest.ExitCode.USAGE_ERROR
    assert "BOOK_START_METHODS names vfork: this platform offers only" in str(done.stderr)


def test_a_merged_report_is_not_written_to(project):
    merged = project.path / "claims.json"
    merged.write_text('{"schema": 1, "environments": []}', encoding="utf-8")
    project.write("chapter3/test_sample.py", SAMPLE)
    done = project.run("chapter3")
    assert done.ret == pytest.ExitCode.USAGE_ERROR
    assert "merges the reports of several machines" in str(done.stderr)
    assert merged.read_text(encoding="utf-8") == '{"schema": 1, "environments": []}'


@pytest.mark.parametrize(
    "platform, python, gil, cpus, methods, shown",
    [
        ("Linux 6.1.0-28-cloud-amd64 x86_64", "3.11.7", True, 2, ["fork", "spawn"],
         "Linux x86_64 · CPython 3.11.7 · GIL · 2 CPU · fork, spawn"),
        ("Darwin 23.4.0 arm64", "3.13.1", True, 8, ["spawn", "fork", "forkserver"],
         "macOS arm64 · CPython 3.13.1 · GIL · 8 CPU · spawn, fork, forkserver"),
        ("Windows 11 AMD64", "3.14.0", False, 4, ["spawn"],
         "Windows AMD64 · CPython 3.14.0 · free-threaded · 4 CPU · spawn"),
    ],
)  # fmt: skip
def test_an_environment_is_labelled_by_what_decides_an_outcome(
    platform, python, gil, cpus, methods, shown
):
    env = {"platform": platform, "python": python, "implementation": "CPython", "gil": gil,
           "usable_cpus": cpus, "cpus": 64, "start_methods": methods, "time": "any"}  # fmt: skip
    assert report.label(env) == shown, "no kernel release, no machine-wide CPU count, no time"

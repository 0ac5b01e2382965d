"""The pytest plugin: the claim marker, --claim, and the report it writes."""

from __future__ import annotations

import json
import textwrap

import pytest
from conftest import inner_pytest

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


def run_pytest(tmp_path, *args):
    (tmp_path / "chapter3").mkdir(exist_ok=True)
    (tmp_path / "chapter3" / "test_sample.py").write_text(textwrap.dedent(SAMPLE))
    done = inner_pytest(tmp_path, "chapter3", *args)
    report = tmp_path / "claims.json"
    return done, json.loads(report.read_text()) if report.exists() else None


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_report_has_every_outcome_per_parameter_with_its_environment(tmp_path, workers):
    done, data = run_pytest(tmp_path, *workers)
    assert done.returncode == 1, done.stdout  # test_wrong fails
    tests = data["tests"]
    assert {t["param"] for t in tests.values() if t["claims"] == ["adds-up"]} == {"fork", "spawn"}
    by_claim = {t["claims"][0]: t for t in tests.values()}
    assert by_claim["adds-up"]["outcome"] == "passed"
    assert by_claim["only-on-mars"]["outcome"] == "skipped"
    assert by_claim["only-on-mars"]["reason"] == "needs Mars"
    assert by_claim["is-wrong"]["outcome"] == "failed"
    assert len(tests) == 4, "tests without a claim are not in the report"
    env = data["runs"][by_claim["adds-up"]["run"]]
    for key in ("python", "implementation", "platform", "cpus", "gil", "start_methods", "time"):
        assert key in env
    assert all(t["fingerprint"] for t in tests.values())


def test_claim_option_runs_only_that_claim(tmp_path):
    done, data = run_pytest(tmp_path, "--claim", "adds-up")
    assert done.returncode == 0, done.stdout
    assert "2 passed, 3 deselected" in done.stdout
    assert {t["claims"][0] for t in data["tests"].values()} == {"adds-up"}


def test_a_claim_marker_needs_one_kebab_case_id(tmp_path):
    (tmp_path / "chapter3").mkdir()
    bad = tmp_path / "chapter3" / "test_bad.py"
    bad.write_text('import pytest\n@pytest.mark.claim("Bad Id")\ndef test_x():\n    pass\n')
    done = inner_pytest(tmp_path, str(bad))
    assert done.returncode != 0 and "kebab-case" in done.stdout + done.stderr


LEAKY = """
import multiprocessing

KEPT = []


def test_keeps_a_semaphore_alive():
    KEPT.append(multiprocessing.get_context("spawn").Lock())  # named, and never released


def test_drops_its_semaphore():
    multiprocessing.get_context("spawn").Lock()
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_a_run_that_leaks_a_semaphore_fails_and_names_it(tmp_path, workers):
    (tmp_path / "test_leaky.py").write_text(LEAKY)
    done = inner_pytest(tmp_path, *workers, "test_leaky.py")
    assert "2 passed" in done.stdout
    assert done.returncode == 1, done.stdout
    assert "leaked semaphores or shared memory" in done.stdout
    assert done.stdout.count("sem.mp-") == 1, done.stdout

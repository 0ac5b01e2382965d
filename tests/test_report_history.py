"""What a run makes of the results earlier runs left in the report.

The throw-away project has the book's layout (a section package ``chapter3/pkg`` with its
claim tests beside the listing they import), so it runs in a subprocess of its own: this
process has imported the book's own ``chapter3`` already."""

from __future__ import annotations

from multiprocessing import shared_memory, synchronize

from book.sources import claims_in_tests
from book.status import claim_status, fresh_results

SECTION = "VALUE = 1\n"
TESTS = """
from pathlib import Path

import pytest

from chapter3.pkg import s

@pytest.mark.claim("c-edit")
def test_edits_its_module_while_it_runs():
    path = Path(s.__file__)
    path.write_text(path.read_text() + "# edited while the run went on\\n")

@pytest.mark.claim("c-plain")
@pytest.mark.parametrize("n", [1, 2, 3])
def test_plain(n):
    assert s.VALUE == 1
"""


def _project(project):
    project.write("chapter3/__init__.py", "")
    project.write("chapter3/pkg/__init__.py", "")
    project.write("chapter3/pkg/s.py", SECTION)
    project.write("chapter3/pkg/test_s.py", TESTS)
    return project


def _status(project, claim):
    data = project.report()
    tests = claims_in_tests(project.path / "chapter3")
    return claim_status(claim, "claim", tests, data, fresh_results(data, root=project.path))


def test_a_result_vouches_for_the_files_as_the_run_imported_them(project):
    """An edit made while the run goes on (here by the test itself) makes it stale."""
    _project(project).run("chapter3", isolated=True).assert_outcomes(passed=4)
    assert _status(project, "c-edit").status == "unverified"
    assert _status(project, "c-plain").status == "unverified"  # same module under test


def test_after_an_edit_a_partial_rerun_leaves_the_other_parameters_stale(project):
    _project(project).run("chapter3", "-k", "plain", isolated=True).assert_outcomes(
        passed=3, deselected=1
    )
    assert _status(project, "c-plain").status == "verified"
    project.write("chapter3/pkg/s.py", SECTION + "# changed\n")
    project.run("chapter3", "-k", "plain and 1", isolated=True).assert_outcomes(
        passed=1, deselected=3
    )
    st = _status(project, "c-plain")
    assert st.status == "unverified"
    assert [r["param"] for r in st.results] == ["1"]
    assert sorted(m.param for m in st.missing) == ["2", "3"]


def test_results_of_parameters_that_are_gone_are_forgotten(project):
    _project(project).run("chapter3", "-k", "plain", isolated=True).assert_outcomes(
        passed=3, deselected=1
    )
    project.write("chapter3/pkg/test_s.py", TESTS.replace("[1, 2, 3]", "[1, 2]"))
    project.run("chapter3", "-k", "plain", isolated=True).assert_outcomes(passed=2, deselected=1)
    assert sorted(project.by_func()) == ["test_plain[1]", "test_plain[2]"]
    assert _status(project, "c-plain").status == "verified"


def test_a_module_that_no_longer_collects_loses_its_results_and_says_why(project):
    """It cannot be imported (a helper it imports is gone; none of the files its results
    vouch for changed): none of its old results stands; the other module's do."""
    _project(project).write("chapter3/pkg/helper_outside.py", "HELP = 1\n")
    project.write(
        "chapter3/pkg/test_t.py",
        'import pytest\nfrom chapter3.pkg import helper_outside\n\n@pytest.mark.claim("c-t")\n'
        "def test_t():\n    pass\n",
    )
    project.run("chapter3", "-k", "plain or test_t", isolated=True).assert_outcomes(
        passed=4, deselected=1
    )
    assert _status(project, "c-t").status == "verified"
    (project.path / "chapter3" / "pkg" / "helper_outside.py").unlink()
    done = project.run("chapter3", "-k", "plain or test_t", isolated=True)
    done.assert_outcomes(errors=1)  # the run stops: nothing else ran either
    st = _status(project, "c-t")
    assert st.status == "unverified" and not st.results
    assert st.missing[0].reason.startswith("collect: ImportError")  # helper_outside is gone
    assert _status(project, "c-plain").status == "verified"  # untouched, still fresh
    project.write("chapter3/pkg/helper_outside.py", "HELP = 1\n")
    project.run("chapter3", "-k", "test_t", isolated=True).assert_outcomes(passed=1, deselected=4)
    assert _status(project, "c-t").status == "verified"
    assert project.report()["errors"] == {}


def test_a_run_in_a_run_leaves_the_semaphore_names_as_they_were(project):
    before = (synchronize.SemLock.__dict__["_make_name"], shared_memory._make_filename)
    project.write("test_x.py", "def test_x():\n    pass\n")
    project.run().assert_outcomes(passed=1)
    assert (synchronize.SemLock.__dict__["_make_name"], shared_memory._make_filename) == before

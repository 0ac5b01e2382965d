"""Which edits make a claim test's result stale, and which do not."""

from __future__ import annotations

import os
import re

import pytest
from conftest import ROOT, write

from book import report
from book.status import fresh_results

TREE = {
    "chapter3/__init__.py": "",
    "chapter3/conftest.py": "import pytest\n",
    "chapter3/timeline.py": "EVENTS = []\n",
    "chapter3/runner.py": "RUNS = []\n",
    "chapter3/waiting.py": "TIMEOUT = 30\n",
    "chapter3/s.py": "from chapter3 import helper\nfrom chapter3.waiting import TIMEOUT\n",
    "chapter3/helper.py": "import chapter3.deep\n",
    "chapter3/deep.py": "DEPTH = 2\n",
    "chapter3/other.py": "OTHER = 1\n",
    "chapter3/test_s.py": "from chapter3.s import TIMEOUT\n\ndef test_a():\n    pass\n",
    "chapter3/test_other.py": "from chapter3 import other\n",
    "chapter3/_scripts_s/run.py": "print('s')\n",
    "chapter3/_scripts_other/run.py": "print('other')\n",
    "chapter3/kit/__init__.py": "",
    "chapter3/kit/listing.py": "from chapter3.kit.events import Timeline\n",
    "chapter3/kit/events.py": "class Timeline: ...\n",
    "chapter3/pkg/__init__.py": "QUICK = {}\n",
    "chapter3/pkg/ex1.py": "import time\n",
    "chapter3/pkg/ex2.py": "import time\n",
    "chapter3/pkg/test_ex1.py": (
        "from chapter3.kit.listing import observe\nfrom chapter3.pkg import ex1\n\n"
        "def test_b():\n    pass\n"
    ),
    "chapter3/pkg/test_ex2.py": "from chapter3.pkg import ex2\n",
    "docs/s.md": '!!! claim "c-1"\n    Text.\n',
    "tests/test_book.py": "def test_x():\n    pass\n",
}

STALE = [
    "chapter3/test_s.py",  # the test module
    "chapter3/s.py",  # the module under test
    "chapter3/helper.py",  # a module it imports
    "chapter3/deep.py",  # a module that one imports
    "chapter3/waiting.py",  # shared code it imports
    "chapter3/conftest.py",  # the shared code of every claim test
    "chapter3/timeline.py",
    "chapter3/runner.py",
    "chapter3/__init__.py",
    "chapter3/_scripts_s/run.py",  # a script of the section
    "chapter3/_scripts_s/new.py",  # a new script of the section
]
#: A test inside a section package (issue 10's layout) vouches for what it imports.
STALE_PACKAGE = [
    "chapter3/pkg/test_ex1.py",  # the test module
    "chapter3/pkg/ex1.py",  # the listing it runs
    "chapter3/pkg/__init__.py",  # the section package, imported on the way
    "chapter3/kit/listing.py",  # the kit it uses
    "chapter3/kit/events.py",  # and what that imports
    "chapter3/kit/__init__.py",
    "chapter3/conftest.py",  # the fixtures of every claim test
    "chapter3/pkg/conftest.py",  # a new conftest of the section
    "chapter3/__init__.py",
]
UNRELATED_PACKAGE = [
    "chapter3/pkg/ex2.py",  # another listing of the same section
    "chapter3/pkg/test_ex2.py",  # its tests
    "chapter3/timeline.py",  # shared code of the flat layout, not imported
    "chapter3/runner.py",
    "chapter3/s.py",
]
UNRELATED = [
    "chapter3/other.py",  # another section's module
    "chapter3/test_other.py",  # another section's tests
    "chapter3/_scripts_other/run.py",  # another section's script
    "docs/s.md",  # the page
    "tests/test_book.py",  # the book's own checks
]


def _result_after_editing(
    tmp_path, edited: str, text: str | None = None, test: str = "chapter3/test_s.py"
) -> bool:
    """Is a result of ``test``, recorded before ``edited`` changed (a line added, or its
    whole ``text`` replaced), still fresh after?"""
    for name, content in TREE.items():
        write(tmp_path / name, content)
    data = {
        "runs": {"r": {}},
        "tests": {
            f"{test}::test_a": {
                "file": test,
                "func": "test_a",
                "fingerprint": report.fingerprint(tmp_path / test),
            }
        },
    }
    path = tmp_path / edited
    if text is None:
        text = (path.read_text() if path.exists() else "") + "# edited\n"
    write(path, text)
    return bool(fresh_results(data, root=tmp_path))


@pytest.mark.parametrize("edited", STALE)
def test_an_edit_of_what_the_test_depends_on_makes_its_result_stale(tmp_path, edited):
    assert not _result_after_editing(tmp_path, edited)


@pytest.mark.parametrize("edited", UNRELATED)
def test_an_edit_elsewhere_keeps_the_result_fresh(tmp_path, edited):
    assert _result_after_editing(tmp_path, edited)


@pytest.mark.parametrize("edited", STALE_PACKAGE)
def test_in_a_section_package_an_edit_of_what_the_test_runs_makes_it_stale(tmp_path, edited):
    assert not _result_after_editing(tmp_path, edited, test="chapter3/pkg/test_ex1.py")


@pytest.mark.parametrize("edited", UNRELATED_PACKAGE)
def test_in_a_section_package_an_edit_of_another_listing_keeps_it_fresh(tmp_path, edited):
    assert _result_after_editing(tmp_path, edited, test="chapter3/pkg/test_ex1.py")


def test_each_real_test_module_covers_what_its_section_imports():
    """In the book itself: what a test imports counts, and nothing else."""
    tests = sorted((ROOT / "chapter3").glob("test_*.py"))
    assert tests
    for test in tests:
        covered = set(report.covered_files(test))
        section = test.with_name(test.name.removeprefix("test_"))
        imported = {test.with_name(f"{n}.py") for n in report._chapter_imports(section)}
        shared = {test.with_name(n) for n in report.SHARED}
        assert {section, *imported, *shared} <= covered, test.name
    sync = ROOT / "chapter3" / "process_sync"
    covered = report.covered_files(sync / "test_semaphores.py")
    assert (
        sync / "holder_dies.py" in covered and ROOT / "chapter3" / "kit" / "listing.py" in covered
    )
    assert sync / "ex3_08_lock.py" not in covered  # a listing it does not run


def test_a_module_that_no_longer_parses_makes_the_result_stale(tmp_path):
    """A syntax error in the module under test: its results are stale, and saying so must
    not crash the site build that asks."""
    assert not _result_after_editing(tmp_path, "chapter3/s.py", "def broken(:\n")


def test_a_rebuild_notices_an_edit_of_a_listing_inside_a_section_package(tmp_path):
    from book.hooks import _inputs_signature

    listing = tmp_path / "chapter3" / "pkg" / "ex1.py"
    listing.parent.mkdir(parents=True)
    (tmp_path / "docs").mkdir()
    listing.write_text("print(1)\n")
    args = (tmp_path / "docs", tmp_path / "chapter3", tmp_path / "claims.json")
    before = _inputs_signature(*args)
    os.utime(listing, ns=(10**18, 10**18))  # saved again
    assert _inputs_signature(*args) != before


def test_verifying_shows_its_progress_and_how_it_ended(tmp_path, caplog):
    from book.live import verify

    (tmp_path / "test_three.py").write_text(
        "import pytest\n\n@pytest.mark.parametrize('i', range(3))\ndef test_it(i):\n    pass\n"
    )
    with caplog.at_level("INFO", logger="mkdocs.plugins.book"):
        verify(["test_three.py"], tmp_path)
    said = [r.getMessage() for r in caplog.records]
    assert any(re.match(r"book: verifying 100% · \d+ s · about 0 s left", m) for m in said), said
    assert said[-1].startswith("book: pytest: ") and "3 passed" in said[-1]

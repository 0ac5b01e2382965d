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
    "chapter3/kit/__init__.py": "",
    "chapter3/kit/listing.py": "from chapter3.kit.events import Timeline\n",
    "chapter3/kit/events.py": "class Timeline: ...\n",
    "chapter3/pkg/__init__.py": "QUICK = {}\n",
    "chapter3/pkg/ex1.py": "import time\n",
    "chapter3/pkg/ex2.py": "import time\n",
    "chapter3/pkg/test_ex1.py": (
        "from chapter3.kit.listing import observe\nfrom chapter3.pkg import ex1\n\n"
        "def test_a():\n    pass\n"
    ),
    "chapter3/pkg/test_ex2.py": "from chapter3.pkg import ex2\n",
    "chapter3/other/__init__.py": "",
    "chapter3/other/ex.py": "import time\n",
    "chapter3/other/test_ex.py": "from chapter3.other import ex\n",
    "docs/s.md": '!!! claim "c-1"\n    Text.\n',
    "tests/test_book.py": "def test_x():\n    pass\n",
}

#: A claim test vouches for what it runs: the files it imports, and theirs.
STALE = [
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
UNRELATED = [
    "chapter3/pkg/ex2.py",  # another listing of the same section
    "chapter3/pkg/test_ex2.py",  # its tests
    "chapter3/other/ex.py",  # another section's listing
    "chapter3/other/test_ex.py",  # another section's tests
    "docs/s.md",  # the page
    "tests/test_book.py",  # the book's own checks
]


def _result_after_editing(
    tmp_path, edited: str, text: str | None = None, test: str = "chapter3/pkg/test_ex1.py"
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


def test_each_real_test_module_covers_the_listings_it_runs_and_no_other_listing():
    """In the book itself: what a test imports counts, and nothing else."""
    tests = sorted((ROOT / "chapter3").glob("*/test_*.py"))
    assert len({t.parent for t in tests}) >= 7
    for test in tests:
        covered = set(report.covered_files(test))
        package = test.parent
        assert {test, package / "__init__.py", ROOT / "chapter3" / "conftest.py"} <= covered
    sync = ROOT / "chapter3" / "process_sync"
    covered = report.covered_files(sync / "test_semaphores.py")
    assert (
        sync / "holder_dies.py" in covered and ROOT / "chapter3" / "kit" / "listing.py" in covered
    )
    assert sync / "ex3_08_lock.py" not in covered  # a listing it does not run


def test_a_module_that_no_longer_parses_makes_the_result_stale(tmp_path):
    """A syntax error in the module under test: its results are stale, and saying so must
    not crash the site build that asks."""
    assert not _result_after_editing(tmp_path, "chapter3/pkg/ex1.py", "def broken(:\n")


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


def test_line_ends_do_not_make_a_result_stale(tmp_path):
    """A Windows checkout (``core.autocrlf``) holds the same files with CRLF line ends: its
    results must be fresh on a site built from a Linux checkout."""
    crlf = TREE["chapter3/pkg/ex1.py"].replace("\n", "\r\n")
    assert _result_after_editing(tmp_path, "chapter3/pkg/ex1.py", crlf)
    assert not _result_after_editing(tmp_path, "chapter3/pkg/ex1.py", crlf + "x = 1\r\n")

"""The listings are plain programs a student can copy and run (issue 10's rules)."""

from __future__ import annotations

import ast
import gettext
import importlib
import io
import statistics
import subprocess
import sys

import pytest
from conftest import ROOT

from book.report import start_methods

CHAPTER = ROOT / "chapter3"
LIMIT, MEDIAN = 50, 30
#: Names that belong to the book's observation, never to a listing.
RECORDING = {"rec", "Recorder", "recording", "span", "say", "mark", "Timeline", "observe"}
PROCESSES = {"multiprocessing", "concurrent"}  # what a listing imports to start processes


def listings() -> list:
    """Every program of a section package: not its tests, not its package file."""
    return sorted(
        p
        for pkg in CHAPTER.iterdir()
        if (pkg / "__init__.py").exists() and pkg.name != "kit"
        for p in pkg.glob("*.py")
        if not p.name.startswith(("test_", "__", "conftest"))
    )


def key(path) -> str:
    return f"{path.parent.name}.{path.stem}"


def imports(tree: ast.Module) -> set[str]:
    """The top-level packages a module imports."""
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    return {name.split(".")[0] for name in names}


def code_lines(path) -> int:
    """Lines of the program, its docstring aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = tree.body[0] if tree.body and isinstance(tree.body[0], ast.Expr) else None
    skip = (doc.end_lineno - doc.lineno + 1) if doc else 0
    return len(path.read_text(encoding="utf-8").splitlines()) - skip


def test_every_section_is_a_package_of_listings():
    assert not sorted(CHAPTER.glob("test_*.py")), "a claim test outside a section package"
    assert sorted(p.stem for p in CHAPTER.glob("*.py")) == ["__init__", "conftest"]
    assert len({p.parent.name for p in listings()}) >= 7


def test_listings_are_short_and_report_their_median(capsys):
    sizes = {key(p): code_lines(p) for p in listings()}
    longest = max(sizes, key=sizes.get)
    with capsys.disabled():
        print(f"\nlistings: {len(sizes)}, median {statistics.median(sizes.values())} lines, "
              f"longest {longest} ({sizes[longest]})")  # fmt: skip
    assert {k: n for k, n in sizes.items() if n > LIMIT} == {}
    assert statistics.median(sizes.values()) <= MEDIAN


@pytest.mark.parametrize("path", listings(), ids=key)
def test_a_listing_is_a_plain_program(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert not imports(tree) & {"chapter3", "book"}, "imports the book"
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert not names & RECORDING, f"recording calls: {sorted(names & RECORDING)}"
    assert 'if __name__ == "__main__":' in source, "no main guard"
    assert any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in tree.body)


def starts_processes(path) -> bool:
    """Whether the listing imports what starts processes, under the run's start method:
    if not (or if it picks its own, ``OWN_METHOD``), it runs the same under every start
    method, and once is enough."""
    own = getattr(importlib.import_module(f"chapter3.{path.parent.name}"), "OWN_METHOD", ())
    imported = imports(ast.parse(path.read_text(encoding="utf-8")))
    return bool(imported & PROCESSES) and path.stem not in own


@pytest.mark.parametrize("path", listings(), ids=key)
def test_a_listing_runs_at_quick_settings_under_every_start_method(path):
    section = importlib.import_module(f"chapter3.{path.parent.name}")
    if path.stem in getattr(section, "KILLS_WORKERS", ()):
        pytest.skip("it kills workers: its claim test runs it on a command-line cluster")
    # one interpreter runs it under each start method in turn: two fewer to start
    methods = start_methods() if starts_processes(path) else [None]
    methods = [a for m in methods if m for a in ("--method", m)]
    done = subprocess.run(
        [sys.executable, "-m", "chapter3.kit.run", key(path), "--quick", *methods],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def packages() -> list[str]:
    return sorted({p.parent.name for p in listings()})


@pytest.mark.parametrize("package", packages())
def test_every_listing_has_quick_settings_and_every_variant_names_a_listing(package):
    section = importlib.import_module(f"chapter3.{package}")
    names = sorted(p.stem for p in listings() if p.parent.name == package)
    assert sorted(section.QUICK) == names, "QUICK in __init__.py: one entry per listing"
    for variant, params in getattr(section, "VARIANTS", {}).items():
        listing, _, name = variant.partition("@")
        assert listing in names and name and params, variant
    keys = set(names) | set(getattr(section, "VARIANTS", {}))
    tables = (
        "WHOLE",
        "AS_MAIN",
        "STOP_AFTER",
        "TIMED",
        "OWN_METHOD",
        "KILLS_WORKERS",
        "UNOBSERVED",
    )
    for table in tables:
        assert set(getattr(section, table, ())) <= keys, f"{table}: unknown keys"


def test_a_run_shown_whole_is_the_program_s_own_exit():
    # under observe() the book would join the daemon child itself and let it finish
    from chapter3.kit.run import capture

    run = capture("process_creation.ex3_01_no_join@daemon", "fork")
    ops = [(e["op"], e["value"]) for e in run["events"] if e["lane"] == "MainProcess"]
    returned = ops.index(("return", run["result"]))
    assert ops[-1] == ("exitcode", -15)  # the exit handler terminated it
    assert all(i > returned for i, (op, _) in enumerate(ops) if op == "join")  # the handler's


@pytest.mark.parametrize("path", listings(), ids=key)
def test_every_line_a_listing_prints_has_its_english(path):
    extract = pytest.importorskip("babel.messages.extract")
    english = gettext.translation("messages", CHAPTER / "locale", languages=["en"])
    for _line, msgid, _comments, _context in extract.extract_from_file("python", path):
        said = english.gettext(msgid)
        assert said != msgid, f"no English for {msgid!r} in the catalogue"
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in said), f"Chinese left in {said!r}"


def test_the_english_catalogue_is_compiled_from_its_source():
    pofile = pytest.importorskip("babel.messages.pofile")
    mofile = pytest.importorskip("babel.messages.mofile")
    for po in sorted(CHAPTER.glob("locale/*/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            catalog = pofile.read_po(f)
        compiled = io.BytesIO()
        mofile.write_mo(compiled, catalog)
        assert po.with_suffix(".mo").read_bytes() == compiled.getvalue(), (
            f"{po.with_suffix('.mo')} is not {po.name} compiled: rerun the command in "
            "CONTRIBUTING (Babel's write_mo)"
        )

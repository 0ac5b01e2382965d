"""The exercises keep their promises: every reference solution passes its check under
every start method, and every file as handed out fails it, for the reason
``exercises.toml`` states (under the start methods it names); where it is not said to
fail, it passes (the guard matters under spawn and forkserver only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from book.report import start_methods
from exercises import catalogue, exercise
from exercises.check import QUIET
from exercises.checks import problems
from tests.test_site import html_of

ROOT = Path(__file__).resolve().parents[1]
METHODS = start_methods()


def cases():
    for ex in catalogue():
        timed = [pytest.mark.exclusive] if ex.n == 13 else []  # it measures a speed-up
        for method in METHODS:
            yield pytest.param(ex, method, True, id=f"{ex.name}-{method}-solved", marks=timed)
            if ex.n == 13 and method != METHODS[0]:
                continue  # its threads play no part in how processes start
            yield pytest.param(ex, method, False, id=f"{ex.name}-{method}-unsolved", marks=timed)


@pytest.mark.parametrize(("ex", "method", "solved"), list(cases()))
def test_solutions_pass_and_exercises_fail_for_their_reason(ex, method, solved):
    found = problems(ex, ex.path(solved), method, "en")
    if [p.code for p in found] == ["cannot-measure"]:
        pytest.skip(found[0].message)
    if solved or method not in (ex.fails_under or METHODS):
        assert found == [], "\n".join(map(str, found))
    else:
        assert ex.reason in [p.code for p in found], "\n".join(map(str, found))


def test_a_hang_is_reported_within_seconds_naming_where_each_process_waits():
    ex = exercise(6)
    (found,) = problems(ex, ex.path(), "spawn", "en")
    assert found.code == "stuck"
    lines = found.message.splitlines()
    assert float(lines[0].split(" after ")[1].split(" s")[0]) < QUIET + 5
    source = ex.path().read_text(encoding="utf-8").splitlines()
    join = next(i for i, line in enumerate(source, 1) if line.strip() == "p.join()")
    assert f"  - MainProcess, `p.join()` (line {join}) waits in Process.join" in lines
    assert lines.count(
        "  - SpawnProcess-1 (a thread), is a Queue's feeder thread, sending into a full pipe"
    )
    assert lines[-1] == "Who takes from the queue?"


def test_every_exercise_has_its_files_hints_and_a_reason():
    numbers = [ex.n for ex in catalogue()]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 12
    pages = {p.stem for p in (ROOT / "docs").glob("*.md") if "." not in p.stem}
    for ex in catalogue():
        assert ex.path().is_file() and ex.path(solved=True).is_file(), ex.name
        assert ex.page in pages, ex.page
        assert ex.kind in ("fix", "predict")
        for lang in ("zh", "en"):
            assert ex.title[lang] and ex.task[lang] and len(ex.hints[lang]) >= 2, (ex.n, lang)
        assert len(ex.hints["zh"]) == len(ex.hints["en"])
        assert ex.stuck is None or ex.reason == "stuck"


def test_the_command_line_names_the_exercises_there_are():
    done = subprocess.run([sys.executable, "-m", "exercises", "hint", "99"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2
    assert "there is no exercise 99; there are 1, 2," in done.stderr


def test_each_exercise_ends_its_section_page_in_both_languages(built_site):
    for ex in catalogue():
        for lang in ("zh", "en"):
            html = html_of(built_site, f"{ex.page}.md", lang)
            block = html[html.index(f'id="exercise-{ex.n}"') :]
            assert html.index('id="exercises"') < html.index(f'id="exercise-{ex.n}"')
            assert ex.title[lang] in block[:400]
            assert f"uv run pytest exercises/ --exercise {ex.n}" in block
            assert f"Exercise {ex.n} · 练习 {ex.n}" in block  # the file itself, through the snippet
            # each hint inside the one before, the solution inside the last
            hints = [block.index(f"<summary>{'提示' if lang == 'zh' else 'Hint'} {i}</summary>")
                     for i in range(1, len(ex.hints[lang]) + 1)]  # fmt: skip
            solution = block.index('<details class="success">')
            assert hints == sorted(hints) and hints[-1] < solution
            assert "</details>" not in block[hints[0] : solution]

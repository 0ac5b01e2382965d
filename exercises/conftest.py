"""Options of ``uv run pytest exercises/``: which exercises, whose files, which language."""

import pytest

from book.report import start_methods
from exercises import catalogue, exercise


def pytest_addoption(parser):
    group = parser.getgroup("exercises")
    group.addoption("--exercise", action="append", type=int, default=[], metavar="N",
                    help="check only exercise N (repeatable)")  # fmt: skip
    group.addoption("--solutions", action="store_true",
                    help="check the reference solutions instead of your files")  # fmt: skip
    group.addoption("--lang", default="zh", choices=("zh", "en"),
                    help="the language of the checks' messages (default zh)")  # fmt: skip


def pytest_generate_tests(metafunc):
    if "ex" not in metafunc.fixturenames:
        return
    chosen = metafunc.config.getoption("exercise")
    try:
        exercises = [exercise(n) for n in chosen] if chosen else catalogue()
    except ValueError as e:
        raise pytest.UsageError(str(e)) from None
    # exercise 13 measures a speed-up: it needs the CPUs to itself (book.cpu_slot)
    params = [pytest.param(e, id=e.name, marks=[pytest.mark.exclusive] if e.n == 13 else [])
              for e in exercises]  # fmt: skip
    metafunc.parametrize("ex", params)
    metafunc.parametrize("method", start_methods())

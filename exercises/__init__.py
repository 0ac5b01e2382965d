"""Exercises: broken or unfinished programs to fix, and predictions to check.

The student edits ``exercises/eNN_<slug>.py``; reference solutions are kept apart in
``exercises/solutions/``. ``exercises.toml`` holds each exercise's task, hints and the
reason its unsolved file fails; :mod:`exercises.checks` says what each must do, and
:mod:`exercises.check` runs a file and tells where it waits if it hangs.

``uv run pytest exercises/`` checks them all, ``--exercise 7`` one, ``--solutions`` the
reference solutions; ``uv run python -m exercises hint 7`` shows the next hint and
``uv run python -m exercises watch 7`` reruns the check each time the file is saved.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Exercise:
    n: int
    slug: str
    page: str  # the section page that shows it (docs/<page>.md)
    kind: str  # "fix" or "predict"
    reason: str  # the problem the unsolved file fails with
    title: dict[str, str]
    task: dict[str, str]
    hints: dict[str, list[str]]
    stuck: dict[str, str] | None = None  # the question a hang is reported with
    fails_under: tuple[str, ...] | None = None  # start methods (None: all of them)

    @property
    def name(self) -> str:
        return f"e{self.n:02d}_{self.slug.replace('-', '_')}"

    def path(self, solved: bool = False) -> Path:
        return HERE / ("solutions" if solved else "") / f"{self.name}.py"


def catalogue() -> list[Exercise]:
    """Every exercise, in order."""
    with open(HERE / "exercises.toml", "rb") as f:
        entries = tomllib.load(f)["exercise"]
    out = []
    for e in entries:
        fails = e.pop("fails_under", None)
        out.append(Exercise(**e, fails_under=tuple(fails) if fails else None))
    return out


def exercise(n: int) -> Exercise:
    """Exercise ``n``, or a clear error naming the ones there are."""
    found = [e for e in catalogue() if e.n == n]
    if not found:
        numbers = ", ".join(str(e.n) for e in catalogue())
        raise ValueError(f"there is no exercise {n}; there are {numbers}")
    return found[0]

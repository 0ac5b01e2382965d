"""Every benchmark command runs in its quick mode and leaves the recorded figures alone.

A benchmark's quick mode only checks that it still runs against the current listings:
its figures, at small sizes, are not a record. The pages cite the records in
``docs/benchmarks/`` (written by full runs only), so a quick run must not change them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "docs" / "benchmarks"


def with_quick_mode() -> list[str]:
    """The benchmark commands that offer ``--quick``, through ``benchmarks.record``
    (``suite_cost`` runs the whole suite)."""
    return sorted(
        p.stem
        for p in (ROOT / "benchmarks").glob("*.py")
        if "__main__" in (text := p.read_text(encoding="utf-8")) and "record.arguments(" in text
    )


def records() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(RECORDS.iterdir()) if p.is_file()}


def table_rows(text: str) -> list[list[str]]:
    return [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|")
    ]


def test_the_benchmarks_with_the_pages_figures_have_a_quick_mode():
    assert {"threads_vs_processes", "cluster_costs"} <= set(with_quick_mode())


@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", with_quick_mode())
def test_a_benchmark_runs_quick_and_leaves_the_recorded_figures_alone(name):
    before, started = records(), time.time()
    try:
        done = subprocess.run(
            [sys.executable, "-m", f"benchmarks.{name}", "--quick"],  # where it writes by default
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=540,
        )
    finally:
        after = records()
        for file in before.keys() | after.keys():  # a failing run leaves the records as they were
            if file not in before:
                (RECORDS / file).unlink()
            elif after.get(file) != before[file]:
                (RECORDS / file).write_bytes(before[file])
    assert done.returncode == 0, done.stderr[-3000:]
    changed = sorted(f for f in before.keys() | after.keys() if before.get(f) != after.get(f))
    assert not changed, f"a quick run changed docs/benchmarks/: {changed}"

    wrote = re.findall(r"(?m)^wrote (.+)$", done.stdout)
    assert wrote, f"it does not say where it wrote its figures:\n{done.stdout[-2000:]}"
    out = (ROOT / wrote[-1].strip()).resolve()
    assert not out.is_relative_to(ROOT / "docs"), f"quick figures written onto the site: {out}"
    assert out.is_file() and out.stat().st_mtime >= started - 1, f"{out} not written by this run"

    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"<!-- written by `uv run python -m benchmarks.{name}")
    assert "--quick" in text.splitlines()[0], "a quick record must say it is one"
    header, rule, *rows = table_rows(text)
    assert rule and all(set(c) <= set("-: ") and c for c in rule), rule
    assert len(rule) == len(header) and rows
    for row in rows:
        assert len(row) == len(header), row
        assert all(row[:3]), row  # every row names its case, its way and what it measured


@pytest.mark.parametrize("out", ["threads-vs-processes.md", "cluster-costs.md", "quick.md"])
def test_quick_figures_are_refused_a_place_in_docs(out, capsys):
    from benchmarks import record

    before = records()
    with pytest.raises(SystemExit) as refused:  # argparse's error: before measuring anything
        record.arguments("any", out, ["--quick", "--out", str(RECORDS / out)])
    assert refused.value.code == 2
    assert "outside docs/" in capsys.readouterr().err
    assert records() == before

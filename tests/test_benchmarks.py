"""Every benchmark command runs in its quick mode and leaves the recorded figures alone.

A benchmark's quick mode only checks that it still runs against the current listings:
its figures, at small sizes, are not a record. The pages cite the records in
``docs/benchmarks/`` (written by full runs only), so a quick run must not change them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

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
    assert {"threads_vs_processes", "cluster_costs", "scaling", "moving_data", "pool_costs"} <= set(
        with_quick_mode()
    )


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

    saved = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))  # what plots draw
    assert saved["quick"] is True
    assert set(saved["machine"]) == {"machine", "python", "busy", "date"}
    assert [saved["header"], *saved["rows"]] == [header, *rows]  # the same table, as data
    for figure in figures_of(out.stem):
        for lang in ("zh", "en"):
            drawn(figure, lang, saved)


def figures_of(record_name: str) -> list[str]:
    from benchmarks.figures import FIGURES

    return [name for name, (record_, _) in FIGURES.items() if record_ == record_name]


def drawn(figure: str, lang: str, saved: dict) -> str:
    """The figure as the page gets it: well-formed SVG that scales, in the page's colours,
    that loads nothing."""
    from benchmarks.figures import WORDS, svg

    text = svg(figure, lang, saved)
    root = ElementTree.fromstring(text)  # well-formed
    assert root.get("class") == "plot" and root.get("viewBox") and not root.get("width")
    assert "currentColor" in text and "#010203" not in text
    assert not re.search(r'(?:href|src)="(?!#)', text), "it refers to something outside"
    labels = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert any(word in labels for word in WORDS[lang].values()), f"{figure}: no {lang} label"
    return text


def test_every_figure_on_a_page_is_drawn_from_its_committed_record():
    from benchmarks.figures import FIGURES

    figure_block = re.compile(r'^!!! figure "([^"]+)"', re.M)
    named = {m for p in (ROOT / "docs").glob("*.md")
             for m in figure_block.findall(p.read_text(encoding="utf-8"))}  # fmt: skip
    assert named and named <= set(FIGURES), named - set(FIGURES)
    for figure in named:
        record_ = json.loads((RECORDS / f"{FIGURES[figure][0]}.json").read_text(encoding="utf-8"))
        assert record_["quick"] is False, f"{figure}: drawn from a quick run"
        for lang in ("zh", "en"):
            drawn(figure, lang, record_)


@pytest.mark.parametrize("out", ["threads-vs-processes.md", "cluster-costs.md", "quick.md"])
def test_quick_figures_are_refused_a_place_in_docs(out, capsys):
    from benchmarks import record

    before = records()
    with pytest.raises(SystemExit) as refused:  # argparse's error: before measuring anything
        record.arguments("any", out, ["--quick", "--out", str(RECORDS / out)])
    assert refused.value.code == 2
    assert "outside docs/" in capsys.readouterr().err
    assert records() == before

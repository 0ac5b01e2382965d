"""The benchmarks' records, drawn: each figure of the pages, as inline SVG, from the JSON
a benchmark wrote beside its table (``benchmarks.record.write``).

Drawn by matplotlib when the site is built (``!!! figure "name"`` on a page), so a
figure always shows the record that is there, labelled in the page's language. The
SVG keeps its text as text and draws axes and labels in ``currentColor``: it follows
the page's light or dark palette and its fonts, and scales to the width of a phone.
"""

from __future__ import annotations

import io
import json
import logging
import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt

RECORDS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks"
INK = "#010203"  # drawn in this, then made currentColor: the page's own text colour
COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7")  # Okabe-Ito: both palettes
STYLE = {
    "svg.fonttype": "none",  # text stays text: the page's fonts, and searchable
    "svg.hashsalt": "book",  # the same ids for the same figure: reproducible builds
    "font.family": ["sans-serif"],
    "font.sans-serif": ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "DejaVu Sans"],
    "font.size": 11,
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.facecolor": "none",
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

WORDS = {
    "zh": {
        "workers": "worker 进程数",
        "speedup": "平均在忙的 CPU 数（≈ 加速比）",
        "ideal": "理想（n 倍）",
        "ceiling": "本机上限 {c:.2f}",
        "serial": "串行 {s:.0%}：在忙的 CPU",
        "wall": "加速比（墙钟时间）",
        "fit": "拟合 s = {f:.2f}",
        "size": "数组大小",
        "seconds": "交给子进程所需时间（秒）",
        "chunks": "极小任务的总时间（秒）",
        "case": "方式",
        "threads": "加速比（相对于依次执行）",
        "default": "默认",
    },
    "en": {
        "workers": "worker processes",
        "speedup": "CPUs kept busy (≈ speed-up)",
        "ideal": "ideal (n times)",
        "ceiling": "this machine's ceiling {c:.2f}",
        "serial": "serial {s:.0%}: CPUs busy",
        "wall": "speed-up (wall time)",
        "fit": "fit s = {f:.2f}",
        "size": "array size",
        "seconds": "time to hand it to a child (s)",
        "chunks": "time for all the tiny tasks (s)",
        "case": "way",
        "threads": "speed-up (against one after another)",
        "default": "default",
    },
}


def scaling(record: dict, lang: str):
    """CPUs kept busy against workers: each job's points (its wall-time speed-ups hollow),
    its fitted Amdahl curve carried on paper to 16 workers, the ideal line and the
    machine's measured ceiling."""
    w, data = WORDS[lang], record["data"]
    fig, ax = plt.subplots(figsize=(6, 4.2))
    far = list(range(1, 17))
    ax.plot(far, far, ":", color=INK, linewidth=1, label=w["ideal"])
    ax.axhline(data["ceiling"], color=INK, linewidth=1, linestyle="--", alpha=0.6)
    ax.text(16, data["ceiling"], w["ceiling"].format(c=data["ceiling"]), ha="right", va="bottom")
    for colour, job in zip(COLOURS, data["jobs"], strict=False):
        busy = sorted((int(n), b) for n, b in job["busy"].items())
        wall = sorted((int(n), s) for n, s in job["speedups"].items())
        ax.plot(*zip(*busy, strict=True), "o", color=colour,
                label=w["serial"].format(s=job["serial"]))  # fmt: skip
        ax.plot(*zip(*wall, strict=True), "o", color=colour, fillstyle="none", markersize=7)
        if job["fitted"] is not None:
            s = max(job["fitted"], 0.0)
            ax.plot(far, [1 / (s + (1 - s) / n) for n in far], "-", color=colour, linewidth=1.2,
                    alpha=0.8, label=w["fit"].format(f=job["fitted"]))  # fmt: skip
    ax.plot([], [], "o", color=INK, fillstyle="none", label=w["wall"])
    ax.axvline(data["cpus"], color=INK, linewidth=0.6, alpha=0.3)
    ax.set(xlabel=w["workers"], ylabel=w["speedup"], xlim=(0.5, 16.5), ylim=(0, 8.5))
    ax.set_xticks([1, 2, 4, 8, 12, 16])
    ax.legend(fontsize=9, ncol=2, loc="upper left")
    return fig


def moving_data(record: dict, lang: str):
    """Time against size, log–log, one line per way, under the first start method."""
    w, data = WORDS[lang], record["data"]
    method = next(iter(data["seconds"]))
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for colour, (way, seconds) in zip(COLOURS, data["seconds"][method].items(), strict=False):
        sizes = sorted(int(s) for s in seconds)
        ax.loglog(sizes, [seconds[str(s)] for s in sizes], "o-", color=colour, label=way,
                  markersize=4)  # fmt: skip
    ticks = [2**10, 2**14, 2**18, 2**22, 2**26, 2**28]
    ax.set_xticks(ticks, ["1 KiB", "16 KiB", "256 KiB", "4 MiB", "64 MiB", "256 MiB"])
    ax.set(xlabel=f"{w['size']} ({method})", ylabel=w["seconds"])
    ax.legend(fontsize=9)
    return fig


def pool_costs(record: dict, lang: str):
    """Tiny tasks by chunksize, one group of bars per start method (log scale)."""
    w, data = WORDS[lang], record["data"]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    methods = list(data)
    sizes = list(data[methods[0]]["chunksize"])
    width = 0.8 / len(sizes)
    for i, (colour, size) in enumerate(zip(COLOURS, sizes, strict=False)):
        xs = [m + i * width for m in range(len(methods))]
        ax.bar(xs, [data[m]["chunksize"][size] for m in methods], width, color=colour,
               label=f"chunksize={w['default'] if size == 'None' else size}")  # fmt: skip
    ax.set_yscale("log")
    ax.set_xticks([m + width * (len(sizes) - 1) / 2 for m in range(len(methods))], methods)
    ax.set(ylabel=w["chunks"])
    ax.legend(fontsize=9)
    return fig


def threads_vs_processes(record: dict, lang: str):
    """The speed-up column of the threads-against-processes table, one bar per way."""
    w = WORDS[lang]
    rows = [r for r in record["rows"] if _number(r[3]) is not None and "in turn" not in r[1]
            and "one by one" not in r[1]]  # fmt: skip
    fig, ax = plt.subplots(figsize=(6, 0.42 * len(rows) + 1))
    cases = list(dict.fromkeys(r[0] for r in rows))
    labels = [f"{r[0].split(',')[0]} · {r[1]}" for r in rows]
    colours = [COLOURS[cases.index(r[0]) % len(COLOURS)] for r in rows]
    ax.barh(range(len(rows)), [_number(r[3]) for r in rows], color=colours)
    ax.set_yticks(range(len(rows)), labels, fontsize=9)
    ax.invert_yaxis()
    ax.axvline(1, color=INK, linewidth=0.8)
    ax.set(xlabel=w["threads"])
    return fig


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


FIGURES = {  # figure name: (the record it draws, how)
    "scaling": ("scaling", scaling),
    "moving-data": ("moving-data", moving_data),
    "pool-costs": ("pool-costs", pool_costs),
    "threads-vs-processes": ("threads-vs-processes", threads_vs_processes),
}


def load(name: str, records: Path = RECORDS) -> dict:
    return json.loads((records / f"{FIGURES[name][0]}.json").read_text(encoding="utf-8"))


def svg(name: str, lang: str, record: dict | None = None) -> str:
    """The figure ``name`` as inline SVG, labelled in ``lang``."""
    record = record if record is not None else load(name)
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with plt.rc_context(STYLE), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a glyph missing from matplotlib's fonts: the page has it
        fig = FIGURES[name][1](record, lang)
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    text = out.getvalue()
    text = text[text.index("<svg") :]  # no XML declaration or doctype inside a page
    text = re.sub(r'\s(width|height)="[\d.]+pt"', "", text, count=2)  # scales with the page
    text = text.replace(INK, "currentColor").replace("<svg ", '<svg class="plot" role="img" ', 1)
    text = re.sub(r'(id="|url\(#|href="#)', rf"\g<1>{name}-{lang}-", text)  # unique in the page
    return re.sub(r"\n\s*\n", "\n", text)  # no blank line: Markdown would end the HTML block

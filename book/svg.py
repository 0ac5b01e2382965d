"""Timeline figures: one lane per process or thread, its spans and its events, as SVG.

The SVG is inline and styled by classes from ``docs/assets/book.css``, so it
follows the light and dark palettes and needs nothing from outside the site.
"""

from __future__ import annotations

import math
from html import escape

WIDTH, RIGHT, LANE, TOP = 760, 28, 30, 14  # RIGHT: room for half the last tick label
NARROW = 360  # the drawing's width for a phone's screen

LEGEND = {
    "zh": {
        "running": "运行",
        "waiting": "休眠（模拟工作）",
        "blocked": "阻塞（等待他者）",
        "holding": "持有锁或信号量",
        "say": "打印",
        "mark": "事件",
        "alive": "存活",
    },
    "en": {
        "running": "running",
        "waiting": "sleeping (simulated work)",
        "blocked": "blocked (waiting on another)",
        "holding": "holding a lock or semaphore",
        "say": "print",
        "mark": "event",
        "alive": "alive",
    },
}


def _lane_label(lane: str, pids: dict[str, int]) -> str:
    pid = pids.get(lane)
    short = lane.removeprefix("MainProcess/") if lane != "MainProcess" else "main"
    return f"{short} ({pid})" if pid and "/" not in lane else short


def _text_width(text: str) -> float:
    """Rough width in pixels of 11 px monospace text (CJK characters count double)."""
    return sum(13.2 if ord(ch) > 0x2E80 else 6.7 for ch in text)


#: How the kit's operations are drawn: the state of the span they open on their lane.
BLOCKING = ("acquire", "join", "get", "put", "recv", "wait")


def from_observed(events: list[dict]) -> list[dict]:
    """The kit's events (``op``/``obj``/``phase``/``value``) as the figure's: spans of
    running (a pool task), waiting (sleep), blocked (acquire, join, get, put, recv, wait)
    and holding (a lock or semaphore held), prints as ``say``, other instants as ``mark``.
    A process's ``run`` only marks its lifetime."""
    out = []
    for e in events:
        op, obj, phase, value = e["op"], e["obj"], e["phase"], e["value"]
        base = {"lane": e["lane"], "pid": e["pid"], "t": e["t"]}
        if op == "print":
            out.append({**base, "kind": "say", "text": str(value), "state": ""})
        elif op == "run":
            out.append({**base, "kind": "life", "text": "", "state": ""})
        elif phase:
            state = {"sleep": "waiting", "hold": "holding", "task": "running"}.get(op)
            state = state or ("blocked" if op in BLOCKING else "running")
            text = " ".join(str(p) for p in (op, obj, value if op == "task" else "") if p)
            out.append({**base, "kind": phase, "text": text, "state": state})
        else:
            text = " ".join(str(p) for p in (op, obj, "" if value is None else value) if p != "")
            out.append({**base, "kind": "mark", "text": text, "state": ""})
    return out


def worth_drawing(events: list[dict]) -> bool:
    """A timeline shows who did what when: with one lane and no spans it has nothing
    to add to the printed output (runs that only compare results side by side)."""
    return any(e["kind"] == "begin" for e in events) or len({e["lane"] for e in events}) > 1


def timeline_svg(events: list[dict], lang: str = "zh", title: str = "", width: int = WIDTH) -> str:
    """An SVG figure of recorded events (dicts with lane, pid, kind, text, t, state).

    ``width`` is the drawing's width in user units, whose text is 10–11 units high: the
    page shows a 760-wide drawing on a screen and a 360-wide one on a phone, so that its
    text stays legible at either size."""
    if not events:
        return ""
    lanes = list(dict.fromkeys(e["lane"] for e in events))
    pids = {e["lane"]: e["pid"] for e in events}
    t0 = min(e["t"] for e in events)
    t1 = max(e["t"] for e in events)
    span = max(t1 - t0, 1e-6)
    labels = {lane: _lane_label(lane, pids) for lane in lanes}
    left = min(max(90, 16 + max(_text_width(t) for t in labels.values())), width // 2)
    plot = width - left - RIGHT
    holding = any(e["state"] == "holding" for e in events)
    legend = ["running", "waiting", "blocked", "say"]
    step = {k: 40 + (9 if lang == "en" else 15) * len(LEGEND[lang][k]) for k in legend}
    rows = 1 if left + sum(step.values()) <= width else 2  # a narrow drawing: two rows
    height = TOP + LANE * len(lanes) + 44 + 16 * (rows - 1) + (16 if holding else 0)

    def x(t: float) -> float:
        return left + (t - t0) / span * plot

    out = [
        f'<svg class="timeline timeline--{"wide" if width == WIDTH else "narrow"}" role="img" '
        f'viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, lane in enumerate(lanes):
        y = TOP + i * LANE
        mine = [e for e in events if e["lane"] == lane]
        first, last = min(e["t"] for e in mine), max(e["t"] for e in mine)
        out.append(
            f'<text class="tl-label" x="{left - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(labels[lane])}</text>"
            f'<line class="tl-alive" x1="{x(first):.1f}" x2="{x(last):.1f}" '
            f'y1="{y + 11}" y2="{y + 11}"/>'
        )
        opened: dict[tuple, list[float]] = {}
        for e in mine:
            key = (e["state"], e["text"])
            if e["kind"] == "begin":
                opened.setdefault(key, []).append(e["t"])
            elif e["kind"] == "end" and opened.get(key):
                start = opened[key].pop()
                w = max(x(e["t"]) - x(start), 1.5)
                top, tall = (y + 19, 4) if e["state"] == "holding" else (y + 4, 14)
                out.append(
                    f'<rect class="tl-{e["state"]}" x="{x(start):.1f}" y="{top}" '
                    f'width="{w:.1f}" height="{tall}" rx="2"><title>{escape(e["text"])} · '
                    f"{LEGEND[lang][e['state']]} {e['t'] - start:.3f} s</title></rect>"
                )
        for e in mine:
            if e["kind"] in ("say", "mark"):
                cx = x(e["t"])
                shape = (
                    f'<circle class="tl-say" cx="{cx:.1f}" cy="{y + 11}" r="3.5">'
                    if e["kind"] == "say"
                    else f'<rect class="tl-mark" x="{cx - 3:.1f}" y="{y + 8}" width="6" '
                    f'height="6" transform="rotate(45 {cx:.1f} {y + 11})">'
                )
                close = "</circle>" if e["kind"] == "say" else "</rect>"
                out.append(
                    f"{shape}<title>{escape(e['text'])} · t = {e['t'] - t0:.3f} s</title>{close}"
                )
    axis_y = TOP + LANE * len(lanes) + 4
    out.append(
        f'<line class="tl-axis" x1="{left}" x2="{left + plot}" y1="{axis_y}" y2="{axis_y}"/>'
    )
    digits = max(2, math.ceil(-math.log10(span / 5)) + 1)  # no two ticks read the same
    ticks = 5 if plot >= 300 else 2  # tick labels ~50 units wide must not touch
    for k in range(ticks + 1):
        out.append(
            f'<text class="tl-tick" x="{left + plot * k / ticks:.1f}" y="{axis_y + 14}" '
            f'text-anchor="middle">{span * k / ticks:.{digits}f} s</text>'
        )
    lx, ly = (left, axis_y) if rows == 1 else (8, axis_y)
    for i, key in enumerate(legend):
        if rows == 2 and i == 2:
            lx, ly = 8, axis_y + 16
        mark = (
            f'<circle class="tl-say" cx="{lx + 6}" cy="{ly + 29}" r="3.5"/>'
            if key == "say"
            else f'<rect class="tl-{key}" x="{lx}" y="{ly + 24}" width="12" height="10"/>'
        )
        out.append(
            f'{mark}<text class="tl-tick" x="{lx + 16}" y="{ly + 33}">{LEGEND[lang][key]}</text>'
        )
        lx += step[key]
    if holding:
        hy = axis_y + 16 * (rows - 1)
        out.append(
            f'<rect class="tl-holding" x="{8 if rows == 2 else left}" y="{hy + 43}" '
            f'width="12" height="4"/><text class="tl-tick" x="{(8 if rows == 2 else left) + 16}" '
            f'y="{hy + 49}">{LEGEND[lang]["holding"]}</text>'
        )
    out.append("</svg>")
    return "".join(out)

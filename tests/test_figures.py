"""Timeline figures of observed runs, and the listing runner."""

from __future__ import annotations

import itertools
import subprocess
import sys
import xml.etree.ElementTree as ET

from book.svg import NARROW, WIDTH, from_observed, timeline_svg, worth_drawing
from chapter3.kit import samples
from chapter3.kit.listing import observe

SVG = "{http://www.w3.org/2000/svg}"


def test_a_timeline_becomes_an_svg_with_one_lane_per_process_or_thread():
    run = observe(samples.chatter, "fork", workers=2, lines=1)
    lanes = {e.lane for e in run.timeline}
    drawn = from_observed([e.__dict__ for e in run.timeline])
    for lang in ("zh", "en"):
        root = ET.fromstring(timeline_svg(drawn, lang, "title"))
        labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tl-label"]
        assert len(labels) == len(lanes) == 3 and "main (" in " ".join(labels)
        assert any(r.get("class") == "tl-blocked" for r in root.iter(f"{SVG}rect"))  # join
        titles = "".join(t.text or "" for t in root.iter(f"{SVG}title"))
        assert "line 0 0" in titles and "line 1 0" in titles  # what each one printed


def test_only_timelines_with_something_to_show_are_drawn():
    said = {"lane": "MainProcess", "kind": "say"}
    span = [{"lane": "MainProcess", "kind": "begin"}, {"lane": "MainProcess", "kind": "end"}]
    assert not worth_drawing([said, said])  # one lane of prints: the output says it all
    assert worth_drawing([said, *span])  # how long something took
    assert worth_drawing([said, {**said, "lane": "MainProcess/t"}])  # who said what
    assert not worth_drawing([])


def test_the_module_runner_prints_what_the_program_would_print():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "chapter3.kit.run",
            "concepts.same_program",
            "--quick",
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.count("runs the same function") == 2
    assert "main() →" in done.stderr


def test_an_observed_run_is_drawn_with_its_states_holds_and_prints():
    from book.render import run_block

    run = observe(samples.holders, "fork", workers=2, permits=1)
    events = [e.__dict__ for e in run.timeline]
    drawn = from_observed(events)
    states = {e["state"] for e in drawn if e["kind"] == "begin"}
    assert states == {"waiting", "blocked", "holding"}  # sleep; acquire and join; the holds
    assert sorted(e["text"] for e in drawn if e["kind"] == "say") == ["in 0", "in 1", "started"]
    root = ET.fromstring(timeline_svg(drawn, "en", "title"))
    classes = [r.get("class") for r in root.iter(f"{SVG}rect")]
    assert classes.count("tl-holding") == 2 + 1  # two holds, and the legend
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tl-tick"][:6]
    assert len(set(ticks)) == 6, f"ticks must differ: {ticks}"
    key = "process_sync.ex3_07_semaphore"
    html = run_block({"key": key, "method": "fork", "params": {"hold": [0.1, 0.2]},
                      "events": events, "result": [0, 0]}, "en", "caption")  # fmt: skip
    printed = html.split("```text\n")[1].split("\n```")[0].splitlines()
    assert "Example 3-7 · Output" in html and sorted(printed) == ["in 0", "in 1", "started"]
    assert (
        run_block({"key": key, "method": "", "params": {}, "events": events}, "zh", "c").count(
            "例 3-7"
        )
        == 1
    )


def _extent(t) -> tuple[float, float]:
    """Where a text element starts and how wide it is, generously: CJK characters are
    square, others ~0.62 em."""
    size = 11 if t.get("class") == "tl-label" else 10
    w = sum(size if ch >= "\u2e80" else 0.62 * size for ch in t.text)
    x = float(t.get("x"))
    return {"end": x - w, "middle": x - w / 2}.get(t.get("text-anchor"), x), w


def test_the_narrow_drawing_keeps_its_text_inside_and_apart():
    lanes = ["MainProcess", "SpawnProcess-1", "SpawnProcess-2"]
    events = [
        {"lane": lane, "pid": 4000 + i, "kind": kind, "text": "acquire Lock-1",
         "t": t + i * 0.1, "state": state}
        for i, lane in enumerate(lanes)
        for kind, t, state in [("begin", 0.0, "holding"), ("end", 0.05, "holding")]
    ]  # fmt: skip
    for lang in ("zh", "en"):
        for width in (WIDTH, NARROW):
            root = ET.fromstring(timeline_svg(events, lang, "title", width=width))
            assert root.get("viewBox").split()[2] == str(width)
            texts = list(root.iter(f"{SVG}text"))
            for t in texts:
                left, w = _extent(t)
                assert left >= 0 and left + w <= width, (lang, width, t.text)
            rows: dict[str, list] = {}
            for t in texts:
                if t.get("class") == "tl-tick":
                    rows.setdefault(t.get("y"), []).append(_extent(t))
            for row in rows.values():  # on one row, no two labels touch
                row.sort()
                assert all(a + w <= b for (a, w), (b, _) in itertools.pairwise(row)), lang

"""Timelines: who did what, and when, in a parent, its children and their threads.

An example opens a :func:`recording`, hands the :class:`Recorder` to every
process and thread it starts (it pickles under any start method), and returns
``rec.events()`` with its result. Each event is one JSON line appended to a
temporary file with a single ``os.write`` on an ``O_APPEND`` descriptor, so
writers never interleave, never block on a reader and never lose what a
process wrote before it died.

Times are ``time.monotonic()``: one clock for every process of the machine.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import current_process

#: States a lane can be in during a span.
#: running: computing; waiting: asleep (the chapter's stand-in for work or I/O);
#: blocked: held up by another process or thread (join, get, acquire, recv, ...).
STATES = ("running", "waiting", "blocked")


def lane_name() -> str:
    """The caller's lane: its process name, plus its thread name off the main thread."""
    thread = threading.current_thread()
    process = current_process().name
    return process if thread is threading.main_thread() else f"{process}/{thread.name}"


@dataclass(frozen=True)
class Event:
    """One thing that happened: ``kind`` is ``say``, ``mark``, ``begin`` or ``end``."""

    lane: str
    pid: int
    kind: str
    text: str
    t: float
    state: str = ""
    en: str = ""

    def line(self, lang: str = "zh") -> str:
        """The text in the reader's language (English falls back to the original)."""
        return self.en if lang == "en" and self.en else self.text


@dataclass(frozen=True)
class Span:
    """A stretch of time a lane spent in one state."""

    lane: str
    state: str
    text: str
    start: float
    end: float


class Timeline(tuple):
    """The events of one run, in time order, with the questions tests ask of them."""

    def __new__(cls, events=()):
        return super().__new__(cls, sorted(events, key=lambda e: e.t))

    def transcript(self, lang: str = "zh") -> list[str]:
        """What the program would have printed: the ``say`` events in time order."""
        return [e.line(lang) for e in self if e.kind == "say"]

    def lanes(self) -> list[str]:
        """Lane names in order of first appearance."""
        return list(dict.fromkeys(e.lane for e in self))

    def said(self, text: str) -> Event:
        """The first ``say`` or ``mark`` event whose text is ``text``."""
        for e in self:
            if e.kind in ("say", "mark") and e.text == text:
                return e
        raise LookupError(f"no event {text!r} in the timeline")

    def spans(self, lane: str | None = None) -> list[Span]:
        """Closed spans (``begin`` matched with its ``end``), optionally of one lane."""
        open_, out = {}, []
        for e in self:
            key = (e.lane, e.state, e.text)
            if e.kind == "begin":
                open_.setdefault(key, []).append(e.t)
            elif e.kind == "end" and open_.get(key):
                out.append(Span(e.lane, e.state, e.text, open_[key].pop(), e.t))
        return [s for s in out if lane is None or s.lane == lane]

    def bounds(self) -> tuple[float, float]:
        """First and last moment recorded."""
        return (self[0].t, self[-1].t) if self else (0.0, 0.0)

    def max_overlap(self, state: str, text: str) -> int:
        """The largest number of lanes inside a span (state, text) at the same moment."""
        edges = []
        for s in self.spans():
            if s.state == state and s.text == text:
                edges += [(s.start, 1), (s.end, -1)]
        depth = best = 0
        for _, step in sorted(edges, key=lambda x: (x[0], x[1])):  # ends before starts on ties
            depth += step
            best = max(best, depth)
        return best


class Recorder:
    """A picklable handle that appends events to one timeline from anywhere."""

    def __init__(self, path: str):
        self.path = path

    def __repr__(self) -> str:
        return f"Recorder({self.path!r})"

    def _write(self, kind: str, text: str, state: str = "", en: str = "") -> None:
        event = {
            "lane": lane_name(),
            "pid": os.getpid(),
            "kind": kind,
            "text": text,
            "t": time.monotonic(),
            "state": state,
            "en": en,
        }
        data = (json.dumps(event, ensure_ascii=False) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def say(self, text: str, en: str = "") -> None:
        """Record a line the chapter's program would print (Chinese, optional English)."""
        self._write("say", text, en=en)

    def mark(self, text: str, en: str = "") -> None:
        """Record a moment worth drawing that the program would not print."""
        self._write("mark", text, en=en)

    @contextmanager
    def span(self, state: str, text: str, en: str = "") -> Iterator[None]:
        """Record the time spent in ``state`` (running, waiting or blocked) doing ``text``."""
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}, not {state!r}")
        self._write("begin", text, state, en)
        try:
            yield
        finally:
            self._write("end", text, state, en)

    def sleep(self, seconds: float, text: str = "sleep") -> None:
        """``time.sleep`` recorded as a waiting span: the chapter's stand-in for work."""
        with self.span("waiting", text):
            time.sleep(seconds)

    def events(self) -> Timeline:
        """Everything recorded so far, from every process and thread, in time order.

        Safe while others still write: a line whose write is still under way has
        no newline yet, and is left for the next reader.
        """
        with open(self.path, encoding="utf-8") as f:
            text = f.read()
        whole = text[: text.rfind("\n") + 1]
        return Timeline(Event(**json.loads(line)) for line in whole.splitlines() if line.strip())


@contextmanager
def recording() -> Iterator[Recorder]:
    """A fresh timeline whose file is removed when the block ends."""
    fd, path = tempfile.mkstemp(prefix="chapter3-timeline-", suffix=".jsonl")
    os.close(fd)
    try:
        yield Recorder(path)
    finally:
        os.unlink(path)

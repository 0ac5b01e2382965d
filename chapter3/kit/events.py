"""The record of one observed run: events from every process and thread, one clock.

Each event is one JSON line appended with a single ``os.write`` to a file opened
with ``O_APPEND``: writers never interleave, never block on a reader, and nothing
a process wrote before it died is lost. Times are ``time.monotonic()``, one clock
for every process of the machine.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import current_process
from typing import Any


def lane_name() -> str:
    """The caller's lane: its process name, plus its thread name off the main thread.

    A thread that runs a program's ``main`` for the harness (``stands_for_main``) is the
    process's main lane, as it would be if the program ran alone."""
    thread = threading.current_thread()
    process = current_process().name
    if thread is threading.main_thread() or getattr(thread, "stands_for_main", False):
        return process
    return f"{process}/{thread.name}"


@dataclass(frozen=True)
class Event:
    """One thing a process or thread did.

    ``op`` says what (``print``, ``start``, ``join``, ``acquire``, ``hold``, ``put``,
    ``get``, ``sleep``, ...), ``obj`` on what (``Semaphore-1``, ``Process-2``), and
    ``phase`` whether it is the ``begin`` or ``end`` of a stretch of time or an
    instant (``""``). ``value`` is what was printed, put, got or returned.
    """

    lane: str
    pid: int
    t: float
    op: str
    obj: str = ""
    phase: str = ""
    value: Any = None


@dataclass(frozen=True)
class Span:
    """A stretch of time one lane spent in one ``op`` on one ``obj``."""

    lane: str
    pid: int
    op: str
    obj: str
    start: float
    end: float
    value: Any = None

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class Timeline(tuple):
    """The events of one run in time order, and the measures claims are stated on."""

    def __new__(cls, events: Iterable[Event] = ()):
        return super().__new__(cls, sorted(events, key=lambda e: e.t))

    def of(self, op: str | None = None, obj: str | None = None, lane: str | None = None):
        """Instant events matching every filter given."""
        return [
            e
            for e in self
            if not e.phase
            and (op is None or e.op == op)
            and (obj is None or e.obj == obj)
            and (lane is None or e.lane == lane)
        ]

    def printed(self, lane: str | None = None) -> list[str]:
        """What the program printed, in time order (of one lane, if given)."""
        return [e.value for e in self.of("print", lane=lane)]

    def lanes(self) -> list[str]:
        """Lane names in order of first appearance."""
        return list(dict.fromkeys(e.lane for e in self))

    def spans(
        self, op: str | None = None, obj: str | None = None, lane: str | None = None
    ) -> list[Span]:
        """Spans: each ``begin`` matched with the next ``end`` of its lane, op and obj
        (of one ``lane``, if given).

        A span never ended (still going, or its process died in it) ends at infinity."""
        open_: dict[tuple, list[Event]] = {}
        out = []
        for e in self:
            key = (e.lane, e.op, e.obj)
            if e.phase == "begin":
                open_.setdefault(key, []).append(e)
            elif e.phase == "end" and open_.get(key):
                b = open_[key].pop()
                out.append(Span(e.lane, e.pid, e.op, e.obj, b.t, e.t, e.value))
        for begins in open_.values():
            out += [Span(b.lane, b.pid, b.op, b.obj, b.t, math.inf, b.value) for b in begins]
        out.sort(key=lambda s: s.start)
        return [
            s
            for s in out
            if (op is None or s.op == op)
            and (obj is None or s.obj == obj)
            and (lane is None or s.lane == lane)
        ]

    def open(self, op: str | None = None, obj: str | None = None) -> list[Span]:
        """Spans begun and not ended (yet): who is still waiting, holding, running."""
        return [s for s in self.spans(op, obj) if s.end == math.inf]

    def profile(self, op: str, obj: str | None = None) -> list[tuple[float, int]]:
        """How many spans of ``op`` (on ``obj``) are open, after each moment it changes."""
        return profile_of(self.spans(op, obj))

    def high_water(self, op: str, obj: str | None = None) -> int:
        """The most spans of ``op`` (on ``obj``) open at one moment."""
        return high_water_of(self.spans(op, obj))

    def queued(self, obj: str | None = None) -> list[Span]:
        """Each item's stay in a queue (``obj``), as far as the timeline proves it.

        From the end of the ``put`` that placed the item to the begin of the ``get`` that
        returned it (or forever, if nobody took it): the item was in the queue all that
        time. An item that a ``get`` already waiting took at once has no such stretch.
        Equal items are matched first in, first out. So at every moment the number of
        these spans open is at most the number of items really in the queue:
        ``high_water_of(tl.queued(q))`` is a lower bound of the most it ever held."""
        takers: dict[tuple[str, str], list[Span]] = {}
        for g in self.spans("get", obj):
            takers.setdefault((g.obj, _key(g.value)), []).append(g)
        out = []
        for p in self.spans("put", obj):
            waiting = takers.get((p.obj, _key(p.value)))
            end = waiting.pop(0).start if waiting else math.inf
            if p.end < end:
                out.append(Span(p.lane, p.pid, "queued", p.obj, p.end, end, p.value))
        out.sort(key=lambda s: s.start)
        return out

    def extent(self) -> tuple[float, float]:
        """First and last moment recorded."""
        return (self[0].t, self[-1].t) if self else (0.0, 0.0)


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def profile_of(spans: Iterable[Span]) -> list[tuple[float, int]]:
    """How many of ``spans`` are open, after each moment that number changes."""
    edges = []
    for s in spans:
        edges += [(s.start, 1), (s.end, -1)]
    depth, out = 0, []
    for t, step in sorted(edges):  # on a tie, an end (-1) sorts before a start
        depth += step
        out.append((t, depth))
    return out


def high_water_of(spans: Iterable[Span]) -> int:
    """The most of ``spans`` open at one moment."""
    return max((d for _, d in profile_of(spans)), default=0)


class Recorder:
    """A picklable handle that appends events to one timeline, from anywhere."""

    def __init__(self, path: str):
        self.path = path

    def __repr__(self) -> str:
        return f"Recorder({self.path!r})"

    def write(self, op: str, obj: str = "", phase: str = "", value: Any = None) -> None:
        event = Event(lane_name(), os.getpid(), time.monotonic(), op, obj, phase, value)
        # vars(), not asdict(): asdict deep-copies the value, and a lock put on a queue
        # cannot be copied; json.dumps shows whatever it cannot encode by its repr
        data = (json.dumps(vars(event), ensure_ascii=False, default=repr) + "\n").encode()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        except FileNotFoundError:  # the run is over: a process that outlived it says nothing
            return
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    @contextmanager
    def span(self, op: str, obj: str = "", value: Any = None) -> Iterator[None]:
        self.write(op, obj, "begin", value)
        try:
            yield
        finally:
            self.write(op, obj, "end", value)

    def timeline(self) -> Timeline:
        """Everything recorded so far; a line still being written is left for later.

        Read as bytes and cut at the last newline before decoding: a line being written
        can end, for now, in the middle of a character (a UnicodeDecodeError once, in a
        whole-suite run, when the text was decoded as it was read)."""
        with open(self.path, "rb") as f:
            data = f.read()
        whole = data[: data.rfind(b"\n") + 1].decode("utf-8")
        return Timeline(Event(**json.loads(ln)) for ln in whole.splitlines() if ln.strip())


@contextmanager
def recording() -> Iterator[Recorder]:
    """A fresh timeline whose file is removed when the block ends."""
    fd, path = tempfile.mkstemp(prefix="chapter3-timeline-", suffix=".jsonl")
    os.close(fd)
    try:
        yield Recorder(path)
    finally:
        os.unlink(path)

"""Gates: how a test forces an interleaving on a listing without touching it."""

from __future__ import annotations

from typing import Any


class Gate:
    """Holds one arrival at ``op`` until the harness says go.

    An arrival is an event of ``op`` that is an instant or begins a span, on ``obj``, in
    ``lane`` and carrying ``value`` (a pool task's arguments, a line printed) where those
    are given. The gate holds the ``nth`` arrival (counted over
    every process and thread of the run); with ``each``, the first lane to arrive there
    for its own ``nth`` time. It holds the lane once the event is recorded (a ``hold``
    held at a gate is a hold), or, ``before``, ahead of it (a line held at a gate is not
    printed yet). ``arrived`` is set when it holds, ``go`` lets it on, and the lane held
    shows a ``gate`` span. All of it lives in the run's context, so a gate works across
    processes. Every gate of a run counts arrivals under one lock, ``counting``, so they
    all count them in the same order: with gates for the 1st ... nth arrival, each
    arrival is held by exactly one of them."""

    def __init__(
        self, ctx, name, op, obj=None, lane=None, nth=1, each=False, before=False, value=None
    ):
        self.name, self.op, self.obj, self.lane, self.value = name, op, obj, lane, value
        self.nth, self.each, self.before = nth, each, before
        self._count, self._claim = ctx.Value("i", 0, lock=False), ctx.Semaphore(1)
        self._mine: dict[str, int] = {}  # with ``each``: arrivals per lane, in this process
        self.arrived, self.go = ctx.Event(), ctx.Event()

    def picks(self, op: str, obj: str, lane: str, value: Any = None) -> bool:
        """Count an arrival; whether it is the one this gate holds."""
        if op != self.op or self.obj not in (None, obj) or self.lane not in (None, lane):
            return False
        if self.value is not None and value != self.value:
            return False
        if self.each:
            self._mine[lane] = self._mine.get(lane, 0) + 1
            return self._mine[lane] == self.nth and self._claim.acquire(False)
        self._count.value += 1  # under the run's counting lock
        return self._count.value == self.nth

"""Running a listing under observation: synchronously, or started with gates to force
an interleaving, in any start method and either language.

A run ends as a program does: when ``main`` has returned *and* the processes and the
non-daemon threads it started have ended — an interpreter waits for them before it
exits. A run can be told how long to wait for them (``stop_after``); the processes still
running then, the book stops (``stop`` events), and says so (:attr:`Observed.stopped`).
"""

from __future__ import annotations

import contextlib
import inspect
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psutil

from chapter3.kit.events import Recorder, Timeline, recording
from chapter3.kit.observe import TIMEOUT, Gate, Observation, ObservedContext, threads_of


@dataclass(frozen=True)
class Observed:
    """What an observed run left: what ``main`` returned, and the timeline."""

    result: Any
    timeline: Timeline
    stopped: tuple[str, ...] = ()  # processes still running when the book stopped them


def until(predicate: Callable[[], Any], timeout: float = TIMEOUT) -> bool:
    """Whether ``predicate()`` comes true within ``timeout`` seconds (polled)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


def asleep(pid: int) -> bool:
    """Whether process ``pid`` is blocked in the kernel (waiting, not running or ready)."""
    try:
        return psutil.Process(pid).status() in (psutil.STATUS_SLEEPING, psutil.STATUS_DISK_SLEEP)
    except psutil.NoSuchProcess:
        return False


def unobserved(main: Callable) -> bool:
    """Whether the listing's section lists it in ``UNOBSERVED``: a run about speed, whose
    processes get a plain context (recording each task would change what it measures)."""
    section, _, name = main.__module__.rpartition(".")
    return name in getattr(sys.modules.get(section), "UNOBSERVED", ())


class Watch:
    """One observed run of ``listing.main``; see :func:`watching`."""

    def __init__(self, main: Callable, method: str | None, rec: Recorder, lang: str, tee: bool):
        self.main, self.method = main, method
        self.real = multiprocessing.get_context(method)
        self.observation = Observation(rec, (main.__module__,), lang, tee)
        self.ctx = ObservedContext(self.observation, method)
        self._thread: threading.Thread | None = None
        self._outcome: list = []

    def gate(
        self, op: str, obj=None, lane=None, nth=1, each=False, before=False, value=None
    ) -> Gate:
        """Hold the ``nth`` arrival at ``op`` (on ``obj``, in ``lane``, carrying ``value``:
        ``watch.gate("task", value=(2,))`` holds the task run with the argument 2) until
        ``gate.go.set()``; with ``each``, the first lane there for its own ``nth`` time;
        ``before``: ahead of recording it (see :class:`Gate`). Make every gate before
        :meth:`start`: children take the gates with them."""
        name = f"Gate-{len(self.observation.gates) + 1}"
        if self.observation.counting is None:
            self.observation.counting = self.real.Lock()
        gate = Gate(self.real, name, op, obj, lane, nth, each, before, value)
        self.observation.gates.append(gate)
        return gate

    def timeline(self) -> Timeline:
        """What has been recorded so far (also while the run goes on)."""
        return self.observation.rec.timeline()

    def until(self, predicate: Callable[[Timeline], Any], timeout: float = TIMEOUT) -> bool:
        """Whether ``predicate(timeline so far)`` comes true within ``timeout`` seconds."""
        return until(lambda: predicate(self.timeline()), timeout)

    def blocked(self, op: str, obj: str, n: int, timeout: float = TIMEOUT) -> list[str]:
        """Wait until ``n`` lanes are asleep inside ``op`` on ``obj`` (e.g. ``acquire``
        on ``Lock-1``); their lanes. Fails the test if that does not come."""

        def there(tl: Timeline) -> bool:
            spans = tl.open(op, obj)
            return len(spans) == n and all(asleep(s.pid) for s in spans)

        assert self.until(there, timeout), f"never {n} lanes asleep in {op}() on {obj}"
        return [s.lane for s in self.timeline().open(op, obj)]

    def children(self) -> list:
        """The processes the run started through its context, in the order it made them."""
        return [p for p in self.ctx.processes if p.pid is not None]

    def _main(self, params: dict) -> Any:
        if "ctx" in inspect.signature(self.main).parameters:
            params = {"ctx": self.real if unobserved(self.main) else self.ctx, **params}
        with self.observation.installed(self.method):
            result = self.main(**params)
            deadline = time.monotonic() + TIMEOUT
            for t in threads_of(self.observation):  # as an interpreter waits for them at exit
                if not t.daemon and t.ident is not None:  # the real join: no span of the book's
                    threading.Thread.join(t, max(0.0, deadline - time.monotonic()))
            return result

    def _join_children(self, timeout: float) -> list:
        deadline = time.monotonic() + timeout
        for p in self.children():
            p.join(max(0.0, deadline - time.monotonic()))
        return [p for p in self.children() if p.is_alive()]

    def stop(self) -> list[str]:
        """Stop the run's processes that are still running (SIGTERM, then SIGKILL)."""
        alive = [p for p in self.children() if p.is_alive()]
        for p in alive:
            self.observation.rec.write("stop", p.name)
            p.terminate()
        for p in alive:
            p.join(TIMEOUT)
            if p.is_alive():
                p.kill()
                p.join(TIMEOUT)
        return [p.name for p in alive]

    def run(self, stop_after: float = TIMEOUT, **params) -> Observed:
        """Run ``main(**params)`` in this thread (``ctx`` is given if it takes one), then
        wait up to ``stop_after`` seconds for the processes it left running, and stop
        those still running then."""
        result = self._main(params)
        self._join_children(stop_after)
        stopped = tuple(self.stop())
        return Observed(result, self.timeline(), stopped)

    def start(self, **params) -> None:
        """Run ``main(**params)`` in a background thread; :meth:`wait` for its end."""

        def target():
            try:
                self._outcome.append((True, self._main(params)))
            except BaseException as e:  # handed to wait()
                self._outcome.append((False, e))

        self._thread = threading.Thread(target=target, name="observed-main", daemon=True)
        self._thread.stands_for_main = True
        self._thread.start()

    def returned(self) -> bool:
        """Whether ``main`` has returned (or raised)."""
        return bool(self._outcome)

    def wait(self, timeout: float = TIMEOUT) -> Observed:
        """The end of a started run: ``main`` returned and the processes it started ended.
        ``TimeoutError`` if either is still running after ``timeout`` (a gate never let go
        counts: the run is stuck there); the run goes on, and can be waited for again."""
        deadline = time.monotonic() + timeout
        self._thread.join(timeout)
        name = f"{self.main.__module__}.{self.main.__name__}()"
        if self._thread.is_alive():
            raise TimeoutError(f"{name} still running after {timeout} s")
        alive = self._join_children(max(0.0, deadline - time.monotonic()))
        if alive:
            names = ", ".join(p.name for p in alive)
            raise TimeoutError(f"{name} returned, but {names} still running after {timeout} s")
        ok, value = self._outcome[0]
        if not ok:
            raise value
        return Observed(value, self.timeline())


GRACE = 5.0  # seconds a watch's leftover processes get to end before they are stopped


@contextlib.contextmanager
def watching(
    main: Callable, method: str | None = None, lang: str = "zh", tee: bool = False
) -> Iterator[Watch]:
    """An observed run of a listing's ``main`` under ``method``, printing in ``lang``
    (and, with ``tee``, to the terminal too).

    The listing's module is watched: its ``time``, ``threading`` and ``print`` record.
    Leaving the block lets every gate go, waits for ``main``, gives the run's processes
    a few seconds, and stops those still running."""
    with recording() as rec:
        watch = Watch(main, method, rec, lang, tee)
        try:
            yield watch
        finally:  # let go of anything still held at a gate, so the run can end
            for gate in watch.observation.gates:
                gate.go.set()
            if watch._thread is not None:
                watch._thread.join(TIMEOUT)
            watch._join_children(GRACE)
            watch.stop()


def observe(
    main: Callable,
    method: str | None = None,
    lang: str = "zh",
    tee: bool = False,
    stop_after: float = TIMEOUT,
    **params,
) -> Observed:
    """Run a listing's ``main(**params)`` observed, to the end of its processes (at most
    ``stop_after`` seconds after ``main`` returned); return its result and timeline."""
    with watching(main, method, lang, tee) as watch:
        return watch.run(stop_after, **params)

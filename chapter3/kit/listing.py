"""Running a listing under observation: synchronously, or started with gates to force
an interleaving, in any start method and either language."""

from __future__ import annotations

import contextlib
import inspect
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from chapter3.kit.events import Recorder, Timeline, recording
from chapter3.kit.observe import TIMEOUT, Gate, Observation, ObservedContext


@dataclass(frozen=True)
class Observed:
    """What an observed run left: what ``main`` returned, and the timeline."""

    result: Any
    timeline: Timeline


class Watch:
    """One observed run of ``listing.main``; see :func:`watching`."""

    def __init__(self, main: Callable, method: str | None, rec: Recorder, lang: str, tee: bool):
        self.main, self.method = main, method
        self.real = multiprocessing.get_context(method)
        self.observation = Observation(rec, (main.__module__,), lang, tee)
        self._thread: threading.Thread | None = None
        self._outcome: list = []

    def gate(self, op: str, obj: str | None = None) -> Gate:
        """Hold the first lane that reaches ``op`` until ``gate.go.set()``."""
        gate = Gate(self.real, op, obj)
        self.observation.gates.append(gate)
        return gate

    def timeline(self) -> Timeline:
        """What has been recorded so far (also while the run goes on)."""
        return self.observation.rec.timeline()

    def _main(self, params: dict) -> Any:
        if "ctx" in inspect.signature(self.main).parameters:
            params = {"ctx": ObservedContext(self.observation, self.method), **params}
        with self.observation.installed(self.method):
            return self.main(**params)

    def run(self, **params) -> Observed:
        """Run ``main(**params)`` to its end in this thread (``ctx`` is given if it takes one)."""
        return Observed(self._main(params), self.timeline())

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

    def wait(self, timeout: float = TIMEOUT) -> Observed:
        """The end of a started run; ``TimeoutError`` if it is still running (a gate
        never let go counts: the run is stuck there)."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            name = f"{self.main.__module__}.{self.main.__name__}"
            raise TimeoutError(f"{name}() still running after {timeout} s")
        ok, value = self._outcome[0]
        if not ok:
            raise value
        return Observed(value, self.timeline())


@contextlib.contextmanager
def watching(
    main: Callable, method: str | None = None, lang: str = "zh", tee: bool = False
) -> Iterator[Watch]:
    """An observed run of a listing's ``main`` under ``method``, printing in ``lang``
    (and, with ``tee``, to the terminal too).

    The listing's module is watched: its ``time``, ``threading`` and ``print`` record."""
    with recording() as rec:
        watch = Watch(main, method, rec, lang, tee)
        try:
            yield watch
        finally:  # let go of anything still held at a gate, so the run can end
            for gate in watch.observation.gates:
                gate.go.set()
            if watch._thread is not None:
                watch._thread.join(TIMEOUT)


def observe(
    main: Callable, method: str | None = None, lang: str = "zh", tee: bool = False, **params
) -> Observed:
    """Run a listing's ``main(**params)`` observed; return its result and timeline."""
    with watching(main, method, lang, tee) as watch:
        return watch.run(**params)

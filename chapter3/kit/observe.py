"""Watching a plain listing run: observed primitives that record who did what, and when.

A listing is a plain program: it takes a multiprocessing context ``ctx`` and uses
``threading``, ``time.sleep`` and ``print`` as any program does. The book runs it
with an :class:`ObservedContext`, whose processes, locks, queues, pipes and pools are
the real ones wrapped to record events, and, in the listing's module, swaps
``time``, ``threading`` and ``print``'s stream for recording twins — in the parent
and in every child. Nothing in the listing changes. The counterpart of Trio's
*Instrument*.
"""

from __future__ import annotations

import collections
import contextlib
import gettext
import io
import multiprocessing
import os
import queue
import sys
import threading
import time
import types
import weakref
from collections.abc import Iterator
from typing import Any

from chapter3.kit import primitives
from chapter3.kit.events import Recorder, lane_name
from chapter3.kit.gates import Gate
from chapter3.kit.primitives import Connection, Joinable, Lock, Pool, Queue, Shared, Waitable

TIMEOUT = 30.0  # a gate's longest wait: a forced interleaving never hangs a test
LOCALE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "locale")


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """While it lasts, ``gettext`` in this process answers in ``lang`` from the book's
    catalog (``zh``: the listings' own Chinese)."""
    language = os.environ.get("LANGUAGE")
    os.environ["LANGUAGE"] = lang
    gettext.bindtextdomain("messages", LOCALE)
    try:
        yield
    finally:
        if language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = language


class Observation:
    """What observing means in every process of a run: where events go, which modules
    to watch, the gates, the output language, and the ``pace`` of the watched modules'
    sleeps (0.1: a tenth of what they ask; the timeline still says what they asked).
    Pickled into every child."""

    def __init__(self, rec: Recorder, modules: tuple[str, ...], lang="zh", tee=False, pace=1.0):
        self.rec, self.modules, self.lang, self.tee, self.pace = rec, modules, lang, tee, pace
        self.gates: list[Gate] = []
        self.counting = None  # the lock every gate counts under, made with the first gate
        self.home, self._made = os.getpid(), collections.Counter()

    def name(self, kind: str) -> str:
        """A name for the next object of ``kind`` made in this run: ``Lock-1``, ``Lock-2``,
        ...; one made in another process than the run's also says where (``Lock-1@...``)."""
        self._made[kind] += 1
        name = f"{kind}-{self._made[kind]}"
        here = multiprocessing.current_process().name
        return name if os.getpid() == self.home else f"{name}@{here}"

    def write(self, op: str, obj: str = "", phase: str = "", value: Any = None) -> None:
        picked = []
        if phase != "end" and self.gates:
            lane = lane_name()
            with self.counting:  # one arrival at a time, seen by every gate in turn
                picked = [g for g in self.gates if g.picks(op, obj, lane, value)]
        for gate in picked:
            if gate.before:
                self._hold(gate)
        self.rec.write(op, obj, phase, value)
        for gate in picked:
            if not gate.before:
                self._hold(gate)

    def _hold(self, gate: Gate) -> None:
        self.rec.write("gate", gate.name, "begin")
        gate.arrived.set()
        gate.go.wait(TIMEOUT)
        self.rec.write("gate", gate.name, "end")

    @contextlib.contextmanager
    def span(self, op: str, obj: str = "", value: Any = None) -> Iterator[None]:
        self.write(op, obj, "begin", value)
        try:
            yield
        finally:
            self.write(op, obj, "end", value)

    @contextlib.contextmanager
    def installed(self, method: str | None = None) -> Iterator[None]:
        """In this process: the watched modules see recording twins, ``print`` records
        its lines, and ``gettext`` speaks the run's language."""
        twins = _twins(ObservedContext(self, method))
        undo = []
        for names in _namespaces(self.modules):
            for name, value in list(names.items()):
                twin = twins.get(id(value))
                if twin is not None:
                    undo.append((names, name, value))
                    names[name] = twin
        stdout = sys.stdout
        sys.stdout = _Lines(self, stdout if self.tee else None)
        try:
            with speaking(self.lang):
                yield
        finally:
            sys.stdout.flush()
            sys.stdout = stdout
            for names, name, value in undo:
                names[name] = value


def _namespaces(modules: tuple[str, ...]) -> list[dict]:
    """The globals of the watched modules, and those their own functions run in: a
    spawned child's ``__main__`` holds a copy of the namespace its functions run in."""
    out: list[dict] = []
    for module in filter(None, map(sys.modules.get, modules)):
        own = [v for v in vars(module).values() if getattr(v, "__module__", 0) == module.__name__]
        for names in (vars(module), *(getattr(f, "__globals__", None) for f in own)):
            if names is not None and all(names is not n for n in out):
                out.append(names)
    return out


class _Lines(io.TextIOBase):
    """A text stream that records each whole line printed to it, per thread, and passes
    it on to ``through`` if given."""

    def __init__(self, obs: Observation, through=None):
        self.obs, self.through, self.partial = obs, through, threading.local()

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        *lines, self.partial.text = (getattr(self.partial, "text", "") + s).split("\n")
        for line in lines:
            self.obs.write("print", value=line)
            if self.through is not None:
                self.through.write(line + "\n")
                self.through.flush()
        return len(s)

    def flush(self) -> None:
        if getattr(self.partial, "text", ""):
            self.write("\n")


class _ObservedProcess:
    """Mixed into each start method's Process class: records start (``start`` as it is
    asked, ``started`` with the pid once the child exists), run, exit and join (its end
    carries the exit code); under spawn and forkserver also ``unpickle`` in the child,
    before its arguments are."""

    _observation: Observation

    def start(self) -> None:
        self._observation.write("start", self.name)
        super().start()
        self._observation.write("started", self.name, value=self.pid)

    def __reduce__(self):
        # Pickled for a spawned or fork-server child. Unpickling calls _arriving first,
        # then restores the state (the target and its arguments): a gate on "unpickle"
        # holds the child before it opens anything its parent passed it.
        return (_arriving, (type(self), self._observation, self.name), self.__dict__)

    def run(self) -> None:
        obs = self._observation
        with obs.installed(self._start_method), obs.span("run", self.name):
            try:
                super().run()
            except BaseException as e:
                obs.write("raise", self.name, value=f"{type(e).__name__}: {e}")
                raise

    def join(self, timeout: float | None = None) -> None:
        self._observation.write("join", self.name, "begin")
        try:
            super().join(timeout)
        finally:  # the end carries the exit code: None if the child still runs
            self._observation.write("join", self.name, "end", self.exitcode)


def _arriving(cls: type, observation: Observation, name: str):
    observation.write("unpickle", name)
    return cls.__new__(cls)


def _observed_class(base: type) -> type:
    # Named like its base, since a process is named after its class (ForkProcess-1), and
    # found by its qualified name when pickled under spawn and forkserver.
    cls = type(base.__name__, (_ObservedProcess, base), {"__module__": __name__})
    cls.__qualname__ = f"Observed{base.__name__}"
    globals()[cls.__qualname__] = cls
    return cls


PROCESS_CLASSES = {
    method: _observed_class(multiprocessing.get_context(method).Process)
    for method in multiprocessing.get_all_start_methods()
}


class Thread(threading.Thread):
    """A thread that records its start, run and join, and runs observed."""

    _observation: Observation

    @property
    def lane(self) -> str:
        return f"{multiprocessing.current_process().name}/{self.name}"

    def start(self) -> None:
        self._observation.write("start", self.lane)
        super().start()

    def run(self) -> None:
        with self._observation.span("run", self.lane):
            try:
                super().run()
            except BaseException as e:  # then threading.excepthook prints it, as it would
                self._observation.write("raise", self.lane, value=f"{type(e).__name__}: {e}")
                raise

    def join(self, timeout: float | None = None) -> None:
        with self._observation.span("join", self.lane):
            super().join(timeout)


class ObservedContext:
    """A multiprocessing context whose primitives record what is done with them; its
    ``threading`` attribute is the same for threads."""

    def __init__(self, observation: Observation, method: str | None = None):
        self.observation = observation
        self.real = multiprocessing.get_context(method)
        self.threading = _ObservedThreading(observation)
        self.processes: list = []  # every process made through this context, in order

    def __getattr__(self, attr):  # get_start_method, cpu_count, active_children, ...
        return getattr(self.real, attr)

    def Process(self, *args, **kwargs):
        p = PROCESS_CLASSES[self.real.get_start_method()](*args, **kwargs)
        p._observation = self.observation
        self.processes.append(p)
        return p

    def Lock(self):
        return Lock(self.real.Lock(), self.observation, "Lock")

    def RLock(self):
        return Lock(self.real.RLock(), self.observation, "RLock")

    def Semaphore(self, value: int = 1):
        return Lock(self.real.Semaphore(value), self.observation, "Semaphore")

    def BoundedSemaphore(self, value: int = 1):
        return Lock(self.real.BoundedSemaphore(value), self.observation, "BoundedSemaphore")

    def Event(self):
        return Waitable(self.real.Event(), self.observation, "Event")

    def Barrier(self, parties: int, action=None, timeout=None):
        return Waitable(self.real.Barrier(parties, action, timeout), self.observation, "Barrier")

    def Condition(self, lock=None):
        return Waitable(self.real.Condition(lock), self.observation, "Condition")

    def Queue(self, maxsize: int = 0):
        return Queue(self.real.Queue(maxsize), self.observation, "Queue")

    def Pipe(self, duplex: bool = True):
        a, b = self.real.Pipe(duplex)
        return Connection(a, self.observation, "Pipe"), Connection(b, self.observation, "Pipe")

    def Value(self, typecode, *args, lock=True):
        real = self.real.Value(typecode, *args, lock=lock)
        return Shared(real, self.observation, "Value") if lock else real

    def Array(self, typecode, size_or_init, *, lock=True):
        real = self.real.Array(typecode, size_or_init, lock=lock)
        return Shared(real, self.observation, "Array") if lock else real

    def Pool(self, processes=None, initializer=None, initargs=(), maxtasksperchild=None):
        args = (self.observation, self.real.get_start_method(), initializer, initargs)
        real = self.real.Pool(processes, _observe_worker, args, maxtasksperchild)
        return Pool(real, self.observation, "Pool")

    def sleep(self, seconds: float) -> None:
        with self.observation.span("sleep", value=seconds):
            time.sleep(seconds * self.observation.pace)


_THREADS: weakref.WeakSet = weakref.WeakSet()  # the observed threads of this process


def threads_of(observation: Observation) -> list[Thread]:
    """The observed threads made in this process for ``observation``'s run."""
    return [t for t in list(_THREADS) if t._observation is observation]


class _ObservedThreading:
    """``threading``'s primitives, observed."""

    def __init__(self, observation: Observation):
        self.observation = observation

    def Thread(self, *args, **kwargs):
        t = Thread(*args, **kwargs)
        t._observation = self.observation
        _THREADS.add(t)
        return t

    def Lock(self):
        return Lock(threading.Lock(), self.observation, "Lock")

    def RLock(self):
        return Lock(threading.RLock(), self.observation, "RLock")

    def Semaphore(self, value: int = 1):
        return Lock(threading.Semaphore(value), self.observation, "Semaphore")

    def BoundedSemaphore(self, value: int = 1):
        return Lock(threading.BoundedSemaphore(value), self.observation, "BoundedSemaphore")

    def Event(self):
        return Waitable(threading.Event(), self.observation, "Event")

    def Barrier(self, parties: int, action=None, timeout=None):
        return Waitable(threading.Barrier(parties, action, timeout), self.observation, "Barrier")

    def Condition(self, lock=None):
        return Waitable(threading.Condition(lock), self.observation, "Condition")

    def Queue(self, maxsize: int = 0):  # queue.Queue: the threads' queue
        return Joinable(queue.Queue(maxsize), self.observation, "Queue")


_THREADING = ("Thread", "Lock", "RLock", "Semaphore", "BoundedSemaphore", "Event", "Barrier",
              "Condition")  # fmt: skip


def _twins(ctx: ObservedContext) -> dict[int, Any]:
    """Recording twins of the standard objects a listing may name, by the ``id`` of each."""
    obs_time = types.SimpleNamespace(**{**vars(time), "sleep": ctx.sleep})
    obs_threading = types.SimpleNamespace(
        **{**vars(threading), **{n: getattr(ctx.threading, n) for n in _THREADING}}
    )
    obs_queue = types.SimpleNamespace(**{**vars(queue), "Queue": ctx.threading.Queue})
    twins = {id(time): obs_time, id(time.sleep): ctx.sleep, id(threading): obs_threading}
    twins |= {id(queue): obs_queue, id(queue.Queue): ctx.threading.Queue}
    twins |= {id(getattr(threading, n)): getattr(ctx.threading, n) for n in _THREADING}
    return twins


def _observe_worker(observation: Observation, method: str, initializer, initargs) -> None:
    """A pool worker's initializer: the worker stays observed for its whole life."""
    installed = observation.installed(method)
    installed.__enter__()
    primitives.worker[:] = [observation, installed]
    if initializer is not None:
        initializer(*initargs)


__all__ = ["Gate", "Observation", "ObservedContext", "lane_name", "speaking", "threads_of"]

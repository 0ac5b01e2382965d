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

import contextlib
import gettext
import io
import itertools
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Iterator
from typing import Any

from chapter3.kit.events import Recorder, lane_name

TIMEOUT = 30.0  # a gate's longest wait: a forced interleaving never hangs a test
LOCALE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "locale")
_names = itertools.count(1)


class Gate:
    """Holds the first lane that reaches ``op`` (on ``obj``) until the harness says go.

    ``arrived`` is set when that lane is held, ``go`` lets it on; both are real
    events of the run's context, so the gate works across processes."""

    def __init__(self, ctx, op: str, obj: str | None = None):
        self.op, self.obj = op, obj
        self._claim = ctx.Semaphore(1)
        self.arrived, self.go = ctx.Event(), ctx.Event()

    def matches(self, op: str, obj: str) -> bool:
        return op == self.op and self.obj in (None, obj) and self._claim.acquire(False)


class Observation:
    """What observing means in every process of a run: where events go, which modules
    to watch, the gates, and the output language. Pickled into every child."""

    def __init__(self, rec: Recorder, modules: tuple[str, ...], lang: str = "zh", tee=False):
        self.rec, self.modules, self.lang, self.tee = rec, modules, lang, tee
        self.gates: list[Gate] = []

    def write(self, op: str, obj: str = "", phase: str = "", value: Any = None) -> None:
        self.rec.write(op, obj, phase, value)
        if phase != "end":
            for gate in self.gates:
                if gate.matches(op, obj):
                    gate.arrived.set()
                    gate.go.wait(TIMEOUT)

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
        for module in filter(None, map(sys.modules.get, self.modules)):
            for name, value in list(vars(module).items()):
                twin = twins.get(id(value))
                if twin is not None:
                    undo.append((module, name, value))
                    setattr(module, name, twin)
        stdout, language = sys.stdout, os.environ.get("LANGUAGE")
        sys.stdout = _Lines(self, stdout if self.tee else None)
        os.environ["LANGUAGE"] = self.lang
        gettext.bindtextdomain("messages", LOCALE)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stdout = stdout
            if language is None:
                os.environ.pop("LANGUAGE", None)
            else:
                os.environ["LANGUAGE"] = language
            for module, name, value in undo:
                setattr(module, name, value)


class _Wrapped:
    """A real primitive; every attribute the wrapper does not define passes through."""

    def __init__(self, real, obs: Observation, kind: str):
        self._real, self._obs, self.name = real, obs, f"{kind}-{next(_names)}"

    def __getattr__(self, attr):
        if "_real" not in self.__dict__:  # while unpickling
            raise AttributeError(attr)
        return getattr(self._real, attr)

    def __repr__(self) -> str:
        return f"<observed {self.name}>"


class Lock(_Wrapped):
    """Lock, RLock, Semaphore: ``acquire`` is a span, then ``hold`` lasts until
    ``release``. The hold begins after the real acquire returns and ends before the
    real release, so the holds of a working lock never overlap on the timeline."""

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        with self._obs.span("acquire", self.name):
            # "forever" is no timeout argument: threading refuses None, multiprocessing -1
            args = (block,) if timeout is None else (block, timeout)
            got = self._real.acquire(*args)
        if got:
            self._obs.write("hold", self.name, "begin")
        return got

    def release(self) -> None:
        self._obs.write("hold", self.name, "end")
        self._real.release()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


class Waitable(_Wrapped):
    """Event, Barrier, Condition: ``wait`` is a span; ``set`` is an instant."""

    def wait(self, *args, **kwargs):
        with self._obs.span("wait", self.name):
            return self._real.wait(*args, **kwargs)

    def set(self) -> None:
        self._obs.write("set", self.name)
        self._real.set()


class Queue(_Wrapped):
    """``put`` and ``get`` are spans (blocked while full or empty) carrying the item."""

    def put(self, item, block: bool = True, timeout: float | None = None) -> None:
        with self._obs.span("put", self.name, item):
            self._real.put(item, block, timeout)

    def get(self, block: bool = True, timeout: float | None = None):
        self._obs.write("get", self.name, "begin")
        item = self._real.get(block, timeout)
        self._obs.write("get", self.name, "end", item)
        return item


class Connection(_Wrapped):
    """One end of a pipe: ``send`` is an instant, ``recv`` a span ending with the object."""

    def send(self, obj) -> None:
        self._obs.write("send", self.name, value=obj)
        self._real.send(obj)

    def recv(self):
        self._obs.write("recv", self.name, "begin")
        obj = self._real.recv()
        self._obs.write("recv", self.name, "end", obj)
        return obj


class Shared(_Wrapped):
    """Value or Array: reads and writes pass through; its lock is observed."""

    def get_lock(self) -> Lock:
        lock = Lock(self._real.get_lock(), self._obs, "Lock")
        lock.name = f"{self.name}.lock"
        return lock

    def __getitem__(self, i):
        return self._real[i]

    def __setitem__(self, i, v):
        self._real[i] = v

    def __len__(self) -> int:
        return len(self._real)

    @property
    def value(self):
        return self._real.value

    @value.setter
    def value(self, v):
        self._real.value = v


class Task:
    """A pool task: the function, run in a ``task`` span by the worker that takes it.

    It carries no observation (tasks cross a queue, where locks may not go): the worker
    uses the one its initializer installed."""

    def __init__(self, func):
        self.func = func

    def __call__(self, *args, **kwargs):
        obs = _worker[0]
        with obs.span("task", getattr(self.func, "__name__", "task"), args or kwargs):
            return self.func(*args, **kwargs)


class Pool(_Wrapped):
    """A pool whose workers are observed, and whose tasks and callbacks are recorded."""

    def _callback(self, callback):
        if callback is None:
            return None

        def recorded(result):
            self._obs.write("callback", self.name, value=result)
            return callback(result)

        return recorded

    def apply_async(self, func, args=(), kwds=None, callback=None, error_callback=None):
        task = Task(func)
        return self._real.apply_async(task, args, kwds or {}, self._callback(callback),
                                      error_callback)  # fmt: skip

    def map_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        task = Task(func)
        return self._real.map_async(task, iterable, chunksize, self._callback(callback),
                                    error_callback)  # fmt: skip

    def apply(self, func, args=(), kwds=None):
        return self._real.apply(Task(func), args, kwds or {})

    def map(self, func, iterable, chunksize=None):
        return self._real.map(Task(func), iterable, chunksize)

    def join(self) -> None:
        with self._obs.span("join", self.name):
            self._real.join()

    def __enter__(self):
        self._real.__enter__()
        return self

    def __exit__(self, *exc):
        return self._real.__exit__(*exc)


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
    """Mixed into each start method's Process class: records start, run, exit and join."""

    _observation: Observation

    def start(self) -> None:
        self._observation.write("start", self.name)
        super().start()

    def run(self) -> None:
        obs = self._observation
        with obs.installed(self._start_method), obs.span("run", self.name):
            try:
                super().run()
            except BaseException as e:
                obs.write("raise", self.name, value=f"{type(e).__name__}: {e}")
                raise

    def join(self, timeout: float | None = None) -> None:
        with self._observation.span("join", self.name):
            super().join(timeout)


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
            super().run()

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

    def __getattr__(self, attr):  # get_start_method, cpu_count, active_children, ...
        return getattr(self.real, attr)

    def Process(self, *args, **kwargs):
        p = PROCESS_CLASSES[self.real.get_start_method()](*args, **kwargs)
        p._observation = self.observation
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
            time.sleep(seconds)


class _ObservedThreading:
    """``threading``'s primitives, observed."""

    def __init__(self, observation: Observation):
        self.observation = observation

    def Thread(self, *args, **kwargs):
        t = Thread(*args, **kwargs)
        t._observation = self.observation
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


_THREADING = ("Thread", "Lock", "RLock", "Semaphore", "BoundedSemaphore", "Event", "Barrier",
              "Condition")  # fmt: skip


def _twins(ctx: ObservedContext) -> dict[int, Any]:
    """Recording twins of the standard objects a listing may name, by the ``id`` of each."""
    obs_time = types.SimpleNamespace(**{**vars(time), "sleep": ctx.sleep})
    obs_threading = types.SimpleNamespace(
        **{**vars(threading), **{n: getattr(ctx.threading, n) for n in _THREADING}}
    )
    twins = {id(time): obs_time, id(time.sleep): ctx.sleep, id(threading): obs_threading}
    twins |= {id(getattr(threading, n)): getattr(ctx.threading, n) for n in _THREADING}
    return twins


_worker: list = []  # in a pool worker: its observation, and the installation kept open


def _observe_worker(observation: Observation, method: str, initializer, initargs) -> None:
    """A pool worker's initializer: the worker stays observed for its whole life."""
    installed = observation.installed(method)
    installed.__enter__()
    _worker[:] = [observation, installed]
    if initializer is not None:
        initializer(*initargs)


__all__ = ["Gate", "Observation", "ObservedContext", "lane_name"]

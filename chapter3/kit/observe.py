"""Watching a plain listing run: observed primitives that record who did what, and when.

A listing is a plain program: it takes a multiprocessing context ``ctx`` and uses
``threading``, ``time.sleep`` and ``print`` as any program does. The book runs it
under :func:`observe`, which hands it an :class:`ObservedContext` (its processes,
locks, queues, ... are the real ones, wrapped to record events) and, in the listing's
module, swaps ``time``, ``threading`` and ``print``'s stream for recording twins, in
the parent and in every child. The listing never knows: nothing in it changes.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import multiprocessing
import sys
import threading
import time
import types
from collections.abc import Iterator
from multiprocessing import context as mp_context
from typing import Any

from chapter3.kit.events import Recorder, Timeline, lane_name, recording

_names = itertools.count(1)


def _name(kind: str) -> str:
    return f"{kind}-{next(_names)}"


class _Wrapped:
    """A real primitive, with every attribute the wrapper does not define passed through."""

    def __init__(self, real, rec: Recorder, name: str):
        self._real, self._rec, self.name = real, rec, name

    def __getattr__(self, attr):
        if "_real" not in self.__dict__:  # while unpickling
            raise AttributeError(attr)
        return getattr(self._real, attr)

    def __repr__(self) -> str:
        return f"<observed {self.name}>"


class Lock(_Wrapped):
    """Lock, RLock, Semaphore: ``acquire`` is a blocked span, then a ``hold`` span until
    ``release``. The hold ends before the real release and begins after the real
    acquire, so holds of a working lock never overlap on the timeline."""

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        with self._rec.span("acquire", self.name):
            got = self._real.acquire(block, -1 if timeout is None else timeout)
        if got:
            self._rec.write("hold", self.name, "begin")
        return got

    def release(self) -> None:
        self._rec.write("hold", self.name, "end")
        self._real.release()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


class Waitable(_Wrapped):
    """Event, Barrier, Condition: ``wait`` is a span; ``set``/``notify`` are instants."""

    def wait(self, *args, **kwargs):
        with self._rec.span("wait", self.name):
            return self._real.wait(*args, **kwargs)

    def set(self):
        self._rec.write("set", self.name)
        self._real.set()


class Queue(_Wrapped):
    """``put`` and ``get`` are spans (blocked while full or empty), carrying the item."""

    def put(self, item, block: bool = True, timeout: float | None = None) -> None:
        with self._rec.span("put", self.name, item):
            self._real.put(item, block, timeout)

    def get(self, block: bool = True, timeout: float | None = None):
        self._rec.write("get", self.name, "begin")
        item = self._real.get(block, timeout)
        self._rec.write("get", self.name, "end", item)
        return item


class Connection(_Wrapped):
    """One end of a pipe: ``send`` is an instant, ``recv`` a span ending with the object."""

    def send(self, obj) -> None:
        self._rec.write("send", self.name, value=obj)
        self._real.send(obj)

    def recv(self):
        self._rec.write("recv", self.name, "begin")
        obj = self._real.recv()
        self._rec.write("recv", self.name, "end", obj)
        return obj


class Shared(_Wrapped):
    """Value or Array: reads and writes pass through; its lock is observed."""

    def get_lock(self) -> Lock:
        return Lock(self._real.get_lock(), self._rec, f"{self.name}.lock")

    def __getitem__(self, i):
        return self._real[i]

    def __setitem__(self, i, v):
        self._real[i] = v

    def __len__(self):
        return len(self._real)

    @property
    def value(self):
        return self._real.value

    @value.setter
    def value(self, v):
        self._real.value = v


class Task:
    """A pool task: the function, run inside a ``task`` span of the worker that takes it."""

    def __init__(self, func, rec: Recorder):
        self.func, self.rec = func, rec

    def __call__(self, *args, **kwargs):
        with self.rec.span("task", getattr(self.func, "__name__", "task"), args or kwargs):
            return self.func(*args, **kwargs)


class Pool(_Wrapped):
    """A pool whose workers are observed and whose tasks and callbacks are recorded."""

    def _callback(self, callback):
        if callback is None:
            return None

        def recorded(result):
            self._rec.write("callback", self.name, value=result)
            return callback(result)

        return recorded

    def apply_async(self, func, args=(), kwds=None, callback=None, error_callback=None):
        return self._real.apply_async(
            Task(func, self._rec), args, kwds or {}, self._callback(callback), error_callback
        )

    def map_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        return self._real.map_async(
            Task(func, self._rec), iterable, chunksize, self._callback(callback), error_callback
        )

    def apply(self, func, args=(), kwds=None):
        return self._real.apply(Task(func, self._rec), args, kwds or {})

    def map(self, func, iterable, chunksize=None):
        return self._real.map(Task(func, self._rec), iterable, chunksize)

    def join(self):
        with self._rec.span("join", self.name):
            self._real.join()

    def __enter__(self):
        self._real.__enter__()
        return self

    def __exit__(self, *exc):
        return self._real.__exit__(*exc)


class _Lines(io.TextIOBase):
    """A text stream that records each whole line printed to it, per thread."""

    def __init__(self, rec: Recorder):
        self.rec, self.partial = rec, threading.local()

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        text = getattr(self.partial, "text", "") + s
        *lines, self.partial.text = text.split("\n")
        for line in lines:
            self.rec.write("print", value=line)
        return len(s)

    def flush(self) -> None:
        if getattr(self.partial, "text", ""):
            self.rec.write("print", value=self.partial.text)
            self.partial.text = ""


class Observation:
    """What observing means in one process: the recorder, and the modules to watch.

    Picklable, so that every child installs the same observation before its target runs.
    """

    def __init__(self, rec: Recorder, modules: tuple[str, ...]):
        self.rec, self.modules = rec, modules

    def twins(self, method: str | None) -> dict[int, Any]:
        """Recording twins of the standard objects a listing may name, by ``id``."""
        ctx = ObservedContext(self, method)
        obs_time = types.SimpleNamespace(**vars(time))
        obs_time.sleep = ctx.sleep
        obs_threading = types.SimpleNamespace(**vars(threading))
        for name in ("Thread", "Lock", "RLock", "Semaphore", "BoundedSemaphore"):
            setattr(obs_threading, name, getattr(ctx, f"thread_{name}"))
        for name in ("Event", "Barrier", "Condition"):
            setattr(obs_threading, name, getattr(ctx, f"thread_{name}"))
        twins = {id(time): obs_time, id(time.sleep): ctx.sleep, id(threading): obs_threading}
        for name in ("Thread", "Lock", "RLock", "Semaphore", "BoundedSemaphore"):
            twins[id(getattr(threading, name))] = getattr(obs_threading, name)
        for name in ("Event", "Barrier", "Condition"):
            twins[id(getattr(threading, name))] = getattr(obs_threading, name)
        return twins

    @contextlib.contextmanager
    def installed(self, method: str | None = None) -> Iterator[None]:
        """Swap the watched modules' names for their twins, and capture ``print``."""
        twins = self.twins(method)
        undo = []
        for module in (sys.modules.get(m) for m in self.modules):
            for name, value in list(vars(module).items() if module else []):
                twin = twins.get(id(value))
                if twin is not None:
                    undo.append((module, name, value))
                    setattr(module, name, twin)
        stdout = sys.stdout
        sys.stdout = _Lines(self.rec)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stdout = stdout
            for module, name, value in undo:
                setattr(module, name, value)


class _ObservedProcess:
    """Mixed into each start method's Process: records start, run, exit and join."""

    _observation: Observation

    def start(self) -> None:
        self._observation.rec.write("start", self.name)
        super().start()

    def run(self) -> None:
        obs = self._observation
        with obs.installed(self._start_method):
            obs.rec.write("run", self.name, "begin")
            try:
                super().run()
            except BaseException as e:
                obs.rec.write("raise", self.name, value=f"{type(e).__name__}: {e}")
                raise
            finally:
                obs.rec.write("run", self.name, "end")

    def join(self, timeout: float | None = None) -> None:
        with self._observation.rec.span("join", self.name):
            super().join(timeout)


def _observed_class(base: type) -> type:
    # Named like its base (processes are named after their class: ForkProcess-1), and
    # found by its qualified name when pickled under spawn and forkserver.
    qualname = f"Observed{base.__name__}"
    cls = type(base.__name__, (_ObservedProcess, base), {"__module__": __name__})
    cls.__qualname__ = qualname
    globals()[qualname] = cls
    return cls


PROCESS_CLASSES = {
    m: _observed_class(type(multiprocessing.get_context(m).Process()))
    for m in multiprocessing.get_all_start_methods()
}


class _ObservedThread(threading.Thread):
    _observation: Observation

    def start(self) -> None:
        self._observation.rec.write("start", f"{multiprocessing.current_process().name}/{self.name}")
        super().start()

    def run(self) -> None:
        with self._observation.rec.span("run", lane_name()):
            super().run()

    def join(self, timeout: float | None = None) -> None:
        lane = f"{multiprocessing.current_process().name}/{self.name}"
        with self._observation.rec.span("join", lane):
            super().join(timeout)


class ObservedContext:
    """A multiprocessing context whose primitives record what happens to them."""

    def __init__(self, observation: Observation, method: str | None = None):
        self.observation = observation
        self.real = multiprocessing.get_context(method)
        self.rec = observation.rec

    def get_start_method(self) -> str:
        return self.real.get_start_method()

    def __getattr__(self, attr):  # cpu_count, active_children, ...
        return getattr(self.real, attr)

    def Process(self, *args, **kwargs):
        p = PROCESS_CLASSES[self.real.get_start_method()](*args, **kwargs)
        p._observation = self.observation
        return p

    def _lock(self, real, kind):
        return Lock(real, self.rec, _name(kind))

    def Lock(self):
        return self._lock(self.real.Lock(), "Lock")

    def RLock(self):
        return self._lock(self.real.RLock(), "RLock")

    def Semaphore(self, value: int = 1):
        return self._lock(self.real.Semaphore(value), "Semaphore")

    def BoundedSemaphore(self, value: int = 1):
        return self._lock(self.real.BoundedSemaphore(value), "BoundedSemaphore")

    def Event(self):
        return Waitable(self.real.Event(), self.rec, _name("Event"))

    def Barrier(self, parties: int, action=None, timeout=None):
        return Waitable(self.real.Barrier(parties, action, timeout), self.rec, _name("Barrier"))

    def Condition(self, lock=None):
        return Waitable(self.real.Condition(lock), self.rec, _name("Condition"))

    def Queue(self, maxsize: int = 0):
        return Queue(self.real.Queue(maxsize), self.rec, _name("Queue"))

    def Pipe(self, duplex: bool = True):
        name = _name("Pipe")
        a, b = self.real.Pipe(duplex)
        return Connection(a, self.rec, f"{name}.0"), Connection(b, self.rec, f"{name}.1")

    def Value(self, typecode, *args, lock=True):
        real = self.real.Value(typecode, *args, lock=lock)
        return Shared(real, self.rec, _name("Value")) if lock else real

    def Array(self, typecode, size_or_init, *, lock=True):
        real = self.real.Array(typecode, size_or_init, lock=lock)
        return Shared(real, self.rec, _name("Array")) if lock else real

    def Pool(self, processes=None, initializer=None, initargs=(), maxtasksperchild=None):
        real = self.real.Pool(
            processes, _install_in_worker, (self.observation, initializer, initargs),
            maxtasksperchild,
        )
        return Pool(real, self.rec, _name("Pool"))

    def sleep(self, seconds: float) -> None:
        with self.rec.span("sleep", value=seconds):
            time.sleep(seconds)

    # threading's counterparts, for listings that use threads
    def thread_Thread(self, *args, **kwargs):
        t = _ObservedThread(*args, **kwargs)
        t._observation = self.observation
        return t

    def thread_Lock(self):
        return self._lock(threading.Lock(), "Lock")

    def thread_RLock(self):
        return self._lock(threading.RLock(), "RLock")

    def thread_Semaphore(self, value: int = 1):
        return self._lock(threading.Semaphore(value), "Semaphore")

    def thread_BoundedSemaphore(self, value: int = 1):
        return self._lock(threading.BoundedSemaphore(value), "BoundedSemaphore")

    def thread_Event(self):
        return Waitable(threading.Event(), self.rec, _name("Event"))

    def thread_Barrier(self, parties: int, action=None, timeout=None):
        return Waitable(threading.Barrier(parties, action, timeout), self.rec, _name("Barrier"))

    def thread_Condition(self, lock=None):
        return Waitable(threading.Condition(lock), self.rec, _name("Condition"))


_worker_installed: list = []


def _install_in_worker(observation: Observation, initializer, initargs) -> None:
    """A pool worker's initializer: observe its printing and sleeping for its lifetime."""
    cm = observation.installed(mp_context._default_context.get_start_method())
    cm.__enter__()
    _worker_installed.append(cm)  # kept until the worker exits
    if initializer is not None:
        initializer(*initargs)


class Observed:
    """The outcome of an observed run: what ``main`` returned and the timeline."""

    def __init__(self, result: Any, timeline: Timeline):
        self.result, self.timeline = result, timeline


def observe(listing: types.ModuleType, method: str | None = None, **kwargs) -> Observed:
    """Run ``listing.main(ctx=<observed>, **kwargs)`` and return its result and timeline."""
    with recording() as rec:
        obs = Observation(rec, (listing.__name__,))
        with obs.installed(method):
            result = listing.main(ctx=ObservedContext(obs, method), **kwargs)
        return Observed(result, rec.timeline())

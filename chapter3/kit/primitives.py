"""The observed primitives: real locks, queues, pipes, shared values and pools, wrapped
so that each call is recorded on the run's timeline (see :mod:`chapter3.kit.observe`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chapter3.kit.observe import Observation

worker: list = []  # in a pool worker: its observation, and the installation kept open


class _Wrapped:
    """A real primitive; every attribute the wrapper does not define passes through."""

    def __init__(self, real, obs: Observation, kind: str, name: str | None = None):
        self._real, self._obs, self.name = real, obs, name or obs.name(kind)

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
        item = None
        try:
            item = self._real.get(block, timeout)
            return item
        finally:  # also when it gives up (queue.Empty): the span ends, carrying nothing
            self._obs.write("get", self.name, "end", item)


class Joinable(Queue):
    """A ``queue.Queue`` between threads: also ``task_done`` (an instant) and ``join`` (a
    span, until every item put is done)."""

    def task_done(self) -> None:
        self._obs.write("task_done", self.name)
        self._real.task_done()

    def join(self) -> None:
        with self._obs.span("join", self.name):
            self._real.join()


class Connection(_Wrapped):
    """One end of a pipe: ``send`` is an instant, ``recv`` a span ending with the object."""

    def send(self, obj) -> None:
        self._obs.write("send", self.name, value=obj)
        self._real.send(obj)

    def recv(self):
        self._obs.write("recv", self.name, "begin")
        obj = None
        try:
            obj = self._real.recv()
            return obj
        finally:
            self._obs.write("recv", self.name, "end", obj)


class Shared(_Wrapped):
    """Value or Array: reads and writes pass through; its lock is observed."""

    def get_lock(self) -> Lock:
        return Lock(self._real.get_lock(), self._obs, "Lock", f"{self.name}.lock")

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
    """A pool task: the function, run in a ``task`` span by the worker that takes it. The
    span is named after the function and the pool method that handed it over
    (``calculator via map_async``): two methods may hand over the same arguments.

    It carries no observation (tasks cross a queue, where locks may not go): the worker
    uses the one its initializer installed."""

    def __init__(self, func, via: str):
        self.func = func
        self.name = f"{getattr(func, '__name__', 'task')} via {via}"

    def __call__(self, *args, **kwargs):
        with worker[0].span("task", self.name, args or kwargs):
            return self.func(*args, **kwargs)


class Applied(Task):
    """An ``apply`` task: its ``args`` arrive as given and are spread here, inside the
    span, so a bad ``args`` fails as in a plain pool (``calculator() argument after *
    must be an iterable, not int``)."""

    def __call__(self, args, kwds):
        with worker[0].span("task", self.name, args or kwds):
            return self.func(*args, **kwds)


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
        task = Applied(func, "apply_async")
        return self._real.apply_async(task, (args, kwds or {}), {}, self._callback(callback),
                                      error_callback)  # fmt: skip

    def map_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        task = Task(func, "map_async")
        return self._real.map_async(task, iterable, chunksize, self._callback(callback),
                                    error_callback)  # fmt: skip

    def apply(self, func, args=(), kwds=None):
        return self._real.apply(Applied(func, "apply"), (args, kwds or {}))

    def map(self, func, iterable, chunksize=None):
        return self._real.map(Task(func, "map"), iterable, chunksize)

    def join(self) -> None:
        with self._obs.span("join", self.name):
            self._real.join()

    def __enter__(self):
        self._real.__enter__()
        return self

    def __exit__(self, *exc):
        return self._real.__exit__(*exc)

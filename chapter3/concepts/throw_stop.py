"""CPython can raise an exception in another thread: ``PyThreadState_SetAsyncExc``, a C
function no Python API offers, reached here with ``ctypes``. It only marks the thread,
which raises the exception the next time it runs bytecode: a thread computing in Python
at once, a thread blocked in ``lock.acquire`` (C code) only when that call returns.
"""

import ctypes
import threading
import time
from gettext import gettext as _


class Stop(Exception):
    """The exception one thread throws into another."""


def throw(thread, exc):
    ident, exc = ctypes.c_ulong(thread.ident), ctypes.py_object(exc)
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(ident, exc)  # threads marked: 1


def compute(deadline, out):
    try:
        while time.monotonic() < deadline:
            sum(range(1_000))  # Python bytecode all the time
    except Stop:
        out["compute"] = time.monotonic()


def wait_for(lock, patience, out):
    try:
        lock.acquire(timeout=patience)  # C code: no bytecode runs until it returns
    except Stop:
        out["wait"] = time.monotonic()


def main(patience=2.0, deadline=60.0, settle=0.1):
    out, lock = {}, threading.Lock()
    lock.acquire()  # held by the main thread: the other thread's acquire must wait
    busy = threading.Thread(target=compute, args=(time.monotonic() + deadline, out))
    blocked = threading.Thread(target=wait_for, args=(lock, patience, out))
    for name, t in (("compute", busy), ("wait", blocked)):
        t.start()
        time.sleep(settle)  # time for it to get going: computing, or into acquire
        out[name + "_thrown"] = time.monotonic()
        throw(t, Stop)
        t.join(timeout=60)
        if name in out:
            print(_("%s：抛出 %.3f 秒后引发了 Stop") % (name, out[name] - out[name + "_thrown"]))
    lock.release()
    return out


if __name__ == "__main__":
    main()

"""Claims of §3.4.2 about Example 3-12: one global, seen by every thread of the process."""

from __future__ import annotations

import os

import pytest

from chapter3.kit.listing import observe
from chapter3.kit.observe import speaking
from chapter3.process_communication import ex3_03_globals
from chapter3.process_communication.test_shared import children_saw
from chapter3.thread_communication import ex3_12_globals, same_name, thread_local


@pytest.mark.claim("example-3-12-globals-shared")
def test_threads_share_the_global():
    run = observe(ex3_12_globals.main)
    assert run.result == [20, 120]  # what the main thread read after each join
    tl = run.timeline
    first, second = [s for s in tl.spans("run")]
    reads = tl.of("print", lane="MainProcess")
    assert first.end < reads[0].t < second.start < second.end < reads[1].t  # one after the other
    _ = ex3_12_globals._  # the listing's gettext: its lines in Chinese, as the chapter prints
    with speaking("zh"):
        chapter = [
            _("worker_1，share_num=%d") % 20,
            _("%s 结束后，主线程读到 share_num=%d") % ("worker_1", 20),
            _("worker_2，share_num=%d") % 120,
            _("%s 结束后，主线程读到 share_num=%d") % ("worker_2", 120),
        ]
    assert tl.printed() == chapter  # the chapter's 20 / 20 / 120 / 120


@pytest.mark.claim("threads-versus-processes-globals")
def test_same_workers_in_processes_share_nothing(ctx):
    # Example 3-3 (§3.3.2): each child sees only its own part, the parent none of it
    assert children_saw(ctx) == [20, 100]
    assert observe(ex3_03_globals.main, ctx.get_start_method()).result == [0, 0]
    assert observe(ex3_12_globals.main).result == [20, 120]


@pytest.mark.claim("example-3-12-one-process-main-thread")
def test_the_reader_is_the_main_thread_of_the_only_process():
    tl = observe(ex3_12_globals.main).timeline
    assert {e.pid for e in tl} == {os.getpid()}  # workers and reader: one process
    assert tl.of("started") == []  # no process was started
    workers = [s.lane for s in tl.spans("run")]
    assert len(workers) == 2 and all(w.startswith("MainProcess/") for w in workers)
    assert len(tl.printed("MainProcess")) == 2  # the reads after the joins: the main thread


@pytest.mark.claim("example-3-12-needs-import-threading")
def test_listing_needs_import_threading():
    only_the_class = "from threading import Thread\nthreading.Thread(target=print)\n"
    with pytest.raises(NameError, match="'threading' is not defined"):
        exec(only_the_class, {})
    exec("import threading\nthreading.Thread(target=print)\n", {})  # fixed: runs


@pytest.mark.claim("same-name-needs-global")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_without_global_the_name_is_local():
    run = observe(same_name.main)
    assert run.result == {"local": 20, "global": 0}  # a local of that name; the global: 0
    (raised,) = run.timeline.of("raise")
    forgot = run.timeline.spans("run")[0].lane  # the first thread: share_num += 20
    assert raised.lane == forgot and raised.value.startswith("UnboundLocalError")


@pytest.mark.claim("thread-local-per-thread")
def test_thread_local_attribute_is_per_thread():
    run = observe(thread_local.main, n=4)
    assert run.result == {"saw": {f"t{i}": f"t{i}" for i in range(4)}, "main_has_it": False}
    tl = run.timeline
    waits = tl.spans("wait", "Barrier-1")
    assert len(waits) == 4  # every thread read back only after all four had written
    assert max(s.start for s in waits) < min(e.t for e in tl.of("print") if "/" in e.lane)

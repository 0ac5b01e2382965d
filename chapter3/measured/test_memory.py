"""Claims of §3.6 on moving data: shared memory against a queue, and the lifetime rules
of shared-memory segments. Each test checks that it leaves nothing in /dev/shm."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from book.pytest_plugin import SHM_WATCH
from chapter3.kit import program
from chapter3.measured import segment_manager, segment_stranger, shared_array

ROOT = Path(__file__).resolve().parents[2]
SHM = Path("/dev/shm")
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="segments are files in /dev/shm")


@pytest.fixture
def segments(request):
    """The shared-memory segments a test made in this process: it must leave none behind.
    (Only its own: tests of other pytest-xdist workers make theirs meanwhile. Those its
    programs make in other processes, each test checks by name.)"""
    watch = request.config.stash[SHM_WATCH]
    first = len(watch.names)
    yield
    left = [f for f in watch.leaked(first) if f.startswith("psm_")]
    assert not left, f"segments left in /dev/shm: {left}"


@pytest.mark.claim("measured-shared-memory-is-shared")
def test_a_child_writes_into_the_parent_s_array_only_through_shared_memory(ctx, segments):
    run = shared_array.main(megabytes=1, ctx=ctx)
    assert run["child_saw"] == (2.0, 2.0)  # the child doubled both ...
    assert run["parent_sees"] == (1.0, 2.0)  # ... the parent's array sent by queue unchanged


@pytest.mark.exclusive
@pytest.mark.claim("measured-shared-memory-no-copy")
def test_100_mib_reach_a_child_far_faster_in_shared_memory_than_through_a_queue(segments):
    runs = [shared_array.main(megabytes=100) for _ in range(2)]
    queue = min(r["queue"] for r in runs)
    shared = min(r["shared_memory"] for r in runs)
    assert queue > 10 * shared, runs  # 100-1000 times here: nothing is copied


@linux_only
@pytest.mark.claim("measured-killed-creator-leaves-the-segment")
def test_a_killed_creator_s_segment_stays_until_the_resource_tracker_removes_it(ctx, segments):
    method = ctx.get_start_method()
    run, stderr = program.unobserved("measured.segment_killed", method)  # to its exit
    assert run["exitcode"] != 0  # killed before it could unlink
    if method != "fork":  # the child shared the parent's tracker: it waited for the parent
        assert run["there_after_kill"], run
    assert not (SHM / run["name"]).exists()  # removed once the program ended ...
    assert "leaked shared_memory objects" in stderr, stderr  # ... with a warning


@linux_only
@pytest.mark.claim("measured-manager-removes-its-segments")
def test_a_shared_memory_manager_removes_its_segments_when_its_block_ends(ctx, segments):
    run = segment_manager.main(ctx=ctx)
    assert run["seen"] == 42 and run["inside"], run  # the child wrote into the segment
    assert not run["after"] and not (SHM / run["name"]).exists(), run


@linux_only
@pytest.mark.claim("measured-stranger-removes-the-segment")
def test_an_unrelated_program_that_attaches_removes_the_segment_when_it_exits(segments):
    run = segment_stranger.main()
    assert run["read"] == "42"  # it attached and read the creator's byte ...
    assert not run["there_after"], run  # ... and its resource tracker removed the segment
    assert "leaked shared_memory objects" in run["warned"], run


CLOSE_UNDER_A_VIEW = """
import numpy as np
from multiprocessing import shared_memory
segment = shared_memory.SharedMemory(create=True, size=2**20)
print(segment.name, flush=True)
view = np.ndarray((2**17,), dtype=np.float64, buffer=segment.buf)
view[0] = 1.0
segment.close()  # no error: NumPy let go of the buffer once the view was made
segment.unlink()
value = view[0]  # at once: nothing mapped at that address since
print("read", value, flush=True)
"""


@linux_only
@pytest.mark.claim("measured-view-outlives-close")
def test_closing_a_segment_under_a_numpy_view_succeeds_and_the_view_then_crashes(segments):
    done = subprocess.run([sys.executable, "-c", CLOSE_UNDER_A_VIEW], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    (name,) = done.stdout.splitlines()  # it never got to print what it read ...
    assert done.returncode == -signal.SIGSEGV, done  # ... the view pointed at unmapped memory
    assert "Error" not in done.stderr, done.stderr  # close() raised nothing
    assert not (SHM / name).exists()  # unlinked before the crash

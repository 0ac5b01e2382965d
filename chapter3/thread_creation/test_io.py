"""Claims of §3.4 about what threads are good for: waiting for I/O, and starting cheaply."""

from __future__ import annotations

import os

import pytest

from chapter3.kit.listing import observe
from chapter3.thread_creation import creation_cost, fetch_pages

PAGES, LATENCY = 8, 0.1


@pytest.mark.claim("threads-speed-up-io-bound-work")
@pytest.mark.claim("gil-serialises-bytecode-not-threads")
def test_fetching_pages_in_threads_overlaps_the_waits():
    run = observe(fetch_pages.main, pages=PAGES, latency=LATENCY)
    got, tl = run.result, run.timeline
    assert got["same"], got
    # One after another, each page costs at least the server's latency: a hard lower bound.
    assert got["in_turn"] >= PAGES * LATENCY, got
    # In threads the waits overlap: ideal ~LATENCY; well under half of the sequential time.
    assert got["in_threads"] < got["in_turn"] / 2, got
    waits = tl.spans("sleep")  # the server's latency, one span per request it answered
    assert len(waits) == 2 * PAGES and tl.high_water("sleep") >= 2, waits
    # Every page of the second round was fetched in a thread of its own, in this process.
    fetchers = [s for s in tl.spans("run") if s.lane.endswith(" (fetch)")]
    assert len({s.lane for s in fetchers}) == PAGES, fetchers
    assert {s.pid for s in fetchers} == {os.getpid()}
    assert sum(w.overlaps(f) for w in waits for f in fetchers) >= PAGES


@pytest.mark.exclusive
@pytest.mark.claim("thread-creation-overhead-smaller")
def test_a_batch_of_threads_starts_much_faster_than_a_batch_of_processes(ctx):
    run = observe(creation_cost.main, ctx.get_start_method(), n=8, repeat=3)
    starts = [e.obj for e in run.timeline.of("start")]
    threads = [s for s in starts if s.startswith("MainProcess/")]
    assert len(threads) == 8 * 3 and len(starts) - len(threads) == 8 * 3 + 1, starts
    # Measured here: ~20-40x with fork, several hundred times with spawn and forkserver.
    assert run.result["processes"] / run.result["threads"] > 5, run.result

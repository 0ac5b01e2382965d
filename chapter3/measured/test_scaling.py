"""Claims of §3.6 on speed: what the machine can do in parallel, Amdahl's law, and
what a pool's tasks and a process's start cost. Timing claims, so each runs with the
CPUs to itself (``exclusive``) and compares ratios with wide margins."""

from __future__ import annotations

import multiprocessing

import pytest

from chapter3.concepts import start_cost
from chapter3.measured import amdahl, ceiling, chunksize, heavy_main, uneven

CPUS = ceiling.cpus()
two_cpus = pytest.mark.skipif(CPUS < 2, reason="needs at least two CPUs")


@two_cpus
@pytest.mark.exclusive
@pytest.mark.claim("measured-parallel-ceiling")
def test_busy_programs_side_by_side_finish_about_when_one_alone_does():
    run = ceiling.main(work=6_000_000, rounds=2)
    assert run["copies"] == CPUS
    # One per CPU: not much slower than one alone (ideal: ceiling = CPUs; two
    # hyper-threads of one core would give about 0.8 of it) ...
    assert 0.7 * CPUS < run["ceiling"] < 1.15 * CPUS, run
    # ... and far from running one after another (ceiling 1).
    assert run["together"] < 0.7 * CPUS * run["alone"], run


@two_cpus
@pytest.mark.exclusive
@pytest.mark.claim("measured-amdahl-bound")
def test_a_serial_half_caps_the_speed_up_as_amdahl_says_and_the_fit_finds_it():
    half = amdahl.main(serial=0.5, work=8_000_000, most=2 * CPUS)
    none = amdahl.main(serial=0.0, work=8_000_000, most=CPUS)
    s = half["speedups"]
    bound = 1 / (0.5 + 0.5 / CPUS)  # 1.33 with two CPUs
    assert 1.1 < s[CPUS] < 1.1 * bound, half  # near the bound, never well above it
    assert abs(half["fitted"] - 0.5) < 0.15, half  # the fit finds the serial half
    # More workers than CPUs: no faster.
    assert max(s[n] for n in s if n > CPUS) < 1.15 * s[CPUS], half
    # Nothing serial: close to one worker per CPU (a wide margin for the pool's costs).
    assert none["speedups"][CPUS] > 0.7 * CPUS, none
    assert none["fitted"] < 0.15, none


@pytest.mark.exclusive
@pytest.mark.claim("measured-chunksize-one-is-slow")
def test_tiny_tasks_one_by_one_cost_far_more_than_in_chunks():
    seconds = chunksize.main(tasks=20_000)
    assert seconds["1"] > 5 * seconds["None"], seconds  # 40-80 times here


@pytest.mark.claim("measured-imap-unordered-first")
def test_imap_unordered_hands_back_short_tasks_while_map_waits_for_the_long_one(ctx):
    run = uneven.main(long=1.0, short=0.05, tasks=8, ctx=ctx)
    first_length, first_at = run["imap_unordered"][0]
    assert run["map"] >= 1.0  # map: nothing before the long task is done
    assert first_length == 0.05 and first_at < 0.5, run  # a short one, long before
    assert run["imap_unordered"][-1][0] == 1.0, run  # the long one comes last


@pytest.mark.exclusive
@pytest.mark.claim("measured-spawn-pays-the-imports")
def test_a_spawned_child_pays_again_for_what_its_module_imports():
    spawn = multiprocessing.get_context("spawn")
    heavy = heavy_main.main(spawn, n=3)["process_s"]
    light = start_cost.main(spawn, n=3)["process_s"]
    assert heavy > 2 * light, (heavy, light)  # numpy imported again by each child
    if "fork" in multiprocessing.get_all_start_methods():
        fork = multiprocessing.get_context("fork")  # a copy: nothing is imported again
        assert heavy_main.main(fork, n=3)["process_s"] < heavy / 3

"""§3.6 Measured: how fast, how far it scales, and what moving data costs.

Each module here, apart from the ``test_*`` modules, is one complete program a student
can copy and run: ``python -m chapter3.measured.amdahl``. The tests check their claims
as ratios with wide margins, with the CPUs to themselves; the exact figures, and the
plots of the page, come from the benchmark commands (``benchmarks.scaling``,
``benchmarks.moving_data``, ``benchmarks.pool_costs``).

``QUICK`` holds each program's short settings (the site's runs, ``--quick``). This file
imports nothing: spawned children import it.
"""

QUICK = {
    "ceiling": {"work": 2_000_000, "rounds": 1},
    "amdahl": {"work": 10_000_000, "most": 4},
    "shared_array": {"megabytes": 16},
    "segment_killed": {},
    "segment_stranger": {},
    "segment_manager": {},
    "chunksize": {"tasks": 10_000},
    "uneven": {"long": 0.5},
    "heavy_main": {"n": 3},
}

#: Runs about speed: the site captures them with the CPUs to themselves.
TIMED = ("ceiling", "amdahl", "shared_array", "chunksize", "heavy_main")

#: Their processes get a plain context, not the book's recording one: what they
#: measure is speed, and recording every task would change it.
UNOBSERVED = ("amdahl", "shared_array", "chunksize", "uneven", "heavy_main")

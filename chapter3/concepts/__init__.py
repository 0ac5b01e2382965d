"""§3.1–3.2 Processes and threads: the concepts, each shown by a small program.

The chapter prints no program in these sections; each module here, apart from the
``test_*`` modules, is one of the book's own, a complete program a student can copy
and run: ``python -m chapter3.concepts.same_program``. The book observes them from
outside (``chapter3.kit``); the ``test_*`` modules state the section's claims on what
it sees and on what each program's ``main()`` returns.

``QUICK`` holds each program's short settings (the site's runs, ``--quick``). This file
imports nothing: spawned children import it.
"""

QUICK = {
    "same_program": {},
    "parallel_vs_pinned": {"work": 1_000_000},
    "process_states": {"samples": 20, "settle": 0.2},
    "zombie": {},
    "threads_in_a_process": {},
    "preemptive_threads": {},
    "stop_politely": {},
    "throw_stop": {"patience": 0.5},
    "gil": {"n": 500_000, "megabytes": 32},
    "start_cost": {"n": 10},
    "deadlock": {"patience": 1.0, "dump_after": 0.2},
    "numpy_threads": {"n": 1000, "size": 10_000_000},
}

#: Runs about timing (how fast, how parallel, how often switched): the site captures
#: them with the CPUs to themselves when it is built inside a test run.
TIMED = (
    "parallel_vs_pinned",
    "process_states",
    "gil",
    "start_cost",
    "numpy_threads",
    "preemptive_threads",
)

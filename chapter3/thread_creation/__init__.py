"""§3.4 Threads in Python and §3.4.1 creating a thread (Example 3-11).

Each module here, apart from the ``test_*`` modules, is one complete program a student
can copy and run: ``python -m chapter3.thread_creation.ex3_11_counter`` runs Example 3-11.
``ex3_11_counter`` is the chapter's example; the others are the book's own programs
for the statements of §3.4: what a thread is to the Linux kernel (``kernel_threads``),
the GIL (``gil_status``, ``gil_threads``, ``cpu_bound``, ``ready_together``), I/O
(``fetch_pages``), the cost of creating (``creation_cost``), and a thread beside a
process (``thread_misuse``, ``process_misuse``, ``args_without_comma``, ``thread_ids``,
``daemon_at_exit``).
The book observes them from outside (``chapter3.kit``): in a listing's module the names
``threading`` and ``time`` are swapped for recording twins; the ``test_*`` modules
state the section's claims on what it sees.

``QUICK`` holds each program's short settings (the site's runs, ``--quick``). This file
imports nothing: spawned children import it.
"""

QUICK = {
    "ex3_11_counter": {},
    "kernel_threads": {"warm": 0.05},
    "gil_status": {},
    "gil_threads": {"work": 300_000, "megabytes": 1},
    "cpu_bound": {"work": 300_000},
    "ready_together": {"samples": 60},
    "fetch_pages": {"pages": 8, "latency": 0.05},
    "creation_cost": {"n": 8, "repeat": 2},
    "thread_misuse": {},
    "process_misuse": {},
    "args_without_comma": {},
    "thread_ids": {"n": 3},
    "daemon_at_exit": {},
}

#: Runs about timing (how fast threads and processes are): the site captures them with
#: the CPUs to themselves when it is built inside a test run.
TIMED = ("cpu_bound", "creation_cost", "gil_threads", "fetch_pages")

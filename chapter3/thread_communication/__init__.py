"""§3.4.2 Communication between threads: one memory, shared by every thread.

Example 3-12 runs Example 3-3's two workers in threads instead of processes and finds
the global variable shared. The programs here show that, what sharing costs (a
read-modify-write can lose updates; a lock cures it), and the chapter's closing remark:
semaphores, locks, queues and producer–consumer work for threads too, with
``threading`` and ``queue`` — and where threads and processes differ (objects are passed,
not copied; nothing is pickled; a ``threading.Lock`` stays in its process).

Each module here, apart from the ``test_*`` modules, is one complete program:
``python -m chapter3.thread_communication.ex3_12_globals`` runs Example 3-12. The book
observes them from outside (``chapter3.kit``): in a listing's module it swaps
``threading``, ``queue`` and ``time`` for recording twins. ``QUICK`` holds each program's
short settings, ``VARIANTS`` other settings of the same program. This file imports
nothing: spawned children import it.
"""

QUICK = {
    "ex3_12_globals": {},
    "same_name": {},
    "thread_local": {},
    "lost_update": {"pause": 0.1},
    "race_survey": {"runs": 10},
    "semaphore_threads": {"hold": 0.05},
    "lock_ownership": {},
    "bounded_queue": {"patience": 0.05},
    "queue_join": {},
    "buns_in_threads": {"buns": 3, "make": 0.01, "eat": 0.02},
    "stuck_producers": {},
    "pipes": {},
    "same_object": {},
    "no_pickling": {},
    "pickling_needed": {"patience": 0.2},
    "lock_in_a_child": {},
    "lock_at_fork": {"patience": 0.2},
    "bad_input": {},
    "queue_bad_input": {},
}

VARIANTS = {
    "lost_update@locked": {"locked": True},
}

#: Runs about timing (how often threads lose updates, which depends on who else runs):
#: the site captures them with the CPUs to themselves when it is built inside a test
#: run.
TIMED = ("race_survey",)

"""§3.3.4 Asynchronous work: process pools (``multiprocessing.Pool``), their results and
callbacks, and ``concurrent.futures.ProcessPoolExecutor`` beside them.

Each module here, apart from the ``test_*`` modules, is one complete program a student
can copy and run: ``python -m chapter3.process_pool.ex3_10_async_pool`` runs Example 3-10
at the chapter's settings. ``ex3_10_async_pool`` is the chapter's example; the others
are the book's own. The book observes them from outside (``chapter3.kit``: each task
a ``task`` span in its worker's lane, each callback a ``callback`` instant in the thread
that runs it); the ``test_*`` modules state the section's claims on what it sees.

``QUICK`` holds each program's short settings (the site's runs, ``--quick``);
``VARIANTS`` names other settings of the same program, run as
``process_pool.<program>@<variant>``. This file imports nothing: spawned children
import it.
"""

QUICK = {
    "ex3_10_async_pool": {},
    "without_join": {"work": 0.5},
    "pool_size": {},
    "who_runs_what": {},
    "apply_vs_apply_async": {},
    "map_order": {},
    "sync_vs_async": {"processes": 3, "tasks": 3, "seconds": 0.1},
    "get_timeout": {"timeout": 0.2, "work": 0.5},
    "task_error": {},
    "pool_misuse": {},
    "lambda_task": {},
    "with_exit": {"work": 1.0},
    "args_comma": {},
    "callbacks": {},
    "callback_order": {},
    "slow_callback": {"slow": 0.6, "check": 0.3},
    "failing_callback": {"check": 0.3},
    "executor_work": {},
    "executor_callbacks": {},
    "executor_task_error": {},
    "executor_callback_error": {},
    "executor_with": {"seconds": 0.1},
    "executor_cancel": {"seconds": 0.3},
}

VARIANTS = {
    "ex3_10_async_pool@without_get": {"use_get": False},
    "without_join@join": {"join": True},
    "pool_size@one_cpu": {"one_cpu": True},
    "who_runs_what@maxtasksperchild_1": {"tasks": 4, "maxtasksperchild": 1},
    "who_runs_what@chunks_of_3": {"chunksize": 3, "maxtasksperchild": 1},
    "with_exit@close_first": {"close_first": True, "work": 0.1},
}

#: Runs about timing (how long the pool takes): the site captures them with the CPUs to
#: themselves when it is built inside a test run.
TIMED = ("sync_vs_async", "pool_size")

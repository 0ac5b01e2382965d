"""§3.3.2 Inter-process communication: globals are not shared; shared memory (Value,
Array), pipes and queues are.

Each module here, apart from the ``test_*`` modules, is one complete program a student
can copy and run: ``python -m chapter3.process_communication.ex3_05_pipe`` runs
Example 3-5 at the chapter's settings. Programs named ``ex3_*`` are the chapter's
examples; the others are the book's own. The book observes them from outside
(``chapter3.kit``); the ``test_*`` modules state the section's claims on what it sees.

``QUICK`` holds each program's short settings (the site's runs, ``--quick``);
``VARIANTS`` names other settings of the same program, run as
``process_communication.<program>@<variant>``. This file imports nothing: spawned
children import it.
"""

QUICK = {
    "ex3_03_globals": {},
    "ex3_04_shared": {},
    "no_join": {"pause": 0.05, "look": 0.2},
    "lost_update": {"pause": 0.1},
    "ex3_05_pipe": {"pause": 0.05},
    "pipe_duplex": {},
    "pipe_one_way": {},
    "pipe_messages": {},
    "pipe_eof": {"patience": 0.3},
    "pipe_full": {"size": 4 << 20, "wait": 0.3},
    "two_writers": {},
    "ex3_06_queue": {"first": 0.3, "second": 0.15},
    "queue_bounded": {"wait": 0.3},
    "queue_copies": {},
    "join_before_get": {"wait": 0.3},
}

VARIANTS = {
    "ex3_03_globals@start_7": {"start": 7},
    "no_join@at_once": {"look": 0},
    "lost_update@locked": {"locked": True},
    "pipe_eof@kept_open": {"close_mine": False},
    "join_before_get@cancel": {"cancel": True},
}

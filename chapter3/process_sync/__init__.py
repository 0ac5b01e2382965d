"""§3.3.3 Process synchronisation: semaphores, locks, producer–consumer, and the classic
models the chapter names (readers–writers, dining philosophers).

Each module here, apart from the ``test_*`` modules, is one complete program a student
can copy and run: ``python -m chapter3.process_sync.ex3_07_semaphore`` runs Example 3-7
at the chapter's settings. Programs named ``ex3_*`` are the chapter's examples (``*_as_printed``
and ``*_calls_itself``: as the chapter printed them); the others are the book's own.
The book observes them from outside (``chapter3.kit``); the ``test_*`` modules state
the section's claims on what it sees.

``QUICK`` holds each program's short settings (the site's runs, ``--quick``);
``VARIANTS`` names other settings of the same program, run as
``process_sync.<program>@<variant>``; ``STOP_AFTER``, how long the book lets a program
whose children never end run on before it stops them. This file imports nothing: spawned
children import it.
"""

QUICK = {
    "ex3_07_semaphore": {"hold": (0.05, 0.15)},
    "ex3_07_calls_itself": {"hold": (0.01, 0.02)},
    "semaphore_count": {"settle": 0.2},
    "over_release": {},
    "holder_dies": {"patience": 0.3},
    "holder_killed": {"patience": 0.3},
    "ex3_08_lock": {},
    "ex3_08_pieces": {"pause": 0.05},
    "lock_overtaking": {"rounds": 5, "settle": 0.05, "hold": 0.05},
    "lock_reentry": {"patience": 0.2},
    "lock_owner": {},
    "ex3_09_buns": {"make": (0.01, 0.03), "chew": (0.05, 0.1)},
    "ex3_09_as_printed": {"make": (0.01, 0.03), "chew": (0.05, 0.1), "patience": 60},
    "readers_writers": {"read": 0.1, "write": 0.05},
    "philosophers_naive": {"eat": 0.05, "patience": 0.3},
    "philosophers_ordered": {"eat": 0.05},
    "philosophers_waiter": {"eat": 0.05},
}

VARIANTS = {
    "ex3_07_semaphore@three_permits": {"permits": 3, "workers": 6},
    "holder_dies@with": {"guard": "with"},
    "ex3_08_pieces@no_lock": {"use_lock": False},
    "ex3_09_buns@buffer_10": {"size": 10},
    "ex3_09_as_printed@buffer_10": {"size": 10},
}

#: Seconds the book waits, once ``main`` has returned, before it stops the children of a
#: listing that never ends by itself (the default is 5): 例 3-9 as printed never does.
STOP_AFTER = {"ex3_09_as_printed": 1.0}

"""§3.3.1 Creating and starting processes: ``Process``, ``start()``, ``join()``
(Examples 3-1 and 3-2).

Each module here, apart from the ``test_*`` modules, is one complete program a student
can copy and run: ``python -m chapter3.process_creation.ex3_01_one_child`` runs Example
3-1 at the chapter's settings. Programs named ``ex3_*`` are the chapter's examples
(``ex3_01_as_printed``: as the chapter printed it, with no ``__main__`` guard;
``ex3_01_no_join``: the chapter's second run, without ``join()``); the others are the
book's own. The book observes them from outside (``chapter3.kit``); some claims are about
a whole program — its exit, its missing guard, ``python -O``, a main process killed —
and those tests run the program in a fresh interpreter (``chapter3.kit.program``).

``QUICK`` holds each program's short settings (the site's runs, ``--quick``);
``VARIANTS`` names other settings of the same program; ``WHOLE``, the runs the site
shows as whole programs (``chapter3.kit.program``); ``AS_MAIN`` and ``STOP_AFTER``, how
the book runs the few that need it. This file imports nothing:
spawned children import it.
"""

QUICK = {
    "ex3_01_one_child": {"seconds": 0.3},
    "ex3_01_as_printed": {},  # run as a program (AS_MAIN): the chapter's 5 s, paced
    "ex3_01_no_join": {"seconds": 0.3},
    "hello": {},
    "start_join": {"work": 0.3, "timeout": 0.1},
    "misuse": {},
    "args_comma": {},
    "lambda_target": {},
    "notebook_target": {},
    "parent_of_child": {},
    "orphan": {"work": 0.1, "patience": 0.3},
    "ex3_02_some_children": {"naps": [0.3, 0.1, 0.2, 0.1, 0.3]},
    "finish_order": {"work": [0.25, 0.1, 0.2, 0.05, 0.15]},
}

VARIANTS = {
    "ex3_01_no_join@daemon": {"daemon": True},
}

#: Runs the site shows as whole programs, each in a fresh interpreter: what they show is
#: what the interpreter does after the program's last line (join or terminate a child).
WHOLE = ("ex3_01_no_join", "ex3_01_no_join@daemon")

#: Programs without the guard, which run when imported: the book runs them as ``python -m``
#: would, their children sleeping this fraction of what they ask (0.06 × 5 s = 0.3 s).
AS_MAIN = {"ex3_01_as_printed": 0.06}

#: Seconds the book waits, once ``main`` has returned, before it stops the children of a
#: listing whose children never end by themselves (default 5).
STOP_AFTER = {"orphan": 0.5}

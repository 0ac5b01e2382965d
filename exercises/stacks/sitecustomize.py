"""Put on ``PYTHONPATH`` by the exercises' checker only: every Python process of the
student's program (children under every start method included) dumps the stacks of all
its threads to ``$EXERCISE_STACKS/<pid>.txt`` when sent SIGUSR1, so that a program that
hangs can be told where it waits."""

import faulthandler
import os
import signal

_files = []  # the open dump files, kept alive for faulthandler


def _listen() -> None:
    path = os.path.join(os.environ["EXERCISE_STACKS"], f"{os.getpid()}.txt")
    _files.append(open(path, "w"))  # noqa: SIM115 - open for the process's whole life
    faulthandler.register(signal.SIGUSR1, file=_files[-1], all_threads=True)


if os.environ.get("EXERCISE_STACKS") and hasattr(signal, "SIGUSR1"):
    _listen()
    os.register_at_fork(after_in_child=_listen)  # a forked child: its own file

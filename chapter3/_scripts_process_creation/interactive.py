"""A target defined in the main module itself.

Run as python -c "$(cat interactive.py)" METHOD, the main module has no file,
as in a notebook or a REPL.
"""

import json
import multiprocessing
import sys


def work() -> None:
    pass


if __name__ == "__main__":
    child = multiprocessing.get_context(sys.argv[1]).Process(target=work)
    child.start()
    child.join(30)
    print(json.dumps({"exitcode": child.exitcode}))

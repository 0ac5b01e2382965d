"""例 3-1 without join(), as a whole program.

python no_join.py METHOD TIMELINE NAME SECONDS normal|daemon

The program is chapter3.process_creation.no_join_program. This file only
registers, before multiprocessing is imported, a hook that runs after every
other exit handler, so the timeline can show what the interpreter does after
the program's last line.
"""

import atexit
import sys

RUN_LAST: list = []
HOOKS_FIRST = "multiprocessing.util" not in sys.modules
if __name__ == "__main__":
    atexit.register(lambda: [hook() for hook in RUN_LAST])  # registered first: runs last

from chapter3.process_creation import no_join_program  # noqa: E402

if __name__ == "__main__":
    no_join_program(sys.argv[1:], RUN_LAST, HOOKS_FIRST)

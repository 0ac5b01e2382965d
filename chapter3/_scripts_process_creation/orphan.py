"""A main process that starts a child, reports the PIDs and waits to be killed.

python orphan.py METHOD TIMELINE RESULT STOP normal|daemon
"""

import sys

from chapter3.process_creation import orphan_program

if __name__ == "__main__":
    orphan_program(sys.argv[1:])

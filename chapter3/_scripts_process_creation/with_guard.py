"""The program of no_guard.py, behind the __main__ guard.

python with_guard.py METHOD TIMELINE
"""

import sys

from chapter3.process_creation import guard_program

if __name__ == "__main__":
    guard_program(sys.argv[1:])

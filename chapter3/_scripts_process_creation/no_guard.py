"""A program that starts a process at its top level, WITHOUT the __main__ guard.

python no_guard.py METHOD TIMELINE — compare with_guard.py, the same program
with the guard.
"""

import sys

from chapter3.process_creation import guard_program

guard_program(sys.argv[1:])

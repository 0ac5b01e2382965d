"""Misuse Process in a fresh interpreter and print what happened, as JSON.

python [-O] misuse.py METHOD — under -O, Python drops every assert statement.
"""

import json
import multiprocessing
import sys

from chapter3.process_creation import args_without_comma, misuse

if __name__ == "__main__":
    ctx = multiprocessing.get_context(sys.argv[1])
    report = {"misuse": vars(misuse(ctx)), "args": vars(args_without_comma(ctx))}
    print(json.dumps(report))

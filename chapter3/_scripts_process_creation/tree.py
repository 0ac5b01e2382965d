"""Print, as JSON, the Python processes of a one-child program: python tree.py METHOD"""

import json
import sys

from chapter3.process_creation import tree_program

if __name__ == "__main__":
    print(json.dumps(tree_program(sys.argv[1])))

"""``python -m book.capture module:function``: a quick real run of one example, as JSON.

The site runs each example in a fresh interpreter, so that no start method or
thread of the MkDocs process leaks into what the example shows.
"""

import json
import sys

from chapter3.runner import capture

if __name__ == "__main__":
    if len(sys.argv) != 2 or ":" not in sys.argv[1]:
        sys.exit("usage: python -m book.capture module:function")
    json.dump(capture(sys.argv[1]), sys.stdout, ensure_ascii=False)

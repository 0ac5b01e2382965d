"""The smallest program: one child runs ``greet("Python")``, the main process waits for it."""

import multiprocessing
from gettext import gettext as _


def greet(name):
    print(_("你好 %s") % name)


def main(ctx=multiprocessing, name="Python"):
    child = ctx.Process(target=greet, args=(name,))  # the comma makes args a tuple
    child.start()
    child.join(timeout=60)
    return {"child": child.pid, "exitcode": child.exitcode}


if __name__ == "__main__":
    main()

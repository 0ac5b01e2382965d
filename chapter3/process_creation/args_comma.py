"""``args`` needs a tuple: ``("Python",)``. Without the comma, ``("Python")`` is a string
and ``(5)`` an integer, since parentheses alone make no tuple.

``Process`` turns ``args`` into ``tuple(args)``: a string becomes one argument per letter,
and the child fails; an integer is not iterable, and ``Process`` itself fails, in the
main process. Any iterable will do: a list is fine.
"""

import multiprocessing
from gettext import gettext as _


def greet(name):
    print(_("你好 %s") % name)


def main(ctx=multiprocessing):
    out = {}
    for label, args in [("('Python')", ("Python")), ("['Python']", ["Python"])]:
        p = ctx.Process(target=greet, args=args)
        p.start()  # returns normally either way
        p.join(timeout=60)
        print(_("args=%s：子进程的退出码 %s") % (label, p.exitcode))
        out[label] = p.exitcode
    try:
        ctx.Process(target=greet, args=(5))  # the missing comma is the point
    except TypeError as e:
        out["(5)"] = f"TypeError: {e}"
        print(_("args=(5)：父进程中 %s") % out["(5)"])
    return out


if __name__ == "__main__":
    main()

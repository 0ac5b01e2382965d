"""A target defined in the main module, run where the main module has no file: a
notebook cell, the interactive interpreter, ``python -c``.

Under fork the child has everything already. Under spawn and forkserver it must import
the target by module and name; a main module with no file cannot be imported again, so
the child fails to find ``work``. Put such targets in a ``.py`` module and import them.
"""

import multiprocessing
from gettext import gettext as _


def work():
    print(_("子进程里的 work() 运行了"))


def main(ctx=multiprocessing):
    p = ctx.Process(target=work)
    p.start()
    p.join(timeout=60)
    print(_("子进程的退出码：%s") % p.exitcode)
    return {"exitcode": p.exitcode}


if __name__ == "__main__":
    main()

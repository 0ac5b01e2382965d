"""A lambda as ``target``: fine under fork; spawn and forkserver must pickle the target
to send it to a new interpreter, and a lambda cannot be pickled."""

import multiprocessing
from gettext import gettext as _


def main(ctx=multiprocessing):
    p = ctx.Process(target=lambda: print(_("lambda 在子进程中运行")))
    try:
        p.start()
    except Exception as e:
        print(_("start() 失败：%s") % f"{type(e).__name__}: {e}")
        return {"start": f"{type(e).__name__}: {e}", "exitcode": None}
    p.join(timeout=60)
    return {"start": "no error", "exitcode": p.exitcode}


if __name__ == "__main__":
    main()

"""The same name is not the same variable: without ``global``, a thread's function that
assigns to ``share_num`` has a local of that name. ``share_num += 20`` then reads a local
that has no value yet (the thread dies of ``UnboundLocalError``, printed on stderr);
``share_num = 20`` makes a new local. Either way the global stays as it was."""

import threading
from gettext import gettext as _

share_num = 0


def forgot_global():
    share_num += 20  # noqa: F823, F841 — assigned here, so local here: UnboundLocalError


def shadows(out):
    share_num = 20  # a new local that happens to have the global's name
    out["local"] = share_num


def main():
    out = {}
    for function, args in ((forgot_global, ()), (shadows, (out,))):
        t = threading.Thread(target=function, args=args)
        t.start()
        t.join(timeout=60)
    print(_("同名的局部变量 share_num=%d，全局的 share_num=%d") % (out["local"], share_num))
    return {**out, "global": share_num}


if __name__ == "__main__":
    main()

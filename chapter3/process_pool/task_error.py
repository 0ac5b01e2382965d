"""A task that raises does not crash its worker: the exception travels back, and
``get()`` raises it in the main process; ``error_callback`` receives it."""

import multiprocessing
from gettext import gettext as _


def fail(x):
    raise ValueError(f"bad input {x}")


def fail_on_two(x):
    return fail(x) if x == 2 else x * x * x


def main(ctx=multiprocessing):
    out = {"callbacks": [], "errors": []}
    with ctx.Pool(2) as pool:
        workers = sorted(p.pid for p in ctx.active_children())
        hooks = {"callback": out["callbacks"].append, "error_callback": out["errors"].append}
        failed = pool.apply_async(fail, (1,), **hooks)
        mapped = pool.map_async(fail_on_two, [1, 2, 3], **hooks)
        for name, pending in (("apply_async", failed), ("map_async", mapped)):
            try:
                pending.get(timeout=60)
            except ValueError as e:  # the worker's traceback comes along as its __cause__
                out[name] = (f"{type(e).__name__}: {e}", str(e.__cause__))
                print(_("%s 的 get() 抛出 %s") % (name, out[name][0]))
        out["after"] = pool.map_async(fail_on_two, [1, 3]).get(timeout=60)
        print(_("之后进程池照常工作：%s") % out["after"])
        out["same_workers"] = sorted(p.pid for p in ctx.active_children()) == workers
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    out["successful"] = failed.successful()
    return out


if __name__ == "__main__":
    main()

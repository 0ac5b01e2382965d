"""A pool sends its tasks to the workers pickled, by name: a lambda cannot go. The call
itself does not fail; ``get()`` does — under fork too."""

import multiprocessing
from gettext import gettext as _


def main(ctx=multiprocessing):
    with ctx.Pool(1) as pool:
        pending = pool.apply_async(lambda x: x * x, (3,))
        print(_("apply_async() 没有报错"))
        try:
            pending.get(timeout=60)
            error = None
        except Exception as e:  # pickling failed in the pool's task thread
            error = f"{type(e).__name__}: {e}"
        print(_("get() 抛出 %s") % error)
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    return {"error": error}


if __name__ == "__main__":
    main()

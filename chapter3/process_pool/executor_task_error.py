"""A task's exception under ``ProcessPoolExecutor`` stays in its future: ``exception()``
returns it, ``result()`` raises it (with the worker's traceback as its ``__cause__``)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from gettext import gettext as _


def fail(x):
    raise ValueError(f"bad input {x}")


def main(ctx=multiprocessing):
    with ProcessPoolExecutor(1, mp_context=ctx) as executor:
        failed = executor.submit(fail, 1)
        kept = failed.exception(timeout=60)  # the exception, kept in the future
        try:
            failed.result(timeout=60)
        except ValueError as e:
            raised, cause = f"{type(e).__name__}: {e}", str(e.__cause__)
            print(_("result() 抛出 %s") % raised)
    return {"raised": raised, "cause": cause, "exception": f"{type(kept).__name__}: {kept}"}


if __name__ == "__main__":
    main()

"""What a pool says to the common mistakes: ``ValueError`` at once, in the caller."""

import multiprocessing
from gettext import gettext as _


def main(ctx=multiprocessing):
    errors = {}

    def attempt(mistake, call):
        try:
            call()
        except ValueError as e:
            errors[mistake] = f"ValueError: {e}"
            print(_("%s：%s") % (mistake, errors[mistake]))

    attempt("Pool(0)", lambda: ctx.Pool(0))
    attempt("Pool(1, maxtasksperchild=0)", lambda: ctx.Pool(1, maxtasksperchild=0))
    with ctx.Pool(1) as pool:
        attempt("join() before close()", pool.join)
        pool.close()
        attempt("apply_async() after close()", lambda: pool.apply_async(abs, (-1,)))
        attempt("map() after close()", lambda: pool.map(abs, [-1]))
        pool.join()
    attempt("apply() after terminate()", lambda: pool.apply(abs, (-1,)))  # `with` ended it
    return errors


if __name__ == "__main__":
    main()

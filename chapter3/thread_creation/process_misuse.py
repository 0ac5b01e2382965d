"""The same mistakes made with a Process: ``Process`` checks with ``assert``."""

import multiprocessing


def idle():
    pass


def error_of(action):
    try:
        action()
    except AssertionError as e:  # what Process raises; python -O strips these checks
        return f"AssertionError: {e}"
    return "no error"


def main(ctx=multiprocessing):
    p, errors = ctx.Process(target=idle), {}
    errors["join before start"] = error_of(p.join)
    p.start()
    p.join(timeout=60)
    errors["start twice"] = error_of(p.start)
    errors["daemon after start"] = error_of(lambda: setattr(p, "daemon", True))
    for what, error in errors.items():
        print(f"Process, {what} → {error}")
    return errors


if __name__ == "__main__":
    main()

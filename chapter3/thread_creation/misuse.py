"""The same mistakes made with a Thread and with a Process, and what each one raises."""

import multiprocessing
import threading


def idle():
    pass


def error_of(action):
    try:
        action()
    except Exception as e:  # AssertionError too: that is what Process raises
        return f"{type(e).__name__}: {e}"
    return "no error"


def set_daemon(worker):
    worker.daemon = True


def join_itself(seen):
    seen.append(error_of(threading.current_thread().join))


def mistakes(worker):
    errors = {"join before start": error_of(worker.join)}
    worker.start()
    worker.join(timeout=60)
    errors["start twice"] = error_of(worker.start)
    errors["daemon after start"] = error_of(lambda: set_daemon(worker))
    return errors


def main(ctx=multiprocessing):
    thread, seen = mistakes(threading.Thread(target=idle)), []
    selfish = threading.Thread(target=join_itself, args=(seen,))
    selfish.start()
    selfish.join(timeout=60)
    thread["join itself"] = seen[0]
    process = mistakes(ctx.Process(target=idle))
    for kind, errors in [("Thread", thread), ("Process", process)]:
        for what, error in errors.items():
            print(f"{kind}, {what} → {error}")
    return {"thread": thread, "process": process}


if __name__ == "__main__":
    main()

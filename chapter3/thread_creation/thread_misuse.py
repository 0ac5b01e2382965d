"""Four mistakes made with a Thread, and what each one raises."""

import threading


def idle():
    pass


def error_of(action):
    try:
        action()
    except RuntimeError as e:
        return f"RuntimeError: {e}"
    return "no error"


def join_itself(seen):
    seen.append(error_of(threading.current_thread().join))


def main():
    t, errors, seen = threading.Thread(target=idle), {}, []
    errors["join before start"] = error_of(t.join)
    t.start()
    t.join(timeout=60)
    errors["start twice"] = error_of(t.start)
    errors["daemon after start"] = error_of(lambda: setattr(t, "daemon", True))
    selfish = threading.Thread(target=join_itself, args=(seen,))
    selfish.start()
    selfish.join(timeout=60)
    errors["join itself"] = seen[0]
    for what, error in errors.items():
        print(f"Thread, {what} → {error}")
    return errors


if __name__ == "__main__":
    main()

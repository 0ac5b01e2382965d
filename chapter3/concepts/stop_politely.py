"""A thread cannot be killed from outside: ``threading.Thread`` has no ``terminate()``
or ``kill()``. The way to end one is to ask it, and let it return.
"""

import threading
from gettext import gettext as _


def loop(stop):
    while not stop.wait(0.01):  # does its work, and looks at the flag between steps
        pass


def main():
    stop = threading.Event()
    t = threading.Thread(target=loop, args=(stop,))
    t.start()
    stop.set()  # please stop
    t.join(timeout=60)
    print(_("线程自己结束了：%s") % (not t.is_alive()))
    return not t.is_alive()


if __name__ == "__main__":
    main()

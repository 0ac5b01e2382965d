"""``threading.local()``: one object, and in each thread its own set of attributes.

Every thread writes its name into ``slot.owner``, waits at a barrier until all of them
have written, then reads it back: each finds its own name, none the others'.
"""

import threading
from gettext import gettext as _


def write_then_read(slot, everybody, saw):
    me = threading.current_thread().name
    slot.owner = me
    everybody.wait(timeout=60)  # by now every thread has set slot.owner
    saw[me] = slot.owner
    print(_("%s 读到 slot.owner=%s") % (me, slot.owner))


def main(n=3):
    slot, everybody, saw = threading.local(), threading.Barrier(n), {}
    threads = [
        threading.Thread(target=write_then_read, args=(slot, everybody, saw), name=f"t{i}")
        for i in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    mine = hasattr(slot, "owner")
    print(_("主线程有 slot.owner 吗？%s") % mine)
    return {"saw": saw, "main_has_it": mine}


if __name__ == "__main__":
    main()

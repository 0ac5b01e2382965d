"""Send a list to a thread through ``queue.Queue``, and to a process through ``ctx.Queue``;
each appends ``"touched"`` and sends it back. The thread gets the very object; the process
a copy (pickled on the way there, and again on the way back)."""

import multiprocessing
import queue
import threading
from gettext import gettext as _


def touch(inbox, outbox):
    item = inbox.get(timeout=60)
    item.append("touched")
    outbox.put(item, timeout=60)


def main(ctx=multiprocessing):
    out = {}
    for kind, Queue, Worker in (("thread", queue.Queue, threading.Thread),
                                ("process", ctx.Queue, ctx.Process)):  # fmt: skip
        sent, inbox, outbox = ["bun"], Queue(), Queue()
        w = Worker(target=touch, args=(inbox, outbox))
        w.start()
        inbox.put(sent, timeout=60)
        back = outbox.get(timeout=60)
        w.join(timeout=60)
        print(_("%s：同一个对象 %s，原列表 %s，送回的 %s") % (kind, back is sent, sent, back))
        out[kind] = {"same": back is sent, "sent": sent, "back": back}
    return out


if __name__ == "__main__":
    main()

"""``threading`` has no ``Pipe``. Between two threads, ``multiprocessing.Pipe()`` works
(what it carries is pickled: an equal copy arrives) and so does ``os.pipe()`` (bytes)."""

import multiprocessing
import os
import threading
from gettext import gettext as _


def main(ctx=multiprocessing):
    (a, b), sent = ctx.Pipe(), {"bun": 1}
    t = threading.Thread(target=a.send, args=(sent,))
    t.start()
    got = b.recv() if b.poll(60) else None
    t.join(timeout=60)
    r, w = os.pipe()
    t = threading.Thread(target=os.write, args=(w, "包子".encode()))
    t.start()
    t.join(timeout=60)
    data = os.read(r, 1024)  # written whole before we read: no waiting
    for end in (a, b):
        end.close()
    os.close(r)
    os.close(w)
    copy = got == sent and got is not sent
    print(_("Pipe 送来一个副本：%s；os.pipe 读到的字节：%r") % (copy, data))
    return {"has_pipe": hasattr(threading, "Pipe"), "copy": copy, "bytes": data}


if __name__ == "__main__":
    main()

"""A pipe keeps each message whole and in order: objects with ``send()``, byte strings
with ``send_bytes()``, short and long alike."""

import multiprocessing
from gettext import gettext as _

MESSAGES = [0, "", [1, 2, 3], {"key": "value"}, None, "x" * 100_000, (4, 5)]
RAW = [b"", b"ab", b"c" * 70_000]  # 70,000 bytes: more than an OS pipe holds at once


def send_all(conn, messages, raw):
    for m in messages:
        conn.send(m)
    for b in raw:
        conn.send_bytes(b)


def main(ctx=multiprocessing, messages=MESSAGES, raw=RAW):
    mine, theirs = ctx.Pipe()
    p = ctx.Process(target=send_all, args=(theirs, messages, raw))
    p.start()
    got = [mine.recv() for _m in messages if mine.poll(60)]
    got_raw = [mine.recv_bytes() for _b in raw if mine.poll(60)]
    p.join(timeout=60)
    same = got == list(messages) and got_raw == list(raw)
    print(_("收到 %d 个对象和 %d 段字节，和发出的一样：%s") % (len(got), len(got_raw), same))
    return {"got": got, "raw": got_raw}


if __name__ == "__main__":
    main()

"""Two processes write on the same end of a pipe, a long message and a short one: the
reader may get their bytes mixed.

A long message goes into the pipe in several writes, and the other writer's bytes can
land between two of them. Lengths read from the middle of a message are nonsense:
``maxlength`` makes them an error instead of a wait for bytes that never come.
"""

import multiprocessing
from gettext import gettext as _


def write(conn, data):
    conn.send_bytes(data)


def main(ctx=multiprocessing, size=1 << 20):
    reader, writer = ctx.Pipe(duplex=False)
    long_msg, short_msg = b"L" * size, b"short message"
    procs = [ctx.Process(target=write, args=(writer, m)) for m in (long_msg, short_msg)]
    for p in procs:
        p.start()
    got = []
    try:
        while len(got) < 2 and reader.poll(60):
            got.append(reader.recv_bytes(maxlength=size))
    except OSError as e:  # a "length" read from the middle of a message
        got.append(f"OSError: {e}")
    for p in procs:
        p.join(timeout=60)
    intact = long_msg in got and short_msg in got
    spliced = any(isinstance(m, bytes) and short_msg in m and m != short_msg for m in got)
    print(_("两条消息都完好：%s；短消息夹在长消息中间：%s") % (intact, spliced))
    return {"intact": intact, "spliced": spliced}


if __name__ == "__main__":
    main()

"""A one-way pipe, ``Pipe(duplex=False)``: which end does what, and what the other use
raises."""

import multiprocessing
from gettext import gettext as _


def main(ctx=multiprocessing):
    reader, writer = ctx.Pipe(duplex=False)  # (receiving end, sending end), in this order
    writer.send("hello")
    out = {"reader.recv()": reader.recv() if reader.poll(60) else None}
    for name, call in [("reader.send()", lambda: reader.send("x")), ("writer.recv()", writer.recv)]:
        try:
            call()
            out[name] = "no error"
        except OSError as e:
            out[name] = f"OSError: {e}"
    for name, what in out.items():
        print(_("%s：%s") % (name, what))
    return out


if __name__ == "__main__":
    main()

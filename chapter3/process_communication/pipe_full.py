"""Nobody receives: a message larger than the pipe's buffer keeps ``send_bytes()``
waiting until the other end reads."""

import multiprocessing
from gettext import gettext as _


def send_big(conn, size):
    conn.send_bytes(b"x" * size)  # far more than the OS buffer holds
    print(_("子进程：send_bytes() 返回了"))


def main(ctx=multiprocessing, size=16 << 20, duplex=True, wait=0.5):
    reader, writer = ctx.Pipe(duplex)
    p = ctx.Process(target=send_big, args=(writer, size))
    p.start()
    p.join(timeout=wait)  # nobody receives meanwhile
    sending = p.is_alive()
    print(_("%s 秒没人接收，子进程还在发送：%s") % (wait, sending))
    got = len(reader.recv_bytes()) if reader.poll(60) else 0
    p.join(timeout=60)
    print(_("主进程收到 %d 字节") % got)
    return {"still_sending": sending, "received": got}


if __name__ == "__main__":
    main()

"""Exercise 7 · 练习 7: who speaks first.

The child answers each message with the same text in capitals. The program never ends:
fix it so that it prints "reply HELLO".
子进程把收到的消息改成大写发回来。程序永远结束不了：改好它，让它打印 "reply HELLO"。
"""

import multiprocessing


def echo(conn):
    request = conn.recv()
    conn.send(request.upper())


def main():
    here, there = multiprocessing.Pipe()
    p = multiprocessing.Process(target=echo, args=(there,))
    p.start()
    reply = here.recv()
    here.send("hello")
    print("reply", reply)
    p.join()


if __name__ == "__main__":
    main()

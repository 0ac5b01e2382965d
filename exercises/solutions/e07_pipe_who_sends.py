"""Exercise 7, solved: both ends waited to receive first; the main process sends, then
waits for the reply."""

import multiprocessing


def echo(conn):
    request = conn.recv()
    conn.send(request.upper())


def main():
    here, there = multiprocessing.Pipe()
    p = multiprocessing.Process(target=echo, args=(there,))
    p.start()
    here.send("hello")
    reply = here.recv()
    print("reply", reply)
    p.join()


if __name__ == "__main__":
    main()

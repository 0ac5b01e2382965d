"""I/O-bound work: fetching pages one after another, then each in a thread of its own.

The pages come from a real HTTP server on 127.0.0.1 that answers each request after
``latency`` seconds (standing in for the network and a far server). Any HTTP proxy set
in the environment is bypassed.
"""

import threading
import time
import urllib.request
from gettext import gettext as _
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class PageServer(ThreadingHTTPServer):
    request_queue_size = 64  # socketserver's 5 can drop a burst of connections


class SlowPage(BaseHTTPRequestHandler):
    def do_GET(self):  # each request is logged on standard error
        time.sleep(self.server.latency)  # the network and the far server, simulated
        self.send_response(200)
        self.end_headers()
        self.wfile.write(f"page {self.path}".encode())


def fetch(url, pages, i):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 direct
    with opener.open(url, timeout=60) as response:
        pages[i] = response.read().decode()  # a thread's return value would be lost


def main(pages=8, latency=0.2):
    server = PageServer(("127.0.0.1", 0), SlowPage)
    server.latency = latency
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    urls = [f"http://127.0.0.1:{server.server_port}/page/{i}" for i in range(pages)]
    one_by_one, at_once, start = [None] * pages, [None] * pages, time.perf_counter()
    for i, url in enumerate(urls):
        fetch(url, one_by_one, i)
    in_turn = time.perf_counter() - start
    threads = [threading.Thread(target=fetch, args=(u, at_once, i)) for i, u in enumerate(urls)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    in_threads = time.perf_counter() - start
    print(_("%d 页：依次抓取 %.2f 秒，每页一个线程 %.2f 秒") % (pages, in_turn, in_threads))
    server.shutdown()  # serve_forever returns
    server.server_close()  # and the threads that answered are joined
    return {"in_turn": in_turn, "in_threads": in_threads, "same": one_by_one == at_once}


if __name__ == "__main__":
    main()

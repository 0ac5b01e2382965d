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
    def do_GET(self):
        time.sleep(self.server.latency)  # the network and the far server, simulated
        self.server.served.append(self.path)
        body = f"page {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # no line on stderr per request
        pass


def fetch(url, pages=None, i=None):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=60) as response:
        page = response.read().decode()
    if pages is not None:
        pages[i] = page  # a thread's return value is lost: it leaves the page here
    return page


def main(pages=8, latency=0.2):
    server = PageServer(("127.0.0.1", 0), SlowPage)
    server.latency, server.served = latency, []
    threading.Thread(target=server.serve_forever, args=(0.05,), name="server").start()
    host, port = server.server_address[:2]
    urls = [f"http://{host}:{port}/page/{i}" for i in range(pages)]
    try:
        start = time.perf_counter()
        one_by_one = [fetch(url) for url in urls]
        in_turn = time.perf_counter() - start
        print(_("依次抓取 %d 页：%.2f 秒") % (pages, in_turn))
        at_once, start = [None] * pages, time.perf_counter()
        threads = [threading.Thread(target=fetch, args=(url, at_once, i), name=f"fetch-{i}")
                   for i, url in enumerate(urls)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        in_threads = time.perf_counter() - start
        print(_("%d 个线程同时抓取：%.2f 秒") % (pages, in_threads))
    finally:
        server.shutdown()  # serve_forever returns; the server thread ends
        server.server_close()  # and the threads that answered are joined
    return {"in_turn": in_turn, "in_threads": in_threads, "same": one_by_one == at_once,
            "served": len(server.served)}  # fmt: skip


if __name__ == "__main__":
    main()

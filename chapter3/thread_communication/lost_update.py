"""Two threads each add 1 to a balance: read it, take a moment, write what they read + 1.

If both read before either writes, both write 1: one deposit is lost. Holding a lock
from the read to the write (``locked=True``) keeps the second thread out until the first
has written; then it reads 1 and writes 2.
"""

import contextlib
import threading
import time
from gettext import gettext as _


def deposit(account, lock, pause, reads):
    with lock or contextlib.nullcontext():  # no lock: nothing keeps the other out
        seen = reads[threading.current_thread().name] = account["balance"]  # read ...
        time.sleep(pause)  # ... the other thread may run here ...
        account["balance"] = seen + 1  # ... write


def main(locked=False, pause=0.5):
    account, reads, lock = {"balance": 0}, {}, threading.Lock() if locked else None
    threads = [threading.Thread(target=deposit, args=(account, lock, pause, reads)) for _i in "AB"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    print(
        _("两个线程读到 %s；两次存入 1 之后，余额是 %d")
        % (sorted(reads.values()), account["balance"])
    )
    return {"reads": reads, "balance": account["balance"]}


if __name__ == "__main__":
    main()

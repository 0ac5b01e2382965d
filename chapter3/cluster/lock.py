"""The lost update of §3.3 on a cluster, and its fix: tasks on different workers add to
one balance kept by the scheduler (a ``distributed.Variable``); a ``distributed.Lock``
makes each read-and-write one step."""

import contextlib
import time
import uuid
from gettext import gettext as _

from distributed import Client, Lock, Variable


def deposit(times, account, locked, nap):
    balance, lock = Variable(account), Lock(f"{account}-lock")
    for _n in range(times):
        with lock if locked else contextlib.nullcontext():
            seen = balance.get(timeout=30)
            time.sleep(nap)  # the slow bank's computer
            balance.set(seen + 1)


def main(address=None, tasks=2, times=20, nap=0.01):
    ends = {}
    with Client(address) as client:
        for locked in (False, True):
            account = f"balance-{uuid.uuid4().hex}"
            Variable(account).set(0)
            client.gather(client.map(deposit, [times] * tasks, account=account, locked=locked,
                                     nap=nap, pure=False))  # fmt: skip
            ends[locked] = Variable(account).get(timeout=30)
            Variable(account).delete()
            word = _("加锁") if locked else _("不加锁")
            print(_("{w}：余额 {b}，应为 {want}").format(w=word, b=ends[locked],
                                                       want=tasks * times))  # fmt: skip
    return {"unlocked": ends[False], "locked": ends[True], "expected": tasks * times}


if __name__ == "__main__":
    main()

"""Workers created in one order run at the same time and finish in another.

The workers first meet at a barrier of ``workers`` parties, which only opens once all of
them are alive at once; then each works ``work[i]`` seconds and says it is done. The
finish order follows the work, not the order of creation, start or ``join()``.
"""

import multiprocessing
import time
from gettext import gettext as _


def worker(num, everyone, work):
    everyone.wait(timeout=60)  # passes only when every worker is there
    time.sleep(work)
    print(_("Worker %s 完成") % num)


def main(ctx=multiprocessing, work=(0.5, 0.2, 0.4, 0.1, 0.3)):
    everyone = ctx.Barrier(len(work))
    jobs = [ctx.Process(target=worker, args=(i, everyone, w)) for i, w in enumerate(work)]
    for p in jobs:
        p.start()
    print("wait joining...")
    for p in jobs:
        p.join(timeout=max(work) + 60)
    print(_("程序结束!"))
    return [p.exitcode for p in jobs]


if __name__ == "__main__":
    main()

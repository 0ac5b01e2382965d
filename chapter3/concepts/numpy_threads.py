"""Which numpy operations use more than one thread? Count the threads of this process
that used the CPU during a matrix product, and during an element-wise square root.
"""

from gettext import gettext as _

import numpy as np
import psutil


def cpu_per_thread():
    return {t.id: t.user_time + t.system_time for t in psutil.Process().threads()}


def busy_threads(work, min_cpu=0.02):
    before = cpu_per_thread()
    work()
    after = cpu_per_thread()
    return sum(after[t] - before.get(t, 0.0) >= min_cpu for t in after)


def main(n=1500, size=60_000_000):
    rng = np.random.default_rng(0)
    a, big = rng.random((n, n)), rng.random(size)
    elementwise = busy_threads(lambda: np.sqrt(big))  # first: BLAS threads spin on after a product
    a @ a  # warm-up: the BLAS library starts its threads
    matmul = busy_threads(lambda: a @ a @ a @ a)
    print(_("矩阵乘法用了 %d 个线程，逐元素开平方用了 %d 个") % (matmul, elementwise))
    return {"matmul": matmul, "elementwise": elementwise}


if __name__ == "__main__":
    main()

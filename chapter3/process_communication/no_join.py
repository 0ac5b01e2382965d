"""Reading shared memory without waiting for the writer: what the main process sees
depends on how far the child has got.

The child writes the Value, then negates the Array one element at a time, pausing after
each write (the slow part of its work). The main process reads after ``look`` seconds
and joins only afterwards. With ``look=0`` it usually sees the initial values; a little
later, half of the array; later still, everything.
"""

import multiprocessing
import time
from gettext import gettext as _


def write_slowly(num, arr, pause):
    num.value = 3.1415927
    for i in range(len(arr)):
        arr[i] = -arr[i]
        time.sleep(pause)


def main(ctx=multiprocessing, size=10, pause=0.1, look=0.35):
    num, arr = ctx.Value("d", 0.0), ctx.Array("i", range(size))
    p = ctx.Process(target=write_slowly, args=(num, arr, pause))
    p.start()
    time.sleep(look)  # no join before reading
    seen = {"value": num.value, "array": arr[:]}
    print(_("没有等子进程：共享变量 = %s，共享数组 = %s") % (seen["value"], seen["array"]))
    p.join(timeout=60)
    return seen


if __name__ == "__main__":
    main()

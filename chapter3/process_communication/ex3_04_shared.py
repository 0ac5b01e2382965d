"""Example 3-4: a Value and an Array in shared memory, written by a child, read by the
main process once the child has ended."""

import multiprocessing
from gettext import gettext as _


def negate(num, arr):
    num.value = 3.1415927
    for i in range(len(arr)):
        arr[i] = -arr[i]


def main(ctx=multiprocessing, size=10):
    num = ctx.Value("d", 0.0)  # "d": one C double, 0.0 to begin with
    arr = ctx.Array("i", range(size))  # "i": C ints, 0 ... size-1
    p = ctx.Process(target=negate, args=(num, arr))
    p.start()
    p.join(timeout=60)  # wait until the child has written everything
    print(_("共享变量的值 = %s") % num.value)
    print(_("共享数组的值 = %s") % arr[:])
    return {"value": num.value, "array": arr[:]}


if __name__ == "__main__":
    main()

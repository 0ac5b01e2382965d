"""The pool's result thread takes the results as they come: the callbacks of
``apply_async`` run in the order the tasks finish, not the order they were given."""

import multiprocessing
from gettext import gettext as _


def calculator(x):
    return x * x * x


def main(ctx=multiprocessing, inputs=(1, 2, 3)):
    order = []

    def callback(value):
        order.append(value)
        print(_("回调收到 %s") % value)

    with ctx.Pool(len(inputs)) as pool:
        waiting = [pool.apply_async(calculator, (x,), callback=callback) for x in inputs]
        for pending in waiting:
            pending.wait(timeout=60)
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    return order


if __name__ == "__main__":
    main()

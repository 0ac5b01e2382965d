"""``map_async`` gives its results in the order of its inputs, whatever order the tasks
finish in; its callback is called once, with the whole list."""

import multiprocessing
from gettext import gettext as _


def calculator(x):
    print(_("%s 计算 %s 的立方") % (multiprocessing.current_process().name, x))
    return x * x * x


def main(ctx=multiprocessing, inputs=(1, 2, 3)):
    seen = []
    with ctx.Pool(len(inputs)) as pool:
        values = pool.map_async(calculator, inputs, callback=seen.append).get(timeout=60)
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    print(_("map_async 的结果：%s") % values)
    return {"values": values, "callbacks": seen}


if __name__ == "__main__":
    main()

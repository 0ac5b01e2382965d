"""Example 3-10, corrected: three ``apply_async`` calls and one ``map_async`` on ``Pool(4)``.

The first two tasks hand their results to a callback, the third is asked for its value
with ``get()``; then ``map_async`` sends all three inputs at once and its callback gets
the whole list. The callbacks run in this process (in the pool's result thread), the
tasks in the pool's worker processes — processes, not threads. ``main(use_get=False)``
is the chapter's second run, with the ``get()`` line commented out.
"""

import multiprocessing
from gettext import gettext as _


def calculator(x):
    print(_("%s 计算 %s 的立方") % (multiprocessing.current_process().name, x))
    return x * x * x


def callback_print(result):  # keep it short: it holds up every other result
    print(_("回调函数收到结果：%s") % (result,))


def main(ctx=multiprocessing, tasks=(1, 2, 3), processes=4, use_get=True):
    pool = ctx.Pool(processes)
    print("apply_async:")
    pool.apply_async(calculator, args=(tasks[0],), callback=callback_print)
    pool.apply_async(calculator, args=(tasks[1],), callback=callback_print)
    result = pool.apply_async(calculator, args=(tasks[2],))
    third = result.get(timeout=60) if use_get else None  # waits (the chapter: 1 s)
    if use_get:
        print(_("没有回调，get() 取回：%s") % third)
    print("map_async:")
    pool.map_async(calculator, tasks, callback=callback_print)
    pool.close()  # no new tasks from here on
    pool.join()  # waits for the tasks given and for their callbacks
    return {"third": third}


if __name__ == "__main__":
    main()

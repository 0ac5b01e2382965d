"""What travels through a queue is a copy: a child changes the record it got, and the
main process's record stays as it was."""

import multiprocessing
from gettext import gettext as _


def annotate(inbox, outbox):
    record = inbox.get(timeout=60)
    record["seen_by"].append("child")  # changes the child's copy only
    outbox.put(record)


def main(ctx=multiprocessing):
    inbox, outbox = ctx.Queue(), ctx.Queue()
    record = {"numbers": [1, 2, 3], "seen_by": ["parent"]}
    p = ctx.Process(target=annotate, args=(inbox, outbox))
    p.start()
    inbox.put(record)
    back = outbox.get(timeout=60)
    p.join(timeout=60)
    inbox.put(record)  # and within one process?
    same = inbox.get(timeout=60) is record
    print(_("主进程的记录：%s；子进程送回的：%s") % (record, back))
    print(_("同一个进程里放入又取出，还是原来那个对象吗？%s") % same)
    return {"original": record, "returned": back, "same_object": same}


if __name__ == "__main__":
    main()

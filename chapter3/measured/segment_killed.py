"""A shared-memory segment outlives the process that made it. A child creates one and
is killed before it can unlink it. The segment stays in /dev/shm until multiprocessing's
resource tracker (a helper process) sees that every process it served has ended; it
then removes the segment and warns of "leaked shared_memory objects". Under spawn and
forkserver the child shares the parent's tracker, so that is when this program ends;
under fork it does only if the parent had started its tracker before the fork: here it
had not, so the child started one of its own, which cleans up as the child dies.
"""

import multiprocessing
import os
import time
from gettext import gettext as _
from multiprocessing import shared_memory


def create(names):
    segment = shared_memory.SharedMemory(create=True, size=2**20)
    names.put(segment.name)
    time.sleep(600)  # killed long before: it never gets to close() or unlink()


def main(ctx=multiprocessing):
    names = ctx.Queue()
    child = ctx.Process(target=create, args=(names,))
    child.start()
    name = names.get(timeout=60)
    child.kill()
    child.join(timeout=60)
    there = os.path.exists(f"/dev/shm/{name}")  # Linux: segments are files there
    print(_("子进程被杀死，退出码 {code}；它创建的 {name} 还在 /dev/shm 里吗？{there}").format(
        code=child.exitcode, name=name, there=there))  # fmt: skip
    return {"name": name, "exitcode": child.exitcode, "there_after_kill": there}


if __name__ == "__main__":
    main()

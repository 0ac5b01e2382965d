"""Example 3-9 on a cluster, made to end: two bakers (tasks on the workers) put buns on
a ``distributed.Queue``; the client eats them, and each baker's last item, ``None``,
says it has finished."""

import uuid
from gettext import gettext as _

from distributed import Client, Queue


def bake(baker, counter_name, buns):
    counter = Queue(counter_name)
    for i in range(buns):
        counter.put(f"{baker}-{i}", timeout=30)
    counter.put(None, timeout=30)  # this baker is done


def main(address=None, bakers=2, buns=5):
    with Client(address) as client:
        name = f"counter-{uuid.uuid4().hex}"
        counter = Queue(name, client=client)
        baking = client.map(bake, [f"baker{b}" for b in range(bakers)], counter_name=name,
                            buns=buns, pure=False)  # fmt: skip
        eaten, finished = [], 0
        while finished < bakers:
            bun = counter.get(timeout=30)
            if bun is None:
                finished += 1
            else:
                eaten.append(bun)
                print(_("吃掉 {bun}").format(bun=bun))
        client.gather(baking)
    print(_("面包房关门：一共吃掉 {n} 个").format(n=len(eaten)))
    return {"eaten": eaten}


if __name__ == "__main__":
    main()

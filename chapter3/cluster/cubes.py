"""Example 3-10's cubes on a dask cluster: the pool's apply_async and map_async become
the client's submit and map, and an AsyncResult becomes a Future."""

import time
from gettext import gettext as _

from distributed import Client, as_completed


def cube(x):
    return x**3


def nap_then_cube(x, seconds):
    time.sleep(seconds)
    return x**3


def main(address=None, n=5, nap=0.5):
    with Client(address) as client:
        futures = [client.submit(cube, x) for x in range(n)]
        cubes = [f.result(timeout=30) for f in futures]
        kind = type(futures[0]).__name__
        print(_("submit 返回 {kind}；结果：{cubes}").format(kind=kind, cubes=cubes))
        naps = [nap * (n - x) / n for x in range(n)]  # the later ones finish first
        mapped = client.gather(client.map(nap_then_cube, range(n), naps, pure=False))
        print(_("map 的结果按输入的顺序：{r}").format(r=mapped))
        racing = {client.submit(nap_then_cube, x, s, pure=False): x for x, s in [(0, nap), (1, 0)]}
        order = [racing[f] for f in as_completed(racing, timeout=30)]
        print(_("as_completed 按完成的先后给出：{order}").format(order=order))
    return {"kind": kind, "cubes": cubes, "mapped": mapped, "order": order}


if __name__ == "__main__":
    main()

"""``python -m chapter3.kit.run <section>.<listing>``: run a listing as the book does.

``python -m chapter3.<section>.<listing>`` runs the plain program, at the chapter's
settings. This runner adds what the book needs: ``--quick`` (the short settings the
site uses, from the section's ``QUICK``), ``--lang en`` (the program's output in
English, in every process), ``--method`` (a start method; given again, the listing runs
once under each, one after another), and ``--json`` (the whole observed run, for the
site).

A key may name a *variant*: ``process_sync.ex3_09_buns@buffer_10`` is the listing
``ex3_09_buns`` run with the arguments its section's ``VARIANTS`` gives that name
(on top of the quick settings, with ``--quick``) — the same program, another setting,
as the chapter's "change the queue length to 10". A key its section lists in ``WHOLE``
is captured as a whole program in a fresh interpreter (:mod:`chapter3.kit.program`):
nothing joins or stops its children but the interpreter's own exit. A listing with no
``__main__`` guard, which its section lists in ``AS_MAIN`` with a pace, runs as
``python -m`` would run it (importing it runs it), its children's sleeps at that pace.
``STOP_AFTER`` gives a listing whose children never end by themselves (the lesson) a
shorter wait than the default before the book stops them.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import multiprocessing
import subprocess
import sys
from pathlib import Path
from typing import Any

from chapter3.kit import program
from chapter3.kit.listing import observe

STOP_AFTER = 5.0  # seconds a run's leftover processes get after main returned


def _section(key: str):
    section, _, name = key.partition("@")[0].rpartition(".")
    return importlib.import_module(f"chapter3.{section}"), name


def params_of(key: str, quick: bool = True) -> dict[str, Any]:
    """The arguments of a run: the listing's quick settings (if ``quick``), then its
    variant's, from the section package's ``QUICK`` and ``VARIANTS``."""
    section, name = _section(key)
    params = dict(getattr(section, "QUICK", {}).get(name, {})) if quick else {}
    if "@" in key:
        params |= getattr(section, "VARIANTS", {})[key.rpartition(".")[2]]
    return params


def setting(key: str, name: str, default: Any = None) -> Any:
    """The key's entry (``listing`` or ``listing@variant``) in its section's ``name``
    table (``AS_MAIN``, ``STOP_AFTER``)."""
    return getattr(_section(key)[0], name, {}).get(key.rpartition(".")[2], default)


def whole(key: str) -> bool:
    """Whether the book runs this listing as a whole program (``WHOLE``, ``AS_MAIN``)."""
    listed = key.rpartition(".")[2] in getattr(_section(key)[0], "WHOLE", ())
    return listed or setting(key, "AS_MAIN") is not None


def stop_after_of(key: str, given: float | None = None) -> float:
    """Seconds a run's leftover processes get: ``given``, else the listing's ``STOP_AFTER``."""
    return setting(key, "STOP_AFTER", STOP_AFTER) if given is None else given


def listing_of(key: str):
    """The listing module a key names."""
    return importlib.import_module(f"chapter3.{key.partition('@')[0]}")


def capture(
    key: str,
    method: str | None = None,
    lang: str = "zh",
    quick: bool = True,
    stop_after: float | None = None,
) -> dict:
    """One observed run of a listing, as JSON-ready data."""
    params = params_of(key, quick)
    method = method or multiprocessing.get_start_method()
    pace = setting(key, "AS_MAIN")
    if whole(key):
        module = f"chapter3.{key.partition('@')[0]}"  # not imported here: it may run
        as_main = dict(params=None, pace=pace) if pace is not None else dict(params=params)
        done, timeline = program.run(module, method, lang=lang, **as_main)
        if done.returncode != 0:
            raise RuntimeError(f"{key} exited with {done.returncode}:\n{done.stderr[-2000:]}")
        result, stopped = timeline.of("return")[-1].value, []
    else:
        run = observe(
            listing_of(key).main, method, lang, stop_after=stop_after_of(key, stop_after), **params
        )
        timeline, result, stopped = run.timeline, run.result, list(run.stopped)
    return {
        "key": key,
        "method": method,
        "lang": lang,
        "params": params,
        "events": [dataclasses.asdict(e) for e in timeline],
        "result": json.loads(json.dumps(result, default=repr, ensure_ascii=False)),
        "stopped": stopped,
    }


def captured_fresh(key: str, method: str, timeout: float = 120) -> dict:
    """:func:`capture` at quick settings, in a fresh interpreter: for a listing that
    changes its own process (pins it to a CPU, lowers its recursion limit)."""
    done = subprocess.run(
        [sys.executable, "-m", "chapter3.kit.run", key, "--quick", "--json", "--method", method],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chapter3.kit.run", description=__doc__)
    parser.add_argument("listing", help="<section>.<listing>, e.g. process_sync.ex3_07_semaphore")
    parser.add_argument("--quick", action="store_true", help="the short settings of the site")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--method", choices=multiprocessing.get_all_start_methods(),
                        action="append", help="a start method (again: run under each)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the observed run as JSON")
    parser.add_argument(
        "--stop-after",
        type=float,
        help="seconds to wait, once main returned, for the processes it left running "
        f"(default: the listing's STOP_AFTER, or {STOP_AFTER:g})",
    )
    args = parser.parse_args(argv)
    methods = args.method or [None]
    if args.json:
        if len(methods) > 1:
            parser.error("--json takes one --method")
        data = capture(args.listing, methods[0], args.lang, args.quick, args.stop_after)
        json.dump(data, sys.stdout, ensure_ascii=False)
        return 0
    params = params_of(args.listing, args.quick)
    stop_after = stop_after_of(args.listing, args.stop_after)
    for method in methods:
        if len(methods) > 1:
            print(f"  · {method}:", file=sys.stderr)
        if whole(args.listing):  # in a fresh interpreter: shown once it has ended
            data = capture(args.listing, method, args.lang, args.quick)
            print("\n".join(e["value"] for e in data["events"] if e["op"] == "print"))
            continue
        main_ = listing_of(args.listing).main
        run = observe(main_, method, args.lang, tee=True, stop_after=stop_after, **params)
        if run.result is not None:
            print(f"  · main() → {run.result!r}", file=sys.stderr)
        if run.stopped:
            print(f"  · still running, stopped by the book: {', '.join(run.stopped)}",
                  file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

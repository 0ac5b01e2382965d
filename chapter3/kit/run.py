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
nothing joins or stops its children but the interpreter's own exit.
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


def listing_of(key: str):
    """The listing module a key names."""
    return importlib.import_module(f"chapter3.{key.partition('@')[0]}")


def capture(
    key: str,
    method: str | None = None,
    lang: str = "zh",
    quick: bool = True,
    stop_after: float = STOP_AFTER,
) -> dict:
    """One observed run of a listing, as JSON-ready data."""
    params = params_of(key, quick)
    method = method or multiprocessing.get_start_method()
    section = _section(key)[0]
    if key.rpartition(".")[2] in getattr(section, "WHOLE", ()):
        done, timeline = program.run(listing_of(key).__name__, method, params, lang)
        if done.returncode != 0:
            raise RuntimeError(f"{key} exited with {done.returncode}:\n{done.stderr[-2000:]}")
        result, stopped = timeline.of("return")[-1].value, []
    else:
        run = observe(listing_of(key).main, method, lang, stop_after=stop_after, **params)
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
        default=STOP_AFTER,
        help="seconds to wait, once main returned, for the processes it left running",
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
    main_ = listing_of(args.listing).main
    for method in methods:
        if len(methods) > 1:
            print(f"  · {method}:", file=sys.stderr)
        run = observe(main_, method, args.lang, tee=True, stop_after=args.stop_after, **params)
        if run.result is not None:
            print(f"  · main() → {run.result!r}", file=sys.stderr)
        if run.stopped:
            print(f"  · still running, stopped by the book: {', '.join(run.stopped)}",
                  file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

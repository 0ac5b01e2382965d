"""``python -m chapter3.kit.run <section>.<listing>``: run a listing as the book does.

``python -m chapter3.<section>.<listing>`` runs the plain program, at the chapter's
settings. This runner adds what the book needs: ``--quick`` (the short settings the
site uses, from the section's ``QUICK``), ``--lang en`` (the program's output in
English, in every process), ``--method`` (a start method), and ``--json`` (the whole
observed run, for the site).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import multiprocessing
import sys
from typing import Any

from chapter3.kit.listing import observe


def quick_params(key: str) -> dict[str, Any]:
    """The quick settings of ``<section>.<listing>``, from its section's ``QUICK``."""
    section, _, name = key.rpartition(".")
    return dict(getattr(importlib.import_module(f"chapter3.{section}"), "QUICK", {}).get(name, {}))


def capture(key: str, method: str | None = None, lang: str = "zh", quick: bool = True) -> dict:
    """One observed run of a listing, as JSON-ready data."""
    listing = importlib.import_module(f"chapter3.{key}")
    params = quick_params(key) if quick else {}
    run = observe(listing.main, method, lang, **params)
    return {
        "key": key,
        "method": method or multiprocessing.get_start_method(),
        "lang": lang,
        "params": params,
        "events": [dataclasses.asdict(e) for e in run.timeline],
        "result": json.loads(json.dumps(run.result, default=repr, ensure_ascii=False)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chapter3.kit.run", description=__doc__)
    parser.add_argument("listing", help="<section>.<listing>, e.g. process_sync.ex3_07_semaphore")
    parser.add_argument("--quick", action="store_true", help="the short settings of the site")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--method", choices=multiprocessing.get_all_start_methods())
    parser.add_argument("--json", action="store_true", help="print the observed run as JSON")
    args = parser.parse_args(argv)
    if args.json:
        data = capture(args.listing, args.method, args.lang, args.quick)
        json.dump(data, sys.stdout, ensure_ascii=False)
        return 0
    listing = importlib.import_module(f"chapter3.{args.listing}")
    params = quick_params(args.listing) if args.quick else {}
    run = observe(listing.main, args.method, args.lang, tee=True, **params)
    if run.result is not None:
        print(f"  · main() → {run.result!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

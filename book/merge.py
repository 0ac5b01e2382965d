"""Merge the claims reports of several machines into the one report the site shows.

    uv run python -m book.merge OUT REPORT [REPORT ...]

Each REPORT is the ``.book/claims.json`` of a machine's runs (or an earlier merge). The
results are sorted into environments (:func:`book.report.label`: system, Python, build,
usable CPUs, start methods tested): the runs of one environment merge as they do in one
report, a newer result replacing an older one of the same test. Build the site from
OUT with ``BOOK_REPORT=OUT``; each claim then shows its outcome in every environment.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from book.report import SCHEMA, add_run, empty, label, newest_run


def read(path: Path) -> list[dict]:
    """The environment reports in the file at ``path``; a clear error if it holds none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: no such report") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{path}: not a claims report (not JSON: {e})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a claims report of schema {SCHEMA}")
    reports = data.get("environments", [data])
    if not any(r.get("tests") or r.get("errors") for r in reports):
        raise ValueError(f"{path}: the report holds no result")
    return reports


def merged(reports: list[dict]) -> dict:
    """One report per environment, every run added in the order it was made."""
    runs = [(env, run_id, r) for r in reports for run_id, env in r["runs"].items()]
    runs.sort(key=lambda run: run[0].get("time", ""))  # stable: ties keep the given order
    out: dict[str, dict] = {}
    for env, run_id, r in runs:
        tests = {n: t for n, t in r["tests"].items() if t["run"] == run_id}
        errors = {p: e["reason"] for p, e in r.get("errors", {}).items() if e["run"] == run_id}
        add_run(out.setdefault(label(env), empty()), run_id, env, tests, errors)
    return {"schema": SCHEMA, "environments": [out[k] for k in sorted(out)]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m book.merge", description=__doc__.split("\n")[0]
    )
    parser.add_argument("out", type=Path, help="the merged report to write")
    parser.add_argument("reports", type=Path, nargs="+", help="the reports to merge")
    args = parser.parse_args(argv)
    try:
        data = merged([r for path in args.reports for r in read(path)])
    except ValueError as e:
        parser.error(str(e))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    for r in data["environments"]:
        newest = newest_run(r)
        print(f"{label(newest)}: {len(r['tests'])} results, {newest.get('time', '?')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The claims report: what the last runs of each claim test found, and where.

pytest writes it (:mod:`book.pytest_plugin`), the site reads it (:mod:`book.hooks`).
Each test result is stored with the *fingerprint* of the files it depends on, so
a result whose test or code has changed since the run is known to be stale.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import platform
import sys
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: concurrent pytest runs there may race on the report
    fcntl = None

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = 1
#: Files every claim test depends on, besides its own module and test module.
SHARED = ("conftest.py", "timeline.py", "runner.py", "__init__.py")


def report_path(root: Path = ROOT) -> Path:
    """Where the report is: ``$BOOK_REPORT`` (read at each call) or ``.book/claims.json``."""
    return Path(os.environ.get("BOOK_REPORT") or root / ".book" / "claims.json")


def _chapter_imports(path: Path) -> set[str]:
    """Names of the chapter3 modules that ``path`` imports (none if it does not parse)."""
    names = set()
    try:
        tree = ast.parse(path.read_bytes())
    except SyntaxError:  # its results are stale anyway: the file changed since they ran
        return names
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "chapter3":
                names |= {a.name for a in node.names}
            elif node.module.startswith("chapter3."):
                names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names |= {a.name.split(".")[1] for a in node.names if a.name.startswith("chapter3.")}
    return names


def covered_files(test_file: Path) -> list[Path]:
    """The files whose content a result of ``test_file`` vouches for: the test module,
    every chapter3 module it imports (and they import), and the shared code."""
    package = test_file.parent
    seen: dict[Path, None] = {}
    section = test_file.name.removeprefix("test_")
    todo = [test_file, package / section, *(package / name for name in SHARED)]
    todo += sorted((package / f"_scripts_{section.removesuffix('.py')}").glob("*.py"))
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen[path] = None
        todo += [package / f"{name}.py" for name in _chapter_imports(path)]
    return sorted(seen, key=lambda p: p.name)


def fingerprint(test_file: Path) -> str:
    """A hash of the test module, the module it tests and the shared code."""
    h = hashlib.sha256()
    for path in covered_files(test_file):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def gil_enabled() -> bool:
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else is_enabled()


def environment() -> dict:
    """Where a run happened: enough for a reader to judge if it applies to them."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "usable_cpus": usable,
        "gil": gil_enabled(),
        "start_methods": multiprocessing.get_all_start_methods(),
        "default_start_method": multiprocessing.get_start_method(allow_none=True)
        or multiprocessing.get_context().get_start_method(),
        "time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def empty() -> dict:
    return {"schema": SCHEMA, "runs": {}, "tests": {}, "errors": {}}


def load(path: Path | None = None) -> dict:
    """The report, or an empty one if there is none yet."""
    try:
        data = json.loads((path or report_path()).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return empty()
    if data.get("schema") != SCHEMA:
        return empty()
    data.setdefault("errors", {})
    return data


def under(nodeid: str, prefix: str) -> bool:
    """Whether the test ``nodeid`` belongs to the collector ``prefix`` (a folder or module)."""
    return not prefix or nodeid == prefix or nodeid.startswith((f"{prefix}::", f"{prefix}/"))


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        if fcntl:
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def merge(
    run_id: str,
    env: dict,
    tests: dict,
    errors: dict | None = None,
    collected: set[str] | None = None,
    path: Path | None = None,
) -> None:
    """Add one run's results, replacing older results of the same tests.

    ``errors`` maps a collector that failed to collect (a module, a folder) to its
    reason: the older results under it are dropped, since this run could not
    even import them. An error is forgotten once a run has results under it again.
    ``collected`` (the node ids of every claim test the run collected) drops the older
    results of a module it collected that are no test of it any more (a parameter
    renamed, a test removed): their stale results would keep a claim unverified.
    """
    path = path or report_path()
    with _locked(path):
        data = load(path)
        if collected:
            modules = {n.partition("::")[0] for n in collected}
            data["tests"] = {
                n: t
                for n, t in data["tests"].items()
                if n in collected or n.partition("::")[0] not in modules
            }
        data["runs"][run_id] = env
        data["errors"] = {
            prefix: error
            for prefix, error in data["errors"].items()
            if not any(under(nodeid, prefix) for nodeid in tests)
        }
        for prefix, reason in (errors or {}).items():
            data["tests"] = {n: t for n, t in data["tests"].items() if not under(n, prefix)}
            data["errors"][prefix] = {"reason": reason, "run": run_id}
        data["tests"].update(tests)
        live = {t["run"] for t in [*data["tests"].values(), *data["errors"].values()]}
        data["runs"] = {k: v for k, v in data["runs"].items() if k in live}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)

"""The claims report: what the last runs of each claim test found, and where.

pytest writes it (:mod:`book.pytest_plugin`), the site reads it (:mod:`book.hooks`).
Each test result is stored with the *fingerprint* of the files it depends on, so
a result whose test or code has changed since the run is known to be stale.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import functools
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


def report_path(root: Path = ROOT) -> Path:
    """Where the report is: ``$BOOK_REPORT`` (read at each call) or ``.book/claims.json``."""
    return Path(os.environ.get("BOOK_REPORT") or root / ".book" / "claims.json")


def _imports(path: Path) -> set[str]:
    """Dotted names of the chapter3 modules ``path`` imports, or may import (``from a
    import b`` names both ``a`` and ``a.b``; a name that is not a module is ignored)."""
    return set(_imports_in(path.read_bytes()))


@functools.lru_cache(maxsize=4096)
def _imports_in(source: bytes) -> frozenset[str]:
    """:func:`_imports` of a module's source; cached: a build asks for each page's runs."""
    names = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:  # its results are stale anyway: the file changed since they ran
        return frozenset()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return frozenset(n for n in names if n == "chapter3" or n.startswith("chapter3."))


def _files_of(name: str, root: Path) -> list[Path]:
    """The files that importing ``name`` runs: each package's ``__init__.py`` on the way,
    and the module itself."""
    out, base = [], root
    for part in name.split("."):
        base = base / part
        if (base / "__init__.py").exists():
            out.append(base / "__init__.py")
        elif base.with_suffix(".py").exists():
            out.append(base.with_suffix(".py"))
            break
        else:
            break
    return out


def covered_files(test_file: Path) -> list[Path]:
    """The files whose content a result of ``test_file`` vouches for: the test module,
    the conftest files above it and every chapter3 module it imports (and they import)."""
    chapter = next(p for p in test_file.parents if p.name == "chapter3")
    root = chapter.parent
    todo = [test_file]
    todo += [d / "conftest.py" for d in test_file.parents if d.is_relative_to(chapter)]
    seen: dict[Path, None] = {}
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen[path] = None
        for name in _imports(path):
            todo += _files_of(name, root)
    return sorted(seen, key=lambda p: p.relative_to(root).as_posix())


def listing_fingerprint(key: str, root: Path = ROOT) -> str:
    """A hash of what a run of the listing ``<section>.<name>`` shows: the listing (and
    its package), the kit that observes it and the catalogue that translates it."""
    chapter = root / "chapter3"
    files = _files_of(f"chapter3.{key}", root)
    kit = [p for p in sorted((chapter / "kit").glob("*.py")) if not p.name.startswith("test_")]
    files += kit + sorted((chapter / "locale").rglob("*.mo"))
    return _digest(files, root)


def _digest(files: list[Path], root: Path) -> str:
    """A hash of each file's place in the tree and content, its line ends made ``\\n``:
    a Windows checkout (``core.autocrlf``) holds the same files with ``\\r\\n``, and its
    results must be fresh for a site built from a Linux checkout."""
    h = hashlib.sha256()
    for path in files:
        content = path.read_bytes().replace(b"\r\n", b"\n")
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + content + b"\0")
    return h.hexdigest()[:16]


def fingerprint(test_file: Path) -> str:
    """A hash of every file :func:`covered_files` names, with its place in the tree."""
    root = next(p for p in test_file.parents if p.name == "chapter3").parent
    return _digest(covered_files(test_file), root)


def gil_enabled() -> bool:
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else is_enabled()


def start_methods() -> list[str]:
    """The start methods this run tests: every one the platform offers, or those
    ``$BOOK_START_METHODS`` names (comma-separated; ``spawn`` on Linux tests what macOS
    and Windows use by default)."""
    offered = multiprocessing.get_all_start_methods()
    wanted = [m.strip() for m in os.environ.get("BOOK_START_METHODS", "").split(",") if m.strip()]
    unknown = [m for m in wanted if m not in offered]
    if unknown:
        raise ValueError(
            f"BOOK_START_METHODS names {', '.join(unknown)}: this platform offers only "
            f"{', '.join(offered)}"
        )
    return [m for m in offered if m in wanted] if wanted else offered


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
        "start_methods": start_methods(),  # those the run tested
        "default_start_method": multiprocessing.get_start_method(allow_none=True)
        or multiprocessing.get_context().get_start_method(),
        "time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def empty() -> dict:
    return {"schema": SCHEMA, "runs": {}, "tests": {}, "errors": {}}


def load(path: Path | None = None) -> dict:
    """The report of this machine's runs, or an empty one if there is none yet."""
    path = path or report_path()
    data = _read(path)
    if "environments" in data:
        raise ValueError(
            f"{path} merges the reports of several machines (book.merge): only the site reads "
            "it; point BOOK_REPORT at a run's own report"
        )
    return data


def load_environments(path: Path | None = None) -> list[dict]:
    """The reports the site shows, one per environment: those a merged report holds
    (:mod:`book.merge`), or this machine's report alone."""
    data = _read(path or report_path())
    return data.get("environments", [data])


def is_merged(path: Path | None = None) -> bool:
    """Whether the report at ``path`` merges several machines' reports."""
    return "environments" in _read(path or report_path())


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return empty()
    if data.get("schema") != SCHEMA:
        return empty()
    data.setdefault("errors", {})
    return data


def newest_run(data: dict) -> dict:
    """The environment of a report's newest run (empty for an empty report)."""
    runs = sorted(data["runs"].values(), key=lambda env: env.get("time", ""))
    return runs[-1] if runs else {}


def label(env: dict) -> str:
    """An environment in one line, by what decides a claim's outcome: system, Python,
    build, usable CPUs and the start methods tested."""
    parts = env.get("platform", "?").split()  # "Linux 6.1.0 x86_64": no release
    system = {"Darwin": "macOS"}.get(parts[0], parts[0]) if parts else "?"
    machine = f" {parts[-1]}" if len(parts) > 1 else ""
    python = f"{env.get('implementation', '?')} {env.get('python', '?')}"
    build = "GIL" if env.get("gil", True) else "free-threaded"
    methods = ", ".join(env.get("start_methods", []))
    cpus = f"{env.get('usable_cpus', '?')} CPU"
    return f"{system}{machine} · {python} · {build} · {cpus} · {methods}"


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
    """Add one run's results to the report at ``path`` (see :func:`add_run`)."""
    path = path or report_path()
    with _locked(path):
        data = add_run(load(path), run_id, env, tests, errors, collected)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)


def add_run(
    data: dict,
    run_id: str,
    env: dict,
    tests: dict,
    errors: dict | None = None,
    collected: set[str] | None = None,
) -> dict:
    """``data`` with one run's results added, replacing older results of the same tests.

    ``errors`` maps a collector that failed to collect (a module, a folder) to its
    reason: the older results under it are dropped, since this run could not
    even import them. An error is forgotten once a run has results under it again.
    ``collected`` (the node ids of every claim test the run collected) drops the older
    results of a module it collected that are no test of it any more (a parameter
    renamed, a test removed): their stale results would keep a claim unverified.
    """
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
    return data

"""Shared fixtures of the book's own checks."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from book.cpu_slot import slot
from book.hooks import capture_all
from book.report import report_path

try:
    import fcntl
except ImportError:  # Windows: each xdist worker builds its own site
    fcntl = None

pytest_plugins = ["pytester", "merged_site"]  # merged_site: its fixtures

ROOT = Path(__file__).resolve().parent.parent
#: every inner run loads the book's plugin, in a fixed order, with no cache
INNER = ("-p", "book.pytest_plugin", "-p", "no:randomly", "-p", "no:cacheprovider")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


class _Claims(HTMLParser):
    """Each claim rendered on a page: its status and its evidence rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.claims: dict[str, dict] = {}
        self.claim: dict | None = None
        self.row: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "div" and "claim" in classes:
            self.claim = {"status": a["data-claim-status"], "rows": [], "verdicts": {}}
            self.claims[a["data-claim-id"]] = self.claim
        elif tag == "span" and self.claim is not None and "claim-verdict" in classes:
            self.claim["verdicts"][a["data-env"]] = a["data-env-status"]
        elif tag == "tr" and self.claim is not None and "claim-result" in classes:
            kind = next(c for c in classes if c.startswith("claim-result--"))
            self.row = {"kind": kind.removeprefix("claim-result--"), "cells": []}
        elif tag == "td" and self.row is not None:
            self.row["cells"].append("")
        elif tag == "a" and self.row is not None:
            self.row["url"] = a.get("href", "")

    def handle_data(self, data):
        if self.row is not None and self.row["cells"]:
            self.row["cells"][-1] += data

    def handle_endtag(self, tag):
        if tag == "tr" and self.row is not None:
            cells = [c.strip() for c in self.row.pop("cells")]
            env = cells.pop(2) if len(cells) == 5 else ""  # several environments: a column
            func, param, outcome, note = cells
            self.claim["rows"].append(
                {
                    **self.row,
                    "func": func,
                    "param": param,
                    "env": env,
                    "outcome": outcome,
                    "note": note,
                }
            )
            self.row = None
        elif tag == "details":
            self.claim = None


def rendered_claims(html: str) -> dict[str, dict]:
    """The claims of a page, by id: ``{"status": ..., "verdicts": {environment: status},
    "rows": [{kind, func, param, env, outcome, note, url}]}`` (``env``, ``verdicts``: when
    the site shows several environments)."""
    parser = _Claims()
    parser.feed(html)
    return parser.claims


@dataclass
class Project:
    """A throw-away project, run by pytest with the book's plugin, writing its own report."""

    pytester: pytest.Pytester

    @property
    def path(self) -> Path:
        return self.pytester.path

    def write(self, name: str, text: str) -> Path:
        return write(self.path / name, text)

    def guard(self, grace: float = 0.2) -> Path:
        """The book's real ``chapter3/conftest.py`` (the leak guard), with a short grace."""
        target = self.path / "chapter3" / "conftest.py"
        target.parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / "chapter3" / "conftest.py", target)
        with open(target, "a", encoding="utf-8") as f:
            f.write(f"\nGRACE = {grace}\n")
        return target

    def run(self, *args: str, isolated: bool = False) -> pytest.RunResult:
        """In this process where it can; in a subprocess (``isolated=True``) for
        xdist, for hangs and for what only the end of a process shows."""
        if isolated:
            return self.pytester.runpytest_subprocess(*INNER, *args, timeout=120)
        return self.pytester.runpytest_inprocess(*INNER, *args)

    def report(self) -> dict:
        return json.loads((self.path / "claims.json").read_text(encoding="utf-8"))

    def by_func(self) -> dict[str, dict]:
        """The report's entries by ``func[param]``."""
        tests = self.report()["tests"].values()
        return {f"{t['func']}[{t['param']}]" if t["param"] else t["func"]: t for t in tests}


@pytest.fixture
def project(pytester, monkeypatch) -> Project:
    monkeypatch.setenv("BOOK_REPORT", str(pytester.path / "claims.json"))
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", "")  # the inner run takes no CPU slot
    return Project(pytester)


@contextlib.contextmanager
def made_once(tmp_path_factory, name: str):
    """A folder ``name`` shared by the xdist workers of this run, held by one at a time:
    the first makes what goes in it, the others find it made."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") and fcntl else base
    folder = shared / name
    folder.mkdir(exist_ok=True)
    with open(shared / f"{name}.lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder


@pytest.fixture(scope="session")
def site_report(tmp_path_factory) -> Path:
    """A copy of the report the site is built from: the check reads the same data. One
    copy per run, for every xdist worker."""
    with made_once(tmp_path_factory, "report") as folder:
        copy, source = folder / "claims.json", report_path(ROOT)
        if not copy.exists() and source.exists():
            shutil.copy(source, copy)
        return copy


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_report) -> Path:
    """The site, built strictly in both languages, without rerunning the claim tests;
    once per run, for every xdist worker.

    ``BOOK_SITE=<dir>`` names a site already built (by ``mkdocs build``) to check instead."""
    if os.environ.get("BOOK_SITE"):
        return Path(os.environ["BOOK_SITE"])
    with made_once(tmp_path_factory, "site") as out:
        if not (out / "index.html").exists():
            build_site(out, site_report)
        return out


def build_site(out: Path, site_report: Path) -> None:
    """The site, built strictly into ``out`` from the report ``site_report`` as it is."""
    env = {
        **os.environ,
        "BOOK_VERIFY": "0",
        "NO_MKDOCS_2_WARNING": "1",
        "BOOK_REPORT": str(site_report),
    }
    with slot(exclusive=True):  # the runs about speed the pages show: alone
        capture_all(ROOT / "docs", ROOT, only_timed=True)
    with slot():  # the rest beside the suite (a timing claim waits for it)
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-5000:]

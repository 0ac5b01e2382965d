"""Shared fixtures of the book's own checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from book.cpu_slot import slot

ROOT = Path(__file__).resolve().parent.parent


def inner_pytest(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run pytest on a throw-away project in ``folder``, with the book's plugin loaded."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "book.pytest_plugin",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(folder),
            "-q",
            *args,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "BOOK_REPORT": str(folder / "claims.json"), **env},
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site, built strictly in both languages, without rerunning the claim tests."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "BOOK_VERIFY": "0", "NO_MKDOCS_2_WARNING": "1"}
    with slot(exclusive=True):  # its example runs are shown on the pages: run them alone
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
    return out

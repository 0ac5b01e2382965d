"""The book restates the chapter; it copies neither its sentences nor its listings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from book.sources import ROOT

TOOL = ROOT.parent / "shared" / "tools" / "seed_overlap.py"


@pytest.mark.skipif(not TOOL.exists(), reason="the chapter's text is not beside this clone")
def test_nothing_is_copied_from_the_chapter():
    done = subprocess.run(
        [sys.executable, str(TOOL), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "seed overlap: 0 copied" in done.stdout, done.stdout[-3000:]

"""The site tells the truth: a tiny book built by the real hooks from a known report."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, rendered_claims, write
from mkdocs.commands.build import build
from mkdocs.config import load_config

from book import report

#: the claim tests of the tiny book: (claim, test); the parameters are made up by the report
TESTS = [
    ("c-fresh", "test_fresh"),
    ("c-stale", "test_stale"),
    ("c-failed", "test_failed"),
    ("c-skipped", "test_skipped"),
    ("c-partial", "test_partial_ran"),
    ("c-partial", "test_partial_never_ran"),
    ("c-fix", "test_fix"),
    ("c-fix-stale", "test_fix_stale"),
]
CLAIMS = ["c-fresh", "c-stale", "c-failed", "c-skipped", "c-partial", "c-fix", "c-fix-stale"]
CORRECTIONS = {"c-fix", "c-fix-stale"}
#: (claim, test, parameter, outcome, reason, fresh) of the report
RESULTS = [
    ("c-fresh", "test_fresh", "fork", "passed", "", True),
    ("c-fresh", "test_fresh", "spawn", "passed", "", True),
    ("c-stale", "test_stale", "", "passed", "", False),
    ("c-failed", "test_failed", "", "failed", "call: assert 1 == 2", True),
    ("c-skipped", "test_skipped", "", "skipped", "needs Mars", True),
    ("c-partial", "test_partial_ran", "", "passed", "", True),
    ("c-fix", "test_fix", "", "passed", "", True),
    ("c-fix-stale", "test_fix_stale", "", "passed", "", False),
]
#: what each claim must show, and its evidence rows: (row kind, test, parameter)
TRUTH = {
    "c-fresh": ("verified", [("passed", "test_fresh", "fork"), ("passed", "test_fresh", "spawn")]),
    "c-stale": ("unverified", [("missing", "test_stale", "—")]),
    "c-failed": ("failed", [("failed", "test_failed", "—")]),
    "c-skipped": ("skipped", [("skipped", "test_skipped", "—")]),
    "c-partial": (
        "unverified",
        [("passed", "test_partial_ran", "—"), ("missing", "test_partial_never_ran", "—")],
    ),
    "c-fix": ("corrected", [("passed", "test_fix", "—")]),
    "c-fix-stale": ("unverified", [("missing", "test_fix_stale", "—")]),
}
MKDOCS = f"""
site_name: tiny
repo_url: https://example.org/tiny
theme:
  name: mkdocs
hooks:
  - {ROOT / "book" / "hooks.py"}
markdown_extensions:
  - md_in_html
  - tables
nav:
  - s.md
  - ledger.md
  - errata.md
"""


def _page(lang: str) -> str:
    blocks = []
    for c in CLAIMS:
        kind = "correction" if c in CORRECTIONS else "claim"
        quote = f"> §3.1 ({lang}): the chapter on {c}.\n\n    " if kind == "correction" else ""
        blocks.append(f'!!! {kind} "{c}"\n    {quote}In {lang}: {c} holds.\n\n')
    return "# S\n\n## Part\n\n" + "".join(blocks)


def _entry(claim, func, param, outcome, reason, stamp):
    return {
        "claims": [claim],
        "file": "chapter3/test_s.py",
        "func": func,
        "line": 1,
        "param": param,
        "outcome": outcome,
        "reason": reason,
        "duration": 0.5,
        "run": "r1",
        "fingerprint": stamp,
    }


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    write(root / "mkdocs.yml", MKDOCS)
    write(
        root / "chapter3" / "test_s.py",
        "import pytest\n"
        + "".join(f'@pytest.mark.claim("{c}")\ndef {f}():\n    pass\n' for c, f in TESTS),
    )
    for lang, suffix in (("zh", ""), ("en", ".en")):
        write(root / "docs" / f"s{suffix}.md", _page(lang))
        write(root / "docs" / f"ledger{suffix}.md", '# Ledger\n\n!!! ledger "all"\n')
        write(root / "docs" / f"errata{suffix}.md", '# Errata\n\n!!! errata "all"\n')
    stamp = report.fingerprint(root / "chapter3" / "test_s.py")
    data = report.empty()
    data["runs"]["r1"] = {"python": "3.11.7", "platform": "Linux", "time": "T"}
    for claim, func, param, outcome, reason, fresh in RESULTS:
        key = f"chapter3/test_s.py::{func}" + (f"[{param}]" if param else "")
        data["tests"][key] = _entry(claim, func, param, outcome, reason, stamp if fresh else "old")
    write(root / "claims.json", json.dumps(data))
    mp = pytest.MonkeyPatch()
    mp.setenv("BOOK_REPORT", str(root / "claims.json"))
    mp.setenv("BOOK_VERIFY", "0")
    try:
        build(load_config(config_file=str(root / "mkdocs.yml"), strict=True))
    finally:
        mp.undo()
    return root / "site"


def _html(site, page):
    return (site / page / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["s", "s.en"])
def test_each_claim_shows_the_status_and_evidence_of_the_report(tiny_site, page):
    html = _html(tiny_site, page)
    shown = rendered_claims(html)
    assert set(shown) == set(TRUTH)
    for claim, (status, rows) in TRUTH.items():
        assert shown[claim]["status"] == status, claim
        assert [(r["kind"], r["func"], r["param"]) for r in shown[claim]["rows"]] == rows, claim
    assert "needs Mars" in html and "call: assert 1 == 2" in html


@pytest.mark.parametrize("page", ["ledger", "ledger.en"])
def test_the_ledger_shows_each_claim_with_its_status(tiny_site, page):
    html = _html(tiny_site, page)
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    for claim, (status, _rows) in TRUTH.items():
        (row,) = [r for r in rows if f'#claim-{claim}"' in r]
        assert re.findall(r"claim-badge--([a-z]+)", row) == [status], claim


@pytest.mark.parametrize("page", ["errata", "errata.en"])
def test_the_errata_show_each_correction_with_its_status(tiny_site, page):
    found = re.findall(
        r'data-claim-id="([^"]+)" data-claim-status="([a-z]+)"', _html(tiny_site, page)
    )
    assert found == [(c, TRUTH[c][0]) for c in CLAIMS if c in CORRECTIONS]

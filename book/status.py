"""A claim's status, from the report and the tests that carry it.

Only *fresh* results count: results of a test that still carries the claim,
whose fingerprint matches the files as they are now. A claim with any test
lacking a fresh result is unverified, whatever else the report says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from book import report
from book.sources import ROOT, TestRef


@dataclass
class Status:
    status: str  # verified | corrected | skipped | failed | unverified
    results: list[dict] = field(default_factory=list)  # fresh results, each with its "env"
    missing: list[TestRef] = field(default_factory=list)  # tests without a fresh result


def stale_files(tests: list[TestRef], fresh: set[tuple[str, str]]) -> list[str]:
    """Test modules with a claim test that has no fresh result."""
    return sorted({t.file for t in tests if (t.file, t.func) not in fresh})


def fresh_tests(data: dict, root: Path = ROOT) -> set[tuple[str, str]]:
    """(file, function) of every test whose result in the report is still valid."""
    prints: dict[str, str] = {}
    out = set()
    for entry in data["tests"].values():
        file = entry["file"]
        if file not in prints:
            path = root / file
            prints[file] = report.fingerprint(path) if path.exists() else ""
        if entry.get("fingerprint") == prints[file]:
            out.add((file, entry["func"]))
    return out


def claim_status(
    claim: str, kind: str, tests: list[TestRef], data: dict, fresh: set[tuple[str, str]]
) -> Status:
    """The status of one claim; ``fresh`` comes from :func:`fresh_tests`."""
    mine = [t for t in tests if t.claim == claim]
    results = [
        {**entry, "env": data["runs"].get(entry["run"], {})}
        for entry in data["tests"].values()
        if claim in entry["claims"]
        and (entry["file"], entry["func"]) in fresh
        and any((t.file, t.func) == (entry["file"], entry["func"]) for t in mine)
    ]
    results.sort(key=lambda r: (r["file"], r["line"], r["param"]))
    missing = [t for t in mine if (t.file, t.func) not in fresh]
    outcomes = {r["outcome"] for r in results}
    if missing or not results:
        status = "unverified"
    elif "failed" in outcomes:
        status = "failed"
    elif outcomes == {"skipped"}:
        status = "skipped"
    else:
        status = "corrected" if kind == "correction" else "verified"
    return Status(status, results, missing)

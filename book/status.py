"""A claim's status, from the report and the tests that carry it.

Only *fresh* results count: results of a test that still carries the claim, whose
fingerprint matches the files as they are now. Freshness is decided for each result
(each parametrisation) on its own: after an edit, a run of ``-k fork`` leaves the
spawn results of the same test stale. The rule, first match wins:

1. ``failed``: a fresh result failed, in any phase, or was ``xfailed`` (the test
   failed as its marker expects, so the claim did not hold here);
2. ``unverified``: a test of the claim has no fresh result, or one of its
   parametrisations has only a stale one (whatever else the report says);
3. ``skipped``: every fresh result was skipped;
4. ``verified`` (``corrected`` for a correction): every result passed (an
   ``xpassed`` test passed too) or was skipped, and at least one passed.

A site built from the reports of several environments (:mod:`book.merge`) decides
each environment's status by that rule, from its own results, then the claim's
(:func:`everywhere`): ``failed`` if it failed in any of them; otherwise an environment
whose results are stale or missing is ``unverified`` for itself alone, and the others
decide, by the rule (``unverified`` only where no environment has a fresh result).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from book import report
from book.sources import ROOT, TestRef

FAILED = {"failed", "xfailed"}
PASSED = {"passed", "xpassed"}


@dataclass(frozen=True)
class Missing:
    """A test of the claim without a fresh result; ``param`` names the parametrisation
    whose result is stale (empty: the test has none at all), ``reason`` why, if known."""

    test: TestRef
    param: str = ""
    reason: str = ""
    where: str = ""  # the environment (a report's label) it is missing in


@dataclass(frozen=True)
class Verdict:
    """A claim's status in one environment."""

    where: str  # book.report.label of the environment
    status: str


@dataclass
class Status:
    status: str  # verified | corrected | skipped | failed | unverified
    results: list[dict] = field(default_factory=list)  # fresh results, each with its "env"
    missing: list[Missing] = field(default_factory=list)  # what has no fresh result
    verdicts: list[Verdict] = field(default_factory=list)  # by environment, when known


def fresh_results(data: dict, root: Path = ROOT) -> set[str]:
    """Node ids of the results in the report that are still valid."""
    prints: dict[str, str] = {}
    out = set()
    for nodeid, entry in data["tests"].items():
        file = entry["file"]
        if file not in prints:
            path = root / file
            prints[file] = report.fingerprint(path) if path.exists() else ""
        if entry.get("fingerprint") == prints[file]:
            out.add(nodeid)
    return out


def _collection_error(data: dict, test: TestRef) -> str:
    nodeid = f"{test.file}::{test.func}"
    errors = [e["reason"] for p, e in data.get("errors", {}).items() if report.under(nodeid, p)]
    return errors[0] if errors else ""


def claim_status(
    claim: str, kind: str, tests: list[TestRef], data: dict, fresh: set[str]
) -> Status:
    """The status of one claim; ``fresh`` comes from :func:`fresh_results`."""
    results: list[dict] = []
    missing: list[Missing] = []
    for t in (t for t in tests if t.claim == claim):
        entries = [
            (nodeid, entry)
            for nodeid, entry in data["tests"].items()
            if (entry["file"], entry["func"]) == (t.file, t.func) and claim in entry["claims"]
        ]
        mine = [{**e, "env": data["runs"].get(e["run"], {})} for n, e in entries if n in fresh]
        if mine:
            missing += [Missing(t, e["param"]) for n, e in entries if n not in fresh]
        else:
            missing.append(Missing(t, reason=_collection_error(data, t)))
        results += mine
    results.sort(key=lambda r: (r["file"], r["line"], r["param"]))
    outcomes = {r["outcome"] for r in results}
    if outcomes & FAILED:
        status = "failed"
    elif missing or not results:
        status = "unverified"
    elif outcomes == {"skipped"}:
        status = "skipped"
    else:
        status = "corrected" if kind == "correction" else "verified"
    return Status(status, results, missing)


def everywhere(claim: str, kind: str, tests: list[TestRef], reports: list[tuple]) -> Status:
    """The status of one claim over several environments; ``reports`` holds, for each,
    its label, its report and its fresh results (:func:`fresh_results`)."""
    per_env = [
        (where, claim_status(claim, kind, tests, data, fresh)) for where, data, fresh in reports
    ]
    results = [{**r, "where": where} for where, st in per_env for r in st.results]
    missing = [replace(m, where=where) for where, st in per_env for m in st.missing]
    verdicts = [Verdict(where, st.status) for where, st in per_env]
    found = {v.status for v in verdicts}
    if "failed" in found:
        status = "failed"
    elif found - {"unverified"}:  # the environments with fresh results decide
        found -= {"unverified"}
        status = "skipped" if found == {"skipped"} else next(iter(found - {"skipped"}))
    else:
        status = "unverified"
    return Status(status, results, missing, verdicts)


def stale_files(status: dict[str, Status]) -> list[str]:
    """Test modules with a claim test that has no fresh result: what to run again."""
    return sorted({m.test.file for st in status.values() for m in st.missing})

"""Reports from several environments, merged into one site.

The three real runs of ``tests/merged_site.py`` (as this machine is, on one CPU, with
spawn only; the last made stale), merged by ``python -m book.merge`` and built into a
site: each claim must show its outcome in every environment, and the stale one as
unverified there only.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, rendered_claims
from merged_site import QUICK, TIMED, TWO_CPUS
from test_site import html_of, outside_loads

from book import merge, report
from book.render import short_labels


def test_three_real_runs_are_three_environments(reports, labels):
    assert len(set(labels.values())) == 3, labels
    assert " · 1 CPU · " in labels["one-cpu"] and " · 1 CPU · " not in labels["here"]
    assert labels["spawn"].endswith(" · spawn")
    data = json.loads((reports / "merged.json").read_text(encoding="utf-8"))
    assert sorted(report.label(report.newest_run(e)) for e in data["environments"]) == sorted(
        labels.values()
    )
    printed = (reports / "merge.out").read_text(encoding="utf-8")
    assert all(label in printed for label in labels.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_claim_shows_its_outcome_in_every_environment(merged_site, labels, lang):
    here, one_cpu, spawn = labels.values()
    short = short_labels([here, one_cpu, spawn])
    page = rendered_claims(html_of(merged_site, "process-creation.md", lang))
    quick = page[QUICK[0]]
    assert quick["status"] == "verified", "verified here; the stale report does not count"
    assert quick["verdicts"] == {here: "verified", one_cpu: "verified", spawn: "unverified"}
    rows = {(r["env"], r["param"], r["kind"]) for r in quick["rows"]}
    methods = report.start_methods()
    assert rows == {(short[e], m, "passed") for e in (here, one_cpu) for m in methods} | {
        (short[spawn], "—", "missing")
    }, "each environment's own rows; the stale one's as unverified"

    timed = rendered_claims(html_of(merged_site, "concepts.md", lang))[TIMED[0]]
    assert timed["verdicts"][one_cpu] == "skipped"
    on_one = [r for r in timed["rows"] if r["env"] == short[one_cpu]]
    assert on_one and all(r["kind"] == "skipped" and TWO_CPUS in r["note"] for r in on_one)
    on_two = [r for r in timed["rows"] if r["env"] == short[here]]
    assert on_two and all(TWO_CPUS not in r["note"] for r in on_two)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ledger_says_where_and_when_each_badge_was_earned(merged_site, reports, labels, lang):
    html = html_of(merged_site, "ledger.md", lang)
    data = json.loads((reports / "merged.json").read_text(encoding="utf-8"))
    for env in data["environments"]:
        newest = report.newest_run(env)
        assert f"<td>{report.label(newest)}</td>\n<td>{newest['time']}</td>" in html
    shown = html[html.index(f'href="../process-creation/#claim-{QUICK[0]}"') :].split("</tr>")[0]
    verdicts = ("verified", "verified", "unverified")
    for label, status in zip(labels.values(), verdicts, strict=True):
        assert f'data-env="{label}" data-env-status="{status}"' in shown


def test_the_merged_site_loads_nothing_from_outside(merged_site):
    outside = outside_loads(merged_site)
    assert not outside, outside[:20]


def test_merge_keeps_the_newer_of_two_runs_in_one_environment(reports, tmp_path):
    """Two reports of one environment make one; a test's newer result wins."""
    here = reports / "here.json"
    older = json.loads(here.read_text(encoding="utf-8"))
    ((run_id, env),) = older["runs"].items()
    older["runs"] = {"older": {**env, "time": "2000-01-01 00:00 UTC"}}
    for entry in older["tests"].values():
        entry.update(run="older", outcome="failed", reason="call: an older failure")
    (tmp_path / "older.json").write_text(json.dumps(older), encoding="utf-8")
    data = merge.merged(merge.read(tmp_path / "older.json") + merge.read(here))
    (env_report,) = data["environments"]
    assert {t["run"] for t in env_report["tests"].values()} == {run_id}
    data = merge.merged(merge.read(here) + merge.read(tmp_path / "older.json"))
    assert {t["run"] for t in data["environments"][0]["tests"].values()} == {run_id}, (
        "the order the reports are given in does not matter: the time of their runs does"
    )


@pytest.mark.parametrize(
    "content, says",
    [
        (None, "no such report"),
        ("{not json", "not JSON"),
        ('{"schema": 0, "tests": {}}', "not a claims report of schema"),
        ('{"schema": 1, "runs": {}, "tests": {}, "errors": {}}', "holds no result"),
    ],
    ids=["missing", "not-json", "other-schema", "empty"],
)
def test_merge_refuses_what_is_not_a_report_and_says_why(tmp_path, content, says):
    path = tmp_path / "claims.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "book.merge", str(tmp_path / "out.json"), str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and f"{path}: " in done.stderr and says in done.stderr
    assert not (tmp_path / "out.json").exists()

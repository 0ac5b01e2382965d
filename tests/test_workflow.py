"""The public repository's CI and contribution path: valid, small, and running what a
contributor runs.

The workflow cannot run here (it needs GitHub's runners: macOS, Windows, a
free-threaded Python); what can be checked here is: it and the issue form pass the
linters (check-jsonschema with GitHub's schemas, zizmor's audits), the linters do catch
a broken workflow, and the jobs run the README's commands over the promised matrix.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

GITHUB = ROOT / ".github"
WORKFLOW = GITHUB / "workflows" / "book.yml"
ISSUE_FORM = GITHUB / "ISSUE_TEMPLATE" / "claim-looks-wrong.yml"
PR_TEMPLATE = GITHUB / "PULL_REQUEST_TEMPLATE.md"
BIN = Path(sys.executable).parent


def _schema(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", f"vendor.{schema}", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _zizmor(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "zizmor", "--offline", "--persona=pedantic", "--no-progress", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _jobs() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]


def _runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def _uses(job: dict, action: str) -> dict:
    (step,) = [s for s in job["steps"] if s.get("uses", "").startswith(f"{action}@")]
    return step


def test_the_workflow_and_the_issue_form_pass_the_linters():
    for schema, path in (("github-workflows", WORKFLOW), ("github-issue-forms", ISSUE_FORM)):
        done = _schema(schema, path)
        assert done.returncode == 0, done.stdout + done.stderr
    done = _zizmor(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    "old, new, linter",
    [
        ("runs-on: ubuntu-latest", "run-on: ubuntu-latest", "schema"),  # a misspelt key
        ("timeout-minutes: 40", "timeout-minutes: forty", "schema"),
        ("- run: uv run pytest", "- run: echo ${{ github.event.pull_request.title }}", "zizmor"),
        ("        with:\n          persist-credentials: false\n", "", "zizmor"),  # left in .git
    ],
    ids=["misspelt-key", "wrong-type", "template-injection", "persisted-credentials"],
)
def test_the_linters_catch_a_broken_workflow(tmp_path, old, new, linter):
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "book.yml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = _schema("github-workflows", broken) if linter == "schema" else _zizmor(broken)
    assert done.returncode != 0, done.stdout + done.stderr


def test_every_verify_job_runs_the_readme_commands_and_keeps_its_report():
    verify = _jobs()["verify"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _runs(verify) == ["uv run pytest", "uv run mkdocs build --strict"]
    assert all(re.search(rf"^{re.escape(c)}\b", readme, re.M) for c in _runs(verify))
    report = verify["env"]["BOOK_REPORT"]
    upload = _uses(verify, "actions/upload-artifact")
    assert "!cancelled()" in upload["if"], "a failed job's report is kept too"
    assert report.endswith("/" + upload["with"]["path"])
    assert (
        "${{ matrix.os }}" in upload["with"]["name"]
        and "${{ matrix.python }}" in upload["with"]["name"]
    ), "one artefact per job"


def test_the_matrix_is_three_systems_by_four_pythons_and_a_free_threaded_build():
    strategy = _jobs()["verify"]["strategy"]
    matrix = strategy["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}
    assert matrix["python"] == ["3.11", "3.12", "3.13", "3.14"]
    assert any(extra["python"].endswith("t") for extra in matrix["include"])
    assert strategy["fail-fast"] is False, "one platform's failure must not hide the others'"
    assert _uses(_jobs()["verify"], "astral-sh/setup-uv")["with"]["python-version"] == (
        "${{ matrix.python }}"
    )


def test_main_publishes_the_site_built_from_every_jobs_report():
    site = _jobs()["site"]
    assert site["needs"] == "verify"
    assert "refs/heads/main" in site["if"] and "!cancelled()" in site["if"]
    download = _uses(site, "actions/download-artifact")
    assert download["with"] == {"pattern": "claims-*", "path": "reports"}
    merge, build = _runs(site)
    assert merge == "uv run python -m book.merge merged/claims.json reports/*/claims.json"
    build_step = next(s for s in site["steps"] if s.get("run") == build)
    assert build.startswith("uv run mkdocs build --strict")
    assert build_step["env"]["BOOK_REPORT"] == "merged/claims.json"
    assert _uses(site, "actions/upload-pages-artifact")["with"]["path"] in build
    _uses(site, "actions/deploy-pages")
    assert site["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_every_action_is_pinned_to_a_commit():
    text = WORKFLOW.read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+)", text)
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses


def test_the_correction_path_is_templated_and_linked():
    form = yaml.safe_load(ISSUE_FORM.read_text(encoding="utf-8"))
    asked = {field.get("id") for field in form["body"]}
    assert {"claim", "what", "platform", "rerun"} <= asked
    template = PR_TEMPLATE.read_text(encoding="utf-8")
    for part in ("The test that shows it", "fail", "both pages", "The listing"):
        assert part in template
    assert (ROOT / "docs" / "contributing.en.md").read_text().strip() == '--8<-- "CONTRIBUTING.md"'
    for guide in ("CONTRIBUTING.md", "docs/contributing.md"):  # the English page is the first
        text = (ROOT / guide).read_text(encoding="utf-8")
        assert "PULL_REQUEST_TEMPLATE.md" in text and "claim-looks-wrong.yml" in text, guide

"""The rendering of a claim, the ledger and the errata, from a known status."""

from __future__ import annotations

import re

import pytest
from conftest import rendered_claims

from book import render
from book.sources import PageClaim, TestRef
from book.status import Missing, Status, Verdict

REPO = "https://example.org/book"
ENV_A = {"python": "3.11.7", "implementation": "CPython", "platform": "Linux", "time": "T1"}
ENV_B = {**ENV_A, "python": "3.13.1", "time": "T2"}


def _claim(claim_id, lang, kind="claim", body="It holds."):
    page = "s.md" if lang == "zh" else "s.en.md"
    return PageClaim(claim_id, kind, page, lang, "Heading", body, 3)


def _result(func, param, outcome, reason="", env=ENV_A, line=10):
    return {
        "file": "chapter3/test_s.py",
        "func": func,
        "line": line,
        "param": param,
        "outcome": outcome,
        "reason": reason,
        "duration": 0.25,
        "env": env,
    }


def _ref(func, line):
    return TestRef("x", "chapter3/test_s.py", func, line)


STATUSES = {
    "c-ok": Status(
        "verified",
        [
            _result("test_a", "fork", "passed"),
            _result("test_a", "spawn", "skipped", "Linux only"),
            _result("test_a", "forkserver", "xpassed", "xpass: thought to fail"),
        ],
    ),
    "c-fix": Status("corrected", [_result("test_f", "", "passed", env=ENV_B, line=20)]),
    "c-bad": Status(
        "failed",
        [_result("test_a", "", "failed", "call: assert 1 == 2"), _result("test_x", "", "xfailed")],
        [Missing(_ref("test_b", 30), "spawn")],
    ),
    "c-new": Status("unverified", [], [Missing(_ref("test_c", 40), reason="collect: SyntaxError")]),
    "c-skip": Status("skipped", [_result("test_d", "", "skipped", "needs Mars")]),
}
KINDS = {"c-fix": "correction"}
QUOTE = "> §3.2: the chapter's words.\n\nWhat really happens."


def _claims(lang):
    return [
        _claim(c, lang, KINDS.get(c, "claim"), QUOTE if c in KINDS else f"Statement {c}.")
        for c in STATUSES
    ]


def _words(lang, outcome):
    return render.OUTCOMES_ZH[outcome] if lang == "zh" else outcome


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_claim_block_shows_its_status_and_every_piece_of_evidence(lang):
    w = render.WORDS[lang]
    for claim in _claims(lang):
        st = STATUSES[claim.id]
        html = render.claim_block(claim, st, lang, REPO)
        (shown,) = rendered_claims(html).values()
        assert shown["status"] == st.status
        head = re.search(r'<div class="claim-head">(.*?)</div>', html).group(1)
        assert f"claim-badge--{st.status}" in head and w[st.status] in head
        rows = [(r["kind"], r["func"], r["param"], r["outcome"], r["note"]) for r in shown["rows"]]
        expected = [
            (
                r["outcome"],
                r["func"],
                r["param"] or "—",
                _words(lang, r["outcome"]),
                r["reason"] or "0.25 s",
            )
            for r in st.results
        ] + [
            ("missing", m.test.func, m.param or "—", w["unverified"], m.reason or w["missing"])
            for m in st.missing
        ]
        assert rows == expected, claim.id
        passed = sum(r["outcome"] in ("passed", "xpassed") for r in st.results)
        total = len(st.results) + len(st.missing)
        assert f"{w['evidence']}: {passed}/{total} {w['passed']}</summary>" in html
        envs = re.findall(r'<p class="claim-env">(.*?)</p>', html)
        assert len(envs) == len({r["env"]["python"] for r in st.results}), claim.id
        assert f"--claim {claim.id}</code>" in html
        assert ("claim-chapter" in html) == (claim.kind == "correction")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_correction_shows_what_the_chapter_says_then_what_happens(lang):
    claim = _claim("c-fix", lang, "correction", QUOTE)
    html = render.claim_block(claim, STATUSES["c-fix"], lang, REPO)
    w = render.WORDS[lang]
    said = html.index(f"**{w['chapter']}:** §3.2: the chapter's words.")
    assert said < html.index(f"**{w['actual']}:** What really happens.")
    assert "> §3.2" not in html, "the quote is shown once, as the chapter's words"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ledger_lists_each_claim_with_its_status_and_counts_them(lang):
    claims = _claims(lang) + _claims("en" if lang == "zh" else "zh")
    ledger = render.ledger(claims, STATUSES, {"s": "Section S"}, lang, REPO)
    summary = re.search(r'<p class="ledger-summary">(.*?)</p>', ledger).group(1)
    assert summary.startswith(f"{len(STATUSES)} {render.WORDS[lang]['claims']}")
    for status in ("verified", "corrected", "failed", "unverified", "skipped"):
        assert f"{render.badge(status, lang)} 1" in summary
    assert "## Section S" in ledger
    rows = [line for line in ledger.splitlines() if "#claim-" in line]
    assert len(rows) == len(STATUSES), "one row per claim, in this language only"
    for claim_id, st in STATUSES.items():
        (row,) = [r for r in rows if f"[`{claim_id}`](s.md#claim-{claim_id})" in r]
        assert row.startswith(f"| {render.badge(st.status, lang)} |")
        funcs = list(
            dict.fromkeys([r["func"] for r in st.results] + [m.test.func for m in st.missing])
        )
        assert re.findall(r"\[`(test_\w+)`\]\(", row) == funcs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_errata_list_the_corrections_only_with_their_status(lang):
    errata = render.errata(_claims(lang), STATUSES, {"s": "Section S"}, lang, REPO)
    assert re.findall(r'data-claim-id="([^"]+)" data-claim-status="([a-z]+)"', errata) == [
        ("c-fix", "corrected")
    ]
    assert "§3.2: the chapter's words." in errata and "What really happens." in errata
    assert "(s.md#claim-c-fix)" in errata
    assert f"{REPO}/blob/main/chapter3/test_s.py#L20" in errata


def test_a_printed_listing_part_folds_up_to_the_next_heading_of_its_level():
    page = "\n".join(
        [
            "## 1. Semaphores",
            "### Example 3-7",
            "text",
            "### The printed listing: Example 3-7 { .printed }",
            '<div class="claim" id="claim-a" markdown>',
            "```python",
            "# a comment, not a heading",
            "```",
            "</div>",
            "#### a sub-heading stays inside",
            "## 2. Locks",
            "### The printed listing: Example 3-8 {.printed #p38}",
            "last",
        ]
    )
    folded = render.fold_printed(page)
    first, second = folded.split("## 2. Locks")
    assert "<summary>The printed listing: Example 3-7</summary>" in first
    inside = first.split("<summary>")[1]
    assert "claim-a" in inside and "# a comment" in inside and "#### a sub-heading" in inside
    assert inside.rstrip().endswith("</details>") and first.count("<details") == 1
    assert "### Example 3-7\ntext" in first  # the example itself is not folded
    assert second.count("<details") == 1 and second.rstrip().endswith("</details>")
    assert "last" in second.split("<summary>")[1]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", ["process_sync.ex3_09_buns", "process_sync.ex3_09_buns@buffer_10"])
def test_a_run_block_shows_the_command_that_reproduces_it(lang, key):
    events = [
        {"lane": "MainProcess", "pid": 1, "t": 0.0, "op": "print", "obj": "", "phase": "",
         "value": "hello"},
        {"lane": "Process-1", "pid": 2, "t": 0.1, "op": "sleep", "obj": "", "phase": "begin",
         "value": 0.1},
    ]  # fmt: skip
    run = {"key": key, "method": "fork", "lang": lang, "params": {"size": 2}, "events": events}
    html = render.run_block(run, lang, "A title")
    command = re.findall(r'<p class="example-run-command">.*?<code>(.*?)</code></p>', html)
    # the runner takes the key as the page names it, a variant included, and the page's
    # language; without --method it runs under the default start method, as the site did
    assert command == [f"uv run python -m chapter3.kit.run {key} --quick --lang {lang}"]
    assert html.index("example-run-head") < html.index("example-run-command") < html.index("```")


# --- several environments -------------------------------------------------------------

HERE = "Linux x86_64 · CPython 3.11.7 · GIL · 2 CPU · fork, spawn, forkserver"
ONE_CPU = "Linux x86_64 · CPython 3.11.7 · GIL · 1 CPU · fork, spawn, forkserver"
WINDOWS = "Windows AMD64 · CPython 3.13.1 · GIL · 4 CPU · spawn"


def _where(status, results, missing=(), verdicts=()):
    return Status(status, results, list(missing), [Verdict(w, s) for w, s in verdicts])


def _at(result, where):
    return {**result, "where": where}


def test_short_labels_keep_what_tells_the_environments_apart():
    assert render.short_labels([HERE, ONE_CPU]) == {HERE: "2 CPU", ONE_CPU: "1 CPU"}
    short = render.short_labels([HERE, WINDOWS])
    assert short[WINDOWS] == "Windows AMD64 · CPython 3.13.1 · 4 CPU · spawn"
    assert render.short_labels([HERE]) == {HERE: "Linux x86_64 · CPython 3.11.7"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_claim_over_several_environments_shows_each_ones_verdict_and_rows(lang):
    w = render.WORDS[lang]
    st = _where(
        "verified",
        [
            _at(_result("test_a", "fork", "passed"), HERE),
            _at(_result("test_a", "fork", "skipped", "needs at least two usable CPUs"), ONE_CPU),
        ],
        [Missing(_ref("test_a", 10), "spawn", where=WINDOWS)],
        [(HERE, "verified"), (ONE_CPU, "skipped"), (WINDOWS, "unverified")],
    )
    html = render.claim_block(_claim("c-ok", lang), st, lang, REPO)
    (shown,) = rendered_claims(html).values()
    assert shown["status"] == "verified"
    assert shown["verdicts"] == {HERE: "verified", ONE_CPU: "skipped", WINDOWS: "unverified"}
    short = render.short_labels([HERE, ONE_CPU, WINDOWS])
    assert [(r["env"], r["outcome"]) for r in shown["rows"]] == [
        (short[HERE], _words(lang, "passed")),
        (short[ONE_CPU], _words(lang, "skipped")),
        (short[WINDOWS], w["unverified"]),
    ]
    assert f"<th>{w['environment']}</th>" in html
    assert "claim-finding" not in html, "nothing failed: no platform difference to state"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_claim_true_here_and_false_there_says_where_it_holds(lang):
    w = render.WORDS[lang]
    st = _where(
        "failed",
        [
            _at(_result("test_a", "", "passed"), HERE),
            _at(_result("test_a", "", "failed", "call: assert 0 == 1"), WINDOWS),
        ],
        verdicts=[(HERE, "verified"), (WINDOWS, "failed")],
    )
    html = render.claim_block(_claim("c-bad", lang), st, lang, REPO)
    finding = re.search(r'<p class="claim-finding">(.*?)</p>', html).group(1)
    holds, fails = finding.index(w["holds_on"]), finding.index(w["fails_on"])
    assert holds < finding.index(HERE) < fails < finding.index(WINDOWS)
    assert rendered_claims(html)["c-bad"]["verdicts"] == {HERE: "verified", WINDOWS: "failed"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ledger_says_where_and_when_the_badges_were_earned(lang):
    w = render.WORDS[lang]
    statuses = {
        c: _where(st.status, st.results, st.missing, [(HERE, st.status), (ONE_CPU, "skipped")])
        for c, st in STATUSES.items()
    }
    envs = [
        {"label": HERE, "time": "2026-12-07 20:00 UTC", "results": 12},
        {"label": ONE_CPU, "time": "2026-12-07 21:00 UTC", "results": 7},
    ]
    ledger = render.ledger(_claims(lang), statuses, {"s": "Section S"}, lang, REPO, envs)
    assert f"| {HERE} | 2026-12-07 20:00 UTC | 12 |" in ledger
    assert f"| {ONE_CPU} | 2026-12-07 21:00 UTC | 7 |" in ledger
    assert f"| {w['platforms']} |" in ledger.split("## Section S")[1]
    for claim_id, st in statuses.items():
        (row,) = [r for r in ledger.splitlines() if f"#claim-{claim_id})" in r]
        assert f'data-env="{HERE}" data-env-status="{st.status}"' in row
        assert f'data-env="{ONE_CPU}" data-env-status="skipped"' in row


def test_a_chinese_page_names_a_free_threaded_build_in_chinese():
    free = WINDOWS.replace("GIL", "free-threaded")
    st = _where("verified", [], verdicts=[(HERE, "verified"), (free, "verified")])
    zh = render.claim_block(_claim("c-ok", "zh"), st, "zh", REPO)
    en = render.claim_block(_claim("c-ok", "en"), st, "en", REPO)
    assert "自由线程" in zh and "free-threaded" not in zh.replace(f'data-env="{free}"', "")
    assert "free-threaded" in en.replace(f'data-env="{free}"', "")
    assert rendered_claims(zh)["c-ok"]["verdicts"] == rendered_claims(en)["c-ok"]["verdicts"]

"""The rules that tie pages and tests together, and how a claim's status is decided."""

from __future__ import annotations

import pytest
from conftest import write

from book import report
from book.sources import TestRef, claims_in_tests, page_claims, problems
from book.status import claim_status, everywhere, fresh_results


def test_the_book_as_it_is_breaks_no_rule():
    assert problems(page_claims(), claims_in_tests()) == []


def _block(kind: str, claim: str, text: str) -> str:
    quote = "> §3.1: the chapter says so.\n\n    " if kind == "correction" else ""
    return f'!!! {kind} "{claim}"\n    {quote}{text}\n\n'


def _book(tmp_path, zh_claims, en_claims, tested):
    """Pages stating ``zh_claims``/``en_claims`` (an id, or a (kind, id) pair) and tests
    carrying ``tested``; the problems found."""

    def page(claims, text):
        pairs = [c if isinstance(c, tuple) else ("claim", c) for c in claims]
        return "# S\n\n" + "".join(_block(kind, c, text) for kind, c in pairs)

    docs, tests = tmp_path / "docs", tmp_path / "chapter3"
    write(docs / "s.md", page(zh_claims, "中文。"))
    write(docs / "s.en.md", page(en_claims, "English."))
    write(
        tests / "test_s.py",
        "import pytest\n"
        + "".join(
            f'@pytest.mark.claim("{c}")\ndef test_{i}():\n    pass\n' for i, c in enumerate(tested)
        ),
    )
    return problems(page_claims(docs), claims_in_tests(tests))


def test_a_claim_without_a_test_is_reported(tmp_path):
    found = _book(tmp_path, ["a-b"], ["a-b"], [])
    assert any("claim 'a-b' has no test" in p for p in found)


def test_a_correction_without_a_test_is_reported(tmp_path):
    fixed = ("correction", "a-b")
    found = _book(tmp_path, [fixed, "c-d"], [fixed, "c-d"], ["c-d"])
    assert found and all("correction 'a-b' has no test" in p for p in found), found


def test_a_test_naming_an_unstated_claim_is_reported(tmp_path):
    found = _book(tmp_path, [], [], ["ghost-claim"])
    assert any("'ghost-claim', which no page states" in p for p in found)


def test_languages_that_disagree_are_reported(tmp_path):
    found = _book(tmp_path, ["a-b", "c-d"], ["a-b"], ["a-b", "c-d"])
    assert any("disagree" in p for p in found)
    found = _book(tmp_path, ["a-b", "c-d"], ["c-d", "a-b"], ["a-b", "c-d"])
    assert any("disagree" in p for p in found), "a different order must be reported too"


@pytest.mark.parametrize("zh_kind, en_kind", [("claim", "correction"), ("correction", "claim")])
def test_a_claim_in_one_language_and_a_correction_in_the_other_is_reported(
    tmp_path, zh_kind, en_kind
):
    found = _book(tmp_path, [(zh_kind, "a-b"), "c-d"], [(en_kind, "a-b"), "c-d"], ["a-b", "c-d"])
    assert len(found) == 1, found
    assert "disagree" in found[0] and f"a-b ({zh_kind} in zh, {en_kind} in en)" in found[0]


def test_agreeing_pages_and_tests_pass(tmp_path):
    assert _book(tmp_path, ["a-b", "c-d"], ["a-b", "c-d"], ["a-b", "c-d"]) == []
    fixed = ("correction", "a-b")
    assert _book(tmp_path, [fixed, "c-d"], [fixed, "c-d"], ["a-b", "c-d"]) == []


def test_ids_must_be_kebab_case_and_corrections_quote_the_chapter(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "s.md", '!!! claim "Not_Kebab"\n    x\n\n!!! correction "no-quote"\n    y\n')
    found = problems(
        page_claims(docs), [TestRef("Not_Kebab", "t", "f", 1), TestRef("no-quote", "t", "f", 1)]
    )
    assert any("not kebab-case" in p for p in found)
    assert any("must open with a '>' quote" in p for p in found)


@pytest.mark.parametrize("lang_page", ["s.md", "s.en.md"])
def test_a_correction_missing_its_quote_in_one_language_is_reported(tmp_path, lang_page):
    """The quote must lead the block, in each language; a quote further down is no quote."""
    docs = tmp_path / "docs"
    quoted = '!!! correction "a-b"\n    > §3.1: the chapter.\n\n    What happens.\n'
    write(docs / "s.md", quoted)
    write(docs / "s.en.md", quoted)
    write(docs / lang_page, '!!! correction "a-b"\n    What happens.\n\n    > a late quote\n')
    found = problems(page_claims(docs), [TestRef("a-b", "t", "f", 1)])
    assert found == [
        f"docs/{lang_page}:1: correction 'a-b' must open with a '>' quote of the chapter"
    ]


# --- statuses -------------------------------------------------------------------------

TESTS = [
    TestRef("c-1", "chapter3/test_s.py", "test_a", 1),
    TestRef("c-1", "chapter3/test_s.py", "test_b", 5),
]


def _report(tmp_path, results, errors=None) -> dict:
    """A report of claim c-1, carried by test_a and test_b; ``results`` are
    (test, param, outcome, fresh) rows."""
    write(tmp_path / "chapter3" / "test_s.py", "def test_a(): pass\n")
    stamp = report.fingerprint(tmp_path / "chapter3" / "test_s.py")
    return {
        "runs": {"r": {"python": "3"}},
        "errors": errors or {},
        "tests": {
            f"chapter3/test_s.py::{func}[{param}]": {
                "claims": ["c-1"],
                "file": "chapter3/test_s.py",
                "func": func,
                "line": {"test_a": 1, "test_b": 5}[func],
                "param": param,
                "outcome": outcome,
                "reason": "",
                "duration": 0.1,
                "run": "r",
                "fingerprint": stamp if fresh else "an-older-one",
            }
            for func, param, outcome, fresh in results
        },
    }


def _status(tmp_path, results, kind="claim", errors=None):
    """The status of claim c-1 from the report :func:`_report` makes."""
    data = _report(tmp_path, results, errors)
    return claim_status("c-1", kind, TESTS, data, fresh_results(data, root=tmp_path))


def _both(outcome_a, outcome_b, fresh=(True, True, True, True)):
    """test_a and test_b, each under fork and spawn (test_b: if it has outcomes)."""
    rows = [("test_a", "fork"), ("test_a", "spawn"), ("test_b", "fork"), ("test_b", "spawn")]
    outcomes = [*outcome_a, *outcome_b]
    return [(f, p, o, ok) for (f, p), o, ok in zip(rows, outcomes, fresh, strict=False)]


P, S, F = "passed", "skipped", "failed"
OLD = (True, True, True, False)  # test_b[spawn] is stale

STATUSES = [
    ("all passed", _both([P, P], [P, P]), "verified"),
    ("passed and skipped", _both([P, S], [S, P]), "verified"),
    ("an xpassed test passed", _both([P, "xpassed"], [P, P]), "verified"),
    ("all skipped", _both([S, S], [S, S]), "skipped"),
    ("one parameter failed", _both([P, P], [P, F]), "failed"),
    ("one parameter xfailed", _both([P, P], ["xfailed", P]), "failed"),
    ("a stale parameter", _both([P, P], [P, P], OLD), "unverified"),
    ("a stale failure counts for nothing", _both([P, P], [P, F], OLD), "unverified"),
    ("a fresh failure beside a stale one", _both([F, P], [P, P], OLD), "failed"),
    ("skipped but for a stale one", _both([S, S], [S, P], OLD), "unverified"),
    ("test_b never ran", _both([P, P], []), "unverified"),
    ("test_b never ran, test_a failed", _both([P, F], []), "failed"),
    ("no result at all", [], "unverified"),
]


@pytest.mark.parametrize(
    "results, expected", [s[1:] for s in STATUSES], ids=[s[0] for s in STATUSES]
)
def test_the_status_of_a_claim_with_two_tests_and_two_parameters(tmp_path, results, expected):
    assert _status(tmp_path, results).status == expected
    fixed = {"verified": "corrected"}.get(expected, expected)
    assert _status(tmp_path, results, kind="correction").status == fixed


def test_what_has_no_fresh_result_is_listed_and_only_fresh_results_count(tmp_path):
    st = _status(tmp_path, _both([P, P], [P, F], OLD))
    assert [(r["func"], r["param"]) for r in st.results] == [
        ("test_a", "fork"),
        ("test_a", "spawn"),
        ("test_b", "fork"),
    ]
    assert [(m.test.func, m.param) for m in st.missing] == [("test_b", "spawn")]
    st = _status(tmp_path, _both([P, P], [P, P], (True, True, False, False)))
    assert [(m.test.func, m.param) for m in st.missing] == [("test_b", "")]


def test_a_module_that_failed_to_collect_says_why_its_tests_have_no_result(tmp_path):
    errors = {"chapter3/test_s.py": {"reason": "collect: SyntaxError: oops", "run": "r"}}
    st = _status(tmp_path, [], errors=errors)
    assert st.status == "unverified"
    assert [m.reason for m in st.missing] == ["collect: SyntaxError: oops"] * 2
    elsewhere = {"chapter3/test_t.py": {"reason": "collect: x", "run": "r"}}
    assert [m.reason for m in _status(tmp_path, [], errors=elsewhere).missing] == ["", ""]


# --- several environments -------------------------------------------------------------

EVERYWHERE = [  # each environment's results, then the claim's status over all of them
    ("verified in all", [_both([P, P], [P, P]), _both([P, S], [P, P])], "verified"),
    ("verified here, skipped there", [_both([P, P], [P, P]), _both([S, S], [S, S])], "verified"),
    ("verified here, failed there", [_both([P, P], [P, P]), _both([P, P], [F, P])], "failed"),
    ("stale there: that one only", [_both([P, P], [P, P]), _both([P, P], [P, P], OLD)], "verified"),
    ("stale there, failed here", [_both([P, F], [P, P]), _both([P, P], [P, P], OLD)], "failed"),
    ("skipped here, stale there", [_both([S, S], [S, S]), _both([P, P], [P, P], OLD)], "skipped"),
    ("stale everywhere", [_both([P, P], [P, P], OLD), _both([P, P], [], OLD)], "unverified"),
]


@pytest.mark.parametrize(
    "per_env, expected", [s[1:] for s in EVERYWHERE], ids=[s[0] for s in EVERYWHERE]
)
def test_a_claim_over_several_environments_has_each_ones_verdict(tmp_path, per_env, expected):
    reports = []
    for i, results in enumerate(per_env):
        data = _report(tmp_path, results)
        reports.append((f"env {i}", data, fresh_results(data, root=tmp_path)))
    fixed_kind = {"verified": "corrected"}.get(expected, expected)
    for kind, fixed in (("claim", expected), ("correction", fixed_kind)):
        st = everywhere("c-1", kind, TESTS, reports)
        assert st.status == fixed
        alone = [claim_status("c-1", kind, TESTS, d, f).status for _, d, f in reports]
        assert [(v.where, v.status) for v in st.verdicts] == list(
            zip(["env 0", "env 1"], alone, strict=True)
        ), "each environment's verdict is its own report's status"
    assert {r["where"] for r in st.results} <= {"env 0", "env 1"}
    assert all(m.where for m in st.missing), "a missing result says in which environment"


def test_one_environment_gives_the_status_its_report_alone_gives(tmp_path):
    for _name, results, _expected in STATUSES:
        data = _report(tmp_path, results)
        fresh = fresh_results(data, root=tmp_path)
        assert (
            everywhere("c-1", "claim", TESTS, [("here", data, fresh)]).status
            == claim_status("c-1", "claim", TESTS, data, fresh).status
        )

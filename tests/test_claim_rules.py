"""The rules that tie pages and tests together, and how a claim's status is decided."""

from __future__ import annotations

import textwrap

from book import report
from book.sources import TestRef, claims_in_tests, page_claims, problems
from book.status import claim_status, fresh_tests


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_book_as_it_is_breaks_no_rule():
    assert problems(page_claims(), claims_in_tests()) == []


def _book(tmp_path, zh_claims, en_claims, tested):
    docs, tests = tmp_path / "docs", tmp_path / "chapter3"
    write(docs / "s.md", "# S\n\n" + "".join(f'!!! claim "{c}"\n    中文。\n\n' for c in zh_claims))
    write(
        docs / "s.en.md",
        "# S\n\n" + "".join(f'!!! claim "{c}"\n    English.\n\n' for c in en_claims),
    )
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
    assert any("'a-b' has no test" in p for p in found)


def test_a_test_naming_an_unstated_claim_is_reported(tmp_path):
    found = _book(tmp_path, [], [], ["ghost-claim"])
    assert any("'ghost-claim', which no page states" in p for p in found)


def test_languages_that_disagree_are_reported(tmp_path):
    found = _book(tmp_path, ["a-b", "c-d"], ["a-b"], ["a-b", "c-d"])
    assert any("disagree" in p for p in found)
    found = _book(tmp_path, ["a-b", "c-d"], ["c-d", "a-b"], ["a-b", "c-d"])
    assert any("disagree" in p for p in found), "a different order must be reported too"


def test_agreeing_pages_and_tests_pass(tmp_path):
    assert _book(tmp_path, ["a-b", "c-d"], ["a-b", "c-d"], ["a-b", "c-d"]) == []


def test_ids_must_be_kebab_case_and_corrections_quote_the_chapter(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "s.md", '!!! claim "Not_Kebab"\n    x\n\n!!! correction "no-quote"\n    y\n')
    found = problems(
        page_claims(docs), [TestRef("Not_Kebab", "t", "f", 1), TestRef("no-quote", "t", "f", 1)]
    )
    assert any("not kebab-case" in p for p in found)
    assert any("must open with a '>' quote" in p for p in found)


def _status(tmp_path, outcomes, kind="claim", touch=False):
    tests = tmp_path / "chapter3"
    write(tests / "test_s.py", "def test_a(): pass\n")
    refs = [TestRef("c-1", "chapter3/test_s.py", "test_a", 1)]
    stamp = report.fingerprint(tests / "test_s.py")
    data = {
        "runs": {"r": {"python": "3"}},
        "tests": {
            f"chapter3/test_s.py::test_a[{i}]": {
                "claims": ["c-1"],
                "file": "chapter3/test_s.py",
                "func": "test_a",
                "line": 1,
                "param": str(i),
                "outcome": o,
                "reason": "",
                "duration": 0.1,
                "run": "r",
                "fingerprint": stamp,
            }
            for i, o in enumerate(outcomes)
        },
    }
    if touch:
        write(tests / "test_s.py", "def test_a(): assert True\n")
    return claim_status("c-1", kind, refs, data, fresh_tests(data, root=tmp_path)).status


def test_status_follows_the_outcomes(tmp_path):
    assert _status(tmp_path, ["passed", "passed"]) == "verified"
    assert _status(tmp_path, ["passed", "skipped"]) == "verified"
    assert _status(tmp_path, ["passed", "passed"], kind="correction") == "corrected"
    assert _status(tmp_path, ["passed", "failed"]) == "failed"
    assert _status(tmp_path, ["skipped", "skipped"]) == "skipped"


def test_no_result_or_a_stale_one_is_never_verified(tmp_path):
    assert _status(tmp_path, []) == "unverified"
    assert _status(tmp_path, ["passed"], touch=True) == "unverified"

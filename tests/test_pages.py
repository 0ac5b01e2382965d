"""Every section page opens with its key points and ends with its common mistakes.

A section page is a page that states claims. In both languages it opens (its first ``##``
section) with 5–7 key points and ends (its last ``##`` section, or the one before the
exercises) with the common mistakes; every bullet of both links a claim that exists, as
``[…](#claim-<id>)`` on the same page or ``[…](other.md#claim-<id>)`` on another.
"""

from __future__ import annotations

import re

import pytest

from book.sources import DOCS, page_claims, page_lang, page_stem

TITLES = {
    "zh": {"key": "要点", "mistakes": "常见错误", "exercises": "练习"},
    "en": {"key": "Key points", "mistakes": "Common mistakes", "exercises": "Exercises"},
}
FENCE = re.compile(r"^[ \t]*```.*?^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)
SECTION = re.compile(r"^## +(.+?)\s*(?:\{[^}]*\})?\s*$", re.MULTILINE)
CLAIM_LINK = re.compile(r"\]\((?P<page>[a-z0-9-]+\.md)?#claim-(?P<id>[^)\s]+)\)")
KEY_POINTS = range(5, 8)


def sections(markdown: str) -> list[tuple[str, str]]:
    """Each ``##`` section of a page, in order: its title and its text up to the next."""
    text = FENCE.sub("", markdown)
    heads = list(SECTION.finditer(text))
    return [
        (h.group(1), text[h.end() : nxt.start() if nxt else len(text)])
        for h, nxt in zip(heads, [*heads[1:], None], strict=True)
    ]


def bullets(section: str) -> list[str]:
    """The top-level bullets of a section, each with its continuation lines."""
    items: list[str] = []
    open_ = False  # whether an indented line continues the last bullet
    for line in section.splitlines():
        if line.startswith(("- ", "* ")):
            items.append(line[2:])
            open_ = True
        elif open_ and line.strip() and line[:1] in (" ", "\t"):
            items[-1] += " " + line.strip()
        else:  # a blank line or a paragraph ends the bullet
            open_ = False
    return items


def claim_ids(claims) -> dict[tuple[str, str], set[str]]:
    """The claim ids each page states, by (page stem, language)."""
    out: dict[tuple[str, str], set[str]] = {}
    for c in claims:
        out.setdefault((c.section, c.lang), set()).add(c.id)
    return out


def page_problems(markdown: str, page: str, ids: dict[tuple[str, str], set[str]]) -> list[str]:
    """What keeps one section page from opening with key points and ending with mistakes."""
    lang, stem, titles = page_lang(page), page_stem(page), TITLES[page_lang(page)]
    found = sections(markdown)
    names = [name for name, _ in found]
    out = []

    def linked(where: str, items: list[str]) -> None:
        for item in items:
            links = list(CLAIM_LINK.finditer(item))
            if not links:
                out.append(f"{page}: {where}: a bullet links no claim: {item[:80]!r}")
            for m in links:
                target = page_stem(m.group("page")) if m.group("page") else stem
                if m.group("id") not in ids.get((target, lang), set()):
                    out.append(f"{page}: {where}: {m.group(0)} names no claim of {target} ({lang})")

    if not names or names[0] != titles["key"]:
        out.append(f"{page}: the first ## section must be {titles['key']!r}, not {names[:1]}")
    else:
        items = bullets(found[0][1])
        if len(items) not in KEY_POINTS:
            out.append(f"{page}: {len(items)} key points; there must be 5 to 7")
        linked(titles["key"], items)
    last = names[:-1] if names and names[-1] == titles["exercises"] else names
    if not last or last[-1] != titles["mistakes"]:
        out.append(
            f"{page}: the last ## section (before {titles['exercises']!r}) must be "
            f"{titles['mistakes']!r}, not {last[-1:]}"
        )
    else:
        items = bullets(found[len(last) - 1][1])
        if not items:
            out.append(f"{page}: {titles['mistakes']!r} lists no mistake")
        linked(titles["mistakes"], items)
    return out


CLAIMS = page_claims()
IDS = claim_ids(CLAIMS)
SECTION_PAGES = sorted({c.page for c in CLAIMS})


def test_every_section_page_is_checked_in_both_languages():
    stems = {page_stem(p) for p in SECTION_PAGES}
    assert len(stems) >= 7, stems
    assert {(page_stem(p), page_lang(p)) for p in SECTION_PAGES} == {
        (s, lang) for s in stems for lang in TITLES
    }


@pytest.mark.parametrize("page", SECTION_PAGES)
def test_section_page_opens_with_key_points_and_ends_with_common_mistakes(page):
    assert page_problems((DOCS / page).read_text(encoding="utf-8"), page, IDS) == []


# The check itself, on small pages: it must catch each way of breaking the rule.

IDS_HERE = {("s", "zh"): {"a", "b"}, ("t", "zh"): {"c"}}
GOOD_KEY_POINTS = "".join(f"- 第 {i} 条（[`a`](#claim-a)）\n" for i in range(5))
GOOD_MISTAKES = "- 错误（[`b`](#claim-b)、[`c`](t.md#claim-c)；[练习 1](#exercise-1)）\n"


def _page(key_points=GOOD_KEY_POINTS, mistakes=GOOD_MISTAKES, tail="") -> str:
    return (
        f"# S\n\n引言。\n\n## 要点\n\n{key_points}\n## 本页导读\n\n正文。\n\n"
        f'```python\n## 不是标题\n```\n\n## 一\n\n!!! claim "a"\n    论断。\n\n'
        f"## 常见错误\n\n{mistakes}{tail}"
    )


def test_a_page_that_keeps_the_rule_passes():
    assert page_problems(_page(), "s.md", IDS_HERE) == []
    assert page_problems(_page(tail="\n## 练习\n\n练习 1。\n"), "s.md", IDS_HERE) == []


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        (_page(key_points=GOOD_KEY_POINTS + "- 无链接的一条\n"), "links no claim"),
        (_page(key_points="- [`a`](#claim-a)\n" * 4), "4 key points"),
        (_page(key_points="- [`a`](#claim-a)\n" * 8), "8 key points"),
        (_page(key_points=GOOD_KEY_POINTS.replace("#claim-a", "#claim-x", 1)), "no claim of s"),
        (_page(mistakes="- 错误（[`a`](t.md#claim-a)）\n"), "no claim of t"),
        (_page(mistakes="- 没有链接的错误\n"), "links no claim"),
        (_page(mistakes=""), "lists no mistake"),
        (_page(tail="\n## 后记\n\n- [`a`](#claim-a)\n"), "the last ## section"),
        ("# S\n\n## 一\n\n" + _page().split("\n", 1)[1], "the first ## section"),
    ],
    ids=[
        "unlinked",
        "too-few",
        "too-many",
        "unknown-id",
        "id-of-another-page",
        "unlinked-mistake",
        "no-mistakes",
        "mistakes-not-last",
        "key-points-not-first",
    ],
)
def test_each_way_of_breaking_the_rule_is_reported(page, problem):
    found = page_problems(page, "s.md", IDS_HERE)
    assert any(problem in p for p in found), found

"""Where claims are stated (the pages) and where they are tested (the test modules).

A page states a claim with an admonition-like block whose body is Markdown:

    !!! claim "threads-share-pid"
        Every thread of a process reports the process's PID.

    !!! correction "timeslice-expiry-is-not-blocking"
        > The chapter: a process whose time slice runs out becomes blocked.

        What happens: it goes back to the ready queue ...

and shows a real run of an example with ``!!! run "concepts:two_processes"``.
A test names its claim with ``@pytest.mark.claim("threads-share-pid")``.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TESTS = ROOT / "chapter3"
LANGS = ("zh", "en")

BLOCK = re.compile(
    r'^!!! (?P<kind>claim|correction|run|figure|ledger|errata) "(?P<arg>[^"]+)"[ \t]*(?:\n|\Z)'
    r"(?P<body>(?:(?:    |\t).*(?:\n|\Z)|[ \t]*\n)*)",
    re.MULTILINE,
)
HEADING = re.compile(r"^(#{1,4}) +(.+?)\s*(?:\{[^}]*\})?\s*$", re.MULTILINE)
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class PageClaim:
    id: str
    kind: str  # "claim" or "correction"
    page: str  # source path relative to docs/, e.g. "concepts.en.md"
    lang: str
    heading: str  # the heading the claim stands under
    body: str  # Markdown, dedented
    line: int

    @property
    def section(self) -> str:
        """The page stem shared by both languages: ``concepts``."""
        return page_stem(self.page)

    @property
    def chapter_says(self) -> str:
        """For a correction: the leading blockquote, what the chapter states."""
        quote = re.match(r"((?:>.*\n?)+)", self.body)
        return re.sub(r"^> ?", "", quote.group(1), flags=re.MULTILINE).strip() if quote else ""

    @property
    def statement(self) -> str:
        """The body without the chapter's quote: what the book states."""
        return re.sub(r"^(?:>.*\n?)+", "", self.body).strip()


def page_lang(page: str) -> str:
    return "en" if page.endswith(".en.md") else "zh"


def page_stem(page: str) -> str:
    return page.removesuffix(".md").removesuffix(".en")


def blocks(markdown: str):
    """Each claim, correction, run or figure block of a page, with its heading and line."""
    for m in BLOCK.finditer(markdown):
        before = markdown[: m.start()]
        headings = HEADING.findall(before)
        heading = headings[-1][1] if headings else ""
        body = textwrap.dedent(m.group("body")).strip()
        yield m, heading, body, before.count("\n") + 1


def page_claims(docs: Path = DOCS) -> list[PageClaim]:
    """Every claim stated on every page, both languages."""
    out = []
    for path in sorted(docs.rglob("*.md")):
        page = path.relative_to(docs).as_posix()
        for m, heading, body, line in blocks(path.read_text(encoding="utf-8")):
            if m.group("kind") in ("claim", "correction"):
                out.append(
                    PageClaim(
                        m.group("arg"), m.group("kind"), page, page_lang(page), heading, body, line
                    )
                )
    return out


@dataclass(frozen=True)
class TestRef:
    __test__ = False  # a record about a test, not a test: pytest must not collect it

    claim: str
    file: str  # relative to the repository root
    func: str
    line: int


def claims_in_tests(tests: Path = TESTS) -> list[TestRef]:
    """Every ``@pytest.mark.claim("...")`` on a test function or class, read statically."""
    out = []
    for path in sorted(tests.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            for deco in node.decorator_list:
                if (
                    isinstance(deco, ast.Call)
                    and isinstance(deco.func, ast.Attribute)
                    and deco.func.attr == "claim"
                    and deco.args
                    and isinstance(deco.args[0], ast.Constant)
                ):
                    rel = path.relative_to(tests.parent).as_posix()
                    out.append(TestRef(deco.args[0].value, rel, node.name, node.lineno))
    return out


def problems(claims: list[PageClaim], tests: list[TestRef]) -> list[str]:
    """Everything that breaks the rules tying pages and tests together."""
    out = []
    tested = {t.claim for t in tests}
    stated = {c.id for c in claims}
    seen: dict[tuple[str, str], PageClaim] = {}
    for c in claims:
        where = f"docs/{c.page}:{c.line}"
        if not KEBAB.fullmatch(c.id):
            out.append(f"{where}: {c.kind} id {c.id!r} is not kebab-case")
        if c.id not in tested:
            out.append(f"{where}: {c.kind} {c.id!r} has no test carrying @pytest.mark.claim")
        if c.kind == "correction" and not c.chapter_says:
            out.append(f"{where}: correction {c.id!r} must open with a '>' quote of the chapter")
        if (c.id, c.lang) in seen:
            out.append(f"{where}: {c.kind} {c.id!r} is stated twice in {c.lang}")
        seen[(c.id, c.lang)] = c
    for t in tests:
        if t.claim not in stated:
            out.append(f"{t.file}:{t.line}: test names claim {t.claim!r}, which no page states")
    by_section: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for c in claims:
        by_section.setdefault(c.section, {}).setdefault(c.lang, []).append((c.id, c.kind))
    for section, langs in sorted(by_section.items()):
        zh, en = langs.get("zh", []), langs.get("en", [])
        if zh == en:
            continue
        kinds = {i: k for i, k in en}
        differ = [f"{i} ({k} in zh, {kinds[i]} in en)" for i, k in zh if kinds.get(i, k) != k]
        ids_zh, ids_en = [i for i, _ in zh], [i for i, _ in en]
        out.append(
            f"docs/{section}: the Chinese and English pages disagree on their claims "
            f"(only zh: {sorted(set(ids_zh) - set(ids_en))}, "
            f"only en: {sorted(set(ids_en) - set(ids_zh))}, "
            f"order differs: {ids_zh != ids_en}, kind differs: {differ})"
        )
    return out

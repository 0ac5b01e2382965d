"""Code on a page is included from a tested module, never pasted."""

from __future__ import annotations

import re

import pytest

from book.sources import DOCS, ROOT

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```",
    re.MULTILINE | re.DOTALL,
)
SNIPPET = re.compile(r'^--8<-- "(?P<file>[^":]+)(?::(?P<section>[\w-]+))?"$')
PROSE_LANGS = {"bash", "console", "shell", "sh", "text", "txt", ""}


def blocks():
    for path in sorted(DOCS.rglob("*.md")):
        for m in FENCE.finditer(path.read_text(encoding="utf-8")):
            yield path.relative_to(ROOT).as_posix(), m.group("lang"), m.group("body")


CODE = [(p, body) for p, lang, body in blocks() if lang not in PROSE_LANGS]


def test_there_is_code_to_check():
    assert CODE


@pytest.mark.parametrize(("page", "body"), CODE, ids=[p for p, _ in CODE])
def test_code_block_is_a_snippet_of_a_tested_module(page, body):
    lines = [ln.strip() for ln in body.strip().splitlines()]
    assert lines, f"{page}: empty code block"
    for line in lines:
        m = SNIPPET.match(line)
        assert m, f"{page}: pasted code ({line!r}); include it with --8<-- from chapter3/"
        file = ROOT / m.group("file")
        assert file.suffix == ".py" and "chapter3" in file.parts, f"{page}: {line}"
        if m.group("section"):
            text = file.read_text(encoding="utf-8")
            assert f"[start:{m.group('section')}]" in text, f"{page}: no section {line}"
            assert f"[end:{m.group('section')}]" in text, f"{page}: unclosed section {line}"
        module = file
        if file.parent.name.startswith("_scripts_"):  # a script that a section's program runs
            module = file.parent.parent / f"{file.parent.name.removeprefix('_scripts_')}.py"
            assert file.name in module.read_text(encoding="utf-8"), f"{module} never runs {file}"
        if module.parent.name != "chapter3":  # a listing: a test beside it in its package runs it
            tests = sorted(module.parent.glob("test_*.py"))
        else:
            tests = [module.with_name(f"test_{module.name}")]
            assert tests[0].exists(), f"{page}: {module.name} has no test module"
        assert any(
            re.search(rf"\b{module.stem}\b", t.read_text(encoding="utf-8")) for t in tests
        ), f"{page}: no test module beside {module.name} imports it"

"""The built site: both languages, every claim rendered with a status, nothing external."""

from __future__ import annotations

import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import rendered_claims

from book import report
from book.hooks import captured_run
from book.render import is_example, run_view
from book.sources import claims_in_tests, page_claims, page_stem
from book.status import claim_status, fresh_results
from book.svg import worth_drawing

STATUSES = {"verified", "corrected", "skipped", "failed", "unverified"}


def html_of(site, page: str, lang: str) -> str:
    stem = page_stem(page)
    folder = site if lang == "zh" else site / "en"
    path = folder / "index.html" if stem == "index" else folder / stem / "index.html"
    return path.read_text(encoding="utf-8")


@pytest.mark.timeout(900)
def test_every_claim_is_rendered_with_a_status_in_both_languages(built_site):
    claims = page_claims()
    assert claims, "no claim on any page"
    for claim in claims:
        html = html_of(built_site, claim.page, claim.lang)
        found = re.findall(
            rf'data-claim-id="{re.escape(claim.id)}" data-claim-status="([a-z]+)"', html
        )
        assert len(found) == 1, f"{claim.page}: claim {claim.id} rendered {len(found)} times"
        assert found[0] in STATUSES


@pytest.mark.timeout(900)
def test_every_claim_shows_the_status_and_evidence_its_report_gives(built_site, site_report):
    """The report the site was built from, read again: the pages must say what it says."""
    data, tests = report.load(site_report), claims_in_tests()
    fresh = fresh_results(data)
    pages: dict[tuple[str, str], dict] = {}
    for c in page_claims():
        if (c.page, c.lang) not in pages:
            pages[(c.page, c.lang)] = rendered_claims(html_of(built_site, c.page, c.lang))
        shown = pages[(c.page, c.lang)][c.id]
        st = claim_status(c.id, c.kind, tests, data, fresh)
        assert shown["status"] == st.status, f"{c.page}: {c.id}"
        rows = [(r["func"], r["param"]) for r in shown["rows"]]
        expected = [(r["func"], r["param"] or "—") for r in st.results]
        expected += [(m.test.func, m.param or "—") for m in st.missing]
        assert rows == expected, f"{c.page}: {c.id}"


@pytest.mark.timeout(900)
def test_ledger_and_errata_list_every_claim_and_correction(built_site):
    claims = page_claims()
    for lang in ("zh", "en"):
        ledger = html_of(built_site, "ledger.md", lang)
        errata = html_of(built_site, "errata.md", lang)
        for c in (c for c in claims if c.lang == lang):
            assert f"#claim-{c.id}" in ledger, f"ledger ({lang}) misses {c.id}"
            if c.kind == "correction":
                assert f'data-claim-id="{c.id}"' in errata, f"errata ({lang}) misses {c.id}"


class _Loads(HTMLParser):
    """Collects every URL the browser would fetch by itself (not links the reader clicks)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") not in ("canonical", "alternate"):
            self.urls.append(a["href"])


def outside_loads(site: Path) -> list[str]:
    """What the pages of ``site`` would load from outside it, each with its page."""
    outside = []
    for page in site.rglob("*.html"):
        parser = _Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        outside += [
            f"{page.relative_to(site)}: {u}" for u in parser.urls if re.match(r"^(https?:)?//", u)
        ]
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        outside += [
            f"{css.name}: {u}" for u in re.findall(r"@import\s+url\((https?:[^)]+)\)", text)
        ]
    return outside


@pytest.mark.timeout(900)
def test_the_site_loads_nothing_from_outside(built_site):
    outside = outside_loads(built_site)
    assert not outside, outside[:20]


@pytest.mark.timeout(900)
def test_each_page_switches_language_and_has_search(built_site):
    zh = html_of(built_site, "concepts.md", "zh")
    en = html_of(built_site, "concepts.md", "en")
    assert 'lang="zh"' in zh and 'lang="en"' in en
    assert 'hreflang="en"' in zh and 'hreflang="zh"' in en
    index = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))
    assert set(index["config"]["lang"]) >= {"zh", "en"}
    docs = index["docs"]
    assert any("\u200b" in d["text"] for d in docs), "Chinese text was not segmented (jieba)"
    assert any(d["location"].startswith("en/") for d in docs), "English pages are not indexed"


@pytest.mark.timeout(900)
def test_the_search_index_leaves_the_timelines_out(built_site):
    # their hover texts ("join ForkProcess-1 · blocked ... 0.070 s") made up most of the
    # index, which every page downloads and indexes on load, and matched nothing useful
    # (the build sets the drawings aside while Markdown and the search index read the page)
    index = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))
    text = "\n".join(d["text"] for d in index["docs"])
    pages = {p: p.read_text("utf-8") for p in built_site.rglob("index.html")}
    assert [p for p, html in pages.items() if "data-drawing=" in html] == [], "not put back"
    hovers = {
        t
        for html in pages.values()
        for svg in re.findall(r'<svg class="timeline.*?</svg>', html, re.S)
        for t in re.findall(r"<rect[^>]*><title>([^<]{12,})</title>", svg)
    }
    assert len(hovers) > 100, "no timeline found on the pages"
    assert [t for t in hovers if t in text] == []


@pytest.mark.timeout(900)
def test_every_example_run_shows_output_and_a_timeline_worth_drawing(built_site):
    drawn = 0
    for page in built_site.rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        lang = "en" if page.relative_to(built_site).parts[0] == "en" else "zh"
        starts = [m.start() for m in re.finditer(r'<div class="example-run"', html)]
        for start, end in itertools.pairwise([*starts, len(html)]):
            block = html[start:end]
            key = re.match(r'<div class="example-run" data-example="([^"]+)"', block).group(1)
            run = captured_run(key, lang=lang)  # the run this page shows: runs differ
            assert "<pre" in block, f"{page}: {key} without its output"
            command = f"<code>uv run python -m chapter3.kit.run {key} --quick --lang {lang}</code>"
            assert command in block, f"{page}: {key} without the command that reproduces it"
            ending = re.search(r'class="(timeline-figure|example-run-caption)"', block)
            assert ending, f"{page}: {key} has neither a figure nor a caption"
            if worth_drawing(run_view(run, lang)[0]) or is_example(run):  # 例 3-x: a figure
                assert ending.group(1) == "timeline-figure", f"{page}: {key} without a figure"
                assert "<svg" in block and "tl-label" in block
                drawn += 1
            else:
                assert ending.group(1) == "example-run-caption", f"{page}: {key}: empty figure"
    assert drawn > 50

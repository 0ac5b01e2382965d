"""The built site in a real browser: Debian's Chromium, driven by Playwright.

Every claim shows its badge and its evidence opens; the language switch leads to the same
section; search finds Chinese and English words; no page asks anything of another host; a
phone's width scrolls only code; dark mode keeps badges and figures readable. Screenshots
go to ``.book/screenshots/`` (artefacts of the run, not committed)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
from merged_site import QUICK, TIMED

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM, reason="Chromium is not installed here (apt-get install -y chromium)"
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SHOTS = ROOT / ".book" / "screenshots"
STATUSES = {"verified", "corrected", "skipped", "failed", "unverified"}
BADGE = {  # what a badge says, per language and status
    "zh": {"verified": "已验证", "corrected": "已更正", "skipped": "已跳过", "failed": "未通过",
           "unverified": "未验证", "verifying": "验证中…"},
    "en": {"verified": "Verified", "corrected": "Corrected", "skipped": "Skipped",
           "failed": "Failed", "unverified": "Unverified", "verifying": "Verifying…"},
}  # fmt: skip
SECTIONS = [
    "concepts",
    "process-creation",
    "process-communication",
    "process-sync",
    "process-pool",
    "thread-creation",
    "thread-communication",
    "cluster",
    "measured",
]
PREFIX = {"zh": "", "en": "en/"}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test reports what matters
        pass


@contextlib.contextmanager
def _served(folder: Path):
    """``folder`` served on 127.0.0.1 while the block runs; its address."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture(scope="module")
def site(built_site: Path):
    """The built site, served for as long as the module's tests run."""
    with _served(built_site) as address:
        yield address


@pytest.fixture(scope="module")
def merged(merged_site: Path):
    """The site built from the reports of three environments (tests/merged_site.py)."""
    with _served(merged_site) as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=30_000)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh page; every request it makes is kept in ``page.requests``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)  # what a page shows, not how fast: cores may be busy
    tab = context.new_page()
    tab.requests = []
    tab.on("request", lambda r: tab.requests.append(r.url))
    yield tab
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    tab.screenshot(path=str(SHOTS / f"{name}.png"))
    context.close()


def url(site: str, lang: str, section: str = "") -> str:
    return f"{site}{PREFIX[lang]}{section + '/' if section else ''}"


#: Each claim block as the reader sees it: its id, status, and its badge — shown as
#: Playwright means it (a box on the page, not hidden) — with the badge's text.
SEEN_CLAIMS = """claims => claims.map(c => {
    const badge = c.querySelector(".claim-badge");
    const shown = badge !== null && badge.getClientRects().length > 0
        && getComputedStyle(badge).visibility !== "hidden";
    return {id: c.dataset.claimId, status: c.dataset.claimStatus,
            badge_shown: shown, badge: badge ? badge.innerText : ""};
})"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_claim_shows_its_badge_and_its_evidence_lists_each_start_method(site, page, lang):
    for section in SECTIONS:
        page.goto(url(site, lang, section))
        claims = page.locator("[data-claim-id]")
        assert claims.count() > 0, f"{section}: no claim on the page"
        folds = page.locator("details.printed-listing > summary")
        for i in range(folds.count()):  # a printed listing's corrections start folded
            fold = folds.nth(i)
            assert not fold.locator("xpath=..").get_attribute("open") and fold.is_visible()
            fold.click()
        for claim in claims.evaluate_all(SEEN_CLAIMS):  # one round trip for the whole page
            where = f"{section}: {claim['id']}"
            assert claim["status"] in STATUSES, where
            assert claim["badge_shown"], f"{where}: no badge in sight"
            assert BADGE[lang][claim["status"]] in claim["badge"], where
        evidence = page.locator("[data-claim-id] details.claim-evidence")
        every_method = evidence.filter(has_text="forkserver")
        evidence = every_method.first if every_method.count() else evidence.first
        table = evidence.locator("table")
        assert not table.is_visible(), "the evidence starts closed"
        evidence.locator("summary").click()
        assert table.is_visible()
        assert table.locator("tbody tr").count() >= 1, f"{section}: empty evidence"
        params = " ".join(table.locator("tbody td:nth-child(2)").all_inner_texts())
        if "fork" in params:  # the site's report has this claim's runs: every start method
            assert {"fork", "spawn", "forkserver"} <= set(params.replace("-", " ").split())


def test_the_language_switch_leads_to_the_same_section_and_back(site, page):
    page.goto(url(site, "zh", "process-sync"))
    assert "进程同步" in page.locator("h1").inner_text()
    page.locator(".md-header__option .md-select").hover()
    page.locator("a[hreflang=en]").click()
    page.wait_for_url(re.compile(r"/en/process-sync/$"))
    assert "Process synchronisation" in page.locator("h1").inner_text()
    page.locator(".md-header__option .md-select").hover()
    page.locator("a[hreflang=zh]").click()
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/process-sync/$"))
    assert "进程同步" in page.locator("h1").inner_text()


@pytest.mark.parametrize(
    ("lang", "word", "section"),
    [
        ("zh", "信号量", "process-sync"),
        ("zh", "死锁", "process-sync"),
        ("zh", "进程池", "process-pool"),
        ("en", "semaphore", "process-sync"),
        ("en", "deadlock", "process-sync"),
    ],
)
@pytest.mark.timeout(400)
def test_search_finds_the_section_of_a_word(site, page, lang, word, section):
    box, results = page.locator("input.md-search__input"), page.locator(".md-search-result__item a")
    # The page builds its search index in a web worker at every load: minutes when both
    # CPUs are busy (seen: more than 60 s). A query can go unanswered: typed before the
    # worker was ready (seen once), or with the box showing "type to start searching"
    # for 300 s (seen twice in whole-suite runs, never alone). So it is typed again, key
    # by key, every 10 s, and the page is loaded afresh (a new worker) every minute.
    deadline, said = time.monotonic() + 300, ""
    while True:
        page.goto(url(site, lang))
        page.locator("label.md-search__icon, .md-search__input").first.click()
        reload = time.monotonic() + 60
        while time.monotonic() < min(reload, deadline):
            box.fill("")
            box.press_sequentially(word)
            try:
                results.first.wait_for(timeout=10_000)
                break
            except sync_api.TimeoutError:
                said = page.locator(".md-search-result__meta").inner_text()
        if results.count():
            break
        assert time.monotonic() < deadline, f"no search result for {word!r} in 300 s: {said!r}"
    found = [urlsplit(h).path for h in results.evaluate_all("as => as.map(a => a.href)")]
    assert any(f"/{PREFIX[lang]}{section}/" in p for p in found), found


def test_no_page_asks_anything_of_another_host(site, page, built_site):
    pages = sorted(
        p.parent.relative_to(built_site).as_posix() for p in built_site.rglob("index.html")
    )
    assert len(pages) > 2 * len(SECTIONS)
    for path in pages:  # what the theme asks for is the same on every page: idle on two
        page.goto(site + ("" if path == "." else path + "/"))
        if path in (".", "en"):
            page.wait_for_load_state("networkidle")
    hosts = {urlsplit(u).netloc for u in page.requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {urlsplit(site).netloc}, f"requests to other hosts: {hosts}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_a_phones_width_only_code_scrolls_sideways_and_figures_stay_legible(browser, site, lang):
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2)
    try:
        tab = context.new_page()
        for section in SECTIONS:
            tab.goto(url(site, lang, section))
            width = tab.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 375, f"{section}: the page is {width} px wide at 375 px"
            wide = tab.evaluate(
                """() => [...document.querySelectorAll('.md-content *')]
                    .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
                    .filter(e => getComputedStyle(e).overflowX !== 'visible')
                    .filter(e => !e.closest('pre, code, .highlight, .md-typeset__scrollwrap'))
                    .map(e => e.className || e.tagName)"""
            )
            assert wide == [], f"{section}: scrolls sideways: {wide}"
            heights = tab.evaluate(
                """() => [...document.querySelectorAll('svg.timeline text')]
                    .map(t => t.getBoundingClientRect().height).filter(h => h > 0)"""
            )  # the text of the drawing shown (the other one is not displayed: 0 px)
            figures = tab.locator("figure.timeline-figure").count()
            assert bool(heights) == bool(figures), f"{section}: no drawing shown"
            assert min(heights, default=8) >= 8, f"{section}: timeline text {min(heights):.1f} px"
            plots = tab.evaluate(
                """() => [...document.querySelectorAll('svg.plot')].map(s => [
                    s.getBoundingClientRect().width,
                    Math.min(...[...s.querySelectorAll('text')]
                        .map(t => t.getBoundingClientRect().height).filter(h => h > 0))])"""
            )  # each plot's width, and the height of its smallest text
            assert all(w <= 375 and h >= 7 for w, h in plots), f"{section}: plots {plots}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"phone-{lang}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_a_phones_width_a_claim_shows_its_verdict_in_every_environment(browser, merged, lang):
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2)
    try:
        tab = context.new_page()
        for section, claim in (("process-creation", QUICK[0]), ("concepts", TIMED[0])):
            tab.goto(url(merged, lang, section))
            assert tab.evaluate("() => document.documentElement.scrollWidth") <= 375, section
            chips = tab.locator(f"#claim-{claim} .claim-verdict")
            assert chips.count() == 3, f"{section}: one chip per environment"
            for i in range(3):
                box = chips.nth(i).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, (section, box)
            chips.first.scroll_into_view_if_needed()
            SHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SHOTS / f"merged-{section}-{lang}.png"))
        tab.goto(url(merged, lang, "ledger"))
        assert tab.evaluate("() => document.documentElement.scrollWidth") <= 375, "ledger"
        row = tab.locator(f'tr:has(a[href$="#claim-{QUICK[0]}"])')
        assert row.locator(".claim-verdict").count() == 3
    finally:
        context.close()


def _contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two CSS ``rgb(...)`` colours."""

    def luminance(colour: str) -> float:
        r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", colour)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted([luminance(fg), luminance(bg)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_badges_and_figures_are_readable_in_light_and_dark_mode(browser, site, scheme):
    colour = "dark" if scheme == "slate" else "light"
    context = browser.new_context(color_scheme=colour, viewport={"width": 1280, "height": 900})
    try:
        tab = context.new_page()
        tab.goto(url(site, "en", "process-sync"))
        assert tab.locator("body").get_attribute("data-md-color-scheme") == scheme
        badges = tab.evaluate(
            """() => [...document.querySelectorAll('.claim-badge')].map(b => {
                const s = getComputedStyle(b); return [s.color, s.backgroundColor]; })"""
        )
        assert badges and all(_contrast(fg, bg) >= 4.5 for fg, bg in badges), badges[:3]
        page_bg = tab.evaluate("() => getComputedStyle(document.body).backgroundColor")
        labels = tab.evaluate(
            """() => [...document.querySelectorAll('svg.timeline .tl-label')]
                .map(t => getComputedStyle(t).fill)"""
        )
        assert labels and min(_contrast(fill, page_bg) for fill in labels) >= 4.5
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"scheme-{scheme}.png"))
        tab.goto(url(site, "en", "measured"))  # the plots: their text in the page's colour
        ink = tab.evaluate(
            """() => [...document.querySelectorAll('svg.plot text')]
                .map(t => getComputedStyle(t).fill)"""
        )
        assert ink and min(_contrast(fill, page_bg) for fill in ink) >= 4.5, set(ink)
    finally:
        context.close()


LIVE_TEST = """import os, pathlib, time

import pytest


@pytest.mark.claim("c-live")
def test_live():
    go = pathlib.Path(os.environ["LIVE_GO"])
    deadline = time.monotonic() + 60
    while not go.exists():  # until the browser has seen the claim as verifying
        assert time.monotonic() < deadline, "never told to go on"
        time.sleep(0.05)
"""


def test_in_mkdocs_serve_a_verifying_claim_turns_into_its_status_without_a_reload(tmp_path, page):
    root = tmp_path / "tiny"
    (root / "docs").mkdir(parents=True)
    (root / "chapter3").mkdir()
    (root / "mkdocs.yml").write_text(
        f"site_name: tiny\ntheme:\n  name: mkdocs\nhooks:\n  - {ROOT / 'book' / 'hooks.py'}\n"
        "markdown_extensions:\n  - md_in_html\n  - tables\nnav:\n  - s.md\n"
    )
    (root / "docs" / "s.md").write_text('# S\n\n!!! claim "c-live"\n    It holds.\n')
    (root / "chapter3" / "test_s.py").write_text(LIVE_TEST)
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p book.pytest_plugin\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "BOOK_"))}
    env |= {"LIVE_GO": str(root / "go"), "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
    serve = subprocess.Popen(
        cmd, cwd=root, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:  # until it serves
            assert serve.poll() is None and time.monotonic() < deadline, "mkdocs serve failed"
            try:
                page.goto(f"http://127.0.0.1:{port}/s/", timeout=2_000)
                break
            except sync_api.Error:
                page.wait_for_timeout(200)
        claim = page.locator("[data-claim-id=c-live]")
        assert claim.get_attribute("data-claim-status") == "verifying"
        assert BADGE["zh"]["verifying"] in claim.locator(".claim-badge").inner_text()
        (root / "go").touch()
        page.wait_for_function(
            "() => document.querySelector('[data-claim-id=c-live]')"
            "?.getAttribute('data-claim-status') === 'verified'",
            timeout=90_000,
        )
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(10)

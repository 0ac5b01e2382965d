"""MkDocs hooks: verify the chapter, then render claims, runs, the ledger and the errata.

* ``on_config`` checks that pages and tests agree (a warning, so ``--strict``
  fails), reruns the claim tests whose results are missing or stale (unless
  ``BOOK_VERIFY=0``) and loads the report. ``mkdocs build`` waits for that run;
  ``mkdocs serve`` shows the pages at once, their stale claims as verifying, and
  rebuilds when the run ends (:mod:`book.live`).
* ``on_page_markdown`` replaces each ``!!! claim``/``correction``/``run``/``figure``/
  ``ledger``/``errata`` block of a page with its rendering (a figure: a benchmark's
  record drawn by :mod:`benchmarks.figures`).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from book import live, practice, render, report
from book.sources import (
    ROOT,
    blocks,
    claims_in_tests,
    page_claims,
    page_lang,
    page_stem,
    problems,
)
from book.status import everywhere, fresh_results, stale_files
from exercises import catalogue

log = logging.getLogger("mkdocs.plugins.book")
STATE: dict = {}


def _inputs_signature(docs: Path, tests: Path, report_file: Path) -> tuple:
    """What the claim state depends on; unchanged between the two languages' builds."""
    files = [*docs.rglob("*.md"), *tests.rglob("*.py"), report_file]
    return tuple((str(p), p.stat().st_mtime_ns) for p in files if p.exists())


def statuses(claims, tests, reports: list[dict], root: Path) -> dict:
    """The status of every claim stated on a page, by id, over the environments of
    ``reports`` (one report per environment)."""
    envs = [(where(data), data, fresh_results(data, root)) for data in reports]
    out = {}
    for c in claims:
        out.setdefault(c.id, everywhere(c.id, c.kind, tests, envs))
    return out


def where(data: dict) -> str:
    """The label of a report's environment: its newest run's (this machine's, if none)."""
    return report.label(report.newest_run(data) or report.environment())


def environments(reports: list[dict]) -> list[dict]:
    """Where and when the badges were earned: each environment's label, newest run and
    number of results."""
    return [
        {
            "label": where(d),
            "time": report.newest_run(d).get("time", "—"),
            "results": len(d["tests"]),
        }
        for d in reports
    ]


def on_config(config):
    """The project is the folder of ``mkdocs.yml``: its ``docs_dir``, its ``chapter3/``
    and its report (``$BOOK_REPORT`` or ``.book/claims.json``)."""
    root = Path(config.config_file_path).resolve().parent
    docs, tests_dir = Path(config["docs_dir"]), root / "chapter3"
    report_file = report.report_path(root)
    signature = _inputs_signature(docs, tests_dir, report_file)
    if STATE.get("signature") == signature:
        return config  # the i18n plugin builds each language with the same state
    claims, tests = page_claims(docs), claims_in_tests(tests_dir)
    for problem in problems(claims, tests):
        log.warning("book: %s", problem)
    reports = report.load_environments(report_file)
    status = statuses(claims, tests, reports, root)
    stale = stale_files(status)
    merged = report.is_merged(report_file)  # other machines' runs: nothing to rerun here
    if merged:
        log.info("book: the report merges %d environments; it is shown as it is", len(reports))
    if stale and not merged and os.environ.get("BOOK_VERIFY", "1") != "0":
        if live.STATE["command"] == "serve":  # pages now; the results as they land
            status = live.verifying(stale, status, root)
        else:
            live.verify(stale, root)
            reports = report.load_environments(report_file)
            status = statuses(claims, tests, reports, root)
    if live.STATE["command"] != "serve":  # serve captures them in the background
        capture_all(docs, root)
    order = {page_stem(path): i for i, path in enumerate(_nav_files(config["nav"] or []))}
    claims.sort(key=lambda c: (order.get(c.section, len(order)), c.section, c.lang, c.line))
    titles = {}
    for path in docs.rglob("*.md"):
        h1 = re.search(r"^# +(.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        rel = path.relative_to(docs).as_posix()
        titles[(page_stem(rel), page_lang(rel))] = h1.group(1).strip() if h1 else page_stem(rel)
    STATE.update(
        signature=signature,
        root=root,
        claims=claims,
        statuses=status,
        titles=titles,
        environments=environments(reports),
        repo_url=config.get("repo_url") or "",
    )
    return config


def on_startup(command, dirty):
    live.STATE["command"] = command


def on_serve(server, config, builder):
    """When a background verification ends it touches a watched file: the site is rebuilt
    and every open page reloads with its claims' real statuses."""
    server.watch(str(live.flag(STATE["root"])), recursive=False)
    live.watched(server)
    return server


def _nav_files(nav) -> list[str]:
    """The pages of the navigation, in order."""
    out = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        out += _nav_files(value) if isinstance(value, list) else [value]
    return out


def capture_all(docs: Path, root: Path, only_timed: bool = False) -> None:
    """Capture every run the pages show (``only_timed``: those its section lists in
    ``TIMED``, one at a time) that is not cached yet, so that the pages find them cached;
    the others two per CPU at a time: a run mostly waits (its listing simulates work
    with sleeps), so runs side by side barely slow each other down."""
    wanted = sorted(
        {
            (m.group("arg"), page_lang(path.relative_to(docs).as_posix()))
            for path in docs.rglob("*.md")
            for m, *_ in blocks(path.read_text(encoding="utf-8"))
            if m.group("kind") == "run" and (timed(m.group("arg")) or not only_timed)
        }
    )
    workers = 1 if only_timed else 2 * (os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda run: captured_run(run[0], root, run[1]), wanted))


def captured_run(key: str, root: Path = ROOT, lang: str = "zh", later: bool = False) -> dict | None:
    """A quick real run of the listing ``section.listing`` (or ``section.listing@variant``),
    observed by the kit in the page's language and cached until what it runs changes;
    ``later``: if it is not cached, capture it in the background and return None for now."""
    stamp = report.listing_fingerprint(key, root)
    name, cmd = f"{key}.{lang}", ["chapter3.kit.run", key, "--quick", "--json", "--lang", lang]
    cache = root / ".book" / "runs" / f"{name}.json"
    if cache.exists():
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("fingerprint") == stamp:
            return data
    if later:  # mkdocs serve: the page now, the run when it is captured
        live.capture_later((name, stamp), lambda: captured_run(key, root, lang), root)
        return None
    done = subprocess.run(
        [sys.executable, "-m", *cmd],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,  # a hung listing fails the build in minutes, not ten
        check=False,
    )
    if done.returncode != 0:
        log.warning("book: the example %s failed to run:\n%s", key, done.stderr[-2000:])
        return None
    data = json.loads(done.stdout)
    data["fingerprint"] = stamp
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, cache)
    return data


def timed(key: str) -> bool:
    """Whether its section lists the run in ``TIMED``: a run about speed, which the page
    would misrepresent if the rest of a test run shared the CPUs with it (the suite's
    site build captures these first, with the CPUs to themselves)."""
    section, _, name = key.partition("@")[0].rpartition(".")
    return name in getattr(importlib.import_module(f"chapter3.{section}"), "TIMED", ())


def on_page_markdown(markdown, page, config, files):
    src = page.file.src_uri
    lang = page_lang(src)
    claims = {c.id: c for c in STATE["claims"] if c.page == src}
    titles = {stem: t for (stem, lg), t in STATE["titles"].items() if lg == lang}
    repo = STATE["repo_url"]
    pieces, last = [], 0
    for m, _heading, body, _line in blocks(markdown):
        pieces.append(markdown[last : m.start()])
        kind, arg = m.group("kind"), m.group("arg")
        if kind in ("claim", "correction"):
            pieces.append(render.claim_block(claims[arg], STATE["statuses"][arg], lang, repo))
        elif kind == "run":
            later = live.STATE["command"] == "serve"
            run = captured_run(arg, STATE["root"], lang, later=later)
            if run:
                pieces.append(render.run_block(run, lang, body or arg))
            elif later:
                pieces.append(render.pending_run_block(arg, lang, body or arg))
        elif kind == "figure":
            from benchmarks import figures  # matplotlib: only for pages with a figure

            svg = figures.svg(arg, lang)
            pieces.append(render.figure_block(arg, svg, figures.load(arg), lang, body or arg))
        elif kind == "ledger":
            pieces.append(
                render.ledger(
                    STATE["claims"], STATE["statuses"], titles, lang, repo, STATE["environments"]
                )
            )
        elif kind == "errata":
            pieces.append(render.errata(STATE["claims"], STATE["statuses"], titles, lang, repo))
        pieces.append("\n")
        last = m.end()
    pieces.append(markdown[last:])
    pieces.append(practice.section([e for e in catalogue() if e.page == page_stem(src)], lang))
    return _set_aside_drawings(render.fold_printed("".join(pieces)), src)


SVG = re.compile(r'<svg class="(?:timeline|plot)\b.*?</svg>', re.S)
SLOT = re.compile(r'<svg data-drawing="(\d+)"></svg>')
DRAWINGS: dict[str, list[str]] = {}  # by page source: what its slots stand for


def _set_aside_drawings(markdown: str, src: str) -> str:
    """Put an empty slot where each timeline drawing goes: its thousands of elements then
    pass through neither Markdown nor the search index (which did not index them, but
    parsed them: half of the build's time); ``on_post_page`` puts them back."""
    drawings = DRAWINGS[src] = []

    def slot(m: re.Match) -> str:
        drawings.append(m.group(0))
        return f'<svg data-drawing="{len(drawings) - 1}"></svg>'

    return SVG.sub(slot, markdown)


def on_post_page(output, page, config):
    drawings = DRAWINGS.pop(page.file.src_uri, [])
    return SLOT.sub(lambda m: drawings[int(m.group(1))], output)

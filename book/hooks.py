"""MkDocs hooks: verify the chapter, then render claims, runs, the ledger and the errata.

* ``on_config`` checks that pages and tests agree (a warning, so ``--strict``
  fails), reruns the claim tests whose results are missing or stale (unless
  ``BOOK_VERIFY=0``) and loads the report.
* ``on_page_markdown`` replaces each ``!!! claim``/``correction``/``run``/
  ``ledger``/``errata`` block of a page with its rendering.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys

from book import render, report
from book.sources import (
    DOCS,
    ROOT,
    TESTS,
    blocks,
    claims_in_tests,
    page_claims,
    page_lang,
    page_stem,
    problems,
)
from book.status import claim_status, fresh_tests, stale_files

log = logging.getLogger("mkdocs.plugins.book")
RUNS = ROOT / ".book" / "runs"
STATE: dict = {}


def verify(files: list[str]) -> None:
    """Run the claim tests of ``files`` so that the report covers them freshly."""
    log.info("book: verifying %d stale test module(s): %s", len(files), " ".join(files))
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *files,
        "-q",
        "-n",
        "auto",
        "-p",
        "no:randomly",
        "--no-header",
        "-p",
        "no:cacheprovider",
    ]
    done = subprocess.run(
        cmd,
        cwd=ROOT,
        env={**os.environ, "BOOK_VERIFY": "0", "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    tail = done.stdout.strip().splitlines()[-1:] or ["(no output)"]
    log.info("book: pytest: %s", tail[0])


def _inputs_signature() -> tuple:
    """What the claim state depends on; unchanged between the two languages' builds."""
    files = [*DOCS.rglob("*.md"), *TESTS.glob("*.py"), report.REPORT]
    return tuple((str(p), p.stat().st_mtime_ns) for p in files if p.exists())


def on_config(config):
    signature = _inputs_signature()
    if STATE.get("signature") == signature:
        return config  # the i18n plugin builds each language with the same state
    claims, tests = page_claims(), claims_in_tests()
    for problem in problems(claims, tests):
        log.warning("book: %s", problem)
    data = report.load()
    fresh = fresh_tests(data)
    stale = stale_files(tests, fresh)
    if stale and os.environ.get("BOOK_VERIFY", "1") != "0":
        verify(stale)
        data = report.load()
        fresh = fresh_tests(data)
    order = {page_stem(path): i for i, path in enumerate(_nav_files(config["nav"] or []))}
    claims.sort(key=lambda c: (order.get(c.section, len(order)), c.section, c.lang, c.line))
    statuses = {}
    for c in claims:
        statuses.setdefault(c.id, claim_status(c.id, c.kind, tests, data, fresh))
    titles = {}
    for path in DOCS.rglob("*.md"):
        h1 = re.search(r"^# +(.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        rel = path.relative_to(DOCS).as_posix()
        titles[(page_stem(rel), page_lang(rel))] = h1.group(1).strip() if h1 else page_stem(rel)
    STATE.update(
        claims=claims, statuses=statuses, titles=titles, repo_url=config.get("repo_url") or ""
    )
    return config


def _nav_files(nav) -> list[str]:
    """The pages of the navigation, in order."""
    out = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        out += _nav_files(value) if isinstance(value, list) else [value]
    return out


def captured_run(key: str) -> dict | None:
    """A quick real run of an example, cached until its module or tests change."""
    module = key.split(":")[0]
    stamp = report.fingerprint(TESTS / f"test_{module}.py")
    cache = RUNS / f"{key.replace(':', '.')}.json"
    if cache.exists():
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("fingerprint") == stamp:
            return data
    done = subprocess.run(
        [sys.executable, "-m", "book.capture", key],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
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
            run = captured_run(arg)
            pieces.append(render.run_block(run, lang, body or arg) if run else "")
        elif kind == "ledger":
            pieces.append(render.ledger(STATE["claims"], STATE["statuses"], titles, lang, repo))
        elif kind == "errata":
            pieces.append(render.errata(STATE["claims"], STATE["statuses"], titles, lang, repo))
        pieces.append("\n")
        last = m.end()
    pieces.append(markdown[last:])
    return "".join(pieces)

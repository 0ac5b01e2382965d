"""HTML and Markdown for claims, example runs, the ledger and the errata."""

from __future__ import annotations

import re
from html import escape

from book.sources import PageClaim, TestRef, page_stem
from book.status import PASSED, Status
from book.svg import NARROW, from_observed, timeline_svg, worth_drawing

WORDS = {
    "zh": {
        "verified": "已验证",
        "corrected": "已更正",
        "skipped": "已跳过",
        "failed": "未通过",
        "unverified": "未验证",
        "verifying": "验证中…",
        "pending_run": "正在运行这个例子，完成后本页自动刷新",
        "chapter": "原书",
        "actual": "实际情况",
        "evidence": "证据",
        "test": "测试",
        "param": "参数",
        "outcome": "结果",
        "note": "耗时 / 原因",
        "env": "验证环境",
        "rerun": "重新验证",
        "missing": "尚无最新结果：从未运行，或运行后代码已改动",
        "passed": "通过",
        "output": "运行结果",
        "run_note": "本站构建时在本机真实运行的输出",
        "method": "启动方式",
        "quick": "快速参数",
        "run_command": "自己运行",
        "figure": "时间线",
        "gil_on": "有 GIL",
        "gil_off": "无 GIL（自由线程）",
        "claims": "条论断",
        "tests": "测试",
        "where": "位置",
        "status": "状态",
        "id": "编号",
        "statement": "论断",
        "environment": "环境",
        "platforms": "验证环境",
        "holds_on": "在这些环境中成立",
        "fails_on": "在这些环境中不成立",
        "finding": "这是平台之间的差异，不是本书的错误：论断的表述应当写明它在哪里成立",
        "earned": "本站的徽章来自以下环境中的运行（每个环境最近一次运行的时间）：",
        "last_run": "最近一次运行",
        "results": "测试结果",
    },
    "en": {
        "verified": "Verified",
        "corrected": "Corrected",
        "skipped": "Skipped",
        "failed": "Failed",
        "unverified": "Unverified",
        "verifying": "Verifying…",
        "pending_run": "this example is being run; the page reloads when it is done",
        "chapter": "The chapter",
        "actual": "What really happens",
        "evidence": "Evidence",
        "test": "Test",
        "param": "Parameter",
        "outcome": "Outcome",
        "note": "Time / reason",
        "env": "Verified on",
        "rerun": "Rerun",
        "missing": "no fresh result: never run, or the code changed since",
        "passed": "passed",
        "output": "Output",
        "run_note": "a real run on the machine that built this site",
        "method": "start method",
        "quick": "quick arguments",
        "run_command": "Run it yourself",
        "figure": "Timeline",
        "gil_on": "GIL enabled",
        "gil_off": "no GIL (free-threaded)",
        "claims": "claims",
        "tests": "Tests",
        "where": "Where",
        "status": "Status",
        "id": "Id",
        "statement": "Claim",
        "environment": "Environment",
        "platforms": "Environments",
        "holds_on": "Holds on",
        "fails_on": "does not hold on",
        "finding": "a difference between platforms, not a fault of the book: the claim must "
        "say where it holds",
        "earned": "This site's badges were earned by runs in these environments (each with "
        "the time of its newest run):",
        "last_run": "Newest run",
        "results": "Test results",
    },
}
ICONS = {"verified": "✔", "corrected": "✎", "skipped": "⤼", "failed": "✘", "unverified": "?",
         "verifying": "⟳"}  # fmt: skip
OUTCOMES_ZH = {
    "passed": "通过",
    "failed": "失败",
    "skipped": "跳过",
    "xfailed": "预期中的失败",
    "xpassed": "意外通过",
}


def test_url(repo_url: str, file: str, line: int) -> str:
    return f"{repo_url.rstrip('/')}/blob/main/{file}#L{line}"


def env_line(env: dict, lang: str) -> str:
    w = WORDS[lang]
    gil = w["gil_on"] if env.get("gil", True) else w["gil_off"]
    return (
        f"{env.get('implementation', '?')} {env.get('python', '?')} · {env.get('platform', '?')}"
        f" · {env.get('usable_cpus', '?')}/{env.get('cpus', '?')} CPU · {gil} · "
        f"{w['method']}: {', '.join(env.get('start_methods', []))} · {env.get('time', '?')}"
    )


def badge(status: str, lang: str) -> str:
    return (
        f'<span class="claim-badge claim-badge--{status}">{ICONS[status]} '
        f"{WORDS[lang][status]}</span>"
    )


def short_labels(labels: list[str]) -> dict[str, str]:
    """Each environment's label (:func:`book.report.label`) cut to the parts that tell it
    from the others ("1 CPU" beside "2 CPU"); where none differ, its system and Python."""
    parts = [label.split(" · ") for label in labels]
    differ = [i for i in range(min(map(len, parts), default=0)) if len({p[i] for p in parts}) > 1]
    return {
        label: " · ".join(p[i] for i in differ or [0, 1] if i < len(p))
        for label, p in zip(labels, parts, strict=True)
    }


def in_words(label: str, lang: str) -> str:
    """An environment's label as a page in ``lang`` shows it."""
    return label.replace("free-threaded", "自由线程") if lang == "zh" else label


def verdict_chips(st: Status, lang: str) -> str:
    """The claim's status in each environment, one chip each."""
    short = short_labels([v.where for v in st.verdicts])
    return "".join(
        f'<span class="claim-verdict claim-verdict--{v.status}" data-env="{escape(v.where)}" '
        f'data-env-status="{v.status}" title="{escape(in_words(v.where, lang))}: '
        f'{WORDS[lang][v.status]}">{ICONS[v.status]} '
        f"{escape(in_words(short[v.where], lang))}</span>"
        for v in st.verdicts
    )


def finding(st: Status, lang: str) -> str:
    """Where the claim holds and where it does not, when both happen: a platform
    difference the page must state."""
    w = WORDS[lang]
    holds = [in_words(v.where, lang) for v in st.verdicts if v.status in ("verified", "corrected")]
    fails = [in_words(v.where, lang) for v in st.verdicts if v.status == "failed"]
    if not (holds and fails):
        return ""
    sep = "；" if lang == "zh" else "; "
    return (
        f'<p class="claim-finding"><strong>{w["holds_on"]}</strong>: {escape(", ".join(holds))}'
        f"{sep}<strong>{w['fails_on']}</strong>: {escape(', '.join(fails))}{sep}"
        f"{w['finding']}{'。' if lang == 'zh' else '.'}</p>\n"
    )


def claim_block(claim: PageClaim, st: Status, lang: str, repo_url: str) -> str:
    """A claim as it stands on its page: badge (and, when the site shows several
    environments, its verdict in each), statement, and the evidence."""
    w = WORDS[lang]
    several = len(st.verdicts) > 1
    short = short_labels([v.where for v in st.verdicts])

    def where(label: str) -> str:
        return f"<td>{escape(in_words(short.get(label, label), lang))}</td>" if several else ""

    rows = []
    for r in st.results:
        outcome = OUTCOMES_ZH.get(r["outcome"], r["outcome"]) if lang == "zh" else r["outcome"]
        note = escape(r["reason"]) if r["reason"] else f"{r['duration']:.2f} s"
        rows.append(
            f'<tr class="claim-result claim-result--{r["outcome"]}"><td><a href="'
            f'{test_url(repo_url, r["file"], r["line"])}"><code>{escape(r["func"])}</code></a>'
            f"</td><td>{escape(r['param']) or '—'}</td>{where(r.get('where', ''))}"
            f"<td>{outcome}</td><td>{note}</td></tr>"
        )
    for m in st.missing:
        t = m.test
        rows.append(
            f'<tr class="claim-result claim-result--missing"><td><a href="'
            f'{test_url(repo_url, t.file, t.line)}"><code>{escape(t.func)}</code></a></td>'
            f"<td>{escape(m.param) or '—'}</td>{where(m.where)}<td>{w['unverified']}</td>"
            f"<td>{escape(m.reason) or w['missing']}</td></tr>"
        )
    envs = list(dict.fromkeys(env_line(r["env"], lang) for r in st.results))
    passed = sum(r["outcome"] in PASSED for r in st.results)
    total = len(st.results) + len(st.missing)
    chapter = ""
    if claim.kind == "correction":
        chapter = (
            f'<div class="claim-chapter" markdown>\n\n**{w["chapter"]}:** '
            f"{claim.chapter_says}\n\n</div>\n\n**{w['actual']}:** "
        )
    chips = f'<span class="claim-verdicts">{verdict_chips(st, lang)}</span>' if several else ""
    env_head = f"<th>{w['environment']}</th>" if several else ""
    return (
        f'<div class="claim claim--{st.status}" id="claim-{claim.id}" '
        f'data-claim-id="{claim.id}" data-claim-status="{st.status}" markdown>\n'
        f'<div class="claim-head"><a class="claim-anchor" href="#claim-{claim.id}">'
        f"{badge(st.status, lang)}</a> <code>{claim.id}</code>{chips}</div>\n\n"
        f"{finding(st, lang)}{chapter}{claim.statement}\n\n"
        f'<details class="claim-evidence" data-search-exclude><summary>{w["evidence"]}: '
        f"{passed}/{total} {w['passed']}</summary>\n"
        f"<table><thead><tr><th>{w['test']}</th><th>{w['param']}</th>{env_head}"
        f"<th>{w['outcome']}</th><th>{w['note']}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>\n"
        + "".join(f'<p class="claim-env">{w["env"]}: {escape(e)}</p>\n' for e in envs)
        + f'<p class="claim-rerun">{w["rerun"]}: <code>uv run pytest chapter3 --claim '
        f"{claim.id}</code></p>\n</details>\n</div>\n"
    )


def listing_label(key: str, lang: str) -> str:
    """``process_sync.ex3_07_semaphore`` → 例 3-7 / Example 3-7; a listing of the
    book's own keeps its name."""
    m = re.match(r"ex(\d+)_(\d+)", key.rpartition(".")[2])
    if not m:
        return key.rpartition(".")[2]
    number = f"{int(m.group(1))}-{int(m.group(2))}"
    return f"例 {number}" if lang == "zh" else f"Example {number}"


def run_view(run: dict, lang: str) -> tuple[list[dict], list[str], str, dict]:
    """What a captured run of a listing shows: its events as the figure draws them, the
    lines it printed, its label (例 3-x or its name) and its quick settings."""
    events = from_observed(run["events"])
    printed = [e["text"] for e in events if e["kind"] == "say"]
    return events, printed, listing_label(run["key"], lang), run["params"]


def is_example(run: dict) -> bool:
    """Whether a captured run is one of the chapter's examples (例 3-x)."""
    return bool(re.match(r"ex\d+_\d+", run["key"].rpartition(".")[2]))


def run_block(run: dict, lang: str, title: str) -> str:
    """The output and the timeline figure of a real run of an example or a listing."""
    w = WORDS[lang]
    events, printed, label, quick = run_view(run, lang)
    quick = ", ".join(f"{k}={v!r}" for k, v in quick.items()) or "—"
    lines = "\n".join(printed) or "(—)"
    method = f" · {w['method']}: <code>{run['method']}</code>" if run["method"] else ""
    fence = "```"
    figure = (
        f'<figure class="timeline-figure" data-search-exclude>{timeline_svg(events, lang, title)}'
        f"{timeline_svg(events, lang, title, width=NARROW)}"
        f"<figcaption>{w['figure']}: {escape(title)}</figcaption></figure>\n\n"
        if worth_drawing(events)
        else f'<p class="example-run-caption">{escape(title)}</p>\n\n'
    )
    return (
        f'<div class="example-run" data-example="{run["key"]}" data-search-exclude markdown>\n\n'
        f'<p class="example-run-head"><strong>{label} · {w["output"]}'
        f"</strong> · {w['run_note']}{method} · "
        f"{w['quick']}: <code>{escape(quick)}</code></p>\n"
        f'<p class="example-run-command">{w["run_command"]}: '
        f"<code>{run_command(run['key'], lang)}</code></p>\n\n"
        f"{fence}text\n{lines}\n{fence}\n\n{figure}</div>\n"
    )


def figure_block(name: str, svg: str, record: dict, lang: str, title: str) -> str:
    """A benchmark's plot, with where, when and by which command it was measured."""
    m, command = record["machine"], f"uv run python -m benchmarks.{record_module(name)}"
    where = (
        f"测于 {m['date']}：{m['machine']}，{m['python']}；开始前其他程序占用 {m['busy']}% 个 CPU。"
        f"重测：<code>{command}</code>"
        if lang == "zh"
        else f"Measured {m['date']}: {m['machine']}, {m['python']}; other programs used "
        f"{m['busy']}% of one CPU before. Measure again: <code>{command}</code>"
    )
    return (
        f'<figure class="plot-figure" data-figure="{name}" data-search-exclude>{svg}'
        f"<figcaption><strong>{escape(title)}</strong><br>{where}</figcaption></figure>\n"
    )


def record_module(name: str) -> str:
    """The benchmark command that writes the record a figure draws."""
    from benchmarks.figures import FIGURES  # matplotlib: only for pages with a figure

    return FIGURES[name][0].replace("-", "_")


def run_command(key: str, lang: str) -> str:
    """The command that makes a page's run again: its key as the page names it (the runner
    looks a variant's settings up itself) and the page's language. No ``--method``: the
    site captures none either, so it ran under the default start method (the run's head
    says which)."""
    return f"uv run python -m chapter3.kit.run {key} --quick --lang {lang}"


def pending_run_block(key: str, lang: str, title: str) -> str:
    """Where a run will be, while ``mkdocs serve`` captures it in the background."""
    return (
        f'<div class="example-run example-run--pending" data-example="{key}">'
        f'<p class="example-run-head"><strong>{escape(title)}</strong> · '
        f"{WORDS[lang]['pending_run']}…</p></div>\n"
    )


def _anchored(markdown: str, page: str) -> str:
    """Links to anchors of the claim's own page, made to work from another page."""
    return markdown.replace("](#", f"]({page}#")


def one_line(markdown: str, limit: int = 160) -> str:
    text = re.sub(r"\s+", " ", markdown.split("\n\n")[0]).strip()
    text = text.replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ledger(
    claims: list[PageClaim],
    statuses: dict[str, Status],
    titles: dict[str, str],
    lang: str,
    repo_url: str,
    environments: list[dict] | None = None,
) -> str:
    """Every claim of the book: section, statement, status in each environment and tests;
    first, where and when the badges were earned (``environments``: each one's label,
    newest run and number of results)."""
    w = WORDS[lang]
    mine = [c for c in claims if c.lang == lang]
    counts = {}
    for c in mine:
        counts[statuses[c.id].status] = counts.get(statuses[c.id].status, 0) + 1
    summary = " · ".join(f"{badge(s, lang)} {n}" for s, n in sorted(counts.items()))
    out = [f'<p class="ledger-summary">{len(mine)} {w["claims"]}: {summary}</p>\n']
    if environments:
        out.append(f'\n<p class="ledger-earned">{w["earned"]}</p>\n\n')
        out.append(f"| {w['environment']} | {w['last_run']} | {w['results']} |\n|---|---|---|\n")
        out += [
            f"| {in_words(e['label'], lang)} | {e['time']} | {e['results']} |\n"
            for e in environments
        ]
    for section in dict.fromkeys(c.section for c in mine):
        out.append(f"\n## {titles.get(section, section)}\n\n")
        out.append(
            f"| {w['status']} | {w['id']} | {w['statement']} | {w['platforms']} | {w['tests']} |\n"
        )
        out.append("|---|---|---|---|---|\n")
        for c in (c for c in mine if c.section == section):
            st = statuses[c.id]
            tests = ", ".join(
                f"[`{t.func}`]({test_url(repo_url, t.file, t.line)})" for t in _tests_of(st, c)
            )
            text = one_line(_anchored(c.statement, f"{page_stem(c.page)}.md"))
            out.append(
                f"| {badge(st.status, lang)} | [`{c.id}`]({page_stem(c.page)}.md"
                f"#claim-{c.id}) | {text} | {verdict_chips(st, lang)} | {tests} |\n"
            )
    return "".join(out)


def _tests_of(st: Status, claim: PageClaim) -> list[TestRef]:
    seen = {}
    for r in st.results:
        seen.setdefault((r["file"], r["func"]), TestRef(claim.id, r["file"], r["func"], r["line"]))
    for m in st.missing:
        seen.setdefault((m.test.file, m.test.func), m.test)
    return list(seen.values())


def errata(
    claims: list[PageClaim],
    statuses: dict[str, Status],
    titles: dict[str, str],
    lang: str,
    repo_url: str,
) -> str:
    """Every correction of the chapter: where, what it says, what happens, the evidence."""
    w = WORDS[lang]
    out, section = [], None
    for c in (c for c in claims if c.lang == lang and c.kind == "correction"):
        if c.section != section:
            section = c.section
            out.append(f"\n## {titles.get(section, section)}\n")
        st = statuses[c.id]
        tests = ", ".join(
            f"[`{t.func}`]({test_url(repo_url, t.file, t.line)})" for t in _tests_of(st, c)
        )
        page = f"{page_stem(c.page)}.md"
        out.append(
            f"\n### {c.heading}\n\n"
            f'<div class="erratum" data-claim-id="{c.id}" data-claim-status="{st.status}" '
            f"markdown>\n\n**{w['where']}:** [{c.heading}]({page}#claim-{c.id}) · "
            f"`{c.id}` · {badge(st.status, lang)}\n\n"
            f"**{w['chapter']}:** {_anchored(c.chapter_says, page)}\n\n"
            f"**{w['actual']}:** {_anchored(c.statement, page)}\n\n"
            f"**{w['evidence']}:** {tests}\n\n</div>\n"
        )
    return "".join(out)


PRINTED = re.compile(r"^(?P<hashes>#{2,4}) +(?P<title>.+?) *\{[^}]*\.printed\b[^}]*\} *$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")


def fold_printed(markdown: str) -> str:
    """Fold each part headed ``### ... {.printed}`` — the corrections that are only typos
    of a printed listing — into a closed ``<details>``, up to the next heading of its
    level or above. The claims inside keep their ids and anchors."""
    out, level, fenced = [], 0, False
    for line in markdown.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else re.match(r"^(#{1,6}) ", line)
        if heading and level and len(heading.group(1)) <= level:
            out += ["", "</details>", ""]
            level = 0
        m = None if fenced else PRINTED.match(line)
        if m:
            level = len(m.group("hashes"))
            title = escape(m.group("title"))
            out += [
                '<details class="printed-listing" markdown>',
                f"<summary>{title}</summary>",
                "",
            ]
            continue
        out.append(line)
    if level:
        out += ["", "</details>", ""]
    return "\n".join(out)

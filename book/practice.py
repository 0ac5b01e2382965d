"""The exercises section that ends a section's page: each exercise's task, its file,
the commands that check it, its hints (each inside the one before: one at a time) and,
inside the last hint, the reference solution."""

from __future__ import annotations

from exercises import Exercise

WORDS = {
    "zh": {
        "heading": "练习",
        "intro": (
            "下面的程序有的有错，有的等你预测结果。改好（或填好）仓库里的文件后，用给出的命令检查："
            "检查会在每种启动方式下运行你的文件，程序卡住时会告诉你每个进程停在哪一行、在等什么。"
            "提示一次只展开一条，最后一条提示里是参考答案。"
        ),
        "exercise": "练习",
        "fix": "改错",
        "predict": "先预测，再运行",
        "file": "文件",
        "check": "检查",
        "hint_cmd": "下一条提示",
        "watch": "保存即检查",
        "hint": "提示",
        "solution": "参考答案",
    },
    "en": {
        "heading": "Exercises",
        "intro": (
            "Some of these programs are wrong; some wait for your prediction. Fix (or fill in) "
            "the file in the repository, then check it with the commands given: the check runs "
            "your file under every start method and, when it hangs, tells you on which line "
            "each process waits and in what. The hints open one at a time; the last one holds "
            "the reference solution."
        ),
        "exercise": "Exercise",
        "fix": "fix it",
        "predict": "predict, then run",
        "file": "File",
        "check": "Check",
        "hint_cmd": "Next hint",
        "watch": "Check on every save",
        "hint": "Hint",
        "solution": "Reference solution",
    },
}


def section(exercises: list[Exercise], lang: str) -> str:
    """The page's ``## Exercises`` section (empty if it has none)."""
    if not exercises:
        return ""
    w = WORDS[lang]
    parts = [f"\n\n## {w['heading']} {{#exercises}}\n\n{w['intro']}\n"]
    parts += [_one(ex, lang) for ex in exercises]
    return "\n".join(parts)


def _one(ex: Exercise, lang: str) -> str:
    w = WORDS[lang]
    suffix = "" if lang == "zh" else " --lang en"
    sep = "：" if lang == "zh" else ": "
    file = ex.path().relative_to(ex.path().parents[1]).as_posix()
    solution = ex.path(solved=True).relative_to(ex.path().parents[1]).as_posix()
    commands = [
        (w["check"], f"uv run pytest exercises/ --exercise {ex.n}{suffix}"),
        (w["hint_cmd"], f"uv run python -m exercises hint {ex.n}{suffix}"),
        (w["watch"], f"uv run python -m exercises watch {ex.n}{suffix}"),
    ]
    lines = [
        f"### {w['exercise']} {ex.n}{sep}{ex.title[lang]} {{#exercise-{ex.n}}}",
        "",
        f"*{w[ex.kind]}* · {w['file']}{sep}`{file}`",
        "",
        ex.task[lang],
        "",
        f'```python title="{file}"',
        f'--8<-- "{file}"',
        "```",
        "",
        *[f"- {label}{sep}`{cmd}`" for label, cmd in commands],
        "",
    ]
    depth = 0
    for i, text in enumerate(ex.hints[lang], 1):
        pad = "    " * depth
        lines += [f'{pad}??? tip "{w["hint"]} {i}"', f"{pad}    {text}", ""]
        depth += 1
    pad = "    " * depth
    lines += [
        f'{pad}??? success "{w["solution"]}"',
        f'{pad}    ```python title="{solution}"',
        f'{pad}    --8<-- "{solution}"',
        f"{pad}    ```",
        "",
    ]
    return "\n".join(lines)

"""``uv run python -m exercises {list,hint,watch} [N] [--lang en]``.

``list``: the exercises. ``hint N``: the next hint of exercise N (one more each time;
``--reset`` starts again). ``watch N``: check exercise N now and again each time its
file is saved (Ctrl-C stops).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from exercises import HERE, catalogue, exercise

SEEN = HERE.parent / ".book" / "hints-seen.json"  # how many hints of each were shown
POLL = 0.5  # seconds between two looks at the file's modification time


def show_list(lang: str) -> None:
    for e in catalogue():
        print(f"{e.n:3d}  {e.path().relative_to(HERE.parent)}  {e.title[lang]}  ({e.page})")


def hint(n: int, lang: str, reset: bool) -> None:
    ex = exercise(n)
    seen = json.loads(SEEN.read_text(encoding="utf-8")) if SEEN.exists() else {}
    shown = 0 if reset else seen.get(str(n), 0)
    hints = ex.hints[lang]
    shown = min(shown + 1, len(hints))
    for i, text in enumerate(hints[:shown], 1):
        print(f"{'提示' if lang == 'zh' else 'Hint'} {i}/{len(hints)}: {text}")
    if shown == len(hints):
        where = ex.path(solved=True).relative_to(HERE.parent)
        print(f"参考答案：{where}" if lang == "zh" else f"The reference solution: {where}")
    seen[str(n)] = shown
    SEEN.parent.mkdir(exist_ok=True)
    SEEN.write_text(json.dumps(seen), encoding="utf-8")


def check(n: int, lang: str) -> int:
    cmd = [sys.executable, "-m", "pytest", "exercises/", "--exercise", str(n), "--lang", lang,
           "-q", "-n", "0", "-p", "no:randomly", "--no-header"]  # fmt: skip
    return subprocess.run(cmd, cwd=HERE.parent, check=False).returncode


def watch(n: int, lang: str) -> None:
    path = exercise(n).path()
    print(f"watching {path.relative_to(HERE.parent)} (Ctrl-C stops)", flush=True)
    seen = None
    try:
        while True:
            stamp = path.stat().st_mtime_ns
            if stamp != seen:
                seen = stamp
                done = check(n, lang) == 0
                print("✓" if done else f"… {path.name}: save it to check again", flush=True)
            time.sleep(POLL)
    except KeyboardInterrupt:
        print()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m exercises", description=__doc__)
    parser.add_argument("command", choices=("list", "hint", "watch", "check"))
    parser.add_argument("n", nargs="?", type=int, help="the exercise's number")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--reset", action="store_true", help="hint: start from the first")
    args = parser.parse_args(argv)
    if args.command == "list":
        return show_list(args.lang)
    if args.n is None:
        parser.error(f"{args.command} needs an exercise number (see: python -m exercises list)")
    try:
        exercise(args.n)
    except ValueError as e:
        parser.error(str(e))
    if args.command == "hint":
        hint(args.n, args.lang, args.reset)
    elif args.command == "watch":
        watch(args.n, args.lang)
    else:
        sys.exit(check(args.n, args.lang))


if __name__ == "__main__":
    main()

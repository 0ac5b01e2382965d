"""The registry of the chapter's examples and the ``python -m chapter3.<module>`` runner.

Each example is a function that returns a result object with a ``timeline``
attribute. :func:`example` registers it with the label of the chapter
(例 3-1 ...) and the keyword arguments of a *quick* run: the same program with
short sleeps, used by the site at build time and by ``--quick``.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import json
import multiprocessing
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Example:
    key: str  # "concepts:same_program" (module stem : function)
    label: str  # "例 3-1", or "" for an example of the book's own
    func: Callable[..., Any]
    quick: dict[str, Any] = field(default_factory=dict)

    @property
    def takes_ctx(self) -> bool:
        """Whether the example starts processes with a context it is given."""
        return "ctx" in inspect.signature(self.func).parameters

    def run(self, method: str | None = None, quick: bool = False) -> Any:
        """Call the example, with a context of ``method`` if it takes one."""
        kwargs = dict(self.quick) if quick else {}
        if self.takes_ctx:
            kwargs["ctx"] = multiprocessing.get_context(method)
        return self.func(**kwargs)


REGISTRY: dict[str, Example] = {}


def example(label: str = "", **quick: Any) -> Callable[[Callable], Callable]:
    """Register an example; ``quick`` are the arguments of its fast real run."""

    def register(func: Callable) -> Callable:
        module = sys.modules[func.__module__]
        name = module.__spec__.name if module.__spec__ else func.__module__
        key = f"{name.removeprefix('chapter3.')}:{func.__name__}"
        REGISTRY[key] = Example(key, label, func, quick)
        return func

    return register


def examples_of(module: str) -> list[Example]:
    """The examples of ``chapter3.<module>``, in the order they are defined."""
    importlib.import_module(f"chapter3.{module}")
    return [e for k, e in REGISTRY.items() if k.split(":")[0] == module]


def fields_of(result: Any) -> dict[str, Any]:
    """A result's fields other than its timeline, as plain data."""
    if not dataclasses.is_dataclass(result):
        return {"result": result}
    return {
        f.name: getattr(result, f.name) for f in dataclasses.fields(result) if f.name != "timeline"
    }


def capture(key: str, method: str | None = None) -> dict[str, Any]:
    """A quick run of one example, as JSON-ready data for the site."""
    module, _ = key.split(":")
    examples_of(module)
    ex = REGISTRY[key]
    result = ex.run(method, quick=True)
    timeline = result.timeline
    return {
        "key": key,
        "label": ex.label,
        "method": (method or multiprocessing.get_start_method()) if ex.takes_ctx else "",
        "quick": ex.quick,
        "transcript": {lang: timeline.transcript(lang) for lang in ("zh", "en")},
        "events": [dataclasses.asdict(e) for e in timeline],
        "fields": json.loads(json.dumps(fields_of(result), default=repr)),
    }


def main(module: str, argv: list[str] | None = None) -> None:
    """Run a module's examples and print what each one's program would print."""
    parser = argparse.ArgumentParser(prog=f"python -m chapter3.{module}")
    parser.add_argument("--quick", action="store_true", help="short sleeps, as on the site")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--method", choices=multiprocessing.get_all_start_methods())
    parser.add_argument("--only", help="run only this example (function name)")
    args = parser.parse_args(argv)
    for ex in examples_of(module):
        if args.only and ex.key.split(":")[1] != args.only:
            continue
        method = args.method or multiprocessing.get_start_method()
        print(f"== {ex.label or '—'} {ex.key} ({method}) ==")
        result = ex.run(args.method, quick=args.quick)
        for line in result.timeline.transcript(args.lang):
            print(line)
        for name, value in fields_of(result).items():
            print(f"  · {name} = {value!r}")
        print()

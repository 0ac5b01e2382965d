"""What a call does with bad input, as text the pages and tests can compare."""

from __future__ import annotations

from collections.abc import Callable


def error_of(call: Callable[[], object]) -> str:
    """Call ``call``; ``"no error"``, or the exception it raised as ``"Type: message"``."""
    try:
        call()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "no error"

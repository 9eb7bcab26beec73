"""A pydantic ``ValidationError`` in one line: where and why, never the input (it may be personal)."""

from __future__ import annotations

from pydantic import ValidationError


def describe(exc: ValidationError, limit: int = 5, whole: str | None = "(value)") -> str:
    """``field: rule; field: rule (and N more)`` for the first ``limit`` errors.

    An error about the value as a whole (no field) is labelled ``whole``, or given as the rule
    alone when ``whole`` is ``None``.
    """
    errors = exc.errors(include_input=False, include_url=False)
    shown = []
    for error in errors[:limit]:
        where = ".".join(str(part) for part in error["loc"]) or whole
        shown.append(f"{where}: {error['msg']}" if where else error["msg"])
    more = len(errors) - len(shown)
    return "; ".join(shown) + (f" (and {more} more)" if more > 0 else "")

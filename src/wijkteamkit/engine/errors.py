"""Errors the engine raises for bad input or forbidden acts; each names the rule it enforces.

All derive from :class:`CaseworkError`; the CLI turns them into one line and exit code 1.
Whatever raised, nothing of that operation was written: every operation is one transaction.
Database errors are translated at the engine boundary (:mod:`.dberrors`): no message carries
SQL, its parameters, or anything of a case.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class CaseworkError(Exception):
    """A casework rule was broken. ``rule`` names it; the message says what to do."""

    rule = "casework"

    def __init__(self, message: str, rule: str | None = None) -> None:
        super().__init__(message)
        if rule is not None:
            self.rule = rule

    def __str__(self) -> str:
        return f"[{self.rule}] {super().__str__()}"


class IllegalTransition(CaseworkError):
    """A step the work process does not allow from the current state."""

    rule = "transition"


class RuleViolation(CaseworkError):
    """An invariant would be broken (one active plan, a case director, a responsible party...)."""


class NotFound(CaseworkError):
    """No such record in the actor's municipality (records of others are never revealed)."""

    rule = "not-found"


class AccessDenied(CaseworkError):
    """The actor may not do or see this; the refusal is audited."""

    rule = "access"


class ConsentRequired(CaseworkError):
    """A disclosure or hand-over was denied: no consent or legal basis covers it (audited)."""

    rule = "consent"


class ConflictError(CaseworkError):
    """Someone else changed the record since it was read; reload it and apply the change again."""

    rule = "conflict"


class StorageError(CaseworkError):
    """The database refused or failed the operation for a reason no casework rule names.

    Nothing of the operation was written. The message names the kind of failure (and a
    constraint where there is one), never the SQL or its parameters.
    """

    rule = "database"


class PluginFailure(CaseworkError):
    """A plugin's behaviour hook failed during an operation; nothing of it was written.

    The message names the hook, the exception's class and where it was raised, never the
    exception's text (it may carry case data).
    """

    rule = "plugin"


@contextmanager
def item(index: int, count: int) -> Iterator[None]:
    """Checking item ``index`` of a batch of ``count``: a :class:`CaseworkError` raised here
    names the item (``item 3: ...``). A batch of one is the interactive operation, whose
    messages stay as they are."""
    try:
        yield
    except CaseworkError as exc:
        if count == 1:
            raise
        raise type(exc)(f"item {index}: {exc.args[0]}", rule=exc.rule) from None

"""The quarantine file: every bad row of a feed, as JSON Lines, readable by its owner only.

One line per row: ``{"row": n, "raw": ..., "reasons": [...]}``. ``raw`` is the row as read
(its fields, or the line's text when it was not a row), so it holds personal data: the file is
created with mode 0600 (an existing file is truncated and set to 0600 first).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO

from .feed import Raw

MODE = 0o600


def _plain(value: object) -> object:
    """A JSON Lines value json cannot write itself: a Decimal (a JSON number read exactly)."""
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)
    raise TypeError(type(value).__name__)


class Quarantine:
    """A quarantine file being written; use it as a context manager.

    Rows are written as they come and flushed with :meth:`flush` (the caller flushes before
    each commit of good rows, so what is committed and what is quarantined keep pace).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, MODE)
        os.fchmod(descriptor, MODE)
        self._file: IO[str] = os.fdopen(descriptor, "w", encoding="utf-8", newline="\n")
        self.count = 0

    def write(self, row: int, raw: Raw, reasons: Sequence[str]) -> None:
        """Add one bad row with every reason it was refused."""
        record = {"row": row, "raw": raw, "reasons": list(reasons)}
        self._file.write(json.dumps(record, ensure_ascii=False, default=_plain) + "\n")
        self.count += 1

    def flush(self) -> None:
        """Hand what was written to the operating system."""
        self._file.flush()

    def close(self) -> None:
        """Flush and close the file."""
        self._file.close()

    def __enter__(self) -> Quarantine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

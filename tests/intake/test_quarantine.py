"""The quarantine file: JSON Lines of bad rows, readable by its owner only."""

from __future__ import annotations

import json
import os
import stat
from decimal import Decimal
from pathlib import Path

from wijkteamkit.intake.quarantine import Quarantine


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_bad_rows_are_written_as_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    with Quarantine(path) as quarantine:
        quarantine.write(3, {"surname": "Jansen", "arrears_eur": Decimal("12.50")}, ["a", "b"])
        quarantine.write(7, "not,a,row", ["has 3 columns"])
        assert quarantine.count == 2
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines == [
        {"row": 3, "raw": {"surname": "Jansen", "arrears_eur": 12.5}, "reasons": ["a", "b"]},
        {"row": 7, "raw": "not,a,row", "reasons": ["has 3 columns"]},
    ]


def test_a_new_quarantine_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    with Quarantine(path):
        pass
    assert mode(path) == 0o600


def test_an_existing_file_is_emptied_and_made_private(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o644)
    with Quarantine(path) as quarantine:
        quarantine.write(2, "x", ["y"])
    assert mode(path) == 0o600
    assert path.read_text(encoding="utf-8") == '{"row": 2, "raw": "x", "reasons": ["y"]}\n'

"""docs/cli.md keeps step with the command table: every command in the overview and with a
section of its own, and nothing documented that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

from wijkteamkit.cli.app import COMMANDS

CLI_MD = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
TEXT = CLI_MD.read_text(encoding="utf-8")


def overview() -> list[str]:
    block = re.search(r"```text\n(.*?)```", TEXT, re.S)
    assert block is not None, "docs/cli.md starts with the command overview in a text block"
    return re.findall(r"^  ([a-z]+) ", block.group(1), re.M)


def sections() -> set[str]:
    return {heading.split()[0] for heading in re.findall(r"^## ([a-z].*)$", TEXT, re.M)}


def test_the_overview_lists_every_command_in_the_table_order() -> None:
    assert overview() == list(COMMANDS)


def test_every_command_has_a_section() -> None:
    missing = [name for name in COMMANDS if name not in sections()]
    assert not missing, f"docs/cli.md has no '## <command>' section for {missing}"


def test_no_section_documents_a_command_that_does_not_exist() -> None:
    conventions = {"conventions", "errors", "exit", "environment"}
    unknown = sections() - set(COMMANDS) - conventions
    assert not unknown, f"docs/cli.md documents commands the CLI does not have: {unknown}"

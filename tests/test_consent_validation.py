"""Validation of escalation rules against the consent policy: can a rule's legal basis apply?"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from sample_town import ON, SRC, SampleTown

from wijkteamkit import EscalationRule, load_municipality, validate
from wijkteamkit.testing import PluginHarness

CODE = "rule-basis-not-exception"


def rule(**fields: Any) -> list[EscalationRule]:
    base: dict[str, Any] = {
        "key": "r",
        "name": "R",
        "when": {"kind": "flagged", "indicator": "domestic-violence"},
        "target": "veilig-thuis",
        "direct": True,
        "legal_basis": "meldrecht-veilig-thuis",
        "source": SRC,
    }
    return [EscalationRule(**{**base, **fields})]


class Bases:
    """A layer adding a covenant basis, and optionally a policy listing it."""

    def __init__(self, allows: bool = True, listed: bool = True, recipients: Any = None) -> None:
        self.allows, self.listed = allows, listed
        self.recipients = recipients if recipients is not None else ["regieteam"]

    def wijkteamkit_legal_bases(self) -> Any:
        return [
            {
                "key": "convenant",
                "name": "Covenant",
                "allows_disclosure_without_consent": self.allows,
                "recipients": self.recipients,
                "source": SRC.model_dump(),
            }
        ]

    def wijkteamkit_consent_policy(self) -> Any:
        listed = ["convenant"] if self.listed else []
        return {"exceptions": ["meldrecht-veilig-thuis", *listed]}


def findings(rules: list[EscalationRule], *layers: Any) -> list[tuple[str, str]]:
    harness = PluginHarness()
    harness.register(SampleTown(escalation_rules=rules))
    for layer in layers:
        harness.register(layer, layer="local")
    return [(f.severity, f.code) for f in harness.findings(ON)]


def test_a_basis_covering_the_target_kind_is_clean() -> None:
    assert CODE not in [c for _, c in findings(rule())]


def test_a_basis_that_does_not_cover_the_target_is_an_error() -> None:
    assert ("error", CODE) in findings(rule(target="regieteam"))


def test_a_basis_naming_the_target_key_is_clean() -> None:
    covenant = rule(target="regieteam", legal_basis="convenant")
    assert CODE not in [c for _, c in findings(covenant, Bases())]
    assert ("error", CODE) in findings(covenant, Bases(recipients=["multiproblem-team"]))
    assert CODE not in [c for _, c in findings(covenant, Bases(recipients=["multiproblem_team"]))]


def test_a_basis_not_in_the_consent_policy_is_an_error() -> None:
    assert ("error", CODE) in findings(
        rule(target="regieteam", legal_basis="convenant"), Bases(listed=False)
    )


def test_a_basis_not_allowing_disclosure_without_consent_is_an_error() -> None:
    found = findings(rule(target="regieteam", legal_basis="convenant"), Bases(allows=False))
    assert ("error", CODE) in found


def test_a_rule_that_is_not_direct_is_checked_too() -> None:
    assert ("error", CODE) in findings(rule(target="regieteam", direct=False))


def test_an_unknown_basis_is_left_to_unknown_reference() -> None:
    found = findings(rule(legal_basis="nergens"))
    assert ("error", "unknown-reference") in found and CODE not in [c for _, c in found]


def test_a_direct_rule_without_a_basis_rests_on_consent_and_is_only_information() -> None:
    assert ("info", "direct-without-basis") in findings(rule(legal_basis=None))
    assert "direct-without-basis" not in [c for _, c in findings(rule())]


def test_the_message_says_what_to_do_and_names_the_plugin() -> None:
    harness = PluginHarness()
    harness.register(SampleTown(escalation_rules=rule(target="regieteam")), name="teststad")
    (finding,) = [f for f in harness.findings(ON) if f.code == CODE]
    assert finding.location == "escalation_rules/r"
    assert finding.plugin.startswith("teststad")
    assert "drop legal_basis" in finding.message and "ConsentPolicy.exceptions" in finding.message


@pytest.mark.parametrize("name", ["nijmegen", "zwolle", "'s-Hertogenbosch", "arnhem", "lingewaard"])
def test_every_bundled_rule_with_a_basis_can_apply(name: str) -> None:
    setup = load_municipality(name)
    assert [f for f in validate(setup) if f.code == CODE] == []


def test_validate_all_is_clean_on_the_command_line_even_when_strict() -> None:
    """Every bundled municipality validates with no error and no warning but those naming its
    illustrative items (which --strict reports), on its own date and after the reform (when the
    meldrecht is in force)."""
    for extra in ([], ["--on", "2016-01-01"]):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "wijkteamkit",
                "validate",
                "--all",
                "--strict",
                "--format",
                "json",
                *extra,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        report = json.loads(result.stdout)
        assert result.returncode == 1 and not report["load_errors"], result.stderr
        blocking = [
            f
            for m in report["municipalities"]
            for f in m["findings"]
            if f["severity"] != "info" and f["code"] != "illustrative"
        ]
        assert blocking == []
        codes = {f["code"] for m in report["municipalities"] for f in m["findings"]}
        assert CODE not in codes

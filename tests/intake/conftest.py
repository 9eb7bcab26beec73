"""Intake tests reuse the engine fixtures (SQLite always, PostgreSQL where it runs)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ENGINE_TESTS = Path(__file__).resolve().parents[1] / "engine"
if str(ENGINE_TESTS) not in sys.path:
    sys.path.insert(0, str(ENGINE_TESTS))

_spec = importlib.util.spec_from_file_location("engine_fixtures", ENGINE_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

database_url = _fixtures.database_url

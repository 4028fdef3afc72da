"""The GraphQL-over-HTTP audit (npm `graphql-http`, `auditServer`) against the real server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.processes import free_port, running

pytestmark = pytest.mark.e2e

JS = Path(__file__).resolve().parents[2] / "js"


def test_the_graphql_over_http_audit_has_no_warnings_and_no_errors() -> None:
    port = free_port()
    with running(["serve", "--port", str(port)]):
        audit = subprocess.run(  # noqa: S603 - fixed arguments
            ["node", "http-audit.mjs", f"http://127.0.0.1:{port}/graphql"],  # noqa: S607
            cwd=JS,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    summary = json.loads(audit.stdout)
    assert summary["problems"] == []
    assert summary["warn"] == summary["error"] == 0
    assert summary["ok"] >= 40

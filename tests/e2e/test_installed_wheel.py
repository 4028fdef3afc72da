"""The built wheel is complete: installed in a fresh venv, `sessiongraph demo` serves GraphiQL.

The wheel is built from the checkout (setup.py runs the GraphiQL build), installed
with its dependencies from the package index into a new venv, and run from an
empty folder, so nothing of the checkout can stand in for what the wheel lacks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Route, expect, sync_playwright

from tests.e2e.processes import free_port, running_command

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def _build_wheel(out: Path) -> Path:
    subprocess.run(  # noqa: S603 - pip on our own checkout
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        check=True,
        timeout=600,
    )
    [wheel] = out.glob("sessiongraph-*.whl")
    return wheel


def _install(wheel: Path, where: Path) -> Path:
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    subprocess.run(  # noqa: S603 - pip installing the wheel just built
        [str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=600
    )
    return where / "bin"


def test_installed_wheel_serves_graphiql(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: ./dev setup installs it")
    wheel = _build_wheel(tmp_path / "dist")
    bin_dir = _install(wheel, tmp_path / "venv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(  # noqa: S603
        [str(bin_dir / "python"), "-c", "import app.graphiql, sys; print(app.graphiql.__file__)"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(tmp_path / "venv")), where

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SESSIONGRAPH_", "PYTHON"))}
    command = [str(bin_dir / "sessiongraph"), "demo", "--port", str(port)]
    with running_command(command, ready="Uvicorn running on", env=env, cwd=elsewhere):
        url = f"http://127.0.0.1:{port}/graphql"
        page_html = httpx.get(url, headers={"Accept": "text/html"}, timeout=10)
        assert page_html.status_code == 200, page_html.text[:500]
        _run_default_query(url)


def _run_default_query(url: str) -> None:
    external: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()

            def guard(route: Route) -> None:
                if urlsplit(route.request.url).hostname in {"127.0.0.1", None, ""}:
                    route.continue_()
                else:
                    external.append(route.request.url)
                    route.abort("blockedbyclient")

            page.route("**/*", guard)
            page.goto(url)
            page.locator(".graphiql-query-editor .monaco-editor").wait_for(timeout=30_000)
            page.get_by_text("LatestConferenceRecords").first.wait_for(timeout=30_000)
            page.locator(".graphiql-execute-button").click()
            expect(page.locator(".result-window")).to_contain_text(
                "conferenceRecords/", timeout=30_000
            )
        finally:
            browser.close()
    assert external == []

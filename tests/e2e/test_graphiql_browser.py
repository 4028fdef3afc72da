"""GraphiQL in a real browser, offline: Debian's Chromium through Playwright.

The gateway runs as a real process (`sessiongraph demo`). Every browser request
that does not go to loopback is aborted and recorded, so a CDN reference anywhere
in the explorer fails the test instead of silently loading from the internet.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, Request, Route, expect, sync_playwright

from app.graphiql import load_manifest

pytestmark = pytest.mark.e2e


ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
LOCAL_SCHEMES = ("data:", "blob:", "about:")
READY_ATTEMPTS = 150  # x 0.2 s poll interval: the demo seeds four emulators first
API_KEY = "e2e-graphiql-key"

requires_browser = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (./dev setup installs it)"
)
requires_assets = pytest.mark.skipif(
    load_manifest() is None,
    reason="GraphiQL assets are not built (./dev setup, or cd js && npm ci && node build-graphiql.mjs)",
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _sessiongraph() -> list[str]:
    script = Path(sys.executable).with_name("sessiongraph")
    if script.exists():
        return [str(script)]
    found = shutil.which("sessiongraph")
    return [found] if found else [sys.executable, "-m", "app.cli"]


@dataclass
class Gateway:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path


def _start_demo(tmp_path: Path, env_extra: dict[str, str]) -> Iterator[Gateway]:
    port = _free_port()
    log = tmp_path / "gateway.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONGRAPH_")} | env_extra
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
            [*_sessiongraph(), "demo", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base_url, timeout=1.0, trust_env=False) as http:
            for _ in range(READY_ATTEMPTS):
                if process.poll() is not None:
                    pytest.fail(f"the demo exited early:\n{log.read_text(errors='replace')}")
                try:
                    if http.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            else:
                pytest.fail(f"the demo never became ready:\n{log.read_text(errors='replace')}")
        yield Gateway(base_url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Gateway]:
    yield from _start_demo(tmp_path, {})


@pytest.fixture
def keyed_demo(tmp_path: Path) -> Iterator[Gateway]:
    yield from _start_demo(tmp_path, {"SESSIONGRAPH_API_KEYS": API_KEY})


@dataclass
class BrowserWatch:
    """What the page tried to do that it must not: leave loopback, throw, log errors."""

    external_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def expected_console(self, text: str, count: int) -> None:
        """`count` console errors containing `text` were expected: take them out."""
        matching = [e for e in self.console_errors if text in e]
        assert len(matching) == count, self.console_errors
        self.console_errors = [e for e in self.console_errors if text not in e]

    def assert_clean(self) -> None:
        assert self.external_requests == [], "requests left loopback"
        assert self.page_errors == [], "uncaught errors in the page"
        assert self.console_errors == [], "errors in the browser console"


@pytest.fixture
def browser_page() -> Iterator[tuple[Page, BrowserWatch]]:
    watch = BrowserWatch()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()

            def guard(route: Route) -> None:
                url = route.request.url
                if url.startswith(LOCAL_SCHEMES) or urlsplit(url).hostname in LOOPBACK_HOSTS:
                    route.continue_()
                    return
                watch.external_requests.append(url)
                route.abort("blockedbyclient")

            context.route("**/*", guard)
            page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
            page.on(
                "console",
                lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None,
            )
            yield page, watch
        finally:
            browser.close()


def _posts(request: Request, operation: str) -> bool:
    """Whether this is the explorer running `operation` (not its schema introspection)."""
    return (
        request.method == "POST"
        and urlsplit(request.url).path == "/graphql"
        and operation in (request.post_data or "")
    )


def _open_explorer(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, response.text()
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp
    # The editors are Monaco instances; wait until the query editor shows the default query.
    page.locator(".graphiql-query-editor .monaco-editor").wait_for(timeout=30_000)
    page.get_by_text("LatestConferenceRecords").first.wait_for(timeout=30_000)


@requires_browser
@requires_assets
def test_default_query_runs_offline_in_chromium(
    demo: Gateway, browser_page: tuple[Page, BrowserWatch], tmp_path: Path
) -> None:
    page, watch = browser_page
    _open_explorer(page, f"{demo.base_url}/graphql")

    with page.expect_response(lambda r: _posts(r.request, "LatestConferenceRecords")) as answer:
        page.locator(".graphiql-execute-button").click()
    body = answer.value.json()
    assert "errors" not in body, json.dumps(body, indent=2)[:2000]
    records = body["data"]["conferenceRecords"]["edges"]
    assert records, "the demo's Meet emulator returned no conference records"
    first = records[0]["node"]
    assert first["name"].startswith("conferenceRecords/")

    result = page.locator(".result-window")
    expect(result).to_contain_text('"conferenceRecords"', timeout=30_000)
    expect(result).to_contain_text(first["name"], timeout=30_000)

    screenshot = tmp_path / "graphiql.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0
    watch.assert_clean()


@requires_browser
@requires_assets
def test_headers_editor_sends_the_api_key(
    keyed_demo: Gateway, browser_page: tuple[Page, BrowserWatch], tmp_path: Path
) -> None:
    page, watch = browser_page
    _open_explorer(page, f"{keyed_demo.base_url}/graphql")

    # With keys configured, the page opens on the headers editor with an X-API-Key placeholder.
    headers = page.locator(".graphiql-editor-tool .monaco-editor").last
    expect(headers).to_contain_text("X-API-Key", timeout=30_000)

    with page.expect_response(lambda r: _posts(r.request, "LatestConferenceRecords")) as denied:
        page.locator(".graphiql-execute-button").click()
    assert denied.value.status == 401
    expect(page.locator(".result-window")).to_contain_text("UNAUTHENTICATED")
    # Chromium logs every 4xx fetch to the console; this one was the point of the step.
    watch.console_errors[:] = [e for e in watch.console_errors if "status of 401" not in e]

    headers.click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Delete")
    page.keyboard.type(json.dumps({"X-API-Key": API_KEY, "Authorization": "Bearer e2e"}))
    # The editor auto-closes brackets and quotes as one types; drop what it added past the end.
    page.keyboard.press("ControlOrMeta+Shift+End")
    page.keyboard.press("Delete")
    with page.expect_request(lambda r: _posts(r, "LatestConferenceRecords")) as sent:
        page.locator(".graphiql-execute-button").click()
    assert sent.value.headers.get("x-api-key") == API_KEY
    assert sent.value.headers.get("authorization") == "Bearer e2e"
    response = sent.value.response()
    assert response is not None
    assert response.status == 200
    expect(page.locator(".result-window")).to_contain_text('"conferenceRecords"')

    page.screenshot(path=str(tmp_path / "graphiql-headers.png"), full_page=True)
    watch.assert_clean()


@pytest.fixture
def live_demo(tmp_path: Path) -> Iterator[Gateway]:
    # The emulators deliver a join or a leave every half second.
    yield from _start_demo(tmp_path, {"SESSIONGRAPH_EMULATOR_LIVE_INTERVAL": "0.5"})


@requires_browser
@requires_assets
def test_the_live_tab_shows_subscription_events_over_websocket(
    live_demo: Gateway, browser_page: tuple[Page, BrowserWatch]
) -> None:
    page, watch = browser_page
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    _open_explorer(page, f"{live_demo.base_url}/graphql")

    page.get_by_text("LiveAttendance").first.click()
    # Run only once the tab's subscription is the one in the editor.
    expect(page.locator(".graphiql-query-editor")).to_contain_text("sessionEvents", timeout=30_000)
    result = page.locator(".result-window")
    # The result window wraps long lines: words may be apart by any run of whitespace.
    stale = re.compile(r"Unknown\s+operation\s+named")
    answered = re.compile(rf'"sessionEvents"|{stale.pattern}')
    stale_runs = 0
    for _ in range(5):
        page.locator(".graphiql-execute-button").click()
        expect(result).to_contain_text(answered, timeout=60_000)
        # Right after a tab switch GraphiQL can still send the previous tab's operation
        # name; the gateway answers that at once with an error, and the next run is right.
        if not stale.search(result.inner_text()):
            break
        stale_runs += 1
    expect(result).to_contain_text('"sessionEvents"', timeout=60_000)
    expect(result).to_contain_text("PARTICIPANT_", timeout=60_000)
    assert set(sockets) == {f"{live_demo.base_url.replace('http', 'ws')}/graphql"}
    # Each stale run was a request error, answered HTTP 400 (graphql-response+json), which
    # the browser logs; nothing else may be.
    watch.expected_console("status of 400 (Bad Request)", stale_runs)
    watch.assert_clean()

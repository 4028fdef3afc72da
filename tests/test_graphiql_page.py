"""The GraphiQL page and its assets, through the in-process app (no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.graphiql import assets, load_manifest
from app.graphiql.routes import IMMUTABLE
from app.settings import Settings

HTML = {"Accept": "text/html,application/xhtml+xml"}
URL_IN_PAGE = re.compile(r"(?:https?:)?//[^\s\"'<>]+", re.IGNORECASE)


def _fake_build(directory: Path) -> None:
    """A minimal build output, so these tests do not depend on `npm ci`."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main-ABC123.js").write_text("console.log('graphiql')\n")
    (directory / "main-DEF456.css").write_text("body{margin:0}\n")
    (directory / "editor.worker-XYZ789.js").write_text("self.onmessage=()=>{}\n")
    (directory / "secret.txt").write_text("not an asset\n")
    manifest = {
        "script": "main-ABC123.js",
        "style": "main-DEF456.css",
        "workers": {"editor": "editor.worker-XYZ789.js"},
        "files": ["editor.worker-XYZ789.js", "main-ABC123.js", "main-DEF456.css"],
    }
    (directory / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "static"
    _fake_build(directory)
    monkeypatch.setattr(assets, "STATIC_DIR", directory)
    return directory


@pytest.fixture
def unbuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "never-built"
    monkeypatch.setattr(assets, "STATIC_DIR", directory)
    return directory


@pytest.mark.usefixtures("built")
async def test_browser_get_serves_our_page_with_a_strict_csp(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers=HTML)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<script type="module" src="/graphiql-assets/main-ABC123.js"></script>' in page
    assert '<link rel="stylesheet" href="/graphiql-assets/main-DEF456.css">' in page
    assert URL_IN_PAGE.findall(page) == [], "the page must not reference any other origin"
    assert "unpkg" not in page
    assert "jsdelivr" not in page
    assert "esm.sh" not in page

    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    for sources in directives.values():
        for source in sources.split():
            assert source.startswith("'") or source in {"data:"}, f"{source} in {csp}"
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.usefixtures("built")
async def test_page_tells_the_explorer_where_to_post(client: httpx.AsyncClient) -> None:
    page = (await client.get("/graphql", headers=HTML)).text
    block = re.search(r'id="sessiongraph-graphiql-config">([^<]*)</script>', page)
    assert block is not None
    assert json.loads(block.group(1)) == {"endpoint": "/graphql", "apiKeyRequired": False}


@pytest.mark.usefixtures("built")
async def test_assets_are_served_immutable(client: httpx.AsyncClient) -> None:
    for name, kind in [
        ("main-ABC123.js", "text/javascript"),
        ("main-DEF456.css", "text/css"),
        ("editor.worker-XYZ789.js", "text/javascript"),
    ]:
        response = await client.get(f"/graphiql-assets/{name}")
        assert response.status_code == 200, name
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["content-type"].startswith(kind)
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.usefixtures("built")
@pytest.mark.parametrize(
    "name",
    ["secret.txt", "manifest.json", "../static/main-ABC123.js", "%2e%2e/secret.txt", "nope.js"],
)
async def test_only_built_assets_are_served(client: httpx.AsyncClient, name: str) -> None:
    response = await client.get(f"/graphiql-assets/{name}")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("cache-control", "")


@pytest.mark.usefixtures("unbuilt")
async def test_missing_assets_page_says_how_to_build_them(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers=HTML)

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "./dev setup" in page
    assert "npm ci" in page
    assert "node build-graphiql.mjs" in page
    assert "<script" not in page
    assert URL_IN_PAGE.findall(page) == []
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert (await client.get("/graphiql-assets/main-ABC123.js")).status_code == 404


@pytest.mark.usefixtures("unbuilt")
async def test_graphql_still_answers_without_assets(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_manifest_of_a_partial_build_is_rejected(tmp_path: Path) -> None:
    _fake_build(tmp_path)
    (tmp_path / "main-DEF456.css").unlink()
    assert load_manifest(tmp_path) is None
    (tmp_path / "manifest.json").write_text("not json")
    assert load_manifest(tmp_path) is None


def test_the_real_build_when_present_lists_hashed_files() -> None:
    manifest = load_manifest(assets.STATIC_DIR)
    if manifest is None:
        pytest.skip("GraphiQL assets are not built (./dev setup)")
    assert manifest.script in manifest.files
    assert manifest.style in manifest.files
    assert all(re.search(r"-[A-Z0-9]{8}\.", name) for name in manifest.files), manifest.files


@pytest.mark.usefixtures("built")
async def test_page_asks_for_the_api_key_when_keys_are_configured(
    settings: Settings, hub: EmulatorHub
) -> None:
    keyed = settings.model_copy(update={"api_keys": SecretStr("k-123")})
    app = create_app(keyed, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            page = await client.get("/graphql", headers=HTML)
            asset = await client.get("/graphiql-assets/main-ABC123.js")
            denied = await client.post("/graphql", json={"query": "{ __typename }"})
    assert page.status_code == 200
    assert '"apiKeyRequired":true' in page.text
    assert "k-123" not in page.text
    assert asset.status_code == 200
    assert denied.status_code == 401

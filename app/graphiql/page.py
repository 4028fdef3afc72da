"""The page that boots GraphiQL from the gateway's own assets, or says how to build them."""

from __future__ import annotations

import html
import json
import secrets

from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.graphiql.assets import ASSETS_PATH, AssetManifest, load_manifest

__all__ = ["EXPLORER_CSP", "graphiql_response", "render_explorer", "render_missing_assets"]

# Everything comes from the gateway's own origin; no external origin is allowed anywhere.
EXPLORER_CSP = "; ".join(
    [
        "default-src 'self'",
        # Only our bundle; no inline script, no eval. (The config block below is a JSON
        # data block: browsers never execute it, so it needs no exception.)
        "script-src 'self'",
        # Exception: Monaco (GraphiQL's editor) and the UI components create <style>
        # elements and style="" attributes at run time, which CSP treats as inline
        # styles. A nonce cannot cover them (dynamically created elements carry none,
        # and a nonce disables 'unsafe-inline' for attributes). Styles cannot run code.
        "style-src 'self' 'unsafe-inline'",
        # Exception: GraphiQL's stylesheet embeds its fonts and a few icons as data: URIs;
        # data: is not an origin, nothing is fetched from the network.
        "font-src 'self' data:",
        "img-src 'self' data:",
        # Monaco's language services run in web workers: our own hashed worker files.
        "worker-src 'self'",
        # The fetcher posts operations to this gateway only.
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)

_COMMON_HEADERS = {
    # The page names the current asset hashes; always revalidate it.
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _json_block(data: dict[str, object]) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(data, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_explorer(
    manifest: AssetManifest, *, assets_prefix: str, endpoint: str, api_key_required: bool
) -> str:
    """The explorer page: a mount point, our stylesheet and our module script."""
    prefix = html.escape(assets_prefix.rstrip("/"), quote=True)
    style = html.escape(manifest.style, quote=True)
    script = html.escape(manifest.script, quote=True)
    config = _json_block({"endpoint": endpoint, "apiKeyRequired": api_key_required})
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>sessiongraph · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{prefix}/{style}">
<script type="application/json" id="sessiongraph-graphiql-config">{config}</script>
<script type="module" src="{prefix}/{script}"></script>
</head>
<body>
<div id="graphiql">
<noscript>The sessiongraph explorer needs JavaScript. The GraphQL endpoint itself
works without it: POST your operation to this URL.</noscript>
</div>
</body>
</html>
"""


def render_missing_assets(nonce: str) -> str:
    """Shown instead of a blank page when the GraphiQL assets were never built."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sessiongraph · GraphiQL assets not built</title>
<style nonce="{nonce}">
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto;
       padding: 0 1rem; }}
code, pre {{ background: #f3f3f3; border-radius: 4px; padding: .1rem .3rem; }}
pre {{ padding: .75rem 1rem; }}
</style>
</head>
<body>
<h1>The GraphiQL explorer is not built yet</h1>
<p>This gateway serves GraphiQL from its own files (no CDN), and they are missing
from <code>app/graphiql/static/</code>. Build them from the project folder with:</p>
<pre>./dev setup</pre>
<p>or, for just the explorer:</p>
<pre>cd js &amp;&amp; npm ci &amp;&amp; node build-graphiql.mjs</pre>
<p>then reload this page. The GraphQL endpoint works meanwhile: <code>POST /graphql</code>.</p>
</body>
</html>
"""


def graphiql_response(request: Request, *, api_key_required: bool = False) -> HTMLResponse:
    """GraphiQL for a browser GET of the GraphQL endpoint (503 with build steps if unbuilt)."""
    manifest = load_manifest()
    if manifest is None:
        nonce = secrets.token_urlsafe(16)
        csp = (
            f"default-src 'none'; style-src 'nonce-{nonce}'; base-uri 'none'; "
            "frame-ancestors 'none'"
        )
        return HTMLResponse(
            render_missing_assets(nonce),
            status_code=503,
            headers={**_COMMON_HEADERS, "Content-Security-Policy": csp, "Retry-After": "60"},
        )
    root = request.scope.get("root_path", "")
    page = render_explorer(
        manifest,
        assets_prefix=f"{root}{ASSETS_PATH}",
        endpoint=request.url.path,
        api_key_required=api_key_required,
    )
    return HTMLResponse(page, headers={**_COMMON_HEADERS, "Content-Security-Policy": EXPLORER_CSP})

"""Serves the built GraphiQL assets at `/graphiql-assets/{name}` as immutable files."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from app.graphiql.assets import ASSETS_PATH, load_manifest

__all__ = ["IMMUTABLE", "graphiql_routes"]

IMMUTABLE = "public, max-age=31536000, immutable"
"""Every asset name carries a content hash: a new build means new names, never new bytes."""


async def serve_asset(request: Request) -> Response:
    manifest = load_manifest()
    name = request.path_params["name"]
    path = manifest.path_of(name) if manifest is not None else None
    if path is None:
        return PlainTextResponse(
            "Not Found", status_code=404, headers={"Cache-Control": "no-store"}
        )
    media_type = "text/javascript; charset=utf-8" if name.endswith(".js") else None
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"},
    )


def graphiql_routes() -> list[Route]:
    """The asset route to add to the app next to `/graphql`."""
    return [Route(f"{ASSETS_PATH}/{{name:path}}", serve_asset, methods=["GET", "HEAD"])]

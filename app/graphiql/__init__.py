"""The offline GraphiQL explorer: page, assets and routes.

The assets are built from npm packages by `js/build-graphiql.mjs` (run by `./dev setup`)
into `app/graphiql/static/`; the gateway serves them itself, so the explorer never
needs a CDN.
"""

from app.graphiql.assets import ASSETS_PATH, AssetManifest, load_manifest
from app.graphiql.page import graphiql_response
from app.graphiql.routes import graphiql_routes

__all__ = ["ASSETS_PATH", "AssetManifest", "graphiql_response", "graphiql_routes", "load_manifest"]

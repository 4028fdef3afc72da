"""GraphQL over HTTP: media type negotiation and request-error status codes.

The GraphQL-over-HTTP specification (graphql.github.io/graphql-over-http)
defines `application/graphql-response+json`. A client that accepts it gets
that media type back, and a *request error* (the document does not parse or
validate, the variables do not coerce, a limit refuses it: no execution
started) comes with HTTP 400 and no `data` entry. Under `application/json`
(also what `*/*` and a missing `Accept` mean) request errors keep HTTP 200,
as that media type's clients expect. Bodies are decoded with orjson, which
refuses invalid UTF-8, lone surrogates and nesting deeper than 1024 levels as
malformed JSON (HTTP 400) instead of failing deep inside the server.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

__all__ = ["GRAPHQL_RESPONSE", "JSON", "GraphQLOverHttp", "is_request_error", "negotiate"]

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def negotiate(accept: str | None) -> str:
    """The response media type for an `Accept` header (quality values honoured)."""
    if not accept:
        return JSON
    best, best_q = JSON, -1.0
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        media = media.strip().lower()
        if media not in (GRAPHQL_RESPONSE, JSON):
            continue
        q = _quality(params)
        if q > best_q or (q == best_q and media == GRAPHQL_RESPONSE):
            best, best_q = media, q
    return best if best_q > 0 else JSON


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def is_request_error(result: ExecutionResult) -> bool:
    """No execution happened: no data, and no error belongs to a field."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


class GraphQLOverHttp:
    """Mixed into Strawberry's ASGI view (before it in the bases)."""

    def parse_json(self, data: str | bytes) -> Any:
        # orjson.JSONDecodeError is a json.JSONDecodeError: Strawberry answers 400.
        return orjson.loads(data)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response: Response = await super().get_sub_response(request)  # type: ignore[misc]
        request.state.graphql_sub_response = sub_response
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = await super().process_result(request, result)  # type: ignore[misc]
        media = negotiate(request.headers.get("accept"))
        sub_response = request.state.graphql_sub_response
        sub_response.media_type = media
        if media == GRAPHQL_RESPONSE and is_request_error(result):
            response.pop("data", None)
            sub_response.status_code = 400
        return response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response: Response = super().create_response(response_data, sub_response)  # type: ignore[misc]
        media = sub_response.media_type or JSON
        response.headers["content-type"] = media
        return response

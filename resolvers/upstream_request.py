"""One upstream attempt's URL, built without httpx's per-call parse.

httpx parses and validates a URL's text character by character (~45 us for a Meet
list URL here), and a cache of parsed URLs rarely hits: page tokens, filters and
parent names differ from call to call. The gateway encoded every part itself
(`path_of` quotes each path segment, the query is urlencoded), so the URL is put
together from its parts in httpx's normal form; text httpx would change still
goes through its parser. tests/test_upstream_url.py compares both.

The httpx internals this needs are in `_httpx_parts` and `_httpx_url`, covered by
a test that fails if a new httpx changes them (httpx is pinned `<0.29`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import httpx
from httpx._urlparse import MAX_URL_LENGTH, ParseResult

__all__ = ["UpstreamRequests", "query_of"]

# Text httpx's URL parser keeps exactly as it is: printable ASCII except what it would
# percent-encode (path: space " # < > ? ` { }; query: space " # < >). `%` is kept by
# both, escape or not. A path with a segment starting with `.` goes the slow way, since
# `.` and `..` segments are normalized away (`path_of` refuses them anyway).
_KEPT_PATH = re.compile(r"/[\x21\x24-\x3b\x3d\x40-\x5f\x61-\x7a\x7c\x7e]*")
_KEPT_QUERY = re.compile(r"[\x21\x24-\x3b\x3d\x3f-\x7e]*")


def query_of(params: Mapping[str, Any] | None) -> str | None:
    """The query as httpx's QueryParams writes it (urlencode of its values as strings;
    booleans lower-case, None empty), or None without params (no `?` at all)."""
    if not params:
        return None
    if all(type(v) is str or type(v) is int for v in params.values()):
        return urlencode(params)  # what QueryParams does for these, at half the cost
    return str(httpx.QueryParams(params))


class UpstreamRequests:
    """Builds the requests of one `httpx.AsyncClient` (one upstream)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self._base_text = str(client.base_url).rstrip("/")
        base = _httpx_parts(httpx.URL(self._base_text))
        self._scheme, self._host, self._port = base.scheme, base.host, base.port
        self._base_path = base.path
        # Credentials in the base URL become a Basic auth header in `client.send`.
        self._userinfo = base.userinfo

    def url(self, path: str, params: Mapping[str, Any] | None) -> httpx.URL:
        """`httpx.URL(base + path + "?" + query)`, without parsing text that is canonical."""
        query = query_of(params)
        full = self._base_path + path
        if (
            _KEPT_PATH.fullmatch(full) is not None
            and "/." not in full
            and (query is None or _KEPT_QUERY.fullmatch(query) is not None)
            and len(self._base_text) + len(path) + len(query or "") < MAX_URL_LENGTH
            and not self._userinfo
        ):
            return _httpx_url(
                ParseResult(self._scheme, "", self._host, self._port, full, query, None)
            )
        return _parse(self._base_text + path + ("" if query is None else f"?{query}"))


def _parse(text: str) -> httpx.URL:
    return httpx.URL(text)


# httpx internals: an `httpx.URL` keeps its parsed, normalized form in `_uri_reference`.


def _httpx_parts(url: httpx.URL) -> ParseResult:
    """The normalized parts of `url` (the host IDNA-encoded, the path percent-encoded)."""
    return url._uri_reference


def _httpx_url(parts: ParseResult) -> httpx.URL:
    """The `httpx.URL` of parts already in httpx's normal form."""
    url = httpx.URL.__new__(httpx.URL)
    url._uri_reference = parts
    return url

"""The upstream URL built from its parts is the URL httpx would have parsed from the text.

`UpstreamRequests.url` skips httpx's character-by-character parse of text the
gateway encoded itself; these tests compare it, part by part, with
`httpx.URL(base + path + "?" + str(httpx.QueryParams(params)))` (and with what
`client.build_request(method, path, params=params)` gives) for the four clients'
URL shapes, odd characters, and generated ids and params.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolvers import httpx_internals, upstream_request
from resolvers.http import path_of
from resolvers.upstream_request import UpstreamRequests

BASES = [
    "http://127.0.0.1:8000",
    "http://emulators",
    "https://meet.googleapis.com",
    "https://discoveryengine.googleapis.com/",
    "https://api.cloudflare.com:443",
    "https://video.stream-io-api.com/",
    "https://Proxy.Example.com:8443/prefix/",
    "http://[::1]:9000",
    "https://bücher.example/api",
]
ODD = [
    "a b",
    "ü",
    "日本",
    "x/y",
    "%41",
    "%zz",
    "100%",
    "?q=1",
    "#frag",
    "~tilde",
    "!$&'()*+,;=:@",
    '"<>`{}|\\^[]',
    ".hidden",
    "a..b",
    "tab\tchar",
    "😀",
]
PATHS = [
    path_of("v2", "conferenceRecords"),
    path_of("v2", "conferenceRecords", "abc-123", "participants"),
    path_of("v1", "projects", "p", "locations", "global", "collections", "c", "engines", "e"),
    path_of("client", "v4", "accounts", "acc", "realtime", "kit", "app", "sessions"),
    "/api/v2/video" + path_of("call", "default", "a", "session", "b", "participant_sessions"),
    "/api/v2/video/call_stats",
    *(path_of("v2", "conferenceRecords", odd) for odd in ODD),
    "/literal/with space",
    '/literal/{braces}/`tick`/<angle>/"quote"/|pipe|',
    "/literal/#fragment",
    "/literal/?already=query",
    "/literal/ü/%zz/100%",
    "/literal/./dot",
    "/literal/../up",
    "/a/.well-known",
]
PARAMS: list[dict[str, Any] | None] = [
    None,
    {},
    {"pageSize": "10"},
    {"pageSize": 10, "pageToken": "abc/+==", "filter": 'start_time>="2026-10-01T00:00:00Z"'},
    {"fields": "conferenceRecords,nextPageToken,totalSize"},
    {"orderBy": "create_time desc", "filter": 'state = "IN_PROGRESS" AND user_pseudo_id = "ü"'},
    {"api_key": "key", "limit": 25, "filter_conditions": '{"user_id":{"$in":["a","b"]}}'},
    {"includeAnswerDetails": True, "live": False, "none": None},
    {"empty": "", "zero": 0, "float": 1.5},
    {"sort_by": "createdAt", "sort_order": "DESC", "page_no": "1", "per_page": "50"},
    {"odd key&=": "odd value&=#%", "ü": "日本", "😀": "\x7f"},
    {"list": ["a", "b"], "tuple": ("c", 1)},
]


# One client per base: making one loads the TLS trust store.
CLIENTS = {base: httpx.AsyncClient(base_url=base) for base in BASES}
REQUESTS = {base: UpstreamRequests(client) for base, client in CLIENTS.items()}


def _expected(base: str, path: str, params: dict[str, Any] | None) -> httpx.URL:
    # What the gateway asked httpx for before: the whole text parsed, the query written
    # by httpx's QueryParams.
    query = f"?{httpx.QueryParams(params)}" if params else ""
    expected = httpx.URL(str(CLIENTS[base].base_url).rstrip("/") + path + query)
    if "?" not in path and "#" not in path:
        # and, for any path the gateway makes, what the client's own merge gives.
        assert CLIENTS[base].build_request("GET", path, params=params).url == expected
    return expected


def _same(built: httpx.URL, expected: httpx.URL) -> None:
    assert httpx_internals.parts_of(built) == httpx_internals.parts_of(expected)
    assert str(built) == str(expected)
    assert built.raw_path == expected.raw_path
    assert built == expected


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("path", PATHS)
def test_every_client_shape_and_odd_path_is_the_url_httpx_parses(base: str, path: str) -> None:
    for params in PARAMS:
        _same(REQUESTS[base].url(path, params), _expected(base, path, params))


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_value = st.one_of(_text, st.integers(-(10**12), 10**12), st.booleans(), st.none())


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    segments=st.lists(_text.filter(lambda s: s not in {"", ".", ".."}), min_size=1, max_size=5),
    params=st.one_of(st.none(), st.dictionaries(_text, _value, max_size=5)),
    base=st.sampled_from(BASES),
)
def test_generated_ids_and_params_give_the_url_httpx_parses(
    segments: list[str], params: dict[str, Any] | None, base: str
) -> None:
    path = path_of("v2", *segments)
    _same(REQUESTS[base].url(path, params), _expected(base, path, params))


def test_canonical_text_takes_the_fast_way_and_odd_text_the_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The fast way is the point; the parser is the fallback for text httpx would change.
    requests = REQUESTS["http://emulators"]
    parsed: list[str] = []

    def parse(text: str) -> httpx.URL:
        parsed.append(text)
        return httpx.URL(text)

    monkeypatch.setattr(upstream_request, "_parse", parse)
    requests.url(path_of("v2", "conferenceRecords", "a b"), {"filter": 'x = "ü"', "n": 1})
    requests.url("/api/v2/video/call_stats", None)
    assert parsed == []
    requests.url("/literal/with space", None)
    requests.url("/a/./b", {"q": "1"})
    assert parsed == ["http://emulators/literal/with space", "http://emulators/a/./b?q=1"]


def test_the_httpx_internals_relied_on_are_still_there() -> None:
    # Fails when an httpx release changes how a URL keeps its parsed form.
    url = httpx.URL("https://Bücher.example:8443/a%20b/c?x=1&y=%C3%BC")
    parts = httpx_internals.parts_of(url)
    assert isinstance(parts, upstream_request.ParseResult)
    assert parts._fields == ("scheme", "userinfo", "host", "port", "path", "query", "fragment")
    assert parts == ("https", "", "xn--bcher-kva.example", 8443, "/a%20b/c", "x=1&y=%C3%BC", None)
    rebuilt = httpx_internals.url_of_parts(parts)
    assert rebuilt == url
    assert rebuilt.host == "bücher.example"
    assert rebuilt.raw_path == b"/a%20b/c?x=1&y=%C3%BC"
    assert rebuilt.params == httpx.QueryParams({"x": "1", "y": "ü"})
    assert rebuilt.copy_with(path="/z") == httpx.URL(
        "https://xn--bcher-kva.example:8443/z?x=1&y=%C3%BC"
    )

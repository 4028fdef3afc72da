"""The URL UpstreamTransport hands aiohttp is the one aiohttp would parse from its text.

`_aiohttp_url` builds the URL from its parts when they are in normal form, and passes
the text otherwise; aiohttp sends `raw_path_qs` on the request line and connects to
the host and port, so all of them must agree with `yarl.URL(str(url))` everywhere.
"""

from __future__ import annotations

import httpx
import pytest
import yarl
from hypothesis import given, settings
from hypothesis import strategies as st

from app.transport import _aiohttp_url
from resolvers.upstream_request import UpstreamRequests

# Everything a URL's text can hold after httpx has encoded it, and some it must escape.
_ALPHABET = "aZ09-._~!$&'()*+,;=:@/?%#[]|^` \"<>{}\\éü日"


def _agree(url: httpx.URL) -> yarl.URL | str:
    made = _aiohttp_url(url)
    reference = yarl.URL(str(url))
    parsed = made if isinstance(made, yarl.URL) else yarl.URL(made)
    # The request line, the connection and the Host aiohttp would write. (The text may
    # differ in one way that sends the same: httpx writes an empty path as "", not "/".)
    assert parsed.raw_path_qs == reference.raw_path_qs
    assert (parsed.scheme, parsed.raw_host, parsed.port, parsed.host_port_subcomponent) == (
        reference.scheme,
        reference.raw_host,
        reference.port,
        reference.host_port_subcomponent,
    )
    assert parsed == reference
    return made


@settings(max_examples=400, deadline=None)
@given(
    segments=st.lists(st.text(_ALPHABET, max_size=8), min_size=1, max_size=4),
    query=st.one_of(st.none(), st.text(_ALPHABET, max_size=24)),
    host=st.sampled_from(["127.0.0.1", "meet.googleapis.com", "Example.COM", "[::1]"]),
    port=st.sampled_from(["", ":80", ":8443"]),
)
def test_the_url_agrees_with_the_parsed_text(
    segments: list[str], query: str | None, host: str, port: str
) -> None:
    text = f"http://{host}{port}/" + "/".join(segments)
    if query is not None:
        text += "?" + query
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL:
        return
    _agree(url)


@pytest.mark.parametrize(
    "text",
    [
        "http://127.0.0.1:8080/v2/conferenceRecords/abc-123/participants/p-1/participantSessions?pageSize=6",
        "http://127.0.0.1:8080/api/v2/video/call/default/a/session/b/participant_sessions?api_key=k&limit=101",
        "https://meet.googleapis.com/v2/conferenceRecords",
    ],
)
def test_an_upstream_url_in_normal_form_is_built_not_parsed(text: str) -> None:
    assert isinstance(_agree(httpx.URL(text)), yarl.URL)


@pytest.mark.parametrize(
    "text",
    [
        "http://127.0.0.1/v2/a%3Ab",  # yarl decodes an escaped ":" in a path
        "http://127.0.0.1/v2/a?pageToken=a%2Fb",  # and an escaped "/" in a query
        "http://127.0.0.1/v2/a?",
        "http://user:pw@127.0.0.1/v2/a",
        "http://[::1]:8080/v2/a",
    ],
)
def test_other_urls_are_left_to_aiohttp(text: str) -> None:
    assert isinstance(_agree(httpx.URL(text)), str)


_BASES = ["http://127.0.0.1:8080", "https://meet.googleapis.com", "http://127.0.0.1:8080/prefix"]


@settings(max_examples=400, deadline=None)
@given(
    base=st.sampled_from(_BASES),
    segments=st.lists(st.text(_ALPHABET, max_size=8), min_size=1, max_size=4),
    params=st.one_of(
        st.none(),
        st.dictionaries(st.text(_ALPHABET, max_size=6), st.text(_ALPHABET, max_size=12)),
    ),
)
def test_a_call_hands_aiohttp_the_url_a_sent_request_would(
    base: str, segments: list[str], params: dict[str, str] | None
) -> None:
    # `UpstreamRequests.call` makes what `_aiohttp_url` makes of `url(path, params)`,
    # or leaves the call to the httpx way.
    requests = UpstreamRequests(httpx.AsyncClient(base_url=base))
    path = "/" + "/".join(segments)
    made = requests.aiohttp_url(path, params)
    if made is None:
        return
    sent = _aiohttp_url(requests.url(path, params))
    parsed = made if isinstance(made, yarl.URL) else yarl.URL(made)
    reference = sent if isinstance(sent, yarl.URL) else yarl.URL(sent)
    assert type(made) is type(sent)
    assert parsed.raw_path_qs == reference.raw_path_qs
    assert (parsed.scheme, parsed.raw_host, parsed.port) == (
        reference.scheme,
        reference.raw_host,
        reference.port,
    )
    assert parsed == reference
    assert str(made) == str(sent)


@pytest.mark.parametrize(
    ("path", "params", "kind"),
    [
        ("/v2/conferenceRecords/a-1/participants", {"pageSize": "6"}, yarl.URL),
        ("/v2/conferenceRecords", {"filter": 'start_time>="2026-10-01T00:00:00Z"'}, str),
        ("/v2/conferenceRecords/a%20b", None, str),
        ("/v2/a b", None, type(None)),  # httpx would escape the space: its parser decides
    ],
)
def test_a_call_builds_plain_urls_and_hands_on_escaped_text(
    path: str, params: dict[str, str] | None, kind: type
) -> None:
    requests = UpstreamRequests(httpx.AsyncClient(base_url="http://127.0.0.1:8080"))
    assert type(requests.aiohttp_url(path, params)) is kind

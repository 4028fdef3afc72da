"""Plain reads written on aiohttp's pool (app/aiohttp_reads.py) against `ClientSession.request`.

Each case is sent both ways to the same loopback recorder: the bytes sent, and the
answer read (status, raw headers, body, reason phrase, or the error), must be the
same, and the read must go the way the case says (written here, or left to
`ClientRequest`).
"""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
import yarl

from app.aiohttp_exchange import exchange
from app.aiohttp_reads import Reads
from resolvers.exchange import Exchanged
from tests.loopback import JSON_OK, Recorder, answer, count_client_request_sends, recording

TIMEOUTS = aiohttp.ClientTimeout(sock_connect=5, sock_read=5, connect=5)

WRITTEN_HERE: dict[str, dict[str, str]] = {
    "httpx's defaults": {
        "host": "{netloc}",
        "accept": "*/*",
        "accept-encoding": "gzip, deflate",
        "connection": "keep-alive",
        "user-agent": "python-httpx/0.28.1",
        "authorization": "Bearer t",
    },
    "none": {},
    "aiohttp's defaults filled in": {"Authorization": "Bearer t"},
    "defaults given, any case": {"ACCEPT": "application/json", "User-agent": "sg/1"},
    "another host, mixed case": {"x-first": "1", "HoSt": "elsewhere:81"},
    "connection and an empty value": {"CONNECTION": "close", "X-Empty": ""},
}
LEFT_TO_CLIENT_REQUEST: dict[str, dict[str, str]] = {
    "content length": {"Content-Length": "0"},
    "transfer encoding": {"transfer-encoding": "chunked"},
    "content encoding": {"Content-Encoding": "gzip"},
}
ANSWERS: dict[str, bytes] = {
    "json": answer(JSON_OK, "Content-Type: application/json", "X-RateLimit-Remaining: 7"),
    "chunked": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    ),
    "after 100 continue": b"HTTP/1.1 100 Continue\r\n\r\n" + answer(b"{}", "X-A: 1"),
    "no content": b"HTTP/1.1 204 No Content\r\nX-B: 2\r\n\r\n",
    "not found, own reason": answer(b'{"error":1}', status="404 Nowhere To Be Found"),
    "empty, closing": answer(b"", "Connection: close"),
}


async def _by_request(
    session: aiohttp.ClientSession,
    url: yarl.URL,
    headers: dict[str, str],
    timeouts: aiohttp.ClientTimeout = TIMEOUTS,
) -> Exchanged:
    async with session.request(
        "GET", url, headers=headers, allow_redirects=False, auto_decompress=False, timeout=timeouts
    ) as response:
        return response.status, response.raw_headers, await response.read(), response.reason


async def _here(
    session: aiohttp.ClientSession, url: yarl.URL, headers: dict[str, str], reads: Reads
) -> Exchanged:
    return await exchange(
        session,
        "GET",
        url,
        headers=headers,
        data=None,
        timeouts=TIMEOUTS,
        server_hostname=None,
        reads=reads,
    )


def _url(
    recorder: Recorder, target: str = "/v2/conferenceRecords?pageSize=10&filter=a%3Db"
) -> yarl.URL:
    return yarl.URL(recorder.url() + target, encoded=True)


@pytest.mark.parametrize(
    ("name", "written_here"),
    [(n, True) for n in WRITTEN_HERE] + [(n, False) for n in LEFT_TO_CLIENT_REQUEST],
)
async def test_a_read_sends_the_bytes_client_request_sends(
    monkeypatch: pytest.MonkeyPatch, name: str, written_here: bool
) -> None:
    sent = count_client_request_sends(monkeypatch)
    recorder = Recorder()
    async with recording(recorder), aiohttp.ClientSession() as session:
        url = _url(recorder)
        given = {**WRITTEN_HERE, **LEFT_TO_CLIENT_REQUEST}[name]
        headers = {k: v.format(netloc=f"127.0.0.1:{recorder.port}") for k, v in given.items()}
        reference = await _by_request(session, url, headers)
        del sent[:]
        mine = await _here(session, url, headers, Reads())

    assert recorder.requests[1] == recorder.requests[0]
    assert mine == reference
    assert sent == ([] if written_here else ["GET"])


@pytest.mark.parametrize("target", ["/", "/v2/x", "/v2/a%20b?x=%C3%BC&y=", "/v2/x?a=1&a=2"])
async def test_any_target_is_sent_as_client_request_sends_it(target: str) -> None:
    recorder = Recorder()
    async with recording(recorder), aiohttp.ClientSession() as session:
        url = _url(recorder, target)
        await _by_request(session, url, {})
        await _here(session, url, {}, Reads())

    assert recorder.requests[1] == recorder.requests[0]
    assert recorder.requests[1].startswith(f"GET {target} HTTP/1.1\r\n".encode())


@pytest.mark.parametrize("name", list(ANSWERS))
async def test_an_answer_reads_as_client_response_reads_it(name: str) -> None:
    recorder = Recorder(answer=ANSWERS[name])
    async with recording(recorder), aiohttp.ClientSession() as session:
        url = _url(recorder)
        reference = await _by_request(session, url, {})
        mine = await _here(session, url, {}, Reads())

    assert mine == reference
    assert mine[0] != 100


async def test_reads_in_a_row_share_one_connection_unless_the_answer_closes_it() -> None:
    keep, close = Recorder(), Recorder(answer=ANSWERS["empty, closing"])
    reads = Reads()
    async with (
        recording(keep),
        recording(close),
        aiohttp.ClientSession() as session,
    ):
        for _ in range(3):
            assert (await _here(session, _url(keep), {}, reads))[0] == 200
            assert (await _here(session, _url(close), {}, reads))[0] == 200

    assert (keep.connections, len(keep.requests)) == (1, 3)
    assert (close.connections, len(close.requests)) == (3, 3)


async def test_a_malformed_answer_is_the_same_error_and_the_connection_is_not_kept() -> None:
    recorder = Recorder(answer=b"HTTP/1.1 2x0 Bad\r\n\r\n")
    async with recording(recorder), aiohttp.ClientSession() as session:
        url = _url(recorder)
        with pytest.raises(aiohttp.ClientResponseError) as reference:
            await _by_request(session, url, {})
        with pytest.raises(aiohttp.ClientResponseError) as mine:
            await _here(session, url, {}, Reads())
        recorder.answer = ANSWERS["json"]
        assert (await _here(session, url, {}, Reads()))[2] == JSON_OK

    assert (mine.value.status, mine.value.message) == (
        reference.value.status,
        reference.value.message,
    )
    assert mine.value.request_info.url == url
    assert recorder.connections == 3  # neither failed connection was put back in the pool


async def test_a_header_with_a_line_break_is_refused_before_anything_is_sent() -> None:
    recorder = Recorder()
    async with recording(recorder), aiohttp.ClientSession() as session:
        url = _url(recorder)
        with pytest.raises(ValueError, match="control character") as reference:
            await _by_request(session, url, {"x-a": "1\r\nx-b: 2"})
        with pytest.raises(ValueError, match="control character") as mine:
            await _here(session, url, {"x-a": "1\r\nx-b: 2"}, Reads())
        assert (await _here(session, url, {}, Reads()))[0] == 200

    assert str(mine.value) == str(reference.value)
    assert len(recorder.requests) == 1


async def test_an_upstream_that_never_answers_times_out_as_client_response_does() -> None:
    # The read timeout runs from when the head is sent, not from the first byte back.
    recorder = Recorder(together=3)  # answers nothing before its third request
    quick = aiohttp.ClientTimeout(sock_connect=5, sock_read=0.2, connect=5)
    async with recording(recorder), aiohttp.ClientSession(timeout=quick) as session:
        url = _url(recorder)
        async with asyncio.timeout(10):  # bounds the test, far past the 0.2 s expected
            with pytest.raises(aiohttp.SocketTimeoutError) as reference:
                await _by_request(session, url, {}, quick)
            with pytest.raises(aiohttp.SocketTimeoutError) as mine:
                await exchange(
                    session,
                    "GET",
                    url,
                    headers={},
                    data=None,
                    timeouts=quick,
                    server_hostname=None,
                    reads=Reads(),
                )

    assert str(mine.value) == str(reference.value)
    assert len(recorder.requests) == 2


async def test_a_body_without_length_is_read_to_the_close_as_client_response_reads_it() -> None:
    # RFC 9112 section 6.3: no Content-Length, not chunked: the body ends with the connection.
    # Both ways: a read written here, a write built by `ClientRequest`.
    recorder = Recorder(answer=b'HTTP/1.1 200 OK\r\nX-C: 3\r\n\r\n{"a":1}', then="close")
    async with recording(recorder), aiohttp.ClientSession() as session:
        url = _url(recorder)
        reference = await _by_request(session, url, {})
        mine = await _here(session, url, {}, Reads())
        async with session.post(url, data=b"{}", auto_decompress=False) as response:
            written = await response.read()
        posted = await exchange(
            session,
            "POST",
            url,
            headers={},
            data=b"{}",
            timeouts=TIMEOUTS,
            server_hostname=None,
            reads=Reads(),
        )

    assert mine == reference
    assert mine[2] == b'{"a":1}'
    assert posted[2] == written == b'{"a":1}'

"""Stream's wire conventions: APIError bodies, JSON responses, timestamps and cursors.

The emulator's cursors are opaque to clients (base64url of an offset plus a
fingerprint of the listing they belong to); a cursor from another listing or an
edited one is a 400 code 4, as an input error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

import orjson
from starlette.responses import Response

from app.emulators.framework import EmulatorError
from app.emulators.timeformat import rfc3339

__all__ = [
    "StreamApiError",
    "api_error_response",
    "decode_cursor",
    "encode_cursor",
    "fingerprint",
    "json_response",
    "timestamp",
]

# Stream error codes by HTTP status (Stream docs, "API Error Codes").
STATUS_CODES = {400: 4, 401: 5, 403: 17, 404: 16, 408: 23, 413: 22, 429: 9}
_MORE_INFO = "https://getstream.io/chat/docs/api_errors_response"


class StreamApiError(EmulatorError):
    """Raised by handlers; rendered as an `APIError` body."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> Response:
        return api_error_response(self.status, self.code, self.message)


def bad_request(message: str) -> StreamApiError:
    return StreamApiError(400, 4, message)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(body), status_code=status, headers=headers, media_type="application/json"
    )


def api_error_response(
    status: int, code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = {
        "code": code,
        "message": message,
        "StatusCode": status,
        "duration": "0.00ms",
        "more_info": _MORE_INFO,
        "details": [],
        "unrecoverable": False,
    }
    return json_response(body, status, headers)


def timestamp(value: int, *, v2: bool) -> str | int:
    """RFC 3339 on `/video/…`, integer nanoseconds on `/api/v2/video/…`."""
    return value if v2 else rfc3339(value)


def fingerprint(*parts: Any) -> str:
    """A short digest of what identifies a listing (path, filter, sort)."""
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]


def encode_cursor(offset: int, listing: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}:{listing}".encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str, listing: str, size: int) -> int:
    """The offset inside `cursor`, or 400 code 4."""
    invalid = bad_request("cursor is not valid for this query")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise invalid from exc
    offset, _, owner = raw.partition(":")
    if owner != listing or not offset.isdigit() or int(offset) > size:
        raise invalid
    return int(offset)


def page_bounds(
    size: int, limit: int, next_cursor: str | None, prev_cursor: str | None, listing: str
) -> tuple[int, int]:
    """[start, end) of the page: `next` starts at its offset, `prev` ends at it."""
    if next_cursor and prev_cursor:
        raise bad_request("pass either next or prev, not both")
    if next_cursor:
        start = decode_cursor(next_cursor, listing, size)
        return start, min(size, start + limit)
    if prev_cursor:
        end = decode_cursor(prev_cursor, listing, size)
        return max(0, end - limit), end
    return 0, min(size, limit)


def page_links(
    size: int, start: int, end: int, listing: str, *, trailing: bool = False
) -> dict[str, str]:
    """`next`/`prev`, omitted at the ends (`trailing`: `next` on a last non-empty page too)."""
    links = {}
    if end < size or (trailing and start < end == size):
        links["next"] = encode_cursor(end, listing)
    if start > 0:
        links["prev"] = encode_cursor(start, listing)
    return links


def parse_limit(raw: object) -> int:
    """Absent or 0 → 25; above 100 or not an integer → 400 code 4."""
    if raw is None or raw == "":
        return 25
    if isinstance(raw, str):
        if not raw.isdigit():
            raise bad_request("limit must be an integer between 0 and 100")
        raw = int(raw)
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= 100:
        raise bad_request("limit must be an integer between 0 and 100")
    return raw or 25


__all__ += ["STATUS_CODES", "bad_request", "page_bounds", "page_links", "parse_limit"]

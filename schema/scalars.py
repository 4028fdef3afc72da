"""Custom scalars: `DateTime` (nanosecond RFC 3339) and `JSON`."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from resolvers.timestamps import Instant

__all__ = ["JSON", "SCALAR_OVERRIDES", "DateTime", "Instant"]


def _parse_datetime(value: Any) -> Instant:
    if not isinstance(value, str):
        raise ValueError("DateTime must be an RFC 3339 string, e.g. 2024-05-01T10:00:00Z")
    try:
        return Instant.parse(value)
    except ValueError as exc:
        raise ValueError(
            "DateTime must be RFC 3339 with an offset, e.g. 2024-05-01T10:00:00.123Z"
        ) from exc


DateTime = strawberry.scalar(
    name="DateTime",
    description=(
        "An RFC 3339 timestamp. Output is UTC with `Z` and 0, 3, 6 or 9 fractional digits, "
        "keeping the upstream's precision (nanoseconds survive). Input accepts any offset."
    ),
    specified_by_url="https://datatracker.ietf.org/doc/html/rfc3339",
    serialize=lambda value: (
        value if type(value) is Instant else Instant.coerce(value)
    ).isoformat(),
    parse_value=_parse_datetime,
)


# Types annotate timestamps with `Instant` (type-checkable); the schema maps it to `DateTime`.
SCALAR_OVERRIDES: dict[object, Any] = {Instant: DateTime}

"""What the encoder (`otlp.py`) reads of a finished client span, gathered when it is made:
`WireSpan`, a `ReadableSpan` carrying its encoded fields, and `ClientRecord`, the tuple
that stands for one in the batch processor's queue when our exporter alone reads it."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Protocol

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

__all__ = ["ClientRecord", "RecordLineage", "RecordOwner", "Wire", "WireSpan", "readable_spans"]

# What the encoder needs of a span: the encoded fields before and after the span id
# (`otlp.wire_lineage`), the span id, start and end, and a key naming the span's name,
# kind, attributes and status (equal keys: equal fields), or None to read them from it.
Wire = tuple[bytes, int, bytes, int, int, Hashable | None]


class WireSpan(ReadableSpan):
    """A finished span that carries its `Wire` fields, so the encoder reads no property
    of it (a Python call each) for the common case, and nothing was dropped from it.
    Made with `ReadableSpan`'s own arguments, then `wire` set."""

    wire: Wire

    @property
    def dropped_attributes(self) -> int:
        return 0

    @property
    def dropped_events(self) -> int:
        return 0

    @property
    def dropped_links(self) -> int:
        return 0


class RecordLineage(Protocol):
    """What a `ClientRecord` needs of its parent's lineage (`spans.Lineage`, or the
    operation span itself, `server_spans.OperationSpan`)."""

    @property
    def head(self) -> bytes: ...

    @property
    def middle(self) -> bytes: ...


class RecordOwner(Protocol):
    """Where a `ClientRecord` comes from (`spans.ClientSpans`, `server_spans.OperationSpans`)."""

    resource: Resource
    scope: InstrumentationScope

    def readable(self, record: ClientRecord) -> WireSpan:
        """The record as the finished span it stands for."""
        ...


# A finished client span (or operation span) as the batch processor's queue holds it
# when our exporter is the only one to read it: (owner, lineage, span id, start, end,
# name, ending, key), `key` naming its name, kind, attributes, status and parent kind
# (`WireSpan.wire`'s). One tuple instead of a `ReadableSpan`, its `SpanContext` and its
# wire fields.
ClientRecord = tuple[RecordOwner, RecordLineage, int, int, int, str, Any, Hashable]


def readable_spans(spans: Sequence[ReadableSpan | ClientRecord]) -> list[ReadableSpan]:
    """`spans` with every `ClientRecord` made the span it stands for."""
    return [s if isinstance(s, ReadableSpan) else s[0].readable(s) for s in spans]

"""Whether the configured propagators are W3C trace context (and baggage) only.

Then the gateway knows which headers they read and what they write, and can skip
`extract` for a request without them (tracing.py) and write `traceparent` itself for
each upstream call (spans.py).
"""

from __future__ import annotations

__all__ = ["w3c_fields"]

_TRACE_CONTEXT = frozenset({"traceparent", "tracestate"})
_W3C_FIELDS = (_TRACE_CONTEXT, _TRACE_CONTEXT | {"baggage"})
_LAST_TEXTMAP: list[tuple[object, frozenset[str] | None]] = []


def w3c_fields(textmap: object) -> frozenset[str] | None:
    """The headers `textmap` reads and writes if it is W3C trace context (and baggage)
    only, else None (another propagator may use anything). The last answer is kept: the
    global textmap is set once."""
    if _LAST_TEXTMAP and _LAST_TEXTMAP[0][0] is textmap:
        return _LAST_TEXTMAP[0][1]
    fields = frozenset(getattr(textmap, "fields", ()))
    answer = fields if fields in _W3C_FIELDS else None
    _LAST_TEXTMAP[:] = [(textmap, answer)]
    return answer

"""What the SDK's own samplers decide, known without asking them for every span.

The SDK's samplers (all that `OTEL_TRACES_SAMPLER` names) decide from the parent's
sampled flag and the trace id alone, never from a span's name or attributes; a
sampler of one's own may look at anything, so it is asked for every span.
"""

from __future__ import annotations

import re

from opentelemetry.sdk.trace import sampling

__all__ = ["decides_by_parent", "root_decision"]

# The descriptions of the SDK's own samplers.
_PURE = r"(AlwaysOnSampler|AlwaysOffSampler|TraceIdRatioBased\{[0-9.eE+-]+\})"
_PARENT_BASED = re.compile(
    rf"ParentBased\{{root:{_PURE},remoteParentSampled:{_PURE},remoteParentNotSampled:{_PURE},"
    rf"localParentSampled:{_PURE},localParentNotSampled:{_PURE}\}}"
)


def decides_by_parent(sampler: sampling.Sampler) -> bool:
    """Whether every child of one parent gets the same decision from `sampler`."""
    if type(sampler).__module__ != sampling.__name__:
        return False  # a sampler of one's own may look at anything
    description = sampler.get_description()
    return re.fullmatch(_PURE, description) is not None or bool(
        _PARENT_BASED.fullmatch(description)
    )


def root_decision(sampler: sampling.Sampler) -> bool | None:
    """What `sampler` decides for every root span when that never changes: True (sampled,
    the SDK's always-on, alone or as `ParentBased`'s root), False (dropped: always-off),
    None when it may differ (a ratio, a sampler of one's own)."""
    if type(sampler).__module__ != sampling.__name__:
        return None
    description = sampler.get_description()
    for name, sampled in (("AlwaysOnSampler", True), ("AlwaysOffSampler", False)):
        if description == name or description.startswith(f"ParentBased{{root:{name},"):
            return sampled
    return None

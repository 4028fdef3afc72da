"""The speed goals, read on the machine the bench ran on.

The goals' CPU figures (2.5 ms per attendance request, 100 ms per dashboard
operation) were set on a reference machine, beside figures measured there on the
same 100-item attendance page under 16 connections: this bench's proxy baseline
(bare Starlette + httpx + orjson, making the one upstream call) at 1.86 ms of CPU
per request, and Hive Gateway 2.15 at 2.83 ms. CPU time per request differs
between machines by a factor (this project's own runs have seen 2x between two
machines of the same kind), so a goal is read here as its figure times what the
proxy cost here (the median of its three runs, taken in turns with the gateway's)
against there. That factor is a reading, not a law: the proxy's
work (httpcore, Starlette) is not the gateway's, so a goal met by a thin margin
is not a verdict. Ratios measured within the run (req/s, wall time, calls, RSS)
need no factor and are read as they are.

The dashboard's goal was also set on a dashboard of its own size: about 160
upstream calls for the same query over the reference machine's fakes, 23 of
them participant pages for the 20 records, which leaves room for some 90
participants' session listings. Over this project's seeded data the same query
makes 269 calls, 192 of them session listings (nearly every record has 10
participants). The goal's figure is printed as set, per operation, and
beside it per upstream call (100 ms over 160 calls), which is the like-for-like
reading when the dataset makes more calls than the one the goal was set on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Readings", "print_goals"]

REFERENCE_PROXY_MS = 1.86  # the proxy's CPU per request on the reference machine
REFERENCE_HIVE_MS = 2.83  # Hive Gateway's, same page, same machine (one call per request)
REFERENCE_DASHBOARD_CALLS = 160  # the upstream calls of the dashboard the goal was set on


@dataclass
class Readings:
    """What the phases measured, for the goals table (NaN where a phase did not run)."""

    gateway_ms: float = float("nan")  # CPU per attendance request, 16 connections
    proxy_ms: float = float("nan")
    rps_ratio: float = float("nan")  # gateway req/s over the proxy's
    single_ratio: float = float("nan")  # CPU per request over the proxy's, one connection
    dashboard_ms: float = float("nan")
    dashboard_calls: int = 0  # its upstream calls (the plain client's, the minimum)
    dashboard_wall_ratio: float = float("nan")
    dashboard_plain_ratio: float = float("nan")  # its CPU over the plain client's, same latency
    calls_ratios: list[float] = field(default_factory=list)  # calls over the minimum, per row
    rss_growth: float = float("nan")  # after the last operation over after the first mark


def _row(goal: str, there: str, here: str, measured: str, met: bool | None) -> None:
    verdict = "-" if met is None else ("met" if met else "NOT met")
    print(f"{goal:<46}{there:>10}{here:>11}{measured:>11}  {verdict}")


def print_goals(r: Readings) -> None:
    factor = r.proxy_ms / REFERENCE_PROXY_MS
    worst_calls = max(r.calls_ratios, default=float("nan"))
    print("\n## the goals, read on this machine")
    print(
        f"proxy baseline here {r.proxy_ms:.2f} ms CPU/request, on the reference machine "
        f"{REFERENCE_PROXY_MS} ms: CPU goals are read here x{factor:.2f} (bench/goals.py)"
    )
    print(f"{'goal':<46}{'there':>10}{'here':>11}{'measured':>11}  verdict")
    _row(
        "attendance CPU/request, 16 connections",
        "<= 2.50",
        f"<= {2.5 * factor:.2f}",
        f"{r.gateway_ms:.2f}",
        r.gateway_ms <= 2.5 * factor,
    )
    _row(
        "attendance req/s over the proxy's", ">= 1.00x", "", f"{r.rps_ratio:.2f}x", r.rps_ratio >= 1
    )
    _row(
        "dashboard CPU/op (ms)",
        "<= 100",
        f"<= {100 * factor:.1f}",
        f"{r.dashboard_ms:.1f}",
        r.dashboard_ms <= 100 * factor,
    )
    per_call = 100 / REFERENCE_DASHBOARD_CALLS
    measured_per_call = r.dashboard_ms / r.dashboard_calls if r.dashboard_calls else float("nan")
    _row(
        f"  per upstream call ({r.dashboard_calls} here, ~{REFERENCE_DASHBOARD_CALLS} there)",
        f"<= {per_call:.3f}",
        f"<= {per_call * factor:.3f}",
        f"{measured_per_call:.3f}",
        measured_per_call <= per_call * factor,
    )
    # Not a goal of its own: the dashboard's CPU beside what the plain client spends
    # making the same calls under the same latency (bench/phases.py: dashboard_phase).
    _row(
        "  its CPU over the plain client's, same latency",
        "",
        "",
        f"{r.dashboard_plain_ratio:.2f}x",
        None,
    )
    _row(
        "dashboard wall over the plain client's",
        "<= 1.25x",
        "",
        f"{r.dashboard_wall_ratio:.2f}x",
        r.dashboard_wall_ratio <= 1.25,
    )
    _row(
        "upstream calls over the minimum (worst row)",
        "1.00",
        "",
        f"{worst_calls:.2f}",
        worst_calls <= 1.0,
    )
    _row(
        "RSS growth over the mixed operations",
        "<= 20 %",
        "",
        f"{r.rss_growth * 100:+.1f} %",
        r.rss_growth <= 0.2,
    )
    # Not a goal of its own: the fair comparison with Hive Gateway, whose requests each
    # made their call, where the 16-connection row lets identical requests share one.
    _row(
        "one connection: CPU/request over the proxy's",
        f"Hive {REFERENCE_HIVE_MS / REFERENCE_PROXY_MS:.2f}x",
        "",
        f"{r.single_ratio:.2f}x",
        None,
    )

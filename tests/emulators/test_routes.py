"""The routes table every emulator declares: first matching row wins, misses name the methods."""

from __future__ import annotations

from app.emulators.framework import RouteTable

TABLE = RouteTable(
    [
        ("GET", "/sessions/peer-report/{peer}", "peer report"),
        ("GET", "/sessions/{sid}", "session"),
        ("GET", "/sessions/{sid}/summary", "summary"),
        ("POST", "/sessions/{sid}/summary", "generate"),
    ]
)


def test_rows_are_tried_in_order_and_parameters_are_single_segments() -> None:
    report = TABLE.match("GET", "/sessions/peer-report/p-1")
    session = TABLE.match("get", "/sessions/s%2F1")

    assert (report.target, report.params) == ("peer report", {"peer": "p-1"})
    assert (session.target, session.params) == ("session", {"sid": "s%2F1"})
    assert TABLE.match("GET", "/sessions/a/b").target is None  # `{sid}` never spans a `/`
    assert TABLE.match("GET", "/sessions/").target is None  # nor matches nothing


def test_a_miss_says_which_methods_the_path_takes() -> None:
    wrong_method = TABLE.match("DELETE", "/sessions/s1/summary")
    unknown = TABLE.match("GET", "/meetings")

    assert wrong_method.target is None
    assert wrong_method.allowed == frozenset({"GET", "POST"})
    assert (unknown.target, unknown.allowed) == (None, frozenset())


def test_literal_text_is_not_a_pattern() -> None:
    table = RouteTable([("GET", "/v1/a.b/{x}", 1)])

    assert table.match("GET", "/v1/a.b/1").target == 1
    assert table.match("GET", "/v1/aXb/1").target is None

"""A minimal OTLP/HTTP trace receiver (protobuf over HTTP) on a loopback port, for tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span


class Received:
    """Every span exported to the receiver, and a way to wait for some."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self.service_names: set[str] = set()
        self._changed = threading.Condition()

    def add(self, request: ExportTraceServiceRequest) -> None:
        with self._changed:
            for resource_spans in request.resource_spans:
                for attr in resource_spans.resource.attributes:
                    if attr.key == "service.name":
                        self.service_names.add(attr.value.string_value)
                for scope_spans in resource_spans.scope_spans:
                    self.spans.extend(scope_spans.spans)
            self._changed.notify_all()

    def wait_for(self, done: Callable[[list[Span]], bool], timeout: float = 30) -> list[Span]:
        with self._changed:
            if not self._changed.wait_for(lambda: done(self.spans), timeout):
                raise AssertionError(f"spans never arrived; got {[s.name for s in self.spans]}")
            return list(self.spans)


@contextmanager
def otlp_receiver() -> Iterator[tuple[str, Received]]:
    """Yields the endpoint (for OTEL_EXPORTER_OTLP_ENDPOINT) and what it receives."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            if self.path == "/v1/traces":
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                received.add(request)
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet test output

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

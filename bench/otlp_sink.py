"""A minimal OTLP/HTTP trace receiver for benchmarks: decodes, counts, discards.

    .venv/bin/python bench/otlp_sink.py --port 4318

POST /v1/traces (protobuf) is decoded (as a collector would) and counted;
GET /stats returns {"exports", "spans", "bytes"}; POST /reset zeroes them;
GET /health answers 200. Binds 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

_lock = threading.Lock()
_stats = {"exports": 0, "spans": 0, "bytes": 0}
_REPLY = ExportTraceServiceResponse().SerializeToString()


class Handler(BaseHTTPRequestHandler):
    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/stats":
            with _lock:
                body = json.dumps(_stats).encode()
            self._answer(200, body, "application/json")
        else:
            self._answer(200, b"ok", "text/plain")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if self.path == "/reset":
            with _lock:
                _stats.update(exports=0, spans=0, bytes=0)
            self._answer(200, b"ok", "text/plain")
            return
        message = ExportTraceServiceRequest()
        message.ParseFromString(body)
        spans = sum(
            len(scope.spans)
            for resource in message.resource_spans
            for scope in resource.scope_spans
        )
        with _lock:
            _stats["exports"] += 1
            _stats["spans"] += spans
            _stats["bytes"] += len(body)
        self._answer(200, _REPLY, "application/x-protobuf")

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, default=4318)
    args = parser.parse_args()
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()

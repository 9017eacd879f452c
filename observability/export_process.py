"""Spans encoded and sent by a process of their own; the worker only hands them over.

The SDK's `BatchSpanProcessor` encodes spans to OTLP protobuf on a thread of
the worker, about 19 us per span built message by message in Python, under
the same interpreter lock as the event loop: in a traced Q3 that thread held
~16% of the worker's interpreter time (docs/decisions/0031).

`ProcessSpanProcessor` keeps only the hand-over in the worker: finished
sampled spans wait in a bounded queue; a thread turns each batch into plain
tuples and sends them pickled down a pipe (~3 us per span); a child process
(`spawn`ed, so it shares nothing with the worker but the environment)
rebuilds them as `ReadableSpan`s and gives them to the real exporter, which
encodes and posts them. The queue's bound and batch size follow OTEL_BSP_*
as the SDK's processor does; a full queue drops spans (counted), never blocks
a request. `force_flush` waits until the child has exported everything sent
before it; `shutdown` flushes, stops the child and waits for it.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.sdk.trace.export import SpanExporter

from observability.span_records import SpanRecord, as_record, as_span

log = logging.getLogger("fleetgraph.tracing")

ExporterFactory = Callable[[], SpanExporter]
_STOP = "stop"
_SPANS = "spans"
_FLUSH = "flush"


class ProcessSpanProcessor(SpanProcessor):
    def __init__(
        self,
        exporter_factory: ExporterFactory,
        resource: Resource,
        *,
        max_queue_size: int = 2048,
        max_export_batch_size: int = 512,
        schedule_delay_millis: float = 5000,
    ) -> None:
        self._max_queue = max_queue_size
        self._batch = max_export_batch_size
        self._delay = schedule_delay_millis / 1000
        self._queue: deque[ReadableSpan] = deque()
        self.dropped = 0
        self._wake = threading.Condition()
        self._send_lock = threading.Lock()
        self._flushes = 0
        self._stopped = False
        context = multiprocessing.get_context("spawn")
        self._pipe, child_end = context.Pipe(duplex=True)
        self._process = context.Process(
            target=export_loop,
            args=(child_end, exporter_factory, dict(resource.attributes), resource.schema_url),
            name="fleetgraph-span-export",
            daemon=True,
        )
        self._process.start()
        child_end.close()
        self._thread = threading.Thread(target=self._run, name="span-handover", daemon=True)
        self._thread.start()

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        return None

    def on_end(self, span: ReadableSpan) -> None:
        context = span.context
        if self._stopped or context is None or not context.trace_flags.sampled:
            return
        queue = self._queue
        if len(queue) >= self._max_queue:
            self.dropped += 1
            return
        queue.append(span)
        if len(queue) >= self._batch:
            with self._wake:
                self._wake.notify()

    def _run(self) -> None:
        while not self._stopped:
            with self._wake:
                self._wake.wait(self._delay)
            self._send_queued()

    def _send_queued(self) -> None:
        with self._send_lock:
            queue = self._queue
            while queue:
                count = min(len(queue), self._batch)
                records = [as_record(queue.popleft()) for _ in range(count)]
                self._send((_SPANS, records))

    def _send(self, message: tuple[str, Any]) -> bool:
        try:
            self._pipe.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, EOFError, ValueError):  # the child is gone: nothing to do but drop
            return False
        return True

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """True when the child exported every span that ended before this call."""
        if self._stopped:
            return False
        self._send_queued()
        with self._send_lock:
            self._flushes += 1
            ticket = self._flushes
            if not self._send((_FLUSH, ticket)):
                return False
            return self._await_ack(ticket, timeout_millis / 1000)

    def _await_ack(self, ticket: int, timeout: float) -> bool:
        try:
            while self._pipe.poll(timeout):
                if self._pipe.recv() == ticket:
                    return True
        except (OSError, EOFError):
            pass
        return False

    def shutdown(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        with self._wake:
            self._wake.notify()
        self._thread.join(timeout=5)
        self._send_queued()
        self._send((_STOP, None))
        self._process.join(timeout=30)
        if self._process.is_alive():
            log.warning("span export process did not stop in 30 s; killing it")
            self._process.kill()
        self._pipe.close()
        if self.dropped:
            log.warning("span export queue was full: %d spans dropped", self.dropped)


def export_loop(
    pipe: Any,
    exporter_factory: ExporterFactory,
    resource_attributes: dict[str, Any],
    schema_url: str,
) -> None:
    """The child: export what arrives until told to stop or the worker goes away."""
    exporter = exporter_factory()
    resource = Resource(resource_attributes, schema_url)
    try:
        while True:
            try:
                kind, payload = pickle.loads(pipe.recv_bytes())
            except (EOFError, OSError):
                return  # the worker died or closed the pipe
            if kind == _SPANS:
                records: list[SpanRecord] = payload
                exporter.export([as_span(record, resource) for record in records])
            elif kind == _FLUSH:
                pipe.send(payload)
            else:
                return
    finally:
        exporter.shutdown()

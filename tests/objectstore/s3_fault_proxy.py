"""An HTTP proxy in front of moto that answers the first requests with S3 server errors.

moto has no fault injection, so this stands between the client and moto: it answers
503 SlowDown or 500 InternalError to the first requests it is told to (of those that
`fault_when(method, path)` picks, if given), then forwards every request unchanged.
Written on http.server because it needs nothing more.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FAULTS = {
    503: ("SlowDown", "Please reduce your request rate."),
    500: ("InternalError", "We encountered an internal error. Please try again."),
}
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding"}
FaultFilter = Callable[[str, str], bool]  # (method, path) -> whether a fault may answer it


class FaultyProxy(ThreadingHTTPServer):
    def __init__(
        self, upstream: str, faults: list[int], fault_when: FaultFilter | None = None
    ) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream = urlsplit(upstream)
        self.pending_faults = list(faults)
        self.fault_when = fault_when
        self.answered: list[tuple[str, int]] = []  # (method, status) per request
        self.faulted: list[tuple[str, str, int]] = []  # (method, path, status) per fault
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_fault(self, method: str, path: str) -> int | None:
        if self.fault_when is not None and not self.fault_when(method, path):
            return None
        with self.lock:
            if not self.pending_faults:
                return None
            fault = self.pending_faults.pop(0)
            self.faulted.append((method, path, fault))
            return fault

    def record(self, method: str, status: int) -> None:
        with self.lock:
            self.answered.append((method, status))


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultyProxy

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        fault = self.server.next_fault(self.command, self.path)
        if fault is not None:
            code, message = FAULTS[fault]
            payload = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
            self._answer(fault, {"Content-Type": "application/xml"}, payload.encode())
            return
        upstream = http.client.HTTPConnection(
            self.server.upstream.hostname or "127.0.0.1", self.server.upstream.port, timeout=30
        )
        try:
            upstream.request(self.command, self.path, body=body, headers=dict(self.headers))
            response = upstream.getresponse()
            content = response.read()
            headers = {
                name: value
                for name, value in response.getheaders()
                if name.lower() not in _HOP_BY_HOP
            }
            self._answer(response.status, headers, content)
        finally:
            upstream.close()

    def _answer(self, status: int, headers: dict[str, str], content: bytes) -> None:
        self.server.record(self.command, status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if not any(name.lower() == "content-length" for name in headers):
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


@contextmanager
def faulty_proxy(
    upstream: str, faults: list[int], fault_when: FaultFilter | None = None
) -> Iterator[FaultyProxy]:
    proxy = FaultyProxy(upstream, faults, fault_when)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join()

"""A response body is read up to a limit, decompressed: a hostile link (an endless body, a
gzip bomb) is refused with an error naming it, having cost no more than the limit."""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
import zlib
from collections.abc import Iterator

import httpx
import pytest

from postcast.errors import SourceError
from postcast.sources.polite import Pacer, PoliteClient

LIMIT = 1 << 20  # the test's client stops at 1 MB (the default is 64 MB)
PAGE = "<html><head><title>Café</title></head><body><p>" + "Words. " * 100 + "</p></body></html>"


@functools.cache  # made once, when a test first asks for it (not at collection)
def _bomb(inflated: int = 16 * LIMIT) -> bytes:
    """gzip of `inflated` bytes of spaces, made a megabyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: with a gzip header
    parts = [packer.compress(b" " * (1 << 20)) for _ in range(inflated >> 20)]
    return b"".join(parts) + packer.flush()


class _Hostile(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=latin-1")
        if self.path == "/endless":  # no declared length: only the reader can stop it
            self.end_headers()
            try:
                for _ in range(16 * LIMIT // 65536):
                    self.wfile.write(b"x" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        body = _bomb() if self.path == "/bomb" else gzip.compress(PAGE.encode("latin-1"))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture
def client() -> Iterator[PoliteClient]:
    with httpx.Client() as http_client:
        yield PoliteClient(
            source="feeds", http=http_client, interval=0, pacer=Pacer(), max_retries=0,
            max_bytes=LIMIT,
        )  # fmt: skip


def test_a_page_is_read_whole_decompressed_in_its_own_charset(
    server: str, client: PoliteClient
) -> None:
    response = client.request("GET", f"{server}/page")
    assert response.text == PAGE and str(response.url) == f"{server}/page"
    assert "content-encoding" not in response.headers


@pytest.mark.parametrize("path", ["/endless", "/bomb"])
def test_a_body_past_the_limit_is_refused_naming_the_link(
    server: str, client: PoliteClient, path: str
) -> None:
    with pytest.raises(SourceError, match=rf"feeds.*{path} sends more than 1 MB"):
        client.request("GET", f"{server}{path}")

"""`postcast add URL` and `url` sources reach public addresses only: every spelling of
a private address, every redirect hop and every resolved address is checked, and errors
retrying cannot fix fail at once."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from postcast.config import SourceConfig
from postcast.errors import SourceError
from postcast.sources import addresses
from postcast.sources.addresses import is_public
from postcast.sources.polite import Pacer
from postcast.sources.registry import create_source

ARTICLE = (
    "<html><head><title>A public article</title></head><body><article>"
    + "".join(
        f"<p>On day {n} the lighthouse keeper wrote {n} lines in his ledger, every evening.</p>"
        for n in range(1, 8)
    )
    + "</article></body></html>"
)


class Site:
    """A local web server: `/article`, `/to-secret` (redirects to `/secret`), `/secret`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (path, Host header)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append((self.path, self.headers.get("Host", "")))
                if self.path == "/to-secret":
                    self.send_response(302)
                    self.send_header("Location", f"http://127.0.0.1:{site.port}/secret")
                    self.end_headers()
                    return
                body = ARTICLE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    yield served
    served.close()


def fetch(url: str, **config: Any) -> list[Any]:
    source = create_source(
        SourceConfig(name="one", kind="url", url=url, request_interval=0.0, **config),
        pacer=Pacer(sleep=lambda _: None),  # a retry would be counted, not waited for
    )
    return [post for post, _ in source.fetch({}, lambda *_: None)]


def spellings(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/article",
        f"http://2130706433:{port}/article",  # 127.0.0.1 as one decimal number
        f"http://0x7f000001:{port}/article",
        f"http://0177.0.0.1:{port}/article",
        f"http://localhost:{port}/article",
        f"http://[::1]:{port}/article",
        f"http://[::ffff:127.0.0.1]:{port}/article",
        f"http://0.0.0.0:{port}/article",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
    ]


def test_every_spelling_of_a_private_address_is_refused(site: Site) -> None:
    for url in spellings(site.port):
        started = time.monotonic()
        with pytest.raises(SourceError, match=r"not a public address|invalid URL"):
            fetch(url, max_retries=5)
        assert time.monotonic() - started < 2.0, url  # refused, not retried
    assert site.requests == []


def test_allowed_private_addresses_are_fetched(site: Site) -> None:
    (post,) = fetch(f"http://127.0.0.1:{site.port}/article", allow_private_addresses=True)
    assert post.title == "A public article"


def test_a_redirect_to_a_private_address_is_refused(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = ipaddress.ip_address("127.0.0.1")
    real_resolve, real_public = addresses.resolve, addresses.public_address

    def public_address(host: str, port: int) -> Any:
        # `public.test` plays a public site that happens to be served by the local server.
        return local if host == "public.test" else real_public(host, port)

    monkeypatch.setattr(addresses, "public_address", public_address)
    (post,) = fetch(f"http://public.test:{site.port}/article")
    assert post.title == "A public article"
    # Connected to the checked address, still asking for the name.
    assert site.requests[-1] == ("/article", f"public.test:{site.port}")

    with pytest.raises(SourceError, match=r"127\.0\.0\.1 is not a public address"):
        fetch(f"http://public.test:{site.port}/to-secret", max_retries=5)
    assert [path for path, _ in site.requests] == ["/article", "/to-secret"]  # no /secret
    assert real_resolve is addresses.resolve


def test_a_name_with_any_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS answers one public and one private address: the private one could be the one
    connected to (or the next answer, after the check): refused."""
    answers = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.5")]
    monkeypatch.setattr(addresses, "resolve", lambda host, port: answers)
    with pytest.raises(SourceError, match=r"rebind\.test is not a public address \(10\.0\.0\.5\)"):
        fetch("http://rebind.test/article")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 around 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 around 169.254.169.254
        ("100.64.0.1", False),  # shared address space
        ("224.0.0.1", False),
        ("::", False),
    ],
)
def test_what_counts_as_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    "url",
    [
        f"http://127.0.0.1:{_closed_port()}/refused",
        "ftp://example.org/file",
        "file:///etc/passwd",
        "http://no-such-host.invalid/",
    ],
)
def test_errors_retrying_cannot_fix_fail_at_once(url: str) -> None:
    slept: list[float] = []
    source = create_source(
        SourceConfig(
            name="one", kind="url", url=url, request_interval=0.0, max_retries=5,
            allow_private_addresses=True,
        ),
        pacer=Pacer(sleep=slept.append),
    )  # fmt: skip
    with pytest.raises(SourceError):
        list(source.fetch({}, lambda *_: None))
    assert slept == []  # not one retry

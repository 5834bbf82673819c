"""Public addresses only, for URLs anyone may hand us (`postcast add URL`, `url` sources).

A URL can point at the machine itself or its network: loopback, private ranges, the
cloud metadata service (169.254.169.254, fd00:ec2::254), written plainly, as a decimal
or hex IP (`http://2130706433/`), as IPv4-mapped IPv6, or behind a redirect or a DNS
name that resolves there. `PublicOnlyTransport` resolves every hop's host itself, refuses
it if any address is not global, and connects to the address it checked (so a second,
different DNS answer cannot slip in between check and connect). Set
`allow_private_addresses = true` (in `[library]` or on the source) to fetch them anyway.
"""

from __future__ import annotations

import ipaddress
import socket

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedAddress(httpx.ConnectError):
    """The URL's host is (or resolves to) an address that is not public."""


class UnresolvableHost(httpx.ConnectError):
    """The URL's host has no address in DNS."""


def embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast: not loopback, private, link-local (metadata), shared,
    reserved, unspecified or multicast, nor an IPv6 wrapper around one of those."""
    inner = embedded_ipv4(address)
    return all(a.is_global and not a.is_multicast for a in {address, inner})


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal in any notation included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnresolvableHost(f"cannot resolve {host}: {error}") from error
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def literal_address(host: str) -> IPAddress | None:
    """The address `host` spells in any numeric notation (`127.0.0.1`, `2130706433`,
    `0x7f.1`, `::1`), without asking DNS; None for a name."""
    try:
        infos = socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError):
        return None
    return ipaddress.ip_address(str(infos[0][4][0]).split("%", 1)[0])


def public_address(host: str, port: int) -> IPAddress:
    """The address to connect to for `host`; `RefusedAddress` if any of its addresses
    is not public (a name with one private address among public ones is refused too)."""
    addresses = resolve(host, port)
    refused = [str(a) for a in addresses if not is_public(a)]
    if refused:
        raise RefusedAddress(
            f"{host} is not a public address ({', '.join(refused)}); "
            "set allow_private_addresses = true to fetch it"
        )
    return addresses[0]


class PublicOnlyTransport(httpx.HTTPTransport):
    """Checks every request's host (each redirect hop is a request) and connects to the
    checked address, keeping the name for the Host header and TLS (SNI, certificate)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if request.url.scheme not in ("http", "https") or not host:
            raise httpx.UnsupportedProtocol(f"unsupported URL {request.url} (http/https only)")
        address = public_address(host, request.url.port or _default_port(request.url.scheme))
        pinned = httpx.Request(
            request.method,
            request.url.copy_with(host=str(address)),
            headers=request.headers,  # Host: still the name, set when the request was made
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": host},
        )
        return super().handle_request(pinned)


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80

"""The client's address, for the login lockout (django-axes) and the audit log.

Behind the documented nginx every request comes from 127.0.0.1; the client's own address is in
`X-Forwarded-For`, which nginx appends to. That header is believed only when the request comes
from a configured proxy (`TRUSTED_PROXIES`, addresses or networks): anyone else could write
whatever they like in it. The client is then the right-most address in the header that is not
itself a trusted proxy — the left part of the header is whatever the client sent, so the first
(left-most) address is never trusted.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def trusted_proxies() -> tuple[Network, ...]:
    """`settings.TRUSTED_PROXIES` as networks (a bare address is a one-address network)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: Any) -> str:
    """The client's address: the peer, or the forwarded address when the peer is a trusted proxy.

    Walks `X-Forwarded-For` from the right, past the trusted proxies, and stops at the first
    address that is not one; a malformed entry ends the walk at the last trusted hop (it was
    written by the client, not by a proxy). Returns "" only when the peer itself is unknown.
    """
    peer = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return ""
    networks = trusted_proxies()
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",") if forwarded else []):
        hop = _parse(entry)
        if hop is None:
            break
        client = hop
        if not _trusted(hop, networks):
            break
    return str(client)

"""The client's address behind a reverse proxy.

Behind the documented nginx every request comes from 127.0.0.1, so lockout by address locked
everyone out at once, and anyone could lock any account (outside review, finding 8). With
TIANPING_TRUSTED_PROXIES (addresses or networks of our own proxies, e.g. "127.0.0.1,10.0.0.0/8")
the address is taken from X-Forwarded-For, read from the right and skipping our own proxies, so a
client cannot forge it by sending the header itself; without the setting the header is ignored."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _networks():
    return [ipaddress.ip_network(p.strip(), strict=False) for p in settings.TIANPING_TRUSTED_PROXIES if p.strip()]


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks()
    if not networks or not _trusted(remote, networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # garbage in the header: fall back to the proxy itself
    return remote

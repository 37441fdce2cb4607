"""Where a webhook may point: http(s) to a public address, never to the site's own
network (no server-side request forgery), unless WEBHOOKS_ALLOW_PRIVATE is on.

The rule is checked when the webhook is saved and again at every delivery, after
DNS resolution: the delivery connects to the very address that was checked, so a
name that changes its answer in between (DNS rebinding) gains nothing."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class Refused(ValueError):
    """The URL is not one we deliver to; the message says why, for the admin."""


class Unresolved(Refused):
    """The host name does not resolve (now: at delivery it may be worth a retry)."""


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, or Refused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"This is not a valid URL ({exc}).") from None
    if parts.scheme not in ("http", "https"):
        raise Refused("Use an http:// or https:// URL.")
    host = parts.hostname
    if not host:
        raise Refused("The URL has no host name.")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def is_public(address: str) -> bool:
    """Is this IP address on the public internet? Private, loopback, link-local,
    shared, multicast, reserved and unspecified addresses are not."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[tuple]:
    """The addresses to connect to (getaddrinfo's tuples), every one of them
    public unless WEBHOOKS_ALLOW_PRIVATE; Refused otherwise."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Unresolved(f"The host name {host!r} does not resolve ({exc}).") from None
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        for *_, sockaddr in found:
            if not is_public(sockaddr[0]):
                raise Refused(
                    f"{host} is a private, loopback, link-local or reserved address "
                    f"({sockaddr[0]}): webhooks go to public addresses only."
                )
    return found


def check(url: str) -> None:
    """The whole rule for one URL (the admin's save): Refused with the reason."""
    _, host, port = check_url(url)
    resolve(host, port)

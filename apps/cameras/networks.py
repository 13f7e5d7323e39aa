"""Which hosts onboarding and the probe may connect to: the camera networks (issue 13 §4).

A vendor engineer types the host of a camera. Without a limit the probe (TCP, ONVIF, RTSP)
would connect wherever the server can reach, so a vendor could scan the campus network or
the server's own Redis and database. Every address a host name resolves to must lie in one of
the configured networks (settings.CAMERA_NETWORKS). Plain module: no Django import.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class HostRefused(ValueError):
    """A host outside the camera networks, or one that does not resolve. ``kind`` is one of
    ``none_configured``, ``unresolvable``, ``outside``; ``address`` names the offending one."""

    def __init__(self, message: str, *, kind: str, host: str, address: str = "") -> None:
        super().__init__(message)
        self.kind, self.host, self.address = kind, host, address


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDR strings to networks; ValueError naming the first entry that is not one."""
    networks = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ValueError(f"not a network in CIDR notation: {value!r}") from None
    return tuple(networks)


def _address(text: str) -> Address:
    address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    return address


def _resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({info[4][0] for info in infos})


def host_check(
    host: str,
    networks: Iterable[Network],
    *,
    resolve: Callable[[str], list[str]] = _resolve,
) -> tuple[str, ...]:
    """The addresses ``host`` stands for, if every one lies in ``networks``.

    Raises HostRefused otherwise: a name that resolves to one allowed and one other address
    is refused too, since the connection may go to either.
    """
    networks = tuple(networks)
    host = host.strip().strip("[]")
    if not networks:
        raise HostRefused(
            f"{host} refused: no camera networks are configured (CAMERA_NETWORKS)",
            kind="none_configured",
            host=host,
        )
    try:
        addresses = [_address(host)]
    except ValueError:
        try:
            addresses = [_address(a) for a in resolve(host)]
        except (OSError, UnicodeError, ValueError):
            addresses = []
        if not addresses:
            raise HostRefused(
                f"{host} refused: the name does not resolve", kind="unresolvable", host=host
            ) from None
    for address in addresses:
        if not any(address.version == net.version and address in net for net in networks):
            raise HostRefused(
                f"{host} refused: {address} is outside the camera networks (CAMERA_NETWORKS)",
                kind="outside",
                host=host,
                address=str(address),
            )
    return tuple(str(a) for a in addresses)

"""Who may reach the player in LAN mode: this PC, and other PCs on a private network (optionally only the
addresses or networks of an allow-list); and this PC's own address, to type on the others.

Only 127.0.0.1, ::1 and this PC's own LAN addresses count as "this PC": a browser on another PC never
comes from them, and tests can be another PC by connecting from 127.0.0.2."""

import ipaddress
import socket

THIS_PC = ("127.0.0.1", "::1")
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(network) for network in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8",  # RFC 1918, link-local, loopback
    "fc00::/7", "fe80::/10", "::1/128"))
PROBE = ("10.255.255.255", 1)  # a private address: "connecting" a UDP socket sends nothing, it picks a route


def lan_address() -> str:
    """The address other PCs on the LAN use to reach this one (127.0.0.1 when it has no network)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(PROBE)
        return probe.getsockname()[0]
    except OSError:
        return THIS_PC[0]
    finally:
        probe.close()


def is_this_pc(address: str, own: tuple[str, ...] = ()) -> bool:
    """Whether a request from `address` was made on the serving PC itself."""
    return address in THIS_PC or address in own


def parse_allow_list(text: str) -> tuple[list[str], list[str]]:
    """The addresses and networks in `text` (one per line or comma-separated), and the entries that are neither."""
    good, bad = [], []
    for entry in text.replace(",", "\n").split():
        try:
            good.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            bad.append(entry)
    return good, bad


def client_allowed(address: str, allow_list: list[str] | tuple[str, ...] = (), own: tuple[str, ...] = ()) -> bool:
    """This PC always; another PC only from a private network, and, with an allow-list, only one of its entries."""
    if is_this_pc(address, own):
        return True
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    if not any(client in network for network in PRIVATE_NETWORKS):
        return False
    return not allow_list or any(client in ipaddress.ip_network(entry) for entry in allow_list)

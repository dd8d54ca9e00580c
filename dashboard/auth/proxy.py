"""Trusted-proxy sign-in: an identity proxy in front (oauth2-proxy, an ingress with OIDC)
names the user and their groups in headers; a roles file maps groups to roles.

Off unless `auth_proxy` is set, and the headers count only on requests whose peer address
is one of `auth_proxy_addresses`: anyone else sending them is not signed in by them.
"""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass
from pathlib import Path

from dashboard.auth.policy import Actor, Role

PRECEDENCE = (Role.ADMIN, Role.PROGRAM_OWNER, Role.DATA_TEAM, Role.EXECUTIVE)
"""When a user's groups map to several roles, the first of these wins."""

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ProxyConfigError(Exception):
    """A proxy setting that cannot be used; the message says how to fix it."""


def networks(addresses: list[str]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(a.strip(), strict=False) for a in addresses)
    except ValueError as exc:
        raise ProxyConfigError(f"SCALEBOARD_AUTH_PROXY_ADDRESSES: {exc}") from None


def group_roles(path: Path | None) -> dict[str, Role]:
    """`[groups]` of the roles file: group name -> role."""
    if path is None:
        return {}
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProxyConfigError(f"cannot read the proxy roles file {path}: {exc}") from None
    groups = config.get("groups", {})
    if not isinstance(groups, dict):
        raise ProxyConfigError(f"{path}: [groups] must map group names to roles")
    roles: dict[str, Role] = {}
    for group, role in groups.items():
        try:
            roles[str(group)] = Role(str(role))
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise ProxyConfigError(
                f"{path}: group {group!r} maps to {role!r}; use {known}"
            ) from None
    return roles


@dataclass(frozen=True)
class TrustedProxy:
    networks: tuple[Network, ...]
    roles: dict[str, Role]
    user_header: str
    groups_header: str
    owner_header: str

    def trusts(self, peer: str | None) -> bool:
        if not peer:
            return False
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in net for net in self.networks)

    def actor(self, peer: str | None, headers: dict[str, str]) -> Actor | None:
        """The user the proxy names (role None when no group maps to a role), or None when
        the request did not come through the proxy or names nobody."""
        if not self.trusts(peer):
            return None
        name = (headers.get(self.user_header) or "").strip()
        if not name:
            return None
        groups = {g.strip() for g in (headers.get(self.groups_header) or "").split(",")}
        granted = {self.roles[g] for g in groups if g in self.roles}
        role = next((r for r in PRECEDENCE if r in granted), None)
        owner = (headers.get(self.owner_header) or "").strip() or name
        return Actor(name=name[:200], role=role, owner_name=owner[:200])

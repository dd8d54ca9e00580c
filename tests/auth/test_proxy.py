"""Trusted-proxy sign-in: headers count only from the proxy's addresses; groups map to roles."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.auth.policy import Role
from dashboard.auth.proxy import ProxyConfigError, TrustedProxy, group_roles, networks


@pytest.fixture
def proxy(tmp_path: Path) -> TrustedProxy:
    roles = tmp_path / "roles.toml"
    roles.write_text(
        '[groups]\n"execs" = "executive"\n"owners" = "program_owner"\n"admins" = "admin"\n',
        encoding="utf-8",
    )
    return TrustedProxy(
        networks(["10.0.0.5", "192.168.7.0/24"]),
        group_roles(roles),
        "X-Forwarded-User",
        "X-Forwarded-Groups",
        "X-Forwarded-Owner-Name",
    )


HEADERS = {"X-Forwarded-User": "maria", "X-Forwarded-Groups": "execs, owners"}


def test_headers_from_the_proxy_name_the_user_and_the_strongest_role(proxy: TrustedProxy) -> None:
    actor = proxy.actor("10.0.0.5", HEADERS)
    assert actor is not None
    assert (actor.name, actor.role, actor.owner_name) == ("maria", Role.PROGRAM_OWNER, "maria")
    named = proxy.actor("192.168.7.20", {**HEADERS, "X-Forwarded-Owner-Name": "Maria Okafor"})
    assert named is not None and named.owner_name == "Maria Okafor"


@pytest.mark.parametrize("peer", ["10.0.0.6", "127.0.0.1", "", None, "not an address"])
def test_headers_from_anyone_else_are_ignored(proxy: TrustedProxy, peer: str | None) -> None:
    assert proxy.actor(peer, {**HEADERS, "X-Forwarded-Groups": "admins"}) is None


def test_a_user_of_no_mapped_group_has_no_role(proxy: TrustedProxy) -> None:
    actor = proxy.actor("10.0.0.5", {"X-Forwarded-User": "guest", "X-Forwarded-Groups": "staff"})
    assert actor is not None and actor.role is None and not actor.signed_in


def test_bad_proxy_settings_say_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ProxyConfigError, match="ADDRESSES"):
        networks(["10.0.0.300"])
    roles = tmp_path / "roles.toml"
    roles.write_text('[groups]\n"x" = "superuser"\n', encoding="utf-8")
    with pytest.raises(ProxyConfigError, match="use executive"):
        group_roles(roles)

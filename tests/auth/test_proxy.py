"""Trusted-proxy sign-in: headers count only from the proxy's addresses; groups map to roles."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from dashboard.auth.policy import Role
from dashboard.auth.proxy import ProxyConfigError, TrustedProxy, group_roles, networks
from tests.auth.http_tools import annotate, audit_entries
from tests.e2e.conftest import load_sample, server_errors, serving

pytestmark = pytest.mark.xdist_group("auth-proxy")


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


@pytest.fixture(scope="module")
def proxied_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("proxy")
    (folder / "roles.toml").write_text(
        '[groups]\n"execs" = "executive"\n"owners" = "program_owner"\n', encoding="utf-8"
    )
    return load_sample(folder / "sample.duckdb")


def proxy_env(db: Path, addresses: str) -> dict[str, str]:
    return {
        "SCALEBOARD_SIGN_IN": "on",
        "SCALEBOARD_AUTH_PROXY": "true",
        "SCALEBOARD_AUTH_PROXY_ADDRESSES": addresses,
        "SCALEBOARD_AUTH_PROXY_ROLES_FILE": str(db.parent / "roles.toml"),
    }


OWNER = {
    "X-Forwarded-User": "maria",
    "X-Forwarded-Groups": "owners",
    "X-Forwarded-Owner-Name": "Maria Okafor",
}


@pytest.mark.slow
def test_a_live_server_behind_the_proxy_takes_its_users(proxied_db: Path) -> None:
    """Requests from the proxy's address (here loopback) are its users: read, write their
    own initiative, be refused another's, each audited under the proxy's user name."""
    mine, other = owned_initiatives(proxied_db)
    with serving(proxied_db, env=proxy_env(proxied_db, '["127.0.0.1"]')) as url:
        session = requests.Session()
        session.headers.update(OWNER)
        assert session.get(url + "/roadmap", timeout=30).status_code == 200
        assert session.get(url + "/_dash-layout", timeout=30).status_code == 200
        done = annotate(session, url, mine, "through the proxy")
        assert done.status_code == 200 and "Comment added" in done.text
        assert annotate(session, url, other, "not mine").status_code == 403
        guest = {"X-Forwarded-User": "guest", "X-Forwarded-Groups": "staff"}
        nobody = requests.get(url + "/", headers=guest, timeout=30)
        assert nobody.status_code == 403 and "not allowed" in nobody.text.lower()
        anonymous = requests.get(url + "/", allow_redirects=False, timeout=30)
        assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    trail = [(e["user"], e["action"], e["outcome"]) for e in audit_entries(proxied_db)]
    assert ("maria", "sign_in.proxy", "ok") in trail
    assert ("maria", "annotation.add", "ok") in trail
    assert ("maria", "annotation.add", "denied") in trail
    assert server_errors(proxied_db) == []


@pytest.mark.slow
def test_a_live_server_ignores_proxy_headers_from_elsewhere(proxied_db: Path) -> None:
    """Headers sent straight to the server (not from the proxy's address) name nobody."""
    with serving(proxied_db, env=proxy_env(proxied_db, '["10.9.9.9"]')) as url:
        forged = {**OWNER, "X-Forwarded-Groups": "owners, admins"}
        page = requests.get(url + "/", headers=forged, allow_redirects=False, timeout=30)
        assert page.status_code == 302 and page.headers["Location"].startswith("/login")
        session = requests.Session()
        session.headers.update(forged)
        assert session.get(url + "/_dash-dependencies", timeout=30).status_code == 401
        write = session.post(
            url + "/_dash-update-component", json={}, headers={"Origin": url}, timeout=30
        )
        assert write.status_code == 401


def owned_initiatives(db: Path) -> tuple[str, str]:
    """An initiative of Maria Okafor's and one of someone else's."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select initiative_id, program_owner = 'Maria Okafor' from initiatives order by 1"
        ).fetchall()
    return next(i for i, m in rows if m), next(i for i, m in rows if not m)

"""Sessions: on by default, as long as SCALEBOARD_SESSION_HOURS says and no longer, and a
cookie marked Secure whenever the request came over https, as far as the server can trust
that: its own scheme, or the X-Forwarded-Proto of the configured proxy only."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from dash import Dash
from flask.testing import FlaskClient

from dashboard.app import create_app
from etl.config import Settings
from tests.auth.http_tools import initiatives_db
from tests.conftest import run_cli
from tests.e2e.conftest import server_errors, serving

pytestmark = pytest.mark.xdist_group("auth-sessions")
PASSWORD = "a long enough password"
HOURS = 2
PROXY = "10.0.0.5"
COOKIE = "scaleboard_session"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = initiatives_db(tmp_path_factory.mktemp("sessions"))
    args = ("users", "add", "erin", "--role", "executive", "--password-stdin", "--db", path)
    result = run_cli(*args, input=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def app(db: Path) -> Dash:
    """The app as the environment configures it: sessions of HOURS, behind an identity
    proxy at PROXY (whose users may still sign in with a password)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SCALEBOARD_SIGN_IN", "on")
        env.setenv("SCALEBOARD_SESSION_HOURS", str(HOURS))
        env.setenv("SCALEBOARD_AUTH_PROXY", "true")
        env.setenv("SCALEBOARD_AUTH_PROXY_ADDRESSES", f'["{PROXY}"]')
        settings = Settings()
    assert settings.session_hours == HOURS
    return create_app(db, settings)


def sign_in(app: Dash, **request: Any) -> tuple[FlaskClient, str]:
    """A client signed in as erin, and the Set-Cookie of the sign-in (`request`: more of
    the test client's arguments: an address, a scheme, headers)."""
    client: FlaskClient = app.server.test_client()
    response = client.post("/login", data={"username": "erin", "password": PASSWORD}, **request)
    assert response.status_code == 303, response.status_code
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(COOKIE + "=")]
    assert len(cookies) == 1
    return client, cookies[0]


def with_session_issued(app: Dash, client: FlaskClient, seconds_ago: float) -> FlaskClient:
    """A new client holding `client`'s session, re-signed with the server's key as if it
    had been issued `seconds_ago`: only the session's own time is old, not the signature."""
    serializer = app.server.session_interface.get_signing_serializer(app.server)
    cookie = client.get_cookie(COOKIE)
    assert serializer is not None and cookie is not None
    values = serializer.loads(cookie.value)
    values["iat"] = int(time.time() - seconds_ago)
    other: FlaskClient = app.server.test_client()
    other.set_cookie(COOKIE, serializer.dumps(values))
    return other


def test_a_session_older_than_the_session_hours_is_refused(app: Dash) -> None:
    """A stolen or forgotten cookie stops working after SCALEBOARD_SESSION_HOURS, even one
    whose signature is fresh."""
    client, _ = sign_in(app)
    assert client.get("/_dash-layout").status_code == 200
    almost = with_session_issued(app, client, HOURS * 3600 - 60)
    assert almost.get("/_dash-layout").status_code == 200
    expired = with_session_issued(app, client, HOURS * 3600 + 60)
    assert expired.get("/_dash-layout").status_code == 401
    page = expired.get("/roadmap")
    assert page.status_code == 302 and page.headers["Location"] == "/login?next=/roadmap"


def test_the_browser_drops_the_cookie_after_the_session_hours(app: Dash) -> None:
    _, cookie = sign_in(app)
    expires = re.search(r"Expires=([^;]+)", cookie)
    assert expires is not None, cookie
    left = parsedate_to_datetime(expires.group(1)).timestamp() - time.time()
    assert abs(left - HOURS * 3600) < 300


SAYS_HTTPS = {"headers": {"X-Forwarded-Proto": "https"}}


def peer(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.mark.parametrize(
    ("request_", "secure"),
    [
        ({}, False),
        ({"base_url": "https://localhost"}, True),  # the server itself speaks https
        (peer(PROXY), False),
        (peer(PROXY) | SAYS_HTTPS, True),
        (peer("10.0.0.6") | SAYS_HTTPS, False),
    ],
    ids=["http", "https", "proxy-http", "proxy-https", "forged-https"],
)
def test_the_cookie_is_secure_exactly_when_the_request_came_over_https(
    app: Dash, request_: dict[str, Any], secure: bool
) -> None:
    """Once a browser is on https the cookie must never travel in clear; the proxy's
    word for it counts, a header from anyone else does not."""
    _, cookie = sign_in(app, **request_)
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert ("secure" in flags) == secure, cookie
    assert {"httponly", "samesite=lax"} <= flags


@pytest.fixture(scope="module")
def default_url(db: Path) -> Iterator[str]:
    """`scaleboard serve` started without SCALEBOARD_SIGN_IN at all."""
    with serving(db, "--workers", "1", env={"SCALEBOARD_SIGN_IN": None}) as url:
        yield url
    assert server_errors(db) == []


def test_sign_in_is_on_unless_turned_off(default_url: str) -> None:
    """The suite reads pages with sign-in off; a deployment that sets nothing must not."""
    for page in ("/", "/roadmap", "/initiatives/a"):
        response = requests.get(default_url + page, allow_redirects=False, timeout=30)
        assert response.status_code == 302, page
        assert response.headers["Location"] == "/login?next=" + page
    assert requests.get(default_url + "/_dash-layout", timeout=30).status_code == 401
    assert "login-form" in requests.get(default_url + "/login", timeout=30).text


def test_a_tls_proxy_on_the_same_machine_gets_a_secure_cookie(default_url: str) -> None:
    """`serve` believes X-Forwarded-Proto from loopback (a TLS proxy on the same machine,
    gunicorn's default trust), so the cookie it sets behind that proxy is Secure."""
    for proto, secure in (("https", True), (None, False)):
        headers = {"X-Forwarded-Proto": proto} if proto else {}
        response = requests.post(
            default_url + "/login",
            data={"username": "erin", "password": PASSWORD},
            headers=headers,
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 303
        assert ("secure" in response.headers["Set-Cookie"].lower()) == secure, proto

"""Sign-in on the web: the `/login` form (outside Dash), signed session cookies, the gate in
front of every route, the same-origin check on every state-changing request.

Every request gets `flask.g.actor`, the user as the server knows them: from the session
cookie (checked against the account on each request, so disabling an account or resetting
its password ends its sessions at once), from a trusted identity proxy, or `ANONYMOUS`
when sign-in is off. Nothing a request says about itself is believed beyond that.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit

import flask
import sqlalchemy as sa
from flask.sessions import SecureCookieSessionInterface

from dashboard.auth.policy import ANONYMOUS, Actor
from dashboard.auth.proxy import TrustedProxy, group_roles, networks
from dashboard.edits import audit, schema, users
from dashboard.edits.store import EditsStore, now_text
from etl.config import Settings

PUBLIC_PREFIXES = ("/login", "/assets/", "/_favicon.ico")
"""Reachable without a session: the sign-in form and static files (no data in either)."""
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PAGE_PREFIXES = ("/_dash", "/assets/", "/_reload", "/_favicon")


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over https."""

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            flask.has_request_context() and is_https()
        )


@dataclass
class SignIn:
    store: EditsStore
    settings: Settings
    proxy: TrustedProxy | None

    def client_address(self) -> str:
        """The peer's address; behind the trusted proxy, the client it forwarded for."""
        peer = flask.request.remote_addr or ""
        if self.proxy and self.proxy.trusts(peer):
            forwarded = flask.request.headers.get("X-Forwarded-For", "")
            last = forwarded.split(",")[-1].strip()
            return last[:64] or peer
        return peer[:64]

    def resolve(self) -> Actor:
        """Who is asking: the proxy's user, the session's, or ANONYMOUS."""
        if not self.settings.sign_in:
            return ANONYMOUS
        if self.proxy is not None:
            peer = flask.request.remote_addr
            actor = self.proxy.actor(peer, dict(flask.request.headers))
            if actor is not None:
                self._note_proxy_sign_in(actor)
                return actor
        return self._session_actor()

    def _session_actor(self) -> Actor:
        session = flask.session
        user_id, epoch, issued = session.get("uid"), session.get("epoch"), session.get("iat")
        if not isinstance(user_id, int) or not isinstance(issued, int | float):
            return ANONYMOUS
        if time.time() - issued > self.settings.session_hours * 3600:
            session.clear()
            return ANONYMOUS
        user = users.by_id(self.store, user_id)
        if user is None or user.disabled or user.session_epoch != epoch:
            session.clear()
            return ANONYMOUS
        return user.actor

    def _note_proxy_sign_in(self, actor: Actor) -> None:
        """A proxy user's first request of a browser session is audited as a sign-in."""
        if flask.session.get("proxy_user") != actor.name:
            flask.session["proxy_user"] = actor.name
            outcome = "ok" if actor.role else "denied"
            detail = None if actor.role else "no group of this user maps to a role"
            audit.record_alone(
                self.store,
                actor,
                "sign_in.proxy",
                outcome,
                detail=detail,
                address=self.client_address(),
            )

    def throttled(self, name: str, address: str) -> bool:
        since = _iso(time.time() - self.settings.login_window_s)
        f = schema.login_failures
        key = users.name_key(name)
        with self.store.read() as conn:
            for column, value in ((f.c.name_key, key), (f.c.address, address)):
                count = conn.execute(
                    sa.select(sa.func.count()).where(column == value, f.c.at >= since)
                ).scalar()
                if int(count or 0) >= self.settings.login_max_failures:
                    return True
        return False

    def note_failure(self, name: str, address: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                sa.insert(schema.login_failures).values(
                    at=now_text(), name_key=users.name_key(name)[:200], address=address
                )
            )
            audit.record(
                conn,
                name[:200] or "(no name)",
                "sign_in",
                "denied",
                address=address,
                detail="wrong name or password",
            )

    def clear_failures(self, name: str) -> None:
        with self.store.write() as conn:
            f = schema.login_failures
            conn.execute(sa.delete(f).where(f.c.name_key == users.name_key(name)))


def _iso(epoch_s: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch_s)) + ".000000Z"


def is_https() -> bool:
    request = flask.request
    if request.is_secure:
        return True
    sign_in: SignIn | None = flask.current_app.extensions.get("scaleboard.sign_in")
    proxied = sign_in and sign_in.proxy and sign_in.proxy.trusts(request.remote_addr)
    return bool(proxied and request.headers.get("X-Forwarded-Proto", "").lower() == "https")


def current_actor() -> Actor:
    """The user of the request being served (ANONYMOUS outside a request)."""
    if not flask.has_request_context():
        return ANONYMOUS
    return flask.g.get("actor", ANONYMOUS)  # type: ignore[no-any-return]  # set by the gate


def current_address() -> str | None:
    if not flask.has_request_context():
        return None
    sign_in: SignIn | None = flask.current_app.extensions.get("scaleboard.sign_in")
    return sign_in.client_address() if sign_in else flask.request.remote_addr


def _own_origin() -> str:
    scheme = "https" if is_https() else "http"
    return f"{scheme}://{flask.request.host}".lower()


def cross_origin(strict: bool) -> bool:
    """Whether a state-changing request comes from another site. The Origin header, else
    the Referer's origin, must be this server's; with `strict`, one of them must be there
    (browsers send Origin with every script POST)."""
    origin = flask.request.headers.get("Origin")
    if origin is not None and origin != "null":
        return origin.rstrip("/").lower() != _own_origin()
    referer = flask.request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}".lower() != _own_origin()
    return strict


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never `//host`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def page(title: str, body: str, status: int = 200) -> flask.Response:
    """A small server-rendered page (sign-in, not allowed); `body` is already escaped."""
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Scaleboard</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css">
<link rel="stylesheet" href="/assets/scaleboard.css">
</head><body class="bg-light"><main class="container py-5" style="max-width: 28rem">
<h1 class="h4 mb-4">Scaleboard</h1>{body}</main></body></html>"""
    response = flask.Response(document, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def login_form(message: str | None = None, name: str = "", target: str = "/") -> str:
    alert = ""
    if message:
        alert = f'<div class="alert alert-danger" role="alert" id="login-error">{html.escape(message)}</div>'  # noqa: E501
    return f"""{alert}
<form method="post" action="/login" id="login-form">
<input type="hidden" name="next" value="{html.escape(target)}">
<div class="mb-3"><label class="form-label" for="login-username">Name</label>
<input class="form-control" id="login-username" name="username" autocomplete="username"
 value="{html.escape(name)}" required autofocus></div>
<div class="mb-3"><label class="form-label" for="login-password">Password</label>
<input class="form-control" id="login-password" name="password" type="password"
 autocomplete="current-password" required></div>
<button class="btn btn-primary w-100" type="submit" id="login-submit">Sign in</button>
</form>"""


def not_allowed(actor: Actor, why: str) -> flask.Response:
    who = html.escape(actor.name)
    body = (
        f'<div class="alert alert-warning" role="alert" id="not-allowed">'
        f"<strong>Not allowed.</strong> {html.escape(why)}</div>"
        f"<p>Signed in as {who}. Ask an admin for a role, or "
        '<form method="post" action="/logout" class="d-inline">'
        '<button class="btn btn-link p-0 align-baseline">sign out</button></form>.</p>'
    )
    return page("Not allowed", body, status=403)


def install_sign_in(server: flask.Flask, store: EditsStore, settings: Settings, key: str) -> SignIn:
    """Wires sign-in into the Flask server: cookies, `/login`, `/logout`, the gate."""
    proxy = None
    if settings.auth_proxy:
        proxy = TrustedProxy(
            networks(settings.auth_proxy_addresses),
            group_roles(settings.auth_proxy_roles_file),
            settings.auth_proxy_user_header,
            settings.auth_proxy_groups_header,
            settings.auth_proxy_owner_header,
        )
    sign_in = SignIn(store, settings, proxy)
    server.extensions["scaleboard.sign_in"] = sign_in
    server.secret_key = key
    server.session_interface = SessionCookies()
    server.config.update(
        SESSION_COOKIE_NAME="scaleboard_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
    )
    routes = SignInRoutes(sign_in)
    server.before_request(routes.gate)
    server.add_url_rule("/login", "login_page", routes.login_page, methods=["GET"])
    server.add_url_rule("/login", "login", routes.login, methods=["POST"])
    server.add_url_rule("/logout", "logout", routes.logout, methods=["POST"])
    return sign_in


@dataclass
class SignInRoutes:
    """The gate in front of every route, and the sign-in and sign-out routes."""

    sign_in: SignIn

    @property
    def settings(self) -> Settings:
        return self.sign_in.settings

    def gate(self) -> flask.Response | None:
        request = flask.request
        unsafe = self.settings.sign_in and request.method in UNSAFE_METHODS
        if unsafe and cross_origin(strict=request.path != "/login"):
            flask.g.actor = ANONYMOUS
            _refuse_cross_origin(self.sign_in)
            return flask.Response("cross-site request refused", status=403, mimetype="text/plain")
        actor = self.sign_in.resolve()
        flask.g.actor = actor
        if request.path.startswith(PUBLIC_PREFIXES) or not self.settings.sign_in:
            return None
        if actor.signed_in:
            return None
        if actor.name != ANONYMOUS.name:  # a proxy user whose groups grant no role
            return not_allowed(actor, "None of your groups is given a role in Scaleboard.")
        if request.method == "GET" and not request.path.startswith(PAGE_PREFIXES):
            target = request.full_path if request.query_string else request.path
            return flask.redirect(f"/login?next={_quote(target)}")  # type: ignore[return-value]  # a Response
        if request.method in UNSAFE_METHODS:
            audit.record_alone(
                self.sign_in.store,
                "(not signed in)",
                "request",
                "denied",
                detail=f"{request.method} {request.path}"[:500],
                address=self.sign_in.client_address(),
            )
        return flask.Response("sign in first: /login", status=401, mimetype="text/plain")

    def login_page(self) -> flask.Response:
        if not self.settings.sign_in:
            return flask.redirect("/")  # type: ignore[return-value]  # a Response
        target = _safe_next(flask.request.args.get("next"))
        return page("Sign in", login_form(target=target))

    def login(self) -> flask.Response:
        if not self.settings.sign_in:
            return flask.Response("sign-in is off on this server", status=404)
        form = flask.request.form
        name = str(form.get("username", ""))[:200]
        password = str(form.get("password", ""))[:1024]
        target = _safe_next(form.get("next"))
        address = self.sign_in.client_address()
        store = self.sign_in.store
        if self.sign_in.throttled(name, address):
            audit.record_alone(
                store,
                name or "(no name)",
                "sign_in",
                "denied",
                address=address,
                detail="throttled: too many failed sign-ins",
            )
            message = "Too many failed sign-ins; wait a few minutes and try again."
            response = page("Sign in", login_form(message, name, target), status=429)
            response.headers["Retry-After"] = str(self.settings.login_window_s)
            return response
        user = users.verify(store, name, password) if name and password else None
        if user is None:
            self.sign_in.note_failure(name, address)
            return page("Sign in", login_form("Wrong name or password.", name, target), status=401)
        self.sign_in.clear_failures(name)
        flask.session.clear()
        flask.session.permanent = True
        flask.session.update(uid=user.user_id, epoch=user.session_epoch, iat=int(time.time()))
        audit.record_alone(store, user.actor, "sign_in", "ok", address=address)
        return flask.redirect(target, code=303)  # type: ignore[return-value]  # a Response

    def logout(self) -> flask.Response:
        actor = flask.g.get("actor", ANONYMOUS)
        if actor.signed_in:
            audit.record_alone(
                self.sign_in.store, actor, "sign_out", "ok", address=self.sign_in.client_address()
            )
        flask.session.clear()
        return flask.redirect("/login", code=303)  # type: ignore[return-value]  # a Response


def _quote(target: str) -> str:
    return quote(target, safe="/")


def _refuse_cross_origin(sign_in: SignIn) -> None:
    request = flask.request
    detail = (
        f"{request.method} {request.path} from origin "
        f"{request.headers.get('Origin') or request.headers.get('Referer') or '(none)'}"
    )
    audit.record_alone(
        sign_in.store,
        "(cross-site)",
        "request",
        "denied",
        detail=detail[:500],
        address=sign_in.client_address(),
    )

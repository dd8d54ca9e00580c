"""The HTTP rules every response of the dashboard's server follows, in one place:

- a request body limit (`max_request_bytes`): HTTP 413 with a short plain message, for a
  declared `Content-Length` and for chunked bodies alike;
- error pages that say nothing about the server (no paths, no exception text);
- security headers: a Content-Security-Policy that allows the page's own scripts and the
  inline scripts it serves (by hash), no framing, no MIME sniffing, no cross-site referrer;
- compression (brotli or gzip) of text, scripts, styles and JSON; the compressed versions
  of the immutable static files are kept in memory, so each is compressed once per worker.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

import flask
from flask import Response, abort, request
from flask_compress import Compress
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge

from etl.config import Settings

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
TOO_LARGE_FLAG = "scaleboard.body_too_large"

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",  # and the hashes of the page's inline scripts
    "style-src": "'self' 'unsafe-inline'",  # plotly.js and React set inline styles
    "img-src": "'self' data:",  # Bootstrap's and plotly's icons are data: URIs
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL)
DATA_BLOCK = re.compile(r"""\btype=["']application/json["']""")
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
]
STATIC_PREFIX = "/_dash-component-suites/"
"""The path of Dash's and its components' scripts: the megabytes of a first page load, each
fingerprinted by version (one URL, one body), so its compressed body can be kept (assets
are small, compressed anew each time)."""


def too_large_message(limit: int) -> str:
    return f"Request body too large: the limit is {limit:,} bytes.\n"


SERVER_ERROR_MESSAGE = (
    "Internal server error: the request failed; the server log has the details.\n"
)


def _plain(text: str, status: int) -> Response:
    return Response(text, status=status, mimetype="text/plain")


class ChunkedBodyLimit:
    """WSGI middleware: a chunked body (its length unknown until read; any `Content-Length`
    beside it does not count, RFC 9112) is read up to the limit here; a longer one is
    flagged (the app answers 413), a shorter one passes on with its length declared.
    Werkzeug alone would silently cut such a body at the limit."""

    def __init__(self, app: WSGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked:
            body = environ["wsgi.input"].read(self.limit + 1)
            if len(body) > self.limit:
                environ[TOO_LARGE_FLAG] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)


def _install_body_limit(server: flask.Flask, limit: int) -> None:
    server.config["MAX_CONTENT_LENGTH"] = limit
    server.wsgi_app = ChunkedBodyLimit(server.wsgi_app, limit)  # type: ignore[method-assign]  # the documented way to wrap a Flask app

    @server.before_request
    def refuse_large_bodies() -> None:
        length = request.content_length or 0
        if request.environ.get(TOO_LARGE_FLAG) or length > limit:
            abort(413)

    @server.errorhandler(RequestEntityTooLarge)
    def too_large(_: RequestEntityTooLarge) -> Response:
        return _plain(too_large_message(limit), 413)


def _install_error_pages(server: flask.Flask) -> None:
    @server.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> Response:
        # Flask logged the traceback already (an unhandled exception) or there is none
        log.debug("answered 500: %s", error.original_exception)
        return _plain(SERVER_ERROR_MESSAGE, 500)


def script_hashes(html: str) -> list[str]:
    """The CSP sources (`'sha256-...'`) of the inline scripts of a page; data blocks
    (`type="application/json"`, like Dash's config) are never executed and need none."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for attrs, body in INLINE_SCRIPT.findall(html)
        if not DATA_BLOCK.search(attrs)
    ]


def content_security_policy(hashes: Iterable[str] = ()) -> str:
    directives = {**CSP, "script-src": " ".join([CSP["script-src"], *hashes])}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _install_headers(server: flask.Flask) -> None:
    @server.after_request
    def set_security_headers(response: Response) -> Response:
        hashes: list[str] = []
        if response.mimetype == "text/html" and not response.is_streamed:
            hashes = script_hashes(response.get_data(as_text=True))
        response.headers["Content-Security-Policy"] = content_security_policy(hashes)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


class StaticCompressionCache:
    """flask-compress's cache: keeps the compressed bodies of static files only (the key
    of any other response is empty, and nothing is kept for it)."""

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._bodies.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            with self._lock:
                self._bodies[key] = value


def static_cache_key(req: flask.Request) -> str:
    static = req.method == "GET" and req.path.startswith(STATIC_PREFIX)
    return req.full_path if static else ""


def _install_compression(server: flask.Flask) -> None:
    server.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br", "gzip"],
        COMPRESS_BR_LEVEL=5,  # smaller and faster than the default 4 on plotly.js
        COMPRESS_CACHE_KEY=static_cache_key,
        COMPRESS_CACHE_BACKEND=StaticCompressionCache,
    )
    Compress(server)

    @server.after_request  # runs before flask-compress's (registered later)
    def buffer_files(response: Response) -> Response:
        """A file response (an asset) read into memory, its file closed with the response:
        flask-compress would compress it as a stream and never close the file."""
        compressible = response.mimetype in COMPRESSED_TYPES and response.status_code == 200
        if compressible and response.direct_passthrough:
            response.direct_passthrough = False
            response.make_sequence()
        return response


def install_http_policy(server: flask.Flask, settings: Settings) -> None:
    """Installs the body limit, the error pages, compression and the security headers.
    After-request functions run last-registered first: the headers see the page before
    compression does."""
    _install_body_limit(server, settings.max_request_bytes)
    _install_error_pages(server)
    _install_compression(server)
    _install_headers(server)

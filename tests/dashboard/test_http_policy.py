"""The HTTP rules of the dashboard's server, through Flask's test client: the body limit,
error pages that say nothing about the server, security headers, compression."""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import brotli
import pytest
from dash import Dash
from dash._utils import split_callback_id
from werkzeug.test import TestResponse

from dashboard.app import create_app
from dashboard.http_policy import script_hashes
from etl.config import Settings

MIB = 1024 * 1024
CALLBACK = "/_dash-update-component"


@pytest.fixture(scope="module")
def app(sample_db: Path) -> Dash:
    return create_app(sample_db, Settings())


def _chunked(app: Dash, body: bytes) -> TestResponse:
    """A POST with no Content-Length, its body chunked, as gunicorn hands it on."""
    return app.server.test_client().post(
        CALLBACK,
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )


def _too_large(response: TestResponse) -> bool:
    return (
        response.status_code == 413
        and response.mimetype == "text/plain"
        and response.get_data(as_text=True).startswith("Request body too large")
    )


@pytest.mark.parametrize("size", [MIB + 1, 10 * MIB])
def test_a_body_over_the_limit_is_refused(app: Dash, size: int) -> None:
    body = b'{"output": "' + b"x" * size + b'"}'
    response = app.server.test_client().post(CALLBACK, data=body, content_type="application/json")
    assert _too_large(response)
    assert len(response.data) < 100  # nothing of the body comes back


def test_a_chunked_body_over_the_limit_is_refused(app: Dash) -> None:
    """Werkzeug would cut such a body at the limit and hand the rest on as if whole."""
    assert _too_large(_chunked(app, b"x" * (MIB + 1)))


def test_a_chunked_body_under_the_limit_is_served(app: Dash) -> None:
    key = next(k for k in app.callback_map if "portfolio-kpis" in k)
    spec = app.callback_map[key]
    payload = {
        "output": key,
        "outputs": split_callback_id(key),
        "inputs": [{**i, "value": "" if n == 0 else 0} for n, i in enumerate(spec["inputs"])],
        "state": [],
        "changedPropIds": ["app-location.search"],
    }
    assert _chunked(app, json.dumps(payload).encode()).status_code == 200


def test_the_limit_is_a_setting(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEBOARD_MAX_REQUEST_BYTES", "4096")
    settings = Settings()
    assert settings.max_request_bytes == 4096
    client = create_app(sample_db, settings).server.test_client()
    response = client.post(CALLBACK, data=b"x" * 5000, content_type="application/json")
    assert _too_large(response)
    assert "4,096 bytes" in response.get_data(as_text=True)
    assert Settings.model_fields["max_request_bytes"].default == MIB


def test_a_server_error_says_nothing_about_the_server(app: Dash, sample_db: Path) -> None:
    """An unknown callback fails inside Dash (KeyError): the answer is a short plain text,
    with no path, no exception and no trace."""
    payload = {"output": "nope.children", "outputs": {"id": "nope", "property": "children"}}
    response = app.server.test_client().post(CALLBACK, json={**payload, "inputs": []})
    assert response.status_code == 500
    assert response.mimetype == "text/plain"
    shown = response.get_data(as_text=True)
    assert shown.startswith("Internal server error")
    for secret in ("nope", "KeyError", "Traceback", str(sample_db.parent), "site-packages"):
        assert secret not in shown


@pytest.mark.parametrize(
    "path", ["/", "/roadmap", "/nowhere", "/_dash-layout", "/assets/scaleboard.css"]
)
def test_every_response_carries_the_security_headers(app: Dash, path: str) -> None:
    with app.server.test_client().get(path) as response:
        assert response.status_code in (200, 404)
        headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = dict(d.strip().split(" ", 1) for d in headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["script-src"].startswith("'self'")
    assert "unsafe" not in policy["script-src"]  # neither inline nor eval


def test_the_policy_allows_exactly_the_pages_inline_scripts(app: Dash) -> None:
    page = app.server.test_client().get("/")
    html = page.get_data(as_text=True)
    script_src = re.search(r"script-src ([^;]+)", page.headers["Content-Security-Policy"])
    assert script_src is not None
    allowed = set(script_src.group(1).split()) - {"'self'"}
    assert allowed == set(script_hashes(html))
    assert set(app.csp_hashes()) <= allowed  # Dash's own count: renderer, clientside code
    assert '<script id="_dash-config" type="application/json">' in html  # data, not run


def test_a_page_with_a_foreign_inline_script_would_not_allow_it() -> None:
    assert script_hashes("<script>alert(1)</script>") != script_hashes("<script>alert(2)</script>")
    assert script_hashes('<script src="/x.js"></script>') == []


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_scripts_styles_and_json_are_compressed(app: Dash, encoding: str) -> None:
    client = app.server.test_client()
    html = client.get("/").get_data(as_text=True)
    script = re.search(r'src="(/_dash-component-suites/dash/dcc/[^"]+)"', html)
    assert script is not None
    decode = brotli.decompress if encoding == "br" else gzip.decompress
    for path in (script.group(1), "/assets/00-bootstrap.min.css", "/_dash-layout"):
        with (
            client.get(path) as plain,
            client.get(path, headers={"Accept-Encoding": encoding}) as packed,
        ):
            assert packed.headers["Content-Encoding"] == encoding, path
            assert "Accept-Encoding" in packed.headers["Vary"]
            assert len(packed.data) < len(plain.data) / 2, path
            assert decode(packed.data) == plain.data, path
    with client.get(script.group(1), headers={"Accept-Encoding": encoding}) as again:
        assert again.headers["Content-Encoding"] == encoding  # kept: served from memory
    page = client.get("/", headers={"Accept-Encoding": encoding})  # a new token each time
    assert decode(page.data).startswith(b"<!DOCTYPE html>")

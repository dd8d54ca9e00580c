"""The HTTP rules as `scaleboard serve` (gunicorn) applies them: the body limit for a
declared length and for a chunked body, the security headers, compression, the banner."""

from __future__ import annotations

import contextlib
import http.client
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-http_policy")]

MIB = 1024 * 1024


def _post(url: str, body: bytes, chunked: bool) -> tuple[int, str]:
    """POSTs `body` to the callback route: with its Content-Length, or in 64 KiB chunks."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    headers = {"Content-Type": "application/json"}
    # the server may answer before the body is all sent; the answer is there all the same
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        connection.request(
            "POST",
            "/_dash-update-component",
            body=chunks() if chunked else body,
            headers=headers,
            encode_chunked=chunked,
        )
    response = connection.getresponse()
    try:
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_httppolicy001_a_10_mb_body_is_refused(server: str, chunked: bool) -> None:
    status, text = _post(server, b'{"output": "' + b"x" * (10 * MIB) + b'"}', chunked)
    assert (status, text) == (413, "Request body too large: the limit is 1,048,576 bytes.\n")


def test_httppolicy002_headers_and_compression(server: str) -> None:
    request = urllib.request.Request(server + "/", headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        headers = response.headers
    assert headers["Content-Encoding"] == "br"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_httppolicy003_the_banner_names_the_address(server: str, e2e_db: Path) -> None:
    port = urllib.parse.urlsplit(server).port
    log = e2e_db.with_name(e2e_db.name + ".serve.log").read_text(encoding="utf-8")
    assert f"listening on 127.0.0.1 port {port}; open http://127.0.0.1:{port}/" in log

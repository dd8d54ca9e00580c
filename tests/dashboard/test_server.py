"""`scaleboard serve`: gunicorn with gthread workers, the app built in each worker."""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import pytest

from dashboard.server import DashboardServer, ServeOptions, ready_app
from etl.config import Settings, get_settings
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("host", "bind", "banner"),
    [
        (
            "127.0.0.1",
            "127.0.0.1:8050",
            "listening on 127.0.0.1 port 8050; open http://127.0.0.1:8050/",
        ),
        ("::1", "[::1]:8050", "listening on ::1 port 8050; open http://[::1]:8050/"),
        (
            "0.0.0.0",
            "0.0.0.0:8050",
            "listening on all interfaces (0.0.0.0) port 8050; open http://box:8050/ or another "
            "address of this machine (http://127.0.0.1:8050/ on the machine itself)",
        ),
        (
            "::",
            "[::]:8050",
            "listening on all interfaces (::) port 8050; open http://box:8050/ or another "
            "address of this machine (http://[::1]:8050/ on the machine itself)",
        ),
    ],
)
def test_the_banner_names_the_address_it_listens_on(host: str, bind: str, banner: str) -> None:
    """A wildcard host is no address to open, and 127.0.0.1 is not where it listens."""
    options = ServeOptions(Path("x.duckdb"), host=host)
    assert (options.bind, options.listening(machine="box")) == (bind, banner)


def test_the_serve_command_prints_the_banner(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from dashboard import server
    from scaleboard.cli import app

    served: list[ServeOptions] = []
    monkeypatch.setattr(server, "serve", lambda options, *_, **__: served.append(options))
    monkeypatch.setattr(socket, "gethostname", lambda: "box")
    monkeypatch.setenv("SCALEBOARD_SIGN_IN", "on")  # all interfaces need sign-in
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["serve", "--db", "x.duckdb", "--host", "0.0.0.0"])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "listening on all interfaces (0.0.0.0) port 8050; open http://box:8050/" in result.output
    assert "127.0.0.1:8050/ on the machine itself" in result.output
    assert [o.host for o in served] == ["0.0.0.0"]


def test_gunicorn_runs_gthread_workers(tiny_db: Path) -> None:
    server = DashboardServer(ServeOptions(tiny_db, port=8765, workers=3, threads=5), Settings())
    assert server.cfg.worker_class_str == "gthread"
    assert (server.cfg.workers, server.cfg.threads) == (3, 5)
    assert server.cfg.bind == ["127.0.0.1:8765"]
    wsgi = server.load()
    assert wsgi.test_client().get("/").status_code == 200


def test_the_serve_command_documents_its_options() -> None:
    result = run_cli("serve", "--help")
    assert result.returncode == 0
    for option in ("--db", "--host", "--port", "--dev", "--workers", "--threads"):
        assert option in result.stdout


def test_a_ready_app_serves_concurrent_first_requests(tiny_db: Path) -> None:
    """Dash registers its script paths on the first request, not thread-safely: a worker
    whose first requests arrive together would answer some of them 500. `ready_app` serves
    one request before the threads start."""
    app = ready_app(tiny_db, Settings())
    index = app.server.test_client().get("/").get_data(as_text=True)
    scripts = re.findall(r'src="([^"]+_dash-component-suites[^"]+)"', index)
    assert len(scripts) > 3
    codes: list[int] = []
    barrier = threading.Barrier(len(scripts))

    def fetch(url: str) -> None:
        client = app.server.test_client()
        barrier.wait()
        with client.get(url) as response:
            codes.append(response.status_code)

    threads = [threading.Thread(target=fetch, args=(url,)) for url in scripts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [200] * len(scripts)

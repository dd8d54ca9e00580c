"""Serving the dashboard: gunicorn (gthread workers) in production, Flask's server with --dev.

Each gunicorn worker builds its own app after the fork (`load`), so no DuckDB connection
is ever shared between processes.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from etl.config import Settings


@dataclass(frozen=True)
class ServeOptions:
    db: Path
    host: str = "127.0.0.1"
    port: int = 8050
    workers: int = 2
    threads: int = 4
    timeout_s: int = 120

    @property
    def bind(self) -> str:
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"{host}:{self.port}"

    @property
    def all_interfaces(self) -> bool:
        """A wildcard host: the server listens on every interface of the machine."""
        return self.host.strip("[]") in ("", "0.0.0.0", "::")

    def url(self, machine: str | None = None) -> str:
        """The address to open: the host itself, or for a wildcard host this machine's name
        (`machine`, default its host name), since a wildcard is no address to open."""
        shown = (machine or socket.gethostname()) if self.all_interfaces else self.host
        shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
        return f"http://{shown}:{self.port}/"

    def listening(self, machine: str | None = None) -> str:
        """Where the server listens, as the banner says it: `listening on 127.0.0.1 port
        8050; open http://127.0.0.1:8050/`, or for a wildcard host `listening on all
        interfaces (0.0.0.0) port 8050; open http://NAME:8050/ (...)`."""
        if not self.all_interfaces:
            return f"listening on {self.host} port {self.port}; open {self.url()}"
        wildcard = self.host.strip("[]") or "0.0.0.0"
        local = "http://[::1]" if wildcard == "::" else "http://127.0.0.1"
        return (
            f"listening on all interfaces ({wildcard}) port {self.port}; open "
            f"{self.url(machine)} or another address of this machine ({local}:{self.port}/ "
            "on the machine itself)"
        )


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address or `localhost` (not "all interfaces")."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class DashboardServer(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
    """A gunicorn application serving `create_app(db, settings)`."""

    def __init__(self, options: ServeOptions, settings: Settings) -> None:
        self.options = options
        self.settings = settings
        super().__init__()

    def config_values(self) -> dict[str, Any]:
        return {
            "bind": self.options.bind,
            "workers": self.options.workers,
            "threads": self.options.threads,
            "worker_class": "gthread",
            "timeout": self.options.timeout_s,
            "graceful_timeout": 10,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "scaleboard",
        }

    def load_config(self) -> None:
        for key, value in self.config_values().items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return ready_app(self.options.db, self.settings).server


def ready_app(db: Path, settings: Settings) -> Any:
    """`create_app`, with one request served in-process: Dash finishes its setup on the
    first request and that setup is not thread-safe, so it must be over before the worker's
    threads take concurrent requests."""
    from dashboard.app import create_app

    app = create_app(db, settings)
    with app.server.test_client() as client:
        client.get("/").close()
    return app


def serve(options: ServeOptions, settings: Settings, dev: bool = False) -> None:
    """Runs until interrupted: gunicorn, or Flask's development server (reload, debug) with dev."""
    if dev:
        ready_app(options.db, settings).run(host=options.host, port=options.port, debug=True)
        return
    DashboardServer(options, settings).run()

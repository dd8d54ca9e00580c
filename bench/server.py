"""The benchmark's dashboard server: `scaleboard serve`'s gunicorn app plus one minimal
callback that returns a constant figure, the framework floor measured on the same server;
every response names the worker process that made it (`X-Bench-Worker`)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FLOOR_OUTPUT = "bench-floor-graph.figure"
WORKER_HEADER = "X-Bench-Worker"


def floor_app(db: Path) -> Any:
    """create_app plus the floor callback, warmed up like `scaleboard serve` does."""
    import plotly.graph_objects as go
    from dash import Input, Output

    from dashboard.app import create_app
    from etl.config import Settings

    # Pages read as the acceptance checks read them: sign-in off, on loopback.
    app = create_app(db, Settings(sign_in=False))
    figure = go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 2, 3]))

    @app.callback(Output("bench-floor-graph", "figure"), Input("bench-floor-button", "n_clicks"))
    def floor(_: int | None) -> go.Figure:
        return figure

    @app.server.after_request  # type: ignore[untyped-decorator]  # flask types it loosely
    def name_worker(response: Any) -> Any:
        response.headers[WORKER_HEADER] = str(os.getpid())
        return response

    with app.server.test_client() as client:
        client.get("/").close()
    return app.server


def main() -> None:
    """`python -m bench.server DB PORT`: serve with gunicorn, 2 workers x 4 threads."""
    from dashboard.server import DashboardServer, ServeOptions
    from etl.config import Settings

    db, port = Path(sys.argv[1]), int(sys.argv[2])

    class FloorServer(DashboardServer):
        def load(self) -> Any:
            return floor_app(db)

    FloorServer(ServeOptions(db, port=port), Settings()).run()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running(db: Path) -> Iterator[tuple[str, int]]:
    """The server on a free port; yields (base URL, gunicorn master pid)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.server", str(db), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, process)
        yield url, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the benchmark server exited")
        with contextlib.suppress(OSError), urllib.request.urlopen(url + "/", timeout=30) as r:
            if r.status == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer")


def tree_peak_rss_mb(pid: int) -> tuple[float, float]:
    """(largest peak RSS of one process, sum of peak RSS) over pid and its children, MB."""
    pids = [pid, *_children(pid)]
    peaks = [_vm_hwm_kb(p) / 1024 for p in pids]
    return max(peaks), sum(peaks)


def workers(pid: int) -> list[int]:
    """The worker processes of the gunicorn master `pid`."""
    return _children(pid)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        for child in map(int, children):
            found += [child, *_children(child)]
    return found


def _vm_hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()

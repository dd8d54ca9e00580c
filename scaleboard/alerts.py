"""`scaleboard alerts check|status`, `scaleboard digest`, and the alert step after a load."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from scaleboard.options import ConfigOption, DbOption, fail

alerts_app = typer.Typer(help="Alert rules over the metrics, delivered to Slack, Teams, email.")
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, default=str) + "\n")


def _paths(db: Path | None, config: Path | None) -> tuple[Path, Path]:
    from dashboard.alerting.config import config_path
    from etl.config import get_settings
    from scaleboard.cli import _existing_db

    path = _existing_db(db)
    return path, config_path(config, get_settings().alerts, path)


def _errors() -> tuple[type[Exception], ...]:
    from dashboard.alerting.config import AlertsConfigError
    from dashboard.brief.render import RenderError
    from dashboard.edits.store import EditsError
    from etl.storage import StorageError

    return (AlertsConfigError, EditsError, StorageError, RenderError)


def _print_sent(deliveries: list[Any]) -> None:
    for d in deliveries:
        tries = f"{d.attempts} tr{'y' if d.attempts == 1 else 'ies'}"
        if d.sent:
            typer.echo(f"  {d.channel}: sent ({tries})")
        else:
            typer.echo(f"  {d.channel}: FAILED after {tries}: {d.error}")
    if any(not d.sent for d in deliveries):
        typer.echo("failed deliveries are tried again by the next check; see `alerts status`")


@alerts_app.command("check")
def check(db: DbOption = None, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Evaluate the rules now and deliver the alerts that opened (exit 1: a delivery failed)."""
    from dashboard.alerting.service import check as run_check
    from etl.config import get_settings

    path, alerts_file = _paths(db, config)
    try:
        result = run_check(path, get_settings(), alerts_file)
    except _errors() as exc:
        raise fail(str(exc)) from None
    if as_json:
        _print_json(result.to_json())
    else:
        typer.echo(
            f"{result.found} alerts as of {result.as_of or 'no data'}: {len(result.opened)} new, "
            f"{len(result.cleared)} cleared"
        )
        _print_sent(result.deliveries)
    raise typer.Exit(1 if result.failed else 0)


@alerts_app.command("status")
def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The open alerts and the deliveries that failed."""
    from dashboard.alerting.service import status as read_status
    from etl.config import get_settings
    from scaleboard.cli import _existing_db

    try:
        found = read_status(_existing_db(db), get_settings())
    except _errors() as exc:
        raise fail(str(exc)) from None
    if as_json:
        _print_json(found)
        return
    typer.echo(f"{len(found['open_alerts'])} open alerts")
    for a in found["open_alerts"]:
        typer.echo(f"  {a['title']}: {a['detail']} (since {a['opened_at']})")
    failed = found["failed_deliveries"]
    typer.echo(f"{len(failed)} failed deliveries")
    for d in failed:
        what = d["alert_key"] or "digest"
        typer.echo(
            f"  {d['updated_at']} {d['channel']} ({what}), {d['attempts']} tries: {d['error']}"
        )


def digest(db: DbOption = None, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Send the brief (a PDF by email) and the open alerts to the digest's recipients; for
    cron or a systemd timer (docs/alerts.md). Exit 1: a delivery failed."""
    from dashboard.alerting.digest import send_digest
    from etl.config import get_settings

    path, alerts_file = _paths(db, config)
    try:
        result = send_digest(path, get_settings(), alerts_file)
    except _errors() as exc:
        raise fail(str(exc)) from None
    if as_json:
        _print_json(result.to_json())
    else:
        typer.echo(f"digest of {result.period}, {result.open_alerts} open alerts")
        _print_sent(result.deliveries)
    raise typer.Exit(1 if result.failed else 0)


def after_load(db: Path) -> dict[str, Any] | None:
    """The alert check after a committed load, when an alerts file is configured (or lies
    beside the database). Never raises: the load stands whatever happens here, and a
    failure is returned as {"error": ...} for the load to report."""
    from dashboard.alerting.config import config_path, default_path
    from etl.config import get_settings

    settings = get_settings()
    path = config_path(None, settings.alerts, db)
    if settings.alerts is None and not default_path(db).exists():
        return None
    try:
        from dashboard.alerting.service import check as run_check

        return run_check(db, settings, path).to_json()
    except Exception as exc:  # any failure of the alert step: reported, the load stands
        return {
            "error": f"{type(exc).__name__}: {exc}" if not isinstance(exc, _errors()) else str(exc)
        }

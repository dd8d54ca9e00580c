"""Human-readable output of the CLI (tables on a terminal, plain lines otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from etl.load import LoadResult
    from etl.metric_results import MetricsResult


def print_load(result: LoadResult) -> None:
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if result.status == "refused":
        typer.echo(f"error: refused, nothing changed: {result.error}", err=True)
        return
    verb = "checked (dry run, nothing changed)" if result.dry_run else "loaded"
    for f in result.files:
        if f.skipped:
            typer.echo(f"{f.path}: skipped, already loaded (use --force to load it again)")
            continue
        typer.echo(
            f"{f.path}: {f.entity}, {f.rows_read} rows read, {f.rows_loaded} {verb}, "
            f"{f.rows_rejected} rejected"
        )
        for warning in f.warnings:
            typer.echo(f"  warning: {warning}")
    typer.echo(
        f"load {result.load_id}: {result.rows_loaded} rows {verb}, {result.rows_rejected} "
        f"rejected, {result.rows_skipped} skipped"
    )
    if result.rows_unallocated:
        typer.echo(
            f"{result.rows_unallocated} source rows kept as unallocated spend (no initiative "
            "tag, or a tag value that maps to no initiative): see the data page"
        )
    if result.rows_rejected:
        typer.echo(f"see why: scaleboard rejects --load {result.load_id}")


def print_alerts(alerts: dict[str, Any] | None) -> None:
    """The alert step after a load: what it found and sent, or why it failed (the load
    stands either way)."""
    if alerts is None:
        return
    if "error" in alerts:
        typer.echo(
            f"warning: the load stands, but the alert check failed: {alerts['error']}", err=True
        )
        return
    failed = [d for d in alerts["deliveries"] if not d["sent"]]
    typer.echo(
        f"alerts: {alerts['found']} found, {len(alerts['opened'])} new, "
        f"{len(alerts['cleared'])} cleared, {len(alerts['deliveries']) - len(failed)} messages sent"
    )
    for d in failed:
        typer.echo(f"warning: alert delivery to {d['channel']} failed: {d['error']}", err=True)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 10 else f"{value:,.2f}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def print_rows(title: str, rows: list[dict[str, Any]], total: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{title} ({total})")
    for name in rows[0] if rows else ["(none)"]:
        table.add_column(name)
    for row in rows:
        table.add_row(*(_fmt(v) for v in row.values()))
    Console(width=200).print(table)


PROGRAM_FIGURES = (
    "adoption_rate",
    "outcomes_at_scale",
    "outcomes_in_pilot",
    "total_cost",
    "cost_per_insight",
    "roi",
    "pilot_to_production_rate",
    "cost_at_risk",
)
"""The program figures the terminal report lists, labelled and formatted by the registry."""


def print_metrics(result: MetricsResult) -> None:
    from etl.registry import SIGNAL_LABELS, metric

    window = result.window
    typer.echo(
        f"as of {result.as_of or '—'}, window {window.from_ if window else '—'}.."
        f"{window.to if window else '—'}, {result.currency}"
    )
    if result.partial_months:
        typer.echo(
            f"partial months (not the default as-of month): {', '.join(result.partial_months)}"
        )
    program = [
        {"metric": metric(k).label, "value": metric(k).format(result.figure(k), result.currency)}
        for k in PROGRAM_FIGURES
    ]
    program += [
        {
            "metric": f"  {label}",
            "value": metric(f"cost_at_risk_{key}").format(
                result.figure(f"cost_at_risk_{key}"), result.currency
            ),
        }
        for key, label in SIGNAL_LABELS.items()
    ]
    print_rows("Program", program, len(PROGRAM_FIGURES))
    by_stage = result.initiatives_by_stage
    stages: list[dict[str, Any]] = [{"stage": k, "initiatives": v} for k, v in by_stage.items()]
    print_rows("Initiatives by stage", stages, total=sum(by_stage.values()))
    typer.echo(f"stalled pilots: {', '.join(result.stalled_pilots) or 'none'}")
    typer.echo(f"no executive owner: {', '.join(result.no_executive_owner) or 'none'}")
    decaying = [d.model_dump() for d in result.decaying_models]
    print_rows("Decaying models", decaying, total=len(decaying))

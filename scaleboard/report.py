"""Human-readable output of the CLI (tables on a terminal, plain lines otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from etl.load import LoadResult


def print_load(result: LoadResult) -> None:
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


METRIC_LABELS = {
    "adoption_rate": "Adoption rate",
    "outcomes_at_scale": "Outcomes at scale",
    "outcomes_in_pilot": "Outcomes in pilot",
    "total_cost": "Total cost",
    "cost_per_insight": "Cost per insight",
    "roi": "ROI",
    "pilot_to_production_rate": "Pilot to production",
}


def print_metrics(result: dict[str, Any]) -> None:
    window = result["window"] or {}
    typer.echo(
        f"as of {result['as_of'] or '—'}, window {window.get('from', '—')}..{window.get('to', '—')}"
        f", {result['currency']}"
    )
    print_rows(
        "Program", [{"metric": METRIC_LABELS[k], "value": result[k]} for k in METRIC_LABELS], 7
    )
    stages = [{"stage": k, "initiatives": v} for k, v in result["initiatives_by_stage"].items()]
    print_rows("Initiatives by stage", stages, total=sum(s["initiatives"] for s in stages))
    for key in ("stalled_pilots", "no_executive_owner"):
        typer.echo(f"{key.replace('_', ' ')}: {', '.join(result[key]) or 'none'}")
    print_rows("Decaying models", result["decaying_models"], total=len(result["decaying_models"]))

"""`alerts check` (after every load, too) and `digest`: read the data, find the alerts,
record which opened and cleared, deliver the new ones (and earlier failed ones whose alert
is still open) to their channels, record every delivery."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dashboard.alerting import config as c
from dashboard.alerting.deliver import Channel, Message, deliver, smtp_password, webhook_url
from dashboard.alerting.rules import Alert, Facts, evaluate
from dashboard.edits import alert_state
from dashboard.edits.store import EditsStore
from dashboard.edits.targets import all_initiative_targets, targets_of
from dashboard.queries import sql_text
from etl.config import Settings
from etl.metric_results import MetricsResult
from etl.metrics import Filters, compute_metrics
from etl.period import parse_month
from etl.storage import open_reader

Sleep = Callable[[float], None]


@dataclass
class Sent:
    channel: str
    alerts: int
    sent: bool
    attempts: int
    error: str | None = None


@dataclass
class CheckResult:
    config: str
    as_of: str | None
    found: int
    opened: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    deliveries: list[Sent] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(not d.sent for d in self.deliveries)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "failed": self.failed}


def load_checked(path: Path) -> c.AlertsConfig:
    """The alerts file, with every secret it names from the environment present."""
    config = c.load_config(path)
    for w in config.webhooks:
        webhook_url(w)
    for e in config.emails:
        smtp_password(e)
    return config


def cost_spikes(
    con: Any, as_of: str | None, factors: set[float]
) -> dict[float, list[dict[str, Any]]]:
    if as_of is None:
        return {}
    month = parse_month(as_of, "as_of")
    out = {}
    for factor in factors:
        cursor = con.execute(sql_text("alerts", "cost_spikes"), [month, factor])
        names = [d[0] for d in cursor.description]
        out[factor] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return out


def gather_facts(
    db: Path, settings: Settings, store: EditsStore, config: c.AlertsConfig, today: dt.date
) -> Facts:
    factors = {r.factor for r in config.rules if isinstance(r, c.CostSpike)}
    with open_reader(db) as con:
        metrics = compute_metrics(con, Filters(), settings)
        spikes = cost_spikes(con, metrics.as_of, factors)
    return Facts(
        metrics,
        spikes,
        today,
        targets_of(store).values,
        all_initiative_targets(store),
    )


def channels_of(config: c.AlertsConfig, names: list[str] | None) -> list[Channel]:
    every: list[Channel] = [*config.webhooks, *config.emails]
    return [ch for ch in every if names is None or ch.name in names]


def _intro(metrics: MetricsResult, db: Path) -> str:
    window = f", window {metrics.window_from} to {metrics.window_to}" if metrics.window else ""
    as_of = metrics.as_of or "no data"
    return f"Scaleboard ({db.name}), as of {as_of}{window}, in {metrics.currency}."


def _deliver_alerts(
    store: EditsStore,
    config: c.AlertsConfig,
    channel: Channel,
    lines: list[tuple[str | None, str, str]],
    retried: list[int],
    intro: str,
    sleep: Sleep,
) -> Sent:
    """One message to `channel` with the alerts `lines` (key, title, detail): keys of new
    deliveries, or None for those repeating the failed deliveries `retried`."""
    count = len(lines)
    msg = Message(
        f"Scaleboard: {count} new alert{'s' if count != 1 else ''}",
        intro,
        [(title, detail) for _, title, detail in lines],
    )
    outcome = deliver(channel, msg, config.delivery, sleep)
    new = [key for key, _, _ in lines if key is not None]
    if new:
        alert_state.record_delivery(store, "alert", channel.name, list(new), outcome)
    if retried:
        alert_state.record_delivery(store, "alert", channel.name, [], outcome, retried)
    return Sent(channel.name, count, outcome[0], outcome[1], outcome[2])


def check(
    db: Path,
    settings: Settings,
    path: Path,
    today: dt.date | None = None,
    sleep: Sleep = time.sleep,
) -> CheckResult:
    """Finds the alerts now, records them, delivers the new ones; raises AlertsConfigError,
    EditsError, StorageError."""
    config = load_checked(path)
    store = EditsStore.for_database(db, settings)
    facts = gather_facts(db, settings, store, config, today or dt.date.today())
    found = evaluate(config, facts)
    transitions = alert_state.record_check(store, found)
    retries = alert_state.pending_retries(store)
    by_key: dict[str, Alert] = {a.key: a for a in found}
    open_rows = {r["alert_key"]: r for r in alert_state.open_alerts(store)}
    routes = {c.rule_name(r): r.channels for r in config.rules}
    result = CheckResult(
        str(path), facts.metrics.as_of, len(found), transitions.opened, transitions.cleared
    )
    intro = _intro(facts.metrics, db)
    for channel in channels_of(config, None):
        lines: list[tuple[str | None, str, str]] = []
        for key in transitions.opened:
            wanted = routes.get(by_key[key].rule)
            if wanted is None or channel.name in wanted:
                lines.append((key, by_key[key].title, by_key[key].detail))
        again = [(d, k) for d, k in retries.get(channel.name, []) if k in open_rows]
        lines += [(None, open_rows[k]["title"], open_rows[k]["detail"]) for _, k in again]
        if lines:
            sent = _deliver_alerts(
                store, config, channel, lines, [d for d, _ in again], intro, sleep
            )
            result.deliveries.append(sent)
    return result


def status(db: Path, settings: Settings) -> dict[str, Any]:
    """The open alerts, the failed deliveries and how many were sent."""
    store = EditsStore.for_database(db, settings)
    return {
        "open_alerts": alert_state.open_alerts(store),
        "failed_deliveries": alert_state.failed_deliveries(store),
        "deliveries": alert_state.delivery_counts(store),
    }

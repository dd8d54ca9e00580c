"""`scaleboard digest`: the brief (a PDF attached to each mail) and the open alerts, with a
summary of the KPIs in the text of every message, to the digest's channels."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dashboard.alerting.config import AlertsConfigError
from dashboard.alerting.deliver import Message, deliver
from dashboard.alerting.service import Sent, Sleep, channels_of, load_checked
from dashboard.brief.content import Brief, page_filters
from dashboard.brief.export import gather, render_brief
from dashboard.brief.render import Renderer
from dashboard.db import Database
from dashboard.edits import alert_state
from etl.config import Settings
from etl.formatting import EM_DASH
from etl.metrics import Filters
from etl.period import PeriodError


@dataclass
class DigestResult:
    period: str
    open_alerts: int
    deliveries: list[Sent] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(not d.sent for d in self.deliveries)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "failed": self.failed}


def summary(brief: Brief, open_count: int) -> str:
    """The brief in a few lines of text: period, selection, each KPI with its change."""
    kpis = "; ".join(
        f"{k.kpi.label} {k.value}"
        + (f" ({k.change})" if k.change_reason is None and k.change != EM_DASH else "")
        for k in brief.kpis
    )
    alerts = f"{open_count} open alert{'s' if open_count != 1 else ''}"
    return f"{brief.period}. {brief.selection}. {kpis}. {alerts}."


def send_digest(
    db: Path, settings: Settings, path: Path, sleep: Sleep = time.sleep
) -> DigestResult:
    """Renders the brief once and sends it; raises AlertsConfigError, RenderError,
    StorageError, EditsError."""
    config = load_checked(path)
    d = config.digest
    try:
        filters = page_filters(
            Filters(
                business_units=tuple(d.business_units),
                stages=tuple(d.stages),
                statuses=tuple(d.statuses),
            )
        )
    except PeriodError as exc:
        raise AlertsConfigError(f"{path}: digest: {exc}; see docs/alerts.md") from None
    database = Database(db, settings)
    try:
        brief = gather(database, filters)
        opened = alert_state.open_alerts(database.edits)
    finally:
        database.close()
    with Renderer.launch(settings.chromium) as renderer:
        pdf = render_brief(brief, ["pdf"], renderer)["pdf"]
    as_of = brief.period.split(",")[0].removeprefix("As of ").strip() or "no data"
    msg = Message(
        f"Scaleboard brief, as of {as_of}",
        summary(brief, len(opened)),
        [(str(a["title"]), str(a["detail"])) for a in opened],
        (f"scaleboard-brief-{as_of}.pdf", pdf),
    )
    result = DigestResult(brief.period, len(opened))
    for channel in channels_of(config, d.channels):
        outcome = deliver(channel, msg, config.delivery, sleep)
        alert_state.record_delivery(database.edits, "digest", channel.name, [None], outcome)
        result.deliveries.append(Sent(channel.name, len(opened), *outcome))
    return result

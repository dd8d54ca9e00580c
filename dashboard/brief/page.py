"""The brief as one self-contained, print-styled HTML page: plotly.js inlined from the
installed plotly package, the figures as JSON, no other resource, so it renders with no
network. Every text from data is HTML-escaped; the figures' own labels are escaped by
`dashboard.figures` (Plotly reads markup in labels)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib.resources import files

import plotly.io as pio

from dashboard.brief.content import AlertLine, Brief, Mover
from dashboard.kpis import KpiView, SignalShare
from etl.formatting import format_percent


@dataclass(frozen=True)
class Size:
    """The page's layout box in CSS pixels, and the scale it prints at."""

    width: int
    height: int
    print_scale: float = 1.0


PNG = Size(1600, 1200)
PDF = Size(1600, 1104, 0.664)
"""A4 landscape less 8 mm margins is 1062 x 733 px; printed at 0.664 the 1600 px wide box
fills it, so both outputs lay out at the same width."""


@cache
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


@cache
def _css() -> str:
    return (files("dashboard") / "brief" / "brief.css").read_text(encoding="utf-8")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _arrow(change: str) -> str:
    return {"+": "▲ ", "-": "▼ "}.get(change[:1], "")


def _kpi(v: KpiView) -> str:
    tone = "" if v.is_better is None else (" good" if v.is_better else " bad")
    target = ""
    if v.target:
        verdict = {True: "good", False: "bad", None: "muted"}[v.target.met]
        said = v.target.verdict or "no figure yet"
        target = (
            f"<div class='kpi-target'>{_e(v.target.text)}: "
            f"<span class='{verdict}'>{_e(said)}</span></div>"
        )
    reason = f"<div class='kpi-reason'>{_e(v.value_reason)}</div>" if v.value_reason else ""
    return (
        f"<div class='kpi' id='brief-{_e(v.kpi.element_id)}'>"
        f"<div class='kpi-label'>{_e(v.kpi.label)}</div>"
        f"<div class='kpi-value'>{_e(v.value)}</div>{reason}"
        f"<div class='kpi-change{tone}'>{_e(_arrow(v.change) + v.change)}</div>{target}</div>"
    )


def _risk(shares: list[SignalShare], total: str) -> str:
    rows = []
    for s in shares:
        width = min(max(s.share or 0.0, 0.0), 1.0) * 100
        rows.append(
            f"<li><span class='risk-label'>{_e(s.label)}</span>"
            f"<span class='risk-value'>{_e(s.value)} · {_e(format_percent(s.share))}</span>"
            f"<div class='bar'><div style='width:{width:.1f}%'></div></div></li>"
        )
    return (
        f"<section class='panel risk'><h2>Money at risk by signal</h2>"
        f"<div class='risk-total'>{_e(total)}</div><ul>{''.join(rows)}</ul>"
        "<p class='help'>An initiative with several signals counts under each.</p></section>"
    )


def _table(
    title: str, head: list[str], rows: list[list[str]], empty: str, extra: str, numeric_from: int
) -> str:
    """A titled table; columns from `numeric_from` on hold numbers (right-aligned)."""
    if not rows:
        body = f"<p class='help'>{_e(empty)}</p>"
    else:
        header = "".join(
            f"<th class='num'>{_e(h)}</th>" if i >= numeric_from else f"<th>{_e(h)}</th>"
            for i, h in enumerate(head)
        )
        lines = "".join("<tr>" + "".join(rows_) + "</tr>" for rows_ in rows)
        body = f"<table><thead><tr>{header}</tr></thead><tbody>{lines}</tbody></table>"
    return f"<section class='panel'><h2>{_e(title)}</h2>{extra}{body}</section>"


def _alerts(alerts: list[AlertLine], total: int) -> str:
    rows = [
        [
            f"<td>{_e(a.kind)}</td>",
            f"<td><b>{_e(a.name)}</b> <span class='muted'>{_e(a.initiative_id)}</span>"
            f"<div class='muted'>{_e(a.detail)}</div></td>",
            f"<td class='num'>{_e(a.at_stake)}</td>",
        ]
        for a in alerts
    ]
    shown = f"<p class='help'>{len(alerts)} of {total} alerts, most money at stake first.</p>"
    head = ["Alert", "Initiative", "Spent in window"]
    empty = "No alerts for these filters."
    return _table("Top alerts by money at stake", head, rows, empty, shown, 2)


def _movers(movers: list[Mover], compare: str) -> str:
    def tone(m: Mover) -> str:
        return "good" if m.is_better else "bad"

    rows = [
        [
            f"<td><b>{_e(m.name)}</b> <span class='muted'>{_e(m.initiative_id)}</span></td>",
            f"<td class='num'>{_e(m.net_value)}</td>",
            f"<td class='num {tone(m)}'>{_e(m.net_change)}</td>",
            f"<td class='num'>{_e(m.adoption)}</td>",
            f"<td class='num'>{_e(m.adoption_change)}</td>",
        ]
        for m in movers
    ]
    head = ["Initiative", "Net value", "Change", "Adoption", "Change"]
    help_ = f"<p class='help'>Outcome value less spend over the window, {_e(compare)}.</p>"
    empty = "No change against the previous window."
    return _table("Biggest movers", head, rows, empty, help_, 1)


def _chart(key: str, title: str) -> str:
    chart = f"<div class='chart' id='chart-{key}'></div>"
    return f"<section class='panel'><h2>{_e(title)}</h2>{chart}</section>"


def _figures_json(brief: Brief) -> str:
    plain = {k: json.loads(pio.to_json(f, validate=False)) for k, f in brief.figures.items()}
    return json.dumps(plain).replace("</", "<\\/")


SCRIPT = """
const figures = JSON.parse(document.getElementById('brief-figures').textContent);
Promise.all(Object.entries(figures).map(([key, f]) => {
  const el = document.getElementById('chart-' + key);
  const layout = Object.assign(f.layout || {}, {autosize: false, width: el.clientWidth,
    height: el.clientHeight});
  return Plotly.newPlot(el, f.data, layout, {staticPlot: true, displayModeBar: false});
})).then(() => { document.body.dataset.ready = '1'; },
         (err) => { document.body.dataset.ready = 'error: ' + err; });
"""


def brief_html(brief: Brief, size: Size = PDF) -> str:
    """The whole page for a layout box of `size`."""
    notes = "".join(f"<p class='note'>{_e(n)}</p>" for n in brief.notes)
    if brief.partial_months:
        months = ", ".join(brief.partial_months)
        notes += f"<p class='note'>Partial months, not counted by default: {_e(months)}.</p>"
    compare = brief.compare_label or "no previous window"
    changes = f"Changes {brief.compare_label}" if brief.compare_label else "No previous window"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(brief.title)}</title>
<style>:root {{ --w: {size.width}px; --h: {size.height}px; }}
@page {{ size: A4 landscape; margin: 8mm; }}
{_css()}</style></head>
<body><main class="brief">
<header><div><h1>{_e(brief.title)}</h1><div class="period">{_e(brief.period)}</div></div>
<div class="meta"><div>{_e(brief.selection)}</div><div>{_e(changes)}</div>
<div>Generated {_e(brief.generated_at)} by Scaleboard</div></div></header>
<div class="notes">{notes}</div>
<div class="kpis">{"".join(_kpi(k) for k in brief.kpis)}</div>
<div class="row middle">{_risk(brief.risk, brief.cost_at_risk)}
{_chart("funnel", "Maturity funnel")}{_chart("adoption_trend", "Adoption trend")}</div>
<div class="row bottom">{_chart("value_vs_cost", "Outcome value vs cost")}
{_alerts(brief.alerts, brief.alert_count)}{_movers(brief.movers, compare)}</div>
</main>
<script type="application/json" id="brief-figures">{_figures_json(brief)}</script>
<script>{_plotly_js()}</script>
<script>{SCRIPT}</script>
</body></html>"""

"""A realistic demo portfolio, written as contract files (CONTRACT.md v1) by DuckDB SQL alone.

`write_sample` builds the portfolio in an in-memory DuckDB database and COPYs one CSV per
entity. Every row comes from SQL: randomness is `hash()` of the row indices and the seed (the
`rnd` macro), never `random()`, and every COPY is ordered by a unique key (usage events by
their index, in `range()` order), so one seed gives the same bytes on every run, whatever the
number of threads (for one DuckDB version: `hash()` may change between releases). Nothing is
held in Python memory, so `scale=40` writes about ten million usage events in seconds.

The portfolio is a catalog of 48 initiatives (one block) repeated `scale` times (later
blocks are regional roll-outs). Each catalog row has a *fate* that fixes how its history
unfolds (see `_FATES_SQL`), so every block holds enterprise-wide successes, regressions,
stalled pilots, paused and retired initiatives; the timing and the figures vary by hash.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import duckdb

BLOCK = 48
"""Initiatives per unit of `scale` (the size of the catalog)."""
DEMO_EVENTS = 20_000
"""Usage events at scale 1: the committed demo set stays small."""
EVENTS_PER_SCALE = 250_000
"""Usage events added by each further unit of scale (scale=40: about 9.8 million)."""

_STAGES = (
    "['Experimentation', 'Operationalization', 'Standardization', 'Enterprise Transformation']"
)

_CATALOG_SQL = """
CREATE TABLE catalog (k, name, business_unit, base_users, fate, metric_kind, events, risk,
                      description) AS VALUES
(0, 'Invoice matching copilot', 'Finance', 600, 'T', 'accuracy', false, 'limited',
 'Matches supplier invoices to purchase orders and goods receipts and proposes the posting.'),
(1, 'Payment fraud detection', 'Finance', 150, 'S', 'accuracy-decay', false, 'high',
 'Scores outgoing payments for fraud patterns before they are released.'),
(2, 'Cash flow forecasting', 'Finance', 80, 'O', 'mape', false, 'minimal',
 'Forecasts 13-week cash positions per legal entity from ledger and bank feeds.'),
(3, 'Financial close copilot', 'Finance', 90, 'O', NULL, true, 'limited',
 'Drafts reconciliations and variance commentary during the month-end close.'),
(4, 'Expense audit assistant', 'Finance', 2000, 'Z', NULL, false, 'limited',
 'Flags out-of-policy expense claims, with the reason, for the audit team.'),
(5, 'Tax document extraction', 'Finance', 60, 'E', NULL, false, 'limited',
 'Extracts fields from tax forms and withholding certificates for review.'),
(6, 'Credit risk early warning', 'Finance', 120, 'R', 'auc', false, 'high',
 'Predicts customer credit deterioration from payment behaviour.'),
(7, 'Predictive maintenance', 'Operations', 400, 'T', 'f1', false, 'limited',
 'Predicts equipment failures from sensor data and schedules maintenance windows.'),
(8, 'Visual quality inspection', 'Operations', 250, 'S', 'accuracy', false, 'limited',
 'Detects defects on the production line from camera images.'),
(9, 'Energy consumption optimization', 'Operations', 100, 'O', 'mae', false, 'minimal',
 'Tunes plant energy use against tariffs and the production plan.'),
(10, 'Shift scheduling optimizer', 'Operations', 800, 'Q', NULL, false, 'limited',
 'Builds shift plans from demand forecasts, skills and labour rules.'),
(11, 'Field service knowledge assistant', 'Operations', 1500, 'E', NULL, false, 'limited',
 'Answers technicians'' questions from manuals and past work orders, on site.'),
(12, 'Safety incident classifier', 'Operations', 300, 'Z', NULL, false, 'limited',
 'Classifies safety reports and near misses and routes them to the right owner.'),
(13, 'Digital twin of the assembly line', 'Operations', 150, 'X', NULL, false, 'minimal',
 'Simulates line changes before they are made.'),
(14, 'Agent assist copilot', 'Customer Service', 2500, 'S', NULL, false, 'limited',
 'Suggests answers and next best actions to service agents during calls and chats.'),
(15, 'Customer service chatbot', 'Customer Service', 50000, 'T', NULL, false, 'limited',
 'Answers customer questions in web chat and hands over to an agent with the context.'),
(16, 'Ticket routing and triage', 'Customer Service', 1200, 'T', 'accuracy', false, 'minimal',
 'Classifies incoming tickets by topic and urgency and routes them to the right queue.'),
(17, 'Call summarization', 'Customer Service', 2500, 'O', NULL, false, 'limited',
 'Writes the call summary and the follow-up tasks into the CRM after each call.'),
(18, 'Churn prediction', 'Customer Service', 200, 'R', 'f1', false, 'limited',
 'Scores customers by churn risk so that retention teams can call them first.'),
(19, 'Emotion recognition in calls', 'Customer Service', 600, 'X', NULL, false, 'unacceptable',
 'Inferred caller emotions from voice; stopped after the AI risk review.'),
(20, 'Complaint sentiment analytics', 'Customer Service', 300, 'P', NULL, false, 'limited',
 'Tracks complaint themes and sentiment across channels.'),
(21, 'Marketing content copilot', 'Marketing', 400, 'T', NULL, false, 'limited',
 'Drafts campaign copy in the brand voice, in twelve languages.'),
(22, 'Next best offer', 'Marketing', 5000, 'S', NULL, false, 'limited',
 'Recommends the next offer per customer for the web shop, the app and the call center.'),
(23, 'Campaign spend optimization', 'Marketing', 60, 'O', NULL, false, 'minimal',
 'Reallocates media budget across channels from weekly response curves.'),
(24, 'Product description generator', 'Marketing', 150, 'O', NULL, false, 'limited',
 'Generates product descriptions from catalog attributes for review by editors.'),
(25, 'Customer segmentation refresh', 'Marketing', 40, 'Z', NULL, false, 'minimal',
 'Rebuilds customer segments monthly from transactions and web behaviour.'),
(26, 'Social listening insights', 'Marketing', 80, 'E', NULL, false, 'minimal',
 'Summarizes what customers say about the brand on social media.'),
(27, 'Personalized email subject lines', 'Marketing', 120, 'E', NULL, false, 'minimal',
 'Tests generated subject lines against the house style.'),
(28, 'HR policy chatbot', 'HR', 12000, 'S', NULL, false, 'limited',
 'Answers employee questions on leave, benefits and travel policy.'),
(29, 'Recruiter sourcing assistant', 'HR', 80, 'O', NULL, true, 'high',
 'Drafts job ads and outreach messages and suggests search strings to recruiters.'),
(30, 'CV screening assistant', 'HR', 150, 'Y', NULL, false, 'high',
 'Ranked applications against job profiles; retired after the bias audit.'),
(31, 'Learning recommendation engine', 'HR', 9000, 'Z', NULL, false, 'minimal',
 'Recommends courses from skills profiles and career goals.'),
(32, 'Attrition risk insights', 'HR', 60, 'P', NULL, false, 'high',
 'Flags teams with rising attrition risk for HR business partners.'),
(33, 'Onboarding assistant', 'HR', 1500, 'E', NULL, false, 'limited',
 'Guides new joiners through their first 90 days.'),
(34, 'Demand forecasting', 'Supply Chain', 300, 'T', 'mae-decay', false, 'minimal',
 'Forecasts weekly demand per product and warehouse for replenishment.'),
(35, 'Inventory optimization', 'Supply Chain', 200, 'S', NULL, false, 'minimal',
 'Sets safety stocks and reorder points from forecast uncertainty.'),
(36, 'Procurement negotiation copilot', 'Supply Chain', 70, 'O', NULL, true, 'limited',
 'Prepares negotiation briefs from spend data, contracts and market prices.'),
(37, 'Supplier risk monitoring', 'Supply Chain', 150, 'R', NULL, false, 'limited',
 'Watches news, financials and delivery data for signs of supplier distress.'),
(38, 'Route optimization', 'Supply Chain', 900, 'O', NULL, false, 'minimal',
 'Plans delivery routes daily from orders, time windows and traffic.'),
(39, 'Warehouse pick-path optimization', 'Supply Chain', 1200, 'Z', NULL, false, 'minimal',
 'Orders pick lists to shorten walking paths in the warehouse.'),
(40, 'Customs document automation', 'Supply Chain', 100, 'E', NULL, false, 'limited',
 'Fills customs declarations from invoices and packing lists.'),
(41, 'SQL copilot for data analysts', 'IT', 150, 'S', NULL, true, 'limited',
 'Writes and explains SQL against the data warehouse for analysts.'),
(42, 'IT service desk virtual agent', 'IT', 30000, 'S', NULL, false, 'limited',
 'Resolves password, access and device requests in chat.'),
(43, 'Incident root cause analysis', 'IT', 250, 'O', NULL, false, 'limited',
 'Correlates alerts, changes and logs to propose the likely root cause of an incident.'),
(44, 'Code review assistant', 'IT', 900, 'O', NULL, false, 'limited',
 'Comments on pull requests with bugs, security issues and style findings.'),
(45, 'Log anomaly detection', 'IT', 120, 'Z', NULL, false, 'minimal',
 'Detects unusual patterns in application logs before users notice.'),
(46, 'Test case generation', 'IT', 600, 'E', NULL, false, 'limited',
 'Generates test cases from user stories and existing code.'),
(47, 'Access request approvals', 'IT', 5000, 'E', NULL, false, 'high',
 'Recommends approving or rejecting access requests from peer-group entitlements.')
"""

_FATES_SQL = """
CREATE TABLE fates (fate, final_stage, regress, lo, hi, status) AS VALUES
('T', 3, false, 0.00, 0.20, 'active'),   -- enterprise-wide
('S', 2, false, 0.00, 0.40, 'active'),   -- standardized
('R', 2, true,  0.00, 0.30, 'active'),   -- reached Standardization, fell back
('O', 1, false, 0.10, 0.60, 'active'),   -- in production
('Q', 1, false, 0.05, 0.45, 'paused'),   -- paused in production
('P', 0, false, 0.30, 0.60, 'paused'),   -- paused pilot
('Y', 1, false, 0.05, 0.35, 'retired'),  -- retired after production
('X', 0, false, 0.15, 0.45, 'retired'),  -- retired pilot
('Z', 0, false, 0.20, 0.65, 'active'),   -- stalled pilot (> 180 days in Experimentation)
('E', 0, false, 0.00, 0.00, 'active')    -- recent pilot (started 2 to 5 months ago)
"""

_TIMING_SQL = f"""
CREATE TABLE timing AS
WITH raw AS (
    SELECT r.i, (r.i - 1) // {BLOCK} AS block, c.*, f.*, p.months
    FROM p, range(1, p.n + 1) r(i)
    JOIN catalog c ON c.k = (r.i - 1) % {BLOCK}
    JOIN fates f USING (fate)
), started AS (
    SELECT *,
        CASE WHEN fate = 'E' THEN months - 2 - floor(4 * rnd(i, 1, 0))
             ELSE greatest(0, least(months - 8, floor((lo + (hi - lo) * rnd(i, 1, 0)) * months)))
        END::INT AS start_off,
        CASE status WHEN 'paused' THEN 2 + floor(3 * rnd(i, 2, 0))
                    WHEN 'retired' THEN 4 + floor(8 * rnd(i, 2, 0)) ELSE 0 END::INT AS stop_back
    FROM raw
)
SELECT *, greatest(least(start_off + 2, months - 1), months - 1 - stop_back) AS last_off,
    final_stage + regress::INT AS slots
FROM started
"""

_BASE_SQL = """
CREATE TABLE base AS
WITH named AS (
    SELECT t.*, 'AI-' || printf('%04d', i) AS initiative_id,
        name || CASE WHEN block = 0 THEN '' ELSE ' (' || p.regions[1 + (block - 1) % 12]
            || CASE WHEN block > 12 THEN ' ' || ((block - 1) // 12 + 1) ELSE '' END || ')'
            END AS full_name,
        (p.first_month + to_months(start_off))::DATE + floor(27 * rnd(i, 3, 0))::INT
            AS started_on,
        last_day(p.first_month + to_months(last_off)) AS stop_date,
        CASE WHEN rnd(i, 4, 0) < 0.15 THEN 'EUR' WHEN rnd(i, 4, 0) < 0.25 THEN 'GBP'
             ELSE 'USD' END AS currency,
        greatest(8, round(2.0 * p.n_events / p.scale / (SELECT count(*) FROM catalog WHERE events)
            / (last_off - start_off + 1) / 6))
            AS pool_max
    FROM timing t, p
)
SELECT *,
    CASE WHEN events THEN ceil(1.25 * pool_max)
         ELSE greatest(10, round(base_users * (0.7 + 0.6 * rnd(i, 5, 0)) / 10) * 10)
    END::BIGINT AS target_users,
    CASE currency WHEN 'EUR' THEN 1.08 WHEN 'GBP' THEN 1.27 ELSE 1.0 END AS fx_guess,
    final_stage >= 1 AND rnd(i, 6, 0) < 0.2 AS at_risk,
    rnd(i, 7, 0) < 0.2 AS negative_start
FROM named
"""

_HISTORY_SQL = """
CREATE TABLE sh AS
SELECT b.i, b.initiative_id, s.step,
    CASE WHEN s.step <= b.final_stage THEN s.step ELSE b.final_stage - 1 END AS stage_idx,
    CASE WHEN s.step = 0 THEN b.started_on
         ELSE b.started_on + (s.step + floor((b.stop_date - b.started_on - 20)
              * (s.step - 0.35 + 0.5 * rnd(b.i, 10, s.step)) / (b.slots + 0.3)))::INT
    END AS entered_on
FROM base b, range(0, 5) s(step)
WHERE s.step <= b.slots
"""

_STAGE_MONTHS_SQL = """
CREATE TABLE stage_months AS
WITH mon AS (
    SELECT b.i, b.initiative_id, b.start_off, b.last_off, b.events, b.target_users, b.pool_max,
        b.currency, b.fx_guess, b.at_risk, b.negative_start, b.risk,
        least(4, greatest(0.6, sqrt(b.target_users / 400.0))) AS size,
        unnest(range(b.start_off, b.last_off + 1)) AS m_idx
    FROM base b
), dated AS (
    SELECT mon.*, (p.first_month + to_months(m_idx))::DATE AS month,
        last_day(p.first_month + to_months(m_idx)) AS month_end
    FROM mon, p
)
SELECT d.*, h.stage_idx, datediff('month', h.entered_on, d.month_end) AS in_stage
FROM dated d ASOF JOIN sh h ON d.i = h.i AND d.month_end >= h.entered_on
"""

_USERS_SQL = """
CREATE TABLE users AS
WITH levels AS (
    SELECT *, least(target_users, 15 + floor(50 * rnd(i, 30, 0))) AS pilot,
        [0.0, 0.25, 0.6, 1.0][stage_idx + 1] * target_users AS goal,
        [0.0, 0.0, 0.25, 0.6][stage_idx + 1] * target_users AS prev,
        (m_idx - start_off + 0.5) / (last_off - start_off + 1) AS t_mid
    FROM stage_months
), eligible AS (
    SELECT *, CASE WHEN events THEN target_users WHEN stage_idx = 0 THEN pilot
        ELSE round(greatest(pilot, prev) + (greatest(pilot, goal) - greatest(pilot, prev))
                   * least(1, (in_stage + 1) / 4.0))
        END::BIGINT AS eligible_users
    FROM levels
)
SELECT *, CASE WHEN events
        THEN least(eligible_users, ceil(pool_max * (0.3 + 0.7 * t_mid)))
        ELSE floor(eligible_users * least(0.95, 0.25 + 0.12 * stage_idx
            + 0.1 * least(1, in_stage / 6) + 0.08 * (rnd(i, 31, m_idx) - 0.5)))
    END::BIGINT AS active_users
FROM eligible
"""

_FACTS_SQL = """
CREATE TABLE facts AS
WITH money AS (
    SELECT *, 15000 * [1.0, 2.2 * size, 4.0 * size, 6.5 * size][stage_idx + 1]
            * (0.6 + 0.8 * rnd(i, 40, 0)) * (0.9 + 0.2 * rnd(i, 41, m_idx)) AS cost_usd,
        CASE WHEN negative_start AND m_idx - start_off < 2 THEN -0.1 - 0.3 * rnd(i, 42, m_idx)
             WHEN at_risk AND stage_idx >= 1 THEN 0.35 + 0.4 * rnd(i, 43, 0)
             ELSE [0.3 + rnd(i, 44, 0), 1.1 + 0.8 * rnd(i, 44, 0), 1.8 + rnd(i, 44, 0),
                   2.5 + 1.2 * rnd(i, 44, 0)][stage_idx + 1]
                  * (0.6 + 0.4 * least(1, (in_stage + 1) / 3))
        END * (0.9 + 0.2 * rnd(i, 45, m_idx)) AS value_mult
    FROM users
)
SELECT *, cost_usd / fx_guess AS cost_local, cost_usd * value_mult / fx_guess AS value_local,
    floor(active_users * (2 + 25 * rnd(i, 46, 0)) * (0.8 + 0.4 * rnd(i, 47, m_idx)))::BIGINT
        AS insights
FROM money
"""

_INITIATIVES_OUT = f"""
SELECT b.initiative_id, b.full_name AS name, b.business_unit,
    {_STAGES}[h.stage_idx + 1] AS stage, h.entered_on AS stage_entered_on,
    CASE WHEN b.k % 11 = 3 THEN NULL
         ELSE p.first_names[1 + floor(20 * rnd(b.i, 50, 0))::INT] || ' '
              || p.last_names[1 + floor(20 * rnd(b.i, 51, 0))::INT] END AS executive_sponsor,
    p.first_names[1 + floor(20 * rnd(b.i, 52, 0))::INT] || ' '
        || p.last_names[1 + floor(20 * rnd(b.i, 53, 0))::INT] AS program_owner,
    least(5, 1 + floor(4 * rnd(b.i, 54, 0)) + (b.final_stage >= 2)::INT)::INT
        AS strategic_impact,
    b.target_users, b.status, b.started_on, b.risk AS risk_tier, b.description
FROM base b, p,
    (SELECT i, arg_max(stage_idx, entered_on) AS stage_idx, max(entered_on) AS entered_on
     FROM sh GROUP BY i) h
WHERE h.i = b.i
ORDER BY b.initiative_id
"""

_HISTORY_OUT = f"""
SELECT initiative_id, {_STAGES}[stage_idx + 1] AS stage, entered_on
FROM sh ORDER BY initiative_id, entered_on
"""

_ROADMAP_OUT = f"""
WITH plan AS (
    SELECT *, least(3, final_stage + (status = 'active')::INT) AS planned_to,
        CASE WHEN rnd(i, 60, 0) < 0.3
             THEN greatest(2, round((last_off - start_off) / (slots + 1.0)))
             ELSE 3 + floor(3 * rnd(i, 61, 0)) END::INT AS plan_len
    FROM base
)
SELECT initiative_id, {_STAGES}[s + 1] AS stage,
    (started_on + to_months(s * plan_len))::DATE AS planned_start,
    (started_on + to_months((s + 1 + (s = 3)::INT) * plan_len))::DATE - 1 AS planned_end
FROM plan, range(0, 4) r(s)
WHERE s <= planned_to
ORDER BY initiative_id, s
"""

_ADOPTION_OUT = """
SELECT initiative_id, strftime(month, '%Y-%m') AS month, active_users, eligible_users
FROM facts ORDER BY initiative_id, month
"""

_COSTS_OUT = """
WITH cats (ci, category, weight, source) AS (VALUES
    (1, 'compute', 0.22, 'cloud_billing'), (2, 'licensing', 0.14, 'manual'),
    (3, 'people', 0.42, 'manual'), (4, 'data', 0.08, 'manual'),
    (5, 'integration', 0.07, 'manual'), (6, 'governance', 0.15, 'manual'),
    (7, 'other', 0.02, 'manual'))
SELECT f.initiative_id, strftime(f.month, '%Y-%m') AS month, c.category,
    round(f.cost_local * c.weight * (0.85 + 0.3 * rnd(f.i, 70 + c.ci, f.m_idx)), 2)::DECIMAL(18, 2)
        AS amount,
    f.currency, c.source
FROM facts f, cats c
WHERE c.ci <= 3
   OR (c.category = 'data' AND rnd(f.i, 80, f.m_idx) < 0.75)
   OR (c.category = 'integration' AND (f.stage_idx >= 1 OR rnd(f.i, 81, f.m_idx) < 0.25))
   OR (c.category = 'governance' AND (month(f.month) % 3 = 0 OR f.risk = 'high'))
   OR (c.category = 'other' AND rnd(f.i, 82, f.m_idx) < 0.12)
ORDER BY f.initiative_id, f.month, c.ci
"""

_OUTCOMES_OUT = """
SELECT initiative_id, strftime(month, '%Y-%m') AS month,
    round(value_local, 2)::DECIMAL(18, 2) AS value, insights, 'total' AS kind, currency
FROM facts ORDER BY initiative_id, month
"""

_MODEL_METRICS_OUT = """
WITH runs AS (
    SELECT f.i, f.initiative_id, f.month, b.metric_kind,
        regexp_replace(lower(b.name), '[^a-z0-9]+', '-', 'g') || '-v'
            || (1 + floor(3 * rnd(f.i, 90, 0)))::INT AS model,
        row_number() OVER (PARTITION BY f.i ORDER BY f.m_idx) - 1 AS j,
        count(*) OVER (PARTITION BY f.i) AS cnt
    FROM facts f JOIN base b ON b.i = f.i
    WHERE b.metric_kind IS NOT NULL AND f.stage_idx >= 1
), valued AS (
    SELECT *, j / greatest(cnt - 1, 1) AS x, rnd(i, 91, 0) AS r,
        1 + 0.01 * (rnd(i, 92, j) - 0.5) AS noise,
        round(CASE metric_kind
            WHEN 'accuracy-decay' THEN 0.92 - 0.21 * x
            WHEN 'mae-decay' THEN (3 + 5 * r) * (1 + 0.25 * x)
            WHEN 'accuracy' THEN (0.86 + 0.08 * r) * noise
            WHEN 'f1' THEN (0.74 + 0.12 * r) * noise
            WHEN 'auc' THEN (0.8 + 0.1 * r) * noise
            WHEN 'mae' THEN (3 + 5 * r) * noise
            ELSE (0.06 + 0.06 * r) * noise END, 4) AS value
    FROM runs
)
SELECT initiative_id, model, replace(metric_kind, '-decay', '') AS metric,
    month + 27 AS measured_on, value, CASE WHEN j = 0 THEN value END AS baseline,
    metric_kind NOT IN ('mae', 'mae-decay', 'mape') AS higher_is_better
FROM valued ORDER BY initiative_id, model, metric, measured_on
"""

_READINESS_OUT = """
WITH dates AS (
    SELECT i, started_on + 30 AS d FROM base
    UNION SELECT i, max(entered_on) + 21 FROM sh WHERE step > 0 GROUP BY i
    UNION SELECT i, p.end_date - 20 - floor(60 * rnd(i, 100, 0))::INT FROM base, p
        WHERE status = 'active' AND rnd(i, 101, 0) < 0.7
), valid AS (
    SELECT d.i, d.d FROM dates d JOIN base b ON b.i = d.i WHERE d.d <= b.stop_date
), staged AS (
    SELECT v.i, v.d, h.initiative_id, h.stage_idx
    FROM valid v ASOF JOIN sh h ON v.i = h.i AND v.d >= h.entered_on
), dims (di, dimension, bias) AS (VALUES
    (1, 'data', 0.3), (2, 'ownership', 0.4), (3, 'business_case', 0.0),
    (4, 'governance', 0.1), (5, 'change', -0.3), (6, 'mlops', -0.6))
SELECT s.initiative_id, m.dimension,
    round(least(5, greatest(0, 1.5 + 0.85 * s.stage_idx + m.bias
        + 1.6 * (rnd(s.i, 102 + m.di, s.d) - 0.5))), 1)::DECIMAL(3, 1) AS score,
    s.d AS assessed_on
FROM staged s, dims m
WHERE rnd(s.i, 110, m.di) >= 0.04
ORDER BY s.initiative_id, assessed_on, m.di
"""

_FX_RATES_OUT = """
SELECT strftime((p.first_month + to_months(m))::DATE, '%Y-%m') AS month, c.currency,
    round(c.rate * (1 + 0.02 * sin(m / 5 + c.phase) + 0.006 * (rnd(m, 120, c.currency) - 0.5)),
          4)::DECIMAL(10, 4) AS rate_to_reporting
FROM p, range(p.months) r(m),
    (VALUES ('EUR', 1.08, 0.0), ('GBP', 1.27, 1.5)) c(currency, rate, phase)
ORDER BY month, c.currency
"""

_EVENT_COUNT_SQL = "SET VARIABLE n_events = (SELECT n_events FROM p)"

_EVENT_SOURCES_SQL = """
SET VARIABLE event_sources = (
    SELECT list({'id': initiative_id, 'start': started_on, 'days': stop_date - started_on + 1,
                 'pool': pool_max} ORDER BY i)
    FROM base WHERE events)
"""

_USAGE_EVENTS_OUT = """
WITH ev AS (
    SELECT e, len(getvariable('event_sources')) AS k, getvariable('n_events') AS n,
        (e * k) // n AS slot, e - (slot * n + k - 1) // k AS j,
        ((slot + 1) * n + k - 1) // k - (slot * n + k - 1) // k AS per,
        getvariable('event_sources')[slot + 1] AS src,
        sqrt((j + rnd(e, 130, 0)) / per) AS t
    FROM range(getvariable('n_events')) r(e)
), timed AS (
    SELECT e, src.id AS initiative_id, t * src.days AS day_pos,
        (src.start + floor(day_pos)::INT)::TIMESTAMP
            + to_seconds(25200 + floor(43200 * (day_pos - floor(day_pos)))::BIGINT) AS ts,
        1 + (slot * 37) % 500
            + floor(ceil(src.pool * (0.3 + 0.7 * t)) * pow(rnd(e, 132, 0), 1.3))::BIGINT
            AS user_no
    FROM ev
)
SELECT initiative_id, printf('u%05d', user_no) AS user_id,
    CASE WHEN rnd(e, 133, 0) < 0.1 THEN strftime(ts, '%Y-%m-%d %H:%M:%S')
         ELSE strftime(ts, '%Y-%m-%dT%H:%M:%SZ') END AS event_time,
    ['prompt', 'prompt', 'prompt', 'prompt', 'accept', 'accept', 'chat', 'chat', 'reject',
     'feedback'][1 + floor(10 * rnd(e, 134, 0))::INT] AS action
FROM timed
"""
"""Events in blocks per initiative, each block in time order. No ORDER BY: the rows come out in
the order of `range()` (DuckDB preserves insertion order), which is deterministic and costs no
sort of tens of millions of rows."""

OUTPUTS: dict[str, str] = {
    "initiatives.csv": _INITIATIVES_OUT,
    "stage_history.csv": _HISTORY_OUT,
    "roadmap.csv": _ROADMAP_OUT,
    "adoption.csv": _ADOPTION_OUT,
    "costs.csv": _COSTS_OUT,
    "outcomes.csv": _OUTCOMES_OUT,
    "model_metrics.csv": _MODEL_METRICS_OUT,
    "readiness.csv": _READINESS_OUT,
    "fx_rates.csv": _FX_RATES_OUT,
    "usage_events.csv": _USAGE_EVENTS_OUT,
}
"""The files written, in order, and the query that each one is the output of."""

_BUILD_STEPS = (
    _CATALOG_SQL,
    _FATES_SQL,
    _TIMING_SQL,
    _BASE_SQL,
    _HISTORY_SQL,
    _STAGE_MONTHS_SQL,
    _USERS_SQL,
    _FACTS_SQL,
    _EVENT_COUNT_SQL,
    _EVENT_SOURCES_SQL,
)

_NAMES_SQL = """
['Maria', 'James', 'Aisha', 'Chen', 'Lukas', 'Priya', 'Tomás', 'Sofia', 'David', 'Hannah',
 'Kenji', 'Olivia', 'Mateo', 'Fatima', 'Noah', 'Elena', 'Samuel', 'Ingrid', 'Ravi', 'Claire']
    AS first_names,
['Schmidt', 'Okafor', 'Nguyen', 'Rossi', 'Patel', 'Johansson', 'Garcia', 'Müller', 'Kim',
 'Dubois', 'Silva', 'Novak', 'Brown', 'Haddad', 'Tanaka', 'Larsen', 'Moreau', 'Costa',
 'Fischer', 'Walsh'] AS last_names,
['EMEA', 'Americas', 'APAC', 'LATAM', 'Nordics', 'DACH', 'UK & Ireland', 'Benelux', 'Iberia',
 'ANZ', 'India', 'Japan'] AS regions
"""


def _events_for(scale: int) -> int:
    """Usage events at a scale: the small demo set, then EVENTS_PER_SCALE per further unit."""
    return DEMO_EVENTS + EVENTS_PER_SCALE * (scale - 1)


def _check_args(scale: int, months: int, end_month: str) -> None:
    if scale < 1:
        raise ValueError(f"scale must be >= 1, got {scale}")
    if months < 12:
        raise ValueError(f"months must be >= 12 (stalled pilots need 7), got {months}")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", end_month):
        raise ValueError(f"end_month must be YYYY-MM, got {end_month!r}")


def _params_sql(scale: int, months: int, end_month: str, events: int) -> str:
    """The one-row table `p` of the run's parameters (all validated before: safe to inline)."""
    end = f"DATE '{end_month}-01'"
    return f"""
CREATE TABLE p AS SELECT {scale}::INT AS scale, {months}::INT AS months,
    ({end} - to_months({months - 1}))::DATE AS first_month, last_day({end}) AS end_date,
    {BLOCK * scale}::BIGINT AS n, {events}::BIGINT AS n_events, {_NAMES_SQL}
"""


def _prepare(
    con: duckdb.DuckDBPyConnection, seed: int, spill: str, params: tuple[int, int, str, int]
) -> None:
    """Creates the macros and the working tables that the outputs select from."""
    con.execute(f"SET temp_directory = '{_quote(spill)}'")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    con.execute(
        "CREATE MACRO rnd(a, b, c) AS "
        f"(hash(a, b, c, {int(seed)}::BIGINT) >> 11)::DOUBLE / 9007199254740992.0"
    )
    con.execute(_params_sql(*params))
    for step in _BUILD_STEPS:
        con.execute(step)


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> int:
    """COPYs the query's rows to a CSV file; returns how many were written."""
    row = con.execute(
        f"COPY ({query}) TO '{_quote(str(path))}' (FORMAT csv, HEADER, DELIMITER ',')"
    ).fetchone()
    return int(row[0]) if row else 0


def write_sample(
    out_dir: Path,
    scale: int = 1,
    seed: int = 7,
    months: int = 36,
    end_month: str = "2026-10",
    events: int | None = None,
) -> dict[str, int]:
    """Writes a realistic demo portfolio as contract files into out_dir; returns rows written
    per file name.

    `scale` multiplies the initiatives (48 each) and their facts; usage events are 20,000 at
    scale 1 and 250,000 more per further unit of scale, unless `events` says how many. The
    same arguments give the same bytes on every run.
    """
    _check_args(scale, months, end_month)
    if events is not None and events < 0:
        raise ValueError(f"events must be >= 0, got {events}")
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="scaleboard-sample-") as spill,
        duckdb.connect() as con,
    ):
        n_events = _events_for(scale) if events is None else events
        _prepare(con, seed, spill, (scale, months, end_month, n_events))
        return {name: _copy(con, query, out_dir / name) for name, query in OUTPUTS.items()}

#!/usr/bin/env bash
# Loads every real public data set of ../shared/realdata (next to the repository) into a
# database of its own (never the demo portfolio's), on initiatives named after what each
# data set is (data/real/), then serves the dashboard on a window that contains the data.
# NO_SERVE=1: load and print the address only. SB, PY: the scaleboard command and Python.
set -euo pipefail
cd "$(dirname "$0")/.."
REAL=${REALDATA:-../shared/realdata}
DB=${DB:-data/real.duckdb}
SB=${SB:-.venv/bin/scaleboard}
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8050}
[ -d "$REAL" ] || { echo "error: $REAL not found; set REALDATA to the realdata folder" >&2; exit 2; }
case "$DB" in data/portfolio.duckdb|data/scaleboard.duckdb)
  echo "error: $DB is a demo database; give the real data sets their own (DB=data/real.duckdb)" >&2; exit 2;;
esac
rm -rf "$DB" "$DB".*
start=$(date +%s)
step() { echo "== $1"; shift; "$@" || [ $? -eq 1 ]; }  # exit 1 = loaded with rejects: go on
step "initiatives of the real data sets (data/real/initiatives.csv)" $SB load --db "$DB" data/real/initiatives.csv
step "US federal AI use-case inventories 2023, 2024, 2025" $SB load --db "$DB" --format us-ai-inventory \
  "$REAL/us-federal-ai-inventory-2024/2023_consolidated_ai_inventory_raw.csv" \
  "$REAL/us-federal-ai-inventory-2024/2024_consolidated_ai_inventory_raw_v2.csv" \
  "$REAL/us-federal-ai-inventory-2025/2025_individually_reported_AI_use_cases.csv"
step "FOCUS 1.0 billing sample (its environment tag, through data/real/focus-tag-map.csv)" \
  $SB load --db "$DB" --format focus --initiative-tag environment --map data/real/focus-tag-map.csv \
  "$REAL/focus/focus_1.0_sample_1000.csv"
step "GitHub Copilot usage reports and seats" $SB load --db "$DB" --format copilot-usage \
  --initiative REAL-GH-COPILOT \
  "$REAL"/github-copilot-metrics/usage-metrics-api/*users*.json \
  "$REAL"/github-copilot-metrics/seats-and-billing/organization_seats_response_sample.json
# both shapes: the beta JSON examples are 2025-08, where the initiative starts, the v1.0 CSV
# ones 2026-07; the precedence of reports decides each month, whatever the file order
step "Microsoft 365 Copilot usage reports (beta JSON and v1.0 CSV examples)" \
  $SB load --db "$DB" --format m365-copilot --initiative REAL-M365-COPILOT \
  "$REAL"/m365-copilot-usage/*_beta_example.json "$REAL"/m365-copilot-usage/*_v1_example.csv
step "MLflow run export" $SB load --db "$DB" --format mlflow --initiative REAL-MLFLOW \
  "$REAL"/mlflow-export/run_*.json
echo "loaded in $(( $(date +%s) - start )) s"
WINDOW=$(PYTHONPATH=. $PY scripts/demo_real_window.py "$DB")
ARGS=$(echo "$WINDOW" | sed -e 's/^?//' -e 's/as_of=/--as-of /' -e 's/&from=/ --from /' -e 's/&to=/ --to /')
# shellcheck disable=SC2086  # ARGS is three options and their values
$SB metrics --db "$DB" $ARGS | head -20 || true  # head may close the pipe early
echo "the window that contains the data: http://$HOST:$PORT/$WINDOW"
[ -n "${NO_SERVE:-}" ] && exit 0
exec $SB serve --db "$DB" --host "$HOST" --port "$PORT"

#!/usr/bin/env bash
# Loads every real public data set of ../shared/realdata (next to the repository) into a
# fresh database beside the demo portfolio, then serves the dashboard on it.
set -euo pipefail
cd "$(dirname "$0")/.."
REAL=${REALDATA:-../shared/realdata}
DB=${DB:-data/real.duckdb}
SB=.venv/bin/scaleboard
[ -d "$REAL" ] || { echo "error: $REAL not found; set REALDATA to the realdata folder" >&2; exit 2; }
rm -rf "$DB" "$DB".*
start=$(date +%s)
step() { echo "== $1"; shift; "$@" || [ $? -eq 1 ]; }  # exit 1 = loaded with rejects: go on
step "demo portfolio (initiatives, fx rates, facts)" $SB load --db "$DB" data/sample
step "US federal AI use-case inventories 2023, 2024, 2025" $SB load --db "$DB" --format us-ai-inventory \
  "$REAL/us-federal-ai-inventory-2024/2023_consolidated_ai_inventory_raw.csv" \
  "$REAL/us-federal-ai-inventory-2024/2024_consolidated_ai_inventory_raw_v2.csv" \
  "$REAL/us-federal-ai-inventory-2025/2025_individually_reported_AI_use_cases.csv"
step "FOCUS 1.0 billing sample (allocated by its business_unit tag)" $SB load --db "$DB" --format focus \
  --initiative-tag business_unit "$REAL/focus/focus_1.0_sample_1000.csv"
step "GitHub Copilot usage reports and seats" $SB load --db "$DB" --format copilot-usage --initiative AI-0007 \
  "$REAL"/github-copilot-metrics/usage-metrics-api/*users*.json \
  "$REAL"/github-copilot-metrics/seats-and-billing/organization_seats_response_sample.json
step "Microsoft 365 Copilot usage reports" $SB load --db "$DB" --format m365-copilot --initiative AI-0011 \
  "$REAL"/m365-copilot-usage/*_v1_example.csv
step "MLflow run export" $SB load --db "$DB" --format mlflow --initiative AI-0002 \
  "$REAL"/mlflow-export/run_*.json
echo "loaded in $(( $(date +%s) - start )) s"
$SB metrics --db "$DB" | head -20
[ -n "${NO_SERVE:-}" ] && exit 0
exec $SB serve --db "$DB" --host "${HOST:-127.0.0.1}" --port "${PORT:-8050}"

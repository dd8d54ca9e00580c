# The one way in: every task of the project is a target here, and CI calls them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/scaleboard.duckdb
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: setup setup-spark run test test-fast lint format typecheck bench bench-etl bench-spark bench-quick bench-real demo-real lock clean browser postgres

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The Spark engine (`aggregate-events --engine spark`): Debian's Java 17 on the machine and
# PySpark in .venv, pinned in requirements-spark.lock (the main lock plus PySpark: about
# 300 MB that only Spark users need). Idempotent; `make test` runs the Spark tests after it.
setup-spark: setup $(VENV)/.spark-installed

$(VENV)/.spark-installed: requirements-spark.lock
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing Debian's openjdk-17-jre-headless for the Spark engine"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-spark.lock
	touch $@

run: setup
	$(BIN)/scaleboard load --db $(DB) data/sample
	$(BIN)/scaleboard users demo --db $(DB)
	$(BIN)/scaleboard serve --db $(DB) --host $(HOST) --port $(PORT)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@command -v pdftotext >/dev/null 2>&1 || { \
	  echo "installing Debian's poppler-utils (pdftotext) for the brief's tests"; \
	  apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; }

# Debian keeps initdb and pg_ctl off PATH, in one folder per major version.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing Debian's postgresql for the edits store tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

test: setup browser postgres
	$(BIN)/python -m pytest -n 2 --dist loadgroup

test-fast: setup
	$(BIN)/python -m pytest -n 2 -m "not e2e and not slow"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: setup
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m bench

bench-quick: setup
	$(BIN)/python -m bench --quick

bench-etl: setup
	$(BIN)/python -m bench etl

# Events to user-months on Spark local[1]/local[2] against DuckDB (10M and 100M events).
bench-spark: setup-spark
	$(BIN)/python -m bench spark

# The uncached dashboard on an existing database (REAL_DB=...; default: what demo-real builds).
bench-real: setup
	$(BIN)/python -m bench dashboard-uncached --db $(or $(REAL_DB),data/real.duckdb)

demo-real: setup
	bash scripts/demo-real.sh

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra spark --generate-hashes --python-version 3.11 \
	  -c requirements.lock -o requirements-spark.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

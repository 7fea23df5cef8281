# GM First Covenant Portal. `make run` to try it, `make test` to test it (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app covenant_portal
HOST := 127.0.0.1
PORT := 5000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS='-x tests/accounts'`.
PYTEST_ARGS ?=
export PYTEST_ARGS
# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# Stamp files: each step runs again only when what it is made from changes.
PYTHON_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.package-lock.json
ASSETS := covenant_portal/static/govuk/portal.css

.PHONY: install run test chromium system-python lint lock format

install: $(PYTHON_STAMP) $(ASSETS)

# Every Python dependency (runtime, test and dev, transitive too) comes from requirements.lock, each
# file checked against its hash; then the portal itself, with nothing more (its setuptools is locked).
$(PYTHON_STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed: make PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Regenerate requirements.lock from pyproject.toml (its pins, the test and dev extras) and PyPI:
# after changing a dependency, `make lock`, then commit both files.
lock: $(PYTHON_STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra dev --generate-hashes --universal \
	  --python-version 3.11 --default-index https://pypi.org/simple --custom-compile-command 'make lock' \
	  --quiet -o requirements.lock

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

$(ASSETS): $(NODE_STAMP) assets/portal.scss assets/_observatory.scss scripts/build-assets.mjs
	npm run build

# `make run PORT=5077` serves on another port; in development the links in emails follow it
# (FLASK_BASE_URL, unless you set it yourself).
run: export FLASK_BASE_URL ?= http://$(HOST):$(PORT)
run: install
	$(FLASK) db upgrade
	$(FLASK) load-reference-data
	$(FLASK) seed-demo
	@# The scheduler runs beside the web server and stops with it.
	@trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT; \
	$(FLASK) scheduler & scheduler=$$!; \
	echo; echo "The portal is at http://$(HOST):$(PORT)/ (sign in with a demo login above). Ctrl-C stops it."; echo; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# ruff (the rules and the formatting) and mypy, as configured in pyproject.toml.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/ruff format --check .

# Format the tree as `make lint` expects (ruff format; settings in pyproject.toml).
format: install
	$(BIN)/ruff format .

# `make test` runs `make lint` first (`make test TEST_LINT=` skips it, e.g. while trying something
# out). (Not LINT: make defines that.)
TEST_LINT ?= lint

# The whole suite in three parts side by side (each line of output marked with its part): SQLite and
# PostgreSQL without the browser tests, and the browser tests once, on PostgreSQL. Ends with each
# part's wall time and counts; fails if any part fails (scripts/test-parts.sh).
test: install chromium system-python $(TEST_LINT)
	@BIN=$(BIN) scripts/test-parts.sh

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

# Debian's own python3 with its python3-cryptography (38): tools/witness.py is tested on it, as an
# LA's cron runs it (no virtualenv, the distribution's packages).
system-python:
	@/usr/bin/python3 -c 'import cryptography' 2>/dev/null || { \
	  echo "Installing Debian's python3-cryptography for the witness's tests"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-cryptography; }

# What signing costs: time added per signing, and `ledger verify` throughput on 100,000 entries
# (SQLite, and PostgreSQL if reachable at BENCH_POSTGRESQL_URL), then the transparency log's figures
# (bench-tlog). E.g. `make bench BENCH_ARGS='--entries 10000'`.
BENCH_ARGS ?=
.PHONY: bench
bench: install
	$(BIN)/python bench/signing.py $(BENCH_ARGS)
	$(BIN)/python bench/tlog.py $(TLOG_BENCH_ARGS)

# The ledger as a transparency log: integrity-only and full `ledger verify` rates beside cores x bare
# Ed25519, an inclusion proof served from a tree of 1,000,000 leaves, memory at two ledger sizes.
# E.g. `make bench-tlog TLOG_BENCH_ARGS='--entries 20000 --sqlite-only'`.
TLOG_BENCH_ARGS ?=
.PHONY: bench-tlog
bench-tlog: install
	$(BIN)/python bench/tlog.py $(TLOG_BENCH_ARGS)

# The daily chase of quarterly returns (chase_overdue_returns) over 10,000 signatory providers, on
# SQLite and PostgreSQL. E.g. `make bench-chase CHASE_BENCH_ARGS='--providers 2000 --sqlite-only'`.
CHASE_BENCH_ARGS ?=
.PHONY: bench-chase
bench-chase: install
	$(BIN)/python bench/chase.py $(CHASE_BENCH_ARGS)

# The LA compliance page (GET /la/returns) with 2,000 signatory providers: p50 and p95, and the ratio
# to a trivial page of the same app. E.g. `make bench-returns RETURNS_BENCH_ARGS='--requests 100'`.
RETURNS_BENCH_ARGS ?=
.PHONY: bench-returns
bench-returns: install
	$(BIN)/python bench/returns.py $(RETURNS_BENCH_ARGS)

# The sufficiency observatory's GM overview and LA page at national scale (150 LAs, 10,000 providers,
# 12 quarters) on SQLite and PostgreSQL: p50, p95, the ratio to a trivial page and queries per page.
# E.g. `make bench-observatory OBSERVATORY_BENCH_ARGS='--providers 2000 --sqlite-only'`.
.PHONY: bench-observatory
bench-observatory: install
	$(BIN)/python bench/observatory.py $(OBSERVATORY_BENCH_ARGS)

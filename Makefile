# Developer entry points. Needs only Python 3.11+ and make: the first target
# run creates $(VENV), installs uv into it (pinned and hashed in
# requirements-uv.txt) and, with uv, exactly the packages of uv.lock; later
# runs resync only when pyproject.toml or uv.lock changes. Extra CLI flags go
# in ARGS, e.g.
#   make seed ARGS="--drivers 10000 --trips-per-driver 100"

PYTHON ?= python3
VENV ?= .venv
ARGS ?=

BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV := $(BIN)/uv
# uv installs into $(VENV), never downloads a Python, and checks that uv.lock
# matches pyproject.toml (a stale lock fails instead of resolving anew).
UV_ENV := UV_PROJECT_ENVIRONMENT=$(abspath $(VENV)) UV_PYTHON_DOWNLOADS=never

.DEFAULT_GOAL := help
.PHONY: help install serve test lint migrate seed bench lock upgrade-check clean

help:
	@echo "make serve    serve the API (GraphiQL at http://127.0.0.1:8000/graphql)"
	@echo "make test     run the test suite"
	@echo "make lint     ruff check, ruff format --check, mypy"
	@echo "make migrate  upgrade the database schema (DATABASE_URL)"
	@echo "make seed     load demo data (ARGS=\"--drivers N --trips-per-driver M\")"
	@echo "make bench    run the benchmarks (bench/run.py)"
	@echo "make lock     resolve uv.lock again after a pyproject.toml change (ARGS=--upgrade: newest allowed)"
	@echo "make upgrade-check  the suite on the newest versions pyproject.toml allows, in a throwaway venv"
	@echo "make clean    remove the venv, caches and the local database in var/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Order-only on the interpreter: its mtime is the system Python's, not the venv's.
$(UV): requirements-uv.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements-uv.txt
	@touch $@

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV_ENV) $(UV) sync --locked --extra dev
	@touch $@

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/fleetgraph serve $(ARGS)

test: $(STAMP)
	$(BIN)/pytest -q $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

migrate: $(STAMP)
	$(BIN)/fleetgraph migrate $(ARGS)

seed: $(STAMP)
	$(BIN)/fleetgraph seed $(ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py $(ARGS)

lock: $(UV)
	$(UV_ENV) $(UV) lock $(ARGS)

upgrade-check: $(UV)
	$(BIN)/python .ci/upgrade_check.py --uv $(UV) $(ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis bench/out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The few commands people type. Everything installs into ./.venv from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup run ingest test lint eval bench browser-deps postgres-deps replicas replicas-stop clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

## run: set up, index the bundled sample notes (incrementally) and serve on HOST:PORT
run: setup
	$(BIN)/chatbot ingest
	$(BIN)/chatbot serve --host $(HOST) --port $(PORT)

ingest: setup
	$(BIN)/chatbot ingest

## browser-deps: Debian's Chromium and Korean fonts for the browser tests
browser-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi nanum; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null; \
	fi

## postgres-deps: Debian's PostgreSQL server (the tests start their own) and nginx
postgres-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v nginx >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql nginx-light >/dev/null; \
	fi

## replicas: local PostgreSQL + two replicas behind nginx on 127.0.0.1:PORT (replicas-stop)
replicas: setup postgres-deps
	PORT=$(PORT) deploy/replicas.sh start

replicas-stop:
	deploy/replicas.sh stop

## test: set up and run the whole test suite (unit, API, integration, browser, PostgreSQL)
test: setup browser-deps postgres-deps
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

## eval: retrieval, chat and digit quality tables
eval: setup
	$(BIN)/python -m eval

## bench: speed and memory tables (medians)
bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) data .replicas .pytest_cache

# The few commands people type. Everything installs into ./.venv from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup run ingest test lint eval bench browser-deps clean

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

## test: set up and run the whole test suite (unit, API, integration, browser)
test: setup browser-deps
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
	rm -rf $(VENV) data .pytest_cache

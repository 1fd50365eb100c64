# 一门 (yimen). Two commands matter: `make run` and `make test` (see README.md).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := /var/tmp/yimen-apt.stamp
DATA_DIR ?= var

.PHONY: run test setup apt bench fuzz lint node-deps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# System packages the tests need (Chromium for browser tests, CJK fonts for images and PDFs).
apt: scripts/apt-packages.txt
	@if [ ! -f $(APT_STAMP) ] || [ scripts/apt-packages.txt -nt $(APT_STAMP) ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$(grep -v '^#' scripts/apt-packages.txt) \
	  && touch $(APT_STAMP); fi

node-deps:
	@if [ -f miniprogram/package.json ]; then cd miniprogram && npm ci --silent --no-audit --no-fund; fi
	@if [ -f package.json ]; then npm ci --silent --no-audit --no-fund; fi

run: $(STAMP)
	$(BIN)/yimen demo-data --data-dir $(DATA_DIR)
	$(BIN)/yimen demo-cases --data-dir $(DATA_DIR)
	$(BIN)/yimen serve --data-dir $(DATA_DIR) --host 127.0.0.1 --port 8000

test: $(STAMP) apt node-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest
	@if [ -f miniprogram/package.json ]; then bash scripts/test-miniprogram.sh; fi

# schemathesis against the OpenAPI document, as a citizen and as a clerk, ~3 min; fails on any 5xx.
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz_api.py

bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

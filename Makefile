# Echo developer commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The web client: npm ci runs again only when package-lock.json changed (npm writes
# node_modules/.package-lock.json), the build only when a web source is newer than the built page.
WEB_MODULES := web/node_modules/.package-lock.json
WEB_BUILT := src/echo/static/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
	web/index.html web/package.json web/tsconfig.json web/vite.config.ts

.DEFAULT_GOAL := help
.PHONY: help run web web-check test lint format bench migrate dist clean

help: ## Show the available commands
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(WEB_MODULES): web/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20+ with npm is needed to build the web client"; exit 1; }
	cd web && npm ci --no-audit --no-fund
	touch $@

$(WEB_BUILT): $(WEB_MODULES) $(WEB_SOURCES)
	cd web && npm run build

web: $(WEB_BUILT) ## Build the web client into src/echo/static/ (skipped when nothing changed)

web-check: $(WEB_MODULES) ## Web client checks: tsc --noEmit, eslint, vitest
	cd web && npm run --silent typecheck && npm run --silent lint && npm run --silent test

run: $(STAMP) $(WEB_BUILT) ## Serve Echo on http://localhost:4567 (SQLite in ./data, music from ./music or ECHO_LIBRARY)
	@mkdir -p music
	$(BIN)/echo-music serve

migrate: $(STAMP) ## Apply database migrations
	$(BIN)/echo-music migrate

test: $(STAMP) web-check $(WEB_BUILT) ## Web checks, then every test tier (SQLite + in-process, PostgreSQL + Redis, processes, browser)
	$(BIN)/pytest

lint: $(STAMP) ## ruff (format + lint), mypy strict, import-linter contracts
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP) ## Format the code and apply safe lint fixes
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: $(STAMP) ## Run the benchmarks; each prints its figures and ratios to a limit
	$(BIN)/python -m benchmarks

dist: $(STAMP) $(WEB_BUILT) ## Build the wheel (with the built web client) into dist/
	rm -rf build
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .

clean: ## Remove the virtual environment, caches, node_modules and the built web client
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache src/*.egg-info build web/node_modules src/echo/static

# FTA Requests: `make run` starts the app on embedded defaults; `make test`
# installs everything the tests need and runs the whole suite.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 7071
PYTEST_ARGS ?=

.PHONY: run demo test lint install install-test bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.test-deps: $(VENV)/.run-deps requirements-infra.txt
	$(BIN)/pip install --quiet -r requirements-infra.txt
	touch $@

# checkov pins boto3, botocore and pytest to releases older than ours: its own venv.
.venv-checkov/bin/checkov:
	$(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/pip install --quiet 'checkov~=3.3.30'

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

/usr/bin/chromium:
	@echo "installing Debian's chromium for the browser tests"
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

install: $(VENV)/.run-deps

install-test: $(VENV)/.test-deps .venv-checkov/bin/checkov node_modules/.installed /usr/bin/chromium

run: install
	$(BIN)/python -m devhost --port $(PORT)

# A month of requests in the empty local store that `make run` serves.
demo: install
	$(BIN)/python -m ops demo

test: install-test
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.run-deps
	$(BIN)/lint-imports

bench: install-test
	$(BIN)/python -m bench

bench-quick: install-test
	$(BIN)/python -m bench --quick

clean:
	rm -rf .fta test-artifacts .pytest_cache

# FTA Requests: `make run` starts the app on embedded defaults; `make test`
# installs everything the tests need and runs the whole suite.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 7071
PYTEST_ARGS ?=

.PHONY: run test install install-test bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.test-deps: $(VENV)/.run-deps requirements-infra.txt
	$(BIN)/pip install --quiet -r requirements-infra.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

/usr/bin/chromium:
	@echo "installing Debian's chromium for the browser tests"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

install: $(VENV)/.run-deps

install-test: $(VENV)/.test-deps node_modules/.installed /usr/bin/chromium

run: install
	$(BIN)/python -m devhost --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python -m bench

bench-quick: install-test
	$(BIN)/python -m bench --quick

clean:
	rm -rf .fta test-artifacts .pytest_cache

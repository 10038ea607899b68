# The two commands: `make run` (set up and start the demo) and `make test` (the whole suite).
# Both work on a fresh machine with Python 3.11, Node.js and npm; they install the rest.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MARSAD := $(BIN)/marsad
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install frontend messages check-translations lint system-deps browser-deps serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

install: $(VENV)/.installed node_modules/.package-lock.json system-deps

# gettext's msgfmt/xgettext compile and extract translations.
system-deps:
	@command -v msgfmt >/dev/null || scripts/apt-install gettext

browser-deps:
	@test -x /usr/bin/chromium || scripts/apt-install chromium

frontend: node_modules/.package-lock.json

messages: install
	$(MARSAD) compilemessages --ignore=.venv --ignore=node_modules >/dev/null

check-translations: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python scripts/check_translations.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

run: install messages
	@scripts/dev-env > /dev/null
	set -a && . var/dev.env && set +a && \
	$(MARSAD) migrate --no-input && \
	$(MARSAD) collectstatic --no-input >/dev/null && \
	$(MARSAD) demo load --if-empty && \
	scripts/serve $(HOST) $(PORT)

test: install browser-deps messages lint check-translations
	scripts/run-tests

# Loyalty Academy: `make demo` serves the demo site, `make test` runs the whole suite.
# Both set up everything they need (venv, Python and Debian packages, database) and are
# quick when it is already there: each step leaves a stamp under var/ and reruns only
# when its inputs change.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

DEBIAN_RUNTIME := fonts-noto-cjk libharfbuzz-subset0 gettext graphviz
DEBIAN_TEST := chromium poppler-utils
DEBIAN_BENCH := wrk

STAMP := var/.stamps
MIGRATIONS := $(wildcard */migrations/*.py)
DEMO_DATA := $(wildcard */demo/*.py */demo/data/*) demo/accounts.py content/data/units/KPS5R0821v2.txt
LOCALE_PO := $(wildcard locale/*/LC_MESSAGES/django.po)

.PHONY: demo serve test test-fast test-e2e lint format bench setup setup-test migrate messages makemessages clean-demo check-deploy

demo: setup $(STAMP)/demo
	@$(MANAGE) demo_accounts
	@$(MAKE) --no-print-directory serve

serve:
	@echo "Serving http://$(HOST):$(PORT)/ (Wagtail admin at /admin/); a db_worker runs beside it. Ctrl-C stops both."
	@trap 'kill 0' EXIT INT TERM; \
	  $(MANAGE) db_worker --no-reload --queue-name '*' >var/db_worker.log 2>&1 & \
	  $(MANAGE) runserver --noreload $(HOST):$(PORT)

setup: $(STAMP)/debian-runtime $(STAMP)/venv $(STAMP)/messages $(STAMP)/migrate

setup-test: setup $(STAMP)/debian-test

$(STAMP):
	@mkdir -p $(STAMP)

# Debian packages: installed only when missing (root on these machines; sudo otherwise).
$(STAMP)/debian-runtime: | $(STAMP)
	@bash scripts/ensure-debian.sh $(DEBIAN_RUNTIME)
	@touch $@

$(STAMP)/debian-test: | $(STAMP)
	@bash scripts/ensure-debian.sh $(DEBIAN_TEST)
	@touch $@

$(STAMP)/venv: pyproject.toml build-constraints.txt | $(STAMP)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip
	@$(PIP) install --quiet --build-constraint build-constraints.txt -e '.[dev]'
	@touch $@

$(STAMP)/messages: $(STAMP)/venv $(LOCALE_PO) | $(STAMP)
	@$(MANAGE) compilemessages --ignore=.venv -v 0
	@touch $@

$(STAMP)/migrate: $(STAMP)/venv $(MIGRATIONS) | $(STAMP)
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) sync_roles
	@touch $@

$(STAMP)/demo: $(STAMP)/migrate $(DEMO_DATA) | $(STAMP)
	@$(MANAGE) load_demo
	@touch $@

clean-demo:
	rm -f var/db.sqlite3* $(STAMP)/migrate $(STAMP)/demo

test: setup-test
	@$(VENV)/bin/pytest

test-fast: setup-test
	@$(VENV)/bin/pytest -m "not e2e"

test-e2e: setup-test
	@$(VENV)/bin/pytest -m e2e

lint: $(STAMP)/venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: $(STAMP)/venv
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

# Production settings must pass Django's deployment checklist with no warnings.
check-deploy: $(STAMP)/venv
	@DJANGO_SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
	  DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) check --deploy --fail-level WARNING

bench: setup $(STAMP)/demo
	@bash scripts/ensure-debian.sh $(DEBIAN_BENCH)
	@$(PY) bench/run.py

makemessages: $(STAMP)/venv
	@$(PY) scripts/messages.py

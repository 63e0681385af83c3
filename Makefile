# Loyalty Academy: `make demo` serves the demo site, `make test` runs the whole suite.
# Both set up everything they need (venv, Python and Debian packages, database) and are
# quick when it is already there: each file-based step leaves a stamp under var/.stamps and
# reruns only when its inputs change; the database step asks the database itself (whatever
# DATABASE_URL names), since a stamp cannot tell one database from another.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

DEBIAN_RUNTIME := fonts-noto-cjk libharfbuzz-subset0 gettext graphviz
DEBIAN_TEST := chromium poppler-utils nginx-light openssl postgresql-client nodejs
DEBIAN_BENCH := wrk

STAMP := var/.stamps
# npm's own marker of an installed tests/oidc_provider (the sign-in tests' OpenID provider).
OIDC_PROVIDER := tests/oidc_provider/node_modules/.package-lock.json
DEMO_DATA := $(wildcard */demo.py */demo/*.py */demo/data/*) demo/accounts.py demo/management/commands/load_demo.py \
  content/data/units/KPS5R0821v2.txt
LOCALE_PO := $(wildcard locale/*/LC_MESSAGES/django.po)
ENSURE_DEMO = $(PY) scripts/ensure_database.py --demo --stamps $(STAMP) $(DEMO_DATA)

.PHONY: demo serve test test-fast test-e2e test-e2e-loop lint format bench lighthouse loadtest setup setup-files setup-test db messages makemessages clean-demo check-deploy

# setup, printing the demo accounts in the same Django start as the database step; then serve.
demo: setup-files | $(STAMP)
	@$(ENSURE_DEMO) --accounts
	@$(MAKE) --no-print-directory serve

serve:
	@echo "Serving http://$(HOST):$(PORT)/ (Wagtail admin at /admin/); a db_worker runs beside it. Ctrl-C stops both."
	@trap 'kill 0' EXIT INT TERM; \
	  $(MANAGE) db_worker --no-reload --queue-name '*' >var/db_worker.log 2>&1 & \
	  $(MANAGE) runserver --noreload $(HOST):$(PORT)

# Everything the app needs: the files (stamped), then the database DATABASE_URL names.
setup: setup-files db

# Debian packages, the venv and compiled catalogues: stamped, rebuilt when their inputs change.
setup-files: $(STAMP)/debian-runtime $(STAMP)/venv $(STAMP)/messages

# The test suite also needs the browser, the PDF tools, nginx (its example is checked), the
# PostgreSQL client (backups) and Node.js for the OpenID provider the sign-in tests start.
setup-test: setup $(STAMP)/debian-test $(OIDC_PROVIDER)

$(STAMP):
	@mkdir -p $(STAMP)

# Debian packages: installed only when missing (root on these machines; sudo otherwise).
$(STAMP)/debian-runtime: | $(STAMP)
	@bash scripts/ensure-debian.sh $(DEBIAN_RUNTIME)
	@touch $@

$(STAMP)/debian-test: | $(STAMP)
	@bash scripts/ensure-debian.sh $(DEBIAN_TEST)
	@touch $@

# The real OpenID Connect provider (npm oidc-provider, pinned by its lockfile) of tests/oidc/;
# npm's own marker file is the target, so a deleted node_modules is installed again. Debian's
# nodejs ships without npm (NodeSource's bundles it).
$(OIDC_PROVIDER): tests/oidc_provider/package-lock.json $(STAMP)/debian-test
	@command -v npm >/dev/null || bash scripts/ensure-debian.sh npm
	@cd tests/oidc_provider && npm ci --no-audit --no-fund --loglevel=error

$(STAMP)/venv: pyproject.toml build-constraints.txt | $(STAMP)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip
	@$(PIP) install --quiet --build-constraint build-constraints.txt -e '.[dev]'
	@touch $@

$(STAMP)/messages: $(STAMP)/venv $(LOCALE_PO) | $(STAMP)
	@$(MANAGE) compilemessages --ignore=.venv -v 0
	@touch $@

# The database DATABASE_URL names (var/db.sqlite3 by default), checked on every run in one
# Django start (~2 s; a stamp cannot tell one database from another): migrate when a
# migration is unapplied, sync the roles, load the demo when it is missing from that database,
# and again when migrations were applied or the demo files changed since the last load into
# it ($(STAMP)/demo-<hash of the database>).
db: $(STAMP)/venv | $(STAMP)
	@$(ENSURE_DEMO)

# Forget the default SQLite demo database and every record of demo loads.
clean-demo:
	rm -f var/db.sqlite3* $(STAMP)/demo-* $(STAMP)/migrate $(STAMP)/demo

test: setup-test
	@$(VENV)/bin/pytest

test-fast: setup-test
	@$(VENV)/bin/pytest -m "not e2e"

test-e2e: setup-test
	@$(VENV)/bin/pytest -m e2e

# The browser suite RUNS times in a row (default 5); stops at the first red run. A test that
# fails one run in ten blocks landings at random: run this before calling browser work done.
RUNS ?= 5
test-e2e-loop: setup-test
	@for run in $$(seq 1 $(RUNS)); do \
	  echo "== browser suite, run $$run of $(RUNS) =="; \
	  $(VENV)/bin/pytest -m e2e || exit 1; \
	done; echo "== $(RUNS) runs in a row passed =="

# The same checks as .pre-commit-config.yaml (`.venv/bin/pre-commit install` runs them on
# every commit): ruff, ruff's formatter and djhtml's template indentation.
TEMPLATES := $(shell find templates -name '*.html')
lint: $(STAMP)/venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/djhtml --check $(TEMPLATES)

format: $(STAMP)/venv
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/djhtml $(TEMPLATES)

# Production settings must pass Django's deployment checklist with no warnings.
check-deploy: $(STAMP)/venv
	@DJANGO_SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
	  DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) check --deploy --fail-level WARNING

# Lighthouse (mobile) scores of the home page, /learn/ and a lesson on the demo database.
lighthouse: setup $(STAMP)/debian-test
	@$(PY) bench/lighthouse.py

# Throughput of the tracked pages on the demo database (DATABASE_URL), then certificates.
bench: setup
	@bash scripts/ensure-debian.sh $(DEBIAN_BENCH)
	@$(PY) bench/run.py

# Locust against gunicorn and a fresh PostgreSQL database (127.0.0.1 only, 180 s): 200
# trainees and 5 assessors; exits 1 on an error, a p95 over 300 ms or a lost write.
# LOADTEST_ARGS=--restart-db restarts the database in the middle (its own throw-away server).
loadtest: setup-files
	@bash scripts/ensure-debian.sh postgresql
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n1)" main start
	@$(PY) bench/loadtest/run.py $(LOADTEST_ARGS)

makemessages: $(STAMP)/venv
	@$(PY) scripts/messages.py

# The two commands a newcomer needs: `make run` and `make test`. Everything is installed into
# .venv (Python) and node_modules (Node tools, when Node is present) by the project itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The suite runs in one pytest process per core (pytest-xdist), a whole test file per process, so
# a file's module-scoped fixtures (a playground, a scratch database) are started once.
TEST_WORKERS ?= auto

.PHONY: run test install lint migrate package bench clean prod-like audit vendor-js

run: install migrate
	$(PY) -m qop demo load
	$(PY) -m qop run

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m qop db check
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

install: $(STAMP) node_modules/.installed

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Node is optional for `make run` (the playground is a convenience) but required by CI.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "Node.js is not installed: the Teams playground will not start."; \
		echo "Install Node.js 20 or newer (e.g. 'apt-get install nodejs npm') and run make again."; \
	fi

# Known vulnerabilities in the pinned dependencies, from the registries' advisories. pip-audit
# reads PyPI's advisories and fails on any known vulnerability; --strict also fails when a package
# could not be checked at all, so an unreachable advisory service is never a silent pass. npm audit
# reads package-lock.json (no install needed) and fails on high or critical advisories.
# Not part of `make test` yet: from the machines CI runs on, PyPI answers 404 for the per-version
# JSON that carries advisories and the npm registry answers 405 to the audit endpoint, so every CI
# run would fail. Call it from `make test` under CI=true once CI reaches both services.
audit: $(STAMP)
	$(VENV)/bin/pip-audit --strict --progress-spinner off --vulnerability-service pypi \
		-r requirements-dev.txt
	@if command -v npm >/dev/null 2>&1; then \
		npm audit --audit-level=high; \
	elif [ "$$CI" = "true" ]; then \
		echo "npm is needed for the npm audit under CI=true."; exit 1; \
	fi

migrate: install
	$(PY) -m qop db upgrade

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

package: install
	$(PY) -m qop teams package

# The dashboard tab's browser libraries are committed in qop/static/vendor (MIT, licences beside
# them; qop serves them itself, never a CDN). This refreshes them from npm at the pinned versions.
TEAMS_JS_VERSION := 2.58.0
CHART_JS_VERSION := 4.6.2
vendor-js:
	@set -euo pipefail; work=$$(mktemp -d); trap 'rm -rf "$$work"' EXIT; \
	npm pack --silent --pack-destination "$$work" @microsoft/teams-js@$(TEAMS_JS_VERSION) chart.js@$(CHART_JS_VERSION) >/dev/null; \
	mkdir "$$work/teams" "$$work/chart"; \
	tar xzf "$$work"/microsoft-teams-js-*.tgz -C "$$work/teams"; tar xzf "$$work"/chart.js-*.tgz -C "$$work/chart"; \
	{ printf '/*!\n * @microsoft/teams-js v%s (dist/umd/MicrosoftTeams.min.js), vendored from npm.\n * Microsoft Teams JS Library. Copyright (c) Microsoft Corporation. All rights reserved.\n * Released under the MIT License: see qop/static/vendor/LICENSE-teams-js.txt\n */\n' $(TEAMS_JS_VERSION); \
	  cat "$$work/teams/package/dist/umd/MicrosoftTeams.min.js"; } > qop/static/vendor/MicrosoftTeams.min.js; \
	cp "$$work/teams/package/LICENSE" qop/static/vendor/LICENSE-teams-js.txt; \
	cp "$$work/chart/package/dist/chart.umd.min.js" qop/static/vendor/chart.umd.min.js; \
	cp "$$work/chart/package/LICENSE.md" qop/static/vendor/LICENSE-chart-js.txt; \
	echo "qop/static/vendor: teams-js $(TEAMS_JS_VERSION), chart.js $(CHART_JS_VERSION)"

# Production-like rehearsal stack: PostgreSQL, two production-mode instances, nginx over TLS
# (docs/operations.md, "Rehearsing an upgrade"). Needs Debian's nginx and a local PostgreSQL.
prod-like: install
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		echo "nginx is not installed: apt-get install nginx-light (Debian's package)"; exit 1; }
	PYTHONPATH=$(CURDIR) $(PY) deploy/prod-like/stack.py

clean:
	rm -rf $(VENV) node_modules var test-artifacts dist

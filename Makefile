# The two commands a newcomer needs: `make run` and `make test`. Everything is installed into
# .venv (Python) and node_modules (Node tools, when Node is present) by the project itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint migrate package bench clean prod-like

run: install migrate
	$(PY) -m qop demo load
	$(PY) -m qop run

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m qop db check
	$(PY) -m pytest

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

migrate: install
	$(PY) -m qop db upgrade

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

package: install
	$(PY) -m qop teams package

# Production-like rehearsal stack: PostgreSQL, two production-mode instances, nginx over TLS
# (docs/operations.md, "Rehearsing an upgrade"). Needs Debian's nginx and a local PostgreSQL.
prod-like: install
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		echo "nginx is not installed: apt-get install nginx-light (Debian's package)"; exit 1; }
	PYTHONPATH=$(CURDIR) $(PY) deploy/prod-like/stack.py

clean:
	rm -rf $(VENV) node_modules var test-artifacts dist

# Two commands on a fresh clone: `make run` serves the API, `make test` tests it.
VENV   ?= .venv
PYTHON := $(VENV)/bin/python
# --no-compile: Python compiles a module when it is first imported instead. Compiling
# every file of every package at install time (phonenumbers alone has hundreds, most
# never imported) was most of the time a fresh `make run` spent installing.
PIP    := $(PYTHON) -m pip install --quiet --disable-pip-version-check --no-compile

.PHONY: run test test-fast bench clean reset sdk-types

# Two stamps, so each command installs only what it needs. What serving needs: the
# service's dependencies and the dev extra (testing.postgresql, for .localdb/).
RUN_STAMP := $(VENV)/.installed-run
$(RUN_STAMP): setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) -e '.[dev]'
	touch $(RUN_STAMP)

# What testing adds: the test extra (pytest, ruff, schemathesis, playwright, ...) and the
# Python SDK (sdk/python, editable, with what its tests need).
TEST_STAMP := $(VENV)/.installed-test
$(TEST_STAMP): $(RUN_STAMP) setup.cfg pyproject.toml sdk/python/pyproject.toml
	$(PIP) -e '.[dev,test]' -e './sdk/python[test]'
	touch $(TEST_STAMP)

# The Node SDK's development tools (openapi-typescript, typescript) for its tests,
# reinstalled when its lock file changes.
NODE_SDK   := sdk/node
NODE_STAMP := $(NODE_SDK)/node_modules/.installed
$(NODE_STAMP): $(NODE_SDK)/package.json $(NODE_SDK)/package-lock.json
	cd $(NODE_SDK) && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Serve on http://127.0.0.1:$${PORT:-8000}: a local PostgreSQL in .localdb unless
# DATABASE_URL is set. MAKE_RUN_STARTED, read when make starts (before any install), lets
# the dev server say how long the whole command took to serve.
run: export MAKE_RUN_STARTED := $(shell python3 -c 'import time; print(time.time())')
run: $(RUN_STAMP)
	$(PYTHON) -m devtools.devserver

# Remove what `make run` keeps (.localdb/: the database, its sealing key pair and API
# key, its port), saying what; it refuses while `make run` is serving from it. System
# Python is enough: no .venv needed.
reset:
	python3 -m devtools.localpg reset

# Everything; then the in-process tests again with the app reaching the database through
# PgBouncer in transaction pooling (4 server connections, 32 racing clients), as
# production's many hosts do.
test: $(TEST_STAMP) $(NODE_STAMP)
	$(VENV)/bin/ruff check .
	$(PYTHON) -m devtools.localpg check
	$(PYTHON) -m pytest $(PYTEST_ARGS)
	HUB_TESTS_THROUGH=pgbouncer $(PYTHON) -m pytest -m "not system" $(PYTEST_ARGS)

# The in-process tests only (tests/inprocess/: the test client and SQL on the session's
# PostgreSQL), for the inner loop: no gunicorn, nginx, browser, SDK suite or fuzzing.
test-fast: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(PYTHON) -m devtools.localpg check
	$(PYTHON) -m pytest -m "not system" $(PYTEST_ARGS)

# The benchmark's peer (bench/peers/) has a virtualenv of its own: its packages are
# never the service's.
BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
$(BENCH_STAMP): bench/peers/requirements.txt
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/peers/requirements.txt
	touch $(BENCH_STAMP)

# Throughput and latency against the stack's ceiling and against the peer, direct and
# behind nginx, written to docs/benchmarks.md (needs Debian's wrk and nginx;
# BENCH_SIZES=1000,1000000,10000000 for the full run).
bench: $(RUN_STAMP) $(BENCH_STAMP)
	$(PYTHON) bench/run.py

# The SDKs' files made from the OpenAPI document this checkout serves: each operation's
# HTTP method and path (sdk/python/src/kataven/_operations.py, sdk/node/src/operations.js)
# and the Node types (sdk/node/src/openapi.d.ts). Run it after changing the document: the
# SDKs' tests fail until the committed files match the served ones.
SERVED_DOCUMENT := $(PYTHON) -c 'import sys; from wsgi import app; sys.stdout.write(app.extensions["openapi"])'
sdk-types: $(RUN_STAMP) $(NODE_STAMP)
	$(SERVED_DOCUMENT) | $(PYTHON) sdk/python/scripts/generate_operations.py -
	$(SERVED_DOCUMENT) | node $(NODE_SDK)/scripts/generate-types.js -

clean:
	rm -rf $(VENV) $(BENCH_VENV) *.egg-info .pytest_cache $(NODE_SDK)/node_modules

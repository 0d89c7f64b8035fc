# Two commands on a fresh clone: `make run` serves the API, `make test` tests it.
VENV   ?= .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench clean

# The virtualenv, remade when the project's dependencies change: the service's and the
# Python SDK's (sdk/python, installed editable with what its tests need).
$(STAMP): setup.cfg pyproject.toml sdk/python/pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[dev,test]' \
		-e './sdk/python[test]'
	touch $(STAMP)

# Serve on http://127.0.0.1:$${PORT:-8000}: a local PostgreSQL in .localdb unless
# DATABASE_URL is set.
run: $(STAMP)
	$(PYTHON) -m app.devserver

test: $(STAMP)
	$(PYTHON) -m app.localpg check
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# Throughput and latency against the stack's ceiling, written to docs/benchmarks.md
# (needs Debian's wrk; BENCH_SIZES=1000,1000000,10000000 for the full run).
bench: $(STAMP)
	$(PYTHON) bench/run.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache

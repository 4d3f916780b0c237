# make run   install what is missing, load the demo data if the database is empty, build the
#            site, serve the site (http://127.0.0.1:8000) and the portal (http://127.0.0.1:8501)
# make test  install what is missing (Chromium too), lint, then run every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format deps system-deps system-deps-test site demo bench bench-quick soak clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

deps: system-deps $(STAMP)

system-deps:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

run: deps
	$(PY) build.py init-db
	$(PY) build.py demo --if-empty
	@if $(PY) build.py --help | grep -q '^  site '; then $(PY) build.py site; fi
	$(PY) build.py serve

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: system-deps-test $(STAMP) lint
	$(PY) -m pytest -q

bench: deps
	$(PY) bench/run.py --scale 1

bench-quick: deps
	$(PY) bench/run.py --scale 0.05

soak: system-deps-test $(STAMP)
	$(PY) -m pytest -q -m soak --run-soak

clean:
	rm -rf site .pytest_cache .ruff_cache

# Two commands: `make run` opens the app, `make test` runs every test. Both set up .venv first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# durable-rules imports on Python 3.11 and 3.12 only.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 12)))' 2>/dev/null && echo $$p && break; done)
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: setup run test bench eval validate scenarios clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or 3.12 is needed (durable-rules does not import on 3.13)"; exit 2; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(VENV)/bin/nacm-ethics app --host $(HOST) --port $(PORT)

test: setup
	$(PY) -m pytest

bench: setup
	$(PY) -m benchmarks.bench_evaluate

eval: setup
	$(PY) eval/score.py

validate: setup
	$(VENV)/bin/nacm-ethics check

scenarios: setup
	$(VENV)/bin/nacm-ethics scenarios

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts

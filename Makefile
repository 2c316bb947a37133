# The two set-up commands of the README, on one virtual environment (.venv):
# `make demo` installs pariah with its runtime dependencies only (no extras);
# `make test` adds the dev extras (events, Parquet, Spark, JAX, PostgreSQL, Mesa, Playwright, the test tools).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PIP = $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip compiles only what runs (Python caches each module on its first import), not every installed file
$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(PIP) --no-compile -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[dev]'
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(BIN)/pariah demo

test: $(VENV)/.dev
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

bench: $(VENV)/.dev
	$(BIN)/python bench/ledger.py

clean:
	rm -rf $(VENV) build src/*.egg-info

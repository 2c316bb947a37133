# The two set-up commands of the README. Each builds its own virtual environment.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test bench clean

$(BIN)/pariah: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/pariah

demo: $(BIN)/pariah
	$(BIN)/pariah demo

test: $(BIN)/pariah
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

bench: $(BIN)/pariah
	$(BIN)/python bench/ledger.py

clean:
	rm -rf $(VENV) build src/*.egg-info

# Two commands on a fresh machine: `make reconcile`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MONTH ?= sample
STAMP := $(VENV)/.installed

.PHONY: reconcile test lint bench sample clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask]'
	touch $(STAMP)

reconcile: $(STAMP)
	$(BIN)/reconcile run --month $(MONTH)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline schemas tests
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m tests.bench

sample: $(STAMP)
	$(BIN)/reconcile sample

clean:
	rm -rf $(VENV) reports

# Two commands on a fresh machine: `make reconcile`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make reconcile` runs the bundled sample month; `make reconcile MONTH=2026-10` runs data/2026-10/.
MONTH ?= sample
SAMPLE_MONTH := 2026-10
ifeq ($(MONTH),sample)
RUN_ARGS := --month $(SAMPLE_MONTH) --data data/sample --out reports/sample
else
RUN_ARGS := --month $(MONTH)
endif
STAMP := $(VENV)/.installed

.PHONY: reconcile test lint bench sample clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask,bench]'
	touch $(STAMP)

reconcile: $(STAMP)
	$(BIN)/reconcile run $(RUN_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline schemas bench tests
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.run

sample: $(STAMP)
	$(BIN)/reconcile sample

clean:
	rm -rf $(VENV) reports

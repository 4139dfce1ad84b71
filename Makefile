# ncpm: the README's two commands live here so that they stay true.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean

$(BIN)/ncpm: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) on PATH (or make PYTHON=python3)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,notebooks]"
	@touch $@

demo: $(BIN)/ncpm
	$(BIN)/ncpm demo

test: $(BIN)/ncpm
	$(BIN)/ruff check ncpm tests benchmarks
	$(BIN)/python -m pytest -n 2 -q

clean:
	rm -rf $(VENV) data/processed/*

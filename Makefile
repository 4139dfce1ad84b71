# ncpm: the README's two commands live here so that they stay true.
#
# Which Python: `make PYTHON=...` chooses one; otherwise the newest of $(PYTHONS) that runs and is 3.11 or newer.
# The newest, because that is what a fresh machine most likely has and what users will run, so the main leg
# (`make test`, newest pandas) tests it; the oldest supported Python is tested by `make test-lowest`, which pairs
# it with the oldest supported pandas, the oldest numpy 2 and its pyarrow (ci/constraints-lowest.txt). Each
# candidate is run, not just looked up: a pyenv shim for an installed but unselected version is on the PATH, yet
# fails when run.
PYTHONS := python3.13 python3.12 python3.11 python3
# numpy 2.0 and pyarrow 16, the lowest leg's (ci/constraints-lowest.txt), have wheels up to Python 3.12 only
PYTHONS_LOWEST := python3.11 python3.12 python3
VENV ?= .venv
VENV_LOWEST ?= .venv-lowest
BIN := $(VENV)/bin

PY_VERSION := import sys; print("%d.%d.%d" % sys.version_info[:3])
PY_VERSIONS := import sys, numpy, pandas, pyarrow; print("make: Python", sys.version.split()[0], "pandas", pandas.__version__, "numpy", numpy.__version__, "pyarrow", pyarrow.__version__)
PY_OK := import sys; sys.exit(sys.version_info < (3, 11))
PY_OK_LOWEST := import sys; sys.exit(not (3, 11) <= sys.version_info < (3, 13))
# $(call find_python,CANDIDATES,CHECK): the first candidate that runs CHECK successfully, or nothing
find_python = $(shell for p in $(1); do $$p -c '$(2)' >/dev/null 2>&1 && { echo $$p; break; }; done)
# found once, on first use (so `make clean` runs no Python); an explicit PYTHON=... is kept as given
PYTHON ?= $(eval PYTHON := $$(call find_python,$$(PYTHONS),$$(PY_OK)))$(PYTHON)
PYTHON_LOWEST ?= $(eval PYTHON_LOWEST := $$(call find_python,$$(PYTHONS_LOWEST),$$(PY_OK_LOWEST)))$(PYTHON_LOWEST)

PY_NEED := Python 3.11 or newer
PY_NEED_LOWEST := Python 3.11 or 3.12
# $(call venv,SUFFIX,VENV,PIP_ARGS), SUFFIX being empty or _LOWEST: make sure PYTHON$(SUFFIX) is PY_NEED$(SUFFIX)
# (exit 2 otherwise), create VENV with it unless VENV exists, and install ncpm there with its test and notebook tools
define venv
	@test -n "$(PYTHON$(1))" || { echo "make: none of $(PYTHONS$(1)) runs and is $(PY_NEED$(1)); use make PYTHON$(1)=/path/to/python" >&2; exit 2; }
	@$(PYTHON$(1)) -c '$(PY_OK$(1))' >/dev/null 2>&1 || { echo "make: PYTHON$(1)=$(PYTHON$(1)) is not $(PY_NEED$(1)): $$($(PYTHON$(1)) -c '$(PY_VERSION)' 2>&1 | tail -1)" >&2; exit 2; }
	@if [ -x $(2)/bin/python ]; then echo "make: updating $(2) (its Python: $$($(2)/bin/python -c '$(PY_VERSION)'))"; \
	else echo "make: creating $(2) with $(PYTHON$(1)) (Python $$($(PYTHON$(1)) -c '$(PY_VERSION)'))" && $(PYTHON$(1)) -m venv $(2); fi
	$(2)/bin/python -m pip install --quiet --upgrade pip
	$(2)/bin/python -m pip install --quiet $(3) -e ".[test,notebooks]"
	@touch $(2)/bin/ncpm
endef

.PHONY: demo test test-lowest lint clean

$(BIN)/ncpm: pyproject.toml
	$(call venv,,$(VENV),)

$(VENV_LOWEST)/bin/ncpm: pyproject.toml ci/constraints-lowest.txt
	$(call venv,_LOWEST,$(VENV_LOWEST),-c ci/constraints-lowest.txt)

demo: $(BIN)/ncpm
	$(BIN)/ncpm demo

test: $(BIN)/ncpm
	@$(BIN)/python -c '$(PY_VERSIONS)'
	$(BIN)/ruff check ncpm tests benchmarks
	$(BIN)/python -m pytest -n 2 -q

# the whole suite again on the oldest supported pandas (CI runs both legs)
test-lowest: $(VENV_LOWEST)/bin/ncpm
	@$(VENV_LOWEST)/bin/python -c '$(PY_VERSIONS)'
	$(VENV_LOWEST)/bin/python -m pytest -n 2 -q

clean:
	rm -rf $(VENV) $(VENV_LOWEST) data/processed/*

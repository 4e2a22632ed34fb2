# `make lab` and `make test` create .venv on first use (and again when pyproject.toml changes).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Jupyter refuses to run as root unless told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_DIR ?= notebooks
LAB_ARGS ?=
PYTEST_ARGS ?=
NB ?= notebooks/*.ipynb
LINTED := course_utils tests benchmarks notebooks conftest.py

.PHONY: lab test lint outputs student clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

# JupyterLab on the course, reachable from this machine only, with a fresh login token.
lab: $(STAMP)
	$(PY) -m jupyter lab --notebook-dir=$(LAB_DIR) --ServerApp.ip=127.0.0.1 \
	  --ServerApp.allow_remote_access=False $(ROOT_FLAG) $(LAB_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)

# Unit tests, then every notebook under strict nbval in the smoke profile.
test: $(STAMP)
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint && \
	COURSE_PROFILE=smoke $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	echo "Total time of the suite: $$(( $$(date +%s) - start )) s"; exit $$status

# Re-execute notebooks in the standard profile and save their outputs (NB=... for a subset).
outputs: $(STAMP)
	@for nb in $(NB); do \
	  start=$$(date +%s); \
	  COURSE_PROFILE=standard $(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=3600 --log-level=WARN "$$nb" || exit 1; \
	  echo "$$nb: $$(( $$(date +%s) - start )) s"; \
	done

# Student versions of every notebook (solutions stubbed, hidden tests removed) in student/.
student: $(STAMP)
	$(VENV)/bin/course release --out student

clean:
	rm -rf $(VENV) student test-artifacts

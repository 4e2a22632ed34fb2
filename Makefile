# `make lab` and `make test` create .venv on first use, from the exact versions in requirements.lock
# (and again when pyproject.toml or the lock changes).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# Jupyter refuses to run as root unless told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# The learner's own copies of the notebooks, which `make lab` opens (ignored by git).
WORKSPACE ?= workspace
LAB_ARGS ?=
PYTEST_ARGS ?=
NB ?= notebooks/*.ipynb
SEEDS ?= 0 1 2

.PHONY: lab solution test test-kernels test-unprivileged lint outputs seeds site student lock venv venv-check clean

# venv_bin_on_path.pth puts .venv/bin on PATH in every Python of .venv, so that tools that start
# other tools of the environment by name (nbgrader runs `alembic`) work without activating it.
$(STAMP): pyproject.toml $(LOCK) tools/venv_bin_on_path.pth
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(LOCK) -e ".[dev]"
	cp tools/venv_bin_on_path.pth "$$($(PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
	@touch $@

# Every kernel of .venv reads IPython's configuration there: it loads course_utils/feedback.py as it
# starts, so that a restarted kernel shows its errors in one line before the setup cell has run.
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.py
$(KERNEL_CONFIG): tools/ipython_kernel_config.py | $(STAMP)
	@mkdir -p $(@D) && cp $< $@

# Fails, saying how to rebuild, when .venv's packages are not the locked versions.
venv-check: $(STAMP) $(KERNEL_CONFIG)
	@$(PY) tools/check_venv.py $(LOCK)

# Rebuilds .venv from scratch with the locked versions.
venv:
	rm -rf $(VENV)
	$(MAKE) --no-print-directory $(STAMP)

# JupyterLab, reachable from this machine only, with a fresh login token, on the learner's
# workspace: copies of the notebooks without their solutions, handed out on first use and never
# overwritten once changed (tools/workspace.py). A learner's lab: nbgrader's menus and server
# extensions off (lab/config), no news or update toasts (lab/settings/overrides.json), settings
# and workspaces kept in .lab/, not in the home folder. INSTRUCTOR=1 opens the instructor's
# notebooks (notebooks/) with nbgrader on. A folder that a running server serves is refused.
LAB_FOLDER = $(if $(INSTRUCTOR),notebooks,$(WORKSPACE))
lab: $(STAMP) $(KERNEL_CONFIG)
	@$(PY) tools/check_venv.py $(LOCK) --warn
	@$(PY) tools/lab_guard.py $(LAB_FOLDER)
	$(if $(INSTRUCTOR),,@$(PY) tools/workspace.py prepare $(WORKSPACE))
	$(if $(INSTRUCTOR),,JUPYTER_CONFIG_PATH=$(CURDIR)/lab/config) \
	  $(PY) -m jupyter lab --notebook-dir=$(LAB_FOLDER) --ServerApp.ip=127.0.0.1 \
	  --ServerApp.allow_remote_access=False --LabApp.app_settings_dir=$(CURDIR)/lab/settings \
	  --LabApp.user_settings_dir=$(CURDIR)/.lab/user-settings \
	  --LabApp.workspaces_dir=$(CURDIR)/.lab/workspaces $(ROOT_FLAG) $(LAB_ARGS)

# One exercise's reference solution, for a learner who asks on purpose: make solution NB=03 EX=ex2
# (without EX, the notebook's exercises are listed).
solution: $(STAMP)
	@$(PY) tools/workspace.py solution $(if $(filter command line,$(origin NB)),$(NB)) $(EX)

lint: venv-check
	@$(PY) tools/run_suite.py --phases lint

# Lint, unit tests, grader tests, every notebook under strict nbval, the browser: in the smoke
# profile, timing each phase.
test: venv-check
	@$(PY) tools/run_suite.py $(PYTEST_ARGS)

# The same suite under other CPU kernels: no oneDNN, one thread. Compared outputs must not change.
test-kernels: venv-check
	@TF_ENABLE_ONEDNN_OPTS=0 $(PY) tools/run_suite.py --phases notebooks $(PYTEST_ARGS)
	@TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 \
	  $(PY) tools/run_suite.py --phases notebooks $(PYTEST_ARGS)

# The grader's hostile tests as the unprivileged user nobody (run as root; see the script).
test-unprivileged: venv-check
	@bash tools/test_unprivileged.sh $(PYTEST_ARGS)

# Re-execute notebooks in the standard profile and save their outputs (NB=... for a subset).
outputs: venv-check
	@total=0; for nb in $(NB); do \
	  start=$$(date +%s); \
	  COURSE_PROFILE=standard $(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=3600 --log-level=WARN "$$nb" || exit 1; \
	  took=$$(( $$(date +%s) - start )); total=$$(( total + took )); \
	  echo "$$nb: $$took s"; \
	done; echo "All notebooks: $$total s"

# Runs a notebook (NB=...; every notebook by default, which takes hours) in the standard profile
# under each of SEEDS and prints every number its cells print under each seed, marking those that
# move, those the prose quotes and the orders that flip (SEED_ARGS=--moving: only the numbers that
# move or are quoted). Run it before a claim about training results lands.
seeds: venv-check
	@$(PY) tools/seed_spread.py $(NB) --seeds "$(SEEDS)" $(SEED_ARGS)

# Writes the package's copies of the notebooks' `save` cells (the lesson code between the marker
# lines of course_utils' modules, with the imports they use): run it after editing a `save` cell.
# LESSON_CODE_ARGS=--check changes nothing and fails naming each module and cell that differ.
.PHONY: lesson-code
lesson-code: $(STAMP)
	@$(PY) tools/lesson_code.py $(LESSON_CODE_ARGS)

# The course site: static HTML of every notebook as a learner receives it (no solutions), with its
# committed outputs, the README's course map as home page, search and offline math, in _site/
# (not committed). Nothing is executed. The browser phase of `make test` builds it and checks it.
site: venv-check
	@$(PY) tools/build_site.py --out _site

# Student versions of every notebook (solutions stubbed, hidden tests removed) in student/.
student: venv-check
	$(VENV)/bin/course release --out student

# Refreshes requirements.lock with the newest versions pyproject.toml allows, in a throw-away
# environment. Afterwards run `make venv outputs test`: the committed outputs come from the lock.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e ".[dev]"
	{ echo "# Exact versions of every package the course installs: make lab, make test, make outputs"; \
	  echo "# and the conda route install from this file. Made by \`make lock\` with Python $$(.venv-lock/bin/python \
	    -c 'import platform; print(platform.python_version(), "on", platform.system(), platform.machine())')."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) student test-artifacts _site

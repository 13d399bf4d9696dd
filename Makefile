# Set-up and the two everyday commands: `make demo` and `make test`.
# `make setup` is idempotent: it reinstalls only when pyproject.toml or package-lock.json changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.cdk-clone-installed
NODE_STAMP := node_modules/.cdk-clone-installed

# Every Terraform, cdktf and jsii run the project makes: no calls home, no end-of-life banner.
export CHECKPOINT_DISABLE := 1
export DISABLE_VERSION_CHECK := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: setup test demo lint typecheck bench clean

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,engine]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: setup
	$(PY) -m pytest -q

demo: setup
	$(VENV)/bin/cdk-clone demo

lint: setup
	$(VENV)/bin/ruff check cdk_clone fake_api tests examples benchmarks

typecheck: setup
	$(VENV)/bin/mypy

bench: setup
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules cdktf.out .cdk-clone

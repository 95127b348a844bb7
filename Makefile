# dragoman: the README's commands.
#
#   make demo    create .venv, install the pinned dependencies (hash-checked), analyse the example
#   make test    install the dev tools into the same .venv and run the test suite
#   make lock    regenerate requirements.lock / requirements-dev.lock after changing pyproject.toml
#
# Installs are remembered by stamp files in .venv, so a second run only does the work.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
EXAMPLE ?= examples/baltic-defence-visit.txt
EXAMPLE_PUBLISHED ?= 2025-03-12
LOCK_TOOLS := build/lock-tools

.PHONY: all install install-dev demo test lock clean browser system-packages

all: demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The runtime dependencies, every one pinned with its hash, then dragoman itself (no deps:
# all of them came from the lock). setuptools comes from the lock too, so the editable
# install builds without fetching anything unpinned.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --require-hashes -r requirements.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m dragoman.places build  # the offline gazetteer, once (about a minute), from the packaged data
	@touch $@

# The development tools (pytest, ...), hash-checked as well, into the same environment.
$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	@touch $@

# The workbench's front-end libraries: pinned npm packages (package-lock.json), copied into
# dragoman/web/static/vendor so the pages load nothing from a CDN.
$(VENV)/.installed-web: package.json package-lock.json dragoman/web/vendor.py $(VENV)/.installed
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m dragoman.web.vendor
	@touch $@

# System packages the tests use: Debian's Chromium (browser tests) and PostgreSQL (the store's
# tests run on SQLite and on a throwaway PostgreSQL cluster). Installed when missing and we may
# (root with apt-get, as on CI), with one apt-get update; elsewhere those tests skip and say why.
SYSTEM_PACKAGES = $$( [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || echo chromium chromium-driver ) \
                  $$( ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || echo postgresql )

system-packages:
	@missing="$(SYSTEM_PACKAGES)"; missing=$$(echo $$missing); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "make: could not install $$missing; the tests that need them will skip"; \
	  else echo "make: missing $$missing and no root apt-get; the tests that need them will skip"; fi; \
	fi

browser: system-packages  # the old name of the target

install: $(VENV)/.installed $(VENV)/.installed-web

install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/dragoman analyze $(EXAMPLE) --published $(EXAMPLE_PUBLISHED)

test: install-dev $(VENV)/.installed-web system-packages
	$(BIN)/python -m pytest -q

# Regenerate the locks from pyproject.toml (needs the package index; uv runs from a
# throwaway environment under build/, never from .venv).
lock:
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv
	printf 'setuptools>=68\nwheel\n' | $(LOCK_TOOLS)/bin/uv pip compile pyproject.toml - \
		--generate-hashes --python-version 3.11 --custom-compile-command "make lock" \
		-o requirements.lock
	printf 'setuptools>=68\nwheel\n' | $(LOCK_TOOLS)/bin/uv pip compile pyproject.toml - --extra dev \
		--constraint requirements.lock --generate-hashes --python-version 3.11 \
		--custom-compile-command "make lock" -o requirements-dev.lock

clean:
	rm -rf $(VENV) $(LOCK_TOOLS) .pytest_cache node_modules dragoman/web/static/vendor

# The front door: `make demo` and `make test` (see README.md). Both build .venv from
# Python 3.10 with the pinned lock file if it is missing or stale, and are idempotent.
PYTHON_VERSION := $(shell cat .python-version)
PY310 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/$(PYTHON_VERSION)/bin/python3.10) $(shell command -v python3.10))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV := $(VENV)/bin/uv

.PHONY: install system-deps demo test bench train clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PY310)" || { echo "Python $(PYTHON_VERSION) not found (pyenv install $(PYTHON_VERSION))"; exit 1; }
	test -x $(BIN)/python || $(PY310) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check "uv==0.9.30"
	$(UV) pip install -q --python $(BIN)/python -r requirements.lock
	$(UV) pip install -q --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m bot.embedding_model
	$(UV) pip check --python $(BIN)/python
	touch $(STAMP)

# Debian's Chromium and its driver, for the browser test (tests/channels).
system-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

demo: install
	$(BIN)/schedbot run

test: install system-deps
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench

train: install
	$(BIN)/schedbot train

clean:
	rm -rf $(VENV) models .rasa schedbot.db tracker.db logs

# Afterglow: `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v pyenv >/dev/null 2>&1 && echo "$$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python" || command -v python3.10)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv
venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt requirements-lock.txt
	@test -x "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found (pyenv install $(PYTHON_VERSION))"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip<24.1" "setuptools<71" wheel
	$(BIN)/pip install --quiet -r requirements-dev.txt -c requirements-lock.txt
	touch $@

# Afterglow. `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v pyenv >/dev/null 2>&1 && echo "$$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python" || command -v python3.10)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/afterglow.tar.gz
# The same inputs trained with another random seed: in-form behaviour must not
# depend on how DIET's initialisation happened to train.
SECOND_SEED := 7
SEED_MODEL := models/afterglow-seed$(SECOND_SEED).tar.gz
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONPATH := $(CURDIR)

# Everything that shapes the trained model; a change to any of it retrains.
# (The crisis lexicon is read at run time, so editing it needs no retraining.)
MODEL_INPUTS = config.yml domain.yml config/clinic.yml bot/clinic_responses.py \
	$(shell find data bot/components -type f \( -name '*.py' -o -name '*.yml' \) 2>/dev/null | sort)

.PHONY: help
help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

.PHONY: venv
venv: $(STAMP)  ## Create .venv with pinned dependencies

$(STAMP): requirements.txt requirements-dev.txt requirements-lock.txt requirements-nodeps.txt
	@test -x "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found (pyenv install $(PYTHON_VERSION))"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip<24.1" "setuptools<71" wheel
	$(BIN)/pip install --quiet -r requirements-dev.txt -c requirements-lock.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-nodeps.txt
	touch $@

.PHONY: system-deps
system-deps:  ## Install Chromium for the browser tests (Debian packages)
	scripts/install-system-deps.sh

build/domain/clinic.yml: domain.yml config/clinic.yml bot/clinic_responses.py bot/config.py | $(STAMP)
	$(BIN)/python -m bot build-domain

.PHONY: train
train: $(MODEL)  ## Train the model if any of its inputs changed

$(MODEL): $(MODEL_INPUTS) build/domain/clinic.yml | $(STAMP)
	$(BIN)/rasa train --config config.yml --domain build/domain --data data \
		--out models --fixed-model-name afterglow --force
	touch $@

build/config-seed$(SECOND_SEED).yml: config.yml
	mkdir -p build
	sed -E 's/random_seed: [0-9]+/random_seed: $(SECOND_SEED)/' config.yml > $@
	grep -q 'random_seed: $(SECOND_SEED)' $@ && ! grep -q 'random_seed: 42' $@

$(SEED_MODEL): $(MODEL_INPUTS) build/domain/clinic.yml build/config-seed$(SECOND_SEED).yml | $(STAMP)
	$(BIN)/rasa train --config build/config-seed$(SECOND_SEED).yml --domain build/domain \
		--data data --out models --fixed-model-name afterglow-seed$(SECOND_SEED) --force
	touch $@

.PHONY: validate
validate: build/domain/clinic.yml  ## Check the training data and domain
	$(BIN)/rasa data validate --domain build/domain --data data --fail-on-warnings
	$(BIN)/python scripts/check_domain_usage.py

.PHONY: lint
lint: $(STAMP)  ## ruff + black (88 columns)
	$(BIN)/ruff check bot actions tests scripts benchmarks
	$(BIN)/black --check --quiet bot actions tests scripts benchmarks

.PHONY: audit
audit: $(STAMP)  ## Installed packages against security/advisories.yml (offline)
	$(BIN)/python scripts/audit_deps.py

.PHONY: test-unit
test-unit: $(STAMP)  ## Unit, component, API and CLI tests
	$(BIN)/pytest -m "not e2e and not browser" tests

.PHONY: test-stories
test-stories: $(MODEL)  ## Story tests against the trained model
	$(BIN)/rasa test core --model $(MODEL) --stories tests --fail-on-prediction-errors \
		--out results/stories

.PHONY: test-e2e
test-e2e: $(MODEL) system-deps  ## Real servers on 127.0.0.1, HTTP and headless Chromium
	$(BIN)/pytest -m "e2e or browser" tests

.PHONY: test-second-seed
test-second-seed: $(SEED_MODEL) system-deps  ## Reflection e2e and scripted patients on a model trained with another seed
	AFTERGLOW_E2E_MODEL=$(SEED_MODEL) $(BIN)/pytest -m e2e \
		tests/e2e/test_reflection_http.py tests/e2e/test_scripted_patients.py

.PHONY: eval-crisis
eval-crisis: $(STAMP)  ## Crisis detector: held-out set (fails below target), fresh voices, reflection answers
	$(BIN)/python -m bot.safety.evaluate --split heldout --fresh --in-form

.PHONY: eval-crisis-voices
eval-crisis-voices: $(STAMP)  ## Crisis detector, leave one voice out (refits per voice; about 12 minutes)
	$(BIN)/python -m bot.safety.evaluate --voices

.PHONY: eval-traps
eval-traps: $(STAMP)  ## Thinking-trap detector: test split (fails below target), fresh voices, leave one voice out
	$(BIN)/python -m bot.traps.evaluate --fresh --voices

.PHONY: eval-reflection
eval-reflection: $(STAMP)  ## In-form answer reading on the voice corpus; fails below target
	$(BIN)/python -m bot.reflection.evaluate

.PHONY: eval-nlu
eval-nlu: $(STAMP) build/domain/clinic.yml  ## NLU cross-validation (slow; not part of make test)
	$(BIN)/rasa test nlu --config config.yml --domain build/domain --nlu data/nlu \
		--cross-validation --folds 3 --out results/nlu

.PHONY: bench
bench: $(MODEL)  ## Speed and memory benchmarks (crisis scan, encoder included)
	$(BIN)/python benchmarks/bench_crisis.py --rasa

.PHONY: test
test: venv lint audit validate test-unit eval-crisis eval-traps train test-stories test-e2e test-second-seed  ## Everything CI runs

.PHONY: run
run: venv train  ## Set up, train if stale, start every service on 127.0.0.1
	scripts/run.sh

.PHONY: shell
shell: train  ## Talk to the bot in the terminal (starts its own action server)
	scripts/shell.sh

.PHONY: clean
clean:  ## Remove build output (keeps .venv and var/)
	rm -rf build models results .pytest_cache

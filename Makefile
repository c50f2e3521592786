# Maintainer commands for go-lambda-template. Both quick-start commands of README.md live here:
#   make example   generate build/example/my-service from this checkout with the default answers
#   make test      run the template's test suite (installs what it needs first)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE_DIR := build/example/my-service
# Extra pytest arguments, e.g. make test PYTEST_ARGS="-m 'unit or render'"
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install example test clean

help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/copier: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --requirement requirements.txt
	touch $@

install: $(BIN)/copier ## Create .venv with Copier, its extensions and the test tools

example: install ## Generate $(EXAMPLE_DIR) with the default answers (then: cd $(EXAMPLE_DIR) && make build test synth)
	rm -rf $(EXAMPLE_DIR)
	$(BIN)/copier copy --trust --defaults --vcs-ref HEAD "$(CURDIR)" $(EXAMPLE_DIR)

test: install ## Run the template's tests: unit, render, go, infra and update tiers
	$(BIN)/pytest $(PYTEST_ARGS)

clean: ## Remove the virtualenv and generated examples
	rm -rf $(VENV) build .pytest_cache

# Maintainer commands for go-lambda-template. Both quick-start commands of README.md live here:
#   make example   generate build/example/my-service from this checkout with the default answers
#   make test      run the template's test suite (installs what it needs first)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE_DIR := build/example/my-service
# Extra pytest arguments, e.g. make test PYTEST_ARGS="-m 'unit or render'"
PYTEST_ARGS ?=
# pytest-xdist workers: one per core (at most 4); PYTEST_WORKERS=0 runs the tests in this process.
# Tests that share a generated project stay in one worker (tests/conftest.py SHARED_PROJECTS).
PYTEST_WORKERS ?= auto
# Go linters the tests run on generated projects, pinned, installed into .tools/.
TOOLS := $(CURDIR)/.tools
GOLANGCI_LINT_VERSION := v2.15.0
ACTIONLINT_VERSION := v1.7.12
# The Backstage scaffolder module under catalog/ and the Backstage validators its tests run, from
# its package-lock.json. --ignore-scripts: better-sqlite3 (from Backstage's backend test utils)
# would download a native build from GitHub or compile one, and nothing here loads it.
CATALOG_MODULES := catalog/node_modules/.package-lock.json

.DEFAULT_GOAL := help
.PHONY: help install tools catalog example test measure measure-invoke check-migration lint clean

help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {name[++n] = $$1; text[n] = $$2; if (length($$1) > w) w = length($$1)} \
		END {for (i = 1; i <= n; i++) printf "  %-" w "s  %s\n", name[i], text[i]}' $(MAKEFILE_LIST)

$(BIN)/copier: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --requirement requirements.txt
	touch $@

install: $(BIN)/copier ## Create .venv with Copier, its extensions and the test tools

$(TOOLS)/golangci-lint:
	GOBIN=$(TOOLS) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

$(TOOLS)/actionlint:
	GOBIN=$(TOOLS) go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

$(CATALOG_MODULES): catalog/package-lock.json
	cd catalog && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline

tools: $(TOOLS)/golangci-lint $(TOOLS)/actionlint $(CATALOG_MODULES) ## Install the pinned linters and catalog/'s npm packages

example: install ## Generate $(EXAMPLE_DIR) with the default answers (then: cd $(EXAMPLE_DIR) && make build test synth)
	rm -rf $(EXAMPLE_DIR)
	$(BIN)/copier copy --trust --defaults --vcs-ref HEAD "$(CURDIR)" $(EXAMPLE_DIR)

test: install tools ## Run the template's tests: unit, render, go, infra, gates and update tiers
	PATH="$(TOOLS):$$PATH" $(BIN)/pytest -n $(PYTEST_WORKERS) --maxprocesses=4 --dist loadgroup $(PYTEST_ARGS)

catalog: install ## Regenerate catalog/template.yaml, the Backstage Software Template, from copier.yml
	$(BIN)/python scripts/backstage_template.py

measure: install ## Print each event kind's bootstrap size (raw and zip -9) and copier copy time
	$(BIN)/python scripts/measure.py $(MEASURE_ARGS)

measure-invoke: install ## Print the wall time of a local invoke against hello world's, under both local runners
	$(BIN)/python scripts/measure_invoke.py

# The go1.x migration check that generated projects run as make check-migration, on any
# repository, with nothing but Go: its files are plain Go, built here without a module.
MIGRATIONCHECK_SOURCES := $(filter-out %_test.go,$(wildcard template/tools/migrationcheck/*.go))
REPO ?=
check-migration: ## Report what ties the Lambda functions of REPO (a directory) to go1.x or x86_64, with file, line and fix
	@test -n "$(REPO)" || { echo "usage: make check-migration REPO=<directory of the repository to check> [ARGS=-json]" >&2; exit 2; }
	@go build -o build/migrationcheck $(MIGRATIONCHECK_SOURCES)
	@build/migrationcheck $(ARGS) "$(REPO)"

lint: install ## Lint the template's own Python
	$(BIN)/ruff check extensions scripts tests
	$(BIN)/ruff format --check extensions scripts tests

clean: ## Remove the virtualenv, the tools, catalog/node_modules and generated examples
	rm -rf $(VENV) $(TOOLS) build .pytest_cache catalog/node_modules

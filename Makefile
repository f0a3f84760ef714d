# Two commands: `make run` (set up + start on the embedded default) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck pytest openapi openapi-check messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/lapakasik up

test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# The committed OpenAPI document (docs/openapi.json); CI fails when it drifts from the code.
openapi: install
	$(BIN)/lapakasik export_openapi --output docs/openapi.json

openapi-check: install
	$(BIN)/lapakasik export_openapi --check docs/openapi.json

# Indonesian is the source language. English lives in src/lapakasik/locale/en (project) and in each app
# that keeps its own catalogue (src/lapakasik/<app>/locale/en).
APP_CATALOGUES := accounts benefits booking dropbox frontdesk intake mailgateway notifications registry
messages: install
	cd src/lapakasik && LAPAKASIK_DATA_DIR=$(CURDIR)/data ../../$(BIN)/lapakasik makemessages -l en --no-obsolete --add-location file \
	  $(foreach app,$(APP_CATALOGUES),-i '$(app)/*')
	for app in $(APP_CATALOGUES); do [ -d src/lapakasik/$$app/locale ] || continue; \
	  (cd src/lapakasik/$$app && LAPAKASIK_DATA_DIR=$(CURDIR)/data ../../../$(BIN)/lapakasik makemessages -l en --no-obsolete --add-location file) || exit 1; \
	done
	$(BIN)/lapakasik compile_po

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache

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

# Two passes: everything but the latency-bound tests on both cores, then those alone (tests/conftest.py,
# marker "alone"); a pass that selects nothing (exit 5, e.g. PYTEST_ARGS=tests/forms) is not a failure.
pytest: install
	LAPAKASIK_ALONE=skip $(BIN)/pytest -n 2 $(PYTEST_ARGS)
	LAPAKASIK_ALONE=only $(BIN)/pytest -p no:xdist $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 5 ] || exit $$rc

# The committed OpenAPI document (docs/openapi.json); CI fails when it drifts from the code.
openapi: install
	$(BIN)/lapakasik export_openapi --output docs/openapi.json

openapi-check: install
	$(BIN)/lapakasik export_openapi --check docs/openapi.json

# Indonesian is the source language. English lives in src/lapakasik/locale/en (project) and in each app
# that keeps its own catalogue (src/lapakasik/<app>/locale/en).
APP_CATALOGUES := accounts benefits booking dropbox employers frontdesk intake mailgateway notifications registry
messages: install
	cd src/lapakasik && LAPAKASIK_DATA_DIR=$(CURDIR)/data ../../$(BIN)/lapakasik makemessages -l en --no-obsolete --add-location file \
	  $(foreach app,$(APP_CATALOGUES),-i '$(app)/*')
	for app in $(APP_CATALOGUES); do [ -d src/lapakasik/$$app/locale ] || continue; \
	  (cd src/lapakasik/$$app && LAPAKASIK_DATA_DIR=$(CURDIR)/data ../../../$(BIN)/lapakasik makemessages -l en --no-obsolete --add-location file) || exit 1; \
	done
	$(BIN)/lapakasik compile_po

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache

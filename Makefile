# orgmetrics — the whole set-up of a fresh machine is `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

## demo: the full pipeline on the built-in demo organisation (no token, no network)
demo: $(STAMP)
	$(BIN)/orgmetrics demo run

## test: the whole test suite (CI runs exactly this)
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -p no:cacheprovider

## lint: ruff and mypy on the package
lint: $(STAMP)
	$(BIN)/ruff check orgmetrics tests benchmarks
	$(BIN)/ruff format --check orgmetrics tests benchmarks
	$(BIN)/mypy

## bench: speed, memory and request-count benchmarks (prints figures)
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) data report/_output benchmarks/_work

# The two front-door commands are `make demo` and `make test`; both install what they need.
VENV := .venv
BIN := $(VENV)/bin
export XDG_RUNTIME_DIR ?= /tmp/xdg-runtime-$(shell id -u)

.PHONY: install demo demo-cli test lint typecheck unit proto bench clean fuzz

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/install.sh
	bash scripts/install.sh

demo: install
	@mkdir -p $(XDG_RUNTIME_DIR)
	bash scripts/demo_notebook.sh

demo-cli: install
	$(BIN)/python scripts/demo.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check rerun rerun_core rerun_notebook tests benchmarks
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

unit: install
	@mkdir -p $(XDG_RUNTIME_DIR)
	$(BIN)/pytest -q -m "not gpu" tests

test: lint typecheck unit

# A long fuzz run of the .rrd decoder, the proxy's request parser and the catalog handlers
# (`make test` runs a short one).
fuzz: install
	RERUN_FUZZ_EXAMPLES=$${RERUN_FUZZ_EXAMPLES:-5000} $(BIN)/pytest -q -p no:cacheprovider --timeout=7200 tests/fuzz/test_fuzz.py

proto: install
	$(BIN)/python scripts/gen_proto.py

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .venv-oracle .pytest_cache .mypy_cache .ruff_cache

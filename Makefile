# Two commands a user needs: `make run` and `make test`. Both create .venv when missing.
# Each target installs only what it needs: running the product needs none of the test, lint
# or bench tools.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Parallel test workers: one per core, at most 4 (each e2e test runs a whole application).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: run test lint format migrate seed-demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per set of packages, remade when the project's requirements change.
$(VENV)/.installed-run: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-%: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[$*]"
	touch $@

migrate: $(VENV)/.installed-run
	$(BIN)/python main.py migrate

run: migrate
	$(BIN)/python main.py run

seed-demo: migrate
	$(BIN)/python main.py seed-demo

# The whole suite, spread over TEST_WORKERS processes (`make test TEST_WORKERS=0`: one).
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

# Not part of `make test`: minutes of load, and figures that belong to the machine they ran on.
# SQLite always; PostgreSQL and Redis too when they answer (BENCH_POSTGRES_URL, BENCH_REDIS_URL).
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench

lint: $(VENV)/.installed-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.installed-lint
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Two commands a user needs: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint format migrate seed-demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(INSTALLED)

migrate: $(INSTALLED)
	$(BIN)/python main.py migrate

run: migrate
	$(BIN)/python main.py run

seed-demo: migrate
	$(BIN)/python main.py seed-demo

test: $(INSTALLED)
	$(BIN)/python -m pytest

# Not part of `make test`: minutes of load, and figures that belong to the machine they ran on.
# SQLite always; PostgreSQL and Redis too when they answer (BENCH_POSTGRES_URL, BENCH_REDIS_URL).
bench: $(INSTALLED)
	$(BIN)/python -m bench

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Mine Atlas: `make run` serves the site, `make test` runs every check.
# Each step leaves a stamp in .make/ so that a second run only does what changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DB_PORT ?= 54329
export DB_PORT

STAMPS := .make

.PHONY: run test lint check bench db-up db-down setup migrate data clean

run: setup data
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/run.py

setup: $(STAMPS)/system-packages $(STAMPS)/venv db-up migrate

$(STAMPS)/system-packages: scripts/system-packages.sh
	@mkdir -p $(STAMPS)
	bash scripts/system-packages.sh
	@touch $@

$(STAMPS)/venv: requirements.txt requirements-dev.txt
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

db-up:
	@bash scripts/db.sh up

db-down:
	@bash scripts/db.sh down

migrate:
	@$(BIN)/python manage.py migrate --no-input -v 0

# Reference data and statements every time (idempotent), demo data only into an empty database.
data:
	@$(BIN)/python manage.py load_boundaries
	@$(BIN)/python manage.py load_statements
	@$(BIN)/python manage.py load_demo_data --if-empty

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean: db-down
	rm -rf $(VENV) $(STAMPS) staticfiles

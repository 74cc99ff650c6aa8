# Mine Atlas: `make run` serves the site, `make test` runs every check.
# Each step leaves a stamp in .make/ so that a second run only does what changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DB_PORT ?= 54329
export DB_PORT
# A streaming replica that serves public reads (docs/deploy.md): `make run REPLICA=1`.
# `make test` always starts one, so that the replication tests read from a real replica.
REPLICA ?= 0
DB_REPLICA_PORT ?= $(shell echo $$(( $(DB_PORT) + 100 )))
WITH_REPLICA = DB_REPLICA_PORT=$(DB_REPLICA_PORT)

STAMPS := .make

.PHONY: run test lint check bench bench-scaleout db-up db-down db-replica setup migrate data clean

run: setup data
	$(if $(filter 1,$(REPLICA)),$(WITH_REPLICA)) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup db-replica
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(WITH_REPLICA) $(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/run.py

# One app process on the primary beside two on a streaming replica (docs/benchmark.md).
bench-scaleout: setup db-replica
	$(WITH_REPLICA) $(BIN)/python bench/scaleout.py

# The vector tiles of a country and a district view against their SQL floor (bench/tiles.py).
.PHONY: bench-tiles
bench-tiles: setup
	$(BIN)/python bench/tiles.py

setup: $(STAMPS)/system-packages $(STAMPS)/venv db-up migrate messages-compiled

# The Azerbaijani and Russian catalogues (locale/, docs/translating.md): `make messages` after
# marking new text; setup compiles them (Debian's gettext) whenever a .po file changes.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MESSAGE_SOURCES := --ignore=.venv --ignore=staticfiles --ignore=static/js/lib --ignore=tests \
	--ignore=bench --ignore=node_modules --add-location=file --no-obsolete
.PHONY: messages messages-compiled
messages: $(STAMPS)/venv
	$(BIN)/python manage.py makemessages -l az -l ru $(MESSAGE_SOURCES)
	$(BIN)/python manage.py makemessages -d djangojs -l az -l ru $(MESSAGE_SOURCES)

messages-compiled: $(STAMPS)/messages
$(STAMPS)/messages: $(STAMPS)/venv $(PO_FILES)
	@mkdir -p $(STAMPS)
	$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=staticfiles
	@touch $@

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
	@REPLICA=$(REPLICA) $(WITH_REPLICA) bash scripts/db.sh up

db-replica: db-up
	@$(WITH_REPLICA) bash scripts/db.sh replica

# Stops the replica too, if one runs.
db-down:
	@$(WITH_REPLICA) bash scripts/db.sh down

migrate:
	@$(BIN)/python manage.py migrate --no-input -v 0

# Reference data, statements and the real incidents every time (idempotent); demo hazard areas
# and land releases only into an empty database, and none at all with DEMO=0.
DEMO ?= 1
INCIDENTS_ACCESSED_ON := 2026-12-03
data:
	@$(BIN)/python manage.py load_boundaries
	@$(BIN)/python manage.py load_statements
	@$(BIN)/python manage.py import_records incidents data/incidents/incidents.csv --publish \
		--accessed-on $(INCIDENTS_ACCESSED_ON)
	@$(BIN)/python manage.py load_demo_data $(if $(filter 0,$(DEMO)),--remove,--if-empty)

# The map's vendored Leaflet plugin (static/js/lib/protomaps-leaflet/README.md), from npm.
PROTOMAPS_LEAFLET_VERSION := 5.1.0
.PHONY: vendor-js
vendor-js:
	rm -rf .make/npm && mkdir -p .make/npm static/js/lib/protomaps-leaflet
	cd .make/npm && npm install --no-save --no-audit --no-fund protomaps-leaflet@$(PROTOMAPS_LEAFLET_VERSION)
	cp .make/npm/node_modules/protomaps-leaflet/dist/protomaps-leaflet.js \
		.make/npm/node_modules/protomaps-leaflet/dist/protomaps-leaflet.js.map \
		.make/npm/node_modules/protomaps-leaflet/LICENSE static/js/lib/protomaps-leaflet/

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean: db-down
	rm -rf $(VENV) $(STAMPS) staticfiles

# --- Operations (docs/operations.md): backups, restore, rate-limit audit ------------------
# The Makefile is for development: DEBUG is on here unless set (the settings default it off).
DEBUG ?= 1
export DEBUG
BACKUP_DIR ?= backups
AUDIT_URL ?=

.PHONY: backup restore backup-prune audit audit-ratelimit

# pg_dump (custom format) and a manifest of row counts and hashes, into $(BACKUP_DIR)/.
backup: setup
	$(BIN)/python scripts/backup.py backup --dir $(BACKUP_DIR)

# make restore FILE=backups/….dump [INTO=name]: restore into a new database, verify it against
# the manifest, then swap it in (the previous database is kept under another name).
restore: setup
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/NAME.dump [INTO=database]"; exit 2; }
	$(BIN)/python scripts/backup.py restore "$(FILE)" $(if $(INTO),--into "$(INTO)")

backup-prune:
	$(BIN)/python scripts/backup.py prune --dir $(BACKUP_DIR) --keep $(or $(KEEP),14)

# 1,200 concurrent requests against a 300/minute limit: how many pass (300 expected).
# AUDIT_URL=https://… measures a live server instead of one started for the audit.
audit-ratelimit: setup
	$(BIN)/python scripts/audit_ratelimit.py $(if $(AUDIT_URL),--url "$(AUDIT_URL)")

# Every "Done when" figure of the hardening work one machine can measure (docs/security.md).
# ONLY="privacy deploy" runs some of the checks: privacy, accounts, ratelimit, backup, deploy, imports.
audit: setup
	$(BIN)/python scripts/audit.py $(foreach check,$(ONLY),--only $(check))

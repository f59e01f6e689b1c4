# Quick start: `make run` (serve the portal with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The test suite runs with DEBUG off, as production does, over plain HTTP (the test client
# and live server speak no TLS); this key exists only for tests.
TEST_ENV := SECRET_KEY=test-only-not-a-secret DEBUG=false PORTAL_HTTPS=false

.PHONY: run test install lint serve bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

run: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py setup_demo
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(TEST_ENV) $(BIN)/pytest $(ARGS)

# Production-style server: gunicorn with deploy/gunicorn.conf.py (settings from the environment or .env).
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/gunicorn --config deploy/gunicorn.conf.py tongliao_portal.wsgi:application

# The province-scale benchmark (docs/performance.md): PostgreSQL on 127.0.0.1:5432, wrk for the load case.
bench: install
	$(BIN)/pip install --quiet -r requirements-bench.txt
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) || echo "wrk not installed: the load case will be skipped"
	cd bench && ../$(BIN)/python run.py $(ARGS)

# Lint: ruff (with C901 at 10), module size, import contracts (pyproject.toml), mypy with django-stubs.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tongliao_portal/check_module_size.py
	$(BIN)/lint-imports --no-cache
	DEBUG=true SECRET_KEY=lint-only $(BIN)/mypy .

clean:
	rm -rf $(VENV) staticfiles

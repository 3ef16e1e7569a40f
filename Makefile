# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The port `make run` serves on; links in the emails the app sends follow it (settings: PORT, SITE_URL).
PORT ?= 8000
export PORT

.PHONY: setup run test lint typecheck pytest bench clean messages

$(VENV)/.installed: pyproject.toml
	@echo "==> 1/3 Creating a virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> 2/3 Updating pip"
	$(BIN)/pip install --quiet --upgrade pip
	@echo "==> 3/3 Installing Systems Leader and its tools (a minute or two the first time)"
	$(BIN)/pip install --progress-bar on -e '.[dev]'
	touch $@
	@echo "==> Set up. Next: make run (or make run PORT=8101)"

setup: $(VENV)/.installed

## Set up, create the demo pilot site and serve the app on http://localhost:$(PORT) (SQLite, no services needed).
## Email is kept, not sent: read it at http://localhost:$(PORT)/dev/mail/.
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Set up and run everything that checks the code: ruff, mypy, then the test suite.
test: setup lint typecheck pytest

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy .

pytest: setup
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

## Refresh the Welsh catalogue from the code and templates, then compile it (commit both files).
## tests/test_i18n.py fails while any string is unmarked, untranslated or fuzzy.
messages: setup
	$(BIN)/python manage.py makemessages --locale cy --no-location --no-obsolete --ignore 'tests/*' --ignore 'bench/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages --locale cy --ignore '.venv'

## Run every benchmark (see bench/README.md; some need PostgreSQL and Redis).
bench: setup
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache

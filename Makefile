# The README's commands. Everything they need is installed here, into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run dev test index lint bench clean

run: $(VENV)/.runtime  ## build/refresh the index of KB_DIR, then serve with gunicorn on 127.0.0.1:5000
	$(BIN)/flask --app app index
	$(BIN)/gunicorn -c gunicorn.conf.py

dev: $(VENV)/.runtime  ## the same with Flask's development server, reloading on code changes
	$(BIN)/flask --app app index
	$(BIN)/flask --app app run --debug --host 127.0.0.1 --port 5000

test: $(VENV)/.dev  ## lint, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/pytest -m 'corpus or not corpus'

index: $(VENV)/.runtime
	$(BIN)/flask --app app index

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache

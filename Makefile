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

test: lint  ## lint, then the whole test suite
	$(BIN)/pytest -m 'corpus or not corpus'

lint: $(VENV)/.dev  ## ruff over the whole tree
	$(BIN)/ruff check .

# The full archive extracted (README, "Another knowledge base") and its index.
BENCH_KB ?= /tmp/mskb/kb
BENCH_INDEX ?= instance/index-mskb

bench: $(VENV)/.runtime  ## search and wizard quality, then search speed, on the full archive
	$(BIN)/python benchmarks/eval_search.py --kb $(BENCH_KB) --index $(BENCH_INDEX)
	$(BIN)/python benchmarks/eval_wizard.py --kb $(BENCH_KB) --index $(BENCH_INDEX)
	$(BIN)/python benchmarks/bench_search.py --kb $(BENCH_KB) --index $(BENCH_INDEX)

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

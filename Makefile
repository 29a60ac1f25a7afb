# cleanclaim: `make demo` sets up and reviews the example notes; `make test` sets up and runs the suite.
PYTHON ?= python3.11
VENV   ?= .venv
BIN     = $(VENV)/bin
PY      = $(BIN)/python
EXTRAS ?= test,serve,notebooks,spark,browser

.PHONY: demo test venv test-env lint bench clean

$(BIN)/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

venv: $(BIN)/activate
	$(PY) -m pip install --quiet -e .

test-env: $(BIN)/activate
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"

demo: venv
	$(BIN)/cleanclaim review examples/notes/01_nurse_visit_b12_complete.txt
	$(BIN)/cleanclaim review examples/notes/04_template_blank_route.txt
	$(BIN)/cleanclaim batch examples/notes --output demo-output.jsonl
	$(BIN)/cleanclaim report demo-output.jsonl || true

test: test-env lint
	$(PY) -m pytest -q -n 2 --dist loadfile

lint: test-env
	$(BIN)/ruff check nlp tests benchmarks
	$(BIN)/ruff format --check nlp tests benchmarks

bench: venv
	$(PY) benchmarks/throughput.py

clean:
	rm -rf $(VENV) build *.egg-info nlp/*.egg-info demo-output.jsonl

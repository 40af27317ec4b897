# detente — two commands on a fresh machine:
#   make demo   set up .venv, install, run the demo
#   make test   set up .venv, install, run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TORCH_INDEX ?=

.PHONY: demo test install bench clean

# torch (CPU build) goes in first, so that nothing pulls the CUDA build (several GB);
# where the index has no CPU build: make test TORCH_INDEX=--index-url=https://download.pytorch.org/whl/cpu
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_INDEX) torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[test,train]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/detente demo

# the browser tests drive Debian's Chromium; install it when missing and we may (best
# effort: without it those tests skip, saying why; Playwright never downloads a browser)
test: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& echo "installing chromium for the browser tests" \
		&& (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1; } || true
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) detente-demo.duckdb detente.duckdb .pytest_cache build *.egg-info

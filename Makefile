# Everything a fresh machine with only Python needs: `make run` and `make test` create .venv
# from this project's own files on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-slow bench bench-deps data clean system-deps messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## open the TUI on the bundled data (tracker.db is created on first run)
	$(VENV)/bin/tracker

system-deps:  ## Debian packages the tests need (LibreOffice, PostgreSQL), installed when missing
	bash scripts/system-deps.sh

test: $(STAMP) system-deps  ## the whole test suite
	$(PY) -m pytest -q

test-slow: $(STAMP) system-deps  ## the suite with thousands of examples per property test (minutes longer)
	$(PY) -m pytest -q --hypothesis-profile=slow

BENCH_ARGS ?=
bench: $(STAMP) bench-deps  ## every command at 87 and 1M projects against raw sqlite3 (BENCH_ARGS="--quick", "--runs 3")
	$(PY) bench/run.py $(BENCH_ARGS)

bench-deps:  ## the sqlite3 CLI the benchmarks compare against, installed when missing
	bash scripts/system-deps.sh bench

data: $(STAMP)  ## regenerate data/xiangtan_projects.csv from the bundled plan text
	rm -f /tmp/tracker-data.db && $(PY) -m tracker --db /tmp/tracker-data.db init >/dev/null
	$(PY) -m tracker --db /tmp/tracker-data.db export --format csv --no-bom --output data/xiangtan_projects.csv

clean:
	rm -rf $(VENV) tracker.db tracker.db-wal tracker.db-shm .pytest_cache

messages: $(STAMP)  ## catalogue: extract the msgids the code uses, add missing ones to both .po files, compile the .mo files
	$(VENV)/bin/pybabel extract --no-location --omit-header --sort-output -k t -k tr:2 -k translate:2 -k of:1 -k at:1 \
		-k Phrase:1 -o tracker/locale/tracker.pot tracker
	$(PY) scripts/strings_to_po.py --pot tracker/locale/tracker.pot
	$(VENV)/bin/pybabel compile --statistics -D tracker -d tracker/locale

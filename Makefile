# Zhaoshang — `make demo` and `make test` are all a new machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := zhaoshang.settings

.PHONY: setup venv deps assets system migrate demo serve test lint format bench clean

setup: deps assets

venv: $(BIN)/python
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstalled only when pyproject.toml changes.
deps: $(VENV)/.deps
$(VENV)/.deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

assets: zhaoshang/static/vendor/.stamp
zhaoshang/static/vendor/.stamp: package.json package-lock.json scripts/vendor_assets.py
	npm ci --no-audit --no-fund --loglevel=error
	$(PYTHON) scripts/vendor_assets.py
	touch $@

# Debian packages: chromium for browser tests, a CJK font and WeasyPrint's Pango/HarfBuzz for
# PDFs, pdftotext to check them in tests, wrk for the throughput benchmark. Installed only as root.
system:
	@if [ "$$(id -u)" = "0" ]; then \
	  missing=""; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing="$$missing fonts-wqy-microhei"; \
	  for lib in libpango-1.0-0:libpango-1.0.so.0 libpangoft2-1.0-0:libpangoft2-1.0.so.0 libharfbuzz-subset0:libharfbuzz-subset.so.0; do \
	    ldconfig -p | grep -q "$${lib#*:}" || missing="$$missing $${lib%%:*}"; \
	  done; \
	  command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	  command -v wrk >/dev/null || missing="$$missing wrk"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  fi; \
	else \
	  command -v chromium >/dev/null || echo "note: chromium is missing; browser tests will be skipped (run as root to install)"; \
	  command -v wrk >/dev/null || echo "note: wrk is missing; the throughput benchmark will be skipped (run as root to install)"; \
	fi

migrate: setup
	mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0

demo: setup system migrate
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop); background jobs run beside it"
	DEBUG=1 $(BIN)/python manage.py run_huey --quiet & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

serve: setup
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup system
	mkdir -p var
	ZHAOSHANG_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run >/dev/null || (echo "missing migrations: run manage.py makemigrations" && exit 1)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

format: deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every benchmark, each figure printed beside its reference; exits non-zero if any misses.
BENCHES := bench/run.py bench/goals.py bench/search.py bench/targeting.py bench/enterprise_import.py bench/throughput.py
bench: setup
	@status=0; for script in $(BENCHES); do \
	  [ -f "$$script" ] || continue; \
	  echo "== $$script"; \
	  args=""; [ "$$script" = bench/run.py ] && args="$(BENCH_ARGS)"; \
	  $(BIN)/python $$script $$args || status=1; \
	done; exit $$status

clean:
	rm -rf var/static var/test.sqlite3*

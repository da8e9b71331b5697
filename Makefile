# The two commands of the README: `make run` and `make test`. Everything else is what they call.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PG_URL ?= postgres://postgres@127.0.0.1:5432
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: run test setup messages lint typecheck typecheck-consumer typecheck-business test-suites test-sqlite test-postgres test-sqlite-consumer test-sqlite-business test-postgres-consumer test-postgres-business test-system test-browser browser node-clients postgres clean gettext bench bench-enumeration chaos

run: setup messages
	$(BIN)/accountlink up $(UP_ARGS)

test: setup messages lint typecheck test-suites test-browser

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

messages: setup
	$(BIN)/python -m accountlink.kit.i18n.compile

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# Each platform has its own AUTH_USER_MODEL, so each is type-checked under its own settings; the two
# runs take about 20 s each and run side by side.
typecheck: setup
	$(MAKE) --no-print-directory -j2 --output-sync=target typecheck-consumer typecheck-business

typecheck-consumer: setup
	DJANGO_SETTINGS_MODULE=accountlink.settings.test_consumer $(BIN)/mypy --cache-dir .mypy_cache/consumer \
		src/accountlink/kit src/accountlink/consumer src/accountlink/settings src/accountlink/helpcontent \
		src/accountlink/cli src/accountlink/devtools src/accountlink/supervisor.py src/accountlink/gunicorn_conf.py \
		src/accountlink/status.py

typecheck-business: setup
	DJANGO_SETTINGS_MODULE=accountlink.settings.test_business $(BIN)/mypy --cache-dir .mypy_cache/business \
		src/accountlink/business src/accountlink/helpcenter

# The four suites (each platform on SQLite and on PostgreSQL) two at a time, one per core; each
# suite's output is printed whole when it ends. Longest first: Loop for Business's two suites take
# about 3 and 2 minutes, Loop's 1.5 and 1, so each core gets one of each (each run has its own data
# directory and test database), and the system tests (1 minute) take the core that is free first.
# (The browser suite beside them instead of after them was slower: it keeps more than a core busy, and
# both took half as long again.)
test-suites: setup messages postgres gettext
	$(MAKE) --no-print-directory -j2 --output-sync=target \
		test-postgres-business test-sqlite-business test-postgres-consumer test-sqlite-consumer test-system

test-sqlite: test-sqlite-consumer test-sqlite-business

test-postgres: test-postgres-consumer test-postgres-business

test-sqlite-consumer: setup messages
	$(PYTEST) tests/kit tests/consumer --ds=accountlink.settings.test_consumer

test-sqlite-business: setup messages
	$(PYTEST) tests/business --ds=accountlink.settings.test_business

test-postgres-consumer: setup messages postgres
	DATABASE_URL=$(PG_URL)/accountlink_consumer $(PYTEST) tests/kit tests/consumer --ds=accountlink.settings.test_consumer

test-postgres-business: setup messages postgres
	DATABASE_URL=$(PG_URL)/accountlink_business $(PYTEST) tests/business --ds=accountlink.settings.test_business

test-system: setup messages gettext
	$(PYTEST) -p no:django tests/system

test-browser: setup messages browser node-clients
	$(PYTEST) -p no:django tests/e2e

# Not part of `make test`: every benchmark of docs/performance.md, each printing its figures against a
# reference measured in the same run, its targets and whether they are met (about 25 minutes, most of it
# loading a million accounts a side into PostgreSQL; BENCH_ACCOUNTS=20000 for a short run). Each bench
# exits 1 when it misses a target; all of them run, and `make bench` fails if any missed or failed.
BENCH_ACCOUNTS ?= 1000000
bench: setup messages postgres
	scripts/ensure-system-packages.sh wrk
	@failed=""; \
	$(BIN)/python bench/tokens.py || failed="$$failed tokens"; \
	$(BIN)/python bench/login.py || failed="$$failed login"; \
	$(BIN)/python bench/scale.py --accounts $(BENCH_ACCOUNTS) --own-postgres || failed="$$failed scale"; \
	PG_URL=$(PG_URL) $(BIN)/python bench/reconcile.py --sizes 10000,$(BENCH_ACCOUNTS) || failed="$$failed reconcile"; \
	$(BIN)/python bench/propagation.py || failed="$$failed propagation"; \
	if [ -n "$$failed" ]; then echo "make bench: targets missed (or a bench failed) in:$$failed"; exit 1; fi; \
	echo "make bench: every target met"

# Not part of `make test`: prints known vs unknown accounts' answer times (docs/security.md).
bench-enumeration: setup messages
	$(BIN)/python bench/enumeration.py

# Not part of `make test` (a short run is, in test-browser): SIGKILLs processes under load on PostgreSQL
# and prints whether both platforms agree on every account (docs/operations.md, "Chaos run").
chaos: setup messages postgres
	PG_URL=$(PG_URL) $(BIN)/python bench/chaos.py $(CHAOS_ARGS)

browser:
	scripts/ensure-system-packages.sh chromium

gettext:
	scripts/ensure-system-packages.sh gettext

# The npm TikTok client the browser tests run (tests/e2e/tiktok_clients/node), from its lock file.
NODE_CLIENTS := tests/e2e/tiktok_clients/node
node-clients: $(NODE_CLIENTS)/node_modules/.package-lock.json

$(NODE_CLIENTS)/node_modules/.package-lock.json: $(NODE_CLIENTS)/package.json $(NODE_CLIENTS)/package-lock.json
	scripts/ensure-system-packages.sh node
	cd $(NODE_CLIENTS) && npm ci --no-audit --no-fund

postgres:
	scripts/ensure-postgres.sh

clean:
	rm -rf $(VENV) var

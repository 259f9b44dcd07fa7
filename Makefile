# Kefu Desk. `make run` and `make test` are all a new machine needs.
# DATABASE_URL: when unset, a private PostgreSQL is started under .data/
# on its own port (cmd/devdb), never the machine's 5432.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/kefudesk
ADDR  ?= 127.0.0.1:8080
export ADDR

# Resolves the database into $$url, starting the private one when needed.
DB_URL = url="$${DATABASE_URL:-}"; if [ -z "$$url" ]; then url=$$($(GO) run ./cmd/devdb url); fi; export DATABASE_URL="$$url"

.PHONY: build run test test-browser check-generated generate vet db-stop bench

build:
	$(GO) build -o $(BIN) ./cmd/kefudesk

## run: migrate, load the demo shop and serve at http://$(ADDR)
run: build
	@set -e; $(DB_URL); ./$(BIN) migrate; ./$(BIN) demo; echo; echo "Open http://$(ADDR) and log in with one of the accounts above."; exec ./$(BIN) serve

## test: the whole suite against real PostgreSQL (a fresh database per test)
test: check-generated vet
	@set -e; $(DB_URL); $(GO) test -race -count=1 -timeout 30m ./...

## test-browser: log in, switch language, log out in headless Chromium
test-browser:
	@set -e; $(DB_URL); $(GO) test -count=1 -timeout 20m -tags browser -run Browser -v ./handlers/ 2>&1 | tail -40; exit $${PIPESTATUS[0]}

## bench: Go benchmarks of the hot pure code; a big shop (SCALE=1 is a big
## Tmall shop's year, the default 0.01 a quick run) in its own kefudesk_bench
## database, served and loaded by 32 users for 20 s (after 10 s unrecorded) with each page's SQL
## time beside its latency, then by 32 users pausing ~1 s between pages;
## then the chat import against a raw COPY
## (IMPORT_MESSAGES, in kefudesk_import_bench). Results in .data/bench-*.
SCALE ?= 0.01
IMPORT_MESSAGES ?= 1000000
BENCH_ADDR ?= 127.0.0.1:8098
bench: build
	@mkdir -p .data; set -eo pipefail; $(DB_URL); $(GO) test -run '^$$' -bench . -benchmem ./models/... ./views/... | tee .data/bench-go.txt
	$(GO) build -o bin/loadgen ./cmd/loadgen
	@set -eo pipefail; $(DB_URL); base="$$DATABASE_URL"; \
	export DATABASE_URL="$$(echo "$$base" | sed -E 's#/([^/?]+)(\?|$$)#/\1_bench\2#')"; \
	./$(BIN) scale --scale $(SCALE); \
	ADDR=$(BENCH_ADDR) ./$(BIN) serve >.data/bench-serve.log 2>&1 & pid=$$!; trap "kill $$pid 2>/dev/null || true" EXIT; \
	./bin/loadgen -base http://$(BENCH_ADDR) -wait 30s -warmup 10s -c 32 -duration 20s -pid $$pid -explain -json .data/bench-load.json | tee .data/bench-load.txt; \
	./bin/loadgen -base http://$(BENCH_ADDR) -c 32 -think 1s -duration 30s -pid $$pid -json .data/bench-load-paced.json | tee .data/bench-load-paced.txt; \
	kill $$pid; \
	export DATABASE_URL="$$(echo "$$base" | sed -E 's#/([^/?]+)(\?|$$)#/\1_import_bench\2#')"; \
	./$(BIN) bench-import --messages $(IMPORT_MESSAGES) | tee .data/bench-import.txt

generate:
	$(GO) tool templ generate

## check-generated: fails when *_templ.go files are stale
check-generated:
	@sum() { cat $$(git ls-files -co --exclude-standard '*_templ.go') | sha256sum; }; \
	before=$$(sum); $(GO) tool templ generate >/dev/null 2>&1; after=$$(sum); \
	if [ "$$before" != "$$after" ]; then echo "generated templ files were stale: regenerated them, review and commit"; exit 1; fi

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v _templ.go))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

## db-stop: stop the private PostgreSQL (its data stays in .data/)
db-stop:
	$(GO) run ./cmd/devdb stop

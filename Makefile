# Tongban — make help lists the targets.
SHELL := /bin/bash
GO ?= go
BIN := bin/tongban
DATA ?= ./data
ADDR ?= 127.0.0.1:8080
# Two cores here: keep parallel test binaries to two.
GOTEST_P ?= 2
# The image analysis of material pre-review (and its corpus generator) runs
# 10-20 times slower under the race detector, past the test timeout on this
# machine; it has no shared mutable state of its own and is tested without
# -race. Everything else runs with it.
NORACE_PKGS := ./internal/prereview/... ./cmd/prcorpus/
RACE_PKGS = $$($(GO) list ./... | grep -v -e /internal/prereview -e /cmd/prcorpus)

.PHONY: help run build web web-deps web-test dev test test-short e2e screenshots chromium pdftools ocrtools bench bench-ui lint fmt services clean

# The browser tests drive the system Chromium (make chromium): npm never
# downloads Playwright's own browsers.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# Extra arguments for the browser tests, e.g. make e2e E2E_ARGS='login --repeat-each 3'.
E2E_ARGS ?=
# Type-check the browser tests (Playwright only transpiles them), then run them.
E2E_RUN = cd web && npx tsc -p e2e && npx playwright test $(E2E_ARGS)
# The web UI benchmark (web/e2e/bench/): Playwright config of its own, one browser at a time.
BENCH_UI_RUN = cd web && npx tsc -p e2e && npx playwright test -c playwright.bench.config.ts

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

build: web ## build bin/tongban with the web UI embedded (Go alone still builds without it: a plain page)
	$(GO) build -trimpath -o $(BIN) ./cmd/tongban

# npm writes node_modules/.package-lock.json on every install: older than
# the lockfile means the dependencies changed since.
WEB_STAMP := web/node_modules/.package-lock.json

web-deps: ## install the web UI's npm packages (npm ci) when node_modules is missing or older than the lockfile
	@if [ ! -f $(WEB_STAMP) ] || [ web/package-lock.json -nt $(WEB_STAMP) ]; then \
		echo "cd web && npm ci"; cd web && npm ci --no-audit --no-fund && touch node_modules/.package-lock.json; \
	fi

web: web-deps ## build the web UI (Vue 3 + Element Plus) into web/dist, which the Go binary embeds
	cd web && npm run build

web-test: web-deps ## the web UI's unit tests (Vitest)
	cd web && npx vitest run

dev: web-deps ## Vite dev server on http://127.0.0.1:5173, proxying /api and /healthz to the Go server at ADDR (default 127.0.0.1:8080, make run)
	cd web && TB_API=http://$(ADDR) npx vite

run: build pdftools ocrtools ## build and serve the demo on http://127.0.0.1:8080 (SQLite under ./data)
	mkdir -p $(DATA)
	./$(BIN) serve --data $(DATA) --addr $(ADDR) --demo

services: ## make sure PostgreSQL and MariaDB are up (the store suite needs them)
	./scripts/services.sh

test: services chromium pdftools ocrtools web-test build ## install what the tests need and run every test: web unit tests, Go (SQLite, PostgreSQL, MariaDB), then the browser tests
	$(GO) mod download
	$(GO) vet ./...
	$(GO) test -race -count=1 -p $(GOTEST_P) -timeout 20m $(RACE_PKGS)
	$(GO) test -count=1 -p $(GOTEST_P) -timeout 20m $(NORACE_PKGS)
	$(E2E_RUN)

e2e: chromium build ## browser tests: headless Chromium against bin/tongban on a fresh SQLite demo database (failures: web/e2e/.out/)
	$(E2E_RUN)

screenshots: chromium build ## PNGs of the main pages, PC 1366×900 and phone 390×844, into docs/screenshots/
	cd web && npx tsc -p e2e && npx playwright test -c playwright.screenshots.config.ts

pdftools: ## make sure the certificates' CJK fonts and the PDF/QR tools their tests use are installed (apt-get as root when missing)
	./scripts/pdftools.sh

ocrtools: ## make sure Tesseract and its Simplified Chinese data are installed for material pre-review (apt-get as root when missing)
	./scripts/ocrtools.sh

chromium: ## make sure Chromium and CJK fonts are installed for the browser tests (apt-get as root when missing)
	./scripts/chromium.sh

test-short: ## unit tests on SQLite only, without -race
	TONGBAN_TEST_DIALECTS=sqlite $(GO) test -count=1 -p $(GOTEST_P) ./...

bench: build services chromium pdftools ocrtools ## performance figures: decisions over HTTP vs the one-row INSERT ceiling, to-do list, whole projects, ledger and signatures, material pre-review (10-page scan, OCR per page, seal precision/recall over 240 documents), then the web UI's to-do list (bench-ui)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2000x ./internal/approval/ ./internal/calendar/
	$(GO) test -run '^$$' -bench '^BenchmarkSignature$$' ./internal/sign/
	TONGBAN_BENCH_LARGE=1 TONGBAN_BENCH_10M=1 $(GO) test -run '^$$' -bench '^(BenchmarkEventAppendCheckpointed|BenchmarkInclusionProof10M|BenchmarkVerifyStore)$$' -benchtime 5s -timeout 60m ./internal/ledger/
	$(GO) test -run '^$$' -bench '^BenchmarkInspect10PageScan150$$' -cpu 1 -benchtime 10x ./internal/prereview/
	$(GO) test -run '^$$' -bench '^(BenchmarkOCRPage|BenchmarkReadAmountPixels)$$' -benchtime 3x ./internal/prereview/
	$(GO) test -run '^$$' -bench '^BenchmarkSealDetection$$' -benchtime 1x -timeout 30m ./internal/prereview/
	$(GO) run ./cmd/tongbench
	$(BENCH_UI_RUN)

bench-ui: chromium build ## web UI benchmark: the to-do list of 1,200 open tasks in headless Chromium, PC and phone, 3 runs each (figures also in web/e2e/.out/bench/)
	$(BENCH_UI_RUN)

lint: ## go vet, gofmt and staticcheck
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.7.0 ./...

fmt: ## gofmt the tree
	gofmt -w $$(git ls-files '*.go')

clean: ## remove build output (not ./data): bin, the web build (web/dist keeps its .gitkeep) and browser-test output
	rm -rf bin web/e2e/.out
	find web/dist -mindepth 1 ! -name .gitkeep -delete

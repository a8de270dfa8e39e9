# Tongban — make help lists the targets.
SHELL := /bin/bash
GO ?= go
BIN := bin/tongban
DATA ?= ./data
ADDR ?= 127.0.0.1:8080
# Two cores here: keep parallel test binaries to two.
GOTEST_P ?= 2

.PHONY: help run build test test-short bench lint fmt services clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

build: ## build bin/tongban (the web UI is embedded when web/dist holds a build)
	$(GO) build -trimpath -o $(BIN) ./cmd/tongban

run: build ## build and serve the demo on http://127.0.0.1:8080 (SQLite under ./data)
	mkdir -p $(DATA)
	./$(BIN) serve --data $(DATA) --addr $(ADDR) --demo

services: ## make sure PostgreSQL and MariaDB are up (the store suite needs them)
	./scripts/services.sh

test: services ## install what the tests need and run every test (SQLite, PostgreSQL, MariaDB)
	$(GO) mod download
	$(GO) vet ./...
	$(GO) test -race -count=1 -p $(GOTEST_P) -timeout 20m ./...

test-short: ## unit tests on SQLite only, without -race
	TONGBAN_TEST_DIALECTS=sqlite $(GO) test -count=1 -p $(GOTEST_P) ./...

bench: build services ## performance figures: decisions over HTTP vs the one-row INSERT ceiling, to-do list, whole projects
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2000x ./internal/approval/ ./internal/calendar/
	$(GO) run ./cmd/tongbench

lint: ## go vet, gofmt and staticcheck
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.7.0 ./...

fmt: ## gofmt the tree
	gofmt -w $$(git ls-files '*.go')

clean: ## remove build output (not ./data)
	rm -rf bin

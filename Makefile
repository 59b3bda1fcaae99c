# xfer-conform: the two commands a newcomer needs are `make conform` and `make test`.
# `make help` lists every target with the `##` comment above it.
GO ?= go
CONTAINER ?= podman
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
ADDR ?= 127.0.0.1:8080
# soak and load start their own pbxsim here
SOAK_ADDR ?= 127.0.0.1:18089
LOAD_WORKERS ?= 16
BIN := bin

.PHONY: help conform run test test-go test-sdk lint fmt bench bench-suite soak load build image clean

## help: list the targets and what each does
help:
	@awk '/^## /{sub(/^## /, ""); split($$0, a, ": "); printf "  %-10s %s\n", a[1], substr($$0, length(a[1]) + 3)}' $(MAKEFILE_LIST)

## conform: run every transfer spec against an embedded pbxsim (no set-up)
conform:
	$(GO) run ./cmd/xfer-conform $(ARGS)

## run: start pbxsim on $(ADDR) with the built-in scenario (SCENARIO=file.yaml to load one)
run:
	$(GO) run ./cmd/pbxsim --addr $(ADDR) $(if $(SCENARIO),--scenario $(SCENARIO))

## test: the whole suite: lint, go test -race, the official RingCentral SDK against pbxsim
test: lint test-go test-sdk

## test-go: go test -race over every package
test-go:
	$(GO) test -race -count=1 ./...

## test-sdk: the official RingCentral JS SDK, unchanged, against pbxsim (needs node and npm)
test-sdk:
	@if [ -f compat/ringcentral-js/package.json ]; then bash compat/ringcentral-js/run.sh; else echo "test-sdk: compat/ringcentral-js not present, skipped"; fi

## lint: gofmt, go vet, staticcheck
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

## fmt: gofmt -w over the tree
fmt:
	gofmt -w .

## bench: core Go benchmarks, then pbxbench: GET session against bare net/http (ratio, flatness) and
## WebSocket fan-out against a bare broadcaster (figures go to docs/performance.md)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./simulator/...
	$(GO) run ./cmd/pbxbench $(BENCH_ARGS)

## bench-suite: wall time of the default embedded xfer-conform run and its ratio to the longest scenario (CONCURRENCY="1 8 32")
bench-suite:
	CONCURRENCY="$(or $(CONCURRENCY),0)" sh scripts/bench-suite.sh

## soak: the long variants: model-based random operations (20,000 steps x 5 seeds), a 60s load run, and a
## 5-minute churn run against pbxsim in its own process (RSS and goroutines at start, middle, end and after
## the retention window)
soak: build
	$(GO) test -race -count=1 -timeout 60m ./test/model -model.steps=20000 -model.runs=5 -v -run TestRandomOperationsKeepInvariants
	$(GO) run ./cmd/pbxload --duration 60s --workers 4
	$(GO) build -o $(BIN)/pbxload ./cmd/pbxload
	$(BIN)/pbxload --workers 4 --write-scenario $(BIN)/load-world.yaml
	@set -e; $(BIN)/pbxsim --addr $(SOAK_ADDR) --scenario $(BIN)/load-world.yaml & pid=$$!; \
	trap "kill $$pid" EXIT; \
	$(BIN)/pbxload --target http://$(SOAK_ADDR) --churn --duration 5m --workers 4

## load: a 20s load run in-process, then the same against pbxsim in its own process; prints transfers/s,
## p50/p99 latency per route and errors (see docs/performance.md)
load: build
	$(GO) run ./cmd/pbxload --duration 20s --workers $(LOAD_WORKERS)
	$(GO) build -o $(BIN)/pbxload ./cmd/pbxload
	$(BIN)/pbxload --workers $(LOAD_WORKERS) --write-scenario $(BIN)/load-world.yaml
	@set -e; $(BIN)/pbxsim --addr $(SOAK_ADDR) --scenario $(BIN)/load-world.yaml & pid=$$!; \
	trap "kill $$pid" EXIT; \
	$(BIN)/pbxload --target http://$(SOAK_ADDR) --duration 20s --workers $(LOAD_WORKERS)

## build: static binaries of pbxsim and xfer-conform into bin/
build:
	mkdir -p $(BIN)
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/pbxsim ./cmd/pbxsim
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/xfer-conform ./cmd/xfer-conform

## image: container images pbxsim and xfer-conform from the static binaries (CONTAINER=docker to use docker)
image: build
	$(CONTAINER) build -f Containerfile --target pbxsim -t pbxsim .
	$(CONTAINER) build -f Containerfile --target xfer-conform -t xfer-conform .

## clean: remove bin/
clean:
	rm -rf $(BIN)

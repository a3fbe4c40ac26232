# panther-go: `make demo` runs the whole job against the embedded fake server;
# `make check` is what CI runs (.ci/run). Nothing needs installing but Go:
# the tools below run from pinned versions through the Go module proxy.

GO              ?= go
GOLANGCI_LINT   := $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
OASDIFF         := $(GO) run github.com/oasdiff/oasdiff@v1.37.0
APIDIFF         := $(GO) run golang.org/x/exp/cmd/apidiff@v0.0.0-20261113113407-e3970619a1a4
REV             ?= HEAD~1
FUZZTIME        ?= 10s

.PHONY: demo check deps generate update-spec check-generated check-tidy spec-verify spec-diff lint test fuzz bench bench-table

demo: ## Run `panther demo`: the whole job against the embedded fake server.
	$(GO) run ./cmd/panther demo

# Each phase prints one line saying what it is about to do (and what takes
# long the first time), then its own output, then how long it took.
# PHASE_START/PHASE_END bracket a recipe's shell.
PHASE_START = start=$$(date +%s);
PHASE_END   = echo "$@: ok ($$(( $$(date +%s) - start ))s)"

check: deps check-generated check-tidy spec-verify lint test fuzz ## Everything CI checks.
	@echo "check: all phases passed"

# What makes a first run slow is downloading modules and building the pinned
# tools; done here, once and quietly (the log is shown only on failure), so
# the phases after it read as phases, not as pages of "go: downloading".
# `go list -deps -test all` fetches what go mod download leaves out: modules
# only the tests of dependencies need, which go mod tidy -diff loads.
deps: ## Download modules and build the pinned tools (quiet; the first run on a machine takes minutes).
	@echo "deps: downloading modules and building oapi-codegen, golangci-lint, oasdiff and apidiff (first run on a machine: 3-5 min, then seconds)"
	@$(PHASE_START) log=$$(mktemp); \
	if ! { $(GO) mod download && $(GO) list -e -deps -test all >/dev/null && \
		$(GO) tool oapi-codegen -version && $(GOLANGCI_LINT) version && \
		$(OASDIFF) --version && $(APIDIFF) -h; } >"$$log" 2>&1; then \
		cat "$$log"; rm -f "$$log"; echo "deps: failed (output above)"; exit 1; \
	fi; rm -f "$$log"; $(PHASE_END)

generate: ## Merge api/*.json into openapi.yaml and regenerate api/*.gen.go.
	$(GO) generate ./...

update-spec: ## Refresh api/*.json from Panther's docs pages (api/pages.txt, or PAGES=...), then regenerate.
	$(GO) run ./internal/cmd/updatespec $(PAGES)
	$(GO) generate ./...

# Regenerates, then fails if that changed anything: a stale openapi.yaml or
# generated file, a hand edit, or a new untracked generated file. Changes you
# had before running it (your own work in progress) are left out of the verdict.
check-generated: ## Fail when openapi.yaml or api/*.gen.go is stale or hand-edited.
	@echo "check-generated: regenerating openapi.yaml and api/*.gen.go and comparing with the tree"
	@$(PHASE_START) before="$$(git status --porcelain --untracked-files=all; git diff | sha256sum)"; \
	$(GO) generate ./... || exit 1; \
	after="$$(git status --porcelain --untracked-files=all; git diff | sha256sum)"; \
	if [ "$$before" != "$$after" ]; then \
		echo "check-generated: regenerating changed these files; they were stale or edited by hand:"; \
		git status --short --untracked-files=all; \
		echo "Run 'make generate' and commit the result (never edit openapi.yaml or *.gen.go by hand)."; \
		exit 1; \
	fi; \
	echo "check-generated: openapi.yaml and api/*.gen.go are up to date"; $(PHASE_END)

check-tidy: ## Fail when go.mod or go.sum is not what `go mod tidy` would write.
	@echo "check-tidy: go mod tidy -diff (go.mod and go.sum must be what tidy writes)"
	@$(PHASE_START) $(GO) mod tidy -diff && $(PHASE_END)

spec-verify: ## openapi.yaml carries exactly the operations of api/*.json (oasdiff, composed mode).
	@echo "spec-verify: oasdiff: openapi.yaml must carry exactly the operations of api/*.json"
	@$(PHASE_START) $(OASDIFF) diff --fail-on-diff --format text --composed 'api/*.json' openapi.yaml && $(PHASE_END)

spec-diff: ## Breaking changes since REV for HTTP callers (oasdiff) and Go callers (apidiff); fails on any.
	$(GO) run ./internal/cmd/specdiff -rev '$(REV)' -oasdiff '$(OASDIFF)' -apidiff '$(APIDIFF)'

lint: ## golangci-lint (config: .golangci.yml).
	@echo "lint: golangci-lint run ./... (about a minute on 2 cores without a lint cache)"
	@$(PHASE_START) $(GOLANGCI_LINT) run ./... && $(PHASE_END)

test: ## All tests with the race detector.
	@echo "test: go test -race ./... (the regeneration drills in internal/drill and internal/cmd/specdiff rebuild copies of the tree: a few minutes in all)"
	@$(PHASE_START) $(GO) test -race -count=1 ./... && $(PHASE_END)

# Only packages with a fuzz target in a _test.go file are asked for their
# targets: go test -list compiles a package's tests, and asking every package
# compiled eight test binaries to find two.
fuzz: ## Each fuzz target for FUZZTIME (seed corpora are committed under testdata/fuzz).
	@echo "fuzz: each fuzz target for $(FUZZTIME), after building its instrumented test binary (the first build of each takes about a minute)"
	@set -e; $(PHASE_START) for pkg in $$(grep -rl --include='*_test.go' --exclude-dir=testdata '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz: $$pkg $$target: building, then fuzzing for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done; $(PHASE_END)

# make bench runs each benchmark BENCH_COUNT times (the table shows the
# range over the runs) and keeps the output in BENCH_OUT; make bench-table
# turns that file into the README's performance table. Run both on a quiet
# machine: the figures are ratios, but noise still moves them.
BENCH_COUNT     ?= 3
BENCH_OUT       ?= bin/bench.out

bench: ## Benchmarks, BENCH_COUNT runs each, output in BENCH_OUT (Get: 3,000 turns per getter; list walks: 5 each, x-floor the median).
	@mkdir -p $(dir $(BENCH_OUT)) && uptime > $(BENCH_OUT)
	$(GO) test -run '^$$' -bench '^BenchmarkGet$$' -benchtime 3000x -count $(BENCH_COUNT) ./internal/bench/ 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test -run '^$$' -bench '^Benchmark(GetMany|BulkUpdate|ListHeapGrowth|SyncPlan|SyncApply)$$' -benchmem -count $(BENCH_COUNT) ./internal/bench/ 2>&1 | tee -a $(BENCH_OUT)
	$(GO) test -run '^$$' -bench '^Benchmark(List|ListBaselines)$$' -benchtime 5x -benchmem -count $(BENCH_COUNT) ./internal/bench/ 2>&1 | tee -a $(BENCH_OUT)
	@uptime >> $(BENCH_OUT)
	@! grep -E '^(FAIL|--- FAIL|panic:)' $(BENCH_OUT)

bench-table: ## Rewrite the README's performance table from BENCH_OUT (run make bench first).
	$(GO) run ./internal/cmd/benchtable -in $(BENCH_OUT) -readme README.md

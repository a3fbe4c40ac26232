# panther-go: `make demo` runs the whole job against the embedded fake server;
# `make check` is what CI runs (.ci/run). Nothing needs installing but Go:
# the tools below run from pinned versions through the Go module proxy.

GO              ?= go
GOLANGCI_LINT   := $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
OASDIFF         := $(GO) run github.com/oasdiff/oasdiff@v1.37.0
APIDIFF         := $(GO) run golang.org/x/exp/cmd/apidiff@v0.0.0-20261113113407-e3970619a1a4
REV             ?= HEAD~1
FUZZTIME        ?= 10s

.PHONY: demo check generate update-spec check-generated check-tidy spec-verify spec-diff lint test fuzz bench

demo: ## Run `panther demo`: the whole job against the embedded fake server.
	$(GO) run ./cmd/panther demo

check: check-generated check-tidy spec-verify lint test fuzz ## Everything CI checks.

generate: ## Merge api/*.json into openapi.yaml and regenerate api/*.gen.go.
	$(GO) generate ./...

update-spec: ## Refresh api/*.json from Panther's docs pages (api/pages.txt, or PAGES=...), then regenerate.
	$(GO) run ./internal/cmd/updatespec $(PAGES)
	$(GO) generate ./...

# Regenerates, then fails if that changed anything: a stale openapi.yaml or
# generated file, a hand edit, or a new untracked generated file. Changes you
# had before running it (your own work in progress) are left out of the verdict.
check-generated: ## Fail when openapi.yaml or api/*.gen.go is stale or hand-edited.
	@before="$$(git status --porcelain --untracked-files=all; git diff | sha256sum)"; \
	$(GO) generate ./... || exit 1; \
	after="$$(git status --porcelain --untracked-files=all; git diff | sha256sum)"; \
	if [ "$$before" != "$$after" ]; then \
		echo "check-generated: regenerating changed these files; they were stale or edited by hand:"; \
		git status --short --untracked-files=all; \
		echo "Run 'make generate' and commit the result (never edit openapi.yaml or *.gen.go by hand)."; \
		exit 1; \
	fi; \
	echo "check-generated: openapi.yaml and api/*.gen.go are up to date"

check-tidy: ## Fail when go.mod or go.sum is not what `go mod tidy` would write.
	$(GO) mod tidy -diff
	@echo "check-tidy: go.mod and go.sum are tidy"

spec-verify: ## openapi.yaml carries exactly the operations of api/*.json (oasdiff, composed mode).
	$(OASDIFF) diff --fail-on-diff --format text --composed 'api/*.json' openapi.yaml
	@echo "spec-verify: openapi.yaml matches api/*.json"

spec-diff: ## Breaking changes since REV for HTTP callers (oasdiff) and Go callers (apidiff); fails on any.
	$(GO) run ./internal/cmd/specdiff -rev '$(REV)' -oasdiff '$(OASDIFF)' -apidiff '$(APIDIFF)'

lint: ## golangci-lint (config: .golangci.yml).
	$(GOLANGCI_LINT) run ./...

test: ## All tests with the race detector.
	$(GO) test -race -count=1 ./...

# Only packages with a fuzz target in a _test.go file are asked for their
# targets: go test -list compiles a package's tests, and asking every package
# compiled eight test binaries to find two.
fuzz: ## Each fuzz target for FUZZTIME (seed corpora are committed under testdata/fuzz).
	@set -e; for pkg in $$(grep -rl --include='*_test.go' --exclude-dir=testdata '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz: $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

bench: ## Benchmarks, side by side in one run (the list walks five times each: x-floor is the median).
	$(GO) test -run '^$$' -bench 'Get|Bulk|HeapGrowth' -benchmem ./internal/bench/
	$(GO) test -run '^$$' -bench 'List$$|ListBaselines' -benchtime 5x -benchmem ./internal/bench/

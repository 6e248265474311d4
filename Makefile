# Every target runs from a clean clone with only Go installed; tools come
# from go.mod (go tool staticcheck).

SPEC := spec/ivsrealtime.yaml

.PHONY: generate check-generated test lint run bench ci

## generate: regenerate the fake's wire layer from the spec
generate:
	go run ./cmd/ivsrt generate -spec $(SPEC) -out fakes/ivsapi -package ivsapi

## check-generated: fail when the committed generated code differs from what the spec gives
check-generated: generate
	@git diff --exit-code --stat -- fakes/ivsapi || { echo "generated code is stale: run make generate and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- fakes/ivsapi)" || { git status --porcelain -- fakes/ivsapi; echo "untracked generated files: run make generate and commit"; exit 1; }

## test: the README's test command
test:
	go test -race -count=1 ./...

## lint: gofmt, go vet and staticcheck
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$unformatted" || { echo "gofmt would change: $$unformatted"; exit 1; }
	go vet ./...
	go tool staticcheck ./...

## run: serve the fake on 127.0.0.1:4566
run:
	go run ./cmd/ivsrt serve -addr 127.0.0.1:4566

## bench: the two headline figures, measured side by side in one run, then the raw benchmarks
bench:
	go test -run TestBenchmarkRatios -count=1 -v ./fakes/ivsfake/ -args -ratios
	go test -run '^$$' -bench . -benchmem ./fakes/ivsfake/

ci: lint check-generated test

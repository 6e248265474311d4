# Every target runs from a clean clone with only Go installed; tools come
# from go.mod (go tool staticcheck).

# The current API: every operation of the newest AWS model kept in the repo
# (spec/models/ivs-realtime, with a note of where and when it was taken),
# dated by that model's release. The fake serves it; the suite checks it.
SPEC := spec/ivsrealtime.yaml
SPEC_MODEL := spec/models/ivs-realtime/service-2.json
SPEC_VERSION := 2026-04-08
# The overlays: the rules every version shares, then those of what AWS
# added after 2024-06-20.
SPEC_OVERLAYS := spec/ivsrealtime.overlay.yaml spec/ivsrealtime.current.overlay.yaml

# The 2024-06-20 API (the change that added individual participant
# recording), kept as a version of its own: the operations of the
# aws-sdk-go release of that day that ivsrt implemented then.
SPEC_2024 := spec/2024-06-20/ivsrealtime.yaml
SPEC_2024_MODEL := github.com/aws/aws-sdk-go@v1.54.6
SPEC_2024_OPS := CreateStage,DeleteStage,GetStage,UpdateStage,GetParticipant,ListParticipants,ListStages,CreateParticipantToken,DisconnectParticipant,ListStageSessions,GetStageSession,ListParticipantEvents,CreateStorageConfiguration,GetStorageConfiguration,ListStorageConfigurations,DeleteStorageConfiguration,TagResource,UntagResource,ListTagsForResource
SPEC_2024_OVERLAYS := spec/ivsrealtime.overlay.yaml

# ivsrt diff from the 2024-06-20 spec to the current one, in its three
# outputs: written by make spec, part of what check-spec holds.
SPEC_DIFF := spec/specdiff/testdata/2024-06-20-to-current.txt spec/specdiff/testdata/2024-06-20-to-current.md spec/specdiff/testdata/2024-06-20-to-current.json

.PHONY: spec check-spec generate check-generated examples test test-all lint run bench ci

## spec: import both spec versions from AWS's models, plus the overlays, and write ivsrt diff between them
spec:
	go run ./cmd/ivsrt import -model $(SPEC_MODEL) -version $(SPEC_VERSION) $(addprefix -overlay ,$(SPEC_OVERLAYS)) -o $(SPEC)
	go run ./cmd/ivsrt import -model $(SPEC_2024_MODEL) -ops $(SPEC_2024_OPS) $(addprefix -overlay ,$(SPEC_2024_OVERLAYS)) -o $(SPEC_2024)
	go test ./spec/specdiff -run '^TestVersionsGolden$$' -count=1 -update

## check-spec: fail when a committed spec differs from what the import gives
check-spec: spec
	@git diff --exit-code --stat -- $(SPEC) $(SPEC_2024) $(SPEC_DIFF) || { echo "the specs (or ivsrt diff between them) are not what make spec gives: run make spec and commit"; exit 1; }

# The directories `make generate` writes: the in-repo fake's wire layer, the
# in-repo conformance cases (the current API's, and in api20240620 those of
# the 2024-06-20 spec), and the downstream example (its own module).
GENERATED := fakes/ivsapi conformance/ivscases examples/downstream

## generate: regenerate the fake's wire layer and the conformance cases from the spec, and the downstream example
generate:
	go run ./cmd/ivsrt generate -spec $(SPEC) -out fakes/ivsapi -package ivsapi -emit fake
	go run ./cmd/ivsrt generate -spec $(SPEC) -out conformance/ivscases -package ivscases -emit suite
	go run ./cmd/ivsrt generate -spec $(SPEC_2024) -out conformance/ivscases/api20240620 -package api20240620 -emit suite
	cp $(SPEC) examples/downstream/ivsrealtime.yaml
	cd examples/downstream && go generate ./...

## check-generated: fail when the committed generated code differs from what the spec gives
check-generated: generate
	@git diff --exit-code --stat -- $(GENERATED) || { echo "generated code is stale: run make generate and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- $(GENERATED))" || { git status --porcelain -- $(GENERATED); echo "untracked generated files: run make generate and commit"; exit 1; }

## examples: what the downstream example's own CI runs: regenerate, no drift, vet, tests
examples:
	cd examples/downstream && go generate ./... && git diff --exit-code -- . && test -z "$$(git status --porcelain -- .)" && go vet ./... && go test -race -count=1 ./...

## test: the README's test command: every package, the heavy tests left out (a few minutes)
test:
	go test ./...

## test-all: the tests with the heavy ones (IVSRT_TEST_ALL=1, internal/heavy), under the race detector, as CI runs them
test-all:
	IVSRT_TEST_ALL=1 go test -race -count=1 -timeout 60m ./...

## lint: gofmt, go vet and staticcheck
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$unformatted" || { echo "gofmt would change: $$unformatted"; exit 1; }
	go vet ./...
	go tool staticcheck ./...

## run: serve the fake on 127.0.0.1:4566
run:
	go run ./cmd/ivsrt serve -addr 127.0.0.1:4566

## bench: the headline figures, measured side by side in one run (GetStage against the built binary), the load test for 30 s under -race, the scale tests at 100,000, then the raw benchmarks; BENCHMARKS.md
bench:
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && go build -o "$$tmp/ivsrt" ./cmd/ivsrt && \
	go test -run TestBenchmarkRatios -count=1 -v ./fakes/ivsfake/ -args -ratios -ivsrt "$$tmp/ivsrt"
	go test -race -run '^TestLoad$$' -count=1 -v -timeout 10m ./fakes/ivsfake/ -args -load-duration 30s
	go test -run '^TestScale' -count=1 -v -timeout 10m ./fakes/ivsfake/ -args -scale
	go test -run '^$$' -bench . -benchmem ./fakes/ivsfake/
	go test -run '^$$' -bench ServeGetStage -benchmem ./cmd/ivsrt/
	go test -run '^$$' -bench Proxy -benchmem ./conformance/proxy/

ci: lint check-spec check-generated examples test test-all

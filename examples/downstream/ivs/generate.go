// The Go code of this package is generated from the pinned copy of the
// spec, ../ivsrealtime.yaml: the wire layer of a fake and its Backend
// interface, and the conformance suite's contract and cases (see the
// package doc in api_gen.go and contract_gen.go). Regenerate with
// go generate ./... after updating the spec or the ivsrt module; never edit
// the *_gen.go files by hand.

package ivs

//go:generate go tool ivsrt generate -spec ../ivsrealtime.yaml -out . -package ivs

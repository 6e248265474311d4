// Package importer turns an AWS JSON service model into the project's
// OpenAPI spec, so the spec follows what AWS publishes instead of being
// typed by hand. A model is either an api-2.json (the format the AWS SDKs
// and botocore ship, with a paginators-1.json beside it) or a Smithy 1.0 or
// 2.0 JSON AST (the format AWS now publishes its models in), told apart by
// the Smithy document's top-level "smithy" key. A Smithy model is converted
// into the api-2 form it would have, so both forms of one model give the
// same spec.
//
// Resolve reads a model from a file or from a release of
// github.com/aws/aws-sdk-go (through the Go module cache); Import writes the
// spec for some or all of its operations, in the dialect spec/doc.go
// describes, then applies an OpenAPI Overlay 1.0 document holding what the
// model cannot state (defaults, identifier formats, protocol errors, and
// corrections where the service's documented answers differ from its
// model). The output is deterministic: the same model, operations and
// overlay give the same bytes, so a committed spec can be checked for drift.
package importer

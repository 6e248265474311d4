package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
)

const small = "testdata/small/api-2.json"

func importSmall(t *testing.T, opts Options) map[string]any {
	t.Helper()
	src, err := Resolve(context.Background(), small)
	require.NoError(t, err)
	if opts.Version == "" {
		opts.Version = "2021-02-03"
	}
	out, err := Import(src, opts)
	require.NoError(t, err)
	require.NotContains(t, string(out), "PROSE-MUST-NOT-APPEAR", "no documentation is copied")
	kinValid(t, out)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(out, &doc))
	return doc
}

// kinValid checks that kin-openapi loads and validates a spec.
func kinValid(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	return doc
}

// at walks a decoded document by keys (and sequence indexes as ints).
func at(t *testing.T, doc any, path ...any) any {
	t.Helper()
	cur := doc
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := cur.(map[string]any)
			require.True(t, ok, "%v: not a mapping at %q", path, k)
			v, found := m[k]
			require.True(t, found, "%v: no %q", path, k)
			cur = v
		case int:
			s, ok := cur.([]any)
			require.True(t, ok && k < len(s), "%v: no index %d", path, k)
			cur = s[k]
		}
	}
	return cur
}

func schema(t *testing.T, doc any, name string) map[string]any {
	return at(t, doc, "components", "schemas", name).(map[string]any)
}

func TestImportPatternsAnchoredOnlyWhereUnanchored(t *testing.T) {
	doc := importSmall(t, Options{})
	require.Equal(t, "^[a-z]*$", schema(t, doc, "WidgetName")["pattern"])
	require.Equal(t, "^arn:w:[a-z]+$|^id-[0-9]+$", schema(t, doc, "WidgetArn")["pattern"], "each alternative")
	require.Equal(t, "^$|^arn:w:[a-z]+$", schema(t, doc, "EitherArn")["pattern"], "already anchored: untouched")
	require.Equal(t, `^a$|^(b|c)$`, Anchor(`a|(b|c)`), "only top-level alternatives")
	require.Equal(t, `^[|]$`, Anchor(`[|]`), "a | in a class is no alternative")
}

func TestImportStructures(t *testing.T) {
	doc := importSmall(t, Options{})
	put := schema(t, doc, "PutWidgetRequest")
	require.Equal(t, []any{"alpha", "zeta"}, put["required"], "required is sorted")
	require.NotContains(t, schema(t, doc, "WidgetName"), "minLength", "min 0 is dropped")
	require.Equal(t, 1, schema(t, doc, "WidgetArn")["minLength"])
	require.NotContains(t, at(t, put, "properties", "names"), "minItems")
	require.Equal(t, 3, at(t, put, "properties", "names", "maxItems"))

	// Properties keep the model's member order.
	var root yaml.Node
	src, err := Resolve(context.Background(), small)
	require.NoError(t, err)
	out, err := Import(src, Options{Version: "2021-02-03"})
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(out, &root))
	props := findKey(root.Content[0], "components", "schemas", "PutWidgetRequest", "properties")
	var keys []string
	for i := 0; i < len(props.Content); i += 2 {
		keys = append(keys, props.Content[i].Value)
	}
	require.Equal(t, []string{"zeta", "alpha", "either", "ratio", "size", "count", "token", "secret", "secretName", "labels", "names", "at", "enabled"}, keys)
}

func findKey(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = get(n, k)
	}
	return n
}

func TestImportNames(t *testing.T) {
	doc := importSmall(t, Options{Ops: []string{"PutWidget", "ListTags"}})
	schemas := at(t, doc, "components", "schemas").(map[string]any)
	for _, named := range []string{"PutWidgetRequest", "Widget", "WidgetName", "Kind", "Labels", "ClientToken", "SecretName", "ErrorBody"} {
		require.Contains(t, schemas, named)
	}
	for _, inline := range []string{"Time", "Flag", "String", "Ratio", "Size", "Count", "NameList", "Secret"} {
		require.NotContains(t, schemas, inline, "written where used")
	}
	require.NotContains(t, schemas, "LabelKey", "a map key becomes x-ivsrt-key-length")
	require.NotContains(t, schemas, "NeverReached", "only shapes the chosen operations reach")
	require.NotContains(t, schemas, "ListTagsRequest", "a GET whose input has no body members has no body schema")
	require.Equal(t, "#/components/schemas/Widget", at(t, doc, "components", "schemas", "PutWidgetResponse", "properties", "widget", "$ref"))
	require.Equal(t, []any{"SMALL", "LARGE"}, schema(t, doc, "Kind")["enum"])
	require.Equal(t, map[string]any{"type": "string", "format": "date-time"}, at(t, doc, "components", "schemas", "PutWidgetRequest", "properties", "at"))
	require.Equal(t, "Example Widgets", at(t, doc, "info", "title"))
	require.Equal(t, "2021-02-03", at(t, doc, "info", "version"))
	require.Equal(t, map[string]any{"protocol": "restJson1", "signingName": "wdg", "serviceId": "Widgets",
		"modelVersion": "2021-01-01", "endpoint": "https://widgets.{region}.amazonaws.com"}, at(t, doc, "x-ivsrt-service"))
}

func TestImportMapsAndNumbers(t *testing.T) {
	doc := importSmall(t, Options{})
	labels := schema(t, doc, "Labels")
	require.Equal(t, map[string]any{"min": 1, "max": 16}, labels["x-ivsrt-key-length"])
	require.Equal(t, 5, labels["maxProperties"])
	require.NotContains(t, labels, "minProperties", "min 0 is dropped")
	require.Equal(t, map[string]any{"type": "string"}, labels["additionalProperties"])

	props := at(t, doc, "components", "schemas", "PutWidgetRequest", "properties")
	require.Equal(t, map[string]any{"type": "number", "format": "float", "minimum": 0.5, "maximum": 2}, at(t, props, "ratio"))
	require.Equal(t, map[string]any{"type": "integer", "format": "int64", "minimum": 0, "maximum": 10000000000}, at(t, props, "size"),
		"minimum 0 on a number is a bound, kept")
	require.Equal(t, map[string]any{"type": "integer", "format": "int32", "minimum": 1, "maximum": 9}, at(t, props, "count"))
}

func TestImportBindings(t *testing.T) {
	doc := importSmall(t, Options{})
	list := at(t, doc, "paths", "/tags/{resourceArn}", "get").(map[string]any)
	require.NotContains(t, list, "requestBody", "a GET without body members has no body")
	require.Equal(t, []any{map[string]any{"name": "resourceArn", "in": "path", "required": true,
		"schema": map[string]any{"$ref": "#/components/schemas/WidgetArn"}}}, list["parameters"])
	require.Equal(t, map[string]any{"inputToken": "nextToken", "outputToken": "nextToken", "items": "items"}, list["x-ivsrt-paginated"])

	untag := at(t, doc, "paths", "/tags/{resourceArn}", "delete").(map[string]any)
	require.NotContains(t, untag, "requestBody")
	require.Equal(t, map[string]any{"name": "tagKeys", "in": "query", "required": true, "style": "form", "explode": true,
		"schema": map[string]any{"type": "array", "minItems": 1, "maxItems": 50,
			"items": map[string]any{"$ref": "#/components/schemas/LabelKey"}}}, at(t, untag, "parameters", 1))
	require.Equal(t, map[string]any{"type": "object"}, schema(t, doc, "UntagResponse"), "an empty output is an object with no properties")

	put := at(t, doc, "paths", "/PutWidget", "post").(map[string]any)
	require.Equal(t, true, at(t, put, "requestBody", "required"))
	require.NotContains(t, put, "parameters")
}

func TestImportErrorsGroupedByStatus(t *testing.T) {
	doc := importSmall(t, Options{})
	responses := at(t, doc, "paths", "/PutWidget", "post", "responses").(map[string]any)
	require.Equal(t, map[string]any{"$ref": "#/components/responses/ValidationException"}, responses["400"])
	require.Equal(t, map[string]any{"$ref": "#/components/responses/AccessDeniedExceptionOrPendingVerification"}, responses["403"])
	grouped := at(t, doc, "components", "responses", "AccessDeniedExceptionOrPendingVerification").(map[string]any)
	require.Equal(t, []any{"AccessDeniedException", "PendingVerification"}, grouped["x-ivsrt-errors"])
	require.Equal(t, "#/components/schemas/ErrorBody", at(t, grouped, "content", "application/json", "schema", "$ref"))
	require.Equal(t, true, at(t, grouped, "headers", "x-amzn-ErrorType", "required"))
}

func TestImportIdempotencyAndSensitiveWrapping(t *testing.T) {
	doc := importSmall(t, Options{})
	props := at(t, doc, "components", "schemas", "PutWidgetRequest", "properties")
	require.Equal(t, map[string]any{"allOf": []any{map[string]any{"$ref": "#/components/schemas/ClientToken"}},
		"x-ivsrt-idempotency-token": true}, at(t, props, "token"))
	require.Equal(t, map[string]any{"allOf": []any{map[string]any{"$ref": "#/components/schemas/SecretName"}},
		"x-ivsrt-sensitive": true}, at(t, props, "secretName"))
	require.Equal(t, map[string]any{"type": "string", "x-ivsrt-sensitive": true}, at(t, props, "secret"),
		"an otherwise unconstrained sensitive string stays inline: no wrapper needed")
}

func TestImportOps(t *testing.T) {
	doc := importSmall(t, Options{Ops: []string{"ListTags"}})
	require.Len(t, at(t, doc, "paths"), 1)
	require.NotContains(t, at(t, doc, "components", "schemas"), "PutWidgetRequest")

	src, err := Resolve(context.Background(), small)
	require.NoError(t, err)
	_, err = Import(src, Options{Ops: []string{"PutWidget", "GetGadget"}, Version: "2021-02-03"})
	require.ErrorContains(t, err, `unknown operation "GetGadget"`)

	_, err = Import(src, Options{})
	require.ErrorContains(t, err, "no release date", "a file carries no date")
	_, err = Import(src, Options{Version: "2021-02-30"})
	require.ErrorContains(t, err, "not a YYYY-MM-DD date")
}

// smallOverlay is an overlay for the small model.
const smallOverlay = `overlay: 1.0.0
info: {title: t, version: 1.0.0}
actions:
  - target: $.components.schemas.PutWidgetRequest.properties.alpha
    description: a default beside a reference
    update:
      default: arn:w:x
  - target: $.components.schemas.Widget.properties.name
    description: a description alone stays beside the reference
    update:
      description: why
  - target: $.components.schemas.Kind
    description: overlays append to lists
    update:
      enum: [HUGE]
`

func TestImportOverlay(t *testing.T) {
	doc := importSmall(t, Options{Overlay: []byte(smallOverlay)})
	require.Equal(t, map[string]any{"allOf": []any{map[string]any{"$ref": "#/components/schemas/WidgetArn"}}, "default": "arn:w:x"},
		at(t, doc, "components", "schemas", "PutWidgetRequest", "properties", "alpha"))
	require.Equal(t, map[string]any{"$ref": "#/components/schemas/WidgetName", "description": "why"},
		at(t, doc, "components", "schemas", "Widget", "properties", "name"))
	require.Equal(t, []any{"SMALL", "LARGE", "HUGE"}, schema(t, doc, "Kind")["enum"])

	src, err := Resolve(context.Background(), small)
	require.NoError(t, err)
	_, err = Import(src, Options{Version: "2021-02-03", Overlay: []byte(`overlay: 1.0.0
info: {title: t, version: 1.0.0}
actions:
  - target: $.components.schemas.Gone
    update: {x-ivsrt-sensitive: true}
`)})
	require.ErrorContains(t, err, "did not match any targets", "an action that matches nothing is an error")
}

func TestImportGzipAndPaginatorsBeside(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"api-2.json", "paginators-1.json"} {
		data, err := os.ReadFile(filepath.Join("testdata/small", name))
		require.NoError(t, err)
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, err = zw.Write(data)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".gz"), buf.Bytes(), 0o644))
	}
	gz, err := Resolve(context.Background(), filepath.Join(dir, "api-2.json.gz"))
	require.NoError(t, err)
	plain, err := Resolve(context.Background(), small)
	require.NoError(t, err)
	require.NotNil(t, gz.Paginators)
	a, err := Import(gz, Options{Version: "2021-02-03"})
	require.NoError(t, err)
	b, err := Import(plain, Options{Version: "2021-02-03"})
	require.NoError(t, err)
	require.Equal(t, string(b), string(a))
	require.Contains(t, string(a), "x-ivsrt-paginated")
}

func TestImportIsDeterministic(t *testing.T) {
	src, err := Resolve(context.Background(), small)
	require.NoError(t, err)
	first, err := Import(src, Options{Version: "2021-02-03"})
	require.NoError(t, err)
	for range 5 {
		again, err := Import(src, Options{Version: "2021-02-03"})
		require.NoError(t, err)
		require.Equal(t, string(first), string(again))
	}
}

// makeVar reads a variable of the Makefile (NAME := value), so the tests
// and make spec name the same models, operations and overlays.
func makeVar(t *testing.T, name string) string {
	t.Helper()
	mk, err := os.ReadFile("../../Makefile")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^` + name + ` := (.+)$`).FindSubmatch(mk)
	require.NotNil(t, m, "the Makefile defines %s", name)
	return strings.TrimSpace(string(m[1]))
}

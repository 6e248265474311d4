package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// smallSmithy is testdata/small/api-2.json and its paginators-1.json
// written as a Smithy JSON AST: the same model in the other form.
const smallSmithy = "testdata/small/model.smithy.json"

func importFile(t *testing.T, path string, opts Options) string {
	t.Helper()
	src, err := Resolve(context.Background(), path)
	require.NoError(t, err)
	out, err := Import(src, opts)
	require.NoError(t, err)
	return string(out)
}

// TestSmithyImportsAsItsAPI2Form: the small model imports to the same bytes
// from either form.
func TestSmithyImportsAsItsAPI2Form(t *testing.T) {
	for name, opts := range map[string]Options{
		"every operation": {},
		"overlay":         {Overlay: []byte(smallOverlay)},
		"some operations": {Ops: []string{"Untag", "ListTags"}},
	} {
		t.Run(name, func(t *testing.T) {
			opts.Version = "2021-02-03"
			want := importFile(t, small, opts)
			got := importFile(t, smallSmithy, opts)
			require.Equal(t, want, got)
			require.NotContains(t, got, "PROSE-MUST-NOT-APPEAR", "no documentation is copied")
		})
	}
}

// TestSmithySmallModelIsTheAPI2Model: the two forms of the small model
// state the same model, shapes no operation reaches included. Patterns are
// compared as the importer writes them (anchored), and an absent response
// code is 200.
func TestSmithySmallModelIsTheAPI2Model(t *testing.T) {
	api2, err := Resolve(context.Background(), small)
	require.NoError(t, err)
	smithy, err := Resolve(context.Background(), smallSmithy)
	require.NoError(t, err)
	require.Nil(t, smithy.Paginators, "a Smithy model states its own paginators")

	decode := func(src *Source) (*model, map[string]paginator) {
		api, pag, err := api2Form(src)
		require.NoError(t, err)
		var m model
		require.NoError(t, json.Unmarshal(api, &m))
		for _, s := range m.Shapes {
			slices.Sort(s.Required) // a set
			if s.Pattern != "" {
				s.Pattern = Anchor(s.Pattern)
			}
		}
		for _, op := range m.Operations {
			if op.HTTP.ResponseCode == 0 {
				op.HTTP.ResponseCode = 200
			}
		}
		pages, err := parsePaginators(pag)
		require.NoError(t, err)
		return &m, pages
	}
	wantModel, wantPages := decode(api2)
	gotModel, gotPages := decode(smithy)
	errorSet := cmp.Transformer("errorSet", func(refs []shapeRef) map[string]shapeRef {
		set := map[string]shapeRef{}
		for _, r := range refs {
			set[r.Shape] = r
		}
		return set
	})
	require.Empty(t, cmp.Diff(wantModel, gotModel, cmp.AllowUnexported(shape{}), errorSet))
	require.Equal(t, wantPages, gotPages)
}

// TestSmithyServiceErrors: the service's errors are every operation's,
// once each, in whatever order they are listed.
func TestSmithyServiceErrors(t *testing.T) {
	data, err := os.ReadFile(smallSmithy)
	require.NoError(t, err)
	model := string(data)
	edit := func(old, new string, n int) {
		t.Helper()
		require.Equal(t, n, strings.Count(model, old), "the fixture has %q %d times", old, n)
		model = strings.ReplaceAll(model, old, new)
	}
	edit(`"errors": [{"target": "example.widgets#ValidationException"}],`, "", 2)
	edit(`"errors": [{"target": "example.widgets#ValidationException"}, {"target": "example.widgets#PendingVerification"}, {"target": "example.widgets#AccessDeniedException"}]`,
		`"errors": [{"target": "example.widgets#AccessDeniedException"}, {"target": "example.widgets#ValidationException"}, {"target": "example.widgets#PendingVerification"}]`, 1)
	edit(`"version": "2021-01-01",`, `"version": "2021-01-01", "errors": [{"target": "example.widgets#ValidationException"}],`, 1)
	src := &Source{Name: "edited", API: []byte(model)}

	// Unused lists no errors in the api-2 form: the service's would give it one.
	opts := Options{Ops: []string{"ListTags", "PutWidget", "Untag"}, Version: "2021-02-03"}
	got, err := Import(src, opts)
	require.NoError(t, err)
	require.Equal(t, importFile(t, small, opts), string(got))

	unused, err := Import(src, Options{Ops: []string{"Unused"}, Version: "2021-02-03"})
	require.NoError(t, err)
	require.Contains(t, string(unused), "#/components/responses/ValidationException")
}

// minimalSmithy is a service with one operation; tests add or replace shapes.
const minimalSmithy = `{"smithy": "2.0", "shapes": {
  "example#Svc": {"type": "service", "version": "2020-01-01", "operations": [{"target": "example#Op"}],
    "traits": {"aws.api#service": {"sdkId": "Svc", "endpointPrefix": "svc"}, "aws.auth#sigv4": {"name": "svc"},
      "aws.protocols#restJson1": {}, "smithy.api#title": "Svc"}},
  "example#Op": {"type": "operation", "input": {"target": "example#In"}, "output": {"target": "smithy.api#Unit"},
    "traits": {"smithy.api#http": {"method": "POST", "uri": "/op"}}},
  "example#In": {"type": "structure", "members": {"a": {"target": "smithy.api#String"}}}
}}`

// smithyWith is minimalSmithy with shapes (a JSON object of shapes by ID)
// added or put in place of its own.
func smithyWith(t *testing.T, shapes string) *Source {
	t.Helper()
	var doc struct {
		Smithy string                     `json:"smithy"`
		Shapes map[string]json.RawMessage `json:"shapes"`
	}
	require.NoError(t, json.Unmarshal([]byte(minimalSmithy), &doc))
	var more map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(shapes), &more))
	maps.Copy(doc.Shapes, more)
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	return &Source{Name: "model.json", API: data, Version: "2020-01-01"}
}

// converted is the api-2 form of a Smithy model.
func converted(t *testing.T, src *Source) (*model, map[string]paginator) {
	t.Helper()
	api, pag, err := api2Form(src)
	require.NoError(t, err)
	var m model
	require.NoError(t, json.Unmarshal(api, &m))
	pages, err := parsePaginators(pag)
	require.NoError(t, err)
	return &m, pages
}

func TestSmithyRefusals(t *testing.T) {
	svc := func(traits string) string {
		return `{"example#Svc": {"type": "service", "version": "2020-01-01", "operations": [{"target": "example#Op"}], "traits": ` + traits + `}}`
	}
	in := func(members string) string {
		return `{"example#In": {"type": "structure", "members": ` + members + `}}`
	}
	for _, tc := range []struct {
		name, shapes, want string
	}{
		{"another protocol", svc(`{"aws.api#service": {"sdkId": "Svc", "endpointPrefix": "svc"}, "aws.protocols#awsJson1_1": {}, "smithy.api#title": "Svc"}`),
			"model.json: service example#Svc: protocol aws.protocols#awsJson1_1: only aws.protocols#restJson1 is supported"},
		{"no protocol", svc(`{"aws.api#service": {"sdkId": "Svc", "endpointPrefix": "svc"}, "smithy.api#title": "Svc"}`),
			"model.json: service example#Svc states no protocol: only aws.protocols#restJson1 is supported"},
		{"no aws.api#service", svc(`{"aws.protocols#restJson1": {}, "smithy.api#title": "Svc"}`),
			"model.json: service example#Svc: the aws.api#service trait must state sdkId and endpointPrefix (the service's ID and endpoint)"},
		{"union", in(`{"a": {"target": "example#U"}}`) + `|{"example#U": {"type": "union", "members": {"x": {"target": "smithy.api#String"}}}}`,
			`model.json: operation Op: In.a: shape U: type "union" is not supported`},
		{"document", in(`{"a": {"target": "smithy.api#Document"}}`),
			`model.json: operation Op: In.a: shape Document: type "document" is not supported`},
		{"blob", in(`{"a": {"target": "smithy.api#Blob"}}`),
			`model.json: operation Op: In.a: shape Blob: type "blob" is not supported`},
		{"unknown target", in(`{"a": {"target": "example#Missing"}}`),
			"model.json: operation example#Op: example#In$a: example#Missing is neither in the model nor in Smithy's prelude"},
		{"unit member", in(`{"a": {"target": "smithy.api#Unit"}}`),
			"model.json: operation example#Op: example#In$a: smithy.api#Unit has no value: only an operation's input or output may be Unit"},
		{"jsonName", in(`{"a": {"target": "smithy.api#String", "traits": {"smithy.api#jsonName": "A"}}}`),
			"model.json: operation example#Op: example#In$a: smithy.api#jsonName is not supported: the spec names a body member by its member name, and the importer has no place for another JSON name"},
		{"httpPayload", in(`{"a": {"target": "smithy.api#String", "traits": {"smithy.api#httpPayload": {}}}}`),
			"model.json: operation example#Op: example#In$a: smithy.api#httpPayload is not supported: the importer writes a body as the JSON object of its members, not as one member"},
		{"httpResponseCode", in(`{"a": {"target": "smithy.api#Integer", "traits": {"smithy.api#httpResponseCode": {}}}}`),
			"model.json: operation example#Op: example#In$a: smithy.api#httpResponseCode is not supported: the spec states one success status per operation"},
		{"mixins", `{"example#In": {"type": "structure", "members": {}, "mixins": [{"target": "example#M"}]}}`,
			"model.json: operation example#Op: example#In: mixins are not supported: give a model with its mixins flattened (as AWS publishes them)"},
		{"apply", `{"example#In$a": {"type": "apply", "traits": {"smithy.api#required": {}}}}`,
			"model.json: example#In$a: apply statements are not supported: give a model whose traits are applied (as AWS publishes them)"},
		{"two services", `{"example#Other": {"type": "service", "version": "2020-01-01"}}`,
			"model.json: the model has 2 services (example#Other, example#Svc): it must have exactly one"},
		{"one name, two shapes", in(`{"a": {"target": "smithy.api#String"}, "b": {"target": "other#String"}}`) + `|{"other#String": {"type": "string"}}`,
			"model.json: operation example#Op: example#In$b: smithy.api#String and other#String are both named String: the service must rename one of them"},
		{"no http", `{"example#Op": {"type": "operation", "input": {"target": "example#In"}}}`,
			"model.json: operation example#Op: no smithy.api#http trait: restJson1 needs each operation's method and URI"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shapes, extra, _ := strings.Cut(tc.shapes, "|")
			src := smithyWith(t, shapes)
			if extra != "" {
				var doc map[string]any
				require.NoError(t, json.Unmarshal(src.API, &doc))
				var more map[string]any
				require.NoError(t, json.Unmarshal([]byte(extra), &more))
				maps.Copy(doc["shapes"].(map[string]any), more)
				var err error
				src.API, err = json.Marshal(doc)
				require.NoError(t, err)
			}
			_, err := Import(src, Options{})
			require.EqualError(t, err, tc.want)
		})
	}

	src := smithyWith(t, `{}`)
	_, err := Import(src, Options{})
	require.NoError(t, err, "the minimal model imports")
	_, err = Import(&Source{Name: "model.json", API: bytes.Replace(src.API, []byte(`"smithy":"2.0"`), []byte(`"smithy":"3.0"`), 1)}, Options{Version: "2020-01-01"})
	require.EqualError(t, err, `model.json: smithy "3.0": only Smithy 1.0 and 2.0 JSON ASTs are read`)
	src.Paginators = []byte(`{"pagination": {}}`)
	_, err = Import(src, Options{})
	require.EqualError(t, err, "model.json: a Smithy model states its own paginators (smithy.api#paginated): a paginators-1.json is not read with it")
}

// TestSmithyBindings: members bound to the URI, the query string and
// headers are located as api-2 locates them; header-bound members are the
// importer's to take or refuse.
func TestSmithyBindings(t *testing.T) {
	m, _ := converted(t, smithyWith(t, `{"example#In": {"type": "structure", "members": {
		"id": {"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}},
		"q": {"target": "smithy.api#Integer", "traits": {"smithy.api#httpQuery": "max-q"}},
		"h": {"target": "smithy.api#String", "traits": {"smithy.api#httpHeader": "X-Amz-H"}},
		"t": {"target": "smithy.api#String", "traits": {"smithy.api#idempotencyToken": {}}}
	}}}`))
	in := m.Shapes["In"]
	require.Equal(t, []string{"id", "q", "h", "t"}, in.order, "members keep their order")
	require.Equal(t, []string{"id"}, in.Required)
	require.Equal(t, shapeRef{Shape: "String", Location: "uri", LocationName: "id"}, *in.Members["id"])
	require.Equal(t, shapeRef{Shape: "Integer", Location: "querystring", LocationName: "max-q"}, *in.Members["q"])
	require.Equal(t, shapeRef{Shape: "String", Location: "header", LocationName: "X-Amz-H"}, *in.Members["h"])
	require.Equal(t, shapeRef{Shape: "String", IdempotencyToken: true}, *in.Members["t"])
	op := m.Operations["Op"]
	require.Nil(t, op.Output, "a Unit output is none")
	require.Equal(t, 200, op.HTTP.ResponseCode, "the default code")
}

// TestSmithyShapes: the shape types and traits AWS's models use, and the
// prelude's shapes, in api-2 form.
func TestSmithyShapes(t *testing.T) {
	m, _ := converted(t, smithyWith(t, `{
	"example#In": {"type": "structure", "members": {
		"old": {"target": "example#OldEnum"},
		"num": {"target": "example#Level"},
		"flag": {"target": "smithy.api#PrimitiveBoolean"},
		"n": {"target": "smithy.api#Long"},
		"d": {"target": "example#Fraction"},
		"when": {"target": "smithy.api#Timestamp"},
		"tags": {"target": "example#Tags"},
		"set": {"target": "example#Names"}
	}},
	"example#OldEnum": {"type": "string", "traits": {"smithy.api#enum": [{"value": "a-1", "name": "A1"}, {"value": "b"}]}},
	"example#Level": {"type": "intEnum", "members": {"LOW": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": 1}}}},
	"example#Fraction": {"type": "double", "traits": {"smithy.api#range": {"min": -0.25, "max": 1e3}}},
	"example#Tags": {"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": "smithy.api#String"}, "traits": {"smithy.api#length": {"max": 50}}},
	"example#Names": {"type": "set", "member": {"target": "smithy.api#String"}},
	"example#Boom": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "server"}},
	"example#Busy": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "server", "smithy.api#httpError": 503}},
	"example#Op": {"type": "operation", "input": {"target": "example#In"}, "errors": [{"target": "example#Boom"}, {"target": "example#Busy"}],
		"traits": {"smithy.api#http": {"method": "PUT", "uri": "/op", "code": 201}}}
	}`))
	require.Equal(t, []string{"a-1", "b"}, m.Shapes["OldEnum"].Enum, "the enum trait's values")
	require.Equal(t, "integer", m.Shapes["Level"].Type, "api-2 states an intEnum as an integer")
	require.Equal(t, "boolean", m.Shapes["PrimitiveBoolean"].Type)
	require.Equal(t, "long", m.Shapes["Long"].Type)
	require.Equal(t, "timestamp", m.Shapes["Timestamp"].Type)
	fraction := m.Shapes["Fraction"]
	require.Equal(t, "-0.25", fraction.Min.String(), "a range keeps its decimals")
	require.Equal(t, "1e3", fraction.Max.String())
	require.Equal(t, "map", m.Shapes["Tags"].Type)
	require.Equal(t, "50", m.Shapes["Tags"].Max.String())
	require.Equal(t, "list", m.Shapes["Names"].Type, "a Smithy 1.0 set is a list")
	require.True(t, m.Shapes["Boom"].Exception)
	require.Equal(t, 500, m.Shapes["Boom"].Error.HTTPStatusCode, "a server error without httpError")
	require.Equal(t, 503, m.Shapes["Busy"].Error.HTTPStatusCode)
	require.Equal(t, 201, m.Operations["Op"].HTTP.ResponseCode)
	require.Equal(t, "PUT", m.Operations["Op"].HTTP.Method)
}

// TestSmithyMemberConstraints: a member's length, range or pattern replaces
// its target's trait of that name; api-2 bounds shapes, so such a member
// gets a shape of its own, named after its structure and itself.
func TestSmithyMemberConstraints(t *testing.T) {
	m, _ := converted(t, smithyWith(t, `{
	"example#In": {"type": "structure", "members": {
		"short": {"target": "example#Name", "traits": {"smithy.api#length": {"max": 8}}},
		"same": {"target": "example#Name", "traits": {"smithy.api#length": {"min": 1, "max": 64}}},
		"plain": {"target": "example#Name"},
		"small": {"target": "smithy.api#Integer", "traits": {"smithy.api#range": {"min": 1}}},
		"list": {"target": "example#List"}
	}},
	"example#Name": {"type": "string", "traits": {"smithy.api#length": {"min": 1, "max": 64}, "smithy.api#pattern": "^[a-z]+$"}},
	"example#List": {"type": "list", "member": {"target": "example#Name", "traits": {"smithy.api#pattern": "^[a-c]+$"}}}
	}`))
	in := m.Shapes["In"]
	require.Equal(t, "InShort", in.Members["short"].Shape)
	short := m.Shapes["InShort"]
	require.Nil(t, short.Min, "the member's length replaces the target's, min and all")
	require.Equal(t, "8", short.Max.String())
	require.Equal(t, "^[a-z]+$", short.Pattern, "the target's pattern stays")
	require.Equal(t, "Name", in.Members["same"].Shape, "the same bounds as the target: the target")
	require.Equal(t, "Name", in.Members["plain"].Shape)
	require.Equal(t, "InSmall", in.Members["small"].Shape)
	require.Equal(t, "integer", m.Shapes["InSmall"].Type)
	require.Equal(t, "1", m.Shapes["InSmall"].Min.String())
	require.Equal(t, "ListMember", m.Shapes["List"].Member.Shape)
	require.Equal(t, "^[a-c]+$", m.Shapes["ListMember"].Pattern)
	require.Equal(t, "64", m.Shapes["ListMember"].Max.String())

	_, err := Import(smithyWith(t, `{
	"example#In": {"type": "structure", "members": {"b": {"target": "example#InA"}, "a": {"target": "example#Name", "traits": {"smithy.api#length": {"max": 8}}}}},
	"example#Name": {"type": "string", "traits": {"smithy.api#length": {"max": 64}}},
	"example#InA": {"type": "string"}
	}`), Options{})
	require.ErrorContains(t, err, "example#In$a: its constraints differ from its target's, so it needs a shape of its own: example#InA and example#In$a are both named InA")
}

// TestSmithyServiceShape: the service's operations and its resources'
// (every lifecycle operation, nested resources), its renames, and its
// paginated defaults.
func TestSmithyServiceShape(t *testing.T) {
	op := func(id string, traits string) string {
		return fmt.Sprintf(`"%s": {"type": "operation", "traits": {"smithy.api#http": {"method": "POST", "uri": "/%s"}%s}}`, id, id, traits)
	}
	ops := []string{op("other#Op", "")}
	for _, n := range []string{"Create", "Put", "Read", "Update", "Delete", "Coll", "Other", "Deep"} {
		ops = append(ops, op("example#"+n, ""))
	}
	ops = append(ops, op("example#List", `, "smithy.api#paginated": {"items": "things", "pageSize": "limit"}`))
	m, pages := converted(t, smithyWith(t, `{
	"example#Svc": {"type": "service", "version": "2020-01-01",
		"operations": [{"target": "example#Op"}],
		"resources": [{"target": "example#Thing"}],
		"rename": {"other#Op": "OtherOp"},
		"traits": {"aws.api#service": {"sdkId": "Svc", "endpointPrefix": "svc"}, "aws.protocols#restJson1": {}, "smithy.api#title": "Svc",
			"smithy.api#paginated": {"inputToken": "next", "outputToken": "next", "pageSize": "max"}}},
	"example#Thing": {"type": "resource",
		"create": {"target": "example#Create"}, "put": {"target": "example#Put"}, "read": {"target": "example#Read"},
		"update": {"target": "example#Update"}, "delete": {"target": "example#Delete"}, "list": {"target": "example#List"},
		"collectionOperations": [{"target": "example#Coll"}], "operations": [{"target": "example#Other"}, {"target": "other#Op"}],
		"resources": [{"target": "example#Part"}]},
	"example#Part": {"type": "resource", "operations": [{"target": "example#Deep"}], "resources": [{"target": "example#Thing"}]},
	`+strings.Join(ops, ",\n")+`
	}`))
	require.ElementsMatch(t, []string{"Op", "Create", "Put", "Read", "Update", "Delete", "List", "Coll", "Other", "OtherOp", "Deep"},
		slices.Collect(maps.Keys(m.Operations)))
	require.Equal(t, "/other#Op", m.Operations["OtherOp"].HTTP.RequestURI, "renamed")
	require.Equal(t, map[string]paginator{"List": {InputToken: "next", OutputToken: "next", LimitKey: "limit", ResultKey: "things"}}, pages,
		"the operation's paginated trait over the service's; no trait, no paginator")
	require.Equal(t, "svc", m.Metadata.EndpointPrefix)
	require.Equal(t, "", m.Metadata.SigningName, "no sigv4 trait: the importer signs with the endpoint prefix")
}

func TestWholeValue(t *testing.T) {
	for pattern, want := range map[string]string{
		`^[a-z]*$`:                  `^[a-z]*$`,
		`[a-z]+`:                    `.*[a-z]+.*`,
		`^$|^arn:x$`:                `^$|^arn:x$`,
		`^^$|^arn:x$$`:              `^$|^arn:x$`,
		`^a|b`:                      `^a.*|.*b.*`,
		`^cost \$$`:                 `^cost \$$`,
		`^cost \$`:                  `^cost \$.*`,
		`^back\\$`:                  `^back\\$`,
		`^(a|b)$`:                   `^(a|b)$`,
		`-----BEGIN(\r?\n)?`:        `.*-----BEGIN(\r?\n)?.*`,
		`^[|$]$`:                    `^[|$]$`,
		`^x$$$`:                     `^x$`,
		`^^^x`:                      `^x.*`,
		`(^a$)`:                     `.*(^a$).*`,
		`^[a-zA-Z0-9-_.,:;\s]*$`:    `^[a-zA-Z0-9-_.,:;\s]*$`,
		`^rt_[0-9]+_[a-z0-9-]+_.+$`: `^rt_[0-9]+_[a-z0-9-]+_.+$`,
	} {
		require.Equal(t, want, wholeValue(pattern), pattern)
	}
}

func TestResolveSmithyReadsNoPaginators(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(smallSmithy)
	require.NoError(t, err)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err = zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ivs-realtime.json.gz"), buf.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "paginators-1.json"), []byte(`{"pagination": {"PutWidget": {"input_token": "x"}}}`), 0o644))

	src, err := Resolve(context.Background(), filepath.Join(dir, "ivs-realtime.json.gz"))
	require.NoError(t, err)
	require.Nil(t, src.Paginators, "a paginators-1.json beside a Smithy model is not its")
	out, err := Import(src, Options{Version: "2021-02-03"})
	require.NoError(t, err)
	require.Equal(t, importFile(t, small, Options{Version: "2021-02-03"}), string(out))
}

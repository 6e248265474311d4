package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// StripDocumentation returns a JSON service model (api-2.json, or Smithy's
// JSON AST) without AWS's prose: every "documentation" member, and every
// "smithy.api#documentation" trait, is dropped. Everything else stays as it
// is, in the same order (the importer reads members in document order), so
// the model imports to the same spec; a model kept in a repository as data
// then holds only facts.
func StripDocumentation(model []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(model))
	dec.UseNumber()
	var out bytes.Buffer
	if err := stripValue(dec, &out); err != nil {
		return nil, fmt.Errorf("not a JSON model: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("not a JSON model: data after the document")
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, out.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	indented.WriteByte('\n')
	return indented.Bytes(), nil
}

// stripValue copies one JSON value from dec to out, leaving out
// documentation members of objects.
func stripValue(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			out.WriteByte('{')
			first := true
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key := kt.(string)
				if key == "documentation" || key == "smithy.api#documentation" {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return err
					}
					continue
				}
				if !first {
					out.WriteByte(',')
				}
				first = false
				k, _ := json.Marshal(key)
				out.Write(k)
				out.WriteByte(':')
				if err := stripValue(dec, out); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // }
				return err
			}
			out.WriteByte('}')
		case '[':
			out.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					out.WriteByte(',')
				}
				if err := stripValue(dec, out); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // ]
				return err
			}
			out.WriteByte(']')
		default:
			return fmt.Errorf("unexpected %v", t)
		}
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return err
		}
		out.Write(b)
	}
	return nil
}

// SaveModel writes src's model into dir without its documentation, as
// service-2.json (api-2 form, with paginators-1.json beside it when src has
// paginators) or model.smithy.json (Smithy's JSON AST), so that Resolve of
// the written file imports to the same spec as src.
func SaveModel(src *Source, dir string) error {
	api, err := StripDocumentation(src.API)
	if err != nil {
		return fmt.Errorf("%s: %w", src.Name, err)
	}
	var form struct {
		Smithy *string `json:"smithy"`
	}
	_ = json.Unmarshal(api, &form)
	name := "service-2.json"
	if form.Smithy != nil {
		name = "model.smithy.json"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name), api, 0o644); err != nil {
		return err
	}
	if src.Paginators == nil || form.Smithy != nil {
		return nil
	}
	pag, err := StripDocumentation(src.Paginators)
	if err != nil {
		return fmt.Errorf("%s paginators: %w", src.Name, err)
	}
	return os.WriteFile(filepath.Join(dir, "paginators-1.json"), pag, 0o644)
}

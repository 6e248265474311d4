package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// model is the part of an AWS JSON service model (api-2.json) the importer
// reads. Documentation fields are not decoded: no AWS prose reaches the spec.
type model struct {
	Metadata struct {
		APIVersion      string `json:"apiVersion"`
		EndpointPrefix  string `json:"endpointPrefix"`
		Protocol        string `json:"protocol"`
		ServiceFullName string `json:"serviceFullName"`
		ServiceID       string `json:"serviceId"`
		SigningName     string `json:"signingName"`
	} `json:"metadata"`
	Operations map[string]*operation `json:"operations"`
	Shapes     map[string]*shape     `json:"shapes"`
}

type operation struct {
	Name string `json:"name"`
	HTTP struct {
		Method       string `json:"method"`
		RequestURI   string `json:"requestUri"`
		ResponseCode int    `json:"responseCode"`
	} `json:"http"`
	Input  *shapeRef  `json:"input"`
	Output *shapeRef  `json:"output"`
	Errors []shapeRef `json:"errors"`
}

type shapeRef struct {
	Shape            string `json:"shape"`
	Location         string `json:"location"`
	LocationName     string `json:"locationName"`
	IdempotencyToken bool   `json:"idempotencyToken"`
}

type shape struct {
	Type      string               `json:"type"`
	Required  []string             `json:"required"`
	Members   map[string]*shapeRef `json:"members"`
	Member    *shapeRef            `json:"member"`
	Key       *shapeRef            `json:"key"`
	Value     *shapeRef            `json:"value"`
	Min       *json.Number         `json:"min"`
	Max       *json.Number         `json:"max"`
	Pattern   string               `json:"pattern"`
	Enum      []string             `json:"enum"`
	Sensitive bool                 `json:"sensitive"`
	Exception bool                 `json:"exception"`
	Error     *struct {
		HTTPStatusCode int `json:"httpStatusCode"`
	} `json:"error"`

	// order is the members' names as the model writes them: the order of
	// properties in the spec.
	order []string
}

func (s *shape) UnmarshalJSON(data []byte) error {
	type plain shape
	if err := json.Unmarshal(data, (*plain)(s)); err != nil {
		return err
	}
	order, err := memberOrder(data)
	s.order = order
	return err
}

// memberOrder returns the names of a shape's members (its "members"
// object) in document order; nil when it has none.
func memberOrder(shape []byte) ([]string, error) {
	var raw struct {
		Members json.RawMessage `json:"members"`
	}
	if err := json.Unmarshal(shape, &raw); err != nil || len(raw.Members) == 0 {
		return nil, err
	}
	return objectKeys(raw.Members)
}

// objectKeys returns the keys of a JSON object in document order, which
// encoding/json's maps lose.
func objectKeys(data []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("members is not an object")
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// intOf returns a model bound as an integer; ok is false when it is absent.
func intOf(n *json.Number) (int64, bool) {
	if n == nil {
		return 0, false
	}
	v, err := n.Int64()
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil {
			return 0, false
		}
		return int64(f), true
	}
	return v, true
}

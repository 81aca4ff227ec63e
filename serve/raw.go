package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// RawRequest reaches the long tail of the Kibana API that has no typed tool.
// It is served only with --allow-raw-requests: its arguments cannot be
// checked against the API, so it is the user's choice to hand it to a model.
// In read-only mode only GET passes; any other method may change Kibana.
var RawRequest = &operation.Operation{
	Name:        "call_kibana_api",
	Title:       "Call Kibana API",
	Description: "Send one request to a Kibana API path that has no typed tool (prefer a typed tool when one exists). Anything but GET may change Kibana.",
	Toolset:     "raw",
	Effect:      operation.Deletes, // it can do anything, so clients must treat it as destructive
	Input:       RawRequestInput{},
	Examples: []string{
		`{"method":"GET","path":"/api/status"}`,
		`{"method":"GET","path":"/s/soc/api/cases/_find","query":{"perPage":5,"tags":["a","b"]},"api_version":"2023-10-31"}`,
		`{"method":"POST","path":"/api/cases/c1/comments","body":{"type":"user","owner":"cases","comment":"Seen on web-01."}}`,
	},
}

// RawRequestInput is a request given by method and path.
type RawRequestInput struct {
	Method     string          `json:"method" jsonschema:"required,enum=GET,enum=POST,enum=PUT,enum=PATCH,enum=DELETE"`
	Path       string          `json:"path" jsonschema:"required,minLength=5,maxLength=2048" jsonschema_description:"API path from /api/ (a /s/{space}/api/ prefix picks the space), IDs URL-escaped, no query string."`
	Query      json.RawMessage `json:"query,omitempty" jsonschema_description:"Query parameters: name to string, number, boolean, or array of those (repeated)."`
	Body       json.RawMessage `json:"body,omitempty" jsonschema_description:"JSON request body; not for GET."`
	APIVersion string          `json:"api_version,omitempty" jsonschema:"maxLength=20,pattern=^[0-9A-Za-z.-]+$" jsonschema_description:"elastic-api-version header; 2023-10-31 when omitted."`
}

// Request builds the Kibana request, refusing any path that could leave the
// API or be read differently by a proxy on the way.
func (in *RawRequestInput) Request() (*kibana.Request, error) {
	space, apiPath, err := splitRawPath(in.Path)
	if err != nil {
		return nil, err
	}
	req := &kibana.Request{
		Method:     in.Method,
		Path:       apiPath,
		Space:      space,
		APIVersion: in.APIVersion,
		Mutates:    in.Method != http.MethodGet,
		Retryable:  in.Method == http.MethodGet,
	}
	if req.APIVersion == "" {
		req.APIVersion = operation.V20231031
	}
	if req.Query, err = rawQuery(in.Query); err != nil {
		return nil, err
	}
	if body := bytes.TrimSpace(in.Body); len(body) > 0 && !bytes.Equal(body, []byte("null")) {
		if in.Method == http.MethodGet {
			return nil, &schema.ArgumentError{Field: "body", Rule: "must be omitted for GET"}
		}
		req.Body = body
	}
	return req, nil
}

// splitRawPath checks a raw API path and takes a /s/{space} prefix off it.
func splitRawPath(p string) (space, apiPath string, err error) {
	bad := func(rule string) (string, string, error) {
		return "", "", &schema.ArgumentError{Field: "path", Rule: rule}
	}
	for _, c := range []byte(p) {
		if !pathByte(c) {
			return bad(fmt.Sprintf("must hold only URL path characters (escape others as %%XX); %q is not one", c))
		}
	}
	if strings.HasPrefix(p, "/s/") {
		space, rest, _ := strings.Cut(p[len("/s/"):], "/")
		if !kibana.ValidSpaceID(space) {
			return bad("must name a valid space after /s/ (lowercase letters, digits, _ and -)")
		}
		if err := checkSegments("/" + rest); err != nil {
			return "", "", err
		}
		return space, "/" + rest, nil
	}
	if err := checkSegments(p); err != nil {
		return "", "", err
	}
	return "", p, nil
}

// checkSegments accepts /api/... with no empty, dot or encoded-dot segment:
// servers and proxies resolve those, so they could reach another API.
func checkSegments(p string) error {
	if !strings.HasPrefix(p, "/api/") {
		return &schema.ArgumentError{Field: "path", Rule: "must start with /api/ or /s/{space}/api/ (a relative API path, no scheme or host)"}
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == "" {
			return &schema.ArgumentError{Field: "path", Rule: "must not contain an empty segment (// or a trailing /)"}
		}
		decoded, err := url.PathUnescape(seg)
		if err != nil {
			return &schema.ArgumentError{Field: "path", Rule: fmt.Sprintf("segment %q has a malformed %% escape", seg)}
		}
		if decoded == "." || strings.Contains(decoded, "..") || strings.Contains(decoded, `\`) || strings.Contains(strings.ToLower(decoded), "%2e") {
			return &schema.ArgumentError{Field: "path", Rule: fmt.Sprintf("segment %q is or hides a dot segment, which could leave the API path", seg)}
		}
	}
	return nil
}

// pathByte reports whether c may appear in a path as given: unreserved and
// sub-delimiter characters, ':', '@', '/' and '%' for escapes. '?' and '#'
// are refused: the query goes in its own argument.
func pathByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@/%", c) >= 0
}

// rawQuery turns {"name": value or [values]} into query parameters.
func rawQuery(raw json.RawMessage) (url.Values, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var params map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		return nil, &schema.ArgumentError{Field: "query", Rule: "must be an object of parameter names to values"}
	}
	q := url.Values{}
	for name, v := range params {
		field := "query." + name
		if list, ok := v.([]any); ok {
			for i, item := range list {
				s, err := queryScalar(fmt.Sprintf("%s[%d]", field, i), item)
				if err != nil {
					return nil, err
				}
				q.Add(name, s)
			}
			continue
		}
		s, err := queryScalar(field, v)
		if err != nil {
			return nil, err
		}
		q.Set(name, s)
	}
	return q, nil
}

func queryScalar(field string, v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case json.Number:
		if f, err := v.Float64(); err != nil || math.IsInf(f, 0) {
			return "", &schema.ArgumentError{Field: field, Rule: "must be a finite number"}
		}
		return v.String(), nil
	}
	return "", &schema.ArgumentError{Field: field, Rule: "must be a string, number or boolean (or an array of them)"}
}

// RawRequest is no operation of the catalogue: its schema is the
// machinery's own, generated into this package.
func init() {
	operation.NewCatalog([]*operation.Operation{RawRequest}, nil, generatedSchemas)
}

// Package contract checks that the requests the tools send are the requests
// Kibana's published OpenAPI document describes.
//
// It lives in its own module so that the OpenAPI validator (kin-openapi) is a
// test-only dependency that never reaches the server's module graph.
package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// specEnv overrides where the spec is read from.
const specEnv = "KIBANA_OPENAPI_SPEC"

// defaultSpec is the spec's place relative to this package's directory (the
// working directory of `go test`): repo/contract → ../../shared/....
const defaultSpec = "../../shared/kibana-openapi/kibana.yaml"

// spacePrefixTemplate is how the spec spells the space prefix on the paths it
// lists only in their space form.
const spacePrefixTemplate = "/s/{spaceId}"

// testAPIKey is the key the client is configured with; every request must
// carry it as "Authorization: ApiKey test-key".
const testAPIKey = "test-key"

// missingFromSpec lists operations the spec does not describe, with the
// reason. Their requests are still sent and their headers checked, but there
// is nothing in the spec to validate them against. An entry that the spec
// does describe is reported as stale.
var missingFromSpec = map[string]string{
	"DELETE /api/actions/action/{id}": "legacy alias of DELETE /api/actions/connector/{id}; not in the published spec",
	"GET /api/dashboards/dashboard":   "not in the published spec (dashboards API v1)",
}

// specGaps lists operations whose requests are right for Kibana but that
// the spec (or the validator) cannot accept, with the reason. Their headers
// are still checked; validation is skipped with the reason in the log.
var specGaps = map[string]string{
	"POST /api/security/roles":                       "the spec gives roles the members of one role (elasticsearch, kibana…); Kibana's route takes a record of roles by name (schema.recordOf), as its own examples send it",
	"POST /api/endpoint/action/execute":              "the spec types parameters.command as the list of response action names; Kibana's route takes a shell command string",
	"POST /api/fleet/epm/packages application/zip":   "the spec lists only application/gzip for package uploads; Kibana also takes a zip archive",
	"POST /api/endpoint/action/upload":               "multipart body whose schema is an allOf without a type, which kin-openapi cannot decode (\"unsupported schema of request body\") whatever is sent",
	"POST /api/timeline/_import multipart/form-data": "the spec lists the body only as application/json with file as an untyped member, but Kibana's route reads a multipart upload (body output: stream, file.hapi.filename checked for .ndjson), as export_timelines' ndjson must be sent",
	"POST /api/saved_objects/_import":                "the spec types the multipart file part as an object, not a binary string, so kin-openapi looks for a decoder of the part's application/ndjson content and finds none; Kibana reads the part as a file stream",
	"PUT /api/streams/{name}":                        "the spec's stream member is an allOf whose parts contradict: one forbids name (not: {}), another requires it and, closed (additionalProperties: false), allows only name and description, so no body with ingest or group can match; Kibana's route takes {description, ingest|group} with the name in the path",
	"POST /api/streams/{name}/content/import":        "the multipart content part has an empty schema, so kin-openapi looks for a decoder of the part's application/zip content and finds none; Kibana reads the part as a file stream",
	"POST /api/saved_objects/_resolve_import_errors": "retries is a multipart form field holding a JSON array, as Kibana's own examples send it (--form retries='[...]'); kin-openapi decodes a text part only as a primitive and refuses it against the spec's array of objects",
}

// spec is the parsed OpenAPI document and a router over it, loaded once per
// test binary: parsing the 3.7 MB YAML takes about a second.
var spec struct {
	once      sync.Once
	path      string
	doc       *openapi3.T
	router    routers.Router
	loadTime  time.Duration // parsing and resolving the YAML
	routeTime time.Duration // building the router over it
	closed    int           // object schemas closeObjectSchemas closed
	err       error
}

func loadSpec(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	spec.once.Do(func() {
		p := os.Getenv(specEnv)
		if p == "" {
			p = defaultSpec
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		spec.path = p
		if _, err := os.Stat(p); err != nil {
			spec.err = err
			return
		}
		start := time.Now()
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		doc, err := loader.LoadFromFile(p)
		if err != nil {
			spec.err = fmt.Errorf("loading %s: %w", p, err)
			return
		}
		// The spec's only server is https://{kibana_url} (default
		// localhost:5601). Routes are matched on the path alone, so the
		// httptest server's address does not matter.
		doc.Servers = nil
		spec.closed = closeObjectSchemas(doc)
		dropObjectQueryParameters(doc)
		collapseIdenticalOneOf(doc)
		honourNullableRefs(doc)
		mergeEquivalentPaths(doc)
		loaded := time.Now()
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			spec.err = fmt.Errorf("building a router over %s: %w", p, err)
			return
		}
		spec.doc, spec.router = doc, router
		spec.loadTime, spec.routeTime = loaded.Sub(start), time.Since(loaded)
	})
	if errors.Is(spec.err, os.ErrNotExist) && os.Getenv(requireSpecEnv) != "" {
		t.Fatalf("%s is set but the Kibana OpenAPI spec is not at %s: %v", requireSpecEnv, spec.path, spec.err)
	}
	if errors.Is(spec.err, os.ErrNotExist) {
		t.Skipf("Kibana OpenAPI spec not found at %s (set %s to its path): %v", spec.path, specEnv, spec.err)
	}
	if spec.err != nil {
		t.Fatal(spec.err)
	}
	return spec.doc, spec.router
}

// dropObjectQueryParameters removes, in memory, optional query parameters
// whose schema is an object (alerting's has_reference): kin-openapi decodes
// such a parameter out of every query parameter present and then reports
// its required members missing, failing any request with a query string.
// None of our tools sends one.
func dropObjectQueryParameters(doc *openapi3.T) {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			kept := op.Parameters[:0]
			for _, p := range op.Parameters {
				v := p.Value
				if v != nil && v.In == "query" && !v.Required && v.Schema != nil && v.Schema.Value != nil && v.Schema.Value.Type.Is("object") {
					continue
				}
				kept = append(kept, p)
			}
			op.Parameters = kept
		}
	}
}

// nullableRefs are properties the spec marks nullable beside a $ref,
// which OpenAPI 3.0 (and so kin-openapi) ignores. Kibana takes null there:
// a detection rule action's frequency.throttle is null unless the action
// notifies on an interval, and exported rules carry that null.
var nullableRefs = []struct{ schema, property string }{
	{"Security_Detections_API_RuleActionFrequency", "throttle"},
}

// honourNullableRefs makes nullableRefs' properties nullable, in memory.
func honourNullableRefs(doc *openapi3.T) {
	for _, n := range nullableRefs {
		s := doc.Components.Schemas[n.schema]
		if s == nil || s.Value == nil || s.Value.Properties[n.property] == nil {
			continue
		}
		prop := *s.Value.Properties[n.property].Value
		prop.Nullable = true
		s.Value.Properties[n.property] = &openapi3.SchemaRef{Value: &prop}
	}
}

// shapeOf is a schema as JSON without its prose (descriptions, titles,
// examples), which does not change what it accepts.
func shapeOf(s *openapi3.Schema) string {
	b, _ := json.Marshal(s)
	var v any
	json.Unmarshal(b, &v)
	var strip func(v any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, k := range []string{"description", "title", "example", "examples"} {
				delete(v, k)
			}
			for _, sub := range v {
				strip(sub)
			}
		case []any:
			for _, sub := range v {
				strip(sub)
			}
		}
	}
	strip(v)
	out, _ := json.Marshal(v)
	return string(out)
}

// pathParam is a path template's {parameter}.
var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// mergeEquivalentPaths moves, in memory, the operations of a path template
// that differs from another only in its parameters' names onto the one
// with more operations, renaming their path parameters: Agent Builder's
// PUT /tools/{toolId} joins GET and DELETE /tools/{id} (update_ai_agent_tool
// declares {id}). The router (gorilla mux) stops at the first template that
// matches a path and answers 405 for the other's methods.
func mergeEquivalentPaths(doc *openapi3.T) {
	byShape := map[string][]string{}
	for _, p := range doc.Paths.InMatchingOrder() {
		key := pathParam.ReplaceAllString(p, "{}")
		byShape[key] = append(byShape[key], p)
	}
	for _, ps := range byShape {
		if len(ps) != 2 {
			continue
		}
		into, from := ps[0], ps[1]
		if len(doc.Paths.Value(from).Operations()) > len(doc.Paths.Value(into).Operations()) {
			into, from = from, into
		}
		target, source := doc.Paths.Value(into), doc.Paths.Value(from)
		overlap := false
		for method := range source.Operations() {
			overlap = overlap || target.GetOperation(method) != nil
		}
		if overlap {
			continue
		}
		names, to := pathParam.FindAllString(from, -1), pathParam.FindAllString(into, -1)
		rename := map[string]string{}
		for i := range names {
			rename[strings.Trim(names[i], "{}")] = strings.Trim(to[i], "{}")
		}
		for method, op := range source.Operations() {
			for i, ref := range op.Parameters {
				if ref.Value != nil && ref.Value.In == openapi3.ParameterInPath && rename[ref.Value.Name] != "" {
					renamed := *ref.Value
					renamed.Name = rename[ref.Value.Name]
					op.Parameters[i] = &openapi3.ParameterRef{Value: &renamed}
				}
			}
			target.SetOperation(method, op)
		}
		doc.Paths.Delete(from)
	}
}

// collapseIdenticalOneOf replaces, in memory, a oneOf whose branches are all
// the same schema but for their prose by that schema (the role API's
// kibana[].base lists one string array twice): no value can match exactly one of two identical
// branches, so as written the spec refuses every request that uses it.
func collapseIdenticalOneOf(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if len(s.OneOf) > 1 {
			first := shapeOf(s.OneOf[0].Value)
			same := true
			for _, other := range s.OneOf[1:] {
				same = same && shapeOf(other.Value) == first
			}
			if same {
				ref.Value = s.OneOf[0].Value
				walk(ref)
				return
			}
		}
		for _, list := range [][]*openapi3.SchemaRef{s.OneOf, s.AnyOf, s.AllOf} {
			for _, sub := range list {
				walk(sub)
			}
		}
		walk(s.Items)
		walk(s.Not)
		for _, p := range s.Properties {
			walk(p)
		}
		if s.AdditionalProperties.Schema != nil {
			walk(s.AdditionalProperties.Schema)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				walk(mt.Schema)
			}
		}
	}
}

// requireSpecEnv, when set (CI sets it when the spec is beside the repo),
// turns a missing spec into a failure instead of a skip.
const requireSpecEnv = "KIBANA_MCP_REQUIRE_SPEC"

func TestMain(m *testing.M) {
	code := m.Run()
	if errors.Is(spec.err, os.ErrNotExist) {
		// Said without -v: a green run that validated nothing must not
		// pass for one that did.
		fmt.Fprintf(os.Stderr, "contract: SKIPPED the spec checks: no Kibana OpenAPI spec at %s (set %s); no request was validated against it\n", spec.path, specEnv)
	}
	if spec.doc != nil && testing.Verbose() {
		fmt.Printf("contract: loaded %s in %s, built its router in %s; closed %d request-body object schemas\n", spec.path,
			spec.loadTime.Round(time.Millisecond), spec.routeTime.Round(time.Millisecond), spec.closed)
	}
	os.Exit(code)
}

// closeObjectSchemas makes the request-body object schemas that list their
// properties, and say nothing about others, reject undeclared members
// (additionalProperties: false), in memory only. The spec leaves them open,
// so a misspelt member would pass validation. Kibana itself rejects unknown
// keys (kbn-config-schema objects and the Cases API's exact io-ts codecs do).
// Schemas that are allOf members, or have allOf, stay open: each part of an
// allOf lists only some of the properties. It returns how many it closed.
func closeObjectSchemas(doc *openapi3.T) int {
	seen := map[*openapi3.Schema]bool{}
	allOfPart := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		for _, part := range s.AllOf {
			if part.Value != nil {
				allOfPart[part.Value] = true
			}
			walk(part)
		}
		for _, alt := range s.OneOf {
			walk(alt)
		}
		for _, alt := range s.AnyOf {
			walk(alt)
		}
		walk(s.Items)
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.AdditionalProperties.Schema)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, media := range op.RequestBody.Value.Content {
				walk(media.Schema)
			}
		}
	}
	closed := 0
	for s := range seen {
		if len(s.Properties) == 0 || len(s.AllOf) > 0 || allOfPart[s] ||
			s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil {
			continue
		}
		no := false
		s.AdditionalProperties.Has = &no
		closed++
	}
	return closed
}

// TestOperationsExistInSpec checks every operation's method and path
// template is in the spec, as written or with the space prefix.
func TestOperationsExistInSpec(t *testing.T) {
	doc, _ := loadSpec(t)
	for _, op := range tools.All() {
		key := op.Method + " " + op.Path
		template, found := specOperation(doc, op.Method, op.Path)
		reason, allowed := missingFromSpec[key]
		switch {
		case found && allowed:
			t.Errorf("%s: %s is in the spec (as %s) but listed in missingFromSpec (%s); remove it from the list", op.Name, key, template, reason)
		case !found && !allowed:
			msg := fmt.Sprintf("%s: %s is not in the spec (neither %s nor %s%s)", op.Name, key, op.Path, spacePrefixTemplate, op.Path)
			if item := doc.Paths.Find(op.Path); item != nil {
				msg += fmt.Sprintf("; the spec has this path with other placeholder names, methods %v", methodsOf(item))
			}
			t.Error(msg)
		}
	}
}

// specOperation finds method+path in the spec and returns the template under
// which it is listed.
func specOperation(doc *openapi3.T, method, path string) (string, bool) {
	for _, p := range []string{path, spacePrefixTemplate + path} {
		if item := doc.Paths.Value(p); item != nil && item.GetOperation(method) != nil {
			return p, true
		}
	}
	return "", false
}

func methodsOf(item *openapi3.PathItem) []string {
	var ms []string
	for m := range item.Operations() {
		ms = append(ms, m)
	}
	return ms
}

// recorded is one request as the loopback Kibana received it.
type recorded struct {
	Method   string
	Path     string // escaped, as sent
	RawQuery string
	Header   http.Header
	Body     []byte
}

func (r *recorded) URL() string {
	if r.RawQuery == "" {
		return r.Path
	}
	return r.Path + "?" + r.RawQuery
}

func (r *recorded) String() string {
	s := r.Method + " " + r.URL()
	if len(r.Body) > 0 {
		body := string(r.Body)
		if !utf8.ValidString(body) {
			body = strconv.Quote(body)
		}
		if len(body) > 4000 {
			body = body[:4000] + "…(truncated)"
		}
		s += "\nContent-Type: " + r.Header.Get("Content-Type") + "\n" + body
	}
	return s
}

// TestRequestsMatchSpec replays every example of every operation through the
// real client against a loopback server and validates what arrives.
func TestRequestsMatchSpec(t *testing.T) {
	_, router := loadSpec(t)
	for _, op := range tools.All() {
		if len(op.Examples) == 0 {
			t.Errorf("%s has no Examples: the contract test cannot check it", op.Name)
		}
		for i, example := range op.Examples {
			t.Run(op.Name+"/example"+strconv.Itoa(i), func(t *testing.T) {
				if op.Composite() && !op.ReadOnly() {
					t.Skip("a write that reads first or builds its body in its flow: TestFlowsMatchSpec checks all it sends")
				}
				checkExample(t, router, op, example)
			})
		}
	}
}

func checkExample(t *testing.T, router routers.Router, op *operation.Operation, example string) {
	var args map[string]any
	if err := json.Unmarshal([]byte(example), &args); err != nil {
		t.Fatalf("example is not a JSON object: %v\n%s", err, example)
	}

	var (
		mu  sync.Mutex
		got []*recorded
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading request body: %v", err)
		}
		mu.Lock()
		got = append(got, &recorded{
			Method:   r.Method,
			Path:     r.URL.EscapedPath(),
			RawQuery: r.URL.RawQuery,
			Header:   r.Header.Clone(),
			Body:     body,
		})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "{}")
	}))
	defer srv.Close()

	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: testAPIKey}, nil)
	if err != nil {
		t.Fatalf("kibana.New: %v", err)
	}
	req, err := op.Bind(args)
	if err != nil {
		t.Fatalf("Bind(%s): %v", example, err)
	}
	if _, err := client.Do(context.Background(), req); err != nil {
		t.Fatalf("Do: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("loopback Kibana received %d requests, want 1", len(got))
	}
	rec := got[0]
	t.Logf("request: %s", rec)

	checkHeaders(t, op, args, rec)

	key := op.Method + " " + op.Path
	mediaType, _, _ := mime.ParseMediaType(rec.Header.Get("Content-Type"))
	for _, gap := range []string{key, key + " " + mediaType} {
		if reason, ok := specGaps[gap]; ok {
			t.Skipf("%s: %s; headers checked, body not validated", gap, reason)
		}
	}
	if reason, ok := missingFromSpec[key]; ok {
		t.Skipf("%s is not in the spec (%s); headers checked, nothing to validate against", key, reason)
	}
	validate(t, router, op, rec)
}

// checkHeaders asserts what the spec cannot: its authentication is declared
// loosely, and kbn-xsrf and the API version were stripped from it.
func checkHeaders(t *testing.T, op *operation.Operation, args map[string]any, rec *recorded) {
	t.Helper()
	if rec.Method != op.Method {
		t.Errorf("method %s, want %s\nrequest: %s", rec.Method, op.Method, rec)
	}
	if got, want := rec.Header.Get("Authorization"), "ApiKey "+testAPIKey; got != want {
		t.Errorf("Authorization %q, want %q\nrequest: %s", got, want, rec)
	}
	if rec.Method != http.MethodGet && rec.Method != http.MethodHead && rec.Header.Get("kbn-xsrf") == "" {
		t.Errorf("no kbn-xsrf header on a %s request: Kibana rejects it\nrequest: %s", rec.Method, rec)
	}
	if got, ok := rec.Header["Elastic-Api-Version"]; op.APIVersion == "" {
		if ok {
			t.Errorf("elastic-api-version %q sent, but the operation declares none\nrequest: %s", got, rec)
		}
	} else if len(got) != 1 || got[0] != op.APIVersion {
		t.Errorf("elastic-api-version %q, want %q\nrequest: %s", got, op.APIVersion, rec)
	}
	if space, ok := args[operation.SpaceArgument].(string); ok && space != "" && space != "default" {
		if prefix := "/s/" + url.PathEscape(space) + "/"; !strings.HasPrefix(rec.Path, prefix) {
			t.Errorf("space_id %q given but the path does not start with %s\nrequest: %s", space, prefix, rec)
		}
	}

	ct := rec.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); mt == "application/zip" || mt == "application/gzip" {
		// An archive sent as the raw body (Fleet package upload).
		if len(rec.Body) == 0 {
			t.Errorf("Content-Type %s with an empty body\nrequest: %s", ct, rec)
		}
		return
	}
	switch bodyKindOf(op) {
	case noBody:
		if len(rec.Body) > 0 || ct != "" {
			t.Errorf("operation has no body fields but sent a body (Content-Type %q)\nrequest: %s", ct, rec)
		}
	case jsonBody:
		if ct != "application/json" {
			t.Errorf("Content-Type %q, want application/json\nrequest: %s", ct, rec)
		}
		if !json.Valid(rec.Body) {
			t.Errorf("body is not valid JSON\nrequest: %s", rec)
		}
	case multipartBody:
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
			t.Errorf("Content-Type %q, want multipart/form-data with a boundary\nrequest: %s", ct, rec)
		}
	}
}

type bodyKind int

const (
	noBody bodyKind = iota
	jsonBody
	multipartBody
)

// bodyKindOf reads the input struct's tags the way the tools package
// documents them: a field without an `in` tag is a JSON body member, `form`
// and `formfile` fields make a multipart body.
func bodyKindOf(op *operation.Operation) bodyKind {
	typ := reflect.TypeOf(op.Input)
	for typ != nil && typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	kind := noBody
	if typ == nil || typ.Kind() != reflect.Struct {
		return kind
	}
	if _, builds := reflect.New(typ).Interface().(operation.RequestBuilder); builds && allToolArguments(typ) {
		// Its Request builds the whole body from arguments the binder
		// never sends (the data tools' Agent Builder executions).
		return jsonBody
	}
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		// The tag may carry an option after a comma ("formfile,ndjson").
		in, _, _ := strings.Cut(f.Tag.Get("in"), ",")
		switch in {
		case "":
			kind = jsonBody
		case "form", "formfile":
			return multipartBody
		}
	}
	return kind
}

// allToolArguments reports whether every argument of typ is in:"tool".
func allToolArguments(typ reflect.Type) bool {
	n := 0
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		n++
		if f.Tag.Get("in") != "tool" {
			return false
		}
	}
	return n > 0
}

// validate finds the spec operation the request goes to and validates the
// request against it.
func validate(t *testing.T, router routers.Router, op *operation.Operation, rec *recorded) {
	t.Helper()
	route, err := validateRequest(router, rec)
	if route == nil {
		t.Fatalf("no spec operation matches the request: %v\nrequest: %s", err, rec)
	}
	if route.Path != op.Path && route.Path != spacePrefixTemplate+op.Path {
		t.Errorf("request was routed to the spec's %s %s, but the operation declares %s\nrequest: %s", route.Method, route.Path, op.Path, rec)
	}
	if err != nil {
		t.Errorf("request does not match the spec's %s %s (operationId %s; body objects that list their properties are treated as closed, see closeObjectSchemas):\n%s\nrequest: %s",
			route.Method, route.Path, route.Operation.OperationID, describe(err), rec)
	}
}

// validateRequest routes rec and validates it with kin-openapi. The route is
// nil when no spec operation matches.
func validateRequest(router routers.Router, rec *recorded) (*routers.Route, error) {
	httpReq, route, pathParams, err := findRoute(router, rec)
	if err != nil {
		return nil, err
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    httpReq,
		PathParams: pathParams,
		Route:      route,
		Options: &openapi3filter.Options{
			// The spec allows an API key or basic auth; which one and its
			// exact value are asserted in checkHeaders.
			AuthenticationFunc:                openapi3filter.NoopAuthenticationFunc,
			MultiError:                        true,
			RejectWhenRequestBodyNotSpecified: true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{
				openapi3.EnableFormatValidation(),
				openapi3.DisableSchemaErrorDetails(), // the schema dumps run to megabytes
			},
		},
	}
	return route, openapi3filter.ValidateRequest(context.Background(), input)
}

// findRoute matches the request to a spec operation. Most paths are in the
// spec as /api/...; some only as /s/{spaceId}/api/.... A request with a space
// prefix to a path the spec lists only unprefixed is matched without the
// prefix; a request without one to a path the spec lists only prefixed is
// matched as the default space. When both forms match, the one that binds
// fewer path parameters wins: GET /s/soc/api/maintenance_window/_find is
// the unprefixed _find route, not the prefixed {id} route with id "_find".
func findRoute(router routers.Router, rec *recorded) (*http.Request, *routers.Route, map[string]string, error) {
	candidates := []string{rec.Path}
	if rest, ok := strings.CutPrefix(rec.Path, "/s/"); ok {
		if _, after, ok := strings.Cut(rest, "/"); ok {
			candidates = append(candidates, "/"+after)
		}
	} else {
		candidates = append(candidates, "/s/default"+rec.Path)
	}
	var (
		firstErr   error
		bestReq    *http.Request
		bestRoute  *routers.Route
		bestParams map[string]string
	)
	for _, p := range candidates {
		u, err := url.Parse("http://kibana.invalid" + p)
		if err != nil {
			return nil, nil, nil, err
		}
		u.RawQuery = rec.RawQuery
		httpReq, err := http.NewRequest(rec.Method, u.String(), bytes.NewReader(rec.Body))
		if err != nil {
			return nil, nil, nil, err
		}
		httpReq.Header = rec.Header.Clone()
		route, params, err := router.FindRoute(httpReq)
		if err == nil {
			if bestRoute == nil || boundParams(params) < boundParams(bestParams) {
				bestReq, bestRoute, bestParams = httpReq, route, params
			}
			continue
		}
		if firstErr == nil {
			firstErr = fmt.Errorf("%s %s: %w", rec.Method, p, err)
		}
	}
	if bestRoute != nil {
		return bestReq, bestRoute, bestParams, nil
	}
	return nil, nil, nil, firstErr
}

// boundParams counts the path parameters a match bound, the space aside.
func boundParams(params map[string]string) int {
	n := len(params)
	if _, ok := params["spaceId"]; ok {
		n--
	}
	return n
}

// describe lists kin-openapi's errors one per line.
func describe(err error) string {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		lines := make([]string, 0, len(me))
		for _, e := range me {
			lines = append(lines, "  - "+e.Error())
		}
		return strings.Join(lines, "\n")
	}
	return "  - " + err.Error()
}

// TestValidatorCatchesMistakes guards the guard: requests the spec forbids
// must fail validation, so that a passing TestRequestsMatchSpec means
// something. It also pins the kin-openapi behaviours the test relies on.
func TestValidatorCatchesMistakes(t *testing.T) {
	_, router := loadSpec(t)
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	multipart := func(parts ...string) (http.Header, []byte) {
		var b strings.Builder
		for i := 0; i+2 < len(parts); i += 3 {
			fmt.Fprintf(&b, "--B\r\nContent-Disposition: form-data; name=%q", parts[i])
			if parts[i+1] != "" {
				fmt.Fprintf(&b, "; filename=\"x.png\"\r\nContent-Type: %s", parts[i+1])
			}
			fmt.Fprintf(&b, "\r\n\r\n%s\r\n", parts[i+2])
		}
		b.WriteString("--B--\r\n")
		return http.Header{"Content-Type": {"multipart/form-data; boundary=B"}}, []byte(b.String())
	}
	fileHeader, fileBody := multipart("filename", "", "shot", "file", "image/png", "\x89PNG")
	noFileHeader, noFileBody := multipart("filename", "", "shot")
	extraHeader, extraBody := multipart("file", "image/png", "\x89PNG", "bogus", "", "x")

	for _, c := range []struct {
		name      string
		rec       recorded
		wantRoute string // spec path template; "" means no route
		wantValid bool
	}{
		{"find ok", recorded{Method: "GET", Path: "/api/cases/_find", RawQuery: "status=open&perPage=100"}, "/api/cases/_find", true},
		// oneOf string|array query parameters: kin-openapi decodes both
		// branches and keeps the array (listed last in the spec), so every
		// repeated value is validated, and a single value is a one-item array.
		{"find repeated ok", recorded{Method: "GET", Path: "/s/soc/api/cases/_find", RawQuery: "tags=a&tags=b&searchFields=title&searchFields=description&owner=cases"}, "/api/cases/_find", true},
		{"find bad second of repeated enum", recorded{Method: "GET", Path: "/api/cases/_find", RawQuery: "searchFields=title&searchFields=bogus"}, "/api/cases/_find", false},
		{"find bad single enum in oneOf", recorded{Method: "GET", Path: "/api/cases/_find", RawQuery: "owner=bogus"}, "/api/cases/_find", false},
		{"find bad enum", recorded{Method: "GET", Path: "/api/cases/_find", RawQuery: "status=bogus"}, "/api/cases/_find", false},
		{"find above maximum", recorded{Method: "GET", Path: "/api/cases/_find", RawQuery: "perPage=500"}, "/api/cases/_find", false},
		{"find not an integer", recorded{Method: "GET", Path: "/api/cases/_find", RawQuery: "page=two"}, "/api/cases/_find", false},
		{"body where none is specified", recorded{Method: "GET", Path: "/api/cases/_find", Header: jsonHeader, Body: []byte(`{}`)}, "/api/cases/_find", false},
		{"create without required members", recorded{Method: "POST", Path: "/api/cases", Header: jsonHeader, Body: []byte(`{}`)}, "/api/cases", false},
		// Closed by closeObjectSchemas: the spec itself would let this through.
		{"create with misspelt member", recorded{Method: "POST", Path: "/api/cases", Header: jsonHeader, Body: []byte(`{"title":"t","description":"d","tags":[],"owner":"cases","connector":{"id":"none","name":"none","type":".none","fields":null},"settings":{"syncAlerts":false},"severty":"low"}`)}, "/api/cases", false},
		{"create ok", recorded{Method: "POST", Path: "/api/cases", Header: jsonHeader, Body: []byte(`{"title":"t","description":"d","tags":[],"owner":"cases","connector":{"id":"none","name":"none","type":".none","fields":null},"settings":{"syncAlerts":false},"severity":"low"}`)}, "/api/cases", true},
		{"create with wrong content type", recorded{Method: "POST", Path: "/api/cases", Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte(`x`)}, "/api/cases", false},
		{"multipart file ok", recorded{Method: "POST", Path: "/api/cases/c1/files", Header: fileHeader, Body: fileBody}, "/api/cases/{caseId}/files", true},
		{"multipart missing required file", recorded{Method: "POST", Path: "/api/cases/c1/files", Header: noFileHeader, Body: noFileBody}, "/api/cases/{caseId}/files", false},
		{"multipart unknown part", recorded{Method: "POST", Path: "/api/cases/c1/files", Header: extraHeader, Body: extraBody}, "/api/cases/{caseId}/files", false},
		{"multipart sent as JSON", recorded{Method: "POST", Path: "/api/cases/c1/files", Header: jsonHeader, Body: []byte(`{"file":"x"}`)}, "/api/cases/{caseId}/files", false},
		// Paths the spec lists only with the space prefix.
		{"space-only path, default space", recorded{Method: "GET", Path: "/api/data_views"}, "/s/{spaceId}/api/data_views", true},
		{"space-only path, other space", recorded{Method: "GET", Path: "/s/soc/api/data_views"}, "/s/{spaceId}/api/data_views", true},
		// A literal segment beats a template one across the two forms.
		{"literal path beats prefixed template", recorded{Method: "GET", Path: "/s/soc/api/maintenance_window/_find"}, "/api/maintenance_window/_find", true},
		{"prefixed template still matches", recorded{Method: "GET", Path: "/s/soc/api/maintenance_window/mw1"}, "/s/{spaceId}/api/maintenance_window/{id}", true},
		{"unknown path", recorded{Method: "GET", Path: "/api/cases/c1/nothing/here"}, "", false},
		{"unknown method", recorded{Method: "PATCH", Path: "/api/cases/_find"}, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := c.rec
			if rec.Header == nil {
				rec.Header = http.Header{}
			}
			rec.Header.Set("Authorization", "ApiKey "+testAPIKey)
			route, err := validateRequest(router, &rec)
			switch {
			case c.wantRoute == "" && route != nil:
				t.Fatalf("routed to %s %s, want no route\nrequest: %s", route.Method, route.Path, &rec)
			case c.wantRoute == "":
				return
			case route == nil:
				t.Fatalf("no route (%v), want %s\nrequest: %s", err, c.wantRoute, &rec)
			case route.Path != c.wantRoute:
				t.Errorf("routed to %s, want %s\nrequest: %s", route.Path, c.wantRoute, &rec)
			}
			if err != nil {
				t.Logf("kin-openapi: %v", err)
			}
			if valid := err == nil; valid != c.wantValid {
				t.Errorf("valid = %v, want %v; kin-openapi said: %v\nrequest: %s", valid, c.wantValid, err, &rec)
			}
		})
	}
}

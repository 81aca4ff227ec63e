package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/sandbox"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// TestFlowsMatchSpec runs every example of the tools that take more than
// one request or reshape their answer (update_case reads the version first,
// attach_alerts_to_case looks up the alerts' rule) through the tool's own
// handler against the sandbox, and validates every request the tool sends.
// Binding alone would check only the request the flow starts from.
func TestFlowsMatchSpec(t *testing.T) {
	_, router := loadSpec(t)
	flows := 0
	for _, op := range tools.All() {
		if !op.Composite() {
			continue
		}
		flows++
		for i, example := range op.Examples {
			t.Run(op.Name+"/example"+strconv.Itoa(i), func(t *testing.T) {
				checkFlowExample(t, router, op, example)
			})
		}
	}
	if flows == 0 {
		t.Fatal("no composite tools found: Composite() is broken or the conveniences are gone")
	}
}

func checkFlowExample(t *testing.T, router routers.Router, op *operation.Operation, example string) {
	var args map[string]any
	if err := json.Unmarshal([]byte(example), &args); err != nil {
		t.Fatal(err)
	}
	srv, all := recordingSandbox(t)
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: testAPIKey, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var call mcp.CallToolRequest
	call.Params.Name = op.Name
	call.Params.Arguments = args
	res, err := serve.Handler(client, tools.Catalog, op)(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	sent := all()
	if res.IsError {
		// get_document's examples name made-up documents (the sandbox's
		// event ids and backing index names come from its seed and clock):
		// "no such document" is the answer, and the requests are checked
		// below all the same.
		if text := fmt.Sprint(res.Content); !(op.Name == "get_document" && strings.Contains(text, "no document")) {
			t.Fatalf("the tool failed against the sandbox: %v", res.Content)
		}
	}
	if len(sent) == 0 {
		t.Fatal("the tool sent nothing")
	}
	var last *exchange
	for _, x := range sent {
		t.Logf("request: %s → %d", x.req, x.status)
		checkExchange(t, router, x)
		last = x
	}
	// The request that does the work is the last, and on the tool's route.
	if last.req.Method != op.Method {
		t.Errorf("the last request is a %s, want the tool's %s", last.req.Method, op.Method)
	}
}

// checkExchange checks one request a tool sent the sandbox: the key, an
// API version, kbn-xsrf on a write, the spec, and a 2xx answer.
func checkExchange(t *testing.T, router routers.Router, x *exchange) {
	t.Helper()
	if x.req.Header.Get("Authorization") != "ApiKey "+testAPIKey || x.req.Header.Get("Elastic-Api-Version") == "" {
		t.Errorf("request without the key or an API version\nrequest: %s", x.req)
	}
	if x.req.Method != http.MethodGet && x.req.Header.Get("kbn-xsrf") == "" {
		t.Errorf("no kbn-xsrf header on a %s request\nrequest: %s", x.req.Method, x.req)
	}
	route, err := validateRequest(router, x.req)
	switch {
	case route == nil:
		t.Errorf("no spec operation matches the request: %v\nrequest: %s", err, x.req)
	case err != nil:
		t.Errorf("request does not match the spec's %s %s:\n%s\nrequest: %s", route.Method, route.Path, describe(err), x.req)
	}
	if x.status >= 300 {
		t.Errorf("the sandbox answered %d: %s\nrequest: %s", x.status, x.body, x.req)
	}
}

// recordingSandbox serves a fresh sandbox on loopback and records every
// exchange, in order.
func recordingSandbox(t *testing.T) (*httptest.Server, func() []*exchange) {
	kib := sandbox.New(sandbox.Config{APIKey: testAPIKey, Seed: 1})
	var (
		mu   sync.Mutex
		seen []*exchange
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rw := httptest.NewRecorder()
		kib.ServeHTTP(rw, r)
		mu.Lock()
		seen = append(seen, &exchange{
			req:    &recorded{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body},
			status: rw.Code, header: rw.Header().Clone(), body: rw.Body.Bytes(),
		})
		mu.Unlock()
		for k, v := range rw.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rw.Code)
		w.Write(rw.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv, func() []*exchange {
		mu.Lock()
		defer mu.Unlock()
		return append([]*exchange(nil), seen...)
	}
}

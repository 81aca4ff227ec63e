package transport

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// caseTemplate is the test servers' resource template: a case read from
// the fake Kibana.
const caseTemplate = "kibana://cases/{caseId}"

// caseCompleter completes case ids by reading the fake Kibana, as the real
// completer searches it.
type caseCompleter struct{ kc *kibana.Client }

func (c caseCompleter) complete(ctx context.Context, typed string) (*mcp.Completion, error) {
	resp, err := c.kc.Do(ctx, &kibana.Request{Method: http.MethodGet, Path: "/api/cases/" + url.PathEscape(typed)})
	if err != nil {
		return nil, err
	}
	return &mcp.Completion{Values: []string{strings.TrimSpace(string(resp.Body))}}, nil
}

func (c caseCompleter) CompletePromptArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	return c.complete(ctx, arg.Value)
}

func (c caseCompleter) CompleteResourceArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	return c.complete(ctx, arg.Value)
}

// newReadingMCP is newMCP with a case resource template and case id
// completion, both reading Kibana through kc, put under the transport's
// limits as app.NewServer puts them.
func newReadingMCP(t *testing.T, ts *Server, kc *kibana.Client, extra ...server.ServerTool) *server.MCPServer {
	t.Helper()
	s := newMCP(t, ts, kc, extra...)
	// newMCP's server is built; these options apply to it as they would
	// at construction.
	completer := ts.LimitCompletions(caseCompleter{kc})
	for _, opt := range []server.ServerOption{
		server.WithResourceCapabilities(false, false),
		server.WithCompletions(),
		server.WithResourceHandlerMiddleware(ts.ResourceMiddleware()),
		server.WithPromptCompletionProvider(completer),
		server.WithResourceCompletionProvider(completer),
	} {
		opt(s)
	}
	s.AddResourceTemplate(mcp.NewResourceTemplate(caseTemplate, "case"),
		func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			id, _ := strings.CutPrefix(req.Params.URI, "kibana://cases/")
			resp, err := kc.Do(ctx, &kibana.Request{Method: http.MethodGet, Path: "/api/cases/" + url.PathEscape(id)})
			if err != nil {
				return nil, err
			}
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "application/json", Text: strings.TrimSpace(string(resp.Body))}}, nil
		})
	return s
}

func readCase(c *client.Client, id string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	var req mcp.ReadResourceRequest
	req.Params.URI = "kibana://cases/" + id
	res, err := c.ReadResource(ctx, req)
	if err != nil {
		return "", err
	}
	if len(res.Contents) != 1 {
		return "", nil
	}
	text, _ := res.Contents[0].(mcp.TextResourceContents)
	return text.Text, nil
}

func completeCase(c *client.Client, typed string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	var req mcp.CompleteRequest
	req.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: caseTemplate}
	req.Params.Argument = mcp.CompleteArgument{Name: "caseId", Value: typed}
	res, err := c.Complete(ctx, req)
	if err != nil {
		return nil, err
	}
	return res.Completion.Values, nil
}

// TestReadsShareTheCallLimit: with one call slot held by a tool call that
// waits on Kibana, a resource read and a completion are refused after the
// slot wait with a JSON-RPC error naming the limit, and reach Kibana only
// once the slot is free.
func TestReadsShareTheCallLimit(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		kib := newFakeKibana(t, 0)
		started, release := make(chan struct{}, 1), make(chan struct{})
		ts := New(Options{Transport: tr, MaxConcurrentCalls: 1, Metrics: true})
		ts.slotWait = 100 * time.Millisecond
		r := serve(t, ts, newReadingMCP(t, ts, kib.client(t, nil), blockingTool(started, release)))
		c := mustConnect(t, r, nil)
		held := make(chan struct{})
		go func() {
			defer close(held)
			callTool(t, c, "block", nil)
		}()
		select {
		case <-started:
		case <-time.After(testWait):
			t.Fatal("the slow call never started")
		}
		for name, do := range map[string]func() (string, error){
			"resources/read": func() (string, error) { return readCase(c, "r1") },
			"completion/complete": func() (string, error) {
				v, err := completeCase(c, "r2")
				return strings.Join(v, ","), err
			},
		} {
			start := time.Now()
			got, err := do()
			if err == nil || !strings.Contains(err.Error(), "its limit of 1 tool calls, resource reads and completions at once") ||
				!strings.Contains(err.Error(), "nothing was sent to Kibana") {
				t.Errorf("%s while the slot is held: %q %v", name, got, err)
			}
			if d := time.Since(start); d < 100*time.Millisecond || d > 2*time.Second {
				t.Errorf("%s was refused after %s; the slot wait is 100ms", name, d)
			}
		}
		if reqs := kib.requests(); len(reqs) != 0 {
			t.Errorf("refused reads reached Kibana: %+v", reqs)
		}
		close(release)
		<-held
		if text, err := readCase(c, "r3"); err != nil || text != `{"id":"r3"}` {
			t.Errorf("resources/read with the slot free: %q %v", text, err)
		}
		if v, err := completeCase(c, "r4"); err != nil || len(v) != 1 || v[0] != `{"id":"r4"}` {
			t.Errorf("completion with the slot free: %q %v", v, err)
		}
		waitForMetric(t, ts, "kibana_mcp_tool_calls_in_flight 0")
		m := metricsOf(ts)
		for _, want := range []string{
			`kibana_mcp_requests_total{method="completion/complete",outcome="ok"} 1`,
			`kibana_mcp_requests_total{method="completion/complete",outcome="refused"} 1`,
			`kibana_mcp_requests_total{method="resources/read",outcome="ok"} 1`,
			`kibana_mcp_requests_total{method="resources/read",outcome="refused"} 1`,
		} {
			if !strings.Contains(m, want+"\n") {
				t.Errorf("metrics lack %s:\n%s", want, m)
			}
		}
	})
}

// TestReadsPerKey: a key at its call cap has its resource reads refused
// too, naming the per-key limit; another key reads at once.
func TestReadsPerKey(t *testing.T) {
	kib := newFakeKibana(t, 0)
	started, release := make(chan struct{}, 1), make(chan struct{})
	defer close(release)
	ts := New(Options{Transport: "http", AllowClientCredentials: true, MaxConcurrentCallsPerKey: 1})
	ts.slotWait = 50 * time.Millisecond
	r := serve(t, ts, newReadingMCP(t, ts, kib.client(t, nil), blockingTool(started, release)))
	alice := mustConnect(t, r, map[string]string{HeaderAPIKey: "alice-key"})
	bob := mustConnect(t, r, map[string]string{HeaderAPIKey: "bob-key"})
	go callTool(t, alice, "block", nil)
	select {
	case <-started:
	case <-time.After(testWait):
		t.Fatal("alice's call never started")
	}
	if text, err := readCase(alice, "a1"); err == nil || !strings.Contains(err.Error(), "this Kibana API key already has its limit of 1") {
		t.Errorf("alice's read at her cap: %q %v", text, err)
	}
	if text, err := readCase(bob, "b1"); err != nil || text != `{"id":"b1"}` {
		t.Errorf("bob's read: %q %v", text, err)
	}
}

// TestReadsStopAtCallTimeout: a resource read and a completion waiting on
// a Kibana that does not answer end at CallTimeout with an error that says
// so, and give their slot back.
func TestReadsStopAtCallTimeout(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		kib := newFakeKibana(t, time.Minute) // never answers in time
		ts := New(Options{Transport: tr, CallTimeout: 200 * time.Millisecond, MaxConcurrentCalls: 1, Metrics: true})
		r := serve(t, ts, newReadingMCP(t, ts, kib.client(t, nil)))
		c := mustConnect(t, r, nil)
		for name, do := range map[string]func() error{
			"resources/read":      func() error { _, err := readCase(c, "slow"); return err },
			"completion/complete": func() error { _, err := completeCase(c, "slow"); return err },
		} {
			start := time.Now()
			err := do()
			if err == nil || !strings.Contains(err.Error(), "longer than the 200ms limit") {
				t.Errorf("%s against a hanging Kibana: %v", name, err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s answered after %s", name, d)
			}
		}
		// Both gave their one slot back: each of the two above took it.
		waitForMetric(t, ts, "kibana_mcp_tool_calls_in_flight 0")
		m := metricsOf(ts)
		for _, want := range []string{
			`kibana_mcp_requests_total{method="resources/read",outcome="timeout"} 1`,
			`kibana_mcp_requests_total{method="completion/complete",outcome="timeout"} 1`,
		} {
			if !strings.Contains(m, want+"\n") {
				t.Errorf("metrics lack %s:\n%s", want, m)
			}
		}
	})
}

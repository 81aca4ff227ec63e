package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// recorded is one request as the loopback Kibana received it.
type recorded struct {
	Method, RequestURI, Body string
	Header                   http.Header
}

// fakeKibana records every request and answers from a route table keyed by
// "METHOD /path" (RequestURI without the query); unknown routes get 404 in
// Kibana's error format.
type fakeKibana struct {
	mu       sync.Mutex
	requests []recorded
	answers  map[string]string
}

func (k *fakeKibana) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	k.mu.Lock()
	k.requests = append(k.requests, recorded{r.Method, r.RequestURI, string(body), r.Header.Clone()})
	k.mu.Unlock()
	path, _, _ := strings.Cut(r.RequestURI, "?")
	if answer, ok := k.answers[r.Method+" "+path]; ok {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answer)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, `{"statusCode":404,"error":"Not Found","message":"Saved object [cases/missing] not found"}`)
}

// writes counts the requests that were not GETs: what a confirmation holds
// back (its question may read the objects it names).
func (k *fakeKibana) writes() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for _, r := range k.requests {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

func (k *fakeKibana) last(t *testing.T) recorded {
	t.Helper()
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.requests) == 0 {
		t.Fatal("Kibana received no request")
	}
	return k.requests[len(k.requests)-1]
}

func (k *fakeKibana) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.requests)
}

// buildBinary compiles the server once per test binary.
func buildBinary(t testing.TB) string { return build(t, ".") }

var (
	buildMu sync.Mutex
	built   = map[string]string{} // package → binary
)

// build compiles a main package of this module once per test binary.
func build(t testing.TB, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if bin, ok := built[pkg]; ok {
		return bin
	}
	dir, err := mkdirTemp()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, filepath.Base(filepath.Clean("/"+pkg)))
	if pkg == "." {
		bin = filepath.Join(dir, "kibana-mcp")
	}
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	built[pkg] = bin
	return bin
}

func startStdio(t *testing.T, kibanaURL string, extraEnv ...string) *client.Client {
	t.Helper()
	env := append([]string{"KIBANA_URL=" + kibanaURL, "KIBANA_API_KEY=e2e-secret-key", "KIBANA_MCP_LOG_LEVEL=debug"}, extraEnv...)
	c, err := client.NewStdioMCPClient(buildBinary(t), env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "e2e", Version: "1"}
	res, err := c.Initialize(ctx, init)
	if err != nil {
		t.Fatal(err)
	}
	if res.ServerInfo.Name != "kibana-mcp" {
		t.Fatalf("server info %+v", res.ServerInfo)
	}
	return c
}

func callTool(t *testing.T, c *client.Client, name, arguments string) (*mcp.CallToolResult, string) {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name = name
	var a map[string]any
	if err := json.Unmarshal([]byte(arguments), &a); err != nil {
		t.Fatal(err)
	}
	req.Params.Arguments = a
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("%s: protocol error %v", name, err)
	}
	text := ""
	if len(res.Content) > 0 {
		if tc, ok := res.Content[0].(mcp.TextContent); ok {
			text = tc.Text
		}
	}
	return res, text
}

func TestEndToEndStdio(t *testing.T) {
	caseJSON := `{"id":"c1","title":"Phishing wave","status":"open","severity":"critical","version":"WzQ3LDFd"}`
	k := &fakeKibana{answers: map[string]string{
		"GET /kibana/api/cases/_find":                                 `{"cases":[` + caseJSON + `],"page":1,"per_page":5,"total":1,"count_open_cases":1,"count_in_progress_cases":0,"count_closed_cases":0}`,
		"GET /kibana/s/soc/api/cases/..%2F..%2Fapi%2Fsecurity%2Frole": caseJSON,
		"GET /kibana/api/cases/c1":                                    caseJSON,
		"POST /kibana/api/cases/c1/comments":                          caseJSON,
		"PATCH /kibana/api/cases":                                     "[" + caseJSON + "]",
	}}
	srv := httptest.NewServer(k)
	defer srv.Close()
	c := startStdio(t, srv.URL+"/kibana/")

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]mcp.Tool{}
	for _, tool := range list.Tools {
		names[tool.Name] = tool
	}
	for _, want := range []string{"find_cases", "get_case"} {
		tool, ok := names[want]
		if !ok {
			t.Fatalf("tools/list lacks %s", want)
		}
		if tool.Annotations.ReadOnlyHint == nil || !*tool.Annotations.ReadOnlyHint {
			t.Errorf("%s is not marked read-only", want)
		}
	}

	// A search: query string, headers, base path kept.
	res, text := callTool(t, c, "find_cases", `{"status":"open","severity":"critical","tags":["phishing","bec"],"perPage":5}`)
	if res.IsError || !strings.Contains(text, "Phishing wave") {
		t.Fatalf("find_cases: %v %s", res.IsError, text)
	}
	got := k.last(t)
	if got.Method != "GET" || got.RequestURI != "/kibana/api/cases/_find?perPage=5&severity=critical&status=open&tags=phishing&tags=bec" {
		t.Errorf("Kibana saw %s %s", got.Method, got.RequestURI)
	}
	if got.Header.Get("Authorization") != "ApiKey e2e-secret-key" || got.Header.Get("elastic-api-version") != "2023-10-31" || got.Header.Get("kbn-xsrf") != "" || got.Body != "" {
		t.Errorf("headers %v body %q", got.Header, got.Body)
	}

	// A hostile ID stays one escaped segment, inside the requested space.
	res, _ = callTool(t, c, "get_case", `{"caseId":"../../api/security/role","space_id":"soc"}`)
	if res.IsError {
		t.Fatal("get_case with an escaped ID failed")
	}
	if got := k.last(t).RequestURI; got != "/kibana/s/soc/api/cases/..%2F..%2Fapi%2Fsecurity%2Frole" {
		t.Errorf("Kibana saw %s", got)
	}

	// Kibana's error comes back as a tool error with status and message.
	res, text = callTool(t, c, "get_case", `{"caseId":"missing"}`)
	if !res.IsError || text != "Kibana answered 404 Not Found: Saved object [cases/missing] not found" {
		t.Errorf("404: isError=%v text=%q", res.IsError, text)
	}

	// Bad arguments are refused before anything is sent.
	before := k.count()
	res, text = callTool(t, c, "find_cases", `{"severity":"urgent"}`)
	if !res.IsError || !strings.Contains(text, `"severity"`) || k.count() != before {
		t.Errorf("bad severity: isError=%v text=%q requests %d→%d", res.IsError, text, before, k.count())
	}

	// A write: JSON body, kbn-xsrf, and the comment type's fields only.
	res, text = callTool(t, c, "add_case_comment", `{"caseId":"c1","type":"user","owner":"securitySolution","comment":"Host isolated."}`)
	if res.IsError {
		t.Fatalf("add_case_comment: %s", text)
	}
	got = k.last(t)
	if got.Method != "POST" || got.RequestURI != "/kibana/api/cases/c1/comments" ||
		got.Body != `{"type":"user","owner":"securitySolution","comment":"Host isolated."}` ||
		got.Header.Get("kbn-xsrf") != "true" || got.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Kibana saw %s %s %q headers %v", got.Method, got.RequestURI, got.Body, got.Header)
	}

	// Moving a case to in-progress without knowing its version: the tool
	// reads the case, then PATCHes with the version it read, and answers
	// with a short acknowledgement of the case rather than a one-case list.
	before = k.count()
	res, text = callTool(t, c, "update_case", `{"caseId":"c1","status":"in-progress"}`)
	if res.IsError || !strings.HasPrefix(text, `{"caseId":"c1"`) {
		t.Fatalf("update_case: %s", text)
	}
	got = k.last(t)
	if k.count() != before+2 || got.Method != "PATCH" || got.RequestURI != "/kibana/api/cases" ||
		got.Body != `{"cases":[{"id":"c1","version":"WzQ3LDFd","status":"in-progress"}]}` || got.Header.Get("kbn-xsrf") != "true" {
		t.Errorf("Kibana saw %d requests, the last %s %s %q", k.count()-before, got.Method, got.RequestURI, got.Body)
	}

	// A destructive tool says so in its annotations.
	if del := names["delete_cases"]; del.Annotations.DestructiveHint == nil || !*del.Annotations.DestructiveHint {
		t.Error("delete_cases is not marked destructive")
	}
	// The default selection: the everyday tools of the triage toolsets,
	// without admin ones such as those that change case settings.
	// This Kibana has no Agent Builder and no Elasticsearch is configured:
	// the data tools are left out.
	def, err := serve.Select(tools.Catalog, serve.Selection{Exclude: tools.DataToolNames()})
	if err != nil {
		t.Fatal(err)
	}
	if _, admin := names["update_case_configuration"]; len(list.Tools) != len(def) || admin {
		t.Errorf("tools/list has %d tools, want the %d of the default selection", len(list.Tools), len(def))
	}

}

func TestEndToEndLogsOnlyToStderrAndNoSecrets(t *testing.T) {
	k := &fakeKibana{answers: map[string]string{"GET /api/cases/c1": `{"id":"c1"}`}}
	srv := httptest.NewServer(k)
	defer srv.Close()
	c := startStdio(t, srv.URL)
	callTool(t, c, "get_case", `{"caseId":"c1"}`)
	stderr, ok := client.GetStderr(c)
	if !ok {
		t.Skip("stderr not exposed by this transport")
	}
	c.Close() // flushes and ends the process, so stderr reaches EOF
	logs, _ := io.ReadAll(stderr)
	if !strings.Contains(string(logs), `"msg":"kibana request"`) {
		t.Errorf("expected debug request logs on stderr, got %q", logs)
	}
	if strings.Contains(string(logs), "e2e-secret-key") {
		t.Error("API key in logs")
	}
}

// TestEndToEndPipedRequestsAreAnsweredBeforeExit: a script that pipes its
// requests in and closes stdin still gets every answer, even from a slow
// Kibana (mcp-go alone would cancel the calls at end of input).
func TestEndToEndPipedRequestsAreAnsweredBeforeExit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"c1","title":"slow answer"}`)
	}))
	defer srv.Close()
	cmd := exec.Command(buildBinary(t))
	cmd.Env = []string{"KIBANA_URL=" + srv.URL, "KIBANA_MCP_LOG_LEVEL=error", "KIBANA_TIMEOUT=20s"}
	cmd.Stdin = strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"script","version":"1"}}}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_case","arguments":{"caseId":"c1"}}}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}
{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"get_case","arguments":{"caseId":"c1"}}}
{"jsonrpc":"1.0","id":4,"method":"tools/call","params":{"name":"get_case","arguments":{"caseId":"c1"}}}
`)
	start := time.Now()
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.Output(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatal("server did not exit after its input ended")
	}
	if err != nil {
		t.Fatalf("exit: %v", err)
	}
	if !strings.Contains(string(out), `"id":2,"result":{"content":[{"type":"text","text":"{\"id\":\"c1\",\"title\":\"slow answer\"}"}]`) {
		t.Errorf("the piped tool call was not answered:\n%s", out)
	}
	if !strings.Contains(string(out), `"id":3,"error"`) {
		t.Errorf("the unknown tool was not answered:\n%s", out)
	}
	// Messages that get no answer (a null id, a wrong protocol version) must
	// not hold the exit until the Kibana timeout.
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("exit took %v", took)
	}
}

// stdioElicitor answers the server's confirmation questions.
type stdioElicitor struct {
	mu       sync.Mutex
	action   mcp.ElicitationResponseAction
	messages []string
}

func (e *stdioElicitor) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.messages = append(e.messages, req.Params.Message)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: e.action}}, nil
}

// TestEndToEndConfirmationOverStdio: a client of the 2025-06-18 protocol
// gets an elicitation/create request on stdio before a delete; declining
// sends nothing, accepting sends the delete.
func TestEndToEndConfirmationOverStdio(t *testing.T) {
	k := &fakeKibana{answers: map[string]string{"DELETE /api/cases": "", "GET /api/cases/c1": `{"id":"c1","title":"Phishing wave"}`}}
	srv := httptest.NewServer(k)
	defer srv.Close()
	e := &stdioElicitor{action: mcp.ElicitationResponseActionDecline}
	tr := transport.NewStdioWithOptions(buildBinary(t), []string{"KIBANA_URL=" + srv.URL, "KIBANA_API_KEY=e2e-secret-key"}, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := tr.Start(ctx); err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithElicitationHandler(e))
	defer c.Close()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = "2025-06-18"
	init.Params.ClientInfo = mcp.Implementation{Name: "e2e", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	res, text := callTool(t, c, "delete_cases", `{"ids":["c1"]}`)
	if !res.IsError || !strings.Contains(text, "Nothing was changed") || k.writes() != 0 {
		t.Fatalf("declined delete: isError=%v %q, Kibana saw %d writes", res.IsError, text, k.writes())
	}
	e.mu.Lock()
	e.action = mcp.ElicitationResponseActionAccept
	e.mu.Unlock()
	res, text = callTool(t, c, "delete_cases", `{"ids":["c1"]}`)
	if res.IsError || k.writes() != 1 || k.last(t).RequestURI != "/api/cases?ids=c1" {
		t.Fatalf("accepted delete: isError=%v %q", res.IsError, text)
	}
	if len(e.messages) != 2 || e.messages[0] != `delete_cases in space "default": permanently delete case "Phishing wave" with its comments, alerts and history. Allow?` {
		t.Errorf("questions %q", e.messages)
	}
}

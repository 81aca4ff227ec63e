package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// testWait bounds every wait in these tests.
const testWait = 10 * time.Second

// serverKey is the server's own Kibana API key in these tests.
const serverKey = "server-key"

// seen is one request the fake Kibana got.
type seen struct {
	path, auth string
}

// fakeKibana answers GET /api/cases/{id} with {"id":…} after delay (cut
// short when the request is cancelled), and records every request.
type fakeKibana struct {
	*httptest.Server
	delay   time.Duration
	arrived chan string // each case path as its request arrives (buffered)

	mu   sync.Mutex
	seen []seen
}

func newFakeKibana(t *testing.T, delay time.Duration) *fakeKibana {
	f := &fakeKibana{delay: delay, arrived: make(chan string, 100)}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, seen{r.URL.Path, r.Header.Get("Authorization")})
		f.mu.Unlock()
		id, ok := strings.CutPrefix(r.URL.Path, "/api/cases/")
		if !ok || id == "missing" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"statusCode":404,"error":"Not Found","message":"case not found"}`))
			return
		}
		select {
		case f.arrived <- id:
		default:
		}
		select {
		case <-time.After(f.delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"id": id})
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeKibana) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.seen...)
}

// client is a Kibana client for the fake with the server's key, reporting
// to observe (nil: nothing).
func (f *fakeKibana) client(t *testing.T, observe func(int, time.Duration)) *kibana.Client {
	kc, err := kibana.New(kibana.Config{URL: f.URL, APIKey: serverKey, MaxRetries: -1, Observe: observe}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return kc
}

// newMCP builds an MCP server with the transport's middleware and a
// get_case tool served through kc, plus extra tools. The tool is a small
// stand-in for package tools' (which other work may be changing): one
// Kibana request, Kibana's errors as tool errors, a cancelled call as a
// Go error.
func newMCP(t *testing.T, ts *Server, kc *kibana.Client, extra ...server.ServerTool) *server.MCPServer {
	t.Helper()
	s := server.NewMCPServer("kibana-mcp-test", "1", server.WithToolCapabilities(false),
		server.WithRecovery(), server.WithToolHandlerMiddleware(ts.ToolMiddleware()))
	tool := mcp.NewTool("get_case", mcp.WithString("caseId", mcp.Required()))
	s.AddTool(tool, func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		id := req.GetString("caseId", "")
		resp, err := kc.Do(ctx, &kibana.Request{Method: http.MethodGet, Path: "/api/cases/" + url.PathEscape(id)})
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			return mcp.NewToolResultError(err.Error()), nil
		}
		return mcp.NewToolResultText(strings.TrimSpace(string(resp.Body))), nil
	})
	s.AddTools(extra...)
	return s
}

// logBuffer is a JSON log safe for the concurrent writers of a server.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines decodes the JSON log lines whose msg is msg.
func (b *logBuffer) lines(msg string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(b.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

func testLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// running is a Server serving on loopback through Serve.
type running struct {
	ts   *Server
	url  string
	stop func() error // cancels Serve and returns what it returned
}

// serve runs ts.Serve(mcp) on a loopback port until the test ends.
func serve(t *testing.T, ts *Server, mcp *server.MCPServer) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveOn(t, ts, mcp, ln)
}

func serveOn(t *testing.T, ts *Server, mcp *server.MCPServer, ln net.Listener) *running {
	t.Helper()
	if ts.opts.MetricsAddr == DefaultMetricsAddr {
		// Never the fixed default port in tests: another test, or a real
		// exporter on this machine, may hold it.
		ts.opts.MetricsAddr = "127.0.0.1:0"
	}
	base := ts.opts.scheme() + "://" + ln.Addr().String()
	metricsAt.Store(base, func() string {
		if u := ts.metricsURL.Load(); u != nil {
			return *u
		}
		return ""
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ts.Serve(ctx, ln, mcp) }()
	var once sync.Once
	var result error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(testWait):
				t.Error("Serve did not return after its context ended")
			}
		})
		return result
	}
	t.Cleanup(func() { stop() })
	return &running{ts: ts, url: base, stop: stop}
}

// metricsAt maps a test server's base URL to a func giving its metrics
// listener's base URL ("" while it is not listening yet), for scrape.
var metricsAt sync.Map

// legacyProtocol is the protocol version most clients speak today: with
// sessions on streamable HTTP. From 2026-07-28 on there are none.
const legacyProtocol = "2025-06-18"

// connect opens an initialized MCP client session over the server's
// transport with protocol version legacyProtocol, sending headers with
// every request.
func connect(t *testing.T, r *running, headers map[string]string) (*client.Client, error) {
	return connectWith(t, r, legacyProtocol, headers)
}

func connectWith(t *testing.T, r *running, protocol string, headers map[string]string) (*client.Client, error) {
	t.Helper()
	var c *client.Client
	var err error
	if r.ts.opts.Transport == "sse" {
		c, err = client.NewSSEMCPClient(r.url+"/sse", mcptransport.WithHeaders(headers))
	} else {
		c, err = client.NewStreamableHttpClient(r.url+"/mcp", mcptransport.WithHTTPHeaders(headers))
	}
	if err != nil {
		return nil, err
	}
	// The SSE client keeps Start's context for its stream: it must live
	// as long as the client.
	if err := c.Start(context.Background()); err != nil {
		c.Close()
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = protocol
	init.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		c.Close()
		return nil, err
	}
	t.Cleanup(func() { c.Close() })
	return c, nil
}

func mustConnect(t *testing.T, r *running, headers map[string]string) *client.Client {
	t.Helper()
	c, err := connect(t, r, headers)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// callTool calls name with args and returns the result's first text.
func callTool(t *testing.T, c *client.Client, name string, args map[string]any) (text string, isError bool, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	var req mcp.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return "", false, err
	}
	if len(res.Content) > 0 {
		if tc, ok := res.Content[0].(mcp.TextContent); ok {
			text = tc.Text
		}
	}
	return text, res.IsError, nil
}

// post sends one raw HTTP request and returns status, headers and body.
func post(t *testing.T, method, url, body string, headers map[string]string) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(data)
}

// initializeBody is a raw initialize request.
const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// scrape returns /metrics from where the server at url serves them to
// the caller with headers: with a token (in headers) the MCP listener,
// else the metrics listener of its own, as a scraper on the host would.
func scrape(t *testing.T, url string, headers map[string]string) string {
	t.Helper()
	if where, ok := metricsAt.Load(url); ok && headers["Authorization"] == "" {
		eventually(t, "the metrics listener", func() bool { return where.(func() string)() != "" })
		url = where.(func() string)()
	}
	status, _, body := post(t, http.MethodGet, url+"/metrics", "", headers)
	if status != http.StatusOK {
		t.Fatalf("/metrics: %d %s", status, body)
	}
	return body
}

// eventually polls cond until it holds or testWait passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// both runs f for each transport.
func both(t *testing.T, f func(t *testing.T, transport string)) {
	for _, tr := range []string{"http", "sse"} {
		t.Run(tr, func(t *testing.T) { f(t, tr) })
	}
}

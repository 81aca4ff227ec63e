package transport

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// sseStreamOpen is a raw GET /sse stream.
type sseStreamOpen struct {
	endpoint string // the message URL path with its sessionId
	body     io.ReadCloser
	cancel   context.CancelFunc
}

// openSSE opens GET /sse and reads the endpoint event; status is the
// answer's status when it is not a stream.
func openSSE(t *testing.T, base string, headers map[string]string) (*sseStreamOpen, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sse", nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return nil, resp.StatusCode
	}
	rd := bufio.NewReader(resp.Body)
	var endpoint string
	for endpoint == "" {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("SSE stream ended before its endpoint: %v", err)
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			endpoint = strings.TrimSpace(data)
		}
	}
	s := &sseStreamOpen{endpoint: endpoint, body: resp.Body, cancel: cancel}
	t.Cleanup(s.close)
	return s, resp.StatusCode
}

func (s *sseStreamOpen) close() { s.cancel(); s.body.Close() }

func TestSessionLimitStreamable(t *testing.T) {
	ts := New(Options{Transport: "http", MaxSessions: 2, Metrics: true})
	base := mount(t, ts, "127.0.0.1:8080")
	var ids []string
	for range 2 {
		status, hdr, body := post(t, http.MethodPost, base+"/mcp", initializeBody, nil)
		if status != http.StatusOK {
			t.Fatalf("initialize: %d %s", status, body)
		}
		ids = append(ids, hdr.Get("Mcp-Session-Id"))
	}
	status, hdr, body := post(t, http.MethodPost, base+"/mcp", initializeBody, nil)
	if status != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" ||
		!strings.Contains(body, `"id":1`) || !strings.Contains(body, "limit of 2 open sessions") {
		t.Errorf("third initialize: %d %v %s", status, hdr, body)
	}
	if m := scrape(t, base, nil); !strings.Contains(m, "kibana_mcp_sessions_open 2\n") {
		t.Errorf("metrics:\n%s", m)
	}
	// Ending a session makes room.
	if status, _, body := post(t, http.MethodDelete, base+"/mcp", "", map[string]string{"Mcp-Session-Id": ids[0], "Mcp-Protocol-Version": "2025-06-18"}); status != http.StatusOK {
		t.Fatalf("DELETE: %d %s", status, body)
	}
	if status, _, body := post(t, http.MethodPost, base+"/mcp", initializeBody, nil); status != http.StatusOK {
		t.Errorf("initialize after DELETE: %d %s", status, body)
	}
	// A stream needs an initialized session: mcp-go would open one for
	// any ID, outside the limit.
	if status, _, _ := post(t, http.MethodGet, base+"/mcp", "", nil); status != http.StatusBadRequest {
		t.Errorf("GET without a session: %d", status)
	}
	if status, _, _ := post(t, http.MethodGet, base+"/mcp", "", map[string]string{"Mcp-Session-Id": "made-up"}); status != http.StatusNotFound {
		t.Errorf("GET for an unknown session: %d", status)
	}
}

func TestSessionLimitSSE(t *testing.T) {
	ts := New(Options{Transport: "sse", MaxSessions: 1})
	base := mount(t, ts, "127.0.0.1:8080")
	first, _ := openSSE(t, base, nil)
	if _, status := openSSE(t, base, nil); status != http.StatusServiceUnavailable {
		t.Errorf("second stream: %d", status)
	}
	first.close()
	eventually(t, "room for a new stream", func() bool {
		s, status := openSSE(t, base, nil)
		if s != nil {
			s.close()
		}
		return status == http.StatusOK
	})
}

// TestSSESessionBelongsToItsKey mirrors TestSessionBelongsToItsKey for SSE,
// where the session ID travels in the message URL.
func TestSSESessionBelongsToItsKey(t *testing.T) {
	base := mount(t, New(Options{Transport: "sse", AllowClientCredentials: true}), "127.0.0.1:8080")
	stream, _ := openSSE(t, base, map[string]string{HeaderAPIKey: "alice-key"})
	for key, want := range map[string]int{"bob-key": http.StatusForbidden, "alice-key": http.StatusAccepted} {
		if status, _, body := post(t, http.MethodPost, base+stream.endpoint, initializeBody, map[string]string{HeaderAPIKey: key}); status != want {
			t.Errorf("%s in alice's session: %d %s, want %d", key, status, body, want)
		}
	}
	if status, _, _ := post(t, http.MethodPost, base+"/message?sessionId=made-up", initializeBody, map[string]string{HeaderAPIKey: "alice-key"}); status != http.StatusNotFound {
		t.Errorf("unknown session: %d", status)
	}
}

// blockingTool runs until release is closed, telling started when it runs.
func blockingTool(started chan<- struct{}, release <-chan struct{}) server.ServerTool {
	return server.ServerTool{
		Tool: mcp.NewTool("block"),
		Handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			started <- struct{}{}
			select {
			case <-release:
				return mcp.NewToolResultText("released"), nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		},
	}
}

func TestConcurrentCallLimit(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		started, release := make(chan struct{}, 4), make(chan struct{})
		ts := New(Options{Transport: tr, MaxConcurrentCalls: 1, Metrics: true})
		ts.slotWait = 50 * time.Millisecond
		r := serve(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil), blockingTool(started, release)))
		c := mustConnect(t, r, nil)
		first := make(chan string, 1)
		go func() {
			text, _, err := callTool(t, c, "block", nil)
			if err != nil {
				text = err.Error()
			}
			first <- text
		}()
		select {
		case <-started:
		case <-time.After(testWait):
			t.Fatal("the first call never started")
		}
		text, isErr, err := callTool(t, c, "get_case", map[string]any{"caseId": "c1"})
		if err != nil || !isErr || !strings.Contains(text, "limit of 1 tool calls at once") {
			t.Errorf("second call: %q %v %v", text, isErr, err)
		}
		close(release)
		if got := <-first; got != "released" {
			t.Errorf("first call: %q", got)
		}
		// The slot is free again.
		if text, isErr, err := callTool(t, c, "get_case", map[string]any{"caseId": "c1"}); err != nil || isErr {
			t.Errorf("third call: %q %v %v", text, isErr, err)
		}
		// The answer can reach the client (on SSE, over another
		// connection) a moment before the call's slot is given back.
		m := scrape(t, r.url, nil)
		for deadline := time.Now().Add(2 * time.Second); !strings.Contains(m, "kibana_mcp_tool_calls_in_flight 0\n") && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
			m = scrape(t, r.url, nil)
		}
		for _, want := range []string{
			`kibana_mcp_tool_calls_total{tool="get_case",outcome="refused"} 1`,
			`kibana_mcp_tool_calls_total{tool="get_case",outcome="ok"} 1`,
			`kibana_mcp_tool_calls_total{tool="block",outcome="ok"} 1`,
			"kibana_mcp_tool_calls_in_flight 0",
		} {
			if !strings.Contains(m, want+"\n") {
				t.Errorf("metrics lack %s:\n%s", want, m)
			}
		}
	})
}

func TestCallTimeout(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		kib := newFakeKibana(t, time.Minute) // never answers in time
		stubborn := server.ServerTool{
			Tool: mcp.NewTool("stubborn"),
			Handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
				time.Sleep(600 * time.Millisecond) // ignores its context
				return mcp.NewToolResultText("late"), nil
			},
		}
		ts := New(Options{Transport: tr, CallTimeout: 200 * time.Millisecond, Metrics: true})
		r := serve(t, ts, newMCP(t, ts, kib.client(t, nil), stubborn))
		c := mustConnect(t, r, nil)
		for _, tool := range []string{"get_case", "stubborn"} {
			start := time.Now()
			text, isErr, err := callTool(t, c, tool, map[string]any{"caseId": "slow"})
			if err != nil || !isErr || !strings.Contains(text, "longer than the 200ms limit") {
				t.Errorf("%s: %q %v %v", tool, text, isErr, err)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("%s answered after %s", tool, d)
			}
		}
		m := scrape(t, r.url, nil)
		for _, tool := range []string{"get_case", "stubborn"} {
			if want := `kibana_mcp_tool_calls_total{tool="` + tool + `",outcome="timeout"} 1`; !strings.Contains(m, want) {
				t.Errorf("metrics lack %s:\n%s", want, m)
			}
		}
	})
}

func TestIdleSessionsExpire(t *testing.T) {
	t.Run("http", func(t *testing.T) {
		log, logs := testLogger()
		ts := New(Options{Transport: "http", SessionIdleTimeout: 100 * time.Millisecond, Metrics: true, Log: log})
		base := mount(t, ts, "127.0.0.1:8080")
		_, hdr, _ := post(t, http.MethodPost, base+"/mcp", initializeBody, nil)
		id := hdr.Get("Mcp-Session-Id")
		list := `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
		headers := map[string]string{"Mcp-Session-Id": id, "Mcp-Protocol-Version": "2025-06-18"}
		if status, _, body := post(t, http.MethodPost, base+"/mcp", list, headers); status != http.StatusOK {
			t.Fatalf("fresh session: %d %s", status, body)
		}
		eventually(t, "the idle session to close", func() bool {
			status, _, _ := post(t, http.MethodGet, base+"/healthz", "", nil)
			return status == http.StatusOK && strings.Contains(scrape(t, base, nil), "kibana_mcp_sessions_open 0\n")
		})
		if status, _, _ := post(t, http.MethodPost, base+"/mcp", list, headers); status != http.StatusNotFound {
			t.Errorf("expired session: %d, want 404 (start a new one)", status)
		}
		if len(logs.lines("closed idle MCP sessions")) == 0 {
			t.Errorf("logs: %s", logs)
		}
	})
	t.Run("sse", func(t *testing.T) {
		ts := New(Options{Transport: "sse", SessionIdleTimeout: 100 * time.Millisecond})
		base := mount(t, ts, "127.0.0.1:8080")
		stream, _ := openSSE(t, base, nil)
		ended := make(chan error, 1)
		go func() {
			_, err := io.Copy(io.Discard, stream.body)
			ended <- err
		}()
		select {
		case err := <-ended:
			if err != nil && !errors.Is(err, io.EOF) {
				t.Logf("stream ended with %v", err)
			}
		case <-time.After(testWait):
			t.Fatal("the idle SSE stream stayed open")
		}
		if status, _, _ := post(t, http.MethodPost, base+stream.endpoint, initializeBody, nil); status != http.StatusNotFound {
			t.Errorf("message to the expired session: %d", status)
		}
	})
}

// TestMalformedInitializeCountsTowardTheSessionLimit: mcp-go opens a
// session for any initialize, params readable or not, so the limit must
// count those too.
func TestMalformedInitializeCountsTowardTheSessionLimit(t *testing.T) {
	ts := New(Options{Transport: "http", MaxSessions: 1, Metrics: true})
	base := mount(t, ts, "127.0.0.1:8080")
	bad := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":1}`
	post(t, http.MethodPost, base+"/mcp", bad, nil)
	for range 4 {
		if status, _, body := post(t, http.MethodPost, base+"/mcp", bad, nil); status != http.StatusServiceUnavailable {
			t.Errorf("another malformed initialize beyond the limit: %d %s", status, body)
		}
	}
	if m := scrape(t, base, nil); strings.Contains(m, "kibana_mcp_sessions_open 5\n") || strings.Contains(m, "kibana_mcp_sessions_open 2\n") {
		t.Errorf("sessions opened beyond the limit:\n%s", m)
	}
}

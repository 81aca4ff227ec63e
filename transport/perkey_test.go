package transport

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// metricsOf is what /metrics serves for ts, read without going through a
// listener (where /metrics is served depends on the token and
// MetricsAddr, which other tests cover).
func metricsOf(ts *Server) string {
	var b strings.Builder
	ts.metrics.write(&b)
	return b.String()
}

// waitForMetric polls ts's metrics until they hold line.
func waitForMetric(t *testing.T, ts *Server, line string) {
	t.Helper()
	deadline := time.Now().Add(testWait)
	for !strings.Contains(metricsOf(ts), line+"\n") {
		if time.Now().After(deadline) {
			t.Fatalf("metrics never showed %s:\n%s", line, metricsOf(ts))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openSession opens a session with key as its Kibana key: initialize on
// streamable HTTP (the session stays open until the test ends), the event
// stream on SSE (held open until the test ends). It returns the status and,
// when refused, the body.
func openSession(t *testing.T, tr, base string, headers map[string]string) (int, string) {
	t.Helper()
	if tr == "http" {
		status, _, body := post(t, http.MethodPost, base+"/mcp", initializeBody, headers)
		return status, body
	}
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
	if resp.StatusCode == http.StatusOK {
		t.Cleanup(func() { cancel(); resp.Body.Close() })
		return resp.StatusCode, ""
	}
	defer cancel()
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestSessionsPerKey: a key at its session cap is refused with a 503 that
// names the per-key limit, while another key still opens sessions; closing
// one of the first key's sessions makes room for it again.
func TestSessionsPerKey(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		ts := New(Options{Transport: tr, AllowClientCredentials: true, MaxSessionsPerKey: 2, Metrics: true})
		base := mount(t, ts, "127.0.0.1:8080")
		alice, bob := map[string]string{HeaderAPIKey: "alice-key"}, map[string]string{HeaderAPIKey: "bob-key"}
		for i := range 2 {
			if status, body := openSession(t, tr, base, alice); status != http.StatusOK {
				t.Fatalf("alice's session %d: %d %s", i+1, status, body)
			}
		}
		status, body := openSession(t, tr, base, alice)
		if status != http.StatusServiceUnavailable || !strings.Contains(body, "this Kibana API key already has its limit of 2 open sessions") {
			t.Errorf("alice's third session: %d %s", status, body)
		}
		if status, body := openSession(t, tr, base, bob); status != http.StatusOK {
			t.Errorf("bob's session while alice is at her cap: %d %s", status, body)
		}
		if tr == "http" {
			// Ending one of alice's sessions makes room for another.
			_, hdr, _ := post(t, http.MethodPost, base+"/mcp", initializeBody, bob) // bob's second
			id := hdr.Get("Mcp-Session-Id")
			if status, _, body := post(t, http.MethodDelete, base+"/mcp", "", map[string]string{HeaderAPIKey: "bob-key", "Mcp-Session-Id": id, "Mcp-Protocol-Version": legacyProtocol}); status != http.StatusOK {
				t.Fatalf("DELETE: %d %s", status, body)
			}
			if status, body := openSession(t, tr, base, bob); status != http.StatusOK {
				t.Errorf("bob's session after he ended one: %d %s", status, body)
			}
		}
	})
}

// TestSessionsPerKeyLeaveTheServersCredentialsAlone: requests with the
// token and no key of their own act as the server; the per-key cap is not
// theirs (the server-wide one is).
func TestSessionsPerKeyLeaveTheServersCredentialsAlone(t *testing.T) {
	ts := New(Options{Transport: "http", Token: "t0ken", AllowClientCredentials: true, MaxSessionsPerKey: 1, MaxSessions: 3})
	base := mount(t, ts, "127.0.0.1:8080")
	token := map[string]string{"Authorization": "Bearer t0ken"}
	for i := range 3 {
		if status, body := openSession(t, "http", base, token); status != http.StatusOK {
			t.Fatalf("session %d with the server's credentials: %d %s", i+1, status, body)
		}
	}
	if status, body := openSession(t, "http", base, token); status != http.StatusServiceUnavailable || !strings.Contains(body, "the server already has its limit of 3 open sessions") {
		t.Errorf("beyond MaxSessions: %d %s", status, body)
	}
}

// TestConcurrentCallsPerKey: a key running its cap of calls gets the next
// one refused with a tool error naming the per-key limit, and nothing of
// it reaches Kibana, while another key's call goes through at once.
func TestConcurrentCallsPerKey(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		started, release := make(chan struct{}, 4), make(chan struct{})
		kib := newFakeKibana(t, 0)
		ts := New(Options{Transport: tr, AllowClientCredentials: true, MaxConcurrentCallsPerKey: 1, Metrics: true})
		ts.slotWait = 50 * time.Millisecond
		r := serve(t, ts, newMCP(t, ts, kib.client(t, nil), blockingTool(started, release)))
		alice := mustConnect(t, r, map[string]string{HeaderAPIKey: "alice-key"})
		bob := mustConnect(t, r, map[string]string{HeaderAPIKey: "bob-key"})
		first := make(chan string, 1)
		go func() {
			text, _, err := callTool(t, alice, "block", nil)
			if err != nil {
				text = err.Error()
			}
			first <- text
		}()
		select {
		case <-started:
		case <-time.After(testWait):
			t.Fatal("alice's first call never started")
		}
		text, isErr, err := callTool(t, alice, "get_case", map[string]any{"caseId": "alice-1"})
		if err != nil || !isErr || !strings.Contains(text, "this Kibana API key already has its limit of 1 tool calls running at once") ||
			!strings.Contains(text, "Nothing was sent to Kibana") {
			t.Errorf("alice's second call: %q %v %v", text, isErr, err)
		}
		if text, isErr, err := callTool(t, bob, "get_case", map[string]any{"caseId": "bob-1"}); err != nil || isErr || text != `{"id":"bob-1"}` {
			t.Errorf("bob's call while alice is at her cap: %q %v %v", text, isErr, err)
		}
		for _, rq := range kib.requests() {
			if rq.path == "/api/cases/alice-1" {
				t.Error("alice's refused call reached Kibana")
			}
		}
		close(release)
		if got := <-first; got != "released" {
			t.Errorf("alice's first call: %q", got)
		}
		if text, isErr, err := callTool(t, alice, "get_case", map[string]any{"caseId": "alice-2"}); err != nil || isErr {
			t.Errorf("alice's call after her first ended: %q %v %v", text, isErr, err)
		}
		waitForMetric(t, ts, "kibana_mcp_tool_calls_in_flight 0")
		m := metricsOf(ts)
		for _, want := range []string{
			`kibana_mcp_tool_calls_total{tool="get_case",outcome="refused_per_key"} 1`,
			`kibana_mcp_tool_calls_total{tool="get_case",outcome="ok"} 2`,
		} {
			if !strings.Contains(m, want+"\n") {
				t.Errorf("metrics lack %s:\n%s", want, m)
			}
		}
	})
}

// TestKeySlotsForgetIdleKeys: the per-key table holds a key only while one
// of its calls runs or waits, so a client sending ever new keys cannot
// grow it.
func TestKeySlotsForgetIdleKeys(t *testing.T) {
	k := newKeySlots(2)
	a, b := k.get("a"), k.get("b")
	a.ch <- struct{}{}
	a2 := k.get("a")
	if a2 != a || len(k.byKey) != 2 {
		t.Fatalf("two calls of one key share its semaphore: %p %p, %d keys", a, a2, len(k.byKey))
	}
	k.put("a", a, true)
	k.put("b", b, false)
	if len(k.byKey) != 1 {
		t.Errorf("%d keys after b's only call ended, want 1 (a still waits)", len(k.byKey))
	}
	k.put("a", a2, false)
	if len(k.byKey) != 0 {
		t.Errorf("%d keys left, want none", len(k.byKey))
	}
}

package transport

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
)

// TestClientKeysStayWithTheirSession: two sessions with different Kibana
// keys call tools at the same time; every request reaches Kibana with its
// own session's key, never the other's nor the server's.
func TestClientKeysStayWithTheirSession(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		for _, protocol := range []string{legacyProtocol, mcp.LATEST_PROTOCOL_VERSION} {
			t.Run(protocol, func(t *testing.T) { clientKeysStayWithTheirSession(t, tr, protocol) })
		}
	})
}

// clientKeysStayWithTheirSession runs the test for one transport and one
// protocol version (sessions before 2026-07-28, none after).
func clientKeysStayWithTheirSession(t *testing.T, tr, protocol string) {
	log, logs := testLogger()
	kib := newFakeKibana(t, 0)
	ts := New(Options{Transport: tr, AllowClientCredentials: true, Log: log})
	r := serve(t, ts, newMCP(t, ts, kib.client(t, nil)))
	users := []string{"alice", "bob"}
	var wg sync.WaitGroup
	for _, user := range users {
		c, err := connectWith(t, r, protocol, map[string]string{HeaderAPIKey: user + "-key"})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 8 {
				id := fmt.Sprintf("%s-%d", user, i)
				text, isErr, err := callTool(t, c, "get_case", map[string]any{"caseId": id})
				if err != nil || isErr || !strings.Contains(text, id) {
					t.Errorf("%s: %q %v %v", id, text, isErr, err)
				}
			}
		}()
	}
	wg.Wait()
	reqs := kib.requests()
	if len(reqs) != 16 {
		t.Fatalf("%d Kibana requests, want 16", len(reqs))
	}
	for _, rq := range reqs {
		user, _, _ := strings.Cut(strings.TrimPrefix(rq.path, "/api/cases/"), "-")
		if want := "ApiKey " + user + "-key"; rq.auth != want {
			t.Errorf("%s went with %q, want %q", rq.path, rq.auth, want)
		}
	}
	if strings.Contains(logs.String(), "alice-key") || strings.Contains(logs.String(), "bob-key") {
		t.Errorf("a client key reached the log: %s", logs)
	}
}

// TestClientKeyIsIgnoredUnlessAllowed: without AllowClientCredentials the
// header changes nothing: the server's key goes to Kibana.
func TestClientKeyIsIgnoredUnlessAllowed(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		kib := newFakeKibana(t, 0)
		ts := New(Options{Transport: tr})
		r := serve(t, ts, newMCP(t, ts, kib.client(t, nil)))
		c := mustConnect(t, r, map[string]string{HeaderAPIKey: "mallory-key"})
		if _, isErr, err := callTool(t, c, "get_case", map[string]any{"caseId": "c1"}); err != nil || isErr {
			t.Fatal(isErr, err)
		}
		if reqs := kib.requests(); len(reqs) != 1 || reqs[0].auth != "ApiKey "+serverKey {
			t.Errorf("Kibana saw %+v", reqs)
		}
	})
}

// TestClientCredentialsWithoutTokenNeedAKey: with client keys and no token,
// an anonymous request never gets to use the server's key.
func TestClientCredentialsWithoutTokenNeedAKey(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		ts := New(Options{Transport: tr, AllowClientCredentials: true})
		base := mount(t, ts, "127.0.0.1:8080")
		path := map[string]string{"http": "/mcp", "sse": "/sse"}[tr]
		method := map[string]string{"http": http.MethodPost, "sse": http.MethodGet}[tr]
		status, hdr, body := post(t, method, base+path, initializeBody, nil)
		if status != http.StatusUnauthorized || hdr.Get("WWW-Authenticate") == "" || !strings.Contains(body, HeaderAPIKey) {
			t.Errorf("no key: %d %v %s", status, hdr, body)
		}
		status, _, body = post(t, method, base+path, initializeBody, map[string]string{HeaderAPIKey: "two words"})
		if status != http.StatusBadRequest {
			t.Errorf("malformed key: %d %s", status, body)
		}
	})
}

// TestTokenHoldersMayUseTheServerKey: with a token as well, a request
// without its own key uses the server's; one with a key uses that.
func TestTokenHoldersMayUseTheServerKey(t *testing.T) {
	kib := newFakeKibana(t, 0)
	ts := New(Options{Transport: "http", Token: "t0ken", AllowClientCredentials: true})
	r := serve(t, ts, newMCP(t, ts, kib.client(t, nil)))
	plain := mustConnect(t, r, map[string]string{"Authorization": "Bearer t0ken"})
	own := mustConnect(t, r, map[string]string{"Authorization": "Bearer t0ken", HeaderAPIKey: "carol-key"})
	callTool(t, plain, "get_case", map[string]any{"caseId": "server"})
	callTool(t, own, "get_case", map[string]any{"caseId": "carol"})
	for _, rq := range kib.requests() {
		want := map[string]string{"/api/cases/server": "ApiKey " + serverKey, "/api/cases/carol": "ApiKey carol-key"}[rq.path]
		if rq.auth != want {
			t.Errorf("%s went with %q, want %q", rq.path, rq.auth, want)
		}
	}
}

// TestSessionBelongsToItsKey: knowing another user's session ID is not
// enough to act in it, not even with one's own valid key.
func TestSessionBelongsToItsKey(t *testing.T) {
	ts := New(Options{Transport: "http", AllowClientCredentials: true})
	base := mount(t, ts, "127.0.0.1:8080")
	status, hdr, body := post(t, http.MethodPost, base+"/mcp", initializeBody, map[string]string{HeaderAPIKey: "alice-key"})
	id := hdr.Get("Mcp-Session-Id")
	if status != http.StatusOK || id == "" {
		t.Fatalf("initialize: %d %s", status, body)
	}
	list := `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
	for key, want := range map[string]int{"bob-key": http.StatusForbidden, "alice-key": http.StatusOK} {
		status, _, body := post(t, http.MethodPost, base+"/mcp", list, map[string]string{HeaderAPIKey: key, "Mcp-Session-Id": id, "Mcp-Protocol-Version": "2025-06-18"})
		if status != want {
			t.Errorf("%s in alice's session: %d %s, want %d", key, status, body, want)
		}
	}
	status, _, _ = post(t, http.MethodPost, base+"/mcp", list, map[string]string{HeaderAPIKey: "alice-key", "Mcp-Session-Id": "made-up", "Mcp-Protocol-Version": "2025-06-18"})
	if status != http.StatusNotFound {
		t.Errorf("unknown session: %d", status)
	}
}

package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// keyKibana is a loopback Kibana that knows some API keys: it answers
// /api/status by key and counts those reads, and serves /api/cases/{id}
// to any key it knows.
type keyKibana struct {
	*httptest.Server
	client *kibana.Client

	mu       sync.Mutex
	status   map[string]int    // the answer to /api/status, by key; unknown keys get 401
	delay    time.Duration     // before answering /api/status
	checks   map[string]int    // /api/status reads, by key
	caseAuth map[string]string // case id → the Authorization it came with
}

func newKeyKibana(t *testing.T) *keyKibana {
	k := &keyKibana{
		status:   map[string]int{"good-key": 200, "forbidden-key": 403},
		checks:   map[string]int{},
		caseAuth: map[string]string{},
	}
	k.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "ApiKey ")
		w.Header().Set("Content-Type", "application/json")
		k.mu.Lock()
		code, known := k.status[key]
		delay := k.delay
		if r.URL.Path == "/api/status" {
			k.checks[key]++
		}
		k.mu.Unlock()
		if !known {
			code = http.StatusUnauthorized
		}
		if r.URL.Path == "/api/status" {
			time.Sleep(delay)
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"statusCode":%d,"status":{"overall":{"level":"available"}}}`, code)
			return
		}
		id, ok := strings.CutPrefix(r.URL.Path, "/api/cases/")
		if !ok || code != http.StatusOK {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"statusCode":404,"error":"Not Found","message":"not found"}`))
			return
		}
		k.mu.Lock()
		k.caseAuth[id] = r.Header.Get("Authorization")
		k.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]string{"id": id})
	}))
	t.Cleanup(k.Close)
	// No server key: like a deployment with client credentials only. No
	// retries, so that one check is one request.
	kc, err := kibana.New(kibana.Config{URL: k.URL, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	k.client = kc
	return k
}

func (k *keyKibana) checksOf(key string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.checks[key]
}

func (k *keyKibana) cases() map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := map[string]string{}
	for id, auth := range k.caseAuth {
		out[id] = auth
	}
	return out
}

func (k *keyKibana) set(key string, status int) {
	k.mu.Lock()
	k.status[key] = status
	k.mu.Unlock()
}

// keyServer serves tr with client keys only, checked with k.
func keyServer(t *testing.T, tr string, k *keyKibana) *running {
	// Room for the 20 sessions of one key that TestConcurrentFirstRequestsShareOneCheck
	// opens: the per-key session cap has tests of its own.
	ts := New(Options{Transport: tr, AllowClientCredentials: true, CheckKey: KibanaKeyCheck(k.client), MaxSessionsPerKey: 100})
	return serve(t, ts, newMCP(t, ts, k.client))
}

// open is the request that opens a session: initialize on streamable
// HTTP, the event stream on SSE. It returns what the client got (for SSE
// only the status line and headers: the stream stays open until the test
// ends).
func open(t *testing.T, r *running, key string) (int, http.Header, string) {
	t.Helper()
	if r.ts.opts.Transport == "http" {
		return post(t, http.MethodPost, r.url+"/mcp", initializeBody, map[string]string{HeaderAPIKey: key})
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.url+"/sse", nil)
	req.Header.Set(HeaderAPIKey, key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp.StatusCode, resp.Header, "" // an open stream
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	return resp.StatusCode, resp.Header, b.String()
}

// TestWrongClientKeyIsRefusedAtTheDoor: a key Kibana does not know gets
// 401 with an ApiKey challenge and a one-line reason, opens no session,
// reaches no tool, and after the first refusal is refused from the cache
// without asking Kibana again.
func TestWrongClientKeyIsRefusedAtTheDoor(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		k := newKeyKibana(t)
		r := keyServer(t, tr, k)
		for i := range 4 {
			status, hdr, body := open(t, r, "wrong-key")
			if status != http.StatusUnauthorized || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), `ApiKey realm="kibana-mcp"`) ||
				strings.TrimSpace(body) != "kibana-mcp: Kibana does not accept the API key in the Kibana-Api-Key header" {
				t.Errorf("attempt %d: %d %v %q", i, status, hdr, body)
			}
			if hdr.Get("Mcp-Session-Id") != "" {
				t.Errorf("attempt %d opened session %s", i, hdr.Get("Mcp-Session-Id"))
			}
			if n := k.checksOf("wrong-key"); n != 1 {
				t.Errorf("after attempt %d Kibana was asked %d times about the key, want 1", i, n)
			}
		}
		// A tool call with the refused key goes nowhere either.
		path := map[string]string{"http": "/mcp", "sse": "/message?sessionId=x"}[tr]
		status, _, _ := post(t, http.MethodPost, r.url+path, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_case","arguments":{"caseId":"c1"}}}`,
			map[string]string{HeaderAPIKey: "wrong-key", "Mcp-Session-Id": "made-up", "Mcp-Protocol-Version": legacyProtocol})
		if status != http.StatusUnauthorized {
			t.Errorf("tools/call with the refused key: %d", status)
		}
		if got := k.cases(); len(got) != 0 || r.ts.metrics.sessions.Load() != 0 {
			t.Errorf("a refused key reached Kibana's cases %v, or opened sessions (%d)", got, r.ts.metrics.sessions.Load())
		}
	})
}

// TestGoodClientKeyIsCheckedOnce: a known key is checked with Kibana once,
// whatever the number of sessions and calls it then makes, and its calls
// go with it. A 403 (known, not allowed to read the status) accepts too.
func TestGoodClientKeyIsCheckedOnce(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		k := newKeyKibana(t)
		r := keyServer(t, tr, k)
		for s := range 2 {
			c := mustConnect(t, r, map[string]string{HeaderAPIKey: "good-key"})
			for i := range 3 {
				id := fmt.Sprintf("s%d-%d", s, i)
				if text, isErr, err := callTool(t, c, "get_case", map[string]any{"caseId": id}); err != nil || isErr || !strings.Contains(text, id) {
					t.Errorf("%s: %q %v %v", id, text, isErr, err)
				}
			}
		}
		if n := k.checksOf("good-key"); n != 1 {
			t.Errorf("Kibana was asked %d times about the good key, want 1", n)
		}
		for id, auth := range k.cases() {
			if auth != "ApiKey good-key" {
				t.Errorf("%s went with %q", id, auth)
			}
		}
		c := mustConnect(t, r, map[string]string{HeaderAPIKey: "forbidden-key"})
		if _, _, err := callTool(t, c, "get_case", map[string]any{"caseId": "f1"}); err != nil {
			t.Errorf("forbidden-key: %v", err)
		}
	})
}

// TestConcurrentFirstRequestsShareOneCheck: many first requests with one
// key at the same moment wait for a single Kibana read.
func TestConcurrentFirstRequestsShareOneCheck(t *testing.T) {
	k := newKeyKibana(t)
	k.delay = 200 * time.Millisecond
	r := keyServer(t, "http", k)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, _, body := post(t, http.MethodPost, r.url+"/mcp", initializeBody, map[string]string{HeaderAPIKey: "good-key"}); status != http.StatusOK {
				t.Errorf("initialize: %d %s", status, body)
			}
		}()
	}
	wg.Wait()
	if n := k.checksOf("good-key"); n != 1 {
		t.Errorf("20 concurrent first requests made %d Kibana reads, want 1", n)
	}
}

// TestKibanaFailureIsNoVerdict: when Kibana cannot say (5xx, or not
// reachable at all) the client gets 503 with Retry-After, and the next
// request asks again: a key is never refused for Kibana's trouble.
func TestKibanaFailureIsNoVerdict(t *testing.T) {
	k := newKeyKibana(t)
	k.set("flaky-key", http.StatusServiceUnavailable)
	r := keyServer(t, "http", k)
	for i := range 2 {
		status, hdr, body := post(t, http.MethodPost, r.url+"/mcp", initializeBody, map[string]string{HeaderAPIKey: "flaky-key"})
		if status != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" || !strings.Contains(body, "could not be checked") {
			t.Errorf("Kibana 503, attempt %d: %d %v %s", i, status, hdr, body)
		}
	}
	if n := k.checksOf("flaky-key"); n != 2 {
		t.Errorf("a 503 was cached: %d checks for 2 requests", n)
	}
	k.set("flaky-key", http.StatusOK)
	if status, _, body := post(t, http.MethodPost, r.url+"/mcp", initializeBody, map[string]string{HeaderAPIKey: "flaky-key"}); status != http.StatusOK {
		t.Errorf("Kibana back: %d %s", status, body)
	}

	// Kibana gone: no answer at all.
	down := newKeyKibana(t)
	down.Close()
	r = keyServer(t, "http", down)
	status, _, body := post(t, http.MethodPost, r.url+"/mcp", initializeBody, map[string]string{HeaderAPIKey: "good-key"})
	if status != http.StatusServiceUnavailable || strings.Contains(body, down.URL) {
		t.Errorf("Kibana down: %d %s", status, body)
	}
}

// TestKeysAreNotCheckedWithAToken: with a token the caller is known; the
// key goes to Kibana with its calls and no check comes first.
func TestKeysAreNotCheckedWithAToken(t *testing.T) {
	k := newKeyKibana(t)
	ts := New(Options{Transport: "http", Token: strongToken, AllowClientCredentials: true, CheckKey: KibanaKeyCheck(k.client)})
	r := serve(t, ts, newMCP(t, ts, k.client))
	mustConnect(t, r, map[string]string{"Authorization": "Bearer " + strongToken, HeaderAPIKey: "wrong-key"})
	if n := k.checksOf("wrong-key"); n != 0 {
		t.Errorf("checked %d times despite the token", n)
	}
}

// TestKeyVerdictsAreBounded: verdicts expire (accepted ones after
// keyAcceptedFor, refusals sooner) and the cache holds at most
// maxKeyVerdicts, dropping the oldest.
func TestKeyVerdictsAreBounded(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]int{}
	c := newKeyChecker(func(ctx context.Context, key string) error {
		mu.Lock()
		asked[key]++
		mu.Unlock()
		if strings.HasPrefix(key, "bad") {
			return fmt.Errorf("wrapped: %w", ErrKeyRefused)
		}
		return nil
	})
	now := time.Now()
	c.now = func() time.Time { return now }
	ctx := context.Background()
	if err := c.verify(ctx, "good"); err != nil {
		t.Fatal(err)
	}
	if err := c.verify(ctx, "bad"); !errors.Is(err, ErrKeyRefused) {
		t.Fatal(err)
	}
	now = now.Add(keyRefusedFor + time.Second)
	c.verify(ctx, "good")
	c.verify(ctx, "bad")
	if asked["good"] != 1 || asked["bad"] != 2 {
		t.Errorf("after a refusal's lifetime: asked %v", asked)
	}
	now = now.Add(keyAcceptedFor)
	c.verify(ctx, "good")
	if asked["good"] != 2 {
		t.Errorf("after an acceptance's lifetime: asked %v", asked)
	}
	for i := range maxKeyVerdicts + 10 {
		c.verify(ctx, fmt.Sprintf("k%d", i))
	}
	if n := c.cached(); n != maxKeyVerdicts {
		t.Errorf("%d verdicts cached, want %d", n, maxKeyVerdicts)
	}
	c.verify(ctx, "k0") // the oldest: dropped, so asked again
	c.verify(ctx, fmt.Sprintf("k%d", maxKeyVerdicts+9))
	if asked["k0"] != 2 || asked[fmt.Sprintf("k%d", maxKeyVerdicts+9)] != 1 {
		t.Errorf("eviction: k0 asked %d times, the newest %d", asked["k0"], asked[fmt.Sprintf("k%d", maxKeyVerdicts+9)])
	}
}

package transport

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

func TestHealthz(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		base := mount(t, New(Options{Transport: tr, Ready: func(context.Context) error { return errors.New("Kibana is down") }}), "127.0.0.1:8080")
		if status, _, body := post(t, http.MethodGet, base+"/healthz", "", nil); status != http.StatusOK || body != "ok\n" {
			t.Errorf("/healthz: %d %q", status, body)
		}
	})
}

// TestReadyzCachesItsAnswer: probes from every replica every few seconds
// ask Kibana at most once per cache period, and the reason is shown.
func TestReadyzCachesItsAnswer(t *testing.T) {
	var checks atomic.Int64
	var failing atomic.Bool
	failing.Store(true)
	ts := New(Options{Transport: "http", Ready: func(ctx context.Context) error {
		checks.Add(1)
		if _, ok := ctx.Deadline(); !ok {
			t.Error("readiness check without a deadline")
		}
		if failing.Load() {
			return errors.New("Kibana refused the server's credentials (401)")
		}
		return nil
	}})
	base := mount(t, ts, "127.0.0.1:8080")
	for range 5 {
		status, _, body := post(t, http.MethodGet, base+"/readyz", "", nil)
		if status != http.StatusServiceUnavailable || body != "not ready: Kibana refused the server's credentials (401)\n" {
			t.Errorf("/readyz: %d %q", status, body)
		}
	}
	if n := checks.Load(); n != 1 {
		t.Errorf("%d checks for 5 probes", n)
	}
	failing.Store(false)
	ts.ready.mu.Lock()
	ts.ready.at = ts.ready.at.Add(-readyCacheFor) // the cache period is over
	ts.ready.mu.Unlock()
	if status, _, body := post(t, http.MethodGet, base+"/readyz", "", nil); status != http.StatusOK || body != "ready\n" {
		t.Errorf("/readyz after recovery: %d %q", status, body)
	}
	ts.draining.Store(true)
	if status, _, body := post(t, http.MethodGet, base+"/readyz", "", nil); status != http.StatusServiceUnavailable || !strings.Contains(body, "shutting down") {
		t.Errorf("/readyz while shutting down: %d %q", status, body)
	}
}

func TestReadyzWithoutCheck(t *testing.T) {
	base := mount(t, New(Options{Transport: "sse"}), "127.0.0.1:8080")
	if status, _, _ := post(t, http.MethodGet, base+"/readyz", "", nil); status != http.StatusOK {
		t.Errorf("/readyz: %d", status)
	}
}

// statusKibana answers /api/status with status and body, and records the
// path and Authorization it got.
func statusKibana(t *testing.T, status int, body string) (*kibana.Client, *[]seen) {
	t.Helper()
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, seen{r.URL.Path, r.Header.Get("Authorization")})
		ct := "application/json"
		if strings.HasPrefix(body, "<") {
			ct = "text/html"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	kc, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: serverKey, Space: "soc", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return kc, &got
}

func fullStatus(level string) string {
	return `{"name":"kb","uuid":"u","version":{"number":"9.2.0"},"status":{"overall":{"level":"` + level + `","summary":"summary of ` + level + `"},"core":{}}}`
}

func TestKibanaReady(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string // "" for ready, else part of the reason
	}{
		{"available", 200, fullStatus("available"), ""},
		{"degraded", 200, fullStatus("degraded"), ""},
		{"unavailable", 200, fullStatus("unavailable"), "Kibana is unavailable: summary of unavailable"},
		{"critical", 200, fullStatus("critical"), "Kibana is critical"},
		{"anonymous answer", 200, `{"status":{"overall":{"level":"available"}}}`, "as to an anonymous user"},
		{"wrong key", 401, `{"statusCode":401,"error":"Unauthorized","message":"[security_exception]: unable to authenticate"}`, "refused the server's credentials (401)"},
		{"no privilege", 403, `{"statusCode":403,"error":"Forbidden","message":"no"}`, "refused the server's credentials (403)"},
		{"unavailable answer", 503, fullStatus("unavailable"), "Kibana answered 503"},
		{"login page", 200, "<html>login</html>", "not JSON"},
		{"no level", 200, `{"version":{"number":"9.2.0"}}`, "no overall level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kc, got := statusKibana(t, tc.status, tc.body)
			err := KibanaReady(kc)(t.Context())
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("not ready: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), serverKey) {
				t.Errorf("the reason shows the key: %v", err)
			}
			// Kibana-wide, whatever the configured space; once, no retries.
			if len(*got) != 1 || (*got)[0].path != "/api/status" || (*got)[0].auth != "ApiKey "+serverKey {
				t.Errorf("requests: %+v", *got)
			}
		})
	}
}

func TestKibanaUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	kc, _ := kibana.New(kibana.Config{URL: url, MaxRetries: -1}, nil)
	if err := KibanaReady(kc)(t.Context()); err == nil || !strings.Contains(err.Error(), "status API failed") {
		t.Errorf("closed port: %v", err)
	}
}

// TestKibanaReachable is the check for a server that has only its
// clients' keys: Kibana's 401 means it is there.
func TestKibanaReachable(t *testing.T) {
	kc, _ := statusKibana(t, 401, `{"statusCode":401,"error":"Unauthorized","message":"missing credentials"}`)
	if err := KibanaReachable(kc)(t.Context()); err != nil {
		t.Errorf("401: %v", err)
	}
	kc, _ = statusKibana(t, 200, `{"status":{"overall":{"level":"unavailable"}}}`)
	if err := KibanaReachable(kc)(t.Context()); err == nil {
		t.Error("unavailable Kibana counted as ready")
	}
}

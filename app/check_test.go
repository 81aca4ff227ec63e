package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

const testKey = "check-test-secret-key"

// fakeKibana is a real loopback HTTP server answering with h.
func fakeKibana(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func answer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

const (
	statusOK    = `{"name":"kb","version":{"number":"9.1.3","build_flavor":"serverless"},"status":{"overall":{"level":"available","summary":"ok"}}}`
	routeAbsent = `{"statusCode":404,"error":"Not Found","message":"Not Found"}`
)

func runCheck(t *testing.T, args []string, environ map[string]string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(t.Context(), append(args, "check"), strings.NewReader(""), &out, &errOut, env(environ))
	return code, out.String(), errOut.String()
}

func wantContains(t *testing.T, what, got string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("%s does not contain %q:\n%s", what, p, got)
		}
	}
}

func TestCheckSandbox(t *testing.T) {
	code, out, errOut := runCheck(t, []string{"--sandbox"}, nil)
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	wantContains(t, "report", out, "credentials  api key: accepted", "version      9.", "space        default", "exists",
		"cases", "find_cases", "spaces", "find_spaces", "OK: Kibana")
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "find_cases") && !strings.HasSuffix(strings.TrimSpace(line), "ok") {
			t.Errorf("the sandbox's cases are not readable: %q", line)
		}
	}
	if strings.Contains(out+errOut, "sandbox-") {
		t.Error("the report shows the sandbox's API key")
	}
}

func TestCheckSandboxMissingSpace(t *testing.T) {
	code, out, _ := runCheck(t, []string{"--sandbox", "--space", "no-such-space"}, nil)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	wantContains(t, "report", out, "no-such-space: not found", "KIBANA_SPACE")
}

func TestCheckUnauthorized(t *testing.T) {
	srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) {
		answer(w, 401, `{"statusCode":401,"error":"Unauthorized","message":"[security_exception] unable to authenticate with provided credentials"}`)
	})
	code, out, errOut := runCheck(t, []string{"--kibana-url", srv.URL}, map[string]string{"KIBANA_API_KEY": testKey})
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	wantContains(t, "report", out, "api key: refused (401)", "FAIL:", "fix:", "KIBANA_API_KEY")
	if strings.Contains(out+errOut, testKey) {
		t.Error("the report shows the API key")
	}
}

func TestCheckWrongBasePath(t *testing.T) {
	srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/kibana/api/status" {
			answer(w, 200, statusOK)
			return
		}
		answer(w, 404, routeAbsent)
	})
	code, out, _ := runCheck(t, []string{"--kibana-url", srv.URL + "/wrong"}, map[string]string{"KIBANA_API_KEY": testKey})
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	wantContains(t, "report", out, srv.URL+"/wrong/api/status", "base path of KIBANA_URL")
}

// A Kibana where the key reads cases, is refused alerting and lacks the
// data views API: the check still passes and says which is which.
func TestCheckToolsetPrivileges(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		if r.Header.Get("Authorization") != "ApiKey "+testKey {
			answer(w, 401, `{"statusCode":401,"error":"Unauthorized","message":"no"}`)
			return
		}
		switch {
		case r.URL.Path == "/api/status":
			answer(w, 200, statusOK)
		case r.URL.Path == "/api/spaces/space/default":
			answer(w, 200, `{"id":"default","name":"Default"}`)
		case r.URL.Path == "/api/cases/_find":
			if r.URL.Query().Get("perPage") != "1" {
				t.Errorf("find_cases probe sent %s, want perPage=1", r.URL.RawQuery)
			}
			answer(w, 200, `{"cases":[],"page":1,"per_page":1,"total":0}`)
		case strings.HasPrefix(r.URL.Path, "/api/alerting/"):
			answer(w, 403, `{"statusCode":403,"error":"Forbidden","message":"Unauthorized to find rules"}`)
		case strings.HasPrefix(r.URL.Path, "/api/data_views"):
			answer(w, 404, routeAbsent)
		default:
			answer(w, 500, `{"statusCode":500,"error":"Internal Server Error","message":"boom"}`)
		}
	})
	code, out, _ := runCheck(t, []string{"--kibana-url", srv.URL}, map[string]string{"KIBANA_API_KEY": testKey})
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s", code, out)
	}
	wantContains(t, "report", out, "9.1.3 (serverless)", "default (Default): exists")
	for tool, verdict := range map[string]string{"find_cases": "ok", "find_rules": "no privilege (403)", "find_data_views": "not on this Kibana (404)", "list_connectors": "answered 500"} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, " "+tool+" ") {
				found = true
				if !strings.HasSuffix(strings.TrimSpace(line), verdict) {
					t.Errorf("%s: %q, want verdict %q", tool, line, verdict)
				}
			}
		}
		if !found {
			t.Errorf("no line for %s in\n%s", tool, out)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, req := range seen {
		if !strings.HasPrefix(req, "GET ") {
			t.Errorf("check sent %s: it must only read", req)
		}
	}
}

// startupLog runs the start-up check against url and returns its log.
func startupLog(t *testing.T, url string, k kibana.Config) string {
	t.Helper()
	k.URL = url
	k.MaxRetries = -1
	if k.Timeout == 0 {
		k.Timeout = 5 * time.Second
	}
	cfg := &Config{Kibana: k, Transport: "stdio"}
	client, err := kibana.New(cfg.Kibana, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	startupCheck(t.Context(), client, cfg, log, nil)()
	return buf.String()
}

func TestStartupCheck(t *testing.T) {
	t.Run("connected", func(t *testing.T) {
		srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) { answer(w, 200, statusOK) })
		got := startupLog(t, srv.URL, kibana.Config{APIKey: testKey, Space: "soc"})
		wantContains(t, "log", got, `msg="Kibana connected"`, "version=9.1.3", "flavor=serverless", "url="+srv.URL, "space=soc", `credentials="api key"`)
		if strings.Contains(got, testKey) {
			t.Error("the log shows the API key")
		}
	})
	t.Run("401", func(t *testing.T) {
		srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) {
			answer(w, 401, `{"statusCode":401,"error":"Unauthorized","message":"x"}`)
		})
		got := startupLog(t, srv.URL, kibana.Config{Username: "elastic", Password: "hunter2"})
		wantContains(t, "log", got, "level=WARN", "401", "KIBANA_USERNAME", "credentials=basic")
		if strings.Contains(got, "hunter2") {
			t.Error("the log shows the password")
		}
	})
	t.Run("403", func(t *testing.T) {
		srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) {
			answer(w, 403, `{"statusCode":403,"error":"Forbidden","message":"x"}`)
		})
		wantContains(t, "log", startupLog(t, srv.URL, kibana.Config{APIKey: testKey}), "level=WARN", "status API")
	})
	t.Run("base path", func(t *testing.T) {
		srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
		wantContains(t, "log", startupLog(t, srv.URL+"/kbn", kibana.Config{APIKey: testKey}), "level=WARN", srv.URL+"/kbn/api/status", "base path")
	})
	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		wantContains(t, "log", startupLog(t, "http://"+addr, kibana.Config{}), "level=WARN", "connection refused", addr, "Kibana running")
	})
}

// The start-up check runs alongside serving: a Kibana that never answers
// holds up neither the server nor its stop.
func TestStartupCheckDoesNotBlockServing(t *testing.T) {
	release := make(chan struct{})
	srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	var out, errOut bytes.Buffer
	in := strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	code := Main(ctx, []string{"--kibana-url", srv.URL, "--timeout", "60s"}, in, &out, &errOut, env(map[string]string{"KIBANA_API_KEY": testKey}))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	if !strings.Contains(out.String(), `"id":1`) {
		t.Errorf("initialize was not answered: %s", out.String())
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("serving took %v: the start-up check held it up", time.Since(start))
	}
}

package kibana

import (
	"encoding/pem"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// diagnoseGet sends one GET /api/status through a real client and returns
// what Diagnose makes of the failure.
func diagnoseGet(t *testing.T, cfg Config) (summary, hint string) {
	t.Helper()
	cfg.MaxRetries = -1
	c := newClient(t, cfg)
	_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/status"})
	if err == nil {
		t.Fatal("request succeeded, want an error")
	}
	summary, hint = Diagnose(err)
	if summary == "" {
		t.Fatalf("Diagnose(%v) gave no summary", err)
	}
	return summary, hint
}

func wantIn(t *testing.T, what, got string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("%s %q does not contain %q", what, got, p)
		}
	}
}

func TestDiagnoseKibanaAnswers(t *testing.T) {
	for _, tc := range []struct {
		name        string
		status      int
		body        string
		summary     string
		hint        string
		routeAbsent bool
	}{
		{"401", 401, `{"statusCode":401,"error":"Unauthorized","message":"[security_exception] unable to authenticate"}`, "401", "KIBANA_API_KEY", false},
		{"403", 403, `{"statusCode":403,"error":"Forbidden","message":"Unauthorized to find cases"}`, "403", "privilege", false},
		{"route 404", 404, `{"statusCode":404,"error":"Not Found","message":"Not Found"}`, "no API at this path", "base path of KIBANA_URL", true},
		{"proxy 404 page", 404, `<html><body><h1>404 Not Found</h1></body></html>`, "no API at this path", "base path", true},
		{"go 404", 404, "404 page not found\n", "no API at this path", "base path", true},
		{"object 404", 404, `{"statusCode":404,"error":"Not Found","message":"Saved object [cases/abc] not found"}`, "cases/abc", "", false},
		{"security solution 404", 404, `{"message":"list id: \"x\" not found","status_code":404}`, "list id", "", false},
		{"http to https", 400, "Client sent an HTTP request to an HTTPS server.\n", "answers TLS", "https://", false},
		{"500", 500, `{"statusCode":500,"error":"Internal Server Error","message":"boom"}`, "boom", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			summary, hint := diagnoseGet(t, Config{URL: srv.URL, APIKey: "secret-key"})
			wantIn(t, "summary", summary, tc.summary)
			if tc.hint == "" && hint != "" {
				t.Errorf("hint = %q, want none", hint)
			}
			wantIn(t, "hint", hint, tc.hint)
			if strings.Contains(summary+hint, "secret-key") {
				t.Error("the diagnosis names the credential")
			}
			c := newClient(t, Config{URL: srv.URL, MaxRetries: -1})
			_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/status"})
			if got := RouteNotFound(err); got != tc.routeAbsent {
				t.Errorf("RouteNotFound = %v, want %v", got, tc.routeAbsent)
			}
		})
	}
}

func TestDiagnoseConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	summary, hint := diagnoseGet(t, Config{URL: "http://" + addr})
	wantIn(t, "summary", summary, "connection refused", addr)
	wantIn(t, "hint", hint, "running", "port")
}

func TestDiagnoseDNS(t *testing.T) {
	// .invalid never resolves (RFC 2606).
	summary, hint := diagnoseGet(t, Config{URL: "http://kibana.example.invalid:5601", Timeout: 5 * time.Second})
	wantIn(t, "summary", summary, "kibana.example.invalid")
	wantIn(t, "hint", hint, "host name")
}

func TestDiagnoseTLS(t *testing.T) {
	srv := httptestTLSServer(t)
	t.Run("unknown authority", func(t *testing.T) {
		summary, hint := diagnoseGet(t, Config{URL: srv.URL})
		wantIn(t, "summary", summary, "authority")
		wantIn(t, "hint", hint, "--ca-cert", "--insecure-skip-verify")
	})
	t.Run("hostname mismatch", func(t *testing.T) {
		// The test certificate names 127.0.0.1 and example.com, not localhost.
		caFile := filepath.Join(t.TempDir(), "ca.pem")
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
			t.Fatal(err)
		}
		url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
		summary, hint := diagnoseGet(t, Config{URL: url, CACertFile: caFile})
		wantIn(t, "summary", summary, "not valid for localhost")
		wantIn(t, "hint", hint, "127.0.0.1", "KIBANA_URL")
	})
	t.Run("https to plain http", func(t *testing.T) {
		plain, _ := newServer(t, nil)
		summary, hint := diagnoseGet(t, Config{URL: strings.Replace(plain.URL, "http://", "https://", 1)})
		wantIn(t, "summary", summary, "plain HTTP")
		wantIn(t, "hint", hint, "http://")
	})
	t.Run("http to https", func(t *testing.T) {
		summary, hint := diagnoseGet(t, Config{URL: strings.Replace(srv.URL, "https://", "http://", 1)})
		wantIn(t, "summary", summary, "TLS")
		wantIn(t, "hint", hint, "https://")
	})
}

func TestDiagnoseTimeout(t *testing.T) {
	srv, _ := newServer(t, stall(5*time.Second))
	summary, hint := diagnoseGet(t, Config{URL: srv.URL, Timeout: 100 * time.Millisecond})
	wantIn(t, "summary", summary, "in time")
	wantIn(t, "hint", hint, "--timeout")
}

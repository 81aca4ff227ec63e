package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const testKey = "sandbox-test-key"

// do sends one request to a fresh or given sandbox and returns status and
// decoded body.
func do(t *testing.T, k *Kibana, method, path, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Authorization", "ApiKey "+testKey)
	if method != http.MethodGet {
		req.Header.Set("kbn-xsrf", "true")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for h, v := range header {
		if v == "" {
			req.Header.Del(h)
		} else {
			req.Header.Set(h, v)
		}
	}
	w := httptest.NewRecorder()
	k.ServeHTTP(w, req)
	var out map[string]any
	if w.Body.Len() > 0 {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			var list []any
			if json.Unmarshal(w.Body.Bytes(), &list) != nil {
				t.Fatalf("%s %s: answer is not JSON: %q", method, path, w.Body.String())
			}
			out = map[string]any{"list": list}
		}
	}
	return w.Code, out
}

func TestAuthXSRFSpacesAndUnknownRoutes(t *testing.T) {
	k := New(Config{APIKey: testKey, Username: "elastic", Password: "changeme"})
	for _, tc := range []struct {
		name, method, path string
		header             map[string]string
		status             int
		message            string
	}{
		{"no credentials", "GET", "/api/cases/_find", map[string]string{"Authorization": ""}, 401, "unable to authenticate user"},
		{"wrong key", "GET", "/api/cases/_find", map[string]string{"Authorization": "ApiKey nope"}, 401, "unable to authenticate user"},
		{"wrong password", "GET", "/api/cases/_find", map[string]string{"Authorization": "Basic ZWxhc3RpYzpub3Bl"}, 401, "unable to authenticate user"},
		{"write without kbn-xsrf", "POST", "/api/cases", map[string]string{"kbn-xsrf": ""}, 400, "kbn-xsrf"},
		{"unknown space", "GET", "/s/nowhere/api/cases/_find", nil, 404, "Not Found"},
		{"unknown route", "GET", "/api/nothing/here", nil, 404, "Not Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(t, k, tc.method, tc.path, "", tc.header)
			if status != tc.status || body["statusCode"] != float64(tc.status) || !strings.Contains(body["message"].(string), tc.message) {
				t.Errorf("%d %v, want %d with %q", status, body, tc.status, tc.message)
			}
		})
	}
}

func TestIDsAreDeterministicPerSeed(t *testing.T) {
	a, b, c := New(Config{Seed: 1}), New(Config{Seed: 1}), New(Config{Seed: 2})
	if a.newID() != b.newID() || a.newID() == c.newID() {
		t.Error("same seed must give the same IDs, another seed other IDs")
	}
}

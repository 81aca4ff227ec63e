package transport

import (
	"net/http"
	"strings"
	"testing"
)

// TestMetricsAreNeverPublic: on the MCP listener /metrics needs the token
// (401 with a challenge without it) and is not there at all without a
// token (404); then the metrics listener of its own serves them, on
// loopback and to loopback names only, and with the token when there is
// one.
func TestMetricsAreNeverPublic(t *testing.T) {
	metricsBase := func(r *running) string {
		eventually(t, "the metrics listener", func() bool { return r.ts.metricsURL.Load() != nil })
		return *r.ts.metricsURL.Load()
	}
	t.Run("token", func(t *testing.T) {
		ts := New(Options{Transport: "http", Token: strongToken, Metrics: true, MetricsAddr: "127.0.0.1:0"})
		r := serve(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil)))
		for _, base := range []string{r.url, metricsBase(r)} {
			status, hdr, _ := post(t, http.MethodGet, base+"/metrics", "", nil)
			if status != http.StatusUnauthorized || hdr.Get("WWW-Authenticate") != `Bearer realm="kibana-mcp"` {
				t.Errorf("%s/metrics without the token: %d %v", base, status, hdr)
			}
			status, hdr, _ = post(t, http.MethodGet, base+"/metrics", "", map[string]string{"Authorization": "Bearer wrong"})
			if status != http.StatusUnauthorized || !strings.Contains(hdr.Get("WWW-Authenticate"), "invalid_token") {
				t.Errorf("%s/metrics with a wrong token: %d %v", base, status, hdr)
			}
			status, _, body := post(t, http.MethodGet, base+"/metrics", "", map[string]string{"Authorization": "Bearer " + strongToken})
			if status != http.StatusOK || !strings.Contains(body, "kibana_mcp_tool_calls_in_flight") {
				t.Errorf("%s/metrics with the token: %d %s", base, status, body)
			}
		}
	})
	t.Run("client credentials only", func(t *testing.T) {
		log, logs := testLogger()
		ts := New(Options{Transport: "http", AllowClientCredentials: true, Metrics: true, MetricsAddr: "127.0.0.1:0", Log: log})
		r := serve(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil)))
		for _, h := range []map[string]string{nil, {HeaderAPIKey: "alice-key"}, {"Authorization": "Bearer anything"}} {
			status, _, body := post(t, http.MethodGet, r.url+"/metrics", "", h)
			if status != http.StatusNotFound || !strings.Contains(body, "--metrics-addr") {
				t.Errorf("MCP listener /metrics with %v: %d %s", h, status, body)
			}
		}
		base := metricsBase(r)
		if status, _, body := post(t, http.MethodGet, base+"/metrics", "", nil); status != http.StatusOK || !strings.Contains(body, "# TYPE kibana_mcp_tool_calls_total counter") {
			t.Errorf("metrics listener: %d %s", status, body)
		}
		for path, want := range map[string]int{"/mcp": http.StatusNotFound, "/healthz": http.StatusNotFound} {
			if status, _, _ := post(t, http.MethodGet, base+path, "", nil); status != want {
				t.Errorf("metrics listener %s: %d, want %d", path, status, want)
			}
		}
		// A web page that rebinds its own name to 127.0.0.1 cannot read them.
		if status, _, _ := post(t, http.MethodGet, base+"/metrics", "", map[string]string{"Host": "evil.example:9464"}); status != http.StatusForbidden {
			t.Errorf("metrics listener for another host name: %d", status)
		}
		r.stop()
		if lines := logs.lines("serving metrics"); len(lines) != 1 || lines[0]["url"] != base+"/metrics" || lines[0]["auth"] != "none" {
			t.Errorf("start-up line: %v", lines)
		}
	})
	t.Run("default address", func(t *testing.T) {
		if got := (Options{Metrics: true}).withDefaults().MetricsAddr; got != DefaultMetricsAddr {
			t.Errorf("without a token: %q", got)
		}
		if got := (Options{Metrics: true, Token: strongToken}).withDefaults().MetricsAddr; got != "" {
			t.Errorf("with a token: %q", got)
		}
	})
	t.Run("beyond loopback", func(t *testing.T) {
		for _, tc := range []struct {
			opts Options
			want string
		}{
			{Options{AllowClientCredentials: true, MetricsAddr: "0.0.0.0:9464"}, "refusing to serve metrics on 0.0.0.0:9464, beyond loopback, without --http-token"},
			{Options{AllowClientCredentials: true, MetricsAddr: "0.0.0.0:9464", InsecureNoAuth: true}, ""},
			{Options{Token: strongToken, MetricsAddr: "0.0.0.0:9464"}, ""},
			{Options{AllowClientCredentials: true, MetricsAddr: "localhost:9464"}, ""},
			{Options{AllowClientCredentials: true, MetricsAddr: "9464"}, "not host:port"},
		} {
			tc.opts.Transport, tc.opts.Metrics = "http", true
			err := tc.opts.Validate("0.0.0.0:8080")
			if (tc.want == "" && err != nil) || (tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want))) {
				t.Errorf("%+v: %v, want %q", tc.opts, err, tc.want)
			}
		}
	})
}

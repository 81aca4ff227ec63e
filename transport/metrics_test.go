package transport

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMetricsScrape drives calls with every outcome through the server and
// reads them back from /metrics, with the Kibana latency the client
// reported through ObserveKibana.
func TestMetricsScrape(t *testing.T) {
	kib := newFakeKibana(t, 0)
	ts := New(Options{Transport: "http", Metrics: true})
	r := serve(t, ts, newMCP(t, ts, kib.client(t, ts.ObserveKibana)))
	c := mustConnect(t, r, nil)
	callTool(t, c, "get_case", map[string]any{"caseId": "c1"})
	callTool(t, c, "get_case", map[string]any{"caseId": "c2"})
	callTool(t, c, "get_case", map[string]any{"caseId": "missing"})
	m := scrape(t, r.url, nil)
	for _, want := range []string{
		"# TYPE kibana_mcp_tool_calls_total counter",
		`kibana_mcp_tool_calls_total{tool="get_case",outcome="ok"} 2`,
		`kibana_mcp_tool_calls_total{tool="get_case",outcome="tool_error"} 1`,
		"# TYPE kibana_mcp_tool_calls_in_flight gauge",
		"kibana_mcp_tool_calls_in_flight 0",
		"# TYPE kibana_mcp_kibana_request_duration_seconds histogram",
		`kibana_mcp_kibana_request_duration_seconds_bucket{status_class="2xx",le="+Inf"} 2`,
		`kibana_mcp_kibana_request_duration_seconds_count{status_class="2xx"} 2`,
		`kibana_mcp_kibana_request_duration_seconds_bucket{status_class="4xx",le="10"} 1`,
		"# TYPE kibana_mcp_http_requests_total counter",
		`kibana_mcp_http_requests_total{code="200"} `,
		"kibana_mcp_sessions_open 1",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, m)
		}
	}
	// Every line is a comment or "name{labels} value".
	for _, line := range strings.Split(strings.TrimSpace(m), "\n") {
		if !strings.HasPrefix(line, "# ") && len(strings.Fields(line)) != 2 {
			t.Errorf("malformed line %q", line)
		}
	}
	// Refused requests are counted by code too.
	post(t, http.MethodPost, r.url+"/mcp", initializeBody, map[string]string{"Origin": "https://evil.example"})
	if m := scrape(t, r.url, nil); !strings.Contains(m, `kibana_mcp_http_requests_total{code="403"} 1`) {
		t.Errorf("403 not counted:\n%s", m)
	}
}

func TestMetricsAreOptIn(t *testing.T) {
	base := mount(t, New(Options{Transport: "http"}), "127.0.0.1:8080")
	if status, _, _ := post(t, http.MethodGet, base+"/metrics", "", nil); status != http.StatusNotFound {
		t.Errorf("/metrics without Metrics: %d", status)
	}
}

func TestHistogramBuckets(t *testing.T) {
	m := newMetrics()
	for _, d := range []time.Duration{time.Millisecond, 5 * time.Millisecond, 300 * time.Millisecond, time.Minute} {
		m.kibanaRequest(200, d)
	}
	m.kibanaRequest(0, time.Second)
	m.kibanaRequest(503, time.Second)
	var b strings.Builder
	m.write(&b)
	for _, want := range []string{
		`_bucket{status_class="2xx",le="0.005"} 2`, // le is inclusive
		`_bucket{status_class="2xx",le="0.25"} 2`,
		`_bucket{status_class="2xx",le="0.5"} 3`,
		`_bucket{status_class="2xx",le="10"} 3`,
		`_bucket{status_class="2xx",le="+Inf"} 4`,
		`_sum{status_class="2xx"} 60.306`,
		`_count{status_class="error"} 1`,
		`_count{status_class="5xx"} 1`,
	} {
		if !strings.Contains(b.String(), "kibana_mcp_kibana_request_duration_seconds"+want+"\n") {
			t.Errorf("histogram lacks %s:\n%s", want, b.String())
		}
	}
}

func TestLabelValuesAreEscaped(t *testing.T) {
	if got := quote("a\"b\\c\nd"); got != `"a\"b\\c\nd"` {
		t.Errorf("quote: %s", got)
	}
}

package transport

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metrics counts what /metrics shows, in Prometheus' text format written
// by hand: a handful of series does not justify a client library. Label
// values come from bounded sets (registered tool names, outcomes, the two
// limited methods, status codes), so no series can grow without bound.
type metrics struct {
	mu        sync.Mutex
	calls     map[[2]string]uint64 // {tool, outcome}
	inputs    map[string]uint64    // input-required results, by tool
	requests  map[[2]string]uint64 // {method, outcome} of resource reads and completions
	httpCodes map[int]uint64
	kibana    map[string]*histogram // by status class

	inFlight atomic.Int64 // call slots held: tool calls, resource reads, completions
	sessions atomic.Int64
	listens  atomic.Int64 // open subscriptions/listen streams
}

// Outcomes of a tool call, a resource read or a completion. A tool call
// that asks its client for input first (the multi-round-trip pattern, as
// confirmations do) is not finished by that question: the question is
// counted in kibana_mcp_tool_input_requests_total, and the call once, here,
// when it ends.
const (
	outcomeOK        = "ok"
	outcomeToolError = "tool_error"      // an isError result, or a Go error from the handler
	outcomeError     = "error"           // a resource read or completion that failed
	outcomeTimeout   = "timeout"         // stopped at CallTimeout
	outcomeRefused   = "refused"         // MaxConcurrentCalls were already running
	outcomeKeyFull   = "refused_per_key" // the caller's Kibana key already ran MaxConcurrentCallsPerKey
	outcomeCancelled = "cancelled"       // the client went away or cancelled
)

// kibanaBuckets are the upper bounds, in seconds, of the Kibana latency
// histogram: from a cached read to a search that hits Kibana's timeout.
var kibanaBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; one more for +Inf
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{calls: map[[2]string]uint64{}, inputs: map[string]uint64{}, requests: map[[2]string]uint64{},
		httpCodes: map[int]uint64{}, kibana: map[string]*histogram{}}
}

func (m *metrics) call(tool, outcome string) {
	m.mu.Lock()
	m.calls[[2]string{tool, outcome}]++
	m.mu.Unlock()
}

func (m *metrics) inputRequest(tool string) {
	m.mu.Lock()
	m.inputs[tool]++
	m.mu.Unlock()
}

// request counts a resources/read or completion/complete; method is one
// of those two, never a client's word.
func (m *metrics) request(method, outcome string) {
	m.mu.Lock()
	m.requests[[2]string{method, outcome}]++
	m.mu.Unlock()
}

func (m *metrics) httpRequest(code int) {
	m.mu.Lock()
	m.httpCodes[code]++
	m.mu.Unlock()
}

func (m *metrics) kibanaRequest(status int, elapsed time.Duration) {
	class := statusClass(status)
	secs := elapsed.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.kibana[class]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(kibanaBuckets)+1)}
		m.kibana[class] = h
	}
	i, _ := slices.BinarySearch(kibanaBuckets, secs) // the first bound >= secs: le is inclusive
	h.counts[i]++
	h.sum += secs
	h.count++
}

// statusClass groups Kibana's answers; 0 (no answer: refused connection,
// timeout, cancelled) is "error".
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "error"
	}
	return strconv.Itoa(status/100) + "xx"
}

// write renders every series, sorted so that scrapes are stable.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder

	b.WriteString("# HELP kibana_mcp_tool_calls_total Tool calls by tool and outcome.\n# TYPE kibana_mcp_tool_calls_total counter\n")
	keys := slices.Collect(maps.Keys(m.calls))
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	for _, k := range keys {
		fmt.Fprintf(&b, "kibana_mcp_tool_calls_total{tool=%s,outcome=%s} %d\n", quote(k[0]), quote(k[1]), m.calls[k])
	}

	b.WriteString("# HELP kibana_mcp_tool_input_requests_total Tool calls that asked the client for input (a confirmation) before finishing; the call itself is counted in kibana_mcp_tool_calls_total when it ends.\n# TYPE kibana_mcp_tool_input_requests_total counter\n")
	for _, tool := range slices.Sorted(maps.Keys(m.inputs)) {
		fmt.Fprintf(&b, "kibana_mcp_tool_input_requests_total{tool=%s} %d\n", quote(tool), m.inputs[tool])
	}

	b.WriteString("# HELP kibana_mcp_requests_total Resource reads and completions, which share the tool calls' slots and timeout, by method and outcome.\n# TYPE kibana_mcp_requests_total counter\n")
	keys = slices.Collect(maps.Keys(m.requests))
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	for _, k := range keys {
		fmt.Fprintf(&b, "kibana_mcp_requests_total{method=%s,outcome=%s} %d\n", quote(k[0]), quote(k[1]), m.requests[k])
	}

	b.WriteString("# HELP kibana_mcp_tool_calls_in_flight Call slots held now: tool calls (one waiting for its user's confirmation included), resource reads and completions.\n# TYPE kibana_mcp_tool_calls_in_flight gauge\n")
	fmt.Fprintf(&b, "kibana_mcp_tool_calls_in_flight %d\n", m.inFlight.Load())

	b.WriteString("# HELP kibana_mcp_sessions_open MCP sessions open now (stateful transports).\n# TYPE kibana_mcp_sessions_open gauge\n")
	fmt.Fprintf(&b, "kibana_mcp_sessions_open %d\n", m.sessions.Load())

	b.WriteString("# HELP kibana_mcp_listen_streams_open subscriptions/listen streams open now; they count toward the session limits.\n# TYPE kibana_mcp_listen_streams_open gauge\n")
	fmt.Fprintf(&b, "kibana_mcp_listen_streams_open %d\n", m.listens.Load())

	b.WriteString("# HELP kibana_mcp_kibana_request_duration_seconds Kibana request attempts by status class (error: no answer).\n# TYPE kibana_mcp_kibana_request_duration_seconds histogram\n")
	classes := slices.Sorted(maps.Keys(m.kibana))
	for _, class := range classes {
		h := m.kibana[class]
		var cumulative uint64
		for i, bound := range kibanaBuckets {
			cumulative += h.counts[i]
			fmt.Fprintf(&b, "kibana_mcp_kibana_request_duration_seconds_bucket{status_class=%s,le=%q} %d\n", quote(class), strconv.FormatFloat(bound, 'g', -1, 64), cumulative)
		}
		fmt.Fprintf(&b, "kibana_mcp_kibana_request_duration_seconds_bucket{status_class=%s,le=\"+Inf\"} %d\n", quote(class), h.count)
		fmt.Fprintf(&b, "kibana_mcp_kibana_request_duration_seconds_sum{status_class=%s} %s\n", quote(class), strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(&b, "kibana_mcp_kibana_request_duration_seconds_count{status_class=%s} %d\n", quote(class), h.count)
	}

	b.WriteString("# HELP kibana_mcp_http_requests_total HTTP requests answered, by status code.\n# TYPE kibana_mcp_http_requests_total counter\n")
	for _, code := range slices.Sorted(maps.Keys(m.httpCodes)) {
		fmt.Fprintf(&b, "kibana_mcp_http_requests_total{code=\"%d\"} %d\n", code, m.httpCodes[code])
	}
	io.WriteString(w, b.String())
}

func (m *metrics) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.write(w)
	})
}

// quote renders a label value: Prometheus escapes only \, " and newline.
func quote(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v) + `"`
}

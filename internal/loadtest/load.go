package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"regexp"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/sandbox"
)

// Config is one load run.
type Config struct {
	Binary    string // server binary; built from this module when empty
	Sessions  int    // concurrent MCP client sessions
	Calls     int    // tool calls per session
	Replicas  int    // server processes
	Stateless bool   // start each replica with --stateless
	// Proxy puts the round-robin proxy in front even of one replica, so
	// one and two replicas can be compared through the same path. With
	// more than one replica there is always a proxy.
	Proxy bool
	// Protocol pins the MCP protocol version the clients ask for; empty
	// lets mcp-go choose (its newest, which needs no session). A version
	// before 2026-07-28 uses the initialize handshake and a session ID.
	Protocol    string
	Timeout     time.Duration // the whole run, start-up included; 5m when zero
	CallTimeout time.Duration // each tool call; 30s when zero
	Seed        int64         // the sandbox's data; 1 when zero
	ServerLog   io.Writer     // the replicas' stderr; kept only for errors when nil
}

// Credentials: a made-up Kibana key for made-up data on loopback, and the
// bearer token a deployment beyond loopback needs (its check is part of
// what each request costs).
const (
	sandboxKey = "loadtest-key"
	httpToken  = "loadtest-token"
)

// Result is what a run measured.
type Result struct {
	Config     Config
	Calls      int                 // tool calls attempted
	Errors     map[string]int      // failed calls (and failed sessions) by kind
	Samples    map[string]string   // one message for each kind of error
	Wall       time.Duration       // from the first session starting to the last ending
	Latencies  []time.Duration     // of every call, sorted
	Tools      map[string]*ToolRun // by tool name
	Replicas   []ReplicaRun
	ServerArgs []string // the flags each replica got besides address and Kibana
	// DriverCPU is the CPU time this process used during the sessions:
	// the clients, the simulated Kibana and the proxy, which share the
	// machine with the replicas.
	DriverCPU time.Duration
}

// ToolRun is the calls of one tool.
type ToolRun struct {
	Calls, Errors int
	Latencies     []time.Duration // sorted
}

// ReplicaRun is one server process.
type ReplicaRun struct {
	Addr     string
	Requests int64         // HTTP requests the proxy sent it; 0 without a proxy
	PeakRSS  int64         // bytes (VmHWM)
	CPU      time.Duration // user and system time during the sessions
}

// ErrorCount is the number of failed calls and sessions.
func (r *Result) ErrorCount() int {
	n := 0
	for _, v := range r.Errors {
		n += v
	}
	return n
}

// Throughput is completed calls per second of wall time.
func (r *Result) Throughput() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Calls) / r.Wall.Seconds()
}

// Run starts the sandbox, the replicas and (when asked or needed) the proxy,
// runs the sessions, and stops everything before returning.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Sessions < 1 || cfg.Calls < 1 || cfg.Replicas < 1 {
		return nil, errors.New("sessions, calls and replicas must each be at least 1")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Minute
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = 30 * time.Second
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	if cfg.Binary == "" {
		dir, err := os.MkdirTemp("", "kibana-mcp-loadtest-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		if cfg.Binary, err = BuildServer(ctx, dir); err != nil {
			return nil, err
		}
	}

	kibanaURL, stopKibana, err := serveSandbox(cfg.Seed)
	if err != nil {
		return nil, err
	}
	defer stopKibana()

	var args []string
	if cfg.Stateless {
		args = append(args, "--stateless")
	}
	replicas, err := startReplicas(ctx, cfg.Replicas, ReplicaOptions{Binary: cfg.Binary, KibanaURL: kibanaURL, APIKey: sandboxKey, Token: httpToken, Args: args, Log: cfg.ServerLog})
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, r := range replicas {
			r.Stop()
		}
	}()

	target := "http://" + replicas[0].Addr + "/mcp"
	var proxy *Proxy
	if cfg.Proxy || cfg.Replicas > 1 {
		addrs := make([]string, len(replicas))
		for i, r := range replicas {
			addrs[i] = r.Addr
		}
		proxy = NewProxy(addrs)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ps := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
		go ps.Serve(ln)
		defer ps.Close()
		target = "http://" + ln.Addr().String() + "/mcp"
	}

	cpu0 := make([]time.Duration, len(replicas))
	for i, r := range replicas {
		cpu0[i] = r.CPUTime()
	}
	res := load(ctx, cfg, target)
	res.Config, res.ServerArgs = cfg, args
	var served []int64
	if proxy != nil {
		served = proxy.Served()
	}
	for i, r := range replicas {
		rr := ReplicaRun{Addr: r.Addr, PeakRSS: r.PeakRSS(), CPU: r.CPUTime() - cpu0[i]}
		if served != nil {
			rr.Requests = served[i]
		}
		res.Replicas = append(res.Replicas, rr)
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("the run did not finish within %v", cfg.Timeout)
	}
	return res, nil
}

// serveSandbox runs the simulated Kibana in this process on a loopback port.
// (Not httptest: importing it adds a flag to every command that uses this
// package.)
func serveSandbox(seed int64) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: sandbox.New(sandbox.Config{APIKey: sandboxKey, Seed: seed}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// startReplicas starts n servers at once; if any fails, those started are
// stopped.
func startReplicas(ctx context.Context, n int, o ReplicaOptions) ([]*Replica, error) {
	replicas := make([]*Replica, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { replicas[i], errs[i] = StartReplica(ctx, o) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, r := range replicas {
			if r != nil {
				r.Stop()
			}
		}
		return nil, err
	}
	return replicas, nil
}

// sample is one finished call.
type sample struct {
	tool    string
	took    time.Duration
	kind    string // "" when the call succeeded
	message string
}

// load runs the sessions against target and gathers what they saw.
func load(ctx context.Context, cfg Config, target string) *Result {
	// One connection pool for every session, sized so that no session
	// waits for a connection or opens a new one for each call.
	hc := &http.Client{Transport: &http.Transport{
		MaxIdleConns:        4 * cfg.Sessions,
		MaxIdleConnsPerHost: 4 * cfg.Sessions,
		IdleConnTimeout:     30 * time.Second,
	}}
	defer hc.CloseIdleConnections()

	results := make([][]sample, cfg.Sessions)
	cpu0 := selfCPU()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range cfg.Sessions {
		wg.Go(func() { results[i] = session(ctx, cfg, hc, target, i) })
	}
	wg.Wait()
	res := &Result{Wall: time.Since(start), DriverCPU: selfCPU() - cpu0, Errors: map[string]int{}, Samples: map[string]string{}, Tools: map[string]*ToolRun{}}
	for _, samples := range results {
		for _, s := range samples {
			if s.kind != "" {
				res.Errors[s.kind]++
				if _, ok := res.Samples[s.kind]; !ok {
					res.Samples[s.kind] = s.message
				}
			}
			if s.tool == "" { // the session's start, not a call
				continue
			}
			res.Calls++
			res.Latencies = append(res.Latencies, s.took)
			t := res.Tools[s.tool]
			if t == nil {
				t = &ToolRun{}
				res.Tools[s.tool] = t
			}
			t.Calls++
			t.Latencies = append(t.Latencies, s.took)
			if s.kind != "" {
				t.Errors++
			}
		}
	}
	sortDurations(res.Latencies)
	for _, t := range res.Tools {
		sortDurations(t.Latencies)
	}
	return res
}

// session is one MCP client: it connects, finds cases (as a model would
// before reading one), then makes the rest of its calls from the mix.
func session(ctx context.Context, cfg Config, hc *http.Client, target string, n int) []sample {
	c, err := client.NewStreamableHttpClient(target, transport.WithHTTPBasicClient(hc),
		transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + httpToken}))
	if err != nil {
		return []sample{{kind: "initialize", message: err.Error()}}
	}
	defer c.Close()
	initCtx, cancel := context.WithTimeout(ctx, cfg.CallTimeout)
	defer cancel()
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = cfg.Protocol
	init.Params.ClientInfo = mcp.Implementation{Name: "kibana-mcp-loadtest", Version: "1"}
	if err := c.Start(initCtx); err != nil {
		return []sample{{kind: "initialize", message: err.Error()}}
	}
	if _, err := c.Initialize(initCtx, init); err != nil {
		return []sample{{kind: "initialize", message: err.Error()}}
	}

	// Each session draws its own reproducible sequence.
	rng := rand.New(rand.NewPCG(uint64(n), 0x6b6962616e61))
	var caseIDs []string
	out := make([]sample, 0, cfg.Calls)
	for i := range cfg.Calls {
		if ctx.Err() != nil {
			break
		}
		tool, args := "find_cases", findCasesArgs(rng)
		if i > 0 {
			tool, args = pick(rng, caseIDs)
		}
		s, text := call(ctx, cfg.CallTimeout, c, tool, args)
		out = append(out, s)
		if tool == "find_cases" && s.kind == "" {
			caseIDs = appendCaseIDs(caseIDs, text)
		}
	}
	return out
}

// The mix: what a triage assistant calls most, finding and reading cases,
// then alerts and the rules that raised them.
var mix = []struct {
	tool   string
	weight int
}{
	{"find_cases", 30},
	{"get_case", 30},
	{"search_detection_alerts", 25},
	{"find_rules", 15},
}

func pick(rng *rand.Rand, caseIDs []string) (string, map[string]any) {
	total := 0
	for _, m := range mix {
		total += m.weight
	}
	r := rng.IntN(total)
	tool := mix[len(mix)-1].tool
	for _, m := range mix {
		if r < m.weight {
			tool = m.tool
			break
		}
		r -= m.weight
	}
	switch tool {
	case "get_case":
		if len(caseIDs) == 0 {
			return "find_cases", findCasesArgs(rng)
		}
		return tool, map[string]any{"caseId": caseIDs[rng.IntN(len(caseIDs))]}
	case "search_detection_alerts":
		if rng.IntN(3) == 0 {
			return tool, map[string]any{"size": 0, "aggs": map[string]any{"by_rule": map[string]any{"terms": map[string]any{"field": "kibana.alert.rule.name", "size": 10}}}}
		}
		return tool, map[string]any{
			"query": map[string]any{"bool": map[string]any{"filter": []any{map[string]any{"term": map[string]any{"kibana.alert.workflow_status": "open"}}}}},
			"size":  10,
			"sort":  []any{map[string]any{"@timestamp": "desc"}},
		}
	case "find_rules":
		if rng.IntN(2) == 0 {
			return tool, map[string]any{"search": "dns", "search_fields": []string{"name", "tags"}}
		}
		return tool, map[string]any{"per_page": 20}
	}
	return "find_cases", findCasesArgs(rng)
}

func findCasesArgs(rng *rand.Rand) map[string]any {
	statuses := []string{"open", "open", "in-progress", "closed"}
	return map[string]any{"status": statuses[rng.IntN(len(statuses))], "perPage": 10}
}

func appendCaseIDs(ids []string, text string) []string {
	var found struct {
		Cases []struct {
			ID string `json:"id"`
		} `json:"cases"`
	}
	if json.Unmarshal([]byte(text), &found) != nil {
		return ids
	}
	for _, c := range found.Cases {
		if c.ID != "" && len(ids) < 50 {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// call makes one tool call within its own deadline and classifies how it
// ended.
func call(ctx context.Context, limit time.Duration, c *client.Client, tool string, args map[string]any) (sample, string) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var req mcp.CallToolRequest
	req.Params.Name = tool
	req.Params.Arguments = args
	start := time.Now()
	res, err := c.CallTool(ctx, req)
	s := sample{tool: tool, took: time.Since(start)}
	if err != nil {
		s.kind, s.message = classify(ctx, err), err.Error()
		return s, ""
	}
	text := ""
	for _, part := range res.Content {
		if tc, ok := part.(mcp.TextContent); ok {
			text = tc.Text
			break
		}
	}
	if res.IsError {
		s.kind, s.message = "tool error", text
	}
	return s, text
}

var statusRE = regexp.MustCompile(`status (\d{3})`)

// classify names an error by what an operator would look at: the call's
// deadline, an HTTP status from the server or proxy, the connection itself,
// or a JSON-RPC error the server answered with.
func classify(ctx context.Context, err error) string {
	var terr *transport.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &terr):
		if m := statusRE.FindStringSubmatch(err.Error()); m != nil {
			return "http " + m[1]
		}
		return "transport"
	}
	return "json-rpc error"
}

// selfCPU is the user and system time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func sortDurations(d []time.Duration) { sort.Slice(d, func(i, j int) bool { return d[i] < d[j] }) }

// Percentile is the nearest-rank percentile of sorted durations.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client/transport"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
	binDir    string // removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// server builds the server once for this package's tests.
func server(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "kibana-mcp-loadtest-"); buildErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		binary, buildErr = BuildServer(ctx, binDir)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// TestLoadTiny runs the whole engine small enough for every test run: a
// replica behind the proxy, three sessions of five calls.
func TestLoadTiny(t *testing.T) {
	cfg := Config{Binary: server(t), Sessions: 3, Calls: 5, Replicas: 1, Proxy: true, Timeout: 30 * time.Second, CallTimeout: 10 * time.Second}
	res, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Calls != 15 || res.ErrorCount() != 0 {
		t.Fatalf("calls %d, errors %v %v", res.Calls, res.Errors, res.Samples)
	}
	if len(res.Latencies) != 15 || res.Latencies[0] <= 0 || res.Latencies[0] > res.Latencies[14] {
		t.Errorf("latencies %v", res.Latencies)
	}
	// Every session starts by finding cases.
	if fc := res.Tools["find_cases"]; fc == nil || fc.Calls < 3 {
		t.Errorf("find_cases %+v", fc)
	}
	if len(res.Replicas) != 1 || res.Replicas[0].PeakRSS < 1<<20 || res.Replicas[0].Requests < 15 {
		t.Errorf("replicas %+v", res.Replicas)
	}
	var out bytes.Buffer
	if err := res.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 sessions × 5 calls, 1 replica behind a round-robin proxy", "calls       15", "errors      0", "throughput", "p99", "find_cases", "MiB"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// TestReplicaStartFailureShowsServerLog: a server that refuses its flags is
// reported with its own words, not as a timeout.
func TestReplicaStartFailureShowsServerLog(t *testing.T) {
	start := time.Now()
	_, err := StartReplica(t.Context(), ReplicaOptions{Binary: server(t), KibanaURL: "http://127.0.0.1:1", Args: []string{"--no-such-flag"}})
	if err == nil || !errors.Is(err, errExited) || !strings.Contains(err.Error(), "no-such-flag") {
		t.Fatalf("err %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func TestProxyAlternates(t *testing.T) {
	var addrs []string
	for i := range 2 {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, i) }))
		t.Cleanup(srv.Close)
		addrs = append(addrs, strings.TrimPrefix(srv.URL, "http://"))
	}
	p := NewProxy(addrs)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	var got strings.Builder
	for range 5 {
		resp, err := http.Get(front.URL + "/mcp")
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 1)
		resp.Body.Read(b)
		resp.Body.Close()
		got.Write(b)
	}
	if got.String() != "01010" || fmt.Sprint(p.Served()) != "[3 2]" {
		t.Errorf("backends %s, served %v", got.String(), p.Served())
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	for p, want := range map[float64]time.Duration{50: 50, 90: 90, 99: 99, 100: 100, 0: 1} {
		if got := Percentile(d, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if Percentile(nil, 50) != 0 || Percentile(d[:1], 99) != 1 {
		t.Error("edge cases")
	}
}

func TestClassify(t *testing.T) {
	expired, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	for _, c := range []struct {
		ctx  context.Context
		err  error
		want string
	}{
		{expired, transport.NewError(context.DeadlineExceeded), "timeout"},
		{context.Background(), transport.NewError(errors.New("request failed with status 503: busy")), "http 503"},
		{context.Background(), transport.NewError(errors.New("failed to send request: connection refused")), "transport"},
		{context.Background(), fmt.Errorf("%w: no such tool", errors.New("invalid params")), "json-rpc error"},
	} {
		if got := classify(c.ctx, c.err); got != c.want {
			t.Errorf("classify(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestTailBufferKeepsTheEnd(t *testing.T) {
	b := &tailBuffer{max: 8}
	b.Write([]byte("0123456789"))
	b.Write([]byte("ab"))
	if b.String() != "456789ab" {
		t.Errorf("%q", b.String())
	}
}

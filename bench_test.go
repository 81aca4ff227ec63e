package main

// Benchmarks for the targets every change must keep:
//   - start-up: process start to the tools/list answer, within a few ms of a
//     bare mcp-go server with one tool (BenchmarkStartup vs BenchmarkStartupBare);
//   - peak memory (peakRSS-KB) at most twice that bare server's;
//   - a tool call costs at most 0.3 ms beyond the Kibana round trip
//     (BenchmarkToolCall vs BenchmarkKibanaRoundTrip).
// Run: go test -run '^$' -bench . -count 10 . ./app | tee bench.txt; benchstat bench.txt

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/app"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

const startupScript = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
`

// startOnce runs the binary until it has answered tools/list, then closes
// its stdin so it exits, and returns its peak resident memory in KiB.
func startOnce(b *testing.B, bin string, args ...string) int64 {
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"KIBANA_MCP_LOG_LEVEL=error"}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	io.WriteString(stdin, startupScript)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	answered := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), `{"jsonrpc":"2.0","id":2,`) {
			answered = true
			break
		}
	}
	// Start-up ends at the answer; shutting down is not part of it.
	b.StopTimer()
	defer b.StartTimer()
	peak := peakRSS(b, cmd.Process.Pid)
	stdin.Close()
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil || !answered {
		b.Fatalf("%s: answered=%v err=%v", bin, answered, err)
	}
	return peak
}

// peakRSS reads the process's high-water resident set (VmHWM) in KiB. The
// rusage of a finished child is no use here: it counts the pages the
// forked child shared with this (much larger) test binary before exec.
func peakRSS(b *testing.B, pid int) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skipf("no /proc here: %v", err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	b.Fatal("VmHWM not found")
	return 0
}

func benchStartup(b *testing.B, bin string, args ...string) {
	var peak int64
	for b.Loop() {
		peak = max(peak, startOnce(b, bin, args...))
	}
	b.ReportMetric(float64(peak), "peakRSS-KB")
}

// BenchmarkStartup serves the default toolsets; the variants serve every
// operation, and the two tools of tool-search mode.
func BenchmarkStartup(b *testing.B)           { benchStartup(b, buildBinary(b)) }
func BenchmarkStartupAll(b *testing.B)        { benchStartup(b, buildBinary(b), "--toolsets", "all") }
func BenchmarkStartupToolSearch(b *testing.B) { benchStartup(b, buildBinary(b), "--tool-search") }
func BenchmarkStartupBare(b *testing.B)       { benchStartup(b, build(b, "./internal/baremcp")) }

func benchKibana() *httptest.Server {
	body := []byte(`{"id":"c1","title":"Phishing wave","status":"open","severity":"critical","tags":["phishing"],"totalComment":3,"totalAlerts":12,"version":"WzQ3LDFd"}`)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
}

// BenchmarkKibanaRoundTrip is the floor: the same GET with a plain client.
func BenchmarkKibanaRoundTrip(b *testing.B) {
	srv := benchKibana()
	defer srv.Close()
	c := srv.Client()
	for b.Loop() {
		resp, err := c.Get(srv.URL + "/api/cases/c1")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkToolCall is a whole tools/call JSON-RPC message through the MCP
// server, argument checks, binding and the Kibana client.
func BenchmarkToolCall(b *testing.B) {
	srv := benchKibana()
	defer srv.Close()
	kc, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "k"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	s, err := app.NewServer(kc, app.NewLogger(io.Discard, 8, "json"), serve.Options{Selection: serve.Selection{Toolsets: []string{"all"}}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s.HandleMessage(ctx, json.RawMessage(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}`))
	msg := json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_case","arguments":{"caseId":"c1"}}}`)
	for b.Loop() {
		resp := s.HandleMessage(ctx, msg)
		out, _ := json.Marshal(resp)
		if !strings.Contains(string(out), "Phishing wave") {
			b.Fatalf("unexpected answer %s", out)
		}
	}
}

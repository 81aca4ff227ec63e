package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/transport"
)

func TestPerKeyLimitFlags(t *testing.T) {
	cfg, err := ParseConfig([]string{"--transport", "http", "--max-sessions-per-key", "3"},
		env(map[string]string{"KIBANA_MCP_MAX_CONCURRENT_CALLS_PER_KEY": "5", "KIBANA_MCP_MAX_SESSIONS_PER_KEY": "9"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP.MaxSessionsPerKey != 3 || cfg.HTTP.MaxConcurrentCallsPerKey != 5 {
		t.Errorf("per-key limits %d, %d; want 3 (flag) and 5 (env)", cfg.HTTP.MaxSessionsPerKey, cfg.HTTP.MaxConcurrentCallsPerKey)
	}
	cfg, err = ParseConfig([]string{"--transport", "http"}, env(nil), nil)
	if err != nil || cfg.HTTP.MaxSessionsPerKey != transport.DefaultMaxSessionsPerKey || cfg.HTTP.MaxConcurrentCallsPerKey != transport.DefaultMaxConcurrentCallsPerKey {
		t.Errorf("defaults: %+v %v", cfg.HTTP, err)
	}
	for _, flag := range []string{"--max-sessions-per-key", "--max-concurrent-calls-per-key"} {
		if _, err := ParseConfig([]string{"--transport", "http", flag, "0"}, env(nil), nil); err == nil || !strings.Contains(err.Error(), flag[2:]+" must be positive") {
			t.Errorf("%s 0: %v", flag, err)
		}
	}
}

// TestReadsAreLimitedAsServed runs the server as a user would, over HTTP
// with a short --call-timeout against a Kibana that never answers: a
// resource read and a completion end at the limit with an error saying so,
// as a tool call does.
func TestReadsAreLimitedAsServed(t *testing.T) {
	hung := make(chan struct{})
	kib := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-hung:
		}
	}))
	defer kib.Close()
	defer close(hung)
	stderr := &syncBuffer{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"--transport", "http", "--addr", "127.0.0.1:0", "--kibana-url", kib.URL, "--api-key", "k",
			"--call-timeout", "300ms", "--log-format", "json"}, nil, io.Discard, stderr, env(nil))
	}()
	defer func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("exit %d: %s", code, stderr)
			}
		case <-time.After(15 * time.Second):
			t.Error("the server did not stop")
		}
	}()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, line := range strings.Split(stderr.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "serving MCP over HTTP" {
				url, _ = m["url"].(string)
			}
		}
	}
	if url == "" {
		t.Fatalf("no start-up line: %s", stderr)
	}
	c, err := client.NewStreamableHttpClient(url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cctx, ccancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer ccancel()
	if err := c.Start(cctx); err != nil {
		t.Fatal(err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = "2025-06-18"
	init.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
	if _, err := c.Initialize(cctx, init); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	var read mcp.ReadResourceRequest
	read.Params.URI = "kibana://cases/c1"
	if _, err := c.ReadResource(cctx, read); err == nil || !strings.Contains(err.Error(), "longer than the 300ms limit") {
		t.Errorf("resources/read against a hung Kibana: %v", err)
	}
	var complete mcp.CompleteRequest
	complete.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: "kibana://cases/{caseId}"}
	complete.Params.Argument = mcp.CompleteArgument{Name: "caseId", Value: "brute"}
	if _, err := c.Complete(cctx, complete); err == nil || !strings.Contains(err.Error(), "longer than the 300ms limit") {
		t.Errorf("completion/complete against a hung Kibana: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the two answers took %s with a 300ms limit", d)
	}
}

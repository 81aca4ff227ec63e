package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
	"github.com/kibana-mcp/kibana-mcp/transport"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFlagsWinOverEnvironment(t *testing.T) {
	cfg, err := ParseConfig(
		[]string{"--kibana-url", "https://flag.example/kibana", "--transport", "http"},
		env(map[string]string{
			"KIBANA_URL": "https://env.example", "KIBANA_API_KEY": "k", "KIBANA_SPACE": "soc",
			"KIBANA_TIMEOUT": "45", "KIBANA_MCP_TRANSPORT": "sse", "KIBANA_MCP_ADDR": "127.0.0.1:9000",
			"KIBANA_MCP_LOG_LEVEL": "debug", "KIBANA_MCP_LOG_FORMAT": "json", "KIBANA_INSECURE_SKIP_VERIFY": "true",
			"KIBANA_MCP_MAX_RESPONSE_BYTES": "1024",
		}), nil)
	if err != nil {
		t.Fatal(err)
	}
	k := cfg.Kibana
	if k.URL != "https://flag.example/kibana" || cfg.Transport != "http" {
		t.Errorf("flags lost to env: url %s transport %s", k.URL, cfg.Transport)
	}
	if k.APIKey != "k" || k.Space != "soc" || k.Timeout != 45*time.Second || cfg.Addr != "127.0.0.1:9000" ||
		cfg.LogLevel.String() != "DEBUG" || cfg.LogFormat != "json" || !k.InsecureSkipVerify || k.MaxResponseBytes != 1024 {
		t.Errorf("env not applied: %+v %+v", cfg, k)
	}
}

func TestDefaults(t *testing.T) {
	cfg, err := ParseConfig(nil, env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Kibana.URL != "http://localhost:5601" || cfg.Transport != "stdio" || cfg.Addr != "127.0.0.1:8080" || cfg.Kibana.Timeout != 30*time.Second {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestConfigErrorsAreOneClearLine(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--transport", "grpc"}, nil, `transport "grpc" is not one of stdio, sse, http`},
		{[]string{"--timeout", "soon"}, nil, "soon"},
		{nil, map[string]string{"KIBANA_TIMEOUT": "soon"}, "KIBANA_TIMEOUT"},
		{[]string{"--log-level", "loud"}, nil, "log-level"},
		{[]string{"--transport", "http", "--addr", "8080"}, nil, "host:port"},
		{[]string{"--transport", "http", "--addr", "127.0.0.1:99999"}, nil, "port from 0 to 65535"},
		{nil, map[string]string{"KIBANA_TIMEOUT": "1e300"}, "between 1ms and 24h"},
		{nil, map[string]string{"KIBANA_TIMEOUT": "700000h"}, "between 1ms and 24h"},
		{[]string{"--timeout", "0"}, nil, "between 1ms and 24h"},
		{[]string{"serve"}, nil, `unexpected argument "serve"`},
		{nil, map[string]string{"KIBANA_INSECURE_SKIP_VERIFY": "maybe"}, "KIBANA_INSECURE_SKIP_VERIFY"},
		// Beyond loopback only with authentication, or by saying so.
		{[]string{"--transport", "http", "--addr", "0.0.0.0:8080"}, nil, "refusing to listen on 0.0.0.0:8080, beyond loopback, without authentication"},
		{[]string{"--transport", "sse", "--stateless"}, nil, "stateless mode is for the http transport only"},
		{[]string{"--stateless"}, nil, "add --transport http"},
		{[]string{"--transport", "http", "--allowed-origins", "chat.example.com"}, nil, "chat.example.com"},
		{[]string{"--transport", "http", "--max-sessions", "0"}, nil, "max-sessions must be positive"},
	}
	for _, c := range cases {
		_, err := ParseConfig(c.args, env(c.env), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v %v: err %v, want one line containing %q", c.args, c.env, err, c.want)
		}
	}
}

// TestBeyondLoopbackWithAuthentication: binding elsewhere parses when a
// token, client credentials or an explicit opt-out says how callers are
// authenticated, and the HTTP settings reach the transport.
func TestBeyondLoopbackWithAuthentication(t *testing.T) {
	for _, extra := range [][]string{{"--http-token", strongToken}, {"--allow-client-credentials"}, {"--insecure-no-auth"}} {
		args := append([]string{"--transport", "http", "--addr", "0.0.0.0:8080"}, extra...)
		if _, err := ParseConfig(args, env(nil), nil); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
	cfg, err := ParseConfig([]string{"--transport", "http", "--stateless", "--max-concurrent-calls", "8", "--call-timeout", "30s", "--allowed-origins", "https://a.example,https://b.example"},
		env(map[string]string{"KIBANA_MCP_HTTP_TOKEN": "t0ken", "KIBANA_MCP_METRICS": "yes"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := cfg.HTTP
	if h.Transport != "http" || !h.Stateless || h.Token != "t0ken" || !h.Metrics || h.MaxConcurrentCalls != 8 || h.CallTimeout != 30*time.Second ||
		len(h.AllowedOrigins) != 2 || h.MaxSessions != transport.DefaultMaxSessions {
		t.Errorf("HTTP options %+v", h)
	}
}

func TestMainExitsNonZeroOnConfigErrorBeforeServing(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--kibana-url", "localhost:5601"}, nil, "must start with http:// or https://"},
		{[]string{"--api-key", "sekrit-api-key-123", "--username", "u", "--password", "hunter2-password"}, nil, "not both"},
		{[]string{"--ca-cert", "/nonexistent/ca.pem"}, nil, "CA certificate"},
		{nil, map[string]string{"KIBANA_USERNAME": "u"}, "needs both"},
		{nil, map[string]string{"KIBANA_PASSWORD": "hunter2-password", "KIBANA_TIMEOUT": "x"}, "KIBANA_TIMEOUT"},
		{nil, map[string]string{"KIBANA_API_KEY": "sekrit-api-key-123", "KIBANA_USERNAME": "u", "KIBANA_PASSWORD": "hunter2-password"}, "not both"},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(t.Context(), c.args, strings.NewReader(""), &stdout, &stderr, env(c.env))
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], c.want) || stdout.Len() != 0 {
			t.Errorf("%v: exit %d, stderr %q, stdout %q", c.args, code, stderr.String(), stdout.String())
		}
		if strings.Contains(stderr.String(), "hunter2-password") || strings.Contains(stderr.String(), "sekrit-api-key-123") {
			t.Errorf("secret in %q", stderr.String())
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(t.Context(), []string{"--version"}, nil, &stdout, &stderr, env(nil)); code != 0 || !strings.HasPrefix(stdout.String(), "kibana-mcp ") {
		t.Errorf("--version: %d %q", code, stdout.String())
	}
	stdout.Reset()
	if code := Main(t.Context(), []string{"--help"}, nil, &stdout, &stderr, env(nil)); code != 0 {
		t.Errorf("--help exit %d", code)
	}
	for _, s := range settings {
		if !strings.Contains(stderr.String(), "--"+s.flag) || !strings.Contains(stderr.String(), s.env) {
			t.Errorf("help does not mention --%s / %s", s.flag, s.env)
		}
	}
}

// TestInstructions: the server instructions stay within 150 tokens in
// every mode, and in read-only mode name no tool that writes.
func TestInstructions(t *testing.T) {
	for _, opts := range []serve.Options{
		{}, {ToolSearch: true}, {DynamicToolsets: true},
		{Selection: serve.Selection{ReadOnly: true}}, {ToolSearch: true, Selection: serve.Selection{ReadOnly: true}},
	} {
		text := instructionsFor(opts)
		if n := serve.EstimateTokens(len(text)); n > 150 {
			t.Errorf("%+v: instructions are ~%d tokens, over 150: %s", opts, n, text)
		}
		for _, name := range regexp.MustCompile(`\b[a-z]+(?:_[a-z]+)+\b`).FindAllString(text, -1) {
			if op, ok := tools.Lookup(name); ok && opts.Selection.ReadOnly && !op.ReadOnly() {
				t.Errorf("read-only instructions name %s, which is not served: %s", name, text)
			}
		}
	}
}

// TestInstructionsNameRealTools: the server instructions every client reads
// must not point the model at a tool that does not exist.
func TestInstructionsNameRealTools(t *testing.T) {
	all := instructionsFor(serve.Options{ToolSearch: true}) + instructionsFor(serve.Options{DynamicToolsets: true})
	names := regexp.MustCompile(`\b[a-z]+(?:_[a-z]+)+\b`).FindAllString(all, -1)
	if len(names) < 3 {
		t.Fatalf("instructions name only %v", names)
	}
	for _, name := range names {
		if name == operation.SpaceArgument {
			continue
		}
		if _, ok := tools.Lookup(name); !ok && !slices.Contains([]string{"search_tools", "call_tool", "list_toolsets", "enable_toolset"}, name) {
			t.Errorf("instructions mention %s, which is not a tool", name)
		}
	}
}

func TestLoggerFormats(t *testing.T) {
	var b strings.Builder
	NewLogger(&b, 0, "auto").Info("hello", "k", "v")
	if !strings.HasPrefix(b.String(), "{") {
		t.Errorf("auto on a non-terminal should be JSON: %q", b.String())
	}
	b.Reset()
	NewLogger(&b, 0, "text").Info("hello", "k", "v")
	if strings.HasPrefix(b.String(), "{") || strings.Contains(b.String(), "\x1b[") || !strings.Contains(b.String(), "hello") {
		t.Errorf("text to a non-terminal should be plain text: %q", b.String())
	}
	b.Reset()
	NewLogger(&b, 8, "json").Info("quiet")
	if b.Len() != 0 {
		t.Errorf("level not honoured: %q", b.String())
	}
}

func TestServingFlags(t *testing.T) {
	cfg, err := ParseConfig([]string{"--toolsets", "cases,alerting", "--tools", "get_case", "--exclude-tools", "delete_cases", "--exclude-tools", "push_case",
		"--read-only", "--confirm-destructive=off", "--tool-search", "--allow-raw-requests", "--max-result-bytes", "2048"}, env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	sv := cfg.Serve
	if !slices.Equal(sv.Selection.Toolsets, []string{"cases", "alerting"}) || !slices.Equal(sv.Selection.Tools, []string{"get_case"}) ||
		!slices.Equal(sv.Selection.Exclude, []string{"delete_cases", "push_case"}) || !sv.Selection.ReadOnly || sv.Confirm != serve.ConfirmOff ||
		!sv.ToolSearch || !sv.AllowRaw || sv.MaxResultBytes != 2048 {
		t.Errorf("flags: %+v", sv)
	}
	// Read-only reaches the Kibana client, with the reads it may POST.
	if !cfg.Kibana.ReadOnly || len(cfg.Kibana.ReadRoutes) != len(serve.ReadRoutes(tools.Catalog)) {
		t.Errorf("client read-only %v, routes %v", cfg.Kibana.ReadOnly, cfg.Kibana.ReadRoutes)
	}

	cfg, err = ParseConfig(nil, env(map[string]string{
		"KIBANA_MCP_TOOLSETS": "all", "KIBANA_MCP_EXCLUDE_TOOLS": "delete_cases", "KIBANA_MCP_READ_ONLY": "yes",
		"KIBANA_MCP_CONFIRM_DESTRUCTIVE": "off", "KIBANA_MCP_DYNAMIC_TOOLSETS": "on", "KIBANA_MCP_MAX_RESULT_BYTES": "4096",
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	sv = cfg.Serve
	if !slices.Equal(sv.Selection.Toolsets, []string{"all"}) || !slices.Equal(sv.Selection.Exclude, []string{"delete_cases"}) ||
		!sv.Selection.ReadOnly || sv.Confirm != serve.ConfirmOff || !sv.DynamicToolsets || sv.MaxResultBytes != 4096 {
		t.Errorf("env: %+v", sv)
	}

	cfg, err = ParseConfig(nil, env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Serve.Confirm != serve.ConfirmAsk || cfg.Serve.MaxResultBytes != serve.DefaultMaxResultBytes || cfg.Serve.Selection.ReadOnly || cfg.Kibana.ReadOnly {
		t.Errorf("defaults: %+v", cfg.Serve)
	}
}

func TestServingFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--toolsets", "cases,fleet,flet"}, nil, `unknown toolset "flet"; did you mean fleet? valid toolsets: all, default, cases`},
		{nil, map[string]string{"KIBANA_MCP_TOOLSETS": "nope"}, `unknown toolset "nope"`},
		{[]string{"--tools", "get_cas"}, nil, `--tools: unknown tool "get_cas"; did you mean get_case,`},
		{[]string{"--exclude-tools", "x"}, nil, `--exclude-tools: unknown tool "x"`},
		{[]string{"--confirm-destructive", "maybe"}, nil, `"maybe" is not one of ask, require, off`},
		{[]string{"--dynamic-toolsets", "--tool-search"}, nil, "choose one"},
		{[]string{"--max-result-bytes", "10"}, nil, "at least 1024"},
		{[]string{"tools", "extra"}, nil, `unexpected argument "extra" after tools`},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(t.Context(), c.args, strings.NewReader(""), &stdout, &stderr, env(c.env))
		if code != 2 || !strings.Contains(stderr.String(), c.want) || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
			t.Errorf("%v %v: exit %d, stderr %q, want one line containing %q", c.args, c.env, code, stderr.String(), c.want)
		}
	}
}

// TestToolsCommandHonoursServingFlags: `kibana-mcp tools` reports what the
// same flags would serve, before or after the sub-command.
func TestToolsCommandHonoursServingFlags(t *testing.T) {
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := Main(t.Context(), args, nil, &stdout, &stderr, env(nil)); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		return stdout.String()
	}
	def := run("tools")
	if !strings.Contains(def, "find_cases") || strings.Contains(def, "update_case_configuration ") || !regexp.MustCompile(`(?m)^cases\s+16\s+24\s+\d+`).MatchString(def) {
		t.Errorf("default report:\n%s", def)
	}
	ro := run("--read-only", "tools", "--toolsets", "all")
	if strings.Contains(ro, "delete_cases") || !strings.Contains(ro, "get_case_configuration") {
		t.Errorf("read-only report:\n%s", ro)
	}
	search := run("tools", "--tool-search")
	if !regexp.MustCompile(`\n2 tools listed, \d+ bytes, ~\d+ cl100k tokens \(tool search`).MatchString(search) {
		t.Errorf("tool-search report:\n%s", search)
	}
	if md := run("tools", "--markdown"); md != ToolsMarkdown() {
		t.Errorf("--markdown differs from the README table")
	}
}

// strongToken passes the token rules beyond loopback.
const strongToken = "kT9-vQ2_mX7pL4rW8nB3cZ6hJ1sD5fGy"

// TestTokenCommand: `kibana-mcp token` prints a fresh URL-safe token of
// 256 bits, different each time, that the server accepts beyond loopback;
// settings in the environment do not get in its way.
func TestTokenCommand(t *testing.T) {
	var tokens []string
	for range 2 {
		var stdout, stderr bytes.Buffer
		code := Main(t.Context(), []string{"token"}, nil, &stdout, &stderr, env(map[string]string{"KIBANA_MCP_HTTP_TOKEN": "a"}))
		tok := strings.TrimSuffix(stdout.String(), "\n")
		if code != 0 || stderr.Len() != 0 || len(tok) < 43 || !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(tok) {
			t.Fatalf("token: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
		}
		if _, err := ParseConfig([]string{"--transport", "http", "--addr", "0.0.0.0:0", "--http-token", tok}, env(nil), nil); err != nil {
			t.Errorf("the printed token is refused: %v", err)
		}
		tokens = append(tokens, tok)
	}
	if tokens[0] == tokens[1] {
		t.Error("two runs printed the same token")
	}
	if _, err := ParseConfig([]string{"token", "extra"}, env(nil), nil); err == nil || !strings.Contains(err.Error(), "after token") {
		t.Errorf("token with an argument: %v", err)
	}
}

// TestWeakTokensFailStartUp: beyond loopback a short or placeholder token
// stops the server before it serves, exit 2, with one line naming the
// rule and never the secret; on loopback it is accepted.
func TestWeakTokensFailStartUp(t *testing.T) {
	public := []string{"--transport", "http", "--addr", "0.0.0.0:0"}
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{append(public, "--http-token", "a"), nil, `the HTTP token is 1 character long; beyond loopback it must be at least 32 (run "kibana-mcp token" for one)`},
		{public, map[string]string{"KIBANA_MCP_HTTP_TOKEN": "REPLACE-WITH-A-LONG-RANDOM-TOKEN"}, `the HTTP token looks like a placeholder ("REPLACE-WITH-…"); set a real random one (kibana-mcp token)`},
		{public, map[string]string{"KIBANA_MCP_HTTP_TOKEN": "hunter2-hunter2"}, "is 15 characters long"},
		{public, map[string]string{"KIBANA_MCP_HTTP_TOKEN": strings.Repeat("ab", 20)}, "2-character pattern repeated"},
		{[]string{"--transport", "sse", "--addr", "[::]:8080", "--http-token", "my-changeme-token-0123456789-abcdef"}, nil, `it contains "changeme"`},
	} {
		if _, err := ParseConfig(c.args, env(c.env), nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: ParseConfig %v, want %q", c.args, c.env, err, c.want)
		}
		var stdout, stderr bytes.Buffer
		code := Main(t.Context(), c.args, nil, &stdout, &stderr, env(c.env))
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], c.want) {
			t.Errorf("%v %v: exit %d, stderr %q", c.args, c.env, code, stderr.String())
		}
		if strings.Contains(stderr.String(), "hunter2") {
			t.Errorf("the token is in %q", stderr.String())
		}
	}
	if _, err := ParseConfig([]string{"--transport", "http", "--http-token", "a"}, env(nil), nil); err != nil {
		t.Errorf("weak token on loopback: %v", err)
	}
}

// TestTLSFlags: both files or neither, only for the HTTP transports, read
// from flags or environment and loaded at start: a bad file is one line
// and exit 2.
func TestTLSFlags(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "cert.pem")
	os.WriteFile(garbage, []byte("not a certificate\n"), 0o600)
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--transport", "http", "--tls-cert", garbage}, nil, "tls-cert and tls-key go together"},
		{[]string{"--transport", "http"}, map[string]string{"KIBANA_MCP_TLS_KEY": garbage}, "tls-cert and tls-key go together"},
		{[]string{"--tls-cert", garbage, "--tls-key", garbage}, nil, "are for the sse and http transports"},
		{[]string{"--transport", "http"}, map[string]string{"KIBANA_MCP_TLS_CERT": garbage, "KIBANA_MCP_TLS_KEY": garbage}, "TLS certificate " + garbage},
		{[]string{"--transport", "sse", "--tls-cert", filepath.Join(dir, "missing.pem"), "--tls-key", garbage}, nil, "missing.pem"},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(t.Context(), c.args, nil, &stdout, &stderr, env(c.env))
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], c.want) {
			t.Errorf("%v %v: exit %d, stderr %q, want %q", c.args, c.env, code, stderr.String(), c.want)
		}
	}
}

// TestMetricsAddrFlag: where metrics may be served, decided at start.
func TestMetricsAddrFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string // "" parses
	}{
		{[]string{"--transport", "http", "--metrics-addr", "127.0.0.1:9999"}, nil, "add --metrics"},
		{[]string{"--metrics", "--metrics-addr", "127.0.0.1:9999"}, nil, "are for the sse and http transports"},
		{[]string{"--transport", "http", "--metrics", "--metrics-addr", "9464"}, nil, `metrics-addr "9464" is not host:port`},
		{[]string{"--transport", "http", "--addr", "0.0.0.0:8080", "--allow-client-credentials", "--metrics", "--metrics-addr", "0.0.0.0:9464"}, nil,
			"refusing to serve metrics on 0.0.0.0:9464, beyond loopback, without --http-token"},
		{[]string{"--transport", "http", "--metrics"}, map[string]string{"KIBANA_MCP_METRICS_ADDR": ":9464"}, "refusing to serve metrics on :9464"},
		{[]string{"--transport", "http", "--metrics", "--metrics-addr", "127.0.0.1:8080"}, nil, "is the MCP listener's address"},
		{[]string{"--transport", "http", "--addr", "0.0.0.0:8080", "--allow-client-credentials", "--metrics"}, nil, ""}, // loopback by default
		{[]string{"--transport", "http", "--addr", "0.0.0.0:8080", "--insecure-no-auth", "--metrics", "--metrics-addr", "0.0.0.0:9464"}, nil, ""},
		{[]string{"--transport", "http", "--addr", "0.0.0.0:8080", "--metrics", "--metrics-addr", "0.0.0.0:9464"}, map[string]string{"KIBANA_MCP_HTTP_TOKEN": strongToken}, ""},
	} {
		cfg, err := ParseConfig(c.args, env(c.env), nil)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%v %v: %v", c.args, c.env, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%v %v: %v, want %q", c.args, c.env, err, c.want)
		case c.want == "" && cfg.HTTP.MetricsAddr != "" && !slices.Contains(c.args, cfg.HTTP.MetricsAddr):
			t.Errorf("%v: metrics address %q", c.args, cfg.HTTP.MetricsAddr)
		}
	}
}

// TestMetricsWithoutTokenOnTheirOwnListener runs the server as a user
// would, with client credentials only: metrics are served on the metrics
// listener, and the MCP listener answers /metrics with 404.
func TestMetricsWithoutTokenOnTheirOwnListener(t *testing.T) {
	stderr := &syncBuffer{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"--transport", "http", "--addr", "127.0.0.1:0", "--allow-client-credentials", "--metrics", "--metrics-addr", "127.0.0.1:0", "--log-format", "json"},
			nil, io.Discard, stderr, env(nil))
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
	urls := map[string]string{}
	deadline := time.Now().Add(10 * time.Second)
	for len(urls) < 2 && time.Now().Before(deadline) {
		for _, line := range strings.Split(stderr.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && (m["msg"] == "serving MCP over HTTP" || m["msg"] == "serving metrics") {
				urls[m["msg"].(string)], _ = m["url"].(string)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	mcpURL, metricsURL := urls["serving MCP over HTTP"], urls["serving metrics"]
	if !strings.HasPrefix(mcpURL, "http://127.0.0.1:") || !strings.HasPrefix(metricsURL, "http://127.0.0.1:") {
		t.Fatalf("start-up lines: %v\n%s", urls, stderr)
	}
	get := func(url string) (int, string) {
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := get(metricsURL); status != http.StatusOK || !strings.Contains(body, "kibana_mcp_tool_calls_in_flight 0") {
		t.Errorf("metrics listener: %d %s", status, body)
	}
	if status, body := get(strings.TrimSuffix(mcpURL, "/mcp") + "/metrics"); status != http.StatusNotFound || !strings.Contains(body, "--metrics-addr") {
		t.Errorf("/metrics on the MCP listener: %d %s", status, body)
	}
}

// syncBuffer is a log a server writes to while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

package app

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

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
	for _, extra := range [][]string{{"--http-token", "s3cret"}, {"--allow-client-credentials"}, {"--insecure-no-auth"}} {
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
	for _, opts := range []tools.Options{
		{}, {ToolSearch: true}, {DynamicToolsets: true},
		{Selection: tools.Selection{ReadOnly: true}}, {ToolSearch: true, Selection: tools.Selection{ReadOnly: true}},
	} {
		text := instructionsFor(opts)
		if n := tools.EstimateTokens(len(text)); n > 150 {
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
	all := instructionsFor(tools.Options{ToolSearch: true}) + instructionsFor(tools.Options{DynamicToolsets: true})
	names := regexp.MustCompile(`\b[a-z]+(?:_[a-z]+)+\b`).FindAllString(all, -1)
	if len(names) < 3 {
		t.Fatalf("instructions name only %v", names)
	}
	for _, name := range names {
		if name == tools.SpaceArgument {
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
		!slices.Equal(sv.Selection.Exclude, []string{"delete_cases", "push_case"}) || !sv.Selection.ReadOnly || sv.Confirm ||
		!sv.ToolSearch || !sv.AllowRaw || sv.MaxResultBytes != 2048 {
		t.Errorf("flags: %+v", sv)
	}
	// Read-only reaches the Kibana client, with the reads it may POST.
	if !cfg.Kibana.ReadOnly || len(cfg.Kibana.ReadRoutes) != len(tools.ReadRoutes()) {
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
		!sv.Selection.ReadOnly || sv.Confirm || !sv.DynamicToolsets || sv.MaxResultBytes != 4096 {
		t.Errorf("env: %+v", sv)
	}

	cfg, err = ParseConfig(nil, env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Serve.Confirm || cfg.Serve.MaxResultBytes != tools.DefaultMaxResultBytes || cfg.Serve.Selection.ReadOnly || cfg.Kibana.ReadOnly {
		t.Errorf("defaults: %+v", cfg.Serve)
	}
}

func TestServingFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--toolsets", "cases,fleet,flet"}, nil, `unknown toolset "flet"; valid toolsets: all, default, cases`},
		{nil, map[string]string{"KIBANA_MCP_TOOLSETS": "nope"}, `unknown toolset "nope"`},
		{[]string{"--tools", "get_cas"}, nil, `unknown tool "get_cas"; valid tools: add_case_comment`},
		{[]string{"--exclude-tools", "x"}, nil, `unknown tool "x"`},
		{[]string{"--confirm-destructive", "maybe"}, nil, `"maybe" is not on or off`},
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
	if !strings.Contains(def, "find_cases") || strings.Contains(def, "update_case_configuration ") || !regexp.MustCompile(`(?m)^cases\s+19\s+24\s+\d+`).MatchString(def) {
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

// Package app is the kibana-mcp command: configuration from flags and
// environment, logging, and serving the MCP server over a transport.
package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
	"github.com/kibana-mcp/kibana-mcp/transport"
)

// Config is everything the server needs to start.
type Config struct {
	Kibana    kibana.Config
	Transport string // stdio, sse or http
	Addr      string // listen address for sse and http
	HTTP      transport.Options
	LogLevel  slog.Level
	LogFormat string // auto, text or json
	Serve     serve.Options

	// Elasticsearch is where the data tools reach Elasticsearch directly
	// (URL empty: not at all); AllowInternalAPIs lets them use Kibana's
	// console proxy.
	Elasticsearch     elastic.Config
	AllowInternalAPIs bool

	// Sandbox serves against the built-in simulated Kibana instead of a
	// real one; SandboxSeed makes its data reproducible.
	Sandbox     bool
	SandboxSeed int64
	// SandboxVersion and SandboxServerless make the sandbox play that
	// Kibana: its status and features, and 404 for routes it lacks.
	SandboxVersion    string
	SandboxServerless bool

	// Command is the sub-command ("" serves MCP); Markdown is `tools
	// --markdown`; CallTool and CallArgs are `call TOOL ARGS`.
	Command  string
	Markdown bool
	// KibanaVersion and Serverless are `tools --kibana-version V
	// [--serverless]`: the catalogue that Kibana would get.
	KibanaVersion string
	Serverless    bool
	CallTool      string
	CallArgs      string

	addrGiven bool // --addr was on the command line
}

// setting is one flag with its environment variable. Flags win over the
// environment; the environment wins over defaults.
type setting struct {
	flag, env, usage string
}

var settings = []setting{
	{"kibana-url", "KIBANA_URL", "Kibana base URL, including any reverse-proxy path"},
	{"api-key", "KIBANA_API_KEY", "Kibana API key (sent as Authorization: ApiKey); prefer the env var, flags show in ps"},
	{"username", "KIBANA_USERNAME", "username for basic authentication"},
	{"password", "KIBANA_PASSWORD", "password for basic authentication; prefer the env var"},
	{"space", "KIBANA_SPACE", "default Kibana space; tools can override it with space_id"},
	{"ca-cert", "KIBANA_CA_CERT", "PEM file of CA certificates to trust for Kibana's TLS"},
	{"insecure-skip-verify", "KIBANA_INSECURE_SKIP_VERIFY", "do not verify Kibana's TLS certificate (unsafe)"},
	{"timeout", "KIBANA_TIMEOUT", "timeout of each Kibana request (e.g. 30s; a bare number is seconds)"},
	{"max-response-bytes", "KIBANA_MCP_MAX_RESPONSE_BYTES", "largest Kibana answer accepted, in bytes"},
	{"elasticsearch-url", "ELASTICSEARCH_URL", "Elasticsearch URL for the data tools (query_esql, find_events_around…), used instead of Kibana's Agent Builder; only reads on an allow-list are sent"},
	{"elasticsearch-api-key", "ELASTICSEARCH_API_KEY", "Elasticsearch API key for --elasticsearch-url; prefer the env var"},
	{"elasticsearch-username", "ELASTICSEARCH_USERNAME", "Elasticsearch user for --elasticsearch-url (basic authentication)"},
	{"elasticsearch-password", "ELASTICSEARCH_PASSWORD", "password of --elasticsearch-username; prefer the env var"},
	{"allow-internal-apis", "KIBANA_MCP_ALLOW_INTERNAL_APIS", "let the data tools use Kibana's internal console proxy when neither Elasticsearch nor Agent Builder is available (internal: Kibana 9 restricts it, and it may break)"},
	{"transport", "KIBANA_MCP_TRANSPORT", "stdio, sse or http (streamable HTTP)"},
	{"addr", "KIBANA_MCP_ADDR", "listen address for the sse and http transports"},
	{"http-token", "KIBANA_MCP_HTTP_TOKEN", "bearer token every HTTP client must send (Authorization: Bearer); beyond loopback at least 32 random characters (kibana-mcp token prints one); prefer the env var"},
	{"tls-cert", "KIBANA_MCP_TLS_CERT", "PEM certificate (chain) to serve HTTPS with, together with --tls-key (sse and http transports)"},
	{"tls-key", "KIBANA_MCP_TLS_KEY", "PEM private key of --tls-cert"},
	{"allow-client-credentials", "KIBANA_MCP_ALLOW_CLIENT_CREDENTIALS", "let each HTTP client send its own Kibana API key in the Kibana-Api-Key header, used for its calls; without --http-token Kibana is asked once whether it knows the key, and an unknown key gets 401"},
	{"insecure-no-auth", "KIBANA_MCP_INSECURE_NO_AUTH", "allow listening beyond loopback without --http-token or --allow-client-credentials, and --metrics-addr beyond loopback without a token"},
	{"allowed-origins", "KIBANA_MCP_ALLOWED_ORIGINS", "comma-separated browser origins allowed besides loopback (e.g. https://chat.example.com)"},
	{"stateless", "KIBANA_MCP_STATELESS", "streamable HTTP without sessions, for replicas behind a load balancer; off in this mode: list-changed notifications, dynamic toolsets, and asking clients older than protocol 2026-07-28 to confirm (newer ones are asked; give replicas one --http-token so they accept each other's approvals)"},
	{"max-body-bytes", "KIBANA_MCP_MAX_BODY_BYTES", "largest HTTP request body, in bytes"},
	{"max-sessions", "KIBANA_MCP_MAX_SESSIONS", "HTTP sessions (and subscriptions/listen streams) open at once"},
	{"max-concurrent-calls", "KIBANA_MCP_MAX_CONCURRENT_CALLS", "tool calls, resource reads and completions running at once over HTTP, all sessions together"},
	{"max-sessions-per-key", "KIBANA_MCP_MAX_SESSIONS_PER_KEY", "with --allow-client-credentials, sessions (and listen streams) one client's Kibana key may have open at once"},
	{"max-concurrent-calls-per-key", "KIBANA_MCP_MAX_CONCURRENT_CALLS_PER_KEY", "with --allow-client-credentials, tool calls, resource reads and completions one client's Kibana key may run at once"},
	{"session-idle-timeout", "KIBANA_MCP_SESSION_IDLE_TIMEOUT", "close an HTTP session unused this long (e.g. 30m)"},
	{"call-timeout", "KIBANA_MCP_CALL_TIMEOUT", "longest one tool call may take over HTTP (e.g. 2m)"},
	{"shutdown-grace", "KIBANA_MCP_SHUTDOWN_GRACE", "on SIGINT/SIGTERM, how long calls in flight may finish (e.g. 10s)"},
	{"metrics", "KIBANA_MCP_METRICS", "serve Prometheus metrics at /metrics (HTTP transports): on the MCP listener with --http-token, and on --metrics-addr"},
	{"metrics-addr", "KIBANA_MCP_METRICS_ADDR", "listener of its own for --metrics, without authentication unless --http-token is set; default " + transport.DefaultMetricsAddr + " when there is no token, none with one"},
	{"log-level", "KIBANA_MCP_LOG_LEVEL", "debug, info, warn or error"},
	{"log-format", "KIBANA_MCP_LOG_FORMAT", "auto (colour text on a terminal, JSON otherwise), text or json"},
	{"toolsets", "KIBANA_MCP_TOOLSETS", "comma-separated toolsets to serve, or all; default: cases, alerting, connectors, detections, spaces"},
	{"tools", "KIBANA_MCP_TOOLS", "comma-separated single tools to serve besides the toolsets"},
	{"exclude-tools", "KIBANA_MCP_EXCLUDE_TOOLS", "comma-separated tools never to serve (wins over everything)"},
	{"read-only", "KIBANA_MCP_READ_ONLY", "serve only tools that read; the client refuses every other request"},
	{"confirm-destructive", "KIBANA_MCP_CONFIRM_DESTRUCTIVE", "before a destructive call: ask (ask the user where the client can be asked, else trust the client's own approval), require (ask, and refuse what cannot be asked), or off for unattended agents; default require on http and sse, ask on stdio"},
	{"dynamic-toolsets", "KIBANA_MCP_DYNAMIC_TOOLSETS", "start with toolset discovery tools only; the model enables toolsets as needed"},
	{"tool-search", "KIBANA_MCP_TOOL_SEARCH", "list only search_tools and call_tool, which reach every operation"},
	{"allow-raw-requests", "KIBANA_MCP_ALLOW_RAW_REQUESTS", "serve call_kibana_api for API paths without a typed tool"},
	{"max-result-bytes", "KIBANA_MCP_MAX_RESULT_BYTES", "largest tool result, in bytes; larger answers are cut at a JSON-safe point"},
	{"sandbox", "KIBANA_MCP_SANDBOX", "serve against a built-in simulated Kibana with made-up data (no Kibana needed); it lives in memory, so each `--sandbox call` starts afresh (run `kibana-mcp sandbox` and point KIBANA_URL at it to keep state)"},
	{"sandbox-seed", "KIBANA_MCP_SANDBOX_SEED", "seed of the sandbox's data; the same seed gives the same data"},
	{"sandbox-version", "KIBANA_MCP_SANDBOX_VERSION", "the Kibana version the sandbox plays (e.g. 8.15.0): its status and features say so, and routes that version lacks answer 404"},
	{"sandbox-serverless", "KIBANA_MCP_SANDBOX_SERVERLESS", "the sandbox plays a serverless project: routes serverless lacks answer 404"},
}

// errHelp and errVersion end parsing without serving.
var (
	errHelp    = errors.New("help requested")
	errVersion = errors.New("version requested")
)

// ParseConfig reads flags from args and, for flags not given, variables from
// getenv. The returned error is one line fit to print before exiting.
func ParseConfig(args []string, getenv func(string) string, usageOut io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("kibana-mcp", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := &Config{}
	k := &cfg.Kibana
	timeout := durationValue(kibana.DefaultTimeout)
	level := "info"
	fs.StringVar(&k.URL, "kibana-url", kibana.DefaultURL, "")
	fs.StringVar(&k.APIKey, "api-key", "", "")
	fs.StringVar(&k.Username, "username", "", "")
	fs.StringVar(&k.Password, "password", "", "")
	fs.StringVar(&k.Space, "space", "", "")
	fs.StringVar(&k.CACertFile, "ca-cert", "", "")
	fs.BoolVar(&k.InsecureSkipVerify, "insecure-skip-verify", false, "")
	fs.Var(&timeout, "timeout", "")
	fs.Int64Var(&k.MaxResponseBytes, "max-response-bytes", kibana.DefaultMaxResponseBytes, "")
	fs.StringVar(&cfg.Elasticsearch.URL, "elasticsearch-url", "", "")
	fs.StringVar(&cfg.Elasticsearch.APIKey, "elasticsearch-api-key", "", "")
	fs.StringVar(&cfg.Elasticsearch.Username, "elasticsearch-username", "", "")
	fs.StringVar(&cfg.Elasticsearch.Password, "elasticsearch-password", "", "")
	fs.BoolVar(&cfg.AllowInternalAPIs, "allow-internal-apis", false, "")
	fs.StringVar(&cfg.Transport, "transport", "stdio", "")
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "")
	h := &cfg.HTTP
	var origins listValue
	idle, callTimeout, grace := durationValue(transport.DefaultSessionIdleTimeout), durationValue(transport.DefaultCallTimeout), durationValue(transport.DefaultShutdownGrace)
	fs.StringVar(&h.Token, "http-token", "", "")
	fs.StringVar(&h.TLSCertFile, "tls-cert", "", "")
	fs.StringVar(&h.TLSKeyFile, "tls-key", "", "")
	fs.BoolVar(&h.AllowClientCredentials, "allow-client-credentials", false, "")
	fs.BoolVar(&h.InsecureNoAuth, "insecure-no-auth", false, "")
	fs.Var(&origins, "allowed-origins", "")
	fs.BoolVar(&h.Stateless, "stateless", false, "")
	fs.Int64Var(&h.MaxBodyBytes, "max-body-bytes", transport.DefaultMaxBodyBytes, "")
	fs.IntVar(&h.MaxSessions, "max-sessions", transport.DefaultMaxSessions, "")
	fs.IntVar(&h.MaxConcurrentCalls, "max-concurrent-calls", transport.DefaultMaxConcurrentCalls, "")
	fs.IntVar(&h.MaxSessionsPerKey, "max-sessions-per-key", transport.DefaultMaxSessionsPerKey, "")
	fs.IntVar(&h.MaxConcurrentCallsPerKey, "max-concurrent-calls-per-key", transport.DefaultMaxConcurrentCallsPerKey, "")
	fs.Var(&idle, "session-idle-timeout", "")
	fs.Var(&callTimeout, "call-timeout", "")
	fs.Var(&grace, "shutdown-grace", "")
	fs.BoolVar(&h.Metrics, "metrics", false, "")
	fs.StringVar(&h.MetricsAddr, "metrics-addr", "", "")
	fs.StringVar(&level, "log-level", "info", "")
	fs.StringVar(&cfg.LogFormat, "log-format", "auto", "")
	version := fs.Bool("version", false, "")
	var toolsets, only, exclude listValue
	confirm := ""
	sv := &cfg.Serve
	fs.Var(&toolsets, "toolsets", "")
	fs.Var(&only, "tools", "")
	fs.Var(&exclude, "exclude-tools", "")
	fs.BoolVar(&sv.Selection.ReadOnly, "read-only", false, "")
	fs.StringVar(&confirm, "confirm-destructive", "", "")
	fs.BoolVar(&sv.DynamicToolsets, "dynamic-toolsets", false, "")
	fs.BoolVar(&sv.ToolSearch, "tool-search", false, "")
	fs.BoolVar(&sv.AllowRaw, "allow-raw-requests", false, "")
	fs.IntVar(&sv.MaxResultBytes, "max-result-bytes", serve.DefaultMaxResultBytes, "")
	fs.BoolVar(&cfg.Sandbox, "sandbox", false, "")
	fs.Int64Var(&cfg.SandboxSeed, "sandbox-seed", 1, "")
	fs.StringVar(&cfg.SandboxVersion, "sandbox-version", "", "")
	fs.BoolVar(&cfg.SandboxServerless, "sandbox-serverless", false, "")

	if err := parseCommandLine(fs, args, cfg); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(usageOut, fs)
			return nil, errHelp
		}
		return nil, err
	}
	if *version {
		return nil, errVersion
	}
	if cfg.Command == "token" {
		return cfg, nil // needs no configuration, and must not fail on any
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	cfg.addrGiven = given["addr"]
	for _, s := range settings {
		if given[s.flag] {
			continue
		}
		if v := getenv(s.env); v != "" {
			if isBoolFlag(fs.Lookup(s.flag)) {
				v = boolWord(v)
			}
			if err := fs.Set(s.flag, v); err != nil {
				return nil, fmt.Errorf("%s=%q: %v", s.env, redactIfSecret(s, v), err)
			}
		}
	}
	k.Timeout = time.Duration(timeout)
	if k.Timeout <= 0 {
		return nil, errors.New("timeout must be positive")
	}
	if k.MaxResponseBytes <= 0 {
		return nil, errors.New("max-response-bytes must be positive")
	}
	if sv.MaxResultBytes < 1024 {
		return nil, errors.New("max-result-bytes must be at least 1024")
	}
	if confirm == "" {
		// A server others reach over the network must not run a delete
		// nobody approved; on stdio the user's own client host is there.
		confirm = "require"
		if cfg.Transport == "stdio" {
			confirm = "ask"
		}
	}
	mode, err := serve.ParseConfirmMode(confirm)
	if err != nil {
		return nil, fmt.Errorf("confirm-destructive: %v", err)
	}
	sv.Confirm = mode
	sv.Selection.Toolsets, sv.Selection.Tools, sv.Selection.Exclude = toolsets, only, exclude
	if sv.DynamicToolsets && cfg.HTTP.Stateless {
		return nil, errors.New("dynamic-toolsets needs sessions, and stateless has none: a toolset enabled in one request would be gone in the next, which may reach another replica; drop one of the two")
	}
	if sv.DynamicToolsets && sv.ToolSearch {
		return nil, errors.New("dynamic-toolsets and tool-search are two ways to keep the tool list short: choose one")
	}
	if _, err := serve.Select(tools.Catalog, sv.Selection); err != nil {
		return nil, err
	}
	k.ReadOnly = sv.Selection.ReadOnly
	k.ReadRoutes = serve.ReadRoutes(tools.Catalog)
	if cfg.AllowInternalAPIs {
		// The console proxy is a POST whatever it carries; every request
		// through it passes elastic.Allowed, which lets only reads go.
		k.ReadRoutes = append(k.ReadRoutes, kibana.Route{Method: http.MethodPost, Path: elastic.ConsoleProxyPath})
	}
	if es := &cfg.Elasticsearch; es.URL != "" && !cfg.Sandbox {
		// The same TLS options and limits as Kibana's. (With --sandbox the
		// URL names the sandbox's Elasticsearch side: startSandbox sets it.)
		es.CACertFile, es.InsecureSkipVerify, es.Timeout, es.MaxResponseBytes = k.CACertFile, k.InsecureSkipVerify, k.Timeout, k.MaxResponseBytes
		if _, err := elastic.New(*es); err != nil {
			return nil, err
		}
	}
	switch cfg.Transport {
	case "stdio", "sse", "http":
	default:
		return nil, fmt.Errorf("transport %q is not one of stdio, sse, http", cfg.Transport)
	}
	if cfg.Transport != "stdio" {
		_, port, err := net.SplitHostPort(cfg.Addr)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("addr %q is not host:port with a port from 0 to 65535", cfg.Addr)
		}
	}
	h.Transport = cfg.Transport
	h.AllowedOrigins = origins
	h.SessionIdleTimeout, h.CallTimeout, h.ShutdownGrace = time.Duration(idle), time.Duration(callTimeout), time.Duration(grace)
	for _, limit := range []struct {
		name string
		ok   bool
	}{
		{"max-body-bytes", h.MaxBodyBytes > 0}, {"max-sessions", h.MaxSessions > 0}, {"max-concurrent-calls", h.MaxConcurrentCalls > 0},
		{"max-sessions-per-key", h.MaxSessionsPerKey > 0}, {"max-concurrent-calls-per-key", h.MaxConcurrentCallsPerKey > 0},
		{"session-idle-timeout", h.SessionIdleTimeout > 0}, {"call-timeout", h.CallTimeout > 0}, {"shutdown-grace", h.ShutdownGrace >= 0},
	} {
		if !limit.ok {
			return nil, fmt.Errorf("%s must be positive (shutdown-grace may be 0)", limit.name)
		}
	}
	if h.MetricsAddr != "" && !h.Metrics {
		return nil, errors.New("metrics-addr is where --metrics are served; add --metrics")
	}
	if cfg.Transport == "stdio" && (h.TLSCertFile != "" || h.TLSKeyFile != "" || h.MetricsAddr != "") {
		return nil, errors.New("tls-cert, tls-key and metrics-addr are for the sse and http transports; add --transport http")
	}
	if cfg.Transport != "stdio" && cfg.Command == "" {
		if err := h.Validate(cfg.Addr); err != nil {
			return nil, err
		}
	}
	if cfg.SandboxVersion != "" && !operation.ValidVersion(cfg.SandboxVersion) {
		return nil, fmt.Errorf("sandbox-version %q is not a Kibana version such as 8.15.0", cfg.SandboxVersion)
	}
	if cfg.Transport == "stdio" && (h.Stateless || h.Token != "" || h.AllowClientCredentials) {
		return nil, errors.New("stateless, http-token and allow-client-credentials are for the sse and http transports; add --transport http")
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log-level %q is not one of debug, info, warn, error", level)
	}
	switch cfg.LogFormat {
	case "auto", "text", "json":
	default:
		return nil, fmt.Errorf("log-format %q is not one of auto, text, json", cfg.LogFormat)
	}
	return cfg, nil
}

// parseCommandLine parses flags, then an optional sub-command and its own
// flags: the same settings apply before and after it, so
// `kibana-mcp --read-only tools` and `kibana-mcp tools --read-only` agree.
func parseCommandLine(fs *flag.FlagSet, args []string, cfg *Config) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return nil
	}
	switch cfg.Command = fs.Arg(0); cfg.Command {
	case "tools":
		fs.BoolVar(&cfg.Markdown, "markdown", false, "")
		fs.StringVar(&cfg.KibanaVersion, "kibana-version", "", "")
		fs.BoolVar(&cfg.Serverless, "serverless", false, "")
	case "call", "sandbox", "token", "check":
	default:
		return fmt.Errorf("unexpected argument %q (sub-commands: check, tools, call, sandbox, token)", cfg.Command)
	}
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return err
	}
	rest := fs.Args()
	if cfg.Command == "call" {
		if len(rest) == 0 || len(rest) > 2 {
			return errors.New("usage: call TOOL ['{json arguments}' | -]")
		}
		cfg.CallTool, cfg.CallArgs = rest[0], "{}"
		if len(rest) == 2 {
			cfg.CallArgs = rest[1]
		}
		return nil
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected argument %q after %s", rest[0], cfg.Command)
	}
	return nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// boolWord lets environment variables say on/off and yes/no as well as
// what strconv.ParseBool accepts.
func boolWord(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "yes", "y":
		return "true"
	case "off", "no", "n":
		return "false"
	}
	return v
}

// listValue is a comma-separated list; each use of the flag adds to it.
type listValue []string

func (l *listValue) String() string { return strings.Join(*l, ",") }

func (l *listValue) Set(s string) error {
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			*l = append(*l, item)
		}
	}
	return nil
}

func redactIfSecret(s setting, v string) string {
	if s.flag == "api-key" || s.flag == "password" || s.flag == "http-token" || s.flag == "elasticsearch-api-key" || s.flag == "elasticsearch-password" {
		return "(redacted)"
	}
	return v
}

// durationValue accepts Go durations ("90s", "2m") and bare seconds ("30").
type durationValue time.Duration

func (d *durationValue) String() string { return time.Duration(*d).String() }

func (d *durationValue) Set(s string) error {
	var v time.Duration
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		v = time.Duration(secs * float64(time.Second))
		if secs > 24*3600 || secs != secs {
			v = -1
		}
	} else if v, err = time.ParseDuration(s); err != nil {
		return fmt.Errorf("not a duration (try 30s)")
	}
	if v < time.Millisecond || v > 24*time.Hour {
		return fmt.Errorf("must be between 1ms and 24h")
	}
	*d = durationValue(v)
	return nil
}

func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "kibana-mcp: the Kibana API as MCP tools\n\n")
	fmt.Fprintf(w, "Usage:\n  kibana-mcp [flags]                       serve MCP (stdio by default)\n  kibana-mcp [flags] check                 check the Kibana URL, TLS, credentials, space and readable toolsets; run it before wiring the server into a client\n  kibana-mcp [flags] tools [--markdown]    the toolsets and tools these flags serve, with their cost in tokens;\n                                           --kibana-version 8.15.0 [--serverless]: as that Kibana would get them\n  kibana-mcp [flags] call TOOL [ARGS|-]    run one tool once and print its result (ARGS: a JSON object; - reads stdin)\n  kibana-mcp [flags] sandbox               run only the simulated Kibana HTTP API (--addr, default 127.0.0.1:5601)\n  kibana-mcp token                         print a fresh random token for --http-token (256 bits, base64url)\n\nFlags (each also read from its environment variable; flags win):\n")
	for _, s := range settings {
		f := fs.Lookup(s.flag)
		def := f.DefValue
		if def != "" && def != "false" {
			def = " (default " + def + ")"
		} else {
			def = ""
		}
		fmt.Fprintf(w, "  --%-22s %s%s\n  %-24s env %s\n", s.flag, s.usage, def, "", s.env)
	}
	fmt.Fprintf(w, "  --%-22s print the version and exit\n", "version")
}

// isLoopback reports whether a listen address only accepts local clients.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

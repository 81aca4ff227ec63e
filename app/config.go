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
	"strconv"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// Config is everything the server needs to start.
type Config struct {
	Kibana    kibana.Config
	Transport string // stdio, sse or http
	Addr      string // listen address for sse and http
	LogLevel  slog.Level
	LogFormat string // auto, text or json
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
	{"transport", "KIBANA_MCP_TRANSPORT", "stdio, sse or http (streamable HTTP)"},
	{"addr", "KIBANA_MCP_ADDR", "listen address for the sse and http transports"},
	{"log-level", "KIBANA_MCP_LOG_LEVEL", "debug, info, warn or error"},
	{"log-format", "KIBANA_MCP_LOG_FORMAT", "auto (colour text on a terminal, JSON otherwise), text or json"},
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
	fs.StringVar(&cfg.Transport, "transport", "stdio", "")
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "")
	fs.StringVar(&level, "log-level", "info", "")
	fs.StringVar(&cfg.LogFormat, "log-format", "auto", "")
	version := fs.Bool("version", false, "")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(usageOut, fs)
			return nil, errHelp
		}
		return nil, err
	}
	if *version {
		return nil, errVersion
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (sub-commands: tools)", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range settings {
		if given[s.flag] {
			continue
		}
		if v := getenv(s.env); v != "" {
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

func redactIfSecret(s setting, v string) string {
	if s.flag == "api-key" || s.flag == "password" {
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
	fmt.Fprintf(w, "Usage:\n  kibana-mcp [flags]               serve MCP (stdio by default)\n  kibana-mcp tools [--markdown]    list the tools\n\nFlags (each also read from its environment variable; flags win):\n")
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

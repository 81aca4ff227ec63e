// Package transport serves an MCP server over HTTP, streamable HTTP (/mcp)
// or SSE (/sse and /message), for clients that are not on this machine's
// stdio: with Origin and Host checks against web pages, an optional bearer
// token, per-client Kibana API keys, limits that answer instead of hanging,
// health and readiness probes, an access log, Prometheus metrics and a
// graceful shutdown.
//
// Use: New(opts) first, since the MCP server is built with its
// ToolMiddleware, ResourceMiddleware and LimitCompletions (every request
// that reaches Kibana is under the same limits), and the Kibana client
// with its ObserveKibana; then Serve the finished MCP server on a listener.
package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Options configures the HTTP transports. The zero value of every limit
// means its default.
type Options struct {
	Transport string // "http" (streamable HTTP at /mcp) or "sse" (GET /sse, POST /message)

	// Token, when set, is the bearer token every MCP request (and /metrics)
	// must carry. It is never logged. Beyond loopback it must not be weak
	// (shorter than MinTokenLength, a placeholder, a repeated pattern).
	Token string
	// AllowClientCredentials lets a request carry its caller's own Kibana
	// API key in the Kibana-Api-Key header; that request's Kibana calls are
	// then made with it. Without a Token, a request without a key is
	// refused, so anonymous callers never get the server's own key.
	AllowClientCredentials bool
	// CheckKey, when set, verifies a client's Kibana key before a request
	// with it (and no Token) is served: nil accepts it, ErrKeyRefused
	// refuses it with 401, another error answers 503. Verdicts are cached
	// (KibanaKeyCheck, typically).
	CheckKey func(ctx context.Context, key string) error
	// InsecureNoAuth allows listening beyond loopback with neither Token
	// nor AllowClientCredentials, and metrics beyond loopback without a
	// Token.
	InsecureNoAuth bool
	// AllowedOrigins are browser origins (scheme://host[:port]) allowed
	// besides this machine's own.
	AllowedOrigins []string

	// TLSCertFile and TLSKeyFile (PEM), both or neither, make the
	// listeners serve HTTPS (TLS 1.2 or later).
	TLSCertFile, TLSKeyFile string

	// Stateless serves streamable HTTP without sessions, so any replica
	// can answer any request. Only with Transport "http".
	Stateless bool

	MaxBodyBytes       int64         // largest request body; default 16 MiB
	MaxSessions        int           // open sessions and subscriptions/listen streams at once; default 100
	MaxConcurrentCalls int           // tool calls, resource reads and completions running at once, all sessions together; default 64
	SessionIdleTimeout time.Duration // a session unused this long is closed; default 30m
	CallTimeout        time.Duration // longest tool call; default 2m
	ShutdownGrace      time.Duration // how long calls in flight may finish at shutdown; default 10s

	// The same two limits for each client's own Kibana key (the
	// Kibana-Api-Key header), besides the server-wide ones: one key's
	// client cannot take every session or call slot from the others.
	// Requests made with the server's own credentials have no per-key cap.
	MaxSessionsPerKey        int // default 10
	MaxConcurrentCallsPerKey int // default 16

	// Metrics serves Prometheus metrics at /metrics: on the MCP listener
	// to holders of the Token, and on MetricsAddr, a listener of its own
	// (with the Token's protection when there is one). Without a Token
	// MetricsAddr defaults to DefaultMetricsAddr: metrics are never public.
	Metrics     bool
	MetricsAddr string

	// Ready is what /readyz checks (KibanaReady, typically); nil means
	// always ready.
	Ready func(ctx context.Context) error

	Log *slog.Logger // nil discards
}

// The defaults, chosen for one server shared by a team.
const (
	DefaultMaxBodyBytes       = 16 << 20 // tool arguments are small; add_case_file sends files base64-encoded
	DefaultMaxSessions        = 100
	DefaultMaxConcurrentCalls = 64 // a client's worth of parallel calls for each of a few busy users
	DefaultSessionIdleTimeout = 30 * time.Minute
	DefaultCallTimeout        = 2 * time.Minute
	DefaultShutdownGrace      = 10 * time.Second
	// DefaultMetricsAddr is the metrics listener without a token: this
	// machine only, on the port Prometheus exporters commonly use.
	DefaultMetricsAddr = "127.0.0.1:9464"
)

// The per-key defaults: a user with a few agents or windows open, and a
// client's worth of parallel calls; a quarter of the server's calls, so at
// least four keys are served at once however busy one of them is.
const (
	DefaultMaxSessionsPerKey        = 10
	DefaultMaxConcurrentCallsPerKey = 16
)

// withDefaults fills in every zero limit.
func (o Options) withDefaults() Options {
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxSessions == 0 {
		o.MaxSessions = DefaultMaxSessions
	}
	if o.MaxConcurrentCalls == 0 {
		o.MaxConcurrentCalls = DefaultMaxConcurrentCalls
	}
	if o.MaxSessionsPerKey == 0 {
		o.MaxSessionsPerKey = DefaultMaxSessionsPerKey
	}
	if o.MaxConcurrentCallsPerKey == 0 {
		o.MaxConcurrentCallsPerKey = DefaultMaxConcurrentCallsPerKey
	}
	if o.SessionIdleTimeout == 0 {
		o.SessionIdleTimeout = DefaultSessionIdleTimeout
	}
	if o.CallTimeout == 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.ShutdownGrace == 0 {
		o.ShutdownGrace = DefaultShutdownGrace
	}
	if o.Metrics && o.Token == "" && o.MetricsAddr == "" {
		o.MetricsAddr = DefaultMetricsAddr
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Validate checks the options for serving on addr (host:port). Beyond
// loopback it asks for some authentication: whoever reaches the port
// would otherwise act in Kibana with the server's credentials.
func (o Options) Validate(addr string) error {
	switch o.Transport {
	case "http", "sse":
	default:
		return fmt.Errorf("transport %q is not an HTTP transport (http or sse)", o.Transport)
	}
	if o.Stateless && o.Transport != "http" {
		return errors.New("stateless mode is for the http transport only (SSE keeps a stream per session)")
	}
	if strings.ContainsFunc(o.Token, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return errors.New("the HTTP token must be printable ASCII without spaces (it travels in an Authorization header)")
	}
	if o.MaxBodyBytes < 0 || o.MaxSessions < 0 || o.MaxConcurrentCalls < 0 || o.MaxSessionsPerKey < 0 || o.MaxConcurrentCallsPerKey < 0 ||
		o.SessionIdleTimeout < 0 || o.CallTimeout < 0 || o.ShutdownGrace < 0 {
		return errors.New("HTTP limits must not be negative")
	}
	for _, origin := range o.AllowedOrigins {
		if _, err := normalizeOrigin(origin); err != nil {
			return err
		}
	}
	if !isLoopbackAddr(addr) && o.Token == "" && !o.AllowClientCredentials && !o.InsecureNoAuth {
		return fmt.Errorf("refusing to listen on %s, beyond loopback, without authentication: anyone who reaches it would use the server's Kibana credentials. "+
			"Set --http-token, or --allow-client-credentials, or --insecure-no-auth to accept that", addr)
	}
	if o.Token != "" && !isLoopbackAddr(addr) {
		if why := weakToken(o.Token); why != "" {
			return errors.New(why)
		}
	}
	if _, err := o.serverTLS(); err != nil {
		return err
	}
	return o.checkMetricsAddr(addr)
}

// checkMetricsAddr checks the metrics listener: metrics say which tools
// are used how often and by how many sessions, so beyond loopback they too
// need the token.
func (o Options) checkMetricsAddr(addr string) error {
	if !o.Metrics || o.MetricsAddr == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(o.MetricsAddr)
	if err != nil || port == "" {
		return fmt.Errorf("metrics-addr %q is not host:port", o.MetricsAddr)
	}
	if o.MetricsAddr == addr && port != "0" {
		return fmt.Errorf("metrics-addr %s is the MCP listener's address; give metrics a port of their own, or set --http-token and scrape /metrics with it", addr)
	}
	if !isLoopbackAddr(o.MetricsAddr) && o.Token == "" && !o.InsecureNoAuth {
		return fmt.Errorf("refusing to serve metrics on %s, beyond loopback, without --http-token: anyone who reaches it would read them. "+
			"Keep --metrics-addr on loopback, set --http-token, or --insecure-no-auth to accept that", o.MetricsAddr)
	}
	return nil
}

// isLoopbackAddr reports whether a listen address (host:port) is on this
// machine only. An empty host means every interface.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	return isLoopbackHost(host)
}

// isLoopbackHost reports whether a host name or IP (brackets allowed)
// names this machine: localhost, 127.0.0.0/8 or ::1.
func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// normalizeOrigin turns an origin into the form browsers send: lower-case
// scheme and host, no path, no default port.
func normalizeOrigin(origin string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("allowed origin %q must be scheme://host[:port], e.g. https://agents.example.com", origin)
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	return strings.ToLower(u.Scheme) + "://" + host, nil
}

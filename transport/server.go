package transport

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// Server serves one MCP server over HTTP. Build it with New before the MCP
// server (which needs ToolMiddleware) and the Kibana client (which reports
// to ObserveKibana), then call Serve.
type Server struct {
	opts      Options
	log       *slog.Logger
	metrics   *metrics
	slots     chan struct{} // one per tool call running
	slotWait  time.Duration
	tokenHash [32]byte
	origins   []string // normalized AllowedOrigins
	ready     *readiness
	keys      *keyChecker // nil: client keys are not checked before use
	// metricsURL is the metrics listener's base URL (scheme://host:port)
	// once it listens.
	metricsURL atomic.Pointer[string]
	draining   atomic.Bool
	requests   atomic.Int64 // requests under way, event streams not counted
	// callsStopped is cancelled (stopCalls) when the shutdown grace period
	// is over, ending every tool call still running: on SSE nothing else
	// would, since a call there outlives the HTTP request that started it.
	callsStopped context.Context
	stopCalls    context.CancelFunc
}

// New applies the defaults to opts. Check them with Validate first: New
// trusts them.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{
		opts:     opts,
		log:      opts.Log,
		metrics:  newMetrics(),
		slots:    make(chan struct{}, opts.MaxConcurrentCalls),
		slotWait: slotWait,
		ready:    &readiness{check: opts.Ready},
	}
	s.callsStopped, s.stopCalls = context.WithCancel(context.Background())
	if opts.Token != "" {
		s.tokenHash = sha256.Sum256([]byte(opts.Token))
	}
	if opts.CheckKey != nil {
		s.keys = newKeyChecker(opts.CheckKey)
	}
	for _, o := range opts.AllowedOrigins {
		if norm, err := normalizeOrigin(o); err == nil {
			s.origins = append(s.origins, norm)
		}
	}
	return s
}

// ObserveKibana records one Kibana request attempt for the metrics: pass it
// as kibana.Config.Observe.
func (s *Server) ObserveKibana(status int, elapsed time.Duration) {
	s.metrics.kibanaRequest(status, elapsed)
}

// Serve serves mcp on ln until ctx is done, then shuts down gracefully and
// returns nil. A Server serves once. It refuses (closing ln) options that Validate refuses for
// ln's address.
func (s *Server) Serve(ctx context.Context, ln net.Listener, mcp *server.MCPServer) error {
	addr := ln.Addr().String()
	if err := s.opts.Validate(addr); err != nil {
		ln.Close()
		return err
	}
	tlsConf, err := s.opts.serverTLS()
	if err != nil {
		ln.Close()
		return err
	}
	var metricsSrv *http.Server
	if s.opts.Metrics && s.opts.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.opts.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("metrics listener (--metrics-addr): %v", err)
		}
		metricsSrv = s.serveMetrics(mln, tlsConf)
		defer metricsSrv.Close()
	}
	s.warnAboutExposure(addr, tlsConf)
	h, closeStreams := s.Handler(mcp, addr)
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         tlsConf,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	endpoint := "/mcp"
	if s.opts.Transport == "sse" {
		endpoint = "/sse"
	}
	s.log.Info("serving MCP over HTTP", "transport", s.opts.Transport, "url", s.opts.scheme()+"://"+addr+endpoint,
		"stateless", s.opts.Stateless, "auth", s.authMode(), "metrics", s.metricsWhere())
	errc := make(chan error, 1)
	go func() {
		if tlsConf != nil {
			errc <- srv.ServeTLS(ln, "", "") // the certificate is in TLSConfig
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		closeStreams()
		return err
	case <-ctx.Done():
	}
	s.shutdown(srv, closeStreams)
	return nil
}

// warnAboutExposure logs, at start, what about the listener a person
// deploying the server should know and may not: who can reach it, whether
// credentials cross the network unencrypted, and a token that would be
// refused beyond loopback.
func (s *Server) warnAboutExposure(addr string, tlsConf *tls.Config) {
	if isLoopbackAddr(addr) {
		if why := weakToken(s.opts.Token); s.opts.Token != "" && why != "" {
			s.log.Warn("weak HTTP token: accepted on loopback only, the server refuses to start with it on any other address", "reason", why)
		}
	} else {
		switch {
		case s.opts.Token != "":
			s.log.Info("listening beyond loopback; callers need the HTTP token", "addr", addr, "auth", s.authMode())
		case s.opts.AllowClientCredentials:
			s.log.Info("listening beyond loopback; callers need a Kibana API key of their own, and act with its privileges", "addr", addr, "auth", s.authMode())
		default:
			s.log.Warn("listening beyond loopback: whoever reaches this address can call the tools", "addr", addr, "auth", s.authMode())
		}
		var secrets []string
		if s.opts.Token != "" {
			secrets = append(secrets, "the HTTP token")
		}
		if s.opts.AllowClientCredentials {
			secrets = append(secrets, "clients' Kibana API keys")
		}
		if tlsConf == nil && len(secrets) > 0 {
			verb := " travels"
			if len(secrets) > 1 || s.opts.Token == "" {
				verb = " travel"
			}
			s.log.Warn("serving plain HTTP beyond loopback: "+strings.Join(secrets, " and ")+verb+" in clear text; "+
				"use --tls-cert and --tls-key, or a TLS-terminating proxy in front, unless the network path is trusted", "addr", addr)
		}
	}
	if tlsConf != nil {
		if leaf := tlsConf.Certificates[0].Leaf; leaf != nil && time.Now().After(leaf.NotAfter) {
			s.log.Warn("the TLS certificate has expired: clients will refuse the connection", "not_after", leaf.NotAfter)
		}
	}
}

// authMode says, for the log, how MCP requests authenticate.
func (s *Server) authMode() string {
	switch {
	case s.opts.Token != "" && s.opts.AllowClientCredentials:
		return "token, client Kibana keys allowed"
	case s.opts.Token != "":
		return "token"
	case s.opts.AllowClientCredentials:
		return "client Kibana keys"
	}
	return "none"
}

// shutdown stops accepting connections at once, lets the tool calls in
// flight finish within ShutdownGrace, then ends the event streams (on SSE
// the calls' answers travel on them, so they close last), waits for the
// other requests under way, and closes what is left: idle connections, and
// at the end of the grace period whatever still runs.
//
// http.Server.Shutdown alone would wait up to 5s more for connections a
// client opened but sent nothing on yet; the server's own count of
// requests under way says when nothing is left to wait for.
func (s *Server) shutdown(srv *http.Server, closeStreams func()) {
	s.draining.Store(true)
	grace, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownGrace)
	defer cancel()
	s.log.Info("shutting down the HTTP server", "calls_in_flight", s.metrics.inFlight.Load(), "grace_ms", millis(s.opts.ShutdownGrace))
	go srv.Shutdown(grace) // stops accepting; Close below ends it
	waitUntil(grace, func() bool { return s.metrics.inFlight.Load() == 0 })
	if s.opts.Transport == "sse" {
		// The last answer may still be on its way from the handler to the
		// stream; give it a moment to be written.
		sleep(grace, 100*time.Millisecond)
	}
	closeStreams()
	waitUntil(grace, func() bool { return s.metrics.inFlight.Load() == 0 && s.requests.Load() == 0 })
	if grace.Err() != nil {
		s.log.Warn("shutdown grace period over: cutting off what is still running",
			"calls_in_flight", s.metrics.inFlight.Load(), "requests", s.requests.Load())
		s.stopCalls()
	}
	srv.Close()
	s.log.Info("HTTP server stopped")
}

// waitUntil polls cond until it holds or ctx is done. Polling keeps it
// simple: calls and requests may still start (and end) while it waits.
func waitUntil(ctx context.Context, cond func() bool) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

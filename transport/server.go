package transport

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"net"
	"net/http"
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
	draining  atomic.Bool
	requests  atomic.Int64 // requests under way, event streams not counted
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
	if !isLoopbackAddr(addr) {
		s.log.Warn("listening beyond loopback: whoever reaches this address can call the tools", "addr", addr, "auth", s.authMode())
	}
	h, closeStreams := s.Handler(mcp, addr)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	endpoint := "/mcp"
	if s.opts.Transport == "sse" {
		endpoint = "/sse"
	}
	s.log.Info("serving MCP over HTTP", "transport", s.opts.Transport, "url", "http://"+addr+endpoint,
		"stateless", s.opts.Stateless, "auth", s.authMode(), "metrics", s.opts.Metrics)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		closeStreams()
		return err
	case <-ctx.Done():
	}
	s.shutdown(srv, closeStreams)
	return nil
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
	s.log.Info("shutting down the HTTP server", "calls_in_flight", s.metrics.inFlight.Load(), "grace", s.opts.ShutdownGrace)
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

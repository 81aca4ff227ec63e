package transport

import (
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Metrics are never public. They name the tools in use, how often calls
// fail and how many sessions are open: little, but enough to watch a team
// at work. On the MCP listener /metrics needs the token; a server without
// one (loopback, or client keys only) serves them on a listener of its own,
// on loopback unless said otherwise, where a local Prometheus agent or a
// sidecar scrapes them without a secret.

// metricsOnMCP serves /metrics on the MCP listener: to holders of the
// token, and to nobody when there is none (404 naming where they are).
func (h *handler) metricsOnMCP(w http.ResponseWriter, r *http.Request) {
	s := h.s
	switch {
	case !s.opts.Metrics:
		http.NotFound(w, r)
	case s.opts.Token == "":
		// 404, not 401: no credential would open this door.
		http.Error(w, "kibana-mcp: without --http-token, metrics are served on their own listener (--metrics-addr), not here", http.StatusNotFound)
	case s.metricsAuthorized(w, r):
		s.metrics.handler().ServeHTTP(w, r)
	}
}

// metricsAuthorized checks the token for /metrics when there is one,
// answering 401 itself otherwise.
func (s *Server) metricsAuthorized(w http.ResponseWriter, r *http.Request) bool {
	if s.opts.Token == "" || s.tokenOK(r) {
		return true
	}
	challenge := `Bearer realm="kibana-mcp"`
	if r.Header.Get("Authorization") != "" {
		challenge += `, error="invalid_token"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	http.Error(w, "kibana-mcp: /metrics needs the server's token in an Authorization: Bearer header", http.StatusUnauthorized)
	return false
}

// metricsHandler serves GET /metrics on the metrics listener at addr,
// with the token when there is one. On loopback it answers only requests
// for a loopback host name, as the MCP listener does, so that a web page
// cannot read it through DNS rebinding.
func (s *Server) metricsHandler(addr string) http.Handler {
	loopback := isLoopbackAddr(addr)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		switch {
		case loopback && !isLoopbackHost(host):
			http.Error(w, "kibana-mcp: this metrics listener is on loopback and answers only requests for localhost, 127.0.0.1 or [::1]", http.StatusForbidden)
		case r.URL.Path != "/metrics":
			http.NotFound(w, r)
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		case s.metricsAuthorized(w, r):
			s.metrics.handler().ServeHTTP(w, r)
		}
	})
}

// serveMetrics serves the metrics listener until the returned server is
// closed, over TLS when the MCP listener uses it too.
func (s *Server) serveMetrics(ln net.Listener, tlsConf *tls.Config) *http.Server {
	addr := ln.Addr().String()
	srv := &http.Server{
		Handler:           s.metricsHandler(addr),
		TLSConfig:         tlsConf,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	base := s.opts.scheme() + "://" + addr
	s.metricsURL.Store(&base)
	s.log.Info("serving metrics", "url", base+"/metrics", "auth", map[bool]string{true: "token", false: "none"}[s.opts.Token != ""])
	go func() {
		var err error
		if tlsConf != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			s.log.Warn("metrics listener stopped", "err", err)
		}
	}()
	return srv
}

// metricsWhere says, for the start-up log line, where metrics are served.
func (s *Server) metricsWhere() string {
	switch {
	case !s.opts.Metrics:
		return "off"
	case s.opts.Token != "" && s.opts.MetricsAddr != "":
		return "/metrics with the token, and " + s.opts.MetricsAddr
	case s.opts.Token != "":
		return "/metrics with the token"
	}
	return s.opts.MetricsAddr
}

package transport

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// handler routes one listener's requests: probes, metrics and the MCP
// endpoints, each request through the Host and Origin checks first.
type handler struct {
	s        *Server
	loopback bool      // listening on loopback only: Host must be a loopback name
	sse      bool      // SSE transport (else streamable HTTP)
	sessions *sessions // nil when stateless
	// streams counts what holds a connection open toward MaxSessions and
	// the per-key cap: the sessions (it is sessions when stateful) and the
	// subscriptions/listen streams, in either mode.
	streams *sessions
	keys    *keySlots // the client keys' call slots (MaxConcurrentCallsPerKey)
	mcp     http.Handler
}

// Handler returns mcp's HTTP handler as served on addr (which decides the
// Host check), and a func that ends every event stream and background
// sweeper. Serve uses it; tests and embedders may mount it themselves.
func (s *Server) Handler(mcp *server.MCPServer, addr string) (http.Handler, func()) {
	h := &handler{s: s, loopback: isLoopbackAddr(addr), sse: s.opts.Transport == "sse"}
	h.streams = newSessions(s.opts.MaxSessions, s.opts.MaxSessionsPerKey, s.metrics)
	h.keys = newKeySlots(s.opts.MaxConcurrentCallsPerKey)
	if !s.opts.Stateless || h.sse { // SSE has no stateless mode
		h.sessions = h.streams
	}
	var closeMCP func()
	if h.sse {
		sse := server.NewSSEServer(mcp,
			// A relative message endpoint works whatever host name or
			// proxy the client came through.
			server.WithUseFullURLForMessageEndpoint(false),
			server.WithKeepAlive(true),
			server.WithSSEDisableLocalhostProtection(true),
			server.WithSessionIDGenerator(h.sessions.sseSessionID),
			// mcp-go caps bodies itself (4 MiB since v1.6.0); ours is
			// --max-body-bytes, checked before mcp-go reads anything.
			server.WithSSEMaxRequestBodyBytes(s.opts.MaxBodyBytes),
		)
		h.mcp, closeMCP = sse, sse.CloseSessions
	} else {
		opts := []server.StreamableHTTPOption{
			server.WithEndpointPath("/mcp"),
			server.WithDisableLocalhostProtection(true),
			server.WithStreamableHTTPLogger(s.log),
			server.WithMaxRequestBodyBytes(s.opts.MaxBodyBytes), // see the SSE options
		}
		if s.opts.Stateless {
			// No session, so no stream to listen on: GET answers 405.
			opts = append(opts, server.WithStateLess(true), server.WithDisableStreaming(true))
		} else {
			opts = append(opts,
				server.WithSessionIdManagerResolver(sessionResolver{h.sessions}),
				// Reclaims mcp-go's own per-session state of sessions
				// that idle out (ours goes in sessions.sweep).
				server.WithSessionIdleTTL(s.opts.SessionIdleTimeout),
			)
		}
		streamable := server.NewStreamableHTTPServer(mcp, opts...)
		h.mcp = streamable
		closeMCP = func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			streamable.Shutdown(ctx) // no http.Server of its own: this ends sessions and its sweeper
		}
	}
	stop := make(chan struct{})
	if h.sessions != nil {
		go h.sessions.sweep(s.opts.SessionIdleTimeout, stop, func(n int) {
			s.log.Info("closed idle MCP sessions", "count", n, "idle_timeout_ms", millis(s.opts.SessionIdleTimeout))
		})
	}
	var once sync.Once
	return h, func() {
		once.Do(func() {
			close(stop)
			h.streams.closeAll()
			closeMCP()
		})
	}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if !isStream(r) {
		h.s.requests.Add(1)
		defer h.s.requests.Add(-1)
	}
	rec := &recorder{ResponseWriter: w}
	info := &requestInfo{}
	r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
	defer func() {
		h.s.metrics.httpRequest(rec.code())
		h.s.logRequest(r, rec, info, time.Since(start))
	}()
	if !h.checkHost(rec, r) || !h.checkOrigin(rec, r) {
		return
	}
	if r.Header.Get("Origin") == "" {
		stripNoOrigin(rec)
	}
	switch r.URL.Path {
	case "/healthz":
		h.healthz(rec)
	case "/readyz":
		h.readyz(rec, r)
	case "/metrics":
		h.metricsOnMCP(rec, r)
	default:
		if !h.isMCPPath(r.URL.Path) {
			http.NotFound(rec, r)
			return
		}
		if r.Method == http.MethodOptions {
			if r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != "" {
				h.preflight(rec)
				return
			}
			http.Error(rec, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h.serveMCP(rec, r)
	}
}

// isStream reports an event stream request, which lasts until the
// session or the server ends it.
func isStream(r *http.Request) bool {
	return r.Method == http.MethodGet && (r.URL.Path == "/sse" || r.URL.Path == "/mcp")
}

func (h *handler) isMCPPath(path string) bool {
	if h.sse {
		return path == "/sse" || path == "/message"
	}
	return path == "/mcp"
}

func (h *handler) serveMCP(w *recorder, r *http.Request) {
	r = h.s.authenticate(w, r)
	if r == nil {
		return
	}
	body, ok := h.readBody(w, r)
	if !ok {
		return
	}
	r = withMCPRequest(r, h.keys)
	if isListen(r, body) {
		h.serveListen(w, r, body)
		return
	}
	switch {
	case h.sse:
		h.serveSSE(w, r)
	case h.sessions == nil:
		if r.Method == http.MethodDelete {
			http.Error(w, "kibana-mcp: this server is stateless; there is no session to end", http.StatusMethodNotAllowed)
			return
		}
		h.mcp.ServeHTTP(w, r)
	default:
		h.serveStreamable(w, r, body)
	}
}

// readBody reads a POST body whole, within MaxBodyBytes (413 beyond), and
// puts it back for mcp-go, which reads it whole anyway. Reading it here
// gives a clear 413 instead of a JSON parse error, and lets the session
// rules see whether the message is an initialize.
func (h *handler) readBody(w *recorder, r *http.Request) ([]byte, bool) {
	limit := h.s.opts.MaxBodyBytes
	if r.Method != http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		return nil, true
	}
	tooLarge := func() ([]byte, bool) {
		http.Error(w, fmt.Sprintf("kibana-mcp: the request body is larger than the %d-byte limit; send large files in smaller pieces", limit), http.StatusRequestEntityTooLarge)
		return nil, false
	}
	if r.ContentLength > limit {
		return tooLarge()
	}
	// A client that sends its body slowly must not hold the connection
	// forever; the deadline is lifted again for streamed answers.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(time.Minute))
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	rc.SetReadDeadline(time.Time{})
	if int64(len(data)) > limit {
		return tooLarge()
	}
	if err != nil {
		http.Error(w, "kibana-mcp: reading the request body: "+err.Error(), http.StatusBadRequest)
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	return data, true
}

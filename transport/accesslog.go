package transport

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"time"
)

// recorder remembers the status and size of an answer for the access log
// and the metrics. It keeps http.Flusher working, which event streams need,
// and unwraps for http.ResponseController (write deadlines).
type recorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
	// beforeHeader, when set, may adjust the headers once, just before
	// they are sent.
	beforeHeader func(http.Header)
}

func (w *recorder) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code) // informational: the real answer is still to come
		return
	}
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.status = code
	if w.beforeHeader != nil {
		w.beforeHeader(w.Header())
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

func (w *recorder) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// code is the status the client got; a handler that wrote nothing sent 200.
func (w *recorder) code() int {
	if !w.wroteHeader {
		return http.StatusOK
	}
	return w.status
}

// requestInfo collects, while a request is served, what its access log
// line needs and only inner layers know.
type requestInfo struct {
	session string
}

type requestInfoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{} // written to and dropped
}

// millis is d for the log: every duration the server logs is in
// milliseconds, in a field named …_ms, to one decimal.
func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*10) / 10
}

// logRequest writes the access log line: no header values and no query
// but the SSE session, so neither the bearer token nor a Kibana key can
// end up in a log. Probes and scrapes log at debug: they come every few
// seconds and say nothing about the clients.
func (s *Server) logRequest(r *http.Request, w *recorder, info *requestInfo, elapsed time.Duration) {
	level := slog.LevelInfo
	switch r.URL.Path {
	case "/healthz", "/readyz", "/metrics":
		level = slog.LevelDebug
	}
	if !s.log.Enabled(r.Context(), level) {
		return
	}
	session := info.session
	if session == "" {
		session = r.Header.Get("Mcp-Session-Id")
	}
	if session == "" {
		session = w.Header().Get("Mcp-Session-Id") // minted by this initialize
	}
	s.log.LogAttrs(r.Context(), level, "http request",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", w.code()),
		slog.Float64("duration_ms", millis(elapsed)),
		slog.String("session", session),
		slog.Int64("bytes", w.bytes),
		slog.String("remote", r.RemoteAddr),
	)
}

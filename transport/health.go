package transport

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Readiness asks Kibana at most once per readyCacheFor, however often
// probes come (every replica, every few seconds), and never waits longer
// than readyTimeout: a probe must answer before its own timeout.
const (
	readyCacheFor = 5 * time.Second
	readyTimeout  = 3 * time.Second
)

type readiness struct {
	check func(ctx context.Context) error // nil: always ready

	mu  sync.Mutex // also makes concurrent probes share one check
	at  time.Time
	err error
}

func (rd *readiness) get(ctx context.Context) error {
	if rd.check == nil {
		return nil
	}
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if !rd.at.IsZero() && time.Since(rd.at) < readyCacheFor {
		return rd.err
	}
	// A probe that hangs up must not leave "context canceled" cached.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readyTimeout)
	defer cancel()
	rd.err = rd.check(ctx)
	rd.at = time.Now()
	return rd.err
}

// healthz says the process is up and serving HTTP.
func (h *handler) healthz(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz says whether this replica should get traffic: not while shutting
// down, nor while Kibana is unreachable or refuses the credentials.
func (h *handler) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if h.s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready: shutting down\n"))
		return
	}
	if err := h.s.ready.get(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready: " + err.Error() + "\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

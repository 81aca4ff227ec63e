package serve

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// A Kibana can be upgraded, or have features turned on and off, under a
// running server; or start-up could not reach it at all. KibanaWatch keeps
// what is known of it (version, flavour, features) fresh enough for the
// tool list to follow: what was learnt is trusted for a time to live, then
// read again at the next call; a route-level 404 reads it again at once;
// a Kibana that could not be read at start is read at the first call.
//
// One read runs at a time. The caller whose call starts it waits for it
// (bounded by the Kibana timeout); every other caller goes on with what is
// known. Whoever listens (Install, to tell sessions their tool list
// changed; app, to log it) hears of every change.

// KibanaRead learns what the Kibana served is now, within ctx.
type KibanaRead func(ctx context.Context) (KibanaInfo, error)

// KibanaTTL is how long what was learnt of Kibana is trusted. Upgrades are
// rare and announced; a status read every ten minutes costs nothing.
const KibanaTTL = 10 * time.Minute

// kibanaRetry bounds how often a Kibana that did not answer is asked
// again: when it is down, every call would otherwise wait for it twice.
const kibanaRetry = 30 * time.Second

// kibanaRecheck is how recent a read must be for a route-level 404 not to
// read again: a run of 404s (a model probing paths) reads once.
const kibanaRecheck = 5 * time.Second

// KibanaWatchConfig says how a KibanaWatch reads Kibana.
type KibanaWatchConfig struct {
	Read    KibanaRead
	Timeout time.Duration // bounds one read
	// TTL is how long what was learnt is trusted: KibanaTTL when 0. A
	// negative TTL keeps it for good: only a Kibana never read is asked.
	TTL time.Duration
	Now func() time.Time // time.Now when nil; tests move it
}

// KibanaWatch is what is known of the Kibana served, kept fresh. Safe for
// concurrent use.
type KibanaWatch struct {
	cfg KibanaWatchConfig

	mu       sync.Mutex
	info     KibanaInfo
	learnt   time.Time     // when info was read; zero when never
	failed   time.Time     // when a read last failed (not at start-up)
	reading  chan struct{} // closed when the read in flight ends; nil when none
	onChange []func(was, now KibanaInfo)
	stopped  bool // Stop was called
}

// NewKibanaWatch knows nothing of its Kibana until a read or Set.
func NewKibanaWatch(cfg KibanaWatchConfig) *KibanaWatch {
	if cfg.TTL == 0 {
		cfg.TTL = KibanaTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &KibanaWatch{cfg: cfg}
}

// OnChange calls fn after each change of what is known, outside any lock.
// Register before serving.
func (w *KibanaWatch) OnChange(fn func(was, now KibanaInfo)) {
	w.mu.Lock()
	w.onChange = append(w.onChange, fn)
	w.mu.Unlock()
}

// Stop ends the watch with the server: no read starts after it, and a
// read still in flight tells nobody what it learnt.
func (w *KibanaWatch) Stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
}

// Info is what is known now, without asking Kibana.
func (w *KibanaWatch) Info() KibanaInfo {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.info
}

// Set records info as learnt now (the start-up read, or a test).
func (w *KibanaWatch) Set(info KibanaInfo) {
	w.mu.Lock()
	w.learnt = w.cfg.Now()
	tell := w.apply(info)
	w.mu.Unlock()
	tell()
}

// Start reads Kibana now, in the background (start-up: the caller waits
// on done as long as it likes; a late answer is applied when it comes).
// A failure here does not hold back the read of the first call.
func (w *KibanaWatch) Start(ctx context.Context) (done <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.reading == nil && !w.stopped && w.cfg.Read != nil {
		w.begin(ctx, false)
	}
	if w.reading == nil {
		return closedChan
	}
	return w.reading
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// Current is what is known, read again first when it is due: never read,
// or older than the time to live, and no read failed lately. The caller
// that starts the read waits for it; while one is in flight, others do not.
func (w *KibanaWatch) Current(ctx context.Context) KibanaInfo {
	w.mu.Lock()
	now := w.cfg.Now()
	due := w.reading == nil && w.cfg.Read != nil && !w.stopped &&
		(w.learnt.IsZero() || (w.cfg.TTL > 0 && now.Sub(w.learnt) >= w.cfg.TTL)) &&
		(w.failed.IsZero() || now.Sub(w.failed) >= kibanaRetry)
	if !due {
		defer w.mu.Unlock()
		return w.info
	}
	done := w.begin(ctx, true)
	w.mu.Unlock()
	return w.wait(ctx, done)
}

// Recheck reads Kibana again after a route-level 404, which an upgrade
// (or a feature turned off) explains, unless it was read a moment ago; a
// read in flight is waited for. With a TTL kept for good, only a Kibana
// never read is asked.
func (w *KibanaWatch) Recheck(ctx context.Context) KibanaInfo {
	w.mu.Lock()
	now := w.cfg.Now()
	done := w.reading
	if done == nil {
		recent := func(t time.Time) bool { return !t.IsZero() && now.Sub(t) < kibanaRecheck }
		switch {
		case w.cfg.Read == nil, w.stopped, w.cfg.TTL < 0 && !w.learnt.IsZero(),
			recent(w.learnt), recent(w.failed), w.cfg.TTL < 0 && !w.failed.IsZero() && now.Sub(w.failed) < kibanaRetry:
			defer w.mu.Unlock()
			return w.info
		}
		done = w.begin(ctx, true)
	}
	w.mu.Unlock()
	return w.wait(ctx, done)
}

// begin starts a read. Call with w.mu held and no read in flight. The read
// keeps ctx's values (a caller's own Kibana key) but not its cancellation:
// a caller giving up does not waste the read for the others.
func (w *KibanaWatch) begin(ctx context.Context, countFailure bool) chan struct{} {
	done := make(chan struct{})
	w.reading = done
	go func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.Timeout)
		info, err := w.cfg.Read(rctx)
		cancel()
		w.mu.Lock()
		tell := func() {}
		if err != nil {
			if countFailure {
				w.failed = w.cfg.Now()
			}
		} else {
			w.learnt, w.failed = w.cfg.Now(), time.Time{}
			tell = w.apply(w.merge(info))
		}
		w.mu.Unlock()
		// The listeners hear of a change before the read counts as
		// ended: the caller waiting for it answers after they did (a
		// session hears its list changed before the call's answer).
		tell()
		w.mu.Lock()
		w.reading = nil
		close(done)
		w.mu.Unlock()
	}()
	return done
}

// wait waits for a read to end, or for the caller to give up.
func (w *KibanaWatch) wait(ctx context.Context, done <-chan struct{}) KibanaInfo {
	select {
	case <-done:
	case <-ctx.Done():
	}
	return w.Info()
}

// apply records info (call with w.mu held) and returns what tells the
// listeners of the change, if it is one: call it without w.mu. Reads run
// one at a time, so listeners hear the changes in order.
func (w *KibanaWatch) apply(info KibanaInfo) (tell func()) {
	was := w.info
	w.info = info
	if sameKibana(was, info) || w.stopped {
		return func() {}
	}
	listeners := w.onChange
	return func() {
		for _, fn := range listeners {
			fn(was, info)
		}
	}
}

// merge keeps what a read did not learn as it was known. Reads go with
// the caller's credentials (a client's own Kibana key): one allowed the
// status but not the features must not make the features unknown, and
// the tool list swing with who called last.
func (w *KibanaWatch) merge(info KibanaInfo) KibanaInfo {
	if info.Version == "" && !info.Serverless {
		info.Version, info.Serverless = w.info.Version, w.info.Serverless
	}
	if info.Features == nil {
		info.Features = w.info.Features
	}
	return info
}

func sameKibana(a, b KibanaInfo) bool {
	return a.Version == b.Version && a.Serverless == b.Serverless && (a.Features == nil) == (b.Features == nil) && maps.Equal(a.Features, b.Features)
}

var errNoVersion = errors.New("Kibana's status answer has no version")

// statusRead learns the version and flavour from /api/status alone: what
// a runner not given a watch asks when a route-level 404 needs explaining.
func statusRead(client *kibana.Client) KibanaRead {
	return func(ctx context.Context) (KibanaInfo, error) {
		resp, err := client.Do(ctx, &kibana.Request{Method: http.MethodGet, Path: "/api/status", Space: "default"})
		if err != nil {
			return KibanaInfo{}, err
		}
		var body struct {
			Version struct {
				Number      string `json:"number"`
				BuildFlavor string `json:"build_flavor"`
			} `json:"version"`
		}
		if err := json.Unmarshal(resp.Body, &body); err != nil {
			return KibanaInfo{}, err
		}
		if body.Version.Number == "" {
			return KibanaInfo{}, errNoVersion
		}
		return KibanaInfo{Version: body.Version.Number, Serverless: body.Version.BuildFlavor == "serverless"}, nil
	}
}

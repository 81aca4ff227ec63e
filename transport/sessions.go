package transport

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// sessions keeps the open MCP sessions of a stateful transport: how many
// there are (MaxSessions, and MaxSessionsPerKey for each client key), whose
// Kibana key opened each (its requests must come with the same one), when
// each was last used (idle expiry), and the event streams to end when it
// closes. mcp-go keeps its own per-session state; this is the part it has
// no hook for.
//
// subscriptions/listen streams (protocol 2026-07-28, with or without
// sessions) count toward the same limits while they are open: each holds
// a connection and a goroutine for as long as a session's event stream
// does.
type sessions struct {
	max, perKey int
	metrics     *metrics

	mu       sync.Mutex
	byID     map[string]*session
	reserved int            // sessions being opened by requests under way
	byOwner  map[string]int // sessions, reservations and listen streams of each client key
	listens  map[*listenStream]struct{}
	closed   bool // closeAll ran: the server is shutting down
}

// listenStream is one open subscriptions/listen stream.
type listenStream struct {
	owner  string
	cancel context.CancelFunc
}

// Why a session or listen stream could not open.
var (
	errServerFull = errors.New("the server's session limit is reached")
	errKeyFull    = errors.New("the key's session limit is reached")
	errClosing    = errors.New("the server is shutting down")
)

type session struct {
	owner    string // see ownerKey
	lastUsed time.Time
	streams  map[*int]context.CancelFunc // open event streams; the key is only an identity
}

// reservation is one request's claim to open a session.
type reservation struct {
	owner string
	used  bool
}

type reservationKey struct{}

var errUnknownSession = errors.New("unknown or expired session")

// newSessions keeps at most max sessions and listen streams, and at most
// perKey of them for each client key (0: no per-key cap).
func newSessions(max, perKey int, m *metrics) *sessions {
	return &sessions{max: max, perKey: perKey, metrics: m, byID: map[string]*session{},
		byOwner: map[string]int{}, listens: map[*listenStream]struct{}{}}
}

// roomFor says whether owner may open one more session or listen stream;
// the caller holds r.mu. The server's own credentials ("") have no per-key
// cap: whoever holds the token may use them, and they are one owner.
func (r *sessions) roomFor(owner string) error {
	if len(r.byID)+r.reserved+len(r.listens) >= r.max {
		return errServerFull
	}
	if owner != "" && r.perKey > 0 && r.byOwner[owner] >= r.perKey {
		return errKeyFull
	}
	return nil
}

// count adds n to owner's sessions; the caller holds r.mu.
func (r *sessions) count(owner string, n int) {
	if owner == "" {
		return
	}
	if r.byOwner[owner] += n; r.byOwner[owner] <= 0 {
		delete(r.byOwner, owner)
	}
}

// reserve claims room for a session that a request of owner is about to
// open, so that concurrent opens cannot overshoot the limits.
func (r *sessions) reserve(owner string) (*reservation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.roomFor(owner); err != nil {
		return nil, err
	}
	r.reserved++
	r.count(owner, 1)
	return &reservation{owner: owner}, nil
}

// release gives back a claim the request did not use.
func (r *sessions) release(res *reservation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !res.used {
		res.used = true
		r.reserved--
		r.count(res.owner, -1)
	}
}

// open records a new session, turning the request's claim (if any) into it.
func (r *sessions) open(id, owner string, res *reservation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if res != nil && !res.used {
		res.used = true
		r.reserved--
		r.count(res.owner, -1)
	}
	r.count(owner, 1)
	r.byID[id] = &session{owner: owner, lastUsed: time.Now(), streams: map[*int]context.CancelFunc{}}
	r.metrics.sessions.Store(int64(len(r.byID)))
}

// listen records an open subscriptions/listen stream of owner, which
// cancel ends (at shutdown). The returned func forgets it when it ends.
func (r *sessions) listen(owner string, cancel context.CancelFunc) (end func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, errClosing
	}
	if err := r.roomFor(owner); err != nil {
		return nil, err
	}
	l := &listenStream{owner: owner, cancel: cancel}
	r.listens[l] = struct{}{}
	r.count(owner, 1)
	r.metrics.listens.Store(int64(len(r.listens)))
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if _, ok := r.listens[l]; ok {
			delete(r.listens, l)
			r.count(owner, -1)
			r.metrics.listens.Store(int64(len(r.listens)))
		}
	}, nil
}

// use checks that a request of owner may use session id, and marks it used.
func (r *sessions) use(id, owner string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.byID[id]
	if s == nil {
		return errUnknownSession
	}
	if !sameOwner(s.owner, owner) {
		return errOtherOwner
	}
	s.lastUsed = time.Now()
	return nil
}

var errOtherOwner = errors.New("session opened with other credentials")

// addStream ties an event stream to its session: closing the session ends
// it. The returned func unties it when the stream ends by itself.
func (r *sessions) addStream(id string, cancel context.CancelFunc) (remove func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.byID[id]
	if s == nil {
		cancel()
		return func() {}
	}
	key := new(int)
	s.streams[key] = cancel
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(s.streams, key)
	}
}

// close forgets a session and ends its streams.
func (r *sessions) close(id string) {
	r.mu.Lock()
	s := r.byID[id]
	delete(r.byID, id)
	r.metrics.sessions.Store(int64(len(r.byID)))
	var cancels []context.CancelFunc
	if s != nil {
		r.count(s.owner, -1)
		// Copied under the lock: a cancelled stream's handler removes
		// itself from this map as it returns.
		for _, cancel := range s.streams {
			cancels = append(cancels, cancel)
		}
	}
	r.mu.Unlock()
	for _, cancel := range cancels {
		cancel()
	}
}

// closeIdle closes every session unused for longer than idle, and says how
// many it closed.
func (r *sessions) closeIdle(idle time.Duration) int {
	cutoff := time.Now().Add(-idle)
	var expired []string
	r.mu.Lock()
	for id, s := range r.byID {
		if s.lastUsed.Before(cutoff) {
			expired = append(expired, id)
		}
	}
	r.mu.Unlock()
	for _, id := range expired {
		r.close(id)
	}
	return len(expired)
}

// closeAll closes every session and ends every listen stream: the server
// is shutting down, and opens no listen stream any more.
func (r *sessions) closeAll() {
	r.mu.Lock()
	r.closed = true
	ids := make([]string, 0, len(r.byID))
	for id := range r.byID {
		ids = append(ids, id)
	}
	var cancels []context.CancelFunc
	for l := range r.listens {
		cancels = append(cancels, l.cancel)
	}
	r.mu.Unlock()
	for _, cancel := range cancels {
		cancel() // the stream's handler forgets it as it returns
	}
	for _, id := range ids {
		r.close(id)
	}
}

// sweep closes idle sessions until stop is closed. It runs at half the
// idle timeout, so a session lasts between one and one and a half times it.
func (r *sessions) sweep(idle time.Duration, stop <-chan struct{}, closed func(n int)) {
	t := time.NewTicker(min(max(idle/2, 10*time.Millisecond), time.Minute))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if n := r.closeIdle(idle); n > 0 {
				closed(n)
			}
		}
	}
}

// newSessionID is 130 random bits: a session ID is all that addresses a
// session, so it must not be guessable.
func newSessionID() string { return rand.Text() }

// The streamable HTTP server asks a SessionIdManager to mint, check and end
// session IDs; resolving one per request lets it see who is asking.
type sessionResolver struct{ reg *sessions }

func (sr sessionResolver) ResolveSessionIdManager(r *http.Request) server.SessionIdManager {
	m := sessionManager{reg: sr.reg}
	if r != nil { // nil from mcp-go's sweeper and CloseSessions
		m.owner = ownerOf(r.Context())
		m.res, _ = r.Context().Value(reservationKey{}).(*reservation)
	}
	return m
}

type sessionManager struct {
	reg   *sessions
	owner string
	res   *reservation
}

func (m sessionManager) Generate() string {
	id := newSessionID()
	m.reg.open(id, m.owner, m.res)
	return id
}

// Validate is a second line behind the handler's own check; mcp-go
// answers 404 on an error, which tells the client to start over.
func (m sessionManager) Validate(id string) (isTerminated bool, err error) {
	m.reg.mu.Lock()
	defer m.reg.mu.Unlock()
	if m.reg.byID[id] == nil {
		return false, errUnknownSession
	}
	return false, nil
}

func (m sessionManager) Terminate(id string) (isNotAllowed bool, err error) {
	m.reg.close(id)
	return false, nil
}

// sseStream is what the GET /sse request tells the SSE session ID
// generator, which mcp-go calls with that request's context.
type sseStream struct {
	owner  string
	res    *reservation
	cancel context.CancelFunc
	id     string
}

type sseStreamKey struct{}

func (r *sessions) sseSessionID(ctx context.Context, _ *http.Request) (string, error) {
	st, ok := ctx.Value(sseStreamKey{}).(*sseStream)
	if !ok {
		return "", errors.New("SSE stream opened outside the transport's handler")
	}
	st.id = newSessionID()
	r.open(st.id, st.owner, st.res)
	r.addStream(st.id, st.cancel)
	return st.id, nil
}

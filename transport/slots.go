package transport

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// slot is what one tool call, resource read or completion holds while it
// runs: one of the server's MaxConcurrentCalls and, for a request made
// with a client's own Kibana key, one of that key's
// MaxConcurrentCallsPerKey.
type slot struct {
	s     *Server
	keys  *keySlots // nil: the server's own credentials, no per-key cap
	owner string
	sem   *keySem
	once  sync.Once
}

// release gives the slot back; a second release does nothing.
func (sl *slot) release() {
	sl.once.Do(func() {
		<-sl.s.slots
		if sl.sem != nil {
			sl.keys.put(sl.owner, sl.sem, true)
		}
		sl.s.metrics.inFlight.Add(-1)
	})
}

// refusal says which limit refused a slot.
type refusal int

const (
	refusedServer refusal = iota // MaxConcurrentCalls
	refusedKey                   // MaxConcurrentCallsPerKey
)

func (r refusal) outcome() string {
	if r == refusedKey {
		return outcomeKeyFull
	}
	return outcomeRefused
}

// toolText is the tool error of a refused call.
func (r refusal) toolText(s *Server) string {
	if r == refusedKey {
		return fmt.Sprintf("Not run: this Kibana API key already has its limit of %d tool calls running at once on kibana-mcp. Nothing was sent to Kibana; try again when one of them has finished.",
			s.opts.MaxConcurrentCallsPerKey)
	}
	return fmt.Sprintf("Not run: kibana-mcp is already running its limit of %d tool calls at once. Nothing was sent to Kibana; try again in a moment.",
		s.opts.MaxConcurrentCalls)
}

// requestText is the JSON-RPC error message of a refused resource read
// or completion.
func (r refusal) requestText(s *Server, method string) string {
	if r == refusedKey {
		return fmt.Sprintf("kibana-mcp refused %s: this Kibana API key already has its limit of %d tool calls, resource reads and completions running at once; nothing was sent to Kibana, try again when one has finished",
			method, s.opts.MaxConcurrentCallsPerKey)
	}
	return fmt.Sprintf("kibana-mcp refused %s: the server is already running its limit of %d tool calls, resource reads and completions at once; nothing was sent to Kibana, try again in a moment",
		method, s.opts.MaxConcurrentCalls)
}

// acquire takes a slot for the request in ctx, waiting up to slotWait in
// all. The key's own slot is taken first: a key at its cap then waits
// without holding one of the server's slots, which the other keys need.
// It returns nil and the limit that refused when none came in time, or
// when ctx ended (the caller checks ctx.Err()).
func (s *Server) acquire(ctx context.Context) (*slot, refusal) {
	sl := &slot{s: s}
	timer := time.NewTimer(s.slotWait)
	defer timer.Stop()
	if owner, keys := ownerOf(ctx), requestOf(ctx).perKey(); owner != "" && keys != nil {
		sl.keys, sl.owner, sl.sem = keys, owner, keys.get(owner)
		if !take(ctx, sl.sem.ch, timer.C) {
			keys.put(owner, sl.sem, false)
			return nil, refusedKey
		}
	}
	if !take(ctx, s.slots, timer.C) {
		if sl.sem != nil {
			sl.keys.put(sl.owner, sl.sem, true)
		}
		return nil, refusedServer
	}
	s.metrics.inFlight.Add(1)
	return sl, 0
}

// take puts a token into sem, at once if there is room, or when there is
// before expired fires or ctx ends.
func take(ctx context.Context, sem chan struct{}, expired <-chan time.Time) bool {
	select {
	case sem <- struct{}{}:
		return true
	default:
	}
	select {
	case sem <- struct{}{}:
		return true
	case <-expired:
	case <-ctx.Done():
	}
	return false
}

// keySlots holds, for each client key with a call running or waiting, a
// semaphore of MaxConcurrentCallsPerKey. A key's entry goes when its last
// call does, so the map holds no more keys than there are calls.
type keySlots struct {
	max int

	mu    sync.Mutex
	byKey map[string]*keySem // by owner (see ownerKey)
}

type keySem struct {
	ch    chan struct{}
	users int // calls holding or waiting for a token; guarded by keySlots.mu
}

func newKeySlots(max int) *keySlots {
	return &keySlots{max: max, byKey: map[string]*keySem{}}
}

func (k *keySlots) get(owner string) *keySem {
	k.mu.Lock()
	defer k.mu.Unlock()
	e := k.byKey[owner]
	if e == nil {
		e = &keySem{ch: make(chan struct{}, k.max)}
		k.byKey[owner] = e
	}
	e.users++
	return e
}

// put ends one call's use of e, giving back its token if it held one.
func (k *keySlots) put(owner string, e *keySem, held bool) {
	if held {
		<-e.ch
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if e.users--; e.users == 0 {
		delete(k.byKey, owner)
	}
}

// mcpRequest is the call limits' state of one MCP request, put in its
// context by the transport's handler: the listener's per-key slots, and
// the slot a tool call keeps between the rounds of a confirmation that
// mcp-go bridges for an older client. One HTTP request carries one MCP
// message, and mcp-go hands the second round the very context of the
// first, so the state found there is this call's own.
type mcpRequest struct {
	keys *keySlots

	mu   sync.Mutex
	kept *keptSlot
}

type keptSlot struct {
	sl    *slot
	stops []func() bool // the triggers that give the slot back if no round takes it
}

type mcpRequestKey struct{}

// withMCPRequest gives r the state the call limits keep for one request.
func withMCPRequest(r *http.Request, keys *keySlots) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), mcpRequestKey{}, &mcpRequest{keys: keys}))
}

// requestOf is nil outside the transport's handler (an MCP server driven
// in-process): there is no client key there, and no slot is kept between
// rounds.
func requestOf(ctx context.Context) *mcpRequest {
	mr, _ := ctx.Value(mcpRequestKey{}).(*mcpRequest)
	return mr
}

func (mr *mcpRequest) perKey() *keySlots {
	if mr == nil {
		return nil
	}
	return mr.keys
}

// keep holds sl for the next round of this call when mcp-go will run one
// in this request: for a client older than protocol 2026-07-28, which
// cannot take the question itself. A newer client gets the question as
// the answer and calls again in a new request, which takes a new slot; so
// does every client outside the transport's handler. The slot is given
// back if no round takes it within CallTimeout (the user's answer can be
// slow, and mcp-go sets no bound), when the request ends, or when the
// shutdown stops calls. keep reports whether it kept sl.
func (mr *mcpRequest) keep(s *Server, ctx context.Context, sl *slot) bool {
	if mr == nil || mcp.IsModernProtocol(server.RequestProtocolVersion(ctx)) {
		return false
	}
	k := &keptSlot{sl: sl}
	drop := func() { mr.drop(k) }
	mr.mu.Lock()
	defer mr.mu.Unlock()
	mr.kept = k
	// Registered under the lock: a trigger that fires at once waits for
	// it, and finds k.stops complete.
	k.stops = []func() bool{
		context.AfterFunc(ctx, drop),
		context.AfterFunc(s.callsStopped, drop),
		time.AfterFunc(s.opts.CallTimeout, drop).Stop,
	}
	return true
}

// takeKept hands the next round the slot its call kept, if any.
func (mr *mcpRequest) takeKept() *slot {
	if mr == nil {
		return nil
	}
	mr.mu.Lock()
	k := mr.kept
	mr.kept = nil
	mr.mu.Unlock()
	if k == nil {
		return nil
	}
	for _, stop := range k.stops {
		stop()
	}
	return k.sl
}

// drop gives back k's slot unless a round took it (or a later round kept
// another: a trigger of an earlier one must not drop that).
func (mr *mcpRequest) drop(k *keptSlot) {
	mr.mu.Lock()
	if mr.kept != k {
		mr.mu.Unlock()
		return
	}
	mr.kept = nil
	mr.mu.Unlock()
	for _, stop := range k.stops {
		stop()
	}
	k.sl.release()
}

package transport

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"
)

// The session rules of the stateful transports, applied before mcp-go
// sees a request: mcp-go checks neither how many sessions are open, nor
// who opened one, nor that an event stream belongs to a session.

// serveStreamable applies the session rules of stateful streamable HTTP:
// an initialize needs room under MaxSessions; any other request naming a
// session must name an open one, opened with the same credentials; an
// event stream (GET) belongs to a session and ends with it.
func (h *handler) serveStreamable(w *recorder, r *http.Request, body []byte) {
	id := r.Header.Get("Mcp-Session-Id")
	infoOf(r.Context()).session = id
	switch {
	case r.Method == http.MethodPost && opensSession(r, body):
		res, err := h.sessions.reserve(ownerOf(r.Context()))
		if err != nil {
			h.tooManySessions(w, body, err)
			return
		}
		defer h.sessions.release(res)
		r = r.WithContext(context.WithValue(r.Context(), reservationKey{}, res))
	case id != "":
		if !h.useSession(w, id, ownerOf(r.Context())) {
			return
		}
		if r.Method == http.MethodGet {
			ctx, cancel := context.WithCancel(r.Context())
			defer cancel()
			defer h.sessions.addStream(id, cancel)()
			r = r.WithContext(ctx)
		}
	case r.Method == http.MethodGet:
		// mcp-go would open a stream for a session nobody initialized,
		// outside every limit.
		http.Error(w, "kibana-mcp: open the event stream with the Mcp-Session-Id of an initialized session", http.StatusBadRequest)
		return
	}
	h.mcp.ServeHTTP(w, r)
}

// serveSSE applies the session rules of SSE, where the stream (GET /sse)
// is the session: it needs room under MaxSessions and closes the session
// when it ends; messages (POST /message) must name an open session opened
// with the same credentials.
func (h *handler) serveSSE(w *recorder, r *http.Request) {
	info := infoOf(r.Context())
	if r.URL.Path == "/message" {
		id := r.URL.Query().Get("sessionId")
		info.session = id
		if id != "" && !h.useSession(w, id, ownerOf(r.Context())) {
			return
		}
		h.mcp.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet {
		h.mcp.ServeHTTP(w, r) // mcp-go answers 405
		return
	}
	res, err := h.sessions.reserve(ownerOf(r.Context()))
	if err != nil {
		w.Header().Set("Retry-After", "30")
		http.Error(w, h.tooManySessionsText(err), http.StatusServiceUnavailable)
		return
	}
	defer h.sessions.release(res)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	st := &sseStream{owner: ownerOf(ctx), res: res, cancel: cancel}
	h.mcp.ServeHTTP(w, r.WithContext(context.WithValue(ctx, sseStreamKey{}, st)))
	if st.id != "" {
		info.session = st.id
		h.sessions.close(st.id)
	}
}

// useSession answers 404 for a session that is not open (the client
// starts a new one, as the MCP spec says) and 403 for one opened with
// other credentials.
func (h *handler) useSession(w http.ResponseWriter, id, owner string) bool {
	switch h.sessions.use(id, owner) {
	case nil:
		return true
	case errOtherOwner:
		http.Error(w, "kibana-mcp: this session was opened with other credentials", http.StatusForbidden)
	default:
		http.Error(w, "kibana-mcp: unknown or expired session; start a new one", http.StatusNotFound)
	}
	return false
}

// tooManySessionsText says which limit refused a session or listen
// stream (err from sessions.reserve or sessions.listen).
func (h *handler) tooManySessionsText(err error) string {
	switch err {
	case errKeyFull:
		return fmt.Sprintf("kibana-mcp: this Kibana API key already has its limit of %d open sessions and listen streams on the server; close one (or let it idle out) or try again later", h.s.opts.MaxSessionsPerKey)
	case errClosing:
		return "kibana-mcp: the server is shutting down; try again in a moment"
	}
	return fmt.Sprintf("kibana-mcp: the server already has its limit of %d open sessions; close one or try again later", h.s.opts.MaxSessions)
}

// tooManySessions refuses an initialize (or a listen stream) as a JSON-RPC
// error, which MCP clients show, with a 503 that proxies and retries
// understand.
func (h *handler) tooManySessions(w http.ResponseWriter, body []byte, why error) {
	var msg struct {
		ID any `json:"id"`
	}
	json.Unmarshal(body, &msg)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "30")
	w.WriteHeader(http.StatusServiceUnavailable)
	json.NewEncoder(w).Encode(map[string]any{
		"jsonrpc": "2.0",
		"id":      msg.ID,
		"error":   map[string]any{"code": -32000, "message": h.tooManySessionsText(why)},
	})
}

// opensSession reports whether a POST is an initialize that opens a
// session: one of protocol versions before 2026-07-28, which has no
// sessions (each request stands alone, as in stateless mode).
func opensSession(r *http.Request, body []byte) bool {
	// The method alone decides, as it does for mcp-go: an initialize with
	// malformed params still gets a session there, so it must count here.
	var head struct {
		Method string `json:"method"`
	}
	if json.Unmarshal(body, &head) != nil || head.Method != string(mcp.MethodInitialize) {
		return false
	}
	var msg struct {
		Params struct {
			Meta *mcp.Meta `json:"_meta"`
		} `json:"params"`
	}
	_ = json.Unmarshal(body, &msg) // unreadable params: a legacy initialize
	return !mcp.IsModernProtocol(r.Header.Get(mcp.HeaderProtocolVersion)) && !mcp.IsModernProtocol(msg.Params.Meta.ProtocolVersion())
}

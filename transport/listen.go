package transport

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"
)

// isListen reports a subscriptions/listen request of protocol 2026-07-28
// or later: a POST whose answer mcp-go holds open, delivering
// notifications, until the client goes away. (An older request for it is
// refused by mcp-go at once.)
func isListen(r *http.Request, body []byte) bool {
	if r.Method != http.MethodPost {
		return false
	}
	var msg struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params struct {
			Meta *mcp.Meta `json:"_meta"`
		} `json:"params"`
	}
	if json.Unmarshal(body, &msg) != nil || msg.Method != string(mcp.MethodSubscriptionsListen) ||
		len(msg.ID) == 0 || string(msg.ID) == "null" {
		return false
	}
	return mcp.IsModernProtocol(r.Header.Get(mcp.HeaderProtocolVersion)) || mcp.IsModernProtocol(msg.Params.Meta.ProtocolVersion())
}

// serveListen serves a subscriptions/listen stream as the stream it is: it
// counts toward MaxSessions and the key's MaxSessionsPerKey while it is
// open, it is not a request under way that shutdown waits for, and
// closeStreams ends it as it ends the GET event streams.
//
// On SSE it is refused: a client there gets its notifications on the
// session's event stream, and mcp-go, which answers SSE messages apart
// from their HTTP request, would hold the stream's goroutine forever.
func (h *handler) serveListen(w *recorder, r *http.Request, body []byte) {
	if h.sse {
		http.Error(w, "kibana-mcp: subscriptions/listen is for the streamable HTTP transport; on SSE, notifications arrive on the session's event stream", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	end, err := h.streams.listen(ownerOf(ctx), cancel)
	if err != nil {
		h.tooManySessions(w, body, err)
		return
	}
	defer end()
	// ServeHTTP counted this request as under way; until it ends, it is
	// not (ServeHTTP's own decrement follows this one's return).
	h.s.requests.Add(-1)
	defer h.s.requests.Add(1)
	h.mcp.ServeHTTP(w, r.WithContext(ctx))
}

package transport

import (
	"net"
	"net/http"
	"slices"
	"strings"
)

// A page in the user's browser can send requests to any port it can
// reach, loopback included, and with DNS rebinding even read the answers
// under its own host name. MCP clients that are not browsers send no
// Origin, so a request is refused only when it carries an Origin that is
// neither this machine's nor allowed, or, on a loopback listener, a Host
// that is not a loopback name (a rebound name is not).
//
// mcp-go's own rebinding check is turned off: it looks at the connection,
// not at where the server listens, and so refuses a reverse proxy on the
// same host that forwards the public Host header to a replica.

// checkHost answers 403 when a loopback listener gets a request for
// another host name.
func (h *handler) checkHost(w http.ResponseWriter, r *http.Request) bool {
	if !h.loopback {
		return true
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if isLoopbackHost(host) {
		return true
	}
	http.Error(w, "kibana-mcp: this server listens on loopback and answers only requests for localhost, 127.0.0.1 or [::1]", http.StatusForbidden)
	return false
}

// checkOrigin answers 403 for an Origin that is not allowed, and marks
// the answer to an allowed one as readable by that origin only.
func (h *handler) checkOrigin(w *recorder, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if !h.originAllowed(origin) {
		http.Error(w, "kibana-mcp: requests from web pages of other sites ("+origin+") are not allowed", http.StatusForbidden)
		return false
	}
	hdr := w.Header()
	hdr.Set("Access-Control-Allow-Origin", origin)
	hdr.Add("Vary", "Origin")
	hdr.Set("Access-Control-Expose-Headers", "Mcp-Session-Id, WWW-Authenticate")
	// mcp-go opens SSE streams to every origin ("*"); only this one may
	// read them.
	w.beforeHeader = func(hdr http.Header) { hdr.Set("Access-Control-Allow-Origin", origin) }
	return true
}

func (h *handler) originAllowed(origin string) bool {
	norm, err := normalizeOrigin(origin)
	if err != nil {
		return false // "null", or not a URL
	}
	if slices.Contains(h.s.origins, norm) {
		return true
	}
	host := strings.TrimPrefix(norm, "http://")
	host = strings.TrimPrefix(host, "https://")
	if name, _, err := net.SplitHostPort(host); err == nil {
		host = name
	}
	return isLoopbackHost(host)
}

// preflight answers a browser's CORS preflight for an allowed origin (the
// origin was checked before): which methods and headers it may send.
func (h *handler) preflight(w http.ResponseWriter) {
	allowed := "Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID"
	if h.s.opts.AllowClientCredentials {
		allowed += ", " + HeaderAPIKey
	}
	hdr := w.Header()
	hdr.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
	hdr.Set("Access-Control-Allow-Headers", allowed)
	hdr.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// stripNoOrigin drops mcp-go's "Access-Control-Allow-Origin: *" from an
// answer to a request without Origin: no browser asked, none may read it.
func stripNoOrigin(w *recorder) {
	w.beforeHeader = func(hdr http.Header) { hdr.Del("Access-Control-Allow-Origin") }
}

package app

import (
	"net"
	"net/http"
	"net/url"
)

// maxRequestBody bounds one HTTP message from an MCP client. Tool arguments
// are small except files for add_case_file, which arrive base64-encoded.
const maxRequestBody = 16 << 20

// guard protects the HTTP transports from web pages and oversized bodies.
//
// A page in the user's browser can send requests to a loopback port; with
// SSE it can even read the answers (mcp-go allows any origin there), and
// every call runs with the server's Kibana credentials. MCP clients that
// are not browsers send no Origin header, so a request is refused only when
// it carries an Origin that is not on this machine.
func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && !loopbackOrigin(origin) {
			http.Error(w, "cross-origin requests are not allowed", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
		next.ServeHTTP(w, r)
	})
}

func loopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

package kibana

import (
	"net/http"
	"strings"
)

// route is a Route split into path segments; "" stands for a placeholder.
type route struct {
	method   string
	segments []string
}

func compileRoutes(routes []Route) []route {
	out := make([]route, 0, len(routes))
	for _, r := range routes {
		segs := strings.Split(strings.Trim(r.Path, "/"), "/")
		for i, s := range segs {
			if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
				segs[i] = ""
			}
		}
		out = append(out, route{method: r.Method, segments: segs})
	}
	return out
}

// Allows reports whether Do would send r at all: ErrReadOnly when this is a
// read-only client and r is not a read. Tools that read before they write
// ask first, so a write that will be refused causes no reads either.
func (c *Client) Allows(r *Request) error {
	if c.readOnly && (r.Mutates || !c.isRead(r)) {
		return ErrReadOnly
	}
	return nil
}

// isRead reports whether r may be sent in read-only mode. The decision uses
// only the method and the escaped path that will go on the wire, never a
// flag the caller sets, so a mislabelled request cannot slip through.
func (c *Client) isRead(r *Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	segs := strings.Split(strings.Trim(r.Path, "/"), "/")
	for _, rt := range c.readRoutes {
		if rt.method == r.Method && rt.matches(segs) {
			return true
		}
	}
	return false
}

func (rt route) matches(segs []string) bool {
	if len(segs) != len(rt.segments) {
		return false
	}
	for i, want := range rt.segments {
		if want == "" {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if segs[i] != want {
			return false
		}
	}
	return true
}

package loadtest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"
)

// Proxy is a round-robin reverse proxy: each HTTP request goes to the next
// backend in turn, whatever session it belongs to. That is the worst case
// for a server that keeps per-session state, and what a load balancer
// without session affinity does.
type Proxy struct {
	backends []*url.URL
	served   []atomic.Int64
	next     atomic.Uint64
	rp       *httputil.ReverseProxy
}

// NewProxy proxies to the given host:port backends over plain HTTP.
func NewProxy(addrs []string) *Proxy {
	p := &Proxy{served: make([]atomic.Int64, len(addrs))}
	for _, a := range addrs {
		p.backends = append(p.backends, &url.URL{Scheme: "http", Host: a})
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			i := int((p.next.Add(1) - 1) % uint64(len(p.backends)))
			p.served[i].Add(1)
			pr.SetURL(p.backends[i])
			pr.SetXForwarded()
		},
		// Streamable HTTP may answer a call with an event stream: pass
		// each event on as it comes instead of buffering it.
		FlushInterval: -1,
		Transport: &http.Transport{
			// The default of two idle connections per host would make most
			// of a concurrent load open and close TCP connections, which
			// measures the kernel, not the server.
			MaxIdleConns:        1024,
			MaxIdleConnsPerHost: 512,
			IdleConnTimeout:     30 * time.Second,
		},
	}
	return p
}

// maxBody bounds a buffered request body, above the server's own limit so
// that the server, not the proxy, is what refuses an oversized one.
const maxBody = 64 << 20

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Read the request body before forwarding it, as nginx does by default.
	// Streamed through, a replica that answers as soon as it has read the
	// JSON lets the answer's header reach the client while the transport
	// still waits for the request body's EOF; net/http then refuses that
	// last read, and the transport closes the connection mid-answer (a cut
	// answer in about one replica test run in fifty).
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil || len(body) > maxBody {
			http.Error(w, "proxy: request body unreadable or too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		r.Header.Del("Transfer-Encoding")
	}
	p.rp.ServeHTTP(w, r)
}

// Served is how many requests each backend was sent, in the order given.
func (p *Proxy) Served() []int64 {
	out := make([]int64, len(p.served))
	for i := range p.served {
		out[i] = p.served[i].Load()
	}
	return out
}

// Package sandboxtest serves a fresh seeded sandbox on loopback for the
// tests of the catalogue (tools) and of the serving machinery (serve),
// recording what each test sent.
package sandboxtest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/sandbox"
)

// Kibana is a sandbox on loopback. Every request is recorded as
// "METHOD path", with its body.
type Kibana struct {
	URL    string
	mu     sync.Mutex
	seen   []string
	bodies []string
}

// New starts a sandbox for t and a client of it. before, when not nil, may
// answer a request itself (returning true) to stage what the sandbox would
// not do on its own, such as a conflict.
func New(t testing.TB, before func(w http.ResponseWriter, r *http.Request) bool) (*Kibana, *kibana.Client) {
	t.Helper()
	kib := sandbox.New(sandbox.Config{APIKey: "k", Seed: 1})
	sk := &Kibana{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		sk.mu.Lock()
		sk.seen = append(sk.seen, r.Method+" "+r.URL.EscapedPath())
		sk.bodies = append(sk.bodies, string(body))
		sk.mu.Unlock()
		if before != nil && before(w, r) {
			return
		}
		kib.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	sk.URL = srv.URL
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "k", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sk, client
}

// Requests are the requests seen so far ("METHOD path") and their bodies.
func (sk *Kibana) Requests() ([]string, []string) {
	sk.mu.Lock()
	defer sk.mu.Unlock()
	return append([]string(nil), sk.seen...), append([]string(nil), sk.bodies...)
}

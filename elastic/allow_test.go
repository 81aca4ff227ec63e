package elastic

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

var refused = []Request{
	{Method: http.MethodPut, Path: "/logs-x"},
	{Method: http.MethodDelete, Path: "/logs-x"},
	{Method: http.MethodPost, Path: "/_bulk"},
	{Method: http.MethodPost, Path: "/logs-x/_bulk"},
	{Method: http.MethodPost, Path: "/logs-x/_update_by_query"},
	{Method: http.MethodPost, Path: "/logs-x/_doc/1"},
	{Method: http.MethodPut, Path: "/logs-x/_doc/1"},
	{Method: http.MethodDelete, Path: "/logs-x/_doc/1"},
	{Method: http.MethodPost, Path: "/_query/../_bulk"},
	{Method: http.MethodPost, Path: "/_query/%2e%2e/_bulk"},
	{Method: http.MethodPost, Path: "/_query/async"},
	{Method: http.MethodPost, Path: "//_query"},
	{Method: http.MethodPost, Path: "/_query%2f..%2f_bulk"},
	{Method: http.MethodGet, Path: "/_security/user"},
	{Method: http.MethodPost, Path: "/_query", Query: url.Values{"refresh": {"true"}}},
}

func TestAllowList(t *testing.T) {
	for _, r := range []Request{
		{Method: http.MethodPost, Path: "/_query"},
		{Method: http.MethodGet, Path: "/_resolve/index/logs-*"},
		{Method: http.MethodGet, Path: "/logs-*/_field_caps", Query: url.Values{"fields": {"*"}}},
		{Method: http.MethodGet, Path: "/logs-x/_doc/abc"},
		{Method: http.MethodPost, Path: "/logs-*/_search"},
	} {
		if err := Allowed(&r); err != nil {
			t.Errorf("%s %s refused: %v", r.Method, r.Path, err)
		}
	}
	for _, r := range refused {
		if err := Allowed(&r); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("%s %s allowed", r.Method, r.Path)
		}
	}
}

// Every backend refuses before anything leaves: the loopback server must
// see nothing.
func TestBackendsRefuseBeforeSending(t *testing.T) {
	var seen atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Add(1) }))
	defer srv.Close()
	direct, err := New(Config{URL: srv.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "k"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]Doer{"direct": direct, "console": ConsoleProxy{K: k}} {
		for _, r := range refused {
			if _, err := d.Do(context.Background(), &r); !errors.Is(err, ErrNotAllowed) {
				t.Errorf("%s: %s %s: err %v", name, r.Method, r.Path, err)
			}
		}
	}
	if n := seen.Load(); n != 0 {
		t.Errorf("the server saw %d requests", n)
	}
}

func TestDirectSendsQuery(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/_query" || r.Header.Get("Authorization") != "ApiKey k" {
			t.Errorf("got %s %s %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		}
		w.WriteHeader(400)
		w.Write([]byte(`{"error":{"type":"verification_exception","reason":"Found 1 problem\nline 1:27: Unknown column [nope]"},"status":400}`))
	}))
	defer srv.Close()
	direct, _ := New(Config{URL: srv.URL, APIKey: "k"})
	_, err := direct.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/_query", Body: []byte(`{}`)})
	var e *Error
	if !errors.As(err, &e) || e.Line != 1 || e.Column != 27 || e.Type != "verification_exception" || e.Reason != "Unknown column [nope]" {
		t.Errorf("err %#v", err)
	}
}

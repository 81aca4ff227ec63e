package transport

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// TestBothTransportsServeTools runs a real MCP client over streamable HTTP
// and SSE, with and without sessions (protocol versions before and from
// 2026-07-28), and calls a tool through to a loopback Kibana.
func TestBothTransportsServeTools(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		kib := newFakeKibana(t, 0)
		ts := New(Options{Transport: tr})
		r := serve(t, ts, newMCP(t, ts, kib.client(t, nil)))
		for _, protocol := range []string{legacyProtocol, mcp.LATEST_PROTOCOL_VERSION} {
			c, err := connectWith(t, r, protocol, nil)
			if err != nil {
				t.Fatalf("%s: %v", protocol, err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), testWait)
			defer cancel()
			list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			if err != nil || len(list.Tools) != 1 {
				t.Fatalf("%s: tools/list: %v %v", protocol, list, err)
			}
			text, isErr, err := callTool(t, c, "get_case", map[string]any{"caseId": "c9"})
			if err != nil || isErr || text != `{"id":"c9"}` {
				t.Errorf("%s: get_case: %q %v %v", protocol, text, isErr, err)
			}
		}
	})
}

// TestServeStopsOnCancel: a cancelled context shuts the listener down
// cleanly, and Serve says where it served.
func TestServeStopsOnCancel(t *testing.T) {
	log, logs := testLogger()
	ts := New(Options{Transport: "http", Log: log})
	r := serve(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil)))
	mustConnect(t, r, nil)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := net.Dial("tcp", strings.TrimPrefix(r.url, "http://")); err == nil {
		t.Error("the listener still accepts connections")
	}
	if len(logs.lines("serving MCP over HTTP")) != 1 || len(logs.lines("HTTP server stopped")) != 1 {
		t.Errorf("logs: %s", logs)
	}
}

// publicListener pretends to listen on every interface while it listens on
// loopback: what Serve does beyond loopback, testable on loopback.
type publicListener struct{ net.Listener }

func (l publicListener) Addr() net.Addr {
	a := *l.Listener.Addr().(*net.TCPAddr)
	a.IP = net.IPv4zero
	return &a
}

func TestServeBeyondLoopback(t *testing.T) {
	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return publicListener{ln}
	}
	t.Run("refused without authentication", func(t *testing.T) {
		ts := New(Options{Transport: "http"})
		err := ts.Serve(t.Context(), listen(), newMCP(t, ts, newFakeKibana(t, 0).client(t, nil)))
		if err == nil || !strings.Contains(err.Error(), "--http-token") {
			t.Errorf("Serve: %v", err)
		}
	})
	t.Run("told who can call, with a token", func(t *testing.T) {
		log, logs := testLogger()
		ts := New(Options{Transport: "http", Token: strongToken, Log: log})
		r := serveOn(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil)), listen())
		// A request for a public name over loopback (a proxy on the
		// same host): mcp-go's own rebinding check would refuse it.
		status, _, body := post(t, http.MethodPost, r.url+"/mcp", initializeBody,
			map[string]string{"Host": "mcp.example.com", "Authorization": "Bearer " + strongToken})
		if status != http.StatusOK {
			t.Errorf("initialize for mcp.example.com: %d %s", status, body)
		}
		r.stop()
		// The token protects it: who can call is said at info level, with
		// no warning that anyone can.
		infos := logs.lines("listening beyond loopback; callers need the HTTP token")
		if len(infos) != 1 || infos[0]["level"] != "INFO" || len(logs.lines("listening beyond loopback: whoever reaches this address can call the tools")) != 0 {
			t.Errorf("logs: %s", logs)
		}
		if strings.Contains(logs.String(), strongToken) {
			t.Error("the token was logged")
		}
	})
	t.Run("warned without authentication", func(t *testing.T) {
		log, logs := testLogger()
		ts := New(Options{Transport: "http", InsecureNoAuth: true, Log: log})
		r := serveOn(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil)), listen())
		r.stop()
		warns := logs.lines("listening beyond loopback: whoever reaches this address can call the tools")
		if len(warns) != 1 || warns[0]["level"] != "WARN" {
			t.Errorf("logs: %s", logs)
		}
	})
}

// TestStatelessReplicasBehindALoadBalancer: two stateless servers behind a
// round-robin proxy serve one client session, each request landing on
// either. The proxy forwards its own Host (127.0.0.1:port).
func TestStatelessReplicasBehindALoadBalancer(t *testing.T) {
	kib := newFakeKibana(t, 0)
	var backends []*url.URL
	var hits [2]atomic.Int64
	for i := range 2 {
		ts := New(Options{Transport: "http", Stateless: true})
		h, closeStreams := ts.Handler(newMCP(t, ts, kib.client(t, nil)), "127.0.0.1:0")
		t.Cleanup(closeStreams)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits[i].Add(1)
			h.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		u, _ := url.Parse(srv.URL)
		backends = append(backends, u)
	}
	var next atomic.Int64
	lb := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(backends[next.Add(1)%2])
		pr.Out.Host = pr.In.Host
	}})
	t.Cleanup(lb.Close)

	c, err := client.NewStreamableHttpClient(lb.URL + "/mcp")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if _, err := c.ListTools(ctx, mcp.ListToolsRequest{}); err != nil {
			t.Fatalf("list %d: %v", i, err)
		}
		text, isErr, err := callTool(t, c, "get_case", map[string]any{"caseId": "c1"})
		if err != nil || isErr || text != `{"id":"c1"}` {
			t.Fatalf("call %d: %q %v %v", i, text, isErr, err)
		}
	}
	if hits[0].Load() < 3 || hits[1].Load() < 3 {
		t.Errorf("requests per replica: %d, %d", hits[0].Load(), hits[1].Load())
	}
	// No session, so no stream to listen on, and nothing to delete.
	if status, _, _ := post(t, http.MethodGet, lb.URL+"/mcp", "", nil); status != http.StatusMethodNotAllowed {
		t.Errorf("GET in stateless mode: %d", status)
	}
	if status, _, _ := post(t, http.MethodDelete, lb.URL+"/mcp", "", nil); status != http.StatusMethodNotAllowed {
		t.Errorf("DELETE in stateless mode: %d", status)
	}
}

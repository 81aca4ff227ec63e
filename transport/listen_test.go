package transport

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// newListeningMCP is newMCP with tool list-changed notifications, which a
// client of protocol 2026-07-28 subscribes to with subscriptions/listen.
func newListeningMCP(t *testing.T, ts *Server) *server.MCPServer {
	s := newMCP(t, ts, newFakeKibana(t, 0).client(t, nil))
	server.WithToolCapabilities(true)(s) // as at construction
	return s
}

// listening is an open subscriptions/listen stream of a client.
type listening struct {
	stop  context.CancelFunc
	ended chan error // what Listen returned
}

// listen opens a subscriptions/listen stream on a client of protocol
// 2026-07-28 with headers, and returns once it is open or Listen returned.
func listen(t *testing.T, r *running, headers map[string]string) *listening {
	t.Helper()
	c, err := connectWith(t, r, mcp.LATEST_PROTOCOL_VERSION, headers)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &listening{stop: cancel, ended: make(chan error, 1)}
	t.Cleanup(cancel)
	acked := make(chan struct{}, 1)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == string(mcp.MethodNotificationSubscriptionsAcknowledged) {
			select {
			case acked <- struct{}{}:
			default:
			}
		}
	})
	go func() { l.ended <- c.Listen(ctx, mcp.SubscriptionFilter{ToolsListChanged: true}) }()
	select {
	case <-acked:
	case err := <-l.ended:
		l.ended <- err
	case <-time.After(testWait):
		t.Fatal("the listen stream was neither acknowledged nor refused")
	}
	return l
}

// refused returns Listen's error if the stream has ended.
func (l *listening) refused() error {
	select {
	case err := <-l.ended:
		l.ended <- err
		if err == nil {
			return errStreamEnded
		}
		return err
	default:
		return nil
	}
}

var errStreamEnded = errors.New("the listen stream ended without an error")

// TestListenStreamsCountAsSessions: an open subscriptions/listen stream
// takes a place under MaxSessions, so an initialize beyond it gets 503;
// when the stream ends, the place is free again. Without sessions
// (stateless) it counts the same way.
func TestListenStreamsCountAsSessions(t *testing.T) {
	t.Run("stateful", func(t *testing.T) {
		ts := New(Options{Transport: "http", MaxSessions: 1, Metrics: true})
		r := serve(t, ts, newListeningMCP(t, ts))
		l := listen(t, r, nil)
		if err := l.refused(); err != nil {
			t.Fatalf("listen: %v", err)
		}
		waitForMetric(t, ts, "kibana_mcp_listen_streams_open 1")
		status, _, body := post(t, http.MethodPost, r.url+"/mcp", initializeBody, nil)
		if status != http.StatusServiceUnavailable || !strings.Contains(body, "limit of 1 open sessions") {
			t.Errorf("initialize while the listen stream is open: %d %s", status, body)
		}
		l.stop()
		waitForMetric(t, ts, "kibana_mcp_listen_streams_open 0")
		if status, _, body := post(t, http.MethodPost, r.url+"/mcp", initializeBody, nil); status != http.StatusOK {
			t.Errorf("initialize after the stream ended: %d %s", status, body)
		}
	})
	t.Run("stateless", func(t *testing.T) {
		ts := New(Options{Transport: "http", Stateless: true, MaxSessions: 1})
		r := serve(t, ts, newListeningMCP(t, ts))
		if err := listen(t, r, nil).refused(); err != nil {
			t.Fatalf("first listen: %v", err)
		}
		err := listen(t, r, nil).refused()
		if err == nil || !strings.Contains(err.Error(), "limit of 1 open sessions") {
			t.Errorf("second listen beyond MaxSessions: %v", err)
		}
	})
	t.Run("per key", func(t *testing.T) {
		ts := New(Options{Transport: "http", AllowClientCredentials: true, MaxSessionsPerKey: 1})
		r := serve(t, ts, newListeningMCP(t, ts))
		if err := listen(t, r, map[string]string{HeaderAPIKey: "alice-key"}).refused(); err != nil {
			t.Fatalf("alice's listen: %v", err)
		}
		status, _, body := post(t, http.MethodPost, r.url+"/mcp", initializeBody, map[string]string{HeaderAPIKey: "alice-key"})
		if status != http.StatusServiceUnavailable || !strings.Contains(body, "this Kibana API key already has its limit of 1 open sessions") {
			t.Errorf("alice's initialize while her listen stream is open: %d %s", status, body)
		}
		if status, _, body := post(t, http.MethodPost, r.url+"/mcp", initializeBody, map[string]string{HeaderAPIKey: "bob-key"}); status != http.StatusOK {
			t.Errorf("bob's initialize: %d %s", status, body)
		}
	})
}

// TestShutdownEndsListenStreams: an open listen stream does not hold the
// shutdown for its grace period; the stream ends, and Serve returns.
func TestShutdownEndsListenStreams(t *testing.T) {
	for _, stateless := range []bool{false, true} {
		ts := New(Options{Transport: "http", Stateless: stateless, ShutdownGrace: 10 * time.Second})
		r := serve(t, ts, newListeningMCP(t, ts))
		l := listen(t, r, nil)
		if err := l.refused(); err != nil {
			t.Fatalf("listen: %v", err)
		}
		start := time.Now()
		if err := r.stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("stateless=%v: shutdown took %s with a listen stream open (grace 10s)", stateless, d)
		}
		select {
		case <-l.ended:
		case <-time.After(testWait):
			t.Errorf("stateless=%v: the client's listen stream did not end", stateless)
		}
	}
}

// TestListenIsRefusedOnSSE: SSE clients get notifications on their
// session's stream; a listen request there would hold a goroutine forever.
func TestListenIsRefusedOnSSE(t *testing.T) {
	ts := New(Options{Transport: "sse"})
	base := mount(t, ts, "127.0.0.1:8080")
	stream, _ := openSSE(t, base, nil)
	body := `{"jsonrpc":"2.0","id":7,"method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},` +
		`"_meta":{"` + mcp.MetaKeyProtocolVersion + `":"` + mcp.ProtocolVersion20260728 + `","io.modelcontextprotocol/clientCapabilities":{}}}}`
	status, _, text := post(t, http.MethodPost, base+stream.endpoint, body, nil)
	if status != http.StatusBadRequest || !strings.Contains(text, "streamable HTTP") {
		t.Errorf("listen on SSE: %d %s", status, text)
	}
}

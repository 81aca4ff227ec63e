package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// TestLogNotificationsReachTheClient: a retry and a Kibana error reach the
// client as notifications/message, on both HTTP transports and protocol
// eras, at or above the level the client set and not below it. Stdio is
// covered from the built binary (TestScenarioLogNotificationsOverStdio).
func TestLogNotificationsReachTheClient(t *testing.T) {
	var busy atomic.Int32
	kib := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/api/cases/c9" && busy.Add(1)%2 == 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"statusCode":503,"error":"Service Unavailable","message":"busy"}`)
		case r.URL.Path == "/api/cases/c9":
			io.WriteString(w, `{"id":"c9"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"statusCode":404,"error":"Not Found","message":"Saved object [cases/nope] not found"}`)
		}
	}))
	defer kib.Close()
	kc, err := kibana.New(kibana.Config{URL: kib.URL, RetryWaitMax: 10 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(kc, NewLogger(io.Discard, 0, "json"), allTools)
	if err != nil {
		t.Fatal(err)
	}
	connect := map[string]func(t *testing.T) *client.Client{
		"http": func(t *testing.T) *client.Client {
			handler, closeStreams := httpHandler("http", s)
			srv := httptest.NewServer(handler)
			t.Cleanup(func() { closeStreams(); srv.Close() })
			c, err := client.NewStreamableHttpClient(srv.URL + "/mcp")
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		"sse": func(t *testing.T) *client.Client {
			handler, closeStreams := httpHandler("sse", s)
			srv := httptest.NewServer(handler)
			t.Cleanup(func() { closeStreams(); srv.Close() })
			c, err := client.NewSSEMCPClient(srv.URL + "/sse")
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
	}
	for _, transportName := range []string{"http", "sse"} {
		for _, version := range []string{"2025-06-18", mcp.LATEST_PROTOCOL_VERSION} {
			for _, level := range []mcp.LoggingLevel{mcp.LoggingLevelWarning, mcp.LoggingLevelError} {
				t.Run(transportName+"/"+version+"/"+string(level), func(t *testing.T) {
					c := connect[transportName](t)
					defer c.Close()
					var (
						mu   sync.Mutex
						got  []string
						seen = make(chan struct{}, 10)
					)
					c.OnNotification(func(n mcp.JSONRPCNotification) {
						if n.Method != string(mcp.MethodNotificationMessage) {
							return
						}
						mu.Lock()
						got = append(got, n.Params.AdditionalFields["level"].(string)+": "+n.Params.AdditionalFields["data"].(map[string]any)["message"].(string))
						mu.Unlock()
						seen <- struct{}{}
					})
					ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
					defer cancel()
					if err := c.Start(ctx); err != nil {
						t.Fatal(err)
					}
					var init mcp.InitializeRequest
					init.Params.ProtocolVersion = version
					init.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
					if _, err := c.Initialize(ctx, init); err != nil {
						t.Fatal(err)
					}
					var set mcp.SetLevelRequest
					set.Params.Level = level
					if err := c.SetLevel(ctx, set); err != nil {
						t.Fatal(err)
					}
					for _, id := range []string{"c9", "nope"} {
						var req mcp.CallToolRequest
						req.Params.Name = "get_case"
						req.Params.Arguments = map[string]any{"caseId": id}
						if _, err := c.CallTool(ctx, req); err != nil {
							t.Fatal(err)
						}
					}
					want := 2
					if level == mcp.LoggingLevelError {
						want = 1
					}
					for range want {
						select {
						case <-seen:
						case <-ctx.Done():
							t.Fatalf("got %d of %d notifications: %q", len(got), want, got)
						}
					}
					time.Sleep(50 * time.Millisecond) // anything extra would have arrived by now
					mu.Lock()
					defer mu.Unlock()
					joined := strings.Join(got, "\n")
					if len(got) != want || !strings.Contains(joined, "error: Kibana answered 404 Not Found") ||
						(level == mcp.LoggingLevelWarning) != strings.Contains(joined, "warning: Kibana answered 503 Service Unavailable; retrying") {
						t.Errorf("notifications at level %s: %q", level, got)
					}
				})
			}
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/internal/loadtest"
	"github.com/kibana-mcp/kibana-mcp/sandbox"
)

// replicaToken is the bearer token the replicas share, as the Kubernetes
// manifest's do.
const replicaToken = "replica-test-token"

// TestReplicasBehindRoundRobinProxy runs two --stateless server processes
// sharing one token behind a proxy that sends each HTTP request to the other
// one, as a load balancer without session affinity may. One client session
// lists tools and calls them across both: nothing a request needs may live
// only in the replica that served the one before. Both protocol generations are driven:
// the newest (no session at all) and 2025-06-18, whose initialize handshake
// and session ID most deployed clients still use.
func TestReplicasBehindRoundRobinProxy(t *testing.T) {
	kibana := httptest.NewServer(sandbox.New(sandbox.Config{APIKey: "k", Seed: 1}))
	t.Cleanup(kibana.Close)
	bin := buildBinary(t)

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var addrs []string
	for i := range 2 {
		r, err := loadtest.StartReplica(ctx, loadtest.ReplicaOptions{
			Binary: bin, KibanaURL: kibana.URL, APIKey: "k", Token: replicaToken, Args: []string{"--stateless"}, Ready: 15 * time.Second,
		})
		if err != nil {
			t.Fatalf("replica %d: %v", i+1, err)
		}
		t.Cleanup(func() {
			r.Stop()
			if t.Failed() {
				t.Logf("replica %d (%s) log:\n%s", i+1, r.Addr, r.Log())
			}
		})
		addrs = append(addrs, r.Addr)
	}
	bearer := transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + replicaToken})
	proxy := loadtest.NewProxy(addrs)
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)

	for _, protocol := range []string{mcp.LATEST_PROTOCOL_VERSION, "2025-06-18"} {
		t.Run(protocol, func(t *testing.T) {
			before := proxy.Served()
			c, err := client.NewStreamableHttpClient(front.URL+"/mcp", bearer)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			if err := c.Start(ctx); err != nil {
				t.Fatal(err)
			}
			var init mcp.InitializeRequest
			init.Params.ProtocolVersion = protocol
			init.Params.ClientInfo = mcp.Implementation{Name: "replicas", Version: "1"}
			res, err := c.Initialize(ctx, init)
			if err != nil {
				t.Fatal(err)
			}
			if res.ProtocolVersion != protocol {
				t.Errorf("negotiated %s, want %s", res.ProtocolVersion, protocol)
			}
			// A session ID promises state behind it that the other replica
			// does not have (a log level set, a pending confirmation):
			// stateless mode issues none.
			if id := c.GetSessionId(); id != "" {
				t.Errorf("--stateless issued session ID %q", id)
			}
			list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			listed := map[string]bool{}
			for _, tool := range list.Tools {
				listed[tool.Name] = true
			}
			if !listed["find_cases"] || !listed["get_case"] {
				t.Fatalf("tools/list (%d tools) lacks find_cases or get_case", len(list.Tools))
			}

			// Alternate finding and reading so that, with requests
			// alternating between replicas, each replica serves both tools.
			for _, status := range []string{"open", "in-progress", "closed", "open"} {
				r, text := callTool(t, c, "find_cases", fmt.Sprintf(`{"status":%q,"perPage":3}`, status))
				if r.IsError {
					t.Fatalf("find_cases %s: %s", status, text)
				}
				var found struct {
					Cases []struct {
						ID string `json:"id"`
					} `json:"cases"`
				}
				if err := json.Unmarshal([]byte(text), &found); err != nil || len(found.Cases) == 0 {
					t.Fatalf("find_cases %s found no cases (%v): %s", status, err, text)
				}
				for _, cs := range found.Cases[:min(2, len(found.Cases))] {
					r, text := callTool(t, c, "get_case", fmt.Sprintf(`{"caseId":%q}`, cs.ID))
					var got struct {
						ID string `json:"id"`
					}
					if r.IsError || json.Unmarshal([]byte(text), &got) != nil || got.ID != cs.ID {
						t.Fatalf("get_case %s: %s", cs.ID, text)
					}
				}
			}
			after := proxy.Served()
			for i := range after {
				if after[i]-before[i] < 5 {
					t.Errorf("replica %d served %d requests of this session, want several on each (served %v → %v)", i+1, after[i]-before[i], before, after)
				}
			}
		})
	}

	// A destructive call from a client that can answer questions: from
	// protocol 2026-07-28 the question comes back as a result and the client
	// calls again with the answer, which the other replica receives. It must
	// accept the approval the first one asked for (or not ask at all);
	// asking again on every replica would ask the user in a loop.
	t.Run("confirmation", func(t *testing.T) {
		tr, err := transport.NewStreamableHTTP(front.URL+"/mcp", bearer)
		if err != nil {
			t.Fatal(err)
		}
		user := &countingUser{}
		c := client.NewClient(tr, client.WithElicitationHandler(user))
		t.Cleanup(func() { c.Close() })
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		var init mcp.InitializeRequest
		init.Params.ClientInfo = mcp.Implementation{Name: "replicas", Version: "1"}
		if _, err := c.Initialize(ctx, init); err != nil {
			t.Fatal(err)
		}
		var req mcp.CallToolRequest
		req.Params.Name = "delete_cases"
		req.Params.Arguments = map[string]any{"ids": []string{"no-such-case"}}
		res, err := c.CallTool(ctx, req)
		if err != nil {
			t.Fatalf("delete_cases across replicas: %v (the user was asked %d times)", err, user.asked.Load())
		}
		// The case does not exist: reaching Kibana's 404 shows the
		// approved call went through.
		if n := user.asked.Load(); n > 1 || len(res.Content) == 0 || !strings.Contains(res.Content[0].(mcp.TextContent).Text, "404") {
			t.Errorf("the user was asked %d times; result %+v", n, res.Content)
		}
	})
}

// countingUser approves every question and counts them.
type countingUser struct{ asked atomic.Int32 }

func (u *countingUser) Elicit(context.Context, mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	u.asked.Add(1)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}}, nil
}

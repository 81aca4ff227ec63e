package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/pkoukk/tiktoken-go"
	loader "github.com/pkoukk/tiktoken-go-loader"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/sandbox"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// TestCompactTableTokens measures query_esql's text table against
// Elasticsearch's own ES|QL JSON for the same result, in bytes and cl100k
// tokens, over the sandbox's Elasticsearch side, and the wide results
// against the same events as _search documents (what a search-based
// server hands a model). The target is at most half of ES|QL's
// JSON, in bytes and tokens; it holds for the triage shapes marked
// target (a timeline KEEP of 8 columns, a STATS by hour and host, a
// host's timeline of every column, a host's logons). The other shapes
// have the most they may cost now, over half: ES|QL's JSON is already a
// table, and where the rows hold little that repeats (STATS sorted by
// count, IP addresses, free-text messages, command lines) the values
// themselves are most of its tokens. The README has the figures.
//
//	cd contract && go test -run TestCompactTableTokens -v
func TestCompactTableTokens(t *testing.T) {
	tiktoken.SetBpeLoader(loader.NewOfflineLoader())
	enc, err := tiktoken.GetEncoding("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sandbox.New(sandbox.Config{APIKey: testAPIKey, Seed: 1}))
	t.Cleanup(srv.Close)
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: testAPIKey, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	es, err := elastic.New(elastic.Config{URL: srv.URL + "/_es", APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := elastic.WithSource(context.Background(), elastic.Source{Path: elastic.PathElasticsearch, Direct: es})
	post := func(path string, body any) []byte {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/_es"+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "ApiKey "+testAPIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, out)
		}
		return out
	}
	for _, tc := range []struct {
		name, query string
		search      string  // the same rows as _search documents, when they are documents
		max         float64 // the most the table may cost, as a share of ES|QL's JSON
	}{
		{"target: story events, KEEP 8 columns", "FROM logs-* | KEEP @timestamp, host.name, user.name, event.category, event.action, event.outcome, source.ip, process.name | SORT @timestamp | LIMIT 100", "", 0.50},
		{"target: events by hour and host, STATS", "FROM logs-* | STATS events = COUNT(*) BY hour = DATE_TRUNC(1 hour, @timestamp), host.name | SORT hour DESC, events DESC | LIMIT 100", "", 0.50},
		{"target: host timeline, FROM logs-* (no KEEP)", `FROM logs-* | WHERE host.name == "vpn-gw-01" | SORT @timestamp DESC | LIMIT 100`, `{"term":{"host.name":"vpn-gw-01"}}`, 0.50},
		{"target: host's logons, KEEP 6 columns", `FROM logs-system.auth-* | WHERE host.name == "vpn-gw-01" | KEEP @timestamp, host.name, user.name, event.outcome, source.ip, process.name | SORT @timestamp DESC | LIMIT 100`, "", 0.50},
		{"all hosts, FROM logs-* (no KEEP)", "FROM logs-* | SORT @timestamp DESC | LIMIT 100", `{"match_all":{}}`, 0.70},
		{"auth events, KEEP 8 columns with message", "FROM logs-system.auth-* | KEEP @timestamp, host.name, user.name, event.action, event.outcome, source.ip, process.name, message | SORT @timestamp DESC | LIMIT 100", "", 0.70},
		{"STATS by host, user, address, outcome", "FROM logs-* | STATS n = COUNT(*) BY host.name, user.name, source.ip, event.outcome | SORT n DESC | LIMIT 100", "", 0.75},
		{"STATS count, first, last by host, user, action", "FROM logs-* | STATS n = COUNT(*), first = MIN(@timestamp), last = MAX(@timestamp) BY host.name, user.name, event.action | SORT n DESC | LIMIT 100", "", 0.75},
		{"STATS by category and host", "FROM logs-* | STATS n = COUNT(*) BY event.category, host.name | SORT n DESC | LIMIT 100", "", 0.80},
	} {
		t.Run(tc.name, func(t *testing.T) {
			native := post("/_query", map[string]any{"query": tc.query})
			var rows struct {
				Values [][]any `json:"values"`
			}
			if err := json.Unmarshal(native, &rows); err != nil {
				t.Fatal(err)
			}

			var call mcp.CallToolRequest
			call.Params.Name = "query_esql"
			call.Params.Arguments = map[string]any{"query": tc.query}
			op, _ := tools.Lookup("query_esql")
			res, err := serve.Handler(client, tools.Catalog, op)(ctx, call)
			if err != nil || res.IsError {
				t.Fatalf("query_esql: %v %v", err, res.Content)
			}
			compact := res.Content[0].(mcp.TextContent).Text

			nb, cb := len(native), len(compact)
			nt, ct := len(enc.Encode(string(native), nil, nil)), len(enc.Encode(compact, nil, nil))
			t.Logf("%d rows: Elasticsearch %d bytes, %d tokens; text table %d bytes, %d tokens (%.0f%% of the bytes, %.0f%% of the tokens)",
				len(rows.Values), nb, nt, cb, ct, 100*float64(cb)/float64(nb), 100*float64(ct)/float64(nt))
			if float64(ct) > tc.max*float64(nt) || float64(cb) > tc.max*float64(nb) {
				t.Errorf("text table %d tokens (%d bytes): over %.0f%% of Elasticsearch's %d (%d)", ct, cb, 100*tc.max, nt, nb)
			}
			if len(rows.Values) < 20 || strings.HasPrefix(tc.name, "target") && len(rows.Values) != 100 {
				t.Errorf("%d rows: not a realistic result to measure", len(rows.Values))
			}
			if tc.search == "" {
				return
			}
			var query any
			_ = json.Unmarshal([]byte(tc.search), &query)
			docs := post("/logs-*/_search", map[string]any{"size": len(rows.Values), "query": query, "sort": []any{map[string]any{"@timestamp": "desc"}}})
			db, dt := len(docs), len(enc.Encode(string(docs), nil, nil))
			t.Logf("the same %d events as _search documents: %d bytes, %d tokens; the text table is %.0f%% of the bytes, %.0f%% of the tokens",
				len(rows.Values), db, dt, 100*float64(cb)/float64(db), 100*float64(ct)/float64(dt))
			if 10*ct > 6*dt || 2*cb > db {
				t.Errorf("text table %d tokens (%d bytes), over 60%% of the documents' tokens (%d) or half their bytes (%d)", ct, cb, dt, db)
			}
		})
	}
}

package tools

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// BenchmarkFindEventsAround times find_events_around from the brute-force
// alert against the sandbox over loopback HTTP, through Agent Builder and
// through the sandbox's Elasticsearch side: the alert read, the timeline
// and the counts, as a model's call runs them. It reports the median.
//
//	go test ./tools -run '^$' -bench FindEventsAround -benchtime 50x
func BenchmarkFindEventsAround(b *testing.B) {
	for _, path := range []string{"agent_builder", "elasticsearch"} {
		b.Run(path, func(b *testing.B) {
			sk, client := sandboxtest.New(b, nil)
			src := elastic.Source{Path: elastic.PathAgentBuilder}
			if path == "elasticsearch" {
				es, err := elastic.New(elastic.Config{URL: sk.URL + "/_es", APIKey: "k"})
				if err != nil {
					b.Fatal(err)
				}
				src = elastic.Source{Path: elastic.PathElasticsearch, Direct: es}
			}
			ctx := elastic.WithSource(context.Background(), src)
			run := func(name string, args map[string]any) string {
				var req mcp.CallToolRequest
				req.Params.Name = name
				req.Params.Arguments = args
				op, _ := Lookup(name)
				res, err := serve.Handler(client, Catalog, op)(ctx, req)
				if err != nil || res.IsError {
					b.Fatalf("%s: %v %v", name, err, res)
				}
				return res.Content[0].(mcp.TextContent).Text
			}
			var found struct {
				Hits struct {
					Hits []struct {
						ID     string         `json:"_id"`
						Source map[string]any `json:"_source"`
					} `json:"hits"`
				} `json:"hits"`
			}
			json.Unmarshal([]byte(run("search_detection_alerts", map[string]any{"query": map[string]any{"term": map[string]any{"host.name": "vpn-gw-01"}}, "size": float64(1)})), &found)
			if len(found.Hits.Hits) == 0 {
				b.Fatal("no alert on vpn-gw-01")
			}
			args := map[string]any{"alert_id": found.Hits.Hits[0].ID}
			run("find_events_around", args) // the first call builds the sandbox's events
			var took []time.Duration
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				run("find_events_around", args)
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
		})
	}
}

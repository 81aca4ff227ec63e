package contract

import (
	"testing"

	"github.com/pkoukk/tiktoken-go"
	loader "github.com/pkoukk/tiktoken-go-loader"

	"github.com/kibana-mcp/kibana-mcp/app"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// TestToolListTokens counts tools/list with the real cl100k tokenizer: the
// budgets hold in real tokens, and the byte-based estimate the server and
// its budget test use stays within 10% of the real count.
func TestToolListTokens(t *testing.T) {
	tiktoken.SetBpeLoader(loader.NewOfflineLoader())
	enc, err := tiktoken.GetEncoding("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		opts   serve.Options
		budget func(tools int) int
	}{
		{"default", serve.Options{}, func(int) int { return serve.BudgetDefaultSet }},
		{"tool-search", serve.Options{ToolSearch: true, AllowRaw: true}, func(int) int { return serve.BudgetToolSearch }},
		{"all", serve.Options{Selection: serve.Selection{Toolsets: []string{"all"}}, AllowRaw: true}, func(n int) int { return n * serve.BudgetAveragePerTool }},
		{"dynamic", serve.Options{DynamicToolsets: true}, func(int) int { return serve.BudgetToolSearch }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			listed, err := app.ListedTools(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			real, bytes := 0, 0
			for _, lt := range listed {
				b := lt.JSON
				n := len(enc.Encode(string(b), nil, nil))
				real += n
				bytes += len(b)
				op, _ := tools.Catalog.Lookup(lt.Tool.Name)
				if budget := serve.ToolBudget(op); n > budget {
					t.Errorf("%s: %d tokens, over its budget of %d", lt.Tool.Name, n, budget)
				}
			}
			est := serve.EstimateTokens(bytes)
			t.Logf("%s: %d tools, %d bytes, %d cl100k tokens (estimate %d, %.2f bytes per token)", tc.name, len(listed), bytes, real, est, float64(bytes)/float64(real))
			if limit := tc.budget(len(listed)); real > limit {
				t.Errorf("%d tokens, over the budget of %d", real, limit)
			}
			if d := float64(est-real) / float64(real); d < -0.10 || d > 0.10 {
				t.Errorf("estimate %d is %.0f%% off the real %d: recalibrate serve.BytesPerToken", est, 100*d, real)
			}
		})
	}
}

package app

import (
	"testing"

	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// TestToolListBudgets keeps tools/list cheap to hold in context. Sizes are
// the bytes of each tool as the server sends it, turned into cl100k tokens
// by serve.EstimateTokens (the contract module checks that estimate against
// the real tokenizer). Not timed: the numbers are deterministic.
func TestToolListBudgets(t *testing.T) {
	measure := func(opts serve.Options) (tokens int, listed []ListedTool) {
		t.Helper()
		listed, err := ListedTools(opts)
		if err != nil {
			t.Fatal(err)
		}
		bytes := 0
		for _, lt := range listed {
			bytes += lt.Bytes
			op, _ := tools.Catalog.Lookup(lt.Tool.Name)
			if tok, budget := serve.EstimateTokens(lt.Bytes), serve.ToolBudget(op); tok > budget {
				t.Errorf("%s costs ~%d tokens, over its budget of %d", lt.Tool.Name, tok, budget)
			}
			a := lt.Tool.Annotations
			if lt.Tool.Title == "" || a.Title == "" || a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil {
				t.Errorf("%s lacks its title or an annotation: %+v", lt.Tool.Name, a)
			}
		}
		return serve.EstimateTokens(bytes), listed
	}

	def, listed := measure(serve.Options{})
	t.Logf("default: %d tools, ~%d tokens", len(listed), def)
	if def > serve.BudgetDefaultSet {
		t.Errorf("default tool list ~%d tokens, over its budget of %d", def, serve.BudgetDefaultSet)
	}

	search, listed := measure(serve.Options{ToolSearch: true, AllowRaw: true})
	t.Logf("tool search: %d tools, ~%d tokens", len(listed), search)
	if len(listed) != 2 || search > serve.BudgetToolSearch {
		t.Errorf("tool search lists %d tools for ~%d tokens; want 2 within %d", len(listed), search, serve.BudgetToolSearch)
	}

	all, listed := measure(serve.Options{Selection: serve.Selection{Toolsets: []string{"all"}}, AllowRaw: true})
	avg := all / len(listed)
	t.Logf("all: %d tools, ~%d tokens, ~%d per tool", len(listed), all, avg)
	if avg > serve.BudgetAveragePerTool {
		t.Errorf("all tools average ~%d tokens each, over the budget of %d", avg, serve.BudgetAveragePerTool)
	}

	dyn, listed := measure(serve.Options{DynamicToolsets: true})
	t.Logf("dynamic toolsets at start: %d tools, ~%d tokens", len(listed), dyn)
}

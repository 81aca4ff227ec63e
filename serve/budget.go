package serve

import (
	"math"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

// BytesPerToken is how many bytes of compact tool-definition JSON make one
// cl100k token, measured over the tool list (4.27 for the Cases tools; the
// contract module's token test checks the estimate stays within 10% of the
// real count). Rounding down makes estimates err on the high side.
const BytesPerToken = 4.2

// EstimateTokens estimates the cl100k tokens of n bytes of tool JSON.
func EstimateTokens(n int) int { return int(math.Ceil(float64(n) / BytesPerToken)) }

// Token budgets of tools/list (cl100k), set from measurement; README.md
// states them and app's TestToolListBudgets keeps to them.
const (
	BudgetDefaultSet     = 8000 // the default selection
	BudgetToolSearch     = 1500 // --tool-search: the two tools
	BudgetAveragePerTool = 300  // --toolsets all, on average
	BudgetPerTool        = 700  // any single tool but those with their own (the largest, set_case_configuration, is 661)
)

// ToolBudget is the token budget of op's definition: its own
// (Operation.TokenBudget), or BudgetPerTool.
func ToolBudget(op *operation.Operation) int {
	if op != nil && op.TokenBudget > 0 {
		return op.TokenBudget
	}
	return BudgetPerTool
}

package serve

import (
	"math"
	"slices"
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
	BudgetPerTool        = 700  // any single tool but those below (the largest, set_case_configuration, is 661)
	// BudgetRuleBody is the budget of the tools that take a whole detection
	// rule (create, update, patch and preview): Kibana's rule schema has
	// some 65 members over its eight types, and a rule as exported must be
	// taken as is (the largest, preview_detection_rule, is ~1,100).
	BudgetRuleBody = 1150
)

// ruleBodyTools are the tools BudgetRuleBody is for.
var ruleBodyTools = []string{"create_detection_rule", "update_detection_rule", "patch_detection_rule", "preview_detection_rule"}

// ToolBudget is the token budget of one tool.
func ToolBudget(name string) int {
	if slices.Contains(ruleBodyTools, name) {
		return BudgetRuleBody
	}
	return BudgetPerTool
}

package serve

import (
	"slices"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

func names(ops []*operation.Operation) []string {
	var out []string
	for _, op := range ops {
		out = append(out, op.Name)
	}
	return out
}

func TestSelect(t *testing.T) {
	all := tools.All()
	sel := func(s Selection) []string {
		t.Helper()
		ops, err := Select(tools.Catalog, s)
		if err != nil {
			t.Fatal(err)
		}
		return names(ops)
	}
	def := sel(Selection{})
	if slices.Contains(def, "update_case_configuration") || slices.Contains(def, "set_case_configuration") || !slices.Contains(def, "find_cases") {
		t.Errorf("default selection: %v", def)
	}
	if got := sel(Selection{Toolsets: []string{"default"}}); !slices.Equal(got, def) {
		t.Errorf("\"default\" = %v, want the default selection", got)
	}
	if got := sel(Selection{Toolsets: []string{"all"}}); len(got) != len(all) {
		t.Errorf("all: %d of %d", len(got), len(all))
	}
	// Naming a toolset serves its admin tools too.
	if got := sel(Selection{Toolsets: []string{"cases"}}); !slices.Contains(got, "update_case_configuration") {
		t.Errorf("cases: %v", got)
	}
	// --tools adds single tools to the named toolsets.
	ml := sel(Selection{Toolsets: []string{"ml"}})
	if got := sel(Selection{Toolsets: []string{"ml"}, Tools: []string{"get_case"}}); len(got) != len(ml)+1 || !slices.Contains(got, "get_case") {
		t.Errorf("ml + get_case: %v", got)
	}
	// Exclusion wins over toolsets and over --tools.
	got := sel(Selection{Toolsets: []string{"all"}, Tools: []string{"get_case_tags"}, Exclude: []string{"get_case_tags", "delete_cases"}})
	if slices.Contains(got, "get_case_tags") || slices.Contains(got, "delete_cases") || len(got) != len(all)-2 {
		t.Errorf("exclusion: %v", got)
	}
	// Read-only keeps reads only, even ones named with --tools.
	for _, name := range sel(Selection{Toolsets: []string{"all"}, Tools: []string{"delete_cases"}, ReadOnly: true}) {
		if op, _ := tools.Lookup(name); !op.ReadOnly() {
			t.Errorf("read-only serves %s", name)
		}
	}
}

func TestSelectNamesUnknownNames(t *testing.T) {
	for _, tc := range []struct {
		s    Selection
		want []string
	}{
		{Selection{Toolsets: []string{"cases", "casez"}}, []string{`unknown toolset "casez"; did you mean cases?`, "valid toolsets: all, default, cases, alerting"}},
		{Selection{Tools: []string{"get_cases"}}, []string{`--tools: unknown tool "get_cases"; did you mean get_case,`}},
		{Selection{Exclude: []string{"delete_casez"}}, []string{`--exclude-tools: unknown tool "delete_casez"; did you mean delete_cases,`}},
	} {
		_, err := Select(tools.Catalog, tc.s)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %v, want it to contain %q", tc.s, err, w)
			}
		}
		// Three suggestions, not the whole catalogue of tools.
		if err != nil && len(tc.s.Toolsets) == 0 && (strings.Count(err.Error(), ",")+strings.Count(err.Error(), " or ") != 2 || len(err.Error()) > 200) {
			t.Errorf("%+v: error %q should name the 3 closest tools only", tc.s, err)
		}
	}
}

// TestReachable: what prompts and resources may rely on. Dynamic toolsets
// can enable every toolset, tool search covers all of them, and exclusions
// and read-only mode hold in every mode.
func TestReachable(t *testing.T) {
	for _, c := range []struct {
		opts Options
		tool string
		want bool
	}{
		{Options{}, "get_case", true},
		{Options{}, "find_agents", false},
		{Options{DynamicToolsets: true}, "find_agents", true},
		{Options{ToolSearch: true}, "find_agents", true},
		{Options{DynamicToolsets: true, Selection: Selection{Exclude: []string{"find_agents"}}}, "find_agents", false},
		{Options{DynamicToolsets: true, Selection: Selection{ReadOnly: true}}, "run_osquery", false},
		{Options{AllowRaw: true}, RawRequest.Name, true},
	} {
		reach, err := Reachable(tools.Catalog, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := reach(c.tool); got != c.want {
			t.Errorf("%+v: %s reachable = %v, want %v", c.opts, c.tool, got, c.want)
		}
	}
}

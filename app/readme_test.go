package app

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// TestReadmeToolTableIsCurrent keeps the README's tool list generated from
// the registry: `go run . tools --markdown` prints the expected table.
func TestReadmeToolTableIsCurrent(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "<!-- tools:start -->\n", "<!-- tools:end -->"
	_, rest, ok := strings.Cut(string(readme), start)
	table, _, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		t.Fatal("README.md lacks the tools:start/tools:end markers")
	}
	if table != ToolsMarkdown() {
		t.Errorf("README tool table is stale; replace it with the output of `go run . tools --markdown`")
	}
}

// TestReadmeConfigTableListsEverySetting: each flag and its variable appear
// on one row of the README's configuration table.
func TestReadmeConfigTableListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		row := "| `--" + s.flag + "` | `" + s.env + "` |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README configuration table has no row starting %s", row)
		}
	}
}

// TestReadmeFiguresAreCurrent: the counts and the toolset list the README
// states follow the registry, so they cannot go stale unnoticed.
func TestReadmeFiguresAreCurrent(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	_, toolsets, _ := strings.Cut(readme, "- **Toolsets.**")
	toolsets, _, _ = strings.Cut(toolsets, "\n- **")
	for _, ts := range tools.Toolsets {
		if !strings.Contains(toolsets, "`"+ts.Name+"`") {
			t.Errorf("README's toolset list lacks %s", ts.Name)
		}
	}
	all := fmt.Sprintf("`--toolsets all` (%d operations)", len(tools.All()))
	if !strings.Contains(readme, all) {
		t.Errorf("README's budget table should say %s", all)
	}
	def, err := serve.Select(tools.Catalog, serve.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("| Default selection (%d tools) |", len(def)); !strings.Contains(readme, want) {
		t.Errorf("README's budget table should say %s", want)
	}
}

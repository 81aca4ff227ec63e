package app

import (
	"os"
	"strings"
	"testing"
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

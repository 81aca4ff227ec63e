package tools

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/mark3labs/mcp-go/mcp"
)

// TestToolSnapshots compares every tool definition the model sees (name,
// description, annotations, input schema) with testdata/tools/<name>.json,
// so any change to them shows up in review. UPDATE_SNAPSHOTS=1 rewrites them.
func TestToolSnapshots(t *testing.T) {
	dir := filepath.Join("testdata", "tools")
	update := os.Getenv("UPDATE_SNAPSHOTS") == "1"
	if update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{}
	var defs []mcp.Tool
	for _, op := range All() {
		tool, err := op.Tool()
		if err != nil {
			t.Fatal(err)
		}
		defs = append(defs, tool)
	}
	// The serving machinery's own tools (call_kibana_api, the meta tools)
	// are snapshotted here too, beside the catalogue's.
	own, err := serve.OwnTools()
	if err != nil {
		t.Fatal(err)
	}
	defs = append(defs, own...)
	for _, tool := range defs {
		raw, err := json.Marshal(tool)
		if err != nil {
			t.Fatalf("%s: %v (tools/list would fail as a whole)", tool.Name, err)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, raw, "", "  "); err != nil {
			t.Fatal(err)
		}
		pretty.WriteByte('\n')
		file := filepath.Join(dir, tool.Name+".json")
		want[tool.Name+".json"] = true
		if update {
			if err := os.WriteFile(file, pretty.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: no snapshot (run UPDATE_SNAPSHOTS=1 go test ./tools)", tool.Name)
			continue
		}
		if !bytes.Equal(got, pretty.Bytes()) {
			t.Errorf("%s: tool definition differs from %s (review, then UPDATE_SNAPSHOTS=1 go test ./tools):\n%s", tool.Name, file, pretty.String())
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !want[e.Name()] {
			if update {
				os.Remove(filepath.Join(dir, e.Name()))
			} else {
				t.Errorf("snapshot %s has no tool", e.Name())
			}
		}
	}
}

package contract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// answerOnly are the members of a rule Kibana answers but a write does not
// take; the rule tools drop them with a note.
var answerOnly = []string{"id", "created_at", "created_by", "updated_at", "updated_by", "revision", "immutable",
	"rule_source", "execution_summary", "outcome", "alias_purpose", "alias_target_id", "output_index"}

// TestExportedRulesRoundTrip gives rules as Kibana exports them
// (testdata/exported_rules.ndjson: EQL, threshold, indicator match, ML with
// one job id as a string, new terms, ES|QL; answer-only members and all)
// to create_detection_rule as they are, then gives each answer back, as
// read, to update_detection_rule and patch_detection_rule, exports it,
// deletes it and imports the export. Every tool call must succeed against
// the sandbox, keep every member it was given, and send only requests the
// spec accepts.
func TestExportedRulesRoundTrip(t *testing.T) {
	_, router := loadSpec(t)
	data, err := os.ReadFile("testdata/exported_rules.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	var rules []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rule map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rule); err != nil {
			t.Fatal(err)
		}
		if _, isRule := rule["rule_id"]; isRule {
			rules = append(rules, rule)
		}
	}
	if len(rules) != 6 {
		t.Fatalf("%d rules in the export, want 6", len(rules))
	}
	for _, exported := range rules {
		t.Run(exported["type"].(string), func(t *testing.T) {
			srv, sent := recordingSandbox(t)
			client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: testAPIKey, MaxRetries: -1}, nil)
			if err != nil {
				t.Fatal(err)
			}
			call := func(tool string, args map[string]any) *mcp.CallToolResult {
				t.Helper()
				op, _ := tools.Catalog.Lookup(tool)
				var req mcp.CallToolRequest
				req.Params.Name, req.Params.Arguments = tool, args
				res, err := serve.Handler(client, tools.Catalog, op)(context.Background(), req)
				if err != nil || res.IsError {
					t.Fatalf("%s: %v %v", tool, err, res.Content)
				}
				return res
			}
			rule := func(res *mcp.CallToolResult) map[string]any {
				t.Helper()
				var out map[string]any
				if err := json.Unmarshal([]byte(res.Content[0].(mcp.TextContent).Text), &out); err != nil {
					t.Fatalf("the answer is not a rule: %v", err)
				}
				return out
			}

			res := call("create_detection_rule", exported)
			created := rule(res)
			note := textOf(res.Content[1:])
			for _, name := range []string{"id", "created_at", "revision", "rule_source", "required_fields[].ecs"} {
				given := exported[name] != nil
				if name == "required_fields[].ecs" {
					given = len(exported["required_fields"].([]any)) > 0
				}
				if given && !strings.Contains(note, name) {
					t.Errorf("the note does not name %s as left out: %q", name, note)
				}
			}
			if created["id"] == exported["id"] || created["revision"] != 0.0 {
				t.Errorf("created rule took the export's id or revision: id %v revision %v", created["id"], created["revision"])
			}
			checkKept(t, "create", exported, created)

			changed := clone(created)
			changed["name"] = created["name"].(string) + " (reviewed)"
			updated := rule(call("update_detection_rule", changed))
			checkKept(t, "update", changed, updated)
			if updated["revision"] != 1.0 || updated["id"] != created["id"] {
				t.Errorf("update: revision %v id %v, want 1 and %v", updated["revision"], updated["id"], created["id"])
			}

			changed = clone(updated)
			changed["risk_score"] = 88.0
			changed["tags"] = []any{"Exported", "reviewed"}
			patched := rule(call("patch_detection_rule", changed))
			checkKept(t, "patch", changed, patched)

			exportRes := call("export_detection_rules", map[string]any{"objects": []any{map[string]any{"rule_id": exported["rule_id"]}}})
			ndjson := ""
			for _, c := range exportRes.Content {
				if r, ok := c.(mcp.EmbeddedResource); ok {
					ndjson = r.Resource.(mcp.TextResourceContents).Text
				}
			}
			var line map[string]any
			if err := json.Unmarshal([]byte(strings.SplitN(ndjson, "\n", 2)[0]), &line); err != nil {
				t.Fatalf("export: %v\n%s", err, ndjson)
			}
			checkKept(t, "export", changed, line)
			call("delete_detection_rule", map[string]any{"rule_id": exported["rule_id"]})
			call("import_detection_rules", map[string]any{"file": ndjson})
			imported := rule(call("get_detection_rule", map[string]any{"rule_id": exported["rule_id"]}))
			checkKept(t, "import", changed, imported)

			for _, x := range sent() {
				checkExchange(t, router, x)
			}
		})
	}
}

// checkKept checks that a rule answered after a write carries every member
// the write was given, as given (answer-only members aside; a single ML job
// id comes back as a list, required fields with their ECS flag, and empty
// values are Kibana's defaults). A rule-level throttle is answered as its
// actions' frequency, as Kibana does.
func checkKept(t *testing.T, step string, given, got map[string]any) {
	t.Helper()
	for key, want := range given {
		if slices.Contains(answerOnly, key) || isEmptyJSON(want) || key == "throttle" {
			continue
		}
		have := got[key]
		switch key {
		case "machine_learning_job_id":
			if s, ok := want.(string); ok {
				want = []any{s}
			}
		case "required_fields":
			have = withoutMember(have, "ecs")
			want = withoutMember(want, "ecs")
		}
		if !reflect.DeepEqual(have, want) {
			w, _ := json.Marshal(want)
			h, _ := json.Marshal(have)
			t.Errorf("%s: %s is %s, want %s", step, key, h, w)
		}
	}
}

// isEmptyJSON reports the empty values the tools leave out (omitempty).
func isEmptyJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// withoutMember copies a list of objects without one member.
func withoutMember(v any, member string) any {
	list, _ := v.([]any)
	out := make([]any, len(list))
	for i, item := range list {
		m := clone(item.(map[string]any))
		delete(m, member)
		out[i] = m
	}
	return out
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

func textOf(contents []mcp.Content) string {
	var b strings.Builder
	for _, c := range contents {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

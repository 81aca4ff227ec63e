package tools

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

var toolName = regexp.MustCompile(`^[a-z]+(_[a-z]+)+$`)

// getsThatWrite are the Kibana routes that change state on a GET. Declared
// as writes, they are not served in read-only mode, and the client refuses
// them there too (the request says it mutates).
var getsThatWrite = map[string]bool{"sync_ml_saved_objects": true, "copy_timeline": true}

func TestRegistryInvariants(t *testing.T) {
	seen := map[string]bool{}
	routes := map[string]string{}
	for _, op := range All() {
		t.Run(op.Name, func(t *testing.T) {
			if !toolName.MatchString(op.Name) {
				t.Errorf("name %q is not snake_case verb_noun", op.Name)
			}
			if seen[op.Name] {
				t.Errorf("duplicate tool name")
			}
			seen[op.Name] = true
			route := op.Method + " " + op.Path
			// A convenience (update_case, attach_alerts_to_case) speaks the
			// route of the operation it builds on.
			// Every data tool runs its own platform tool through Agent
			// Builder's one execution route (which execute_ai_agent_tool
			// exposes as such).
			if other, dup := routes[route]; dup && !slices.Contains(caseConveniences, op) && op.Toolset != "data" {
				t.Errorf("%s is also served by %s", route, other)
			}
			if !slices.Contains(caseConveniences, op) && op.Toolset != "data" {
				routes[route] = op.Name
			}
			if op.Title == "" || op.Description == "" || op.Toolset == "" {
				t.Errorf("title, description and toolset are all required")
			}
			if len(op.Description) > 400 {
				t.Errorf("description is %d bytes; keep it short, it is paid for in every context", len(op.Description))
			}
			if op.APIVersion == "" {
				t.Errorf("no elastic-api-version declared")
			}
			// Internal routes are Kibana's UI's: Kibana 9 refuses them to
			// other callers, so no tool speaks one.
			if !strings.HasPrefix(op.Path, "/api/") {
				t.Errorf("path %q does not start with /api/", op.Path)
			}
			switch op.Method {
			case http.MethodGet:
				if op.Effect != operation.Reads && !getsThatWrite[op.Name] {
					t.Errorf("GET declared as %v", op.Effect)
				}
			case http.MethodDelete:
				if op.Effect != operation.Deletes {
					t.Errorf("DELETE declared as %v", op.Effect)
				}
			case http.MethodPost, http.MethodPut, http.MethodPatch:
			default:
				t.Errorf("method %q", op.Method)
			}
			if err := op.Check(); err != nil {
				t.Fatal(err)
			}
			if len(op.Examples) == 0 {
				t.Fatal("no examples: the contract test and docs need at least one")
			}
			for i, ex := range op.Examples {
				var args map[string]any
				if err := json.Unmarshal([]byte(ex), &args); err != nil {
					t.Fatalf("example %d is not a JSON object: %v", i, err)
				}
				if _, err := op.Bind(args); err != nil {
					t.Errorf("example %d does not bind: %v", i, err)
				}
			}
			if op.Overwrites && op.Effect != operation.Writes {
				t.Errorf("Overwrites is for Writes; %v is destructive or read-only already", op.Effect)
			}
			a := op.Annotations()
			for name, hint := range map[string]*bool{"readOnly": a.ReadOnlyHint, "destructive": a.DestructiveHint, "idempotent": a.IdempotentHint, "openWorld": a.OpenWorldHint} {
				if hint == nil {
					t.Errorf("%sHint unset", name)
				}
			}
		})
	}
}

// TestSeedOperationsAreTools checks that every operation of the reference
// pages, in the areas implemented so far, is a tool.
func TestSeedOperationsAreTools(t *testing.T) {
	f, err := os.Open("../../shared/seed-operations.txt")
	if err != nil {
		t.Skipf("seed operation list not available (%v); it lives in ../shared beside the repo", err)
	}
	defer f.Close()
	implemented := map[string]bool{}
	served := map[string]bool{}
	for _, op := range All() {
		implemented[op.Toolset] = true
		served[op.Method+" "+op.Path] = true
	}
	// The seed areas that our toolsets name differently.
	toolsetOf := map[string]string{
		"actions": "connectors", "detection_engine": "detections", "endpoint_list": "endpoint",
		"security_ai_assistant": "ai_assistant",
	}
	area := ""
	sc := bufio.NewScanner(f)
	checked := 0
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "## "); ok {
			area, _, _ = strings.Cut(name, " ")
			if ts, ok := toolsetOf[area]; ok {
				area = ts
			}
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 || strings.HasPrefix(line, "#") || !implemented[area] {
			continue
		}
		checked++
		if !served[fields[0]+" "+fields[1]] {
			t.Errorf("seed operation %s %s (%s) has no tool", fields[0], fields[1], area)
		}
	}
	if checked == 0 {
		t.Fatal("no seed operation matched an implemented area")
	}
}

func TestCasesAreComplete(t *testing.T) {
	want := []string{
		"find_cases", "get_case", "create_case", "update_cases", "delete_cases",
		"get_case_alerts", "get_cases_by_alert", "add_case_comment", "update_case_comment",
		"delete_case_comments", "find_case_comments", "get_case_comment", "delete_case_comment",
		"push_case", "add_case_file", "find_case_user_actions", "get_case_configuration",
		"set_case_configuration", "update_case_configuration", "find_case_connectors",
		"get_case_reporters", "get_case_tags",
	}
	n := 0
	for _, name := range want {
		op, ok := Lookup(name)
		if !ok {
			t.Errorf("no tool %s", name)
			continue
		}
		if op.Toolset == "cases" {
			n++
		}
	}
	count := 0
	for _, op := range All() {
		if op.Toolset == "cases" && !slices.Contains(caseConveniences, op) {
			count++
		}
	}
	if count != len(want) || n != len(want) {
		t.Errorf("cases toolset has %d tools, want the %d of the Cases API", count, len(want))
	}
}

// TestAnnotations pins what clients are told about each kind of tool: the
// hints decide what they run without asking.
func TestAnnotations(t *testing.T) {
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, openWorld
		"find_cases":                {true, false, true, false},
		"create_case":               {false, false, false, false},
		"add_case_comment":          {false, false, false, false},
		"update_cases":              {false, true, false, false},
		"update_case_comment":       {false, true, false, false},
		"update_case_configuration": {false, true, false, false},
		"push_case":                 {false, true, false, true},
		"delete_cases":              {false, true, true, false},
	} {
		op, ok := Lookup(name)
		if !ok {
			t.Fatalf("no %s", name)
		}
		a := op.Annotations()
		got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
		if got != want {
			t.Errorf("%s: hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", name, got, want)
		}
	}
}

package resources

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// completeVia sends completion/complete for an argument of a prompt (ref
// "ref/prompt") or a resource template ("ref/resource"), with the arguments
// already given.
func completeVia(t *testing.T, s *server.MCPServer, ref map[string]any, name, value string, given map[string]string) mcp.Completion {
	t.Helper()
	params := map[string]any{"ref": ref, "argument": map[string]any{"name": name, "value": value}}
	if given != nil {
		params["context"] = map[string]any{"arguments": given}
	}
	raw, err := rpc(t, s, "completion/complete", params)
	if err != nil {
		t.Fatalf("complete %s=%q: %v", name, value, err)
	}
	var res struct{ Completion mcp.Completion }
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	return res.Completion
}

var (
	triagePrompt = map[string]any{"type": "ref/prompt", "name": "triage_case"}
	spaceCaseRef = map[string]any{"type": "ref/resource", "uri": SpaceCaseURI}
	caseRef      = map[string]any{"type": "ref/resource", "uri": CaseURI}
)

func TestCompleteCaseID(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, kb.client, nil)
	vpn := caseTitled(t, kb.client, "default", "Brute force against VPN gateway vpn-gw-01")
	soc := caseTitled(t, kb.client, "soc", "Credential stuffing against customer portal")

	for _, tc := range []struct {
		name         string
		ref          map[string]any
		typed        string
		given        map[string]string
		want, reject string
	}{
		{"id prefix", caseRef, vpn.ID[:6], nil, vpn.ID, ""},
		{"title prefix, any case", caseRef, "bRUTE f", nil, vpn.ID, ""},
		{"prompt in a space", triagePrompt, "credential st", map[string]string{"space_id": "soc"}, soc.ID, vpn.ID},
		{"template in a space", spaceCaseRef, "Credential", map[string]string{"spaceId": "soc"}, soc.ID, ""},
		{"other space's title", caseRef, "Credential stuffing", nil, "", soc.ID},
	} {
		got := completeVia(t, s, tc.ref, "caseId", tc.typed, tc.given)
		if tc.want != "" && !slices.Contains(got.Values, tc.want) {
			t.Errorf("%s: %q gave %v, want %s", tc.name, tc.typed, got.Values, tc.want)
		}
		if tc.reject != "" && slices.Contains(got.Values, tc.reject) {
			t.Errorf("%s: %q gave %v, which has %s", tc.name, tc.typed, got.Values, tc.reject)
		}
		if got.HasMore || got.Total != len(got.Values) {
			t.Errorf("%s: total %d, hasMore %v for %d values of a small Kibana", tc.name, got.Total, got.HasMore, len(got.Values))
		}
	}
	// Everything, most recently updated first, when nothing is typed.
	var all struct{ Total int }
	tool(t, kb.client, "find_cases", map[string]any{}, &all)
	if got := completeVia(t, s, caseRef, "caseId", "", nil); len(got.Values) != all.Total || got.Total != all.Total {
		t.Errorf("empty prefix gave %d values, total %d; want all %d", len(got.Values), got.Total, all.Total)
	}
}

func TestCompleteCaseIDBeyondOnePage(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, kb.client, nil)
	vpn := caseTitled(t, kb.client, "default", "Brute force against VPN gateway vpn-gw-01")
	// 100 newer cases push the seeded ones off the most recent page: the
	// title search must still find them.
	for i := range 100 {
		var cs struct{ ID string }
		tool(t, kb.client, "create_case", map[string]any{"title": fmt.Sprintf("Bulk %03d", i), "description": "Filler."}, &cs)
	}
	got := completeVia(t, s, caseRef, "caseId", "Brute force ag", nil)
	if !slices.Equal(got.Values, []string{vpn.ID}) || !got.HasMore || got.Total != 0 {
		t.Errorf("got %+v, want only %s, hasMore and no total (older ids were not all seen)", got, vpn.ID)
	}
	if got := completeVia(t, s, caseRef, "caseId", "", nil); len(got.Values) != 100 || !got.HasMore {
		t.Errorf("empty prefix: %d values, hasMore %v; want 100 and more", len(got.Values), got.HasMore)
	}
}

func TestCompleteRuleSpaceTagAndEnums(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, kb.client, nil)
	var rules struct{ Data []struct{ ID, Name string } }
	tool(t, kb.client, "find_rules", map[string]any{"search": "DNS", "search_fields": []any{"name"}}, &rules)
	if len(rules.Data) != 1 {
		t.Fatalf("want the one DNS rule, got %v", rules.Data)
	}
	ruleRef := map[string]any{"type": "ref/resource", "uri": RuleURI}

	for _, tc := range []struct {
		ref         map[string]any
		name, typed string
		given       map[string]string
		want        []string
	}{
		{ruleRef, "ruleId", "possible dns", nil, []string{rules.Data[0].ID}},
		{ruleRef, "ruleId", rules.Data[0].ID[:8], nil, []string{rules.Data[0].ID}},
		{ruleRef, "ruleId", "possible dns", map[string]string{"spaceId": "soc"}, nil}, // soc's copy has another id
		{spaceCaseRef, "spaceId", "s", nil, []string{"soc"}},
		{triagePrompt, "space_id", "", nil, []string{"default", "soc"}},
		{triagePrompt, "tag", "ph", nil, []string{"phishing"}},
		{triagePrompt, "severity", "", nil, []string{"low", "medium", "high", "critical"}},
		{triagePrompt, "severity", "H", nil, []string{"high"}},
		{triagePrompt, "owner", "s", nil, []string{"securitySolution"}},
		{triagePrompt, "owner", "o", nil, []string{"observability"}},
		{triagePrompt, "status", "in", nil, []string{"in-progress"}},
		{triagePrompt, "colour", "r", nil, []string{}},
		{triagePrompt, "caseId", "x", map[string]string{"space_id": "Not A Space"}, []string{}},
	} {
		got := completeVia(t, s, tc.ref, tc.name, tc.typed, tc.given)
		if tc.name == "ruleId" && tc.want == nil {
			if slices.Contains(got.Values, rules.Data[0].ID) {
				t.Errorf("ruleId in soc: default's rule id offered: %v", got.Values)
			}
			continue
		}
		if !slices.Equal(sorted(got.Values), sorted(tc.want)) || got.Total != len(tc.want) || got.HasMore {
			t.Errorf("%s=%q %v: got %+v, want %v", tc.name, tc.typed, tc.given, got, tc.want)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestCompleteWhenKibanaFailsOrToolNotServed(t *testing.T) {
	kb := newSandbox(t)
	down := newClient(t, kb.srv.URL, "k")
	kb.srv.Close()
	s := newServer(t, down, nil)
	for _, name := range []string{"caseId", "ruleId", "spaceId", "tag"} {
		if got := completeVia(t, s, caseRef, name, "", nil); len(got.Values) != 0 || got.HasMore {
			t.Errorf("%s with Kibana down: %+v, want no values", name, got)
		}
	}

	kb = newSandbox(t)
	noFind := newServer(t, kb.client, func(name string) bool { return name != "find_cases" })
	if got := completeVia(t, noFind, caseRef, "caseId", "", nil); len(got.Values) != 0 {
		t.Errorf("caseId without find_cases: %v", got.Values)
	}
}

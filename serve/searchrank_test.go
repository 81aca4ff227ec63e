package serve

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/toolsearch"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// rankingCases are requests worded the way a security analyst types them,
// written before the ranking was tuned, each with the tools that answer it.
// When a request has two right answers (creating or changing the case
// settings), either may rank. See searchrank_heldout_test.go for the
// requests that check the tuning.
var rankingCases = []searchCase{
	{"close the case about the phishing email", []string{"update_case", "update_cases"}},
	{"what alerts are attached to this case", []string{"get_case_alerts"}},
	{"add a note saying the host was isolated", []string{"add_case_comment"}},
	{"who changed this case and when", []string{"find_case_user_actions"}},
	{"send this case to Jira", []string{"push_case"}},
	{"upload the memory dump to the case", []string{"add_case_file"}},
	{"is this alert already part of a case", []string{"get_cases_by_alert"}},
	{"which critical cases are open", []string{"find_cases"}},
	{"delete that comment", []string{"delete_case_comment"}},
	{"what tags do we use", []string{"get_case_tags"}},
	{"set up a custom field on cases", []string{"update_case_configuration", "set_case_configuration"}},
	{"open a new investigation for the ransomware on web-01", []string{"create_case"}},
	{"bump the severity of case 42 to high", []string{"update_case", "update_cases"}},
	{"assign this case to Maria", []string{"update_case", "update_cases"}},
	{"show me the details of case 42", []string{"get_case"}},
	{"wipe every note on this case and start over", []string{"delete_case_comments"}},
	{"fix the typo in my last comment", []string{"update_case_comment"}},
	{"read the notes analysts left on this investigation", []string{"find_case_comments"}},
	{"which ticketing systems can we push cases to", []string{"find_case_connectors"}},
	{"who has been opening cases", []string{"get_case_reporters"}},
	{"get rid of these duplicate cases", []string{"delete_cases"}},
	{"how are cases configured in this space", []string{"get_case_configuration"}},
	{"attach the suspicious login alert to the case", []string{"attach_alerts_to_case", "add_case_comment"}},
	{"pull up that one comment by its id", []string{"get_case_comment"}},
	{"reconstruct what happened on this case step by step", []string{"find_case_user_actions"}},
	{"list unassigned cases from last week", []string{"find_cases"}},
	{"make cases close automatically when they are pushed to ServiceNow", []string{"update_case_configuration", "set_case_configuration"}},
	{"tag the case as ransomware", []string{"update_case", "update_cases"}},
	{"add the screenshot of the phishing page as evidence", []string{"add_case_file"}},
	{"escalate the incident to critical", []string{"update_case", "update_cases"}},
	// Beyond cases: rules, connectors, detection alerts and hosts.
	{"which rules are muted", []string{"find_rules"}},
	{"silence the noisy brute force rule", []string{"mute_rule"}},
	{"turn the disabled rule back on", []string{"enable_rule"}},
	{"snooze the rule for two hours", []string{"snooze_rule"}},
	{"acknowledge these detection alerts", []string{"set_alert_status"}},
	{"search alerts on host web-01 from the last day", []string{"search_detection_alerts"}},
	{"isolate the infected laptop from the network", []string{"isolate_host"}},
	{"kill the malicious process on the server", []string{"kill_process"}},
	{"post a message to the SOC Slack channel", []string{"run_connector"}},
	{"which connectors do we have", []string{"list_connectors"}},
	{"download the file we collected from the host", []string{"download_endpoint_file"}},
	{"which detection rule raised this alert", []string{"get_detection_rule", "find_detection_rules"}},
	{"add an exception so this rule stops firing on the backup server", []string{"create_rule_exception_items", "create_exception_item"}},
	{"export all our detection rules", []string{"export_detection_rules"}},
	{"disable these five noisy detection rules at once", []string{"bulk_detection_rule_action"}},
	{"write a new EQL detection rule", []string{"create_detection_rule"}},
	{"add this IP to the known bad IPs list", []string{"create_value_list_item"}},
	{"import the dashboards from this ndjson file", []string{"import_saved_objects"}},
	{"install Elastic's prebuilt detection rules", []string{"install_prebuilt_rules"}},
	{"find saved searches tagged SOC", []string{"find_saved_objects"}},
}

// TestToolSearchRanking checks that plain-language requests find their tool
// among the first three hits, and usually first.
func TestToolSearchRanking(t *testing.T) {
	ix := searchIndex()
	first := 0
	for _, tc := range rankingCases {
		hits := ix.Search(tc.query, 5)
		rank := slices.IndexFunc(hits, func(h toolsearch.Hit) bool { return slices.Contains(tc.want, h.Name) })
		if rank == 0 {
			first++
		}
		if rank < 0 || rank >= 3 {
			t.Errorf("%q: want %s in the top 3; got %s", tc.query, strings.Join(tc.want, " or "), describeHits(hits))
		}
	}
	t.Logf("%d of %d requests rank their tool first", first, len(rankingCases))
	// Three in four first keeps the model's first guess usually right.
	if min := len(rankingCases) * 3 / 4; first < min {
		t.Errorf("only %d of %d requests rank their tool first; want at least %d", first, len(rankingCases), min)
	}
}

func describeHits(hits []toolsearch.Hit) string {
	parts := make([]string, len(hits))
	for i, h := range hits {
		parts[i] = fmt.Sprintf("%d. %s %.3f", i+1, h.Name, h.Score)
	}
	if len(parts) == 0 {
		return "no hits"
	}
	return strings.Join(parts, ", ")
}

// TestSearchDocFollowsTheDeclaration checks that tool search sees each
// operation as declared, with the arguments of its schema but space_id.
func TestSearchDocFollowsTheDeclaration(t *testing.T) {
	for _, op := range tools.All() {
		d := SearchDoc(op)
		if d.Name != op.Name || d.Title != op.Title || d.Toolset != op.Toolset || d.Method != op.Method ||
			d.Path != op.Path || d.Description != op.Description || d.ReadOnly != op.ReadOnly() {
			t.Errorf("%s: SearchDoc %+v does not match the declaration", op.Name, d)
		}
		raw, err := op.Schema()
		if err != nil {
			t.Fatal(err)
		}
		var s struct{ Properties map[string]json.RawMessage }
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		delete(s.Properties, operation.SpaceArgument)
		var got []string
		for _, a := range d.Arguments {
			got = append(got, a.Name)
		}
		if want := slices.Sorted(maps.Keys(s.Properties)); !slices.Equal(got, want) {
			t.Errorf("%s: arguments %v, want %v", op.Name, got, want)
		}
	}
}

// Allowed values and member names are searchable: they are often the very
// words a request uses.
func TestSearchDocKeepsEnumsAndMembers(t *testing.T) {
	for name, want := range map[string][2]string{
		"find_cases":   {"severity", "critical"},
		"update_cases": {"cases", "assignees"},
	} {
		op, ok := tools.Lookup(name)
		if !ok {
			t.Fatalf("no operation %s", name)
		}
		i := slices.IndexFunc(SearchDoc(op).Arguments, func(a toolsearch.Argument) bool { return a.Name == want[0] })
		if i < 0 || !strings.Contains(SearchDoc(op).Arguments[i].Description, want[1]) {
			t.Errorf("%s: argument %s does not mention %q: %+v", name, want[0], want[1], SearchDoc(op).Arguments)
		}
	}
}

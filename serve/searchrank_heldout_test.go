package serve

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/toolsearch"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// searchCase is a request and the tools that answer it; when more than one
// does, any of them may rank.
type searchCase = struct {
	query string
	want  []string
}

// Six sets of requests check tool search (issue 18), each written before
// the changes it first measured; all have since been read to tune the
// ranking, so each is held to the level it reached, and new wording is
// measured only by a set written after the last change and never tuned on:
//
//   - rankingCases (searchrank_test.go): the tuned set, held to 100% top-3.
//   - heldOutCases: written before any change for issue 18.
//   - freshCases and lastCases: written after the first round of tuning.
//   - freshSearchCases (searchrank_fresh_test.go): written blind, from the
//     catalogue listing, after the second round.
//   - wideCases (searchrank_wide_test.go): written during the last round,
//     for the areas and styles of wording the others hardly cover.
//
// The rounds chose general rules and vocabulary by reading the misses: a
// word joins the lexicon as what analysts call a Kibana concept (whitelist:
// exception), never as one request's phrase pointing at its tool. Figures,
// top-3 and top-1 (go test -count=1 -v -run TestToolSearch ./serve):
//
//	                  before issue 18   round 2          last round
//	rankingCases      50/50  42/50      50/50  43/50     50/50  42/50
//	heldOutCases      32/55  22/55      53/55  39/55     54/55  44/55
//	freshCases        27/33  19/33      27/33  22/33     30/33  25/33
//	lastCases         22/26  15/26      23/26  17/26     25/26  20/26
//	freshSearchCases  -                 55/64  44/64     61/64  50/64
//	wideCases         -                 -                304/323  247/323
//
// freshSearchCases were first run after round 2, so its round-2 figures are
// its blind ones; wideCases' batches were run as they were written (see
// there). Before the last round wideCases scored 281/323 top-3 and 228/323
// top-1.

// HELD-OUT SET: in analysts' own words, questions and orders, colloquial,
// across every area. Keep it: a request here that fails is fixed by a
// better general rule, never by adding its words to the lexicon.
var heldOutCases = []searchCase{
	// The three requests of the issue.
	{"who is assigned to this alert", []string{"search_detection_alerts"}},
	{"which hosts are isolated right now", []string{"find_endpoint_actions", "find_endpoint_hosts"}},
	{"escalate the ticket to ServiceNow", []string{"push_case"}},

	// Cases.
	{"any cases still waiting on someone to pick them up?", []string{"find_cases"}},
	{"mark the incident as resolved, it was a false alarm", []string{"update_case", "update_cases"}},
	{"put a comment on the case that we reset the user's password", []string{"add_case_comment"}},
	{"link these alerts to the ransomware case", []string{"attach_alerts_to_case", "add_case_comment"}},
	{"how many open cases do we have right now", []string{"find_cases"}},

	// Detection alerts.
	{"close out all the alerts from that noisy rule as false positives", []string{"set_alert_status"}},
	{"give the alert to Priya to look into", []string{"set_alert_assignees"}},
	{"label these alerts as phishing", []string{"set_alert_tags"}},
	{"show me high severity alerts from the last 24 hours", []string{"search_detection_alerts"}},

	// Alerting rules.
	{"stop notifications from the disk space rule over the weekend", []string{"snooze_rule", "mute_rule"}},
	{"is the alerting framework healthy?", []string{"get_alerting_health"}},
	{"what kinds of rules can I create", []string{"get_rule_types"}},

	// Detection rules.
	{"switch off the PowerShell detection", []string{"bulk_detection_rule_action", "patch_detection_rule", "disable_rule"}},
	{"change the risk score on the brute force detection rule to 73", []string{"patch_detection_rule", "update_detection_rule"}},
	{"test my new rule query against last week's data before turning it on", []string{"preview_detection_rule"}},
	{"are there updates available for the elastic prebuilt rules", []string{"get_prebuilt_rules_status"}},
	{"restore detection rules from the backup ndjson", []string{"import_detection_rules"}},

	// Exceptions and value lists.
	{"stop alerting on svchost.exe from the build servers for this rule", []string{"create_rule_exception_items", "create_exception_item"}},
	{"what exceptions are on the shared list", []string{"find_exception_items"}},
	{"remove the exception we added for the vulnerability scanner", []string{"delete_exception_item"}},
	{"put evil.example.com on our blocklist of domains", []string{"create_value_list_item"}},

	// Endpoint response actions.
	{"cut web-03 off the network", []string{"isolate_host"}},
	{"bring the quarantined workstation back online", []string{"unisolate_host"}},
	{"grab the suspicious exe from the host so I can analyze it", []string{"get_endpoint_file"}},
	{"what processes are running on the finance laptop", []string{"get_running_processes"}},
	{"run a malware scan on C:\\Users\\Public", []string{"scan_endpoint"}},
	{"did the isolation command go through?", []string{"get_endpoint_action", "find_endpoint_actions", "get_endpoint_action_status"}},
	{"pause the process so it stops encrypting files", []string{"suspend_process"}},

	// Fleet.
	{"which agents haven't checked in lately", []string{"find_agents"}},
	{"move these agents to the servers policy", []string{"bulk_reassign_agents"}},
	{"collect a diagnostics bundle from the broken agent", []string{"request_agent_diagnostics", "bulk_request_agent_diagnostics"}},
	{"add the Windows integration to the workstation policy", []string{"create_package_policy"}},
	{"remove the agent from the decommissioned server", []string{"unenroll_agent", "delete_agent"}},

	// Connectors.
	{"email the SOC lead a summary of the incident", []string{"run_connector"}},
	{"set up a Jira integration so we can open tickets", []string{"create_connector"}},
	{"which kinds of connectors can we set up", []string{"get_connector_types"}},

	// Timelines.
	{"pin that event to my timeline", []string{"pin_event"}},
	{"open the timeline Sam built for the lateral movement hunt", []string{"get_timeline", "find_timelines"}},
	{"jot down a note on the timeline about the beacon interval", []string{"add_note"}},

	// Osquery.
	{"query all linux hosts for listening ports with osquery", []string{"run_osquery"}},
	{"what did the live query return", []string{"get_osquery_results"}},
	{"schedule a pack of queries across the fleet", []string{"create_osquery_pack"}},

	// Entity risk and asset criticality.
	{"mark the domain controller as extremely critical", []string{"set_asset_criticality"}},
	{"which users are the riskiest", []string{"list_entities"}},
	{"recompute risk scores now", []string{"run_risk_score_engine"}},

	// Spaces, roles, saved objects, data views.
	{"make a separate workspace for the red team", []string{"create_space"}},
	{"what spaces exist", []string{"find_spaces"}},
	{"who can access the SOC space", []string{"find_roles"}},
	{"back up all our dashboards to a file", []string{"export_saved_objects"}},
	{"create an index pattern for logs-*", []string{"create_data_view"}},
	{"add a computed field that extracts the domain from the URL", []string{"create_or_update_runtime_field"}},
	{"which data view is the default", []string{"get_default_data_view"}},
}

// THIRD SET, written after the tuning; the second batch after the first
// had been run, to narrow the estimate.
var freshCases = []searchCase{
	{"has anyone touched the phishing case since Friday?", []string{"find_case_user_actions"}},
	{"hand this case over to the night shift lead", []string{"update_case", "update_cases"}},
	{"what's the status of the scan I kicked off on the mail server", []string{"get_endpoint_action", "find_endpoint_actions"}},
	{"list every Fleet policy and how many agents use it", []string{"find_agent_policies"}},
	{"upgrade the endpoint integration to the latest version", []string{"bulk_install_packages", "install_package", "upgrade_package_policies"}},
	{"delete the stale timeline from last month", []string{"delete_timelines"}},
	{"turn the entity store on", []string{"enable_entity_store"}},
	{"remove john.doe from the privileged users", []string{"delete_privileged_user"}},
	{"show me the saved osquery queries for windows", []string{"find_osquery_saved_queries"}},
	{"which connectors could send a Teams message", []string{"list_connectors", "get_connector_types"}},
	{"duplicate the exception list for the new rule set", []string{"duplicate_exception_list"}},
	{"give me the raw alert documents for the credential dumping rule", []string{"search_detection_alerts"}},
	{"rename the SOC workspace", []string{"update_space"}},
	// A second batch, written after the first was run, to narrow the
	// estimate; also untuned.
	{"who's on the hook for the ransomware case?", []string{"get_case", "find_cases"}},
	{"copy the investigation timeline so I can tweak it", []string{"copy_timeline"}},
	{"pull the list of agents that are offline", []string{"find_agents"}},
	{"what integrations are installed", []string{"find_installed_packages"}},
	{"uninstall the nginx integration", []string{"delete_package"}},
	{"kick off a new attack discovery run on the last day of alerts", []string{"generate_attack_discovery"}},
	{"show the case templates and custom fields we configured", []string{"get_case_configuration"}},
	{"create a role that can only read cases", []string{"put_role"}},
	{"run ipconfig on the compromised host", []string{"execute_endpoint_command"}},
	{"which value lists do we have", []string{"find_value_lists"}},
	{"stop the privileged user monitoring", []string{"disable_privmon_engine"}},
	{"start monitoring the CFO's account as a privileged user", []string{"create_privileged_user"}},
	{"swap the old logs data view for the new one in all dashboards", []string{"swap_data_view_references"}},
	{"delete the webhook connector we no longer use", []string{"delete_connector"}},
	{"which version of the agent can we upgrade to", []string{"get_agent_available_versions"}},
	{"unpin that event from the timeline", []string{"pin_event"}},
	{"tag alerts from the honeypot as test", []string{"set_alert_tags"}},
	{"what fields does the AI assistant anonymize", []string{"find_anonymization_fields"}},
	{"reassign the alert from Tom to Lisa", []string{"set_alert_assignees"}},
	{"preview which saved objects will change before swapping the data view", []string{"preview_swap_data_view_references"}},
}

// FOURTH SET, written after freshCases had been run and their misses
// read, before the change that reading suggested.
var lastCases = []searchCase{
	{"any alerts on the domain controller in the past hour?", []string{"search_detection_alerts"}},
	{"mark those five alerts as acknowledged", []string{"set_alert_status"}},
	{"what did the analysts say on case 1234", []string{"find_case_comments"}},
	{"push the updated case to ServiceNow again", []string{"push_case"}},
	{"pull the osquery pack that collects browser history", []string{"get_osquery_pack", "find_osquery_packs"}},
	{"kill PID 4242 on fin-ws-07", []string{"kill_process"}},
	{"which hosts still have pending response actions", []string{"get_endpoint_action_status"}},
	{"cancel the isolation request before it runs", []string{"cancel_endpoint_action"}},
	{"set web-01 as a high impact asset", []string{"set_asset_criticality"}},
	{"wipe the risk scores and start fresh", []string{"delete_risk_score_data"}},
	{"list the dashboards in this space", []string{"find_dashboards"}},
	{"change the default data view to logs-*", []string{"set_default_data_view"}},
	{"add a runtime field to the auth data view", []string{"create_or_update_runtime_field"}},
	{"who has admin rights in Kibana", []string{"find_roles"}},
	{"set up Elastic Defend on the new policy", []string{"create_package_policy"}},
	{"check whether fleet server is ready", []string{"get_fleet_setup_status", "ping_fleet_server_host"}},
	{"send diagnostics from agent abc", []string{"request_agent_diagnostics"}},
	{"what tags are on our detection rules", []string{"get_detection_rule_tags"}},
	{"turn on the brute force detection rule", []string{"bulk_detection_rule_action", "patch_detection_rule", "enable_rule"}},
	{"throw away the exception list for the legacy app", []string{"delete_exception_list"}},
	{"import these IOCs into the bad hashes list", []string{"import_value_list_items"}},
	{"save this query so the team can reuse it in osquery", []string{"create_osquery_saved_query"}},
	{"did the live query finish on all agents?", []string{"get_osquery_live_query"}},
	{"favorite the lateral movement timeline", []string{"favorite_timeline"}},
	{"schedule attack discovery to run every night", []string{"create_attack_discovery_schedule"}},
	{"mute just this one alert, keep the rule", []string{"mute_alert"}},
}

// rankStats searches each request and counts how many find one of their
// tools first and how many in the top 3; misses lists the others with what
// ranked instead.
func rankStats(ix *toolsearch.Index, cases []searchCase) (first, top3 int, misses []string) {
	for _, tc := range cases {
		hits := ix.Search(tc.query, 5)
		rank := slices.IndexFunc(hits, func(h toolsearch.Hit) bool { return slices.Contains(tc.want, h.Name) })
		switch {
		case rank == 0:
			first++
			top3++
		case rank > 0 && rank < 3:
			top3++
		default:
			misses = append(misses, tc.query+": want "+strings.Join(tc.want, " or ")+"; got "+describeHits(hits))
		}
	}
	return first, top3, misses
}

// rankFloor is the least a set of requests may score: how many find one of
// their tools in the top 3, and how many first.
type rankFloor struct{ top3, top1 int }

// holdSet logs a set's rates and misses, and fails when it falls below its
// floor or names a tool the catalogue lacks.
func holdSet(t *testing.T, name string, cases []searchCase, floor rankFloor) {
	t.Helper()
	for _, tc := range cases {
		for _, want := range tc.want {
			if _, ok := tools.Lookup(want); !ok {
				t.Fatalf("%s: %q expects unknown tool %q", name, tc.query, want)
			}
		}
	}
	first, top3, misses := rankStats(searchIndex(), cases)
	n := len(cases)
	t.Logf("%s: top-3 %d/%d (%.0f%%), top-1 %d/%d (%.0f%%)", name, top3, n, pct(top3, n), first, n, pct(first, n))
	for _, miss := range misses {
		t.Logf("%s miss: %s", name, miss)
	}
	if top3 < floor.top3 || first < floor.top1 {
		t.Errorf("%s: top-3 %d/%d and top-1 %d/%d; want at least %d and %d", name, top3, n, first, n, floor.top3, floor.top1)
	}
}

// searchIndex is the index of the whole catalogue, built once for the
// ranking tests.
var searchIndex = sync.OnceValue(func() *toolsearch.Index { return SearchIndex(tools.All()) })

// TestToolSearchHeldOut holds the held-out, fresh and last sets to the
// levels they reached (TestToolSearchRanking holds the tuned set to 100%
// in the top 3).
func TestToolSearchHeldOut(t *testing.T) {
	// The agent_builder and streams toolsets made "agent", "rule",
	// "preview" and "privileges" commoner: two Fleet requests ("move these
	// agents…", "remove the agent…") find their tool second, and "who has
	// admin rights in Kibana" finds find_roles fourth, under the privilege
	// tools. Before the round on the blind set's misses, on that catalogue:
	// held-out 53 and 41, fresh 31 and 25, last 25 and 19. The rest of the
	// package manager (fleet_epm_more.go) takes first place from fresh's
	// "upgrade the endpoint integration…" (bulk_upgrade_packages over
	// upgrade_package_policies) and "uninstall the nginx integration"
	// (bulk_uninstall_packages over delete_package); both keep theirs in
	// the top 3.
	// After the third round on the blind-2 misses: 55 and 43, 31 and 24,
	// 26 and 20.
	holdSet(t, "held-out", heldOutCases, rankFloor{top3: 55, top1: 43})
	holdSet(t, "fresh", freshCases, rankFloor{top3: 31, top1: 24})
	holdSet(t, "last", lastCases, rankFloor{top3: 26, top1: 20})
}

func pct(k, n int) float64 { return 100 * float64(k) / float64(n) }

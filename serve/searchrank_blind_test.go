package serve

import "testing"

// The blind set: requests written by someone who saw only the catalogue's
// names and first description lines (never the ranking, its lexicon or the
// other sets), in the words of analysts and platform engineers, before the
// ranking was run on them. It was measured once after the last ranking
// change of issue 18, before anyone tuned on it. Two labels were
// widened before that measure: disable_rule (the writer noted that the
// alerting API also turns detection rules off) and create_maintenance_window
// (added to the catalogue after the set was written).
//
// Since that measure the set is a development set like the others: the
// next round read its misses and fixed their classes (values such as
// hosts, paths and quoted names; mistyped words; aggregations; putting a
// file on a host; allow-listing; trying before going live; causative
// "have"), checked on all the sets. A new blind set, not read by the one
// tuning, measures the result.
var blindCases = []searchCase{
	{"what tickets are still open on my plate?", []string{"find_cases"}},
	{"close case 8812, turned out to be the pentesters", []string{"update_case", "update_cases"}},
	{"log in the phishing case that the user admitted clicking the link", []string{"add_case_comment"}},
	{"hand the ransomware investigation over to jsmith, I'm going off shift", []string{"update_case", "update_cases"}},
	{"ack all the alerts from that host, I'm looking at them now", []string{"set_alert_status"}},
	{"show me every critical alert on WS-0231 in the last 24 hours", []string{"search_detection_alerts"}},
	{"pull up the detection logic behind this alert, I want to see the query it matched on", []string{"get_detection_rule"}},
	{"is this alert already tracked in some case or do I need to open one?", []string{"get_cases_by_alert"}},
	{"link these 12 alerts to the lateral movement case", []string{"attach_alerts_to_case", "add_case_comment"}},
	{"who bumped the severity on case 4411 last night?", []string{"find_case_user_actions"}},
	{"give the brute force alerts to maria so she can triage them", []string{"set_alert_assignees"}},
	{"label these alerts redteam-exercise so we can filter them out later", []string{"set_alert_tags"}},
	{"escalate this to ServiceNow so the infra team gets an incident", []string{"push_case"}},
	{"how many cases are open vs closed right now", []string{"find_cases"}},
	{"which alerts are attached to the insider threat case?", []string{"get_case_alerts"}},
	{"attach the screenshot of the phishing email to the ticket", []string{"add_case_file"}},
	{"start a new investigation for weird powershell on the finance laptops", []string{"create_case"}},
	{"fix the typo in my last note on case 77", []string{"update_case_comment"}},
	{"I linked an alert to the wrong case, take it off", []string{"delete_case_comment"}},
	{"catch me up on what everyone has written on case 902", []string{"find_case_comments"}},
	{"bulk close everything from 'Unusual Login Activity' older than a week, it's all FP", []string{"set_alert_status"}},
	{"top 10 hosts by number of alerts this week", []string{"search_detection_alerts"}},
	{"what tags do people use on cases? want to stay consistent", []string{"get_case_tags"}},
	{"get rid of the duplicate case I opened by accident", []string{"delete_cases"}},
	{"did the AI find any attack chains overnight?", []string{"find_attack_discoveries"}},
	{"have the assistant correlate today's alerts into attack stories using our gpt-4o conector", []string{"generate_attack_discovery"}},
	{"who has been filing cases? need the list of reporters for the quarterly report", []string{"get_case_reporters"}},
	{"mark the 3 open phishing cases as in progress", []string{"update_cases", "update_case"}},
	{"what's the status of case 1234 and how many alerts are in it", []string{"get_case"}},
	{"reopen 5521, the attacker came back", []string{"update_case", "update_cases"}},
	{"which high severity alerts have nobody assigned to them?", []string{"search_detection_alerts"}},
	{"isolte DESKTOP-7H2K from the network asap, looks like cobalt strike", []string{"isolate_host"}},
	{"reimage is done on srv-app-09, let it back on the network", []string{"unisolate_host"}},
	{"kill pid 4412 on srv-db-02", []string{"kill_process"}},
	{"what's running on that box right now? need the process list", []string{"get_running_processes"}},
	{"pull invoice.exe from C:\\Users\\bob\\Downloads on the victim machine so I can sandbox it", []string{"get_endpoint_file"}},
	{"did my isolate command actually go through?", []string{"get_endpoint_action", "find_endpoint_actions"}},
	{"run netstat -ano on the compromised host", []string{"execute_endpoint_command"}},
	{"do an AV scan of /tmp on linux-web-01", []string{"scan_endpoint"}},
	{"drop our cleanup tool onto the infected host", []string{"upload_endpoint_file"}},
	{"freeze the suspicious rundll32 process but don't kill it yet", []string{"suspend_process"}},
	{"cancel the pending isolation, I picked the wrong host", []string{"cancel_endpoint_action"}},
	{"execute the remediation script on the sentinelone-managed machines", []string{"run_endpoint_script"}},
	{"turn off the Suspicious MSHTA rule, way too noisy", []string{"bulk_detection_rule_action", "patch_detection_rule", "disable_rule"}},
	{"svc_backup running robocopy keeps tripping the exfil rule, carve it out", []string{"create_rule_exception_items", "create_exception_item"}},
	{"whitelist this sha256 in Defend so the EDR stops firing on it", []string{"create_endpoint_list_item"}},
	{"dump all our custom detections to ndjson so I can commit them to git", []string{"export_detection_rules", "bulk_detection_rule_action"}},
	{"load the rules file the other team sent us", []string{"import_detection_rules"}},
	{"are any of the elastic prebuilt rules out of date?", []string{"get_prebuilt_rules_status"}},
	{"pull in the latest elastic detection rules", []string{"install_prebuilt_rules"}},
	{"add 10.20.0.0/16 to the vuln scanner IP list", []string{"create_value_list_item", "import_value_list_items"}},
	{"dry-run my new EQL sequence over the last 7 days to see how noisy it is before I turn it on", []string{"preview_detection_rule"}},
	{"which detections do we have that cover T1059?", []string{"find_detection_rules"}},
	{"write a rule that fires when one user fails login more than 20 times in 5 min", []string{"create_detection_rule"}},
	{"what's currently excluded in the shared 'trusted admin tools' exeptions list?", []string{"find_exception_items"}},
	{"run this: FROM logs-* | WHERE event.action == \"logon-failed\" | STATS count() BY source.ip", []string{"query_esql"}},
	{"what fields are in logs-endpoint.events.process-*? need the name for the parent command line", []string{"get_fields"}},
	{"do we even ingest dns logs? which indices have dns data", []string{"find_indices", "find_epm_data_streams", "find_data_streams"}},
	{"show me what the host did 10 min before and after the alert", []string{"find_events_around"}},
	{"count failed ssh logins per source ip over the last day", []string{"query_esql"}},
	{"grab the raw document abc123 from .ds-logs-windows.sysmon_operational-2024.05.01-000001", []string{"get_document"}},
	{"what else did user jdoe do around the time that alert fired", []string{"find_events_around"}},
	{"check the last hour of okta logs for this user with esql", []string{"query_esql"}},
	{"which fleet agents have gone offline?", []string{"find_agents"}},
	{"move these 50 linux servers over to the hardened policy", []string{"bulk_reassign_agents"}},
	{"need a diag bundle from agent 7c1e for support", []string{"request_agent_diagnostics", "bulk_request_agent_diagnostics"}},
	{"add the aws cloudtrail integration to the prod policy", []string{"create_package_policy"}},
	{"set up a slack hook for the soc channel so rules can post there", []string{"create_connector"}},
	{"what connectors do we have configured?", []string{"list_connectors"}},
	{"spin up a separate space for our MSSP customer Acme", []string{"create_space"}},
	{"tier1 analysts should only be able to read cases, fix their role", []string{"put_role"}},
	{"make a data view for logs-zeek*", []string{"create_data_view"}},
	{"osquery: which linux boxes have accounts with uid 0", []string{"run_osquery"}},
	{"flag the domain controllers as extreme impact", []string{"set_asset_criticality", "bulk_set_asset_criticality"}},
	{"who are our riskiest users right now?", []string{"list_entities"}},
	{"shut up the disk space rule during the patch window saturday 2-6am", []string{"snooze_rule", "create_maintenance_window"}},
	{"export the SOC overview dashboard so I can bring it into the other cluster", []string{"export_saved_objects"}},
	{"find the timeline called 'APT29 hunt'", []string{"find_timelines"}},
	{"recompute risk scores now, I just changed criticality on a bunch of hosts", []string{"run_risk_score_engine"}},
	{"why can't new agents enroll, is fleet even set up properly?", []string{"get_fleet_setup_status"}},
}

// TestToolSearchBlind holds the blind set to the level it reached. Its one
// blind measure (2026-12-07) found 64 of 80 in the top 3 (80%), 46 first,
// under issue 18's bar of 90%; before the ranking work of that day it
// scored 57 of 80 (71%). With the agent_builder and streams toolsets it
// scored 67 and 47; tuned on since: 79 of 80, 58 first (61 without those
// toolsets); with the last Fleet and coverage batches (483 tools), 78 and
// 60.
func TestToolSearchBlind(t *testing.T) {
	holdSet(t, "blind", blindCases, rankFloor{top3: 78, top1: 61})
}

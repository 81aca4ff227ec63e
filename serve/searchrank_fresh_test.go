package serve

import "testing"

// A fresh held-out set of requests for search_tools, written from the
// catalogue listing alone (names, paths, one-line descriptions) before the
// ranking was run on it, in the words an analyst or platform engineer would
// type. It was then read to tune the ranking, so it now guards against
// regressions rather than measuring new wording.
//
// Each request lists the tools that answer it; any one of them counts.
var freshSearchCases = []searchCase{
	// Endpoint response actions.
	{"isolate web-03", []string{"isolate_host"}},
	{"web-03 is clean now, put it back on the network", []string{"unisolate_host"}},
	{"kill pid 4412 on the finance laptop, it's a cobalt strike beacon", []string{"kill_process"}},
	{"what processes are running on db-prod-2 right now?", []string{"get_running_processes"}},
	{"grab /tmp/payload.elf off the box so I can detonate it in the sandbox", []string{"get_endpoint_file", "download_endpoint_file"}},
	{"did my isolation command on ws-114 actually go through?", []string{"get_endpoint_action", "find_endpoint_actions", "get_endpoint_action_status"}},
	{"run a malware sweep of C:\\Users\\Public on the accountant's machine", []string{"scan_endpoint"}},
	{"EDR exception: stop Endpoint from flagging our backup agent binary", []string{"create_endpoint_list_item"}},

	// Cases.
	{"open a new incident for the phishing campaign hitting HR", []string{"create_case"}},
	{"show me all open high severity cases assigned to me", []string{"find_cases"}},
	{"close case 1234, false positive", []string{"update_case", "update_cases"}},
	{"send this case over to ServiceNow", []string{"push_case"}},
	{"link these 5 alerts to the ransomware investigation case", []string{"attach_alerts_to_case", "add_case_comment"}},
	{"who changed the severity on this case and when?", []string{"find_case_user_actions"}},
	{"is this alert already tracked in some case?", []string{"get_cases_by_alert"}},

	// Detection alerts.
	{"mark all alerts from the noisy powershell rule as acknowledged", []string{"set_alert_status"}},
	{"assign the lateral movement alerts to Priya", []string{"set_alert_assignees"}},
	{"pull every critical alert from the last 24 hours on host dc01", []string{"search_detection_alerts"}},
	{"tag these alerts as needs-tier2", []string{"set_alert_tags"}},

	// Detection rules.
	{"turn off the 'Suspicious MSHTA child process' detection rule, it's way too noisy", []string{"patch_detection_rule", "bulk_detection_rule_action", "disable_rule"}},
	{"write a new EQL rule that fires when certutil downloads something", []string{"create_detection_rule"}},
	{"how many of Elastic's prebuilt rules are out of date?", []string{"get_prebuilt_rules_status"}},
	{"backtest my draft KQL query over the last week before I enable it", []string{"preview_detection_rule"}},
	{"export all our custom detections to ndjson for the git repo", []string{"export_detection_rules"}},

	// Exceptions and value lists.
	{"whitelist the SCCM service account so it stops triggering the brute force rule", []string{"create_rule_exception_items", "create_exception_item"}},
	{"which exceptions are on the shared Windows allowlist?", []string{"find_exception_items"}},
	{"add 203.0.113.45 to our blocked IPs list", []string{"create_value_list_item"}},
	{"bulk load a text file of bad domains from the threat intel feed into a value list", []string{"import_value_list_items"}},
	{"which IOC lists do we have?", []string{"find_value_lists"}},

	// Fleet.
	{"which hosts haven't checked into Fleet in a day? show me offline agents", []string{"find_agents"}},
	{"move the linux web servers to the hardened-linux agent policy", []string{"bulk_reassign_agents"}},
	{"remove agent a1b2 from Fleet, we decommissioned that VM", []string{"unenroll_agent", "delete_agent"}},
	{"pull a diagnostics bundle from the agent on mail-gw", []string{"request_agent_diagnostics"}},
	{"add the AWS CloudTrail integration to the cloud-collectors policy", []string{"create_package_policy"}},
	{"is there a newer version of the nginx integration we should install?", []string{"find_packages", "get_package", "find_installed_packages"}},

	// Connectors.
	{"set up a Slack webhook connector for the #soc-alerts channel", []string{"create_connector"}},
	{"send a test message through the PagerDuty connector", []string{"run_connector"}},
	{"what connectors do we have configured?", []string{"list_connectors"}},

	// Timelines and notes.
	{"start a timeline for the investigation of the svc_backup account", []string{"create_timeline"}},
	{"jot a note on this timeline event: beaconing every 60s to 185.x", []string{"add_note"}},
	{"pin that process creation event to my timeline", []string{"pin_event"}},

	// Osquery.
	{"run select * from listening_ports on all linux agents", []string{"run_osquery"}},
	{"what did the osquery live query return?", []string{"get_osquery_results"}},
	{"schedule a pack of persistence queries (crontab, startup items) on the servers policy", []string{"create_osquery_pack"}},

	// Entity analytics.
	{"mark the domain controllers as extreme impact", []string{"set_asset_criticality", "bulk_set_asset_criticality"}},
	{"who are the riskiest users in the environment right now?", []string{"list_entities"}},
	{"recompute risk scores now, I just changed criticality on the DCs", []string{"run_risk_score_engine"}},
	{"is the entity store healthy?", []string{"get_entity_store_status", "list_entity_engines"}},
	{"add jsmith to privileged user monitoring", []string{"create_privileged_user"}},

	// Spaces and roles.
	{"spin up a new Kibana space for the red team", []string{"create_space"}},
	{"give the tier1 analysts read-only access to cases in the SOC space", []string{"put_role"}},

	// Saved objects, dashboards, data views.
	{"which dashboards mention phishing?", []string{"find_dashboards", "find_saved_objects"}},
	{"repoint all the dashboards from the old logs-* index pattern to the new data view", []string{"swap_data_view_references"}},
	{"create a data view for filebeat-*", []string{"create_data_view"}},
	{"back up every dashboard and visualization to a file", []string{"export_saved_objects"}},

	// APM.
	{"bump the transaction sample rate for the checkout service in prod to 0.2", []string{"create_or_update_apm_agent_configuration"}},
	{"upload the source map for frontend v2.3.1 so the RUM stack traces are readable", []string{"upload_apm_sourcemap"}},
	{"when was the payments-api last deployed?", []string{"search_apm_annotations"}},

	// ML.
	{"ML jobs are missing from the UI after restoring the cluster, fix the saved objects", []string{"sync_ml_saved_objects"}},

	// Attack discovery.
	{"run attack discovery over today's alerts", []string{"generate_attack_discovery"}},
	{"show me the attack chains the AI found this week", []string{"find_attack_discoveries"}},
	{"set attack discovery to run every 6 hours and post the results to Slack", []string{"create_attack_discovery_schedule"}},

	// Alerting rules.
	{"stop paging me for the disk usage rule over the weekend", []string{"snooze_rule", "mute_rule"}},
	{"is the alerting framework healthy? rules seem to not be running", []string{"get_alerting_health"}},
}

// TestToolSearchFresh holds the fresh set to the levels it reached when
// it became a development set (issue 18): a change that loses one of its
// requests from the top 3, or from first place, fails here and must be
// weighed rather than slip through.
func TestToolSearchFresh(t *testing.T) {
	holdSet(t, "fresh-64", freshSearchCases, freshFloor)
}

// freshFloor: 55/64 top-3 and 44/64 top-1 when the set was first run,
// blind; with the agent_builder and streams toolsets, 59 and 50 before the
// round on the blind set's misses, 63 and 50 after it; 62 and 50 with the
// last Fleet batch (498 tools).
var freshFloor = rankFloor{top3: 63, top1: 51}

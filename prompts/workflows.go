package prompts

import (
	"fmt"
	"strings"
)

// workflows is the prompt menu, in the order clients show it.
var workflows = []workflow{triageCase, reviewOpenCases, investigateAlert, investigateHost, caseHandoffNote, fleetHealth}

// include asks get_case for what a triage or hand-off reads, in one call.
const include = `include ["comments","alerts","activity"]`

// Write steps below ask the user first: a prompt starts a conversation, and
// changing a case or an alert is the user's call, not the plan's.

var triageCase = workflow{
	name:        "triage_case",
	title:       "Triage a case",
	description: "Review one case end to end: what happened, the evidence, a proposed severity, status and next step.",
	args:        []argument{caseIDArg, spaceArg},
	needs:       []string{"get_case"},
	plan: func(a map[string]string, p *plan) {
		id := a["caseId"]
		p.intro("Triage Kibana case %q.", id)
		p.space(a["space_id"])
		p.step(fmt.Sprintf("`get_case` with caseId %q and %s: the case plus bounded pages of its comments, attached alerts and recent activity.", id, include))
		p.step("`search_detection_alerts` with query {\"ids\":{\"values\":[<attached alert ids>]}}: rule, host and user of each alert (skip if none).")
		p.step("Summarise in a few lines: what happened, which hosts and users, what is known and what is not.")
		p.step("Propose a severity and status, and one next step.")
		changes := nonEmpty(
			p.pick("record the finding with `add_case_comment` (type \"user\", owner as on the case)"),
			p.pick(
				fmt.Sprintf("change status, severity or assignees with `update_case` (caseId %q and only the fields to change; it reads the version itself)", id),
				// update_cases is the bulk form: it wants the latest version,
				// which a comment added just before moves on.
				"change status, severity or assignees with `update_cases` (id, the latest version, only the fields to change)"),
		)
		if len(changes) == 0 {
			p.step("Change nothing: tell me what to change and I will do it in Kibana.")
			return
		}
		p.step("Ask me before changing anything. If I agree, " + strings.Join(changes, ", then ") + ".")
	},
}

var reviewOpenCases = workflow{
	name:        "review_open_cases",
	title:       "Review open cases",
	description: "List the open and in-progress cases, most severe and oldest first, and say what each needs next.",
	args: []argument{
		{name: "owner", description: "Kibana app of the cases: cases, observability or securitySolution", required: true, valid: oneOf(owners)},
		{name: "severity", description: "Only this severity: low, medium, high or critical", valid: oneOf(severities)},
		{name: "tag", description: "Only cases with this tag"},
		spaceArg,
	},
	needs: []string{"find_cases"},
	plan: func(a map[string]string, p *plan) {
		scope := fmt.Sprintf("owner [%q]", a["owner"])
		what := fmt.Sprintf("Review the open cases of owner %q", a["owner"])
		if s := a["severity"]; s != "" {
			scope += fmt.Sprintf(", severity %q", s)
			what += fmt.Sprintf(" of severity %q", s)
		}
		if t := a["tag"]; t != "" {
			scope += fmt.Sprintf(", tags [%q]", t)
			what += fmt.Sprintf(" tagged %q", t)
		}
		p.intro("%s. Do not change anything.", what)
		p.space(a["space_id"])
		p.step(fmt.Sprintf("`find_cases` with status \"open\", %s, sortField \"severity\", perPage 100; then the same with status \"in-progress\". Page on while more remain. Rows come compact.", scope))
		p.step("Order them most severe first and, within a severity, oldest first.")
		p.step("One line per case: id, title, severity, status, age, assignees, and what it needs next (unassigned, stale with no update for days, no alerts attached, ready to close).")
		p.step("`get_case` only for a case whose row leaves its next step unclear.")
	},
}

var investigateAlert = workflow{
	name:        "investigate_alert",
	title:       "Investigate a detection alert",
	description: "Look into one detection alert: its rule, the events around it, related cases and similar open alerts, then propose where it belongs.",
	args: []argument{
		{name: "alertId", description: "The alert's _id", required: true},
		{name: "index", description: "The alert's index (_index)", required: true},
		spaceArg,
	},
	needs: []string{"search_detection_alerts"},
	plan: func(a map[string]string, p *plan) {
		id, index := a["alertId"], a["index"]
		p.intro("Investigate detection alert %q in index %q.", id, index)
		p.space(a["space_id"])
		p.step(fmt.Sprintf("`search_detection_alerts` with query {\"ids\":{\"values\":[%q]}}: its rule (kibana.alert.rule.uuid and .name), host, user and kibana.alert.reason.", id))
		// The evidence: the raw events around the alert, in one call when
		// find_events_around is served, else one ES|QL query; left out
		// when neither is (no path to Elasticsearch).
		p.step(
			fmt.Sprintf("`find_events_around` with alert_id %q: its host's events 15 minutes either side. What led up to it, what followed?", id),
			"`query_esql` with query \"FROM logs-* | WHERE host.name == ?h | SORT @timestamp\", params {\"h\": its host}, start/end 15 minutes either side of it: what led up to it, what followed?")
		p.step("`get_detection_rule` with id = its kibana.alert.rule.uuid: what the rule looks for.")
		p.step(fmt.Sprintf("`get_cases_by_alert` with alertId %q: the cases it is already in.", id))
		p.step("`search_detection_alerts` with query {\"bool\":{\"filter\":[{\"term\":{\"kibana.alert.rule.uuid\":\"<that uuid>\"}},{\"term\":{\"kibana.alert.workflow_status\":\"open\"}}]}}: similar open alerts, how many and on which hosts.")
		p.step("Questions the events leave open (that source or user elsewhere?): one `query_esql` with a STATS.")
		p.step("Summarise: what happened, true or false positive and why, how widespread.")
		attach := p.pick(
			fmt.Sprintf("attach it to an existing case with `attach_alerts_to_case` (caseId, alertIds [%q], index %q; the rule is looked up for you)", id, index),
			// The older way: an alert comment, which needs the rule spelt out.
			fmt.Sprintf("attach it to an existing case with `add_case_comment` (type \"alert\", alertId [%q], index [%q], rule {id, name} from the alert)", id, index))
		create := p.pick("open a new case with `create_case`")
		if attach != "" && create != "" {
			create += " and attach it there"
		}
		options := nonEmpty(attach, create)
		if len(options) == 0 {
			p.step("Propose whether it belongs in an existing case or a new one; I will make the change.")
			return
		}
		p.step("Propose one: " + strings.Join(options, ", or ") + ". Ask me first and do it only if I agree.")
	},
}

var investigateHost = workflow{
	name:        "investigate_host",
	title:       "Investigate a host",
	description: "Size up one host: how critical and how risky it is, its open alerts and recent events, the cases that mention it, and an Osquery query to run if you agree.",
	args: []argument{
		{name: "hostName", description: "The host's host.name", required: true, valid: noSpaces},
		spaceArg,
	},
	needs: []string{"search_detection_alerts"},
	plan: func(a map[string]string, p *plan) {
		host := a["hostName"]
		p.intro("Investigate host %q.", host)
		p.space(a["space_id"])
		p.step(fmt.Sprintf("`get_asset_criticality` with id_field \"host.name\", id_value %q: how critical it is (a 404 means nobody rated it).", host))
		p.step(fmt.Sprintf("`list_entities` with entity_types [\"host\"], filterQuery {\"term\":{\"host.name\":%q}} as a JSON string: its risk score and level, and when it was last seen.", host))
		p.step(fmt.Sprintf("`search_detection_alerts` with query {\"bool\":{\"filter\":[{\"term\":{\"host.name\":%q}},{\"term\":{\"kibana.alert.workflow_status\":\"open\"}}]}}, size 50: its open alerts, by rule and severity.", host))
		// The evidence, when a path to Elasticsearch is served: what the
		// host did around its newest alert, and its last day by category.
		p.step(fmt.Sprintf("`find_events_around` with host %q, time = its newest alert's @timestamp (or \"now\"): what it did then.", host))
		p.step(fmt.Sprintf("`query_esql` with query \"FROM logs-* | WHERE host.name == ?h | STATS n = COUNT(*) BY event.category, event.outcome\", params {\"h\": %q}, start \"now-24h\": its last day.", host))
		p.step(fmt.Sprintf("`find_cases` with search %q: the cases that mention it.", host))
		p.step(
			fmt.Sprintf("Propose one Osquery query that would settle the open question (running processes, listening ports, logged-in users…). Ask me first; only if I agree, find its agent with `find_agents` (kuery \"local_metadata.host.hostname:%s\"), run the query with `run_osquery` (agent_ids [that agent's id], query), then read the rows with `get_osquery_results` (the id and actionId run_osquery names).", host),
			"Propose one Osquery query that would settle the open question (running processes, listening ports, logged-in users…); I will run it.")
		p.step("Summarise: how critical and risky the host is, what its alerts and events say, which cases cover it, and the next step.")
	},
}

var caseHandoffNote = workflow{
	name:        "case_handoff_note",
	title:       "Write a case hand-off note",
	description: "Draft a hand-off note for a case (what happened, evidence, what was done, open questions, next steps) and post it if you agree.",
	args:        []argument{caseIDArg, spaceArg},
	needs:       []string{"get_case"},
	plan: func(a map[string]string, p *plan) {
		id := a["caseId"]
		p.intro("Write a hand-off note for Kibana case %q.", id)
		p.space(a["space_id"])
		p.step(fmt.Sprintf("`get_case` with caseId %q and %s.", id, include))
		p.step("Write the note in Markdown, under 300 words, under these headings: What happened; Evidence (alerts, hosts, users, key comments); Done so far (who, when); Open questions; Next steps; Owner.")
		p.step(
			fmt.Sprintf("Show me the note. If I agree, post it with `add_case_comment` (caseId %q, type \"user\", owner as on the case).", id),
			"Show me the note; I will post it to the case myself.")
	},
}

var fleetHealth = workflow{
	name:        "fleet_health",
	title:       "Fleet agent health",
	description: "Check Fleet setup and agents: unhealthy, offline and outdated agents by policy, with suggested actions. Changes nothing.",
	args:        []argument{spaceArg},
	needs:       []string{"find_agents"},
	plan: func(a map[string]string, p *plan) {
		p.intro("Check the health of the Fleet agents. Do not change anything.")
		p.space(a["space_id"])
		p.step("`get_fleet_setup_status`: is Fleet ready? If not, say what is missing.")
		p.step("`find_agents` with getStatusSummary true, showInactive true, perPage 1: agents per status.")
		p.step("`find_agents` with status [\"offline\",\"error\",\"degraded\",\"updating\"], sortField \"last_checkin\", sortOrder \"asc\": each agent's policy_id, version and last check-in; page on while more remain.")
		p.step("`find_agent_policies` with withAgentCount true: the policy names behind those policy_ids.")
		p.step("`get_agent_available_versions`: agents below the newest version are outdated; `find_agents` with showUpgradeable true lists them.")
		p.step("Summarise unhealthy (error, degraded), offline and updating agents by policy, oldest check-in first, then outdated ones. Suggest actions (check the host, request diagnostics, upgrade, reassign, unenroll) without taking them.")
	},
}

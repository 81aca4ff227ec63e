package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Prebuilt rules, rule preview, tags, privileges and the alerts index.

// ruleLifecycleState is what a space holds beyond its rules. Its zero value
// is a space where the alerts index exists and nothing prebuilt is
// installed, as in a new space.
type ruleLifecycleState struct {
	indexDeleted       bool // the alerts index was deleted
	timelinesInstalled bool // the prebuilt timelines were installed
}

// prebuiltTimelines is how many timelines Elastic's package ships.
const prebuiltTimelines = 3

// prebuiltRule is a rule of the sandbox's small prebuilt package.
type prebuiltRule struct {
	ruleID, name, description, typ, severity string
	risk                                     int
	version                                  int
	tags                                     []string
	extra                                    map[string]any // the type's own members
}

// prebuiltRules are the "Elastic" rules the sandbox offers to install:
// one per common rule type, touching the story's techniques.
var prebuiltRules = []prebuiltRule{
	{"9b3c7c4e-2f3a-4b0e-9a55-6c0b4c2e8a11", "Potential Credential Access via LSASS Memory Dump",
		"Identifies a process dumping the memory of LSASS, which holds credentials.", "eql", "high", 73, 112,
		[]string{"Domain: Endpoint", "OS: Windows", "Tactic: Credential Access"},
		map[string]any{"language": "eql", "index": []any{"logs-endpoint.events.process-*", "winlogbeat-*"},
			"query": `process where event.type == "start" and process.args : ("*lsass*") and process.name : ("procdump.exe", "rundll32.exe")`}},
	{"4c5e2a1d-7b6f-4e8a-b3c2-1d9e0f6a7b22", "Potential SSH Brute Force Detected",
		"Identifies many failed SSH logins from one source to one host.", "threshold", "medium", 47, 108,
		[]string{"Domain: Endpoint", "OS: Linux", "Tactic: Credential Access"},
		map[string]any{"language": "kuery", "index": []any{"logs-system.auth-*"}, "query": "event.category:authentication and event.outcome:failure and process.name:sshd",
			"threshold": map[string]any{"field": []any{"host.id", "source.ip"}, "value": 10}}},
	{"a61e8b3c-5d4f-4a2b-8c7e-3f1b2d9e0c33", "Suspicious MS Office Child Process",
		"Identifies an Office application starting a shell or script host, a sign of a malicious document.", "query", "medium", 47, 210,
		[]string{"Domain: Endpoint", "OS: Windows", "Tactic: Initial Access"},
		map[string]any{"language": "kuery", "index": []any{"logs-endpoint.events.process-*", "winlogbeat-*"},
			"query": "process.parent.name:(winword.exe or excel.exe or powerpnt.exe) and process.name:(cmd.exe or powershell.exe or wscript.exe)"}},
	{"0e2d4f6a-8b1c-4d3e-9f5a-7c2b1e0d4f44", "Threat Intel IP Address Indicator Match",
		"Matches network events against threat-intelligence IP indicators.", "threat_match", "critical", 99, 105,
		[]string{"Rule Type: Indicator Match", "Tactic: Command and Control"},
		map[string]any{"language": "kuery", "index": []any{"logs-network_traffic.*", "packetbeat-*"}, "query": "source.ip:* or destination.ip:*",
			"threat_index": []any{"logs-ti_*"}, "threat_query": "@timestamp >= \"now-30d/d\" and threat.indicator.ip:*", "threat_language": "kuery",
			"threat_indicator_path": "threat.indicator",
			"threat_mapping":        []any{map[string]any{"entries": []any{map[string]any{"field": "destination.ip", "type": "mapping", "value": "threat.indicator.ip"}}}}}},
	{"6f8a0c2e-4b6d-4f1a-a3c5-9e7d5b3a1c55", "Unusual Login Activity",
		"A machine learning job found an unusually high number of authentication attempts.", "machine_learning", "low", 21, 104,
		[]string{"Rule Type: ML", "Tactic: Credential Access"},
		map[string]any{"anomaly_threshold": 50, "machine_learning_job_id": []any{"auth_high_count_logon_events"}}},
}

// prebuiltDoc is a prebuilt rule as installing it stores it: disabled,
// immutable, its source Elastic's package.
func prebuiltDoc(p prebuiltRule) map[string]any {
	body := map[string]any{"rule_id": p.ruleID, "name": p.name, "description": p.description, "type": p.typ,
		"severity": p.severity, "risk_score": p.risk, "version": p.version, "tags": stringsToAny(p.tags),
		"author": []any{"Elastic"}, "license": "Elastic License v2", "enabled": false, "interval": "5m", "from": "now-9m"}
	for key, v := range p.extra {
		body[key] = v
	}
	return newRuleDoc(body)
}

func stringsToAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// prebuiltCounts counts the space's custom rules and its prebuilt ones
// installed, not installed and older than the package's.
func prebuiltCounts(sp *space) (custom, installed, missing, outdated int) {
	for _, r := range sp.detectionRules() {
		if r["immutable"] != true {
			custom++
		}
	}
	for _, p := range prebuiltRules {
		r := sp.detectionRule("rule_id", p.ruleID)
		switch {
		case r == nil:
			missing++
		default:
			installed++
			if anyInt(r["version"]) < p.version {
				outdated++
			}
		}
	}
	return
}

func (k *Kibana) prebuiltRulesStatus(c *call) {
	st := &c.space.alerts
	custom, installed, missing, outdated := prebuiltCounts(c.space)
	timelines := 0
	if st.lifecycle.timelinesInstalled {
		timelines = prebuiltTimelines
	}
	c.ok(map[string]any{
		"rules_custom_installed": custom, "rules_installed": installed, "rules_not_installed": missing, "rules_not_updated": outdated,
		"timelines_installed": timelines, "timelines_not_installed": prebuiltTimelines - timelines, "timelines_not_updated": 0,
	})
}

func (k *Kibana) installPrebuiltRules(c *call) {
	st := &c.space.alerts
	user, now := ruleUser(c), k.now()
	installed, updated := 0, 0
	for _, p := range prebuiltRules {
		doc := prebuiltDoc(p)
		doc["immutable"] = true
		doc["rule_source"] = map[string]any{"type": "external", "is_customized": false, "has_base_version": true, "customized_fields": []any{}}
		doc["updated_at"], doc["updated_by"] = now, user
		old := c.space.detectionRule("rule_id", p.ruleID)
		switch {
		case old == nil:
			doc["id"] = k.newID()
			doc["created_at"], doc["created_by"], doc["revision"] = now, user, 0
			installed++
		default:
			if anyInt(old["version"]) >= p.version {
				continue
			}
			// An update keeps the rule's id and whether it runs.
			doc["id"], doc["enabled"], doc["created_at"], doc["created_by"] = old["id"], old["enabled"], old["created_at"], old["created_by"]
			doc["revision"] = anyInt(old["revision"]) + 1
			updated++
		}
		k.storeDetectionRule(c.space, doc)
	}
	timelines := 0
	if !st.lifecycle.timelinesInstalled {
		st.lifecycle.timelinesInstalled, timelines = true, prebuiltTimelines
	}
	c.ok(map[string]any{"rules_installed": installed, "rules_updated": updated, "timelines_installed": timelines, "timelines_updated": 0})
}

// ---- Preview ----

func (k *Kibana) previewDetectionRule(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	invocations, _ := z.integer(body, "invocationCount", 1)
	if _, ok := body["invocationCount"]; !ok {
		z.add("invocationCount", "Required")
	}
	end, isStr := body["timeframeEnd"].(string)
	endAt, err := time.Parse(time.RFC3339, end)
	if _, ok := body["timeframeEnd"]; !ok {
		z.add("timeframeEnd", "Required")
	} else if !isStr || err != nil {
		z.add("timeframeEnd", "Invalid datetime")
	}
	rule := map[string]any{}
	for key, v := range body {
		if key != "invocationCount" && key != "timeframeEnd" {
			rule[key] = v
		}
	}
	checked, msg := k.checkRuleBody(c, z, rule, true)
	if z.answer(c) {
		return
	}
	if msg != "" {
		siemError(c, http.StatusBadRequest, msg)
		return
	}
	doc := newRuleDoc(checked)
	interval := ruleSeconds(fmt.Sprint(doc["interval"]))
	if interval <= 0 {
		siemError(c, http.StatusBadRequest, fmt.Sprintf("Invalid interval %q", doc["interval"]))
		return
	}
	logged := c.query("enable_logged_requests") == "true"
	logs := []any{}
	for i := invocations - 1; i >= 0; i-- {
		started := endAt.Add(-time.Duration(int64(i)*interval) * time.Second)
		entry := map[string]any{"errors": []any{}, "warnings": []any{}, "startedAt": started.UTC().Format(es.DateFormat), "duration": 40 + (i*37)%160}
		if w := previewWarning(c, doc); w != "" {
			entry["warnings"] = []any{w}
		}
		if logged {
			search, _ := json.Marshal(map[string]any{"index": doc["index"], "query": doc["query"], "language": doc["language"]})
			entry["requests"] = []any{map[string]any{"request_type": "findDocuments", "description": "Find documents", "request": "POST /_search\n" + string(search), "duration": 12 + i%20}}
		}
		logs = append(logs, entry)
	}
	c.ok(map[string]any{"previewId": k.newID(), "logs": logs, "isAborted": false})
}

// previewWarning is what a preview run of the rule would warn about: an
// ML job the space does not have, or no index to search.
func previewWarning(c *call, doc map[string]any) string {
	switch doc["type"] {
	case "machine_learning":
		return "Machine learning job(s) " + strconv.Quote(fmt.Sprint(anyStrings(doc["machine_learning_job_id"]))) + " are not started"
	case "esql", "saved_query":
		return ""
	}
	if len(anyStrings(doc["index"])) == 0 && doc["data_view_id"] == nil {
		return "This rule has no index patterns or data view to search"
	}
	return ""
}

// ---- Tags, privileges, the alerts index ----

func (k *Kibana) detectionRuleTags(c *call) {
	var tags []string
	for _, r := range c.space.detectionRules() {
		for _, t := range anyStrings(r["tags"]) {
			if !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	slices.Sort(tags)
	out := make([]any, len(tags))
	for i, t := range tags {
		out[i] = t
	}
	c.ok(out)
}

func (k *Kibana) detectionPrivileges(c *call) {
	index := alertsAliasName(c.spaceID)
	all := map[string]any{}
	for _, p := range []string{"all", "create", "create_doc", "create_index", "delete", "delete_index", "index", "maintenance", "manage", "monitor", "read", "view_index_metadata", "write"} {
		all[p] = true
	}
	c.ok(map[string]any{
		"username": ruleUser(c), "has_all_requested": true, "is_authenticated": true, "has_encryption_key": true,
		"cluster":     map[string]any{"all": true, "manage": true, "manage_api_key": true, "manage_index_templates": true, "manage_ml": true, "manage_own_api_key": true, "manage_pipeline": true, "manage_security": true, "manage_transform": true, "monitor": true, "monitor_ml": true, "monitor_transform": true},
		"index":       map[string]any{index: all},
		"application": map[string]any{},
	})
}

// alertsAliasName is the alias the detection engine writes alerts to.
func alertsAliasName(spaceID string) string { return ".alerts-security.alerts-" + spaceID }

func (k *Kibana) readAlertsIndex(c *call) {
	if c.space.alerts.lifecycle.indexDeleted {
		siemError(c, http.StatusNotFound, fmt.Sprintf("index for pattern %s-* does not exist", alertsAliasName(c.spaceID)))
		return
	}
	c.ok(map[string]any{"name": alertsAliasName(c.spaceID), "index_mapping_outdated": false})
}

func (k *Kibana) createAlertsIndex(c *call) {
	c.space.alerts.lifecycle.indexDeleted = false
	c.ok(map[string]any{"acknowledged": true})
}

func (k *Kibana) deleteAlertsIndex(c *call) {
	st := &c.space.alerts
	if st.lifecycle.indexDeleted {
		siemError(c, http.StatusNotFound, fmt.Sprintf("index: %q does not exist", alertsAliasName(c.spaceID)))
		return
	}
	st.lifecycle.indexDeleted = true
	if st.index != nil {
		// The alerts go with their index.
		st.index = &es.Index{Name: st.index.Name, Mapping: st.index.Mapping, Multi: st.index.Multi}
	}
	c.ok(map[string]any{"acknowledged": true})
}

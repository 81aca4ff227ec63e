package sandbox

import "strings"

// The story's saved objects beside the dashboards and data views the
// platform seeds: tags the SOC files its work under, a saved search and a
// Lens chart over the story's data views, a saved query for the encoded
// PowerShell rule, the advanced settings, and a legacy URL alias for the
// SOC overview dashboard (its id before a migration).

// seedSavedObjects seeds the default and soc spaces. It runs on the first
// saved-objects call, so its ids are fixed rather than drawn from the
// sandbox's id sequence, which the other areas' ids depend on.
func (k *Kibana) seedSavedObjects() {
	for _, sid := range []string{"default", "soc"} {
		sp := k.spaces[sid]
		if sp == nil {
			continue
		}
		st := k.soState(sp)
		alertsView := ""
		for _, id := range sp.platform.dataViews.order {
			if strings.HasPrefix(sp.platform.dataViews.byID[id].title, ".alerts-security.alerts-") {
				alertsView = id
			}
		}
		tagRef := func(id string) soRef { return soRef{typ: "tag", id: id, name: "tag-ref-" + id} }
		epoch := k.soEpoch()
		objects := []*soObject{
			{typ: "tag", id: "soc-triage", attributes: map[string]any{"name": "SOC triage", "description": "Alerts and cases under first review", "color": "#E7664C"}},
			{typ: "tag", id: "threat-hunting", attributes: map[string]any{"name": "threat hunting", "description": "Hypothesis-driven hunts", "color": "#6092C0"}},
			{typ: "search", id: "failed-logins", attributes: map[string]any{
				"title":       "Failed logins by host",
				"description": "Authentication failures, newest first; the brute-force rule's raw events.",
				"columns":     []any{"host.name", "user.name", "source.ip", "event.outcome"},
				"sort":        []any{[]any{"@timestamp", "desc"}},
				"kibanaSavedObjectMeta": map[string]any{
					"searchSourceJSON": `{"query":{"query":"event.category:authentication and event.outcome:failure","language":"kuery"},"filter":[],"indexRefName":"kibanaSavedObjectMeta.searchSourceJSON.index"}`,
				},
			}, references: []soRef{{typ: "index-pattern", id: "logs-*", name: "kibanaSavedObjectMeta.searchSourceJSON.index"}, tagRef("soc-triage")}},
			{typ: "lens", id: "alerts-by-severity", attributes: map[string]any{
				"title":             "Alerts by severity",
				"description":       "Open detection alerts per day, stacked by severity.",
				"visualizationType": "lnsXY",
				"state": map[string]any{
					"query":         map[string]any{"query": "kibana.alert.workflow_status:open", "language": "kuery"},
					"filters":       []any{},
					"visualization": map[string]any{"preferredSeriesType": "bar_stacked", "layers": []any{map[string]any{"layerId": "l1", "seriesType": "bar_stacked", "xAccessor": "date", "accessors": []any{"count"}, "splitAccessor": "severity"}}},
				},
			}, references: []soRef{{typ: "index-pattern", id: alertsView, name: "indexpattern-datasource-layer-l1"}, tagRef("soc-triage")}},
			{typ: "query", id: "encoded-powershell-query", attributes: map[string]any{
				"title":       "Encoded PowerShell",
				"description": "What the suspicious-powershell rule looks for.",
				"query":       map[string]any{"query": "process.name:powershell.exe and process.args:-enc*", "language": "kuery"},
			}, references: []soRef{tagRef("threat-hunting")}},
			{typ: "config", id: "8.17.0", attributes: map[string]any{"buildNum": 80000, "dateFormat:tz": "UTC", "defaultRoute": "/app/security/get_started", "theme:darkMode": sid == "soc"}},
		}
		for _, o := range objects {
			o.version, o.createdAt, o.updatedAt = 1, epoch, epoch
			key := soKey(o.typ, o.id)
			st.generic[key] = o
			st.order = append(st.order, key)
		}
		for _, d := range sp.platform.dashboards.list {
			if d.title == "SOC overview" {
				st.aliases[soKey("dashboard", "soc-overview")] = d.id
			}
		}
	}
}

package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// One rule, two APIs. In Kibana a detection rule is an alerting rule of a
// siem.* rule type whose params hold what the detection engine adds, and
// the detection engine API shows that one saved object in its own shape.
// The sandbox keeps it the same way: a space's alerting rules (rulesState)
// are the only store; every detection engine read is a view of a siem rule
// (detectionView) and every detection engine write goes back into it
// (storeDetectionRule). A change made through either API shows through
// the other.
//
// What is the alerting rule's own: id, name, tags, enabled, the schedule,
// actions, created and updated dates and users, revision, the last run.
// Everything else is params. The two shapes differ as in Kibana:
//
//   - interval is the alerting rule's schedule.interval;
//   - params are the camelCase members (ruleId, riskScore, maxSignals…) of
//     what the detection engine answers in snake_case (rule_id, risk_score,
//     max_signals…), rule_source and alert_suppression inside too;
//   - an action carries action_type_id and a frequency with notifyWhen in
//     the detection engine, connector_type_id and notify_when in alerting;
//   - a rule-level throttle given to the detection engine becomes each
//     action's frequency, and its answers carry no throttle;
//   - execution_summary is the alerting rule's last run.

// detectionFrameworkMembers are the members of a detection rule that are
// the alerting rule's own, not its params.
var detectionFrameworkMembers = []string{
	"id", "name", "enabled", "interval", "tags", "actions", "throttle", "created_at", "created_by",
	"updated_at", "updated_by", "revision", "execution_summary",
}

// detectionNestedMembers are the params whose own members change case too.
var detectionNestedMembers = []string{"rule_source", "alert_suppression"}

// isDetectionRule reports whether an alerting rule is a detection rule.
func (r *alertingRule) isDetectionRule() bool { return strings.HasPrefix(r.typeID, "siem.") }

// detectionRules lists the space's detection rules, oldest first, as the
// detection engine answers them.
func (sp *space) detectionRules() []map[string]any {
	var out []map[string]any
	for _, id := range sp.rules.order {
		if r := sp.rules.byID[id]; r.isDetectionRule() {
			out = append(out, sp.detectionView(r))
		}
	}
	return out
}

// detectionRule finds a detection rule by id or rule_id; nil when there is
// none.
func (sp *space) detectionRule(key, value string) map[string]any {
	for _, id := range sp.rules.order {
		r := sp.rules.byID[id]
		if !r.isDetectionRule() {
			continue
		}
		if (key == "id" && r.id == value) || (key == "rule_id" && r.params["ruleId"] == value) {
			return sp.detectionView(r)
		}
	}
	return nil
}

// detectionView is a siem alerting rule as the detection engine answers
// it, with the defaults Kibana's answer fills in.
func (sp *space) detectionView(r *alertingRule) map[string]any {
	doc := map[string]any{}
	for key, v := range r.params {
		name := snakeCase(key)
		if slices.Contains(detectionNestedMembers, name) {
			doc[name] = caseKeys(v, snakeCase)
		} else {
			doc[name] = cfgCloneValue(v)
		}
	}
	if _, ok := doc["type"]; !ok {
		for typ, typeID := range siemRuleTypeIDs {
			if typeID == r.typeID {
				doc["type"] = typ
			}
		}
	}
	if _, ok := doc["immutable"]; !ok {
		doc["immutable"] = false
	}
	if _, ok := doc["rule_source"]; !ok {
		doc["rule_source"] = map[string]any{"type": "internal"}
		if doc["immutable"] == true {
			doc["rule_source"] = map[string]any{"type": "external", "is_customized": false}
		}
	}
	for _, key := range []string{"related_integrations", "required_fields"} {
		if _, ok := doc[key]; !ok {
			doc[key] = []any{}
		}
	}
	if _, ok := doc["setup"]; !ok {
		doc["setup"] = ""
	}
	doc["id"], doc["name"], doc["enabled"], doc["interval"] = r.id, r.name, r.enabled, r.interval
	doc["tags"] = cfgStrings(r.tags)
	doc["created_at"], doc["created_by"], doc["updated_at"], doc["updated_by"] = r.createdAt, r.createdBy, r.updatedAt, r.updatedBy
	doc["revision"] = r.revision
	doc["actions"] = sp.detectionActions(r)
	if summary := r.executionSummary(); summary != nil {
		doc["execution_summary"] = summary
	}
	return doc
}

// detectionActions are a rule's actions as the detection engine answers
// them; an action without a frequency of its own takes the rule's.
func (sp *space) detectionActions(r *alertingRule) []any {
	out := []any{}
	for _, a := range r.actions {
		act := map[string]any{"id": a["id"], "group": a["group"], "params": cfgCloneValue(a["params"])}
		if act["params"] == nil {
			act["params"] = map[string]any{}
		}
		act["action_type_id"] = a["connector_type_id"]
		if cn := sp.connectors.byID[fmt.Sprint(a["id"])]; cn != nil {
			act["action_type_id"] = cn.typeID
		}
		if a["uuid"] != nil {
			act["uuid"] = a["uuid"]
		}
		if f, ok := a["frequency"].(map[string]any); ok {
			act["frequency"] = map[string]any{"summary": f["summary"], "notifyWhen": f["notify_when"], "throttle": f["throttle"]}
		} else {
			notify := r.notifyWhen
			if notify == nil {
				notify = "onActiveAlert"
			}
			act["frequency"] = map[string]any{"summary": true, "notifyWhen": notify, "throttle": r.throttle}
		}
		if a["alerts_filter"] != nil {
			act["alerts_filter"] = cfgCloneValue(a["alerts_filter"])
		}
		out = append(out, act)
	}
	return out
}

// executionSummary is the rule's last run as the detection engine answers
// it; nil before the first run.
func (r *alertingRule) executionSummary() map[string]any {
	if r.lastRun == nil {
		return nil
	}
	status, order, message := "succeeded", 0, "Rule execution completed successfully"
	switch r.lastRun["outcome"] {
	case "warning":
		status, order, message = "partial failure", 20, "Rule execution completed with warnings"
	case "failed":
		status, order, message = "failed", 30, "Rule execution failed"
	}
	if msgs := anyStrings(r.lastRun["outcome_msg"]); len(msgs) > 0 {
		message = strings.Join(msgs, " \n")
	}
	metrics := cfgClone(r.lastMetrics)
	if metrics == nil {
		metrics = map[string]any{}
	}
	return map[string]any{"last_execution": map[string]any{
		"date": r.lastExecution, "status": status, "status_order": order, "message": message, "metrics": metrics,
	}}
}

// storeDetectionRule writes a detection rule document into its alerting
// rule, a new one when its id is unknown, and answers the rule as the
// detection engine now shows it. The document's dates and revision are
// stored as given: stamping a change is the caller's.
func (k *Kibana) storeDetectionRule(sp *space, doc map[string]any) map[string]any {
	id := fmt.Sprint(doc["id"])
	r := sp.rules.byID[id]
	isNew := r == nil
	if isNew {
		by, _ := doc["created_by"].(string)
		r = &alertingRule{id: id, consumer: "siem", apiKeyOwner: by, status: "pending", mutedAlertIDs: []string{}}
		r.lastExecution, _ = doc["created_at"].(string)
		sp.rules.add(r)
	}
	wasEnabled := r.enabled
	typ, _ := doc["type"].(string)
	r.typeID = siemRuleTypeIDs[typ]
	r.name, _ = doc["name"].(string)
	r.enabled, _ = doc["enabled"].(bool)
	r.interval, _ = doc["interval"].(string)
	r.tags = anyStrings(doc["tags"])
	r.createdAt, _ = doc["created_at"].(string)
	r.createdBy, _ = doc["created_by"].(string)
	r.updatedAt, _ = doc["updated_at"].(string)
	r.updatedBy, _ = doc["updated_by"].(string)
	r.revision = anyInt(doc["revision"])
	throttle, _ := doc["throttle"].(string)
	r.actions = k.alertingActions(sp, anyList(doc["actions"]), throttle, r.actions)
	r.notifyWhen, r.throttle = nil, nil // the actions carry their frequency
	own := map[string]any{}
	for key, v := range doc {
		if !slices.Contains(detectionFrameworkMembers, key) {
			own[key] = v
		}
	}
	r.params = detectionParams(own)
	switch {
	case !r.enabled:
		r.nextRun = nil
	case isNew || !wasEnabled:
		// Enabled: the rule runs next now, as alerting's _enable says.
		now := k.now()
		r.status, r.lastExecution, r.lastDuration = "pending", now, 0
		if secs := ruleSeconds(r.interval); secs > 0 {
			r.nextRun = k.cfg.Now().UTC().Add(time.Duration(secs) * time.Second).Format(esDateFormat)
		}
	}
	return sp.detectionView(r)
}

// alertingActions are detection rule actions as alerting stores them. An
// action keeps the uuid it had (by connector and group), or gets one; one
// without a frequency takes it from the rule-level throttle, as Kibana's
// detection engine does.
func (k *Kibana) alertingActions(sp *space, actions []any, throttle string, previous []map[string]any) []map[string]any {
	out := []map[string]any{}
	for _, raw := range actions {
		a, _ := raw.(map[string]any)
		if a == nil {
			continue
		}
		id := fmt.Sprint(a["id"])
		group, _ := a["group"].(string)
		if group == "" {
			group = "default"
		}
		act := map[string]any{"id": id, "group": group, "params": a["params"]}
		if act["params"] == nil {
			act["params"] = map[string]any{}
		}
		if a["action_type_id"] != nil {
			act["connector_type_id"] = a["action_type_id"]
		}
		if cn := sp.connectors.byID[id]; cn != nil {
			act["connector_type_id"] = cn.typeID
		}
		if uuid, _ := a["uuid"].(string); uuid != "" {
			act["uuid"] = uuid
		} else {
			act["uuid"] = ruleActionUUID(previous, id, group, k)
		}
		if f, ok := a["frequency"].(map[string]any); ok {
			act["frequency"] = map[string]any{"summary": f["summary"], "notify_when": f["notifyWhen"], "throttle": f["throttle"]}
		} else {
			act["frequency"] = throttleFrequency(throttle)
		}
		if a["alerts_filter"] != nil {
			act["alerts_filter"] = a["alerts_filter"]
		}
		out = append(out, act)
	}
	return out
}

// throttleFrequency is the action frequency a detection rule's throttle
// stands for: rule (or none, or no_actions) notifies on every run, an
// interval at most once per interval.
func throttleFrequency(throttle string) map[string]any {
	switch throttle {
	case "", "rule", "no_actions":
		return map[string]any{"summary": true, "notify_when": "onActiveAlert", "throttle": nil}
	}
	return map[string]any{"summary": true, "notify_when": "onThrottleInterval", "throttle": throttle}
}

// removeDetectionRule deletes a detection rule, which is its alerting rule.
func (k *Kibana) removeDetectionRule(sp *space, id string) { sp.rules.remove(id) }

// detectionParams are the params of the alerting rule of a detection rule
// whose own members (none of detectionFrameworkMembers) are given.
func detectionParams(own map[string]any) map[string]any {
	params := map[string]any{}
	for key, v := range own {
		if slices.Contains(detectionNestedMembers, key) {
			v = caseKeys(v, camelCase)
		} else {
			v = cfgCloneValue(v)
		}
		params[camelCase(key)] = v
	}
	return params
}

// snakeCase turns camelCase into snake_case.
func snakeCase(s string) string {
	var b strings.Builder
	for _, c := range s {
		if unicode.IsUpper(c) {
			b.WriteByte('_')
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// caseKeys copies a value with the keys of its objects, at any depth,
// changed by a case function.
func caseKeys(v any, change func(string) string) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for key, sub := range v {
			out[change(key)] = caseKeys(sub, change)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, sub := range v {
			out[i] = caseKeys(sub, change)
		}
		return out
	}
	return v
}

// anyInt reads a whole number from a document value.
func anyInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	case fmt.Stringer:
		var i int
		fmt.Sscan(n.String(), &i)
		return i
	}
	return 0
}

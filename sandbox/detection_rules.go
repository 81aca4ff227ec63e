package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The detection rule lifecycle: create, update, patch, delete, bulk
// actions, export and import, prebuilt rules, preview, the alerts index.
//
// A detection rule is an alerting rule of a siem type, seen through the
// detection engine's API (detection_rules_store.go): reads answer views of
// it, writes go back into it, so alerting shows every change made here and
// the detection engine every change made through alerting.
//
// What the sandbox approximates: as Kibana's zod validation does, members
// a rule type does not take are dropped, not refused; rules never run, so
// a new rule has no execution_summary; preview counts no real matches.

func (k *Kibana) detectionRulesRoutes() []route {
	return []route{
		newRoute(http.MethodPost, "/api/detection_engine/rules", k.createDetectionRule),
		newRoute(http.MethodPut, "/api/detection_engine/rules", k.updateDetectionRule),
		newRoute(http.MethodPatch, "/api/detection_engine/rules", k.patchDetectionRule),
		newRoute(http.MethodDelete, "/api/detection_engine/rules", k.deleteDetectionRule),
		newRoute(http.MethodPost, "/api/detection_engine/rules/_bulk_action", k.bulkDetectionRuleAction),
		newRoute(http.MethodPost, "/api/detection_engine/rules/_export", k.exportDetectionRules),
		newRoute(http.MethodPost, "/api/detection_engine/rules/_import", k.importDetectionRules),
		newRoute(http.MethodPut, "/api/detection_engine/rules/prepackaged", k.installPrebuiltRules),
		newRoute(http.MethodGet, "/api/detection_engine/rules/prepackaged/_status", k.prebuiltRulesStatus),
		newRoute(http.MethodPost, "/api/detection_engine/rules/preview", k.previewDetectionRule),
		newRoute(http.MethodGet, "/api/detection_engine/tags", k.detectionRuleTags),
		newRoute(http.MethodGet, "/api/detection_engine/privileges", k.detectionPrivileges),
		newRoute(http.MethodPost, "/api/detection_engine/index", k.createAlertsIndex),
		newRoute(http.MethodGet, "/api/detection_engine/index", k.readAlertsIndex),
		newRoute(http.MethodDelete, "/api/detection_engine/index", k.deleteAlertsIndex),
	}
}

// detRuleTypes are the rule types in the order Kibana's discriminator
// message lists them.
var detRuleTypes = []string{"eql", "query", "saved_query", "threshold", "threat_match", "machine_learning", "new_terms", "esql"}

// detCommonMembers are the members every rule type takes.
var detCommonMembers = []string{
	"actions", "alias_purpose", "alias_target_id", "author", "building_block_type", "description", "enabled",
	"exceptions_list", "false_positives", "from", "interval", "investigation_fields", "license", "max_signals", "meta",
	"name", "namespace", "note", "outcome", "output_index", "references", "related_integrations", "required_fields",
	"response_actions", "risk_score", "risk_score_mapping", "rule_id", "rule_name_override", "setup", "severity",
	"severity_mapping", "tags", "threat", "throttle", "timeline_id", "timeline_title", "timestamp_override",
	"timestamp_override_fallback_disabled", "to", "version", "type",
}

// detTypeMembers are the members each type adds, and detTypeRequired those
// it requires.
var (
	detTypeMembers = map[string][]string{
		"query":            {"alert_suppression", "data_view_id", "filters", "index", "saved_id", "language", "query"},
		"eql":              {"language", "query", "alert_suppression", "data_view_id", "event_category_override", "filters", "index", "tiebreaker_field", "timestamp_field"},
		"saved_query":      {"saved_id", "alert_suppression", "data_view_id", "filters", "index", "query", "language"},
		"threshold":        {"query", "threshold", "alert_suppression", "data_view_id", "filters", "index", "saved_id", "language"},
		"threat_match":     {"query", "threat_index", "threat_mapping", "threat_query", "alert_suppression", "concurrent_searches", "data_view_id", "filters", "index", "items_per_search", "saved_id", "threat_filters", "threat_indicator_path", "threat_language", "language"},
		"machine_learning": {"anomaly_threshold", "machine_learning_job_id", "alert_suppression"},
		"new_terms":        {"history_window_start", "new_terms_fields", "query", "alert_suppression", "data_view_id", "filters", "index", "language"},
		"esql":             {"alert_suppression", "language", "query"},
	}
	detTypeRequired = map[string][]string{
		"eql":              {"query", "language"},
		"esql":             {"query", "language"},
		"threshold":        {"query", "threshold"},
		"threat_match":     {"query", "threat_query", "threat_mapping", "threat_index"},
		"machine_learning": {"machine_learning_job_id", "anomaly_threshold"},
		"new_terms":        {"query", "new_terms_fields", "history_window_start"},
		"saved_query":      {"saved_id"},
	}
)

// siemRuleTypeIDs are the alerting rule types of the detection rule types.
var siemRuleTypeIDs = map[string]string{
	"query": "siem.queryRule", "saved_query": "siem.savedQueryRule", "eql": "siem.eqlRule", "esql": "siem.esqlRule",
	"threshold": "siem.thresholdRule", "threat_match": "siem.indicatorRule", "new_terms": "siem.newTermsRule", "machine_learning": "siem.mlRule",
}

// checkRuleBody validates a rule as create, update and preview take it
// (full) or as patch does, in the words of Kibana's zod validation. It
// answers the members the rule type keeps, with the type's defaults.
func (k *Kibana) checkRuleBody(c *call, z *zod, body map[string]any, full bool) (map[string]any, string) {
	typ, _ := body["type"].(string)
	if _, given := body["type"]; (given || full) && !slices.Contains(detRuleTypes, typ) {
		z.add("type", "Invalid discriminator value. Expected '%s'", strings.Join(detRuleTypes, "' | '"))
		return nil, ""
	}
	if full {
		for _, key := range []string{"name", "description", "risk_score", "severity"} {
			if _, ok := body[key]; !ok {
				z.add(key, "Required")
			}
		}
		for _, key := range detTypeRequired[typ] {
			if _, ok := body[key]; !ok {
				z.add(key, "Required")
			}
		}
	}
	for _, key := range []string{"name", "description"} {
		if v, ok := body[key]; ok {
			if s, isStr := v.(string); !isStr {
				z.add(key, "Expected string, received %s", zodType(v))
			} else if s == "" {
				z.add(key, "String must contain at least 1 character(s)")
			}
		}
	}
	if _, ok := body["risk_score"]; ok {
		if n, good := z.integer(body, "risk_score", 0); good && n > 100 {
			z.add("risk_score", "Number must be less than or equal to 100")
		}
	}
	if _, ok := body["severity"]; ok {
		z.enum(body, "severity", false, "low", "medium", "high", "critical")
	}
	z.integer(body, "max_signals", 1)
	for _, key := range []string{"tags", "index", "author", "references", "false_positives", "threat_index", "new_terms_fields"} {
		if _, ok := body[key]; ok {
			z.stringList(body, "", key, false, 0, false)
		}
	}
	for _, key := range []string{"enabled"} {
		if v, ok := body[key]; ok {
			if _, isBool := v.(bool); !isBool {
				z.add(key, "Expected boolean, received %s", zodType(v))
			}
		}
	}
	if lang, ok := body["language"].(string); ok && typ != "" {
		want := []string{"kuery", "lucene"}
		if typ == "eql" || typ == "esql" {
			want = []string{typ}
		}
		if !slices.Contains(want, lang) {
			z.add("language", "Invalid enum value. Expected '%s', received '%s'", strings.Join(want, "' | '"), lang)
		}
	}
	if th, ok := body["threshold"]; ok && (typ == "threshold" || typ == "") {
		obj, isObj := th.(map[string]any)
		if !isObj {
			z.add("threshold", "Expected object, received %s", zodType(th))
		} else {
			if _, ok := obj["field"]; !ok {
				z.add("threshold.field", "Required")
			}
			z.integer(obj, "value", 1)
			if _, ok := obj["value"]; !ok {
				z.add("threshold.value", "Required")
			}
		}
	}
	if v, ok := body["new_terms_fields"].([]any); ok && (len(v) < 1 || len(v) > 3) {
		z.add("new_terms_fields", "Array must contain between 1 and 3 element(s)")
	}
	if _, ok := body["anomaly_threshold"]; ok {
		z.integer(body, "anomaly_threshold", 0)
	}
	if v, ok := body["threat_mapping"]; ok {
		if list, isList := v.([]any); !isList || len(list) == 0 {
			z.add("threat_mapping", "Array must contain at least 1 element(s)")
		}
	}
	if actions, ok := body["actions"].([]any); ok {
		for i, a := range actions {
			act, _ := a.(map[string]any)
			id, _ := act["id"].(string)
			if act == nil || id == "" {
				z.add(fmt.Sprintf("actions.%d.id", i), "Required")
				continue
			}
			if c.space.connectors.byID[id] == nil {
				return nil, fmt.Sprintf("Failed to validate actions due to the following error: Invalid connectorId \"%s\"", id)
			}
		}
	}
	if len(z.issues) > 0 {
		return nil, ""
	}
	if errs := ruleCrossChecks(body, typ); len(errs) > 0 {
		return nil, strings.Join(errs, ", ")
	}
	keep := map[string]any{}
	allowed := append(slices.Clone(detCommonMembers), detTypeMembers[typ]...)
	for key, v := range body {
		if typ == "" || slices.Contains(allowed, key) {
			keep[key] = v
		}
	}
	return keep, ""
}

// ruleCrossChecks are the rules across members that Kibana's routes check
// after the schema: a timeline template named by id and title together,
// neither empty; a threat match's batching given whole; no cardinality of
// a field the threshold groups by.
func ruleCrossChecks(body map[string]any, typ string) []string {
	var errs []string
	for _, pair := range [][2]string{{"timeline_id", "timeline_title"}, {"timeline_title", "timeline_id"}} {
		v, given := body[pair[0]]
		_, other := body[pair[1]]
		switch {
		case given && !other:
			errs = append(errs, fmt.Sprintf("when %q exists, %q must also exist", pair[0], pair[1]))
		case given && v == "":
			errs = append(errs, fmt.Sprintf("%q cannot be an empty string", pair[0]))
		}
	}
	if typ == "threat_match" {
		_, cs := body["concurrent_searches"]
		_, ips := body["items_per_search"]
		if cs && !ips {
			errs = append(errs, `when "concurrent_searches" exists, "items_per_search" must also exist`)
		} else if ips && !cs {
			errs = append(errs, `when "items_per_search" exists, "concurrent_searches" must also exist`)
		}
	}
	if th, ok := body["threshold"].(map[string]any); ok && typ == "threshold" {
		fields := anyStrings(th["field"])
		if f, isStr := th["field"].(string); isStr {
			fields = []string{f}
		}
		if card := anyList(th["cardinality"]); len(card) > 0 {
			if c, _ := card[0].(map[string]any); c != nil && slices.Contains(fields, fmt.Sprint(c["field"])) {
				errs = append(errs, "Cardinality of a field that is being aggregated on is always 1")
			}
		}
		if len(fields) > 5 {
			errs = append(errs, "Number of fields must be 5 or less")
		}
	}
	return errs
}

// newRuleDoc is a rule document from a checked body: Kibana's defaults,
// then the members given.
func newRuleDoc(body map[string]any) map[string]any {
	typ := body["type"].(string)
	doc := map[string]any{
		"enabled": true, "tags": []any{}, "interval": "5m", "from": "now-6m", "to": "now", "max_signals": 100,
		"author": []any{}, "false_positives": []any{}, "references": []any{}, "threat": []any{}, "actions": []any{},
		"exceptions_list": []any{}, "risk_score_mapping": []any{}, "severity_mapping": []any{},
		"related_integrations": []any{}, "required_fields": []any{}, "setup": "", "version": 1,
	}
	if typ != "machine_learning" && typ != "eql" && typ != "esql" {
		doc["language"] = "kuery"
	}
	if typ == "query" || typ == "saved_query" || typ == "threshold" || typ == "threat_match" {
		doc["filters"] = []any{}
	}
	if typ == "query" {
		doc["query"] = ""
	}
	for key, v := range body {
		doc[key] = v
	}
	if jobs, ok := doc["machine_learning_job_id"].(string); ok {
		// Kibana stores one job as a list of one.
		doc["machine_learning_job_id"] = []any{jobs}
	}
	if fields, ok := doc["required_fields"].([]any); ok {
		out := []any{}
		for _, f := range fields {
			if m, ok := f.(map[string]any); ok {
				out = append(out, map[string]any{"name": m["name"], "type": m["type"], "ecs": false})
			}
		}
		doc["required_fields"] = out
	}
	return doc
}

// ruleNamed finds the rule a request names by id or rule_id (in the query
// or the body), answering Kibana's 400 or 404 otherwise (and nil).
func ruleNamed(c *call, id, ruleID string) map[string]any {
	switch {
	case id != "":
		if r := c.space.detectionRule("id", id); r != nil {
			return r
		}
		siemError(c, http.StatusNotFound, fmt.Sprintf("id: %q not found", id))
	case ruleID != "":
		if r := c.space.detectionRule("rule_id", ruleID); r != nil {
			return r
		}
		siemError(c, http.StatusNotFound, fmt.Sprintf("rule_id: %q not found", ruleID))
	default:
		siemError(c, http.StatusBadRequest, `either "id" or "rule_id" must be set`)
	}
	return nil
}

// ruleBody reads and checks a rule body (whole, or a patch), answering the
// 400 itself when it is wrong; ok says whether to go on.
func (k *Kibana) ruleBody(c *call, whole bool) (body, checked map[string]any, ok bool) {
	z := &zod{where: "request body"}
	if body = z.body(c); body == nil {
		z.answer(c)
		return nil, nil, false
	}
	checked, msg := k.checkRuleBody(c, z, body, whole)
	if z.answer(c) {
		return nil, nil, false
	}
	if msg != "" {
		siemError(c, http.StatusBadRequest, msg)
		return nil, nil, false
	}
	return body, checked, true
}

func (k *Kibana) createDetectionRule(c *call) {
	_, checked, ok := k.ruleBody(c, true)
	if !ok {
		return
	}
	doc, ok := k.addDetectionRule(c, checked)
	if ok {
		c.ok(doc)
	}
}

// addDetectionRule stores a new rule, answering 409 when its rule_id is
// taken.
func (k *Kibana) addDetectionRule(c *call, checked map[string]any) (map[string]any, bool) {
	doc := newRuleDoc(checked)
	if rid, _ := doc["rule_id"].(string); rid == "" {
		doc["rule_id"] = k.newID()
	} else if c.space.detectionRule("rule_id", rid) != nil {
		siemError(c, http.StatusConflict, fmt.Sprintf("rule_id: %q already exists", rid))
		return nil, false
	}
	user, now := ruleUser(c), k.now()
	doc["id"] = k.newID()
	doc["immutable"] = false
	doc["rule_source"] = map[string]any{"type": "internal"}
	doc["created_at"], doc["created_by"], doc["updated_at"], doc["updated_by"] = now, user, now, user
	doc["revision"] = 0
	return k.storeDetectionRule(c.space, doc), true
}

func (k *Kibana) updateDetectionRule(c *call) {
	body, checked, ok := k.ruleBody(c, true)
	if !ok {
		return
	}
	id, _ := body["id"].(string)
	ruleID, _ := body["rule_id"].(string)
	old := ruleNamed(c, id, ruleID)
	if old == nil {
		return
	}
	delete(checked, "rule_id")
	doc := newRuleDoc(checked)
	k.keepRuleIdentity(c, old, doc)
	c.ok(k.storeDetectionRule(c.space, doc))
}

// keepRuleIdentity carries what a change cannot alter from the stored rule
// to its new version, and stamps the change.
func (k *Kibana) keepRuleIdentity(c *call, old, doc map[string]any) {
	for _, key := range []string{"id", "rule_id", "immutable", "rule_source", "created_at", "created_by"} {
		if v, ok := old[key]; ok {
			doc[key] = v
		}
	}
	if src, ok := old["rule_source"].(map[string]any); ok && src["type"] == "external" {
		// A prebuilt rule changed by the user is customized from then on.
		doc["rule_source"] = map[string]any{"type": "external", "is_customized": true, "has_base_version": true, "customized_fields": []any{}}
		if _, given := doc["version"]; !given || doc["version"] == 1 {
			doc["version"] = old["version"]
		}
	}
	doc["revision"] = anyInt(old["revision"]) + 1
	doc["updated_at"], doc["updated_by"] = k.now(), ruleUser(c)
}

func (k *Kibana) patchDetectionRule(c *call) {
	body, patch, ok := k.ruleBody(c, false)
	if !ok {
		return
	}
	id, _ := body["id"].(string)
	ruleID, _ := body["rule_id"].(string)
	old := ruleNamed(c, id, ruleID)
	if old == nil {
		return
	}
	merged := cfgClone(old)
	delete(patch, "id")
	delete(patch, "rule_id")
	for key, v := range patch {
		merged[key] = v
	}
	// The merged rule must be a whole rule of its (maybe new) type.
	z := &zod{where: "request body"}
	typ, _ := merged["type"].(string)
	for _, key := range detTypeRequired[typ] {
		if _, ok := merged[key]; !ok {
			z.add(key, "Required")
		}
	}
	if z.answer(c) {
		return
	}
	for key := range merged {
		if slices.Contains(detCommonMembers, key) || slices.Contains(detTypeMembers[typ], key) {
			continue
		}
		if slices.ContainsFunc(detRuleTypes, func(t string) bool { return slices.Contains(detTypeMembers[t], key) }) {
			delete(merged, key) // a member of the type the rule had before
		}
	}
	if typ != old["type"] {
		defaults := newRuleDoc(map[string]any{"type": typ})
		for _, key := range []string{"language", "filters", "query"} {
			if _, ok := merged[key]; !ok && defaults[key] != nil {
				merged[key] = defaults[key]
			}
		}
		if typ == "machine_learning" || typ == "esql" {
			delete(merged, "filters")
		}
	}
	if jobs, ok := merged["machine_learning_job_id"].(string); ok {
		merged["machine_learning_job_id"] = []any{jobs}
	}
	k.keepRuleIdentity(c, old, merged)
	if _, given := patch["version"]; !given {
		merged["version"] = old["version"]
	}
	c.ok(k.storeDetectionRule(c.space, merged))
}

func (k *Kibana) deleteDetectionRule(c *call) {
	q := c.r.URL.Query()
	if _, ok := q["id"]; ok && !uuidShape().MatchString(q.Get("id")) {
		c.badRequest("[request query]: id: Invalid uuid")
		return
	}
	doc := ruleNamed(c, q.Get("id"), q.Get("rule_id"))
	if doc == nil {
		return
	}
	k.removeDetectionRule(c.space, fmt.Sprint(doc["id"]))
	c.ok(doc)
}

// camelCase turns snake_case into camelCase.
func camelCase(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// ruleJSONLine is a rule as one line of an export.
func ruleJSONLine(r map[string]any) []byte {
	out := map[string]any{}
	for key, v := range r {
		if key != "execution_summary" {
			out[key] = v
		}
	}
	b, _ := json.Marshal(out)
	return b
}

package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
)

// Bulk actions, export and import of detection rules.

// bulkRuleActions are the bulk actions in the order Kibana's message lists
// them.
var bulkRuleActions = []string{"delete", "disable", "enable", "export", "duplicate", "run", "fill_gaps", "edit"}

// bulkOutcome gathers what a bulk action did to each rule.
type bulkOutcome struct {
	updated, created, deleted, skipped []any
	errors                             []any
}

func (o *bulkOutcome) fail(r map[string]any, status int, code, message string) {
	e := map[string]any{"message": message, "status_code": status, "rules": []any{map[string]any{"id": r["id"], "name": r["name"]}}}
	if code != "" {
		e["err_code"] = code
	}
	o.errors = append(o.errors, e)
}

func (k *Kibana) bulkDetectionRuleAction(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	action, _ := body["action"].(string)
	if !slices.Contains(bulkRuleActions, action) {
		z.add("action", "Invalid discriminator value. Expected '%s'", strings.Join(bulkRuleActions, "' | '"))
	}
	if _, ok := body["ids"]; ok {
		z.stringList(body, "", "ids", false, 1, true)
	}
	if v, ok := body["query"]; ok {
		if _, isStr := v.(string); !isStr {
			z.add("query", "Expected string, received %s", zodType(v))
		}
	}
	switch action {
	case "edit":
		if list, ok := body["edit"].([]any); !ok {
			z.add("edit", "Required")
		} else if len(list) == 0 {
			z.add("edit", "Array must contain at least 1 element(s)")
		} else {
			for i, e := range list {
				m, _ := e.(map[string]any)
				if _, known := bulkEditOps[fmt.Sprint(m["type"])]; !known {
					z.add(fmt.Sprintf("edit.%d.type", i), "Invalid input")
				} else if _, has := m["value"]; !has && m["type"] != "delete_alert_suppression" {
					z.add(fmt.Sprintf("edit.%d.value", i), "Required")
				}
			}
		}
	case "run", "fill_gaps":
		if dates, ok := z.object(body, action, true); ok {
			for _, key := range []string{"start_date", "end_date"} {
				if _, isStr := dates[key].(string); !isStr {
					z.add(action+"."+key, "Required")
				}
			}
		}
	}
	if z.answer(c) {
		return
	}
	dryRun := c.query("dry_run") == "true"
	_, byIDs := body["ids"]
	query, _ := body["query"].(string)
	switch {
	case byIDs && query != "":
		siemError(c, http.StatusBadRequest, "Both query and ids are sent. Define either ids or query in request payload.")
		return
	case dryRun && action == "export":
		siemError(c, http.StatusBadRequest, "Export action doesn't support dry_run mode")
		return
	}
	out := &bulkOutcome{}
	var chosen []map[string]any
	if byIDs {
		ids, _ := z.stringList(body, "", "ids", false, 1, true)
		for _, id := range ids {
			if r := c.space.detectionRule("id", id); r != nil {
				chosen = append(chosen, r)
			} else {
				out.fail(map[string]any{"id": id}, http.StatusNotFound, "", "Rule not found")
			}
		}
	} else {
		var ok bool
		if chosen, ok = k.rulesMatching(c, c.space.detectionRules(), strings.TrimSpace(query)); query != "" && !ok {
			return
		}
		if query == "" {
			chosen = c.space.detectionRules()
		}
		if _, ranged := body["gaps_range_start"]; ranged {
			chosen = slices.DeleteFunc(chosen, func(r map[string]any) bool { return !ruleHadGap(r) })
		}
	}
	if action == "export" {
		k.writeRulesExport(c, chosen, nil, false, "rules_export.ndjson")
		return
	}
	for _, r := range chosen {
		k.bulkOne(c, action, body, r, dryRun, out)
	}
	total := len(chosen) + len(out.errors)
	if byIDs {
		total = len(chosen) + countNotFound(out.errors)
	}
	failed := len(out.errors)
	succeeded := total - failed - len(out.skipped)
	attrs := map[string]any{
		"results": map[string]any{"updated": nonNilAnys(out.updated), "created": nonNilAnys(out.created), "deleted": nonNilAnys(out.deleted), "skipped": nonNilAnys(out.skipped)},
		"summary": map[string]any{"total": total, "succeeded": succeeded, "failed": failed, "skipped": len(out.skipped)},
	}
	if dryRun {
		attrs["results"] = map[string]any{"updated": []any{}, "created": []any{}, "deleted": []any{}, "skipped": []any{}}
	}
	if failed > 0 {
		attrs["errors"] = out.errors
		c.json(http.StatusInternalServerError, map[string]any{"message": "Bulk edit partially failed", "status_code": 500, "rules_count": total, "success": false, "attributes": attrs})
		return
	}
	c.ok(map[string]any{"success": true, "rules_count": total, "attributes": attrs})
}

func countNotFound(errs []any) int {
	n := 0
	for _, e := range errs {
		if e.(map[string]any)["status_code"] == http.StatusNotFound {
			n++
		}
	}
	return n
}

func nonNilAnys(s []any) []any {
	if s == nil {
		return []any{}
	}
	return s
}

// bulkOne applies a bulk action to one rule (to a copy in a dry run).
func (k *Kibana) bulkOne(c *call, action string, body, r map[string]any, dryRun bool, out *bulkOutcome) {
	user := ruleUser(c)
	// save stores a changed rule and answers it as stored.
	save := func(doc map[string]any) map[string]any {
		if dryRun {
			return doc
		}
		return k.storeDetectionRule(c.space, doc)
	}
	switch action {
	case "enable", "disable":
		doc := cfgClone(r)
		doc["enabled"] = action == "enable"
		doc["updated_at"], doc["updated_by"] = k.now(), user
		out.updated = append(out.updated, save(doc))
	case "delete":
		if !dryRun {
			k.removeDetectionRule(c.space, fmt.Sprint(r["id"]))
		}
		out.deleted = append(out.deleted, r)
	case "duplicate":
		dup, _ := body["duplicate"].(map[string]any)
		doc := cfgClone(r)
		doc["id"], doc["rule_id"] = k.newID(), k.newID()
		doc["name"] = fmt.Sprint(r["name"]) + " [Duplicate]"
		doc["enabled"], doc["immutable"] = false, false
		doc["rule_source"] = map[string]any{"type": "internal"}
		doc["revision"] = 0
		now := k.now()
		doc["created_at"], doc["created_by"], doc["updated_at"], doc["updated_by"] = now, user, now, user
		delete(doc, "execution_summary")
		if dup == nil || dup["include_exceptions"] != true {
			doc["exceptions_list"] = []any{}
		}
		// The copy's actions are its own.
		for _, a := range anyList(doc["actions"]) {
			delete(a.(map[string]any), "uuid")
		}
		out.created = append(out.created, save(doc))
	case "run", "fill_gaps":
		dates := body[action].(map[string]any)
		start, errStart := time.Parse(time.RFC3339, fmt.Sprint(dates["start_date"]))
		end, errEnd := time.Parse(time.RFC3339, fmt.Sprint(dates["end_date"]))
		switch {
		case errStart != nil || errEnd != nil || !start.Before(end):
			out.fail(r, http.StatusBadRequest, "", "Backfill end must be greater than backfill start")
		case end.After(k.cfg.Now()):
			out.fail(r, http.StatusBadRequest, "", "Backfill cannot look into the future")
		case r["enabled"] != true:
			out.fail(r, http.StatusBadRequest, "MANUAL_RULE_RUN_DISABLED_RULE", "Cannot schedule manual rule run for a disabled rule")
		default:
			out.updated = append(out.updated, r)
		}
	case "edit":
		doc := cfgClone(r)
		changed := false
		for _, e := range body["edit"].([]any) {
			op := e.(map[string]any)
			did, code, msg := applyBulkEdit(doc, op)
			if msg != "" {
				out.fail(r, http.StatusBadRequest, code, msg)
				return
			}
			changed = changed || did
		}
		if !changed {
			out.skipped = append(out.skipped, map[string]any{"id": r["id"], "name": r["name"], "skip_reason": "RULE_NOT_MODIFIED"})
			return
		}
		doc["revision"] = anyInt(r["revision"]) + 1
		doc["updated_at"], doc["updated_by"] = k.now(), user
		out.updated = append(out.updated, save(doc))
	}
}

// bulkEditOps are the bulk edit types and the rule member each changes.
var bulkEditOps = map[string]string{
	"add_tags": "tags", "delete_tags": "tags", "set_tags": "tags",
	"add_index_patterns": "index", "delete_index_patterns": "index", "set_index_patterns": "index",
	"add_investigation_fields": "investigation_fields", "delete_investigation_fields": "investigation_fields", "set_investigation_fields": "investigation_fields",
	"set_timeline": "timeline_id", "add_rule_actions": "actions", "set_rule_actions": "actions", "set_schedule": "interval",
	"set_alert_suppression": "alert_suppression", "set_alert_suppression_for_threshold": "alert_suppression", "delete_alert_suppression": "alert_suppression",
}

// applyBulkEdit applies one edit to a rule document; it says whether the
// rule changed, or why the edit cannot apply (an error code and message).
func applyBulkEdit(doc, op map[string]any) (changed bool, code, msg string) {
	typ := fmt.Sprint(op["type"])
	value := op["value"]
	before, _ := json.Marshal(doc)
	ruleType := fmt.Sprint(doc["type"])
	editList := func(member string, values []any) {
		doc[member] = editStrings(typ, doc[member], values)
	}
	switch member := bulkEditOps[typ]; member {
	case "tags":
		list, _ := value.([]any)
		editList("tags", list)
	case "index":
		switch ruleType {
		case "machine_learning":
			return false, "MACHINE_LEARNING_INDEX_PATTERN", "Machine learning rule doesn't have index patterns"
		case "esql":
			return false, "ESQL_INDEX_PATTERN", "ES|QL rule doesn't have index patterns"
		}
		list, _ := value.([]any)
		editList("index", list)
		if len(anyStrings(doc["index"])) == 0 {
			return false, "", "Mutated params invalid: Index patterns can't be empty"
		}
		if op["overwrite_data_views"] == true {
			delete(doc, "data_view_id")
		}
	case "investigation_fields":
		v, _ := value.(map[string]any)
		cur, _ := doc["investigation_fields"].(map[string]any)
		names := editStrings(typ, cur["field_names"], anyList(v["field_names"]))
		if len(names) == 0 {
			delete(doc, "investigation_fields")
		} else {
			doc["investigation_fields"] = map[string]any{"field_names": names}
		}
	case "timeline_id":
		v, _ := value.(map[string]any)
		doc["timeline_id"], doc["timeline_title"] = v["timeline_id"], v["timeline_title"]
	case "actions":
		v, _ := value.(map[string]any)
		actions := []any{}
		if typ == "add_rule_actions" {
			actions = anyList(doc["actions"])
		}
		for _, a := range anyList(v["actions"]) {
			m, _ := a.(map[string]any)
			act := cfgClone(m)
			if act["group"] == nil {
				act["group"] = "default"
			}
			actions = append(actions, act)
		}
		doc["actions"] = actions
		if throttle, ok := v["throttle"].(string); ok {
			doc["throttle"] = throttle // the frequency of the actions given without one
		}
	case "interval":
		v, _ := value.(map[string]any)
		interval, lookback := fmt.Sprint(v["interval"]), fmt.Sprint(v["lookback"])
		secs := ruleSeconds(interval) + ruleSeconds(lookback)
		doc["interval"], doc["from"] = interval, fmt.Sprintf("now-%ds", secs)
	case "alert_suppression":
		switch {
		case typ == "delete_alert_suppression":
			delete(doc, "alert_suppression")
		case typ == "set_alert_suppression" && ruleType == "threshold":
			return false, "THRESHOLD_RULE_TYPE_IN_SUPPRESSION", "Threshold rule doesn't support this action. Use 'set_alert_suppression_for_threshold' action instead"
		case typ == "set_alert_suppression_for_threshold" && ruleType != "threshold":
			return false, "UNSUPPORTED_RULE_IN_SUPPRESSION_FOR_THRESHOLD", "Rule type doesn't support this action. Use 'set_alert_suppression' action instead."
		default:
			doc["alert_suppression"] = value
		}
	}
	after, _ := json.Marshal(doc)
	return !bytes.Equal(before, after), "", ""
}

// editStrings adds, deletes or sets values in a list of strings, as the
// edit type's prefix says; adding keeps the list free of repeats.
func editStrings(typ string, current any, values []any) []any {
	cur := anyStrings(current)
	given := anyStrings(values)
	switch {
	case strings.HasPrefix(typ, "add_"):
		for _, v := range given {
			if !slices.Contains(cur, v) {
				cur = append(cur, v)
			}
		}
	case strings.HasPrefix(typ, "delete_"):
		cur = slices.DeleteFunc(cur, func(v string) bool { return slices.Contains(given, v) })
	default:
		cur = given
	}
	list := make([]any, len(cur))
	for i, v := range cur {
		list[i] = v
	}
	return list
}

func anyList(v any) []any {
	list, _ := v.([]any)
	return list
}

// ruleHadGap reports whether a rule's last run found a gap since the run
// before. The sandbox keeps no gap history, so a gap range (find, bulk
// actions) chooses the rules whose last run had one.
func ruleHadGap(r map[string]any) bool {
	summary, _ := r["execution_summary"].(map[string]any)
	last, _ := summary["last_execution"].(map[string]any)
	metrics, _ := last["metrics"].(map[string]any)
	return anyInt(metrics["execution_gap_duration_s"]) > 0
}

func anyStrings(v any) []string {
	var out []string
	switch list := v.(type) {
	case []any:
		for _, e := range list {
			out = append(out, fmt.Sprint(e))
		}
	case []string:
		out = append(out, list...)
	}
	return out
}

// ---- Export and import ----

func (k *Kibana) exportDetectionRules(c *call) {
	rules := c.space.detectionRules()
	var missing []any
	if trimmed := bytes.TrimSpace(c.rawBody); len(trimmed) > 0 && !bytes.Equal(trimmed, []byte("null")) {
		z, body := zodBody(c)
		if body == nil {
			return
		}
		list, ok := body["objects"].([]any)
		if !ok {
			if _, given := body["objects"]; given {
				z.add("objects", "Expected array, received %s", zodType(body["objects"]))
			} else {
				z.add("objects", "Required")
			}
		}
		for i, o := range list {
			m, _ := o.(map[string]any)
			if _, isStr := m["rule_id"].(string); !isStr {
				z.add(fmt.Sprintf("objects.%d.rule_id", i), "Required")
			}
		}
		if z.answer(c) {
			return
		}
		rules = nil
		for _, o := range list {
			rid := o.(map[string]any)["rule_id"].(string)
			if r := c.space.detectionRule("rule_id", rid); r != nil {
				rules = append(rules, r)
			} else {
				missing = append(missing, map[string]any{"rule_id": rid})
			}
		}
	}
	name := c.query("file_name")
	if name == "" {
		name = "export.ndjson"
	}
	k.writeRulesExport(c, rules, missing, c.query("exclude_export_details") == "true", name)
}

// writeRulesExport answers rules as Kibana's ndjson: the rules, the
// connectors their actions use, and a line of export details.
func (k *Kibana) writeRulesExport(c *call, rules []map[string]any, missing []any, noDetails bool, filename string) {
	var buf bytes.Buffer
	exported, excluded := []any{}, []any{}
	seen := map[string]bool{}
	for _, r := range rules {
		buf.Write(ruleJSONLine(r))
		buf.WriteByte('\n')
		for _, a := range anyList(r["actions"]) {
			id := fmt.Sprint(a.(map[string]any)["id"])
			cn := c.space.connectors.byID[id]
			if cn == nil || seen[id] {
				continue
			}
			seen[id] = true
			if cn.preconfigured {
				excluded = append(excluded, map[string]any{"id": id, "type": "action"})
				continue
			}
			exported = append(exported, map[string]any{
				"id": cn.id, "type": "action", "managed": false, "references": []any{}, "coreMigrationVersion": "8.8.0", "typeMigrationVersion": "8.3.0",
				"attributes": map[string]any{"actionTypeId": cn.typeID, "name": cn.name, "isMissingSecrets": true, "config": cfgClone(cn.config), "secrets": map[string]any{}},
			})
		}
	}
	for _, cn := range exported {
		b, _ := json.Marshal(cn)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	if !noDetails {
		details := map[string]any{
			"exported_count": len(rules) + len(exported), "exported_rules_count": len(rules),
			"missing_rules": nonNilAnys(missing), "missing_rules_count": len(missing),
			"exported_exception_list_count": 0, "exported_exception_list_item_count": 0,
			"missing_exception_list_item_count": 0, "missing_exception_list_items": []any{},
			"missing_exception_lists": []any{}, "missing_exception_lists_count": 0,
			"exported_action_connector_count": len(exported), "missing_action_connection_count": 0,
			"missing_action_connections": []any{}, "excluded_action_connection_count": len(excluded),
			"excluded_action_connections": excluded,
		}
		b, _ := json.Marshal(details)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	c.answered = true
	h := c.w.Header()
	h.Set("Content-Type", "application/ndjson")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(buf.Bytes())
}

func (k *Kibana) importDetectionRules(c *call) {
	if c.form == nil || len(c.form.File["file"]) == 0 {
		c.badRequest("[request body]: file: Required")
		return
	}
	fh := c.form.File["file"][0]
	if ext := path.Ext(fh.Filename); ext != ".ndjson" {
		siemError(c, http.StatusBadRequest, fmt.Sprintf("Invalid file extension %s", ext))
		return
	}
	f, err := fh.Open()
	if err != nil {
		siemError(c, http.StatusBadRequest, err.Error())
		return
	}
	data, _ := io.ReadAll(f)
	f.Close()
	overwrite := c.query("overwrite") == "true"
	errs := []any{}
	rulesCount, success := 0, 0
	seen := map[string]bool{}
	fail := func(ruleID string, status int, msg string) {
		errs = append(errs, map[string]any{"rule_id": ruleID, "error": map[string]any{"status_code": status, "message": msg}})
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), maxBody)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			rulesCount++
			fail("(unknown id)", http.StatusBadRequest, err.Error())
			continue
		}
		_, isDetails := obj["exported_count"]
		_, isList := obj["list_id"]
		if isDetails || isList || obj["type"] == "action" {
			// Export details, exception lists and connectors: not rules.
			continue
		}
		rulesCount++
		ruleID, _ := obj["rule_id"].(string)
		if ruleID == "" {
			fail("(unknown id)", http.StatusBadRequest, "rule_id: Required")
			continue
		}
		if seen[ruleID] {
			fail(ruleID, http.StatusBadRequest, fmt.Sprintf("More than one rule with rule-id: %q found", ruleID))
			continue
		}
		seen[ruleID] = true
		z := &zod{where: "request body"}
		checked, msg := k.checkRuleBody(c, z, obj, true)
		if len(z.issues) > 0 {
			fail(ruleID, http.StatusBadRequest, strings.Join(z.issues, ", "))
			continue
		}
		if msg != "" {
			fail(ruleID, http.StatusBadRequest, msg)
			continue
		}
		old := c.space.detectionRule("rule_id", ruleID)
		switch {
		case old != nil && !overwrite:
			fail(ruleID, http.StatusConflict, fmt.Sprintf("rule_id: %q already exists", ruleID))
			continue
		case old != nil:
			delete(checked, "rule_id")
			doc := newRuleDoc(checked)
			k.keepRuleIdentity(c, old, doc)
			k.storeDetectionRule(c.space, doc)
		default:
			if _, ok := k.addDetectionRule(c, checked); !ok {
				return
			}
		}
		success++
	}
	c.ok(map[string]any{
		"success": len(errs) == 0, "success_count": success, "rules_count": rulesCount, "errors": errs,
		"exceptions_success": true, "exceptions_success_count": 0, "exceptions_errors": []any{},
		"action_connectors_success": true, "action_connectors_success_count": 0, "action_connectors_errors": []any{}, "action_connectors_warnings": []any{},
	})
}

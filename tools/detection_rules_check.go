package tools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// detectionRuleTypes are the rule types, in the order the schemas list them.
var detectionRuleTypes = []string{"query", "eql", "esql", "threshold", "threat_match", "machine_learning", "new_terms", "saved_query"}

// ruleTypeMembers are the body members that only some rule types take, in
// the order they are checked (the first that does not fit is named), and
// the types that take each.
var ruleTypeMembers = []struct {
	name  string
	types []string
}{
	{"index", []string{"query", "eql", "threshold", "threat_match", "new_terms", "saved_query"}},
	{"data_view_id", []string{"query", "eql", "threshold", "threat_match", "new_terms", "saved_query"}},
	{"query", []string{"query", "eql", "esql", "threshold", "threat_match", "new_terms", "saved_query"}},
	{"language", []string{"query", "eql", "esql", "threshold", "threat_match", "new_terms", "saved_query"}},
	{"filters", []string{"query", "eql", "threshold", "threat_match", "new_terms", "saved_query"}},
	{"saved_id", []string{"query", "threshold", "threat_match", "saved_query"}},
	{"event_category_override", []string{"eql"}},
	{"tiebreaker_field", []string{"eql"}},
	{"timestamp_field", []string{"eql"}},
	{"threshold", []string{"threshold"}},
	{"threat_index", []string{"threat_match"}},
	{"threat_query", []string{"threat_match"}},
	{"threat_mapping", []string{"threat_match"}},
	{"threat_indicator_path", []string{"threat_match"}},
	{"threat_language", []string{"threat_match"}},
	{"threat_filters", []string{"threat_match"}},
	{"items_per_search", []string{"threat_match"}},
	{"concurrent_searches", []string{"threat_match"}},
	{"anomaly_threshold", []string{"machine_learning"}},
	{"machine_learning_job_id", []string{"machine_learning"}},
	{"new_terms_fields", []string{"new_terms"}},
	{"history_window_start", []string{"new_terms"}},
}

// ruleTypeRequires are the members each type needs beyond the common ones.
var ruleTypeRequires = map[string][]string{
	"eql":              {"query", "language"},
	"esql":             {"query", "language"},
	"threshold":        {"query", "threshold"},
	"threat_match":     {"query", "threat_index", "threat_query", "threat_mapping"},
	"machine_learning": {"anomaly_threshold", "machine_learning_job_id"},
	"new_terms":        {"query", "new_terms_fields", "history_window_start"},
	"saved_query":      {"saved_id"},
}

// checkDetectionRule checks a rule body (any of the rule inputs) against
// its type: members only other types take, the type's required members
// (when full, i.e. the body is the whole rule), the query language, and
// the nested objects the schema shows bare. Without a type (a patch), the
// members must at least fit one type together.
func checkDetectionRule(in any, typ string, full bool) error {
	args, err := ruleArgs(in)
	if err != nil {
		return err
	}
	candidates := detectionRuleTypes
	if typ != "" {
		candidates = []string{typ}
	}
	narrowedBy := ""
	for _, m := range ruleTypeMembers {
		if _, given := args[m.name]; !given {
			continue
		}
		kept := slices.DeleteFunc(slices.Clone(candidates), func(t string) bool { return !slices.Contains(m.types, t) })
		if len(kept) > 0 {
			if len(kept) < len(candidates) && narrowedBy == "" {
				narrowedBy = m.name
			}
			candidates = kept
			continue
		}
		switch {
		case typ == "" && narrowedBy != "":
			return &schema.ArgumentError{Field: m.name, Rule: fmt.Sprintf("cannot be given with %q: no rule type takes both", narrowedBy)}
		case len(m.types) == 1:
			return &schema.ArgumentError{Field: m.name, Rule: fmt.Sprintf("is only for type %q", m.types[0])}
		default:
			return &schema.ArgumentError{Field: m.name, Rule: fmt.Sprintf("is not for type %q", typ)}
		}
	}
	if full {
		for _, name := range ruleTypeRequires[typ] {
			if _, given := args[name]; !given {
				return &schema.ArgumentError{Field: name, Rule: fmt.Sprintf("is required for type %q", typ)}
			}
		}
	} else if len(args) == len(pick(args, "id", "rule_id")) {
		// Only the identifier: nothing to change.
		return &schema.ArgumentError{Field: "", Rule: "give at least one member to change besides id or rule_id"}
	}
	if err := checkRuleLanguage(args, typ); err != nil {
		return err
	}
	if err := checkRuleScalars(args); err != nil {
		return err
	}
	return checkRuleObjects(args, typ)
}

// checkRuleScalars checks the formats and the pairs of members Kibana
// checks itself: a schedule interval, a look-back in date math, a throttle,
// a timeline template named by id and title together, a threat match's
// batching given whole, job ids that are not empty.
func checkRuleScalars(args map[string]json.RawMessage) error {
	str := func(name string) (string, bool) {
		var v string
		raw, ok := args[name]
		return v, ok && json.Unmarshal(raw, &v) == nil
	}
	if v, ok := str("interval"); ok && !ruleDuration().MatchString(v) {
		return &schema.ArgumentError{Field: "interval", Rule: "must be a duration in s, m, h or d, e.g. 5m"}
	}
	if v, ok := str("from"); ok && !dateMath().MatchString(v) {
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return &schema.ArgumentError{Field: "from", Rule: "must be date math such as now-6m, or an RFC 3339 time"}
		}
	}
	if v, ok := str("throttle"); ok && v != "no_actions" && v != "rule" && !ruleDuration().MatchString(v) {
		return &schema.ArgumentError{Field: "throttle", Rule: "must be \"no_actions\", \"rule\" or an interval such as 1h"}
	}
	for _, pair := range [][2]string{{"timeline_id", "timeline_title"}, {"timeline_title", "timeline_id"}, {"concurrent_searches", "items_per_search"}, {"items_per_search", "concurrent_searches"}} {
		if _, ok := args[pair[0]]; ok {
			if _, ok := args[pair[1]]; !ok {
				return &schema.ArgumentError{Field: pair[1], Rule: fmt.Sprintf("is required with %s", pair[0])}
			}
		}
	}
	if raw, ok := args["machine_learning_job_id"]; ok {
		var jobs []string
		json.Unmarshal(raw, &jobs)
		if len(jobs) == 0 || slices.Contains(jobs, "") {
			return &schema.ArgumentError{Field: "machine_learning_job_id", Rule: "must name at least one job, without empty names"}
		}
	}
	return nil
}

// ruleArgs are a rule input's members as it would send them.
func ruleArgs(in any) (map[string]json.RawMessage, error) {
	raw, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var args map[string]json.RawMessage
	err = json.Unmarshal(raw, &args)
	return args, err
}

// pick are the members of args among names.
func pick(args map[string]json.RawMessage, names ...string) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for _, n := range names {
		if v, ok := args[n]; ok {
			out[n] = v
		}
	}
	return out
}

// checkRuleLanguage ties the query language to the type: eql and esql
// rules say so, the other types take KQL or Lucene.
func checkRuleLanguage(args map[string]json.RawMessage, typ string) error {
	var lang string
	if raw, ok := args["language"]; !ok || json.Unmarshal(raw, &lang) != nil || typ == "" {
		return nil
	}
	switch typ {
	case "eql", "esql":
		if lang != typ {
			return &schema.ArgumentError{Field: "language", Rule: fmt.Sprintf("must be %q for type %q", typ, typ)}
		}
	default:
		if lang != "kuery" && lang != "lucene" {
			return &schema.ArgumentError{Field: "language", Rule: fmt.Sprintf("must be \"kuery\" or \"lucene\" for type %q", typ)}
		}
	}
	return nil
}

// objectRule is what a bare object argument must hold.
type objectRule struct {
	required []string
	optional []string
}

// ruleObjectRules are the members of the nested objects shown bare; lists
// are checked item by item.
var ruleObjectRules = map[string]objectRule{
	"threshold":            {required: []string{"field", "value"}, optional: []string{"cardinality"}},
	"threat_mapping":       {required: []string{"entries"}},
	"threat":               {required: []string{"framework", "tactic"}, optional: []string{"technique"}},
	"actions":              {required: []string{"action_type_id", "id", "params"}, optional: []string{"group", "frequency", "uuid", "alerts_filter"}},
	"exceptions_list":      {required: []string{"id", "list_id", "type", "namespace_type"}},
	"severity_mapping":     {required: []string{"field", "operator", "value", "severity"}},
	"risk_score_mapping":   {required: []string{"field", "operator", "value"}, optional: []string{"risk_score"}},
	"related_integrations": {required: []string{"package", "version"}, optional: []string{"integration"}},
	"required_fields":      {required: []string{"name", "type"}},
	"response_actions":     {required: []string{"action_type_id", "params"}},
	"investigation_fields": {required: []string{"field_names"}},
}

// checkedRuleObjects are the members checkRuleObjects reads, in order.
var checkedRuleObjects = []string{"threshold", "threat_mapping", "threat", "actions", "exceptions_list", "alert_suppression",
	"severity_mapping", "risk_score_mapping", "related_integrations", "required_fields", "response_actions", "investigation_fields"}

// exceptionListTypes are the types of exception list a rule can name.
var exceptionListTypes = []string{"detection", "rule_default", "endpoint", "endpoint_trusted_apps", "endpoint_trusted_devices",
	"endpoint_events", "endpoint_host_isolation_exceptions", "endpoint_blocklists"}

// checkRuleObjects checks the bare objects' members and the values Kibana
// would refuse.
func checkRuleObjects(args map[string]json.RawMessage, typ string) error {
	for _, name := range checkedRuleObjects {
		raw, ok := args[name]
		if !ok {
			continue
		}
		var items []json.RawMessage
		single := raw[0] == '{'
		if single {
			items = []json.RawMessage{raw}
		} else if err := json.Unmarshal(raw, &items); err != nil {
			return &schema.ArgumentError{Field: name, Rule: "must be a list of objects"}
		}
		for i, item := range items {
			at := name
			if !single {
				at = fmt.Sprintf("%s[%d]", name, i)
			}
			obj, isObj := rawObject(item)
			if !isObj {
				return &schema.ArgumentError{Field: at, Rule: "must be an object"}
			}
			if name == "alert_suppression" {
				if err := checkAlertSuppression(at, obj, typ); err != nil {
					return err
				}
				continue
			}
			if err := checkMembers(at, obj, ruleObjectRules[name]); err != nil {
				return err
			}
			if err := checkRuleObjectValues(name, at, obj); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkMembers refuses missing required members and unknown ones.
func checkMembers(at string, obj map[string]any, rule objectRule) error {
	for _, key := range rule.required {
		if _, ok := obj[key]; !ok {
			return &schema.ArgumentError{Field: at + "." + key, Rule: "is required"}
		}
	}
	for key := range obj {
		if !slices.Contains(rule.required, key) && !slices.Contains(rule.optional, key) {
			return &schema.ArgumentError{Field: at + "." + key, Rule: "is not a member; known: " + strings.Join(append(slices.Clone(rule.required), rule.optional...), ", ")}
		}
	}
	return nil
}

// checkRuleObjectValues checks the values inside the nested objects.
func checkRuleObjectValues(name, at string, obj map[string]any) error {
	switch name {
	case "threshold":
		return checkThreshold(at, obj)
	case "threat_mapping":
		entries, ok := obj["entries"].([]any)
		if !ok || len(entries) == 0 {
			return &schema.ArgumentError{Field: at + ".entries", Rule: "must list at least one {field, type: \"mapping\", value}"}
		}
		for j, e := range entries {
			entry, _ := e.(map[string]any)
			eat := fmt.Sprintf("%s.entries[%d]", at, j)
			if err := checkMembers(eat, entry, objectRule{required: []string{"field", "type", "value"}, optional: []string{"negate"}}); err != nil {
				return err
			}
			if entry["type"] != "mapping" {
				return &schema.ArgumentError{Field: eat + ".type", Rule: "must be \"mapping\""}
			}
		}
	case "threat":
		return checkThreat(at, obj)
	case "actions":
		if _, ok := obj["params"].(map[string]any); !ok {
			return &schema.ArgumentError{Field: at + ".params", Rule: "must be an object (the connector's parameters)"}
		}
		if f, ok := obj["frequency"]; ok {
			freq, _ := f.(map[string]any)
			if err := checkMembers(at+".frequency", freq, objectRule{required: []string{"summary", "notifyWhen", "throttle"}}); err != nil {
				return err
			}
			if n := freq["notifyWhen"]; n != "onActiveAlert" && n != "onThrottleInterval" && n != "onActionGroupChange" {
				return &schema.ArgumentError{Field: at + ".frequency.notifyWhen", Rule: "must be \"onActiveAlert\", \"onThrottleInterval\" or \"onActionGroupChange\""}
			}
		}
	case "exceptions_list":
		if ns := obj["namespace_type"]; ns != "single" && ns != "agnostic" {
			return &schema.ArgumentError{Field: at + ".namespace_type", Rule: "must be \"single\" or \"agnostic\""}
		}
		if typ, _ := obj["type"].(string); !slices.Contains(exceptionListTypes, typ) {
			return &schema.ArgumentError{Field: at + ".type", Rule: "must be one of " + strings.Join(exceptionListTypes, ", ")}
		}
	case "severity_mapping", "risk_score_mapping":
		if obj["operator"] != "equals" {
			return &schema.ArgumentError{Field: at + ".operator", Rule: "must be \"equals\""}
		}
		if err := nonEmptyStrings(at, obj, "field"); err != nil {
			return err
		}
		if _, ok := obj["value"].(string); !ok {
			return &schema.ArgumentError{Field: at + ".value", Rule: "must be a string (the field value to match)"}
		}
		if s, ok := obj["severity"]; ok && !slices.Contains([]any{"low", "medium", "high", "critical"}, s) {
			return &schema.ArgumentError{Field: at + ".severity", Rule: "must be low, medium, high or critical"}
		}
		if r, ok := obj["risk_score"]; ok {
			if n, isNum := r.(float64); !isNum || n < 0 || n > 100 || n != float64(int(n)) {
				return &schema.ArgumentError{Field: at + ".risk_score", Rule: "must be an integer from 0 to 100"}
			}
		}
	case "related_integrations":
		return nonEmptyStrings(at, obj, "package", "version", "integration")
	case "required_fields":
		return nonEmptyStrings(at, obj, "name", "type")
	case "response_actions":
		return checkResponseAction(at, obj)
	case "investigation_fields":
		names, ok := obj["field_names"].([]any)
		if !ok || len(names) == 0 || slices.ContainsFunc(names, func(n any) bool { s, _ := n.(string); return s == "" }) {
			return &schema.ArgumentError{Field: at + ".field_names", Rule: "must list at least one field name"}
		}
	}
	return nil
}

// nonEmptyStrings checks that the members named, where given, are
// non-empty strings.
func nonEmptyStrings(at string, obj map[string]any, names ...string) error {
	for _, name := range names {
		v, given := obj[name]
		if s, ok := v.(string); given && (!ok || s == "") {
			return &schema.ArgumentError{Field: at + "." + name, Rule: "must be a non-empty string"}
		}
	}
	return nil
}

// checkThreshold checks a threshold: up to 5 fields to group by, a count
// of at least 1, and distinct-value counts of other fields.
func checkThreshold(at string, obj map[string]any) error {
	var fields []any
	switch f := obj["field"].(type) {
	case string:
		fields = []any{f}
	case []any:
		if len(f) > 5 {
			return &schema.ArgumentError{Field: at + ".field", Rule: "names at most 5 fields"}
		}
		fields = f
	default:
		return &schema.ArgumentError{Field: at + ".field", Rule: "must be a field name or a list of up to 5"}
	}
	if v, ok := obj["value"].(float64); !ok || v < 1 || v != float64(int(v)) {
		return &schema.ArgumentError{Field: at + ".value", Rule: "must be an integer of at least 1"}
	}
	cardinality, err := memberList(at, obj, "cardinality", objectRule{required: []string{"field", "value"}})
	if err != nil {
		return err
	}
	for i, entry := range cardinality {
		cat := fmt.Sprintf("%s.cardinality[%d]", at, i)
		if v, ok := entry["value"].(float64); !ok || v < 0 || v != float64(int(v)) {
			return &schema.ArgumentError{Field: cat + ".value", Rule: "must be an integer of at least 0"}
		}
		if slices.Contains(fields, entry["field"]) {
			return &schema.ArgumentError{Field: cat + ".field", Rule: "is a field grouped by (threshold.field), whose cardinality is always 1"}
		}
	}
	return nil
}

// memberList is the list of objects obj holds under name (none when it is
// not given), each checked against rule.
func memberList(at string, obj map[string]any, name string, rule objectRule) ([]map[string]any, error) {
	v, given := obj[name]
	list, ok := v.([]any)
	if given && !ok {
		shape := slices.Clone(rule.required)
		for _, o := range rule.optional {
			shape = append(shape, o+"?")
		}
		return nil, &schema.ArgumentError{Field: at + "." + name, Rule: "must be a list of {" + strings.Join(shape, ", ") + "}"}
	}
	out := make([]map[string]any, len(list))
	for i, item := range list {
		out[i], _ = item.(map[string]any)
		if err := checkMembers(fmt.Sprintf("%s.%s[%d]", at, name, i), out[i], rule); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkThreat checks a MITRE ATT&CK entry: a tactic, and techniques and
// subtechniques, each {id, name, reference}.
func checkThreat(at string, obj map[string]any) error {
	ref := objectRule{required: []string{"id", "name", "reference"}}
	tactic, _ := obj["tactic"].(map[string]any)
	if err := checkMembers(at+".tactic", tactic, ref); err != nil {
		return err
	}
	techniques, err := memberList(at, obj, "technique", objectRule{required: ref.required, optional: []string{"subtechnique"}})
	if err != nil {
		return err
	}
	for i, tech := range techniques {
		if _, err := memberList(fmt.Sprintf("%s.technique[%d]", at, i), tech, "subtechnique", ref); err != nil {
			return err
		}
	}
	return nil
}

// checkResponseAction checks an automated response: an Osquery query or
// pack, or an Endpoint command (isolate; kill-process and suspend-process
// with config.field naming the process).
func checkResponseAction(at string, obj map[string]any) error {
	params, ok := obj["params"].(map[string]any)
	if !ok {
		return &schema.ArgumentError{Field: at + ".params", Rule: "must be an object"}
	}
	switch obj["action_type_id"] {
	case ".osquery":
		return checkMembers(at+".params", params, objectRule{optional: []string{"query", "queries", "pack_id", "saved_query_id", "ecs_mapping", "timeout"}})
	case ".endpoint":
		switch params["command"] {
		case "isolate":
			return checkMembers(at+".params", params, objectRule{required: []string{"command"}, optional: []string{"comment"}})
		case "kill-process", "suspend-process":
			if err := checkMembers(at+".params", params, objectRule{required: []string{"command", "config"}, optional: []string{"comment"}}); err != nil {
				return err
			}
			config, _ := params["config"].(map[string]any)
			if err := checkMembers(at+".params.config", config, objectRule{required: []string{"field"}, optional: []string{"overwrite"}}); err != nil {
				return err
			}
			return nonEmptyStrings(at+".params.config", config, "field")
		}
		return &schema.ArgumentError{Field: at + ".params.command", Rule: "must be \"isolate\", \"kill-process\" or \"suspend-process\""}
	}
	return &schema.ArgumentError{Field: at + ".action_type_id", Rule: "must be \".osquery\" or \".endpoint\""}
}

// checkAlertSuppression checks the suppression settings: threshold rules
// take only a duration; the others group by 1 to 3 fields.
func checkAlertSuppression(at string, obj map[string]any, typ string) error {
	if typ == "threshold" {
		if err := checkMembers(at, obj, objectRule{required: []string{"duration"}}); err != nil {
			return err
		}
	} else {
		if err := checkMembers(at, obj, objectRule{required: []string{"group_by"}, optional: []string{"duration", "missing_fields_strategy"}}); err != nil {
			return err
		}
		if g, ok := obj["group_by"].([]any); !ok || len(g) < 1 || len(g) > 3 {
			return &schema.ArgumentError{Field: at + ".group_by", Rule: "must list 1 to 3 fields"}
		}
		if s, ok := obj["missing_fields_strategy"]; ok && s != "suppress" && s != "doNotSuppress" {
			return &schema.ArgumentError{Field: at + ".missing_fields_strategy", Rule: "must be \"suppress\" or \"doNotSuppress\""}
		}
	}
	if d, ok := obj["duration"]; ok {
		dur, _ := d.(map[string]any)
		if err := checkMembers(at+".duration", dur, objectRule{required: []string{"value", "unit"}}); err != nil {
			return err
		}
		if u := dur["unit"]; u != "s" && u != "m" && u != "h" {
			return &schema.ArgumentError{Field: at + ".duration.unit", Rule: "must be \"s\", \"m\" or \"h\""}
		}
		if v, ok := dur["value"].(float64); !ok || v < 1 || v != float64(int(v)) {
			return &schema.ArgumentError{Field: at + ".duration.value", Rule: "must be an integer of at least 1"}
		}
	}
	return nil
}

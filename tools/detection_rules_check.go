package tools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

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
	{"threshold", []string{"threshold"}},
	{"threat_index", []string{"threat_match"}},
	{"threat_query", []string{"threat_match"}},
	{"threat_mapping", []string{"threat_match"}},
	{"threat_indicator_path", []string{"threat_match"}},
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
	raw, err := json.Marshal(in)
	if err != nil {
		return err
	}
	var args map[string]json.RawMessage
	if err := json.Unmarshal(raw, &args); err != nil {
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
	} else if len(args) <= 1 {
		// Only the identifier: nothing to change.
		return &schema.ArgumentError{Field: "", Rule: "give at least one member to change besides id or rule_id"}
	}
	if err := checkRuleLanguage(args, typ); err != nil {
		return err
	}
	return checkRuleObjects(args, typ)
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
	"threshold":       {required: []string{"field", "value"}, optional: []string{"cardinality"}},
	"threat_mapping":  {required: []string{"entries"}},
	"threat":          {required: []string{"framework", "tactic"}, optional: []string{"technique"}},
	"actions":         {required: []string{"action_type_id", "id", "params"}, optional: []string{"group", "frequency", "uuid", "alerts_filter"}},
	"exceptions_list": {required: []string{"id", "list_id", "type", "namespace_type"}},
}

// checkRuleObjects checks the bare objects' members and the values Kibana
// would refuse.
func checkRuleObjects(args map[string]json.RawMessage, typ string) error {
	for _, name := range []string{"threshold", "threat_mapping", "threat", "actions", "exceptions_list", "alert_suppression"} {
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
		switch f := obj["field"].(type) {
		case string:
		case []any:
			if len(f) > 5 {
				return &schema.ArgumentError{Field: at + ".field", Rule: "names at most 5 fields"}
			}
		default:
			return &schema.ArgumentError{Field: at + ".field", Rule: "must be a field name or a list of up to 5"}
		}
		if v, ok := obj["value"].(float64); !ok || v < 1 || v != float64(int(v)) {
			return &schema.ArgumentError{Field: at + ".value", Rule: "must be an integer of at least 1"}
		}
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
		tactic, _ := obj["tactic"].(map[string]any)
		if err := checkMembers(at+".tactic", tactic, objectRule{required: []string{"id", "name", "reference"}}); err != nil {
			return err
		}
	case "actions":
		if _, ok := obj["params"].(map[string]any); !ok {
			return &schema.ArgumentError{Field: at + ".params", Rule: "must be an object (the connector's parameters)"}
		}
	case "exceptions_list":
		if ns := obj["namespace_type"]; ns != "single" && ns != "agnostic" {
			return &schema.ArgumentError{Field: at + ".namespace_type", Rule: "must be \"single\" or \"agnostic\""}
		}
	}
	return nil
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
	}
	return nil
}

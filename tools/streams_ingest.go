package tools

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The checks of a stream's ingest settings (put_stream_ingest, and the
// ingest of put_stream): the members Kibana's schema requires, the
// lifecycle kinds, processor actions with their required members, the
// index settings it manages and the field types it maps.

// stepRequired lists each processing action's required members.
var stepRequired = map[string][]string{
	"grok": {"from", "patterns"}, "dissect": {"from", "pattern"}, "date": {"from", "formats"},
	"drop_document": nil, "rename": {"from", "to"}, "set": {"to"}, "append": {"to", "value"},
	"remove_by_prefix": {"from"}, "remove": {"from"}, "convert": {"from", "type"},
	"manual_ingest_pipeline": {"processors"},
}

// streamFieldTypes are the mapping types a stream field takes.
var streamFieldTypes = []string{"keyword", "match_only_text", "long", "double", "date", "boolean", "ip", "system"}

// streamSettings are the index settings a stream manages.
var streamSettings = []string{"index.number_of_replicas", "index.number_of_shards", "index.refresh_interval"}

func argErr(field, rule string) error { return &schema.ArgumentError{Field: field, Rule: rule} }

func checkIngest(field string, in map[string]any) error {
	for _, k := range []string{"lifecycle", "processing", "settings"} {
		if _, ok := in[k]; !ok {
			return argErr(field+"."+k, "is required")
		}
	}
	_, wired := in["wired"]
	_, classic := in["classic"]
	if wired == classic {
		return argErr(field, "give exactly one of wired (a wired stream) and classic (a classic stream)")
	}
	for k, v := range in {
		m, ok := v.(map[string]any)
		if !ok {
			return argErr(field+"."+k, "must be an object")
		}
		var err error
		switch k {
		case "lifecycle":
			err = checkLifecycle(field+".lifecycle", m)
		case "processing":
			steps, ok := m["steps"].([]any)
			if !ok || len(m) != 1 {
				return argErr(field+".processing", "must be {steps:[…]}")
			}
			err = checkSteps(field+".processing.steps", steps)
		case "settings":
			err = checkIndexSettings(field+".settings", m)
		case "wired":
			err = checkWired(field+".wired", m)
		case "classic":
			for ck, cv := range m {
				if ck != "field_overrides" {
					return argErr(field+".classic."+ck, "is not a classic setting; only field_overrides")
				}
				fo, ok := cv.(map[string]any)
				if !ok {
					return argErr(field+".classic.field_overrides", "must be an object of field name to {type}")
				}
				if err := checkStreamFields(field+".classic.field_overrides", fo); err != nil {
					return err
				}
			}
		default:
			err = argErr(field+"."+k, "is not an ingest setting; use lifecycle, processing, settings and wired or classic")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func checkLifecycle(field string, m map[string]any) error {
	if len(m) != 1 {
		return argErr(field, "give exactly one of dsl, ilm, inherit")
	}
	for k, v := range m {
		o, ok := v.(map[string]any)
		if !ok {
			return argErr(field+"."+k, "must be an object")
		}
		switch k {
		case "dsl":
			for dk, dv := range o {
				if s, ok := dv.(string); dk != "data_retention" || !ok || s == "" {
					return argErr(field+".dsl."+dk, "only data_retention, a duration such as 30d")
				}
			}
		case "ilm":
			if p, _ := o["policy"].(string); p == "" || len(o) != 1 {
				return argErr(field+".ilm.policy", "must name an ILM policy")
			}
		case "inherit":
			if len(o) != 0 {
				return argErr(field+".inherit", "must be {}")
			}
		default:
			return argErr(field+"."+k, "is not a lifecycle; use dsl, ilm or inherit")
		}
	}
	return nil
}

func checkSteps(field string, steps []any) error {
	for i, s := range steps {
		at := fmt.Sprintf("%s[%d]", field, i)
		step, ok := s.(map[string]any)
		if !ok {
			return argErr(at, "must be an object")
		}
		if where, ok := step["where"].(map[string]any); ok {
			if inner, block := where["steps"]; block {
				// A condition block: its steps run where it matches.
				list, ok := inner.([]any)
				if !ok {
					return argErr(at+".where.steps", "must be a list of steps")
				}
				cond := make(map[string]any, len(where))
				for k, v := range where {
					if k != "steps" {
						cond[k] = v
					}
				}
				if err := checkCondition(at+".where", cond); err != nil {
					return err
				}
				if err := checkSteps(at+".where.steps", list); err != nil {
					return err
				}
				continue
			}
			if err := checkCondition(at+".where", where); err != nil {
				return err
			}
		}
		action, _ := step["action"].(string)
		required, known := stepRequired[action]
		if !known {
			names := make([]string, 0, len(stepRequired))
			for n := range stepRequired {
				names = append(names, n)
			}
			sort.Strings(names)
			return argErr(at+".action", "must be one of "+strings.Join(names, ", "))
		}
		for _, r := range required {
			if _, ok := step[r]; !ok {
				return argErr(at+"."+r, "is required for "+action)
			}
		}
	}
	return nil
}

func checkIndexSettings(field string, m map[string]any) error {
	for k, v := range m {
		if !slices.Contains(streamSettings, k) {
			return argErr(field+"."+k, "is not a setting streams manage; use "+strings.Join(streamSettings, ", "))
		}
		o, ok := v.(map[string]any)
		if _, has := o["value"]; !ok || !has || len(o) != 1 {
			return argErr(field+"."+k, "must be {value: …}")
		}
	}
	return nil
}

func checkWired(field string, m map[string]any) error {
	fields, ok := m["fields"].(map[string]any)
	if !ok {
		return argErr(field+".fields", "is required: an object of field name to {type}")
	}
	if err := checkStreamFields(field+".fields", fields); err != nil {
		return err
	}
	routing, ok := m["routing"].([]any)
	if !ok {
		return argErr(field+".routing", "is required: a list of {destination, where}")
	}
	for k := range m {
		if k != "fields" && k != "routing" {
			return argErr(field+"."+k, "is not a wired setting; only fields and routing")
		}
	}
	for i, r := range routing {
		at := fmt.Sprintf("%s.routing[%d]", field, i)
		rule, ok := r.(map[string]any)
		if !ok {
			return argErr(at, "must be {destination, where, status?}")
		}
		if d, _ := rule["destination"].(string); d == "" {
			return argErr(at+".destination", "must name a child stream")
		}
		where, ok := rule["where"].(map[string]any)
		if !ok {
			return argErr(at+".where", "is required: a condition")
		}
		if err := checkCondition(at+".where", where); err != nil {
			return err
		}
		if s, has := rule["status"]; has && s != "enabled" && s != "disabled" {
			return argErr(at+".status", "must be enabled or disabled")
		}
	}
	return nil
}

func checkStreamFields(field string, fields map[string]any) error {
	for name, v := range fields {
		def, ok := v.(map[string]any)
		t, _ := def["type"].(string)
		if !ok || !slices.Contains(streamFieldTypes, t) {
			return argErr(field+"."+name+".type", "must be one of "+strings.Join(streamFieldTypes, ", "))
		}
	}
	return nil
}

func checkGroupMap(field string, g map[string]any) error {
	for _, k := range []string{"members", "tags"} {
		if v, ok := g[k]; ok {
			if _, isList := v.([]any); !isList {
				return argErr(field+"."+k, "must be a list of strings")
			}
		} else {
			g[k] = []any{}
		}
	}
	if _, ok := g["metadata"]; !ok {
		g["metadata"] = map[string]any{}
	}
	for k := range g {
		if k != "members" && k != "tags" && k != "metadata" {
			return argErr(field+"."+k, "is not a group setting; use members, tags, metadata")
		}
	}
	return nil
}

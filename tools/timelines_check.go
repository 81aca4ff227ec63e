package tools

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The nested members of a timeline show as bare objects in the schema (the
// full shapes would cost every timeline tool hundreds of tokens); these
// shapes, taken from Kibana's SavedTimeline, check them before anything is
// sent. Every member may be null, as in Kibana's schema.

// shape is what one JSON value must look like.
type shape struct {
	kind  string            // string, bool, number, strnum (string or number), strs (string or list of strings), object, array
	keys  map[string]*shape // members of an object
	items *shape            // elements of an array
	enum  []string          // allowed strings
}

var (
	shString = &shape{kind: "string"}
	shBool   = &shape{kind: "bool"}
	shStrNum = &shape{kind: "strnum"}
)

func shObject(keys map[string]*shape) *shape { return &shape{kind: "object", keys: keys} }
func shArray(items *shape) *shape            { return &shape{kind: "array", items: items} }

func shStrings(keys ...string) map[string]*shape {
	m := map[string]*shape{}
	for _, k := range keys {
		m[k] = shString
	}
	return m
}

func with(m map[string]*shape, more map[string]*shape) map[string]*shape {
	out := maps.Clone(m)
	maps.Copy(out, more)
	return out
}

var (
	tlQueryMatch = shObject(with(shStrings("displayField", "displayValue", "field", "operator"),
		map[string]*shape{"value": {kind: "strs"}}))
	tlProviderBase = with(shStrings("id", "kqlQuery", "name"), map[string]*shape{
		"enabled": shBool, "excluded": shBool, "queryMatch": tlQueryMatch,
		"type": {kind: "string", enum: []string{"default", "template"}},
	})
	tlDataProvider = shObject(with(tlProviderBase, map[string]*shape{"and": shArray(shObject(tlProviderBase))}))
	tlColumn       = shObject(with(shStrings("category", "columnHeaderType", "description", "id", "name", "placeholder", "type"),
		map[string]*shape{"aggregatable": shBool, "searchable": shBool, "indexes": shArray(shString)}))
	tlFilter = shObject(with(shStrings("exists", "match_all", "missing", "query", "range", "script"), map[string]*shape{
		"meta": shObject(with(shStrings("alias", "controlledBy", "field", "formattedValue", "index", "key", "params", "type", "value"),
			map[string]*shape{"disabled": shBool, "negate": shBool})),
	}))
	tlKqlQuery = shObject(map[string]*shape{"filterQuery": shObject(map[string]*shape{
		"kuery":           shObject(shStrings("expression", "kind")),
		"serializedQuery": shString,
	})})
	tlDateRange  = shObject(map[string]*shape{"start": shStrNum, "end": shStrNum})
	tlSortObject = shObject(shStrings("columnId", "columnType", "sortDirection"))
	tlEqlOptions = shObject(with(shStrings("eventCategoryField", "query", "tiebreakerField", "timestampField"), map[string]*shape{"size": shStrNum}))
)

// tlRowRenderers are the row renderers a timeline can exclude.
var tlRowRenderers = []string{"alert", "alerts", "auditd", "auditd_file", "library", "netflow", "plain", "registry", "suricata", "system",
	"system_dns", "system_endgame_process", "system_file", "system_fim", "system_security_event", "system_socket", "threat_match", "zeek"}

// check reports the first value at path that does not fit s.
func (s *shape) check(path string, v any) error {
	if v == nil {
		return nil
	}
	bad := func(want string) error {
		return &schema.ArgumentError{Field: path, Rule: "must be " + want}
	}
	switch s.kind {
	case "string":
		str, ok := v.(string)
		if !ok {
			return bad("a string")
		}
		if s.enum != nil && !slices.Contains(s.enum, str) {
			return bad("one of " + strings.Join(s.enum, ", "))
		}
	case "bool":
		if _, ok := v.(bool); !ok {
			return bad("true or false")
		}
	case "strnum":
		switch v.(type) {
		case string, float64:
		default:
			return bad("a string or a number")
		}
	case "strs":
		if _, ok := v.(string); ok {
			return nil
		}
		list, ok := v.([]any)
		if !ok {
			return bad("a string or a list of strings")
		}
		for i, x := range list {
			if _, ok := x.(string); !ok {
				return &schema.ArgumentError{Field: fmt.Sprintf("%s[%d]", path, i), Rule: "must be a string"}
			}
		}
	case "array":
		list, ok := v.([]any)
		if !ok {
			return bad("a list")
		}
		for i, x := range list {
			if err := s.items.check(fmt.Sprintf("%s[%d]", path, i), x); err != nil {
				return err
			}
		}
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return bad("an object")
		}
		for _, key := range slices.Sorted(maps.Keys(obj)) {
			sub, known := s.keys[key]
			if !known {
				return &schema.ArgumentError{Field: path + "." + key, Rule: "is not a member here; known: " + strings.Join(slices.Sorted(maps.Keys(s.keys)), ", ")}
			}
			if err := sub.check(path+"."+key, obj[key]); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkRaw decodes a nested member and checks it against s.
func checkRaw(path string, raw json.RawMessage, s *shape) error {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return &schema.ArgumentError{Field: path, Rule: "is not valid JSON: " + err.Error()}
	}
	return s.check(path, v)
}

// check checks a timeline's members; create requires a title, as Kibana
// does of every timeline that is not a draft.
func (b *TimelineBody) check(field string, create bool) error {
	at := func(name string) string { return field + "." + name }
	if create && b.Status != "draft" && strings.TrimSpace(b.Title) == "" {
		return &schema.ArgumentError{Field: at("title"), Rule: "is required (unless status is draft)"}
	}
	notTemplate := (create && b.TimelineType != "template") || b.TimelineType == "default"
	switch {
	case notTemplate && b.TemplateTimelineID != "":
		return &schema.ArgumentError{Field: at("templateTimelineId"), Rule: "applies only with timelineType template"}
	case notTemplate && b.TemplateTimelineVersion != nil:
		return &schema.ArgumentError{Field: at("templateTimelineVersion"), Rule: "applies only with timelineType template"}
	}
	for i, r := range b.ExcludedRowRendererIDs {
		if !slices.Contains(tlRowRenderers, r) {
			return &schema.ArgumentError{Field: fmt.Sprintf("%s[%d]", at("excludedRowRendererIds"), i), Rule: "must be one of " + strings.Join(tlRowRenderers, ", ")}
		}
	}
	for _, c := range []struct {
		name string
		raw  json.RawMessage
		s    *shape
	}{
		{"kqlQuery", b.KqlQuery, tlKqlQuery},
		{"dateRange", b.DateRange, tlDateRange},
		{"eqlOptions", b.EqlOptions, tlEqlOptions},
	} {
		if err := checkRaw(at(c.name), c.raw, c.s); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		name string
		list []json.RawMessage
		s    *shape
	}{
		{"dataProviders", b.DataProviders, tlDataProvider},
		{"columns", b.Columns, tlColumn},
		{"filters", b.Filters, tlFilter},
		{"sort", b.Sort, tlSortObject},
	} {
		for i, raw := range c.list {
			if err := checkRaw(fmt.Sprintf("%s[%d]", at(c.name), i), raw, c.s); err != nil {
				return err
			}
		}
	}
	return nil
}

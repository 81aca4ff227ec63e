package sandbox

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// kqlKeep keeps the items whose documents a KQL filter matches, searching
// them as one index the way Kibana has Elasticsearch search the area's
// index (mapping types the fields the values do not tell, such as dates);
// false when the filter was answered with a 400.
func kqlKeep[T any](c *call, index, filter string, opts es.KQLOptions, mapping map[string]es.Kind, items []T, doc func(T) map[string]any) ([]T, bool) {
	clause, err := es.KQL(filter, opts)
	if err != nil {
		c.badRequest(err.Error())
		return nil, false
	}
	return kqlSelect(c, index, clause, mapping, items, doc)
}

// kqlSelect keeps the items whose documents a translated filter matches
// (nil: all); false when the search was answered with a 400.
func kqlSelect[T any](c *call, index string, clause any, mapping map[string]es.Kind, items []T, doc func(T) map[string]any) ([]T, bool) {
	if clause == nil {
		return items, true
	}
	docs := make([]map[string]any, len(items))
	for i, it := range items {
		docs[i] = doc(it)
	}
	matched, err := es.Select(index, docs, mapping, clause, c.k.cfg.Now())
	if err != nil {
		c.badRequest(err.Error())
		return nil, false
	}
	kept := make([]T, len(matched))
	for i, at := range matched {
		kept[i] = items[at]
	}
	return kept, true
}

// kqlPrefixed maps a filter's field names, with or without the saved
// object type's prefix ("ingest-agent-policies.name"), onto the fields
// known, or refuses them with Kibana's message naming where they are
// missing.
func kqlPrefixed(prefix, missingIn string, known func(field string) bool) es.KQLOptions {
	return es.KQLOptions{Field: func(name string) (string, error) {
		f := strings.TrimPrefix(name, prefix)
		if known(f) {
			return f, nil
		}
		return "", fmt.Errorf("KQLSyntaxError: This key '%s' does NOT exist in %s", name, missingIn)
	}}
}

// kqlFields is a document of the named fields with the values get gives
// (a field without values is left out): what a filter over an area's
// flat records searches.
func kqlFields(fields []string, get func(field string) []string) map[string]any {
	doc := map[string]any{}
	for _, f := range fields {
		if vals := get(f); len(vals) > 0 {
			doc[f] = vals
		}
	}
	return doc
}

// flattenText lists the values of a document's fields by dotted path:
// arrays give several values, booleans and numbers their text.
func flattenText(doc map[string]any) map[string][]string {
	out := map[string][]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				name := k
				if prefix != "" {
					name = prefix + "." + k
				}
				walk(name, val)
			}
		case []any:
			for _, e := range x {
				walk(prefix, e)
			}
		case []string:
			out[prefix] = append(out[prefix], x...)
		case nil:
		default:
			out[prefix] = append(out[prefix], fmt.Sprint(x))
		}
	}
	walk("", doc)
	return out
}

// compareNumbersOrText orders two values as numbers when both are, else
// as text.
func compareNumbersOrText(a, b string) int {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Finding saved objects: types, a simple query string over some
// attributes, a KQL filter on type.attributes.* and type.updated_at, and
// reference filters.

// soSearchTerm is one term of a simple query string: a word (prefix* or
// whole) or a quoted phrase, possibly negated.
type soSearchTerm struct {
	text    string
	prefix  bool
	phrase  bool
	negated bool
}

var soPhraseRE = lazyRegexp(`-?"[^"]*"|\S+`)

func soParseSearch(q string) []soSearchTerm {
	var terms []soSearchTerm
	for _, raw := range soPhraseRE().FindAllString(q, -1) {
		t := soSearchTerm{}
		if strings.HasPrefix(raw, "-") && len(raw) > 1 {
			t.negated, raw = true, raw[1:]
		}
		switch {
		case strings.HasPrefix(raw, `"`):
			t.phrase, t.text = true, strings.ToLower(strings.Trim(raw, `"`))
		case raw == "|" || raw == "+":
			continue
		default:
			raw = strings.Trim(raw, "+|()")
			t.prefix = strings.HasSuffix(raw, "*")
			t.text = strings.ToLower(strings.TrimSuffix(raw, "*"))
		}
		if t.text != "" || t.prefix {
			terms = append(terms, t)
		}
	}
	return terms
}

var soWordRE = lazyRegexp(`[\p{L}\p{N}_]+`)

// soTermMatches reports whether any of the texts matches the term.
func soTermMatches(t soSearchTerm, texts []string) bool {
	for _, text := range texts {
		lower := strings.ToLower(text)
		if t.phrase {
			if strings.Contains(lower, t.text) {
				return true
			}
			continue
		}
		if t.prefix && t.text == "" {
			return true
		}
		for _, w := range soWordRE().FindAllString(lower, -1) {
			if w == t.text || (t.prefix && strings.HasPrefix(w, t.text)) {
				return true
			}
		}
	}
	return false
}

// soSearchTexts are the attribute texts a search looks at: the named
// search fields (boosts such as title^3 dropped), or every text attribute.
func soSearchTexts(o *soObject, fields []string) []string {
	var out []string
	if len(fields) == 0 {
		for _, vals := range flattenText(o.attributes) {
			out = append(out, vals...)
		}
		return out
	}
	flat := flattenText(o.attributes)
	for _, f := range fields {
		f, _, _ = strings.Cut(f, "^")
		f = strings.TrimPrefix(f, o.typ+".")
		out = append(out, flat[f]...)
	}
	return out
}

// soMatchesSearch applies a parsed query string with OR or AND.
func soMatchesSearch(o *soObject, terms []soSearchTerm, fields []string, and bool) bool {
	if len(terms) == 0 {
		return true
	}
	texts := soSearchTexts(o, fields)
	positive := 0
	hit := false
	for _, t := range terms {
		m := soTermMatches(t, texts)
		if t.negated {
			if m {
				return false
			}
			continue
		}
		positive++
		if m {
			hit = true
		} else if and {
			return false
		}
	}
	return positive == 0 || hit
}

// soReferenceParam reads has_reference or has_no_reference: one JSON
// object or array per value.
func soReferenceParam(c *call, name string) ([]soRef, bool) {
	var refs []soRef
	for _, raw := range c.r.URL.Query()[name] {
		var one struct{ Type, ID string }
		var many []struct{ Type, ID string }
		switch {
		case json.Unmarshal([]byte(raw), &many) == nil:
			for _, m := range many {
				refs = append(refs, soRef{typ: m.Type, id: m.ID})
			}
		case json.Unmarshal([]byte(raw), &one) == nil && one.Type != "" && one.ID != "":
			refs = append(refs, soRef{typ: one.Type, id: one.ID})
		default:
			c.badRequest(fmt.Sprintf("[request query.%s]: expected an object {type, id} or a list of them, as JSON", name))
			return nil, false
		}
	}
	return refs, true
}

// soHasRefs reports whether o refers to any (or, with all, every) of refs.
func soHasRefs(o *soObject, refs []soRef, all bool) bool {
	count := 0
	for _, want := range refs {
		if slices.ContainsFunc(o.references, func(r soRef) bool { return r.typ == want.typ && r.id == want.id }) {
			count++
		}
	}
	if all {
		return count == len(refs)
	}
	return count > 0
}

// soOperator reads an OR/AND query parameter.
func soOperator(c *call, name string) (and, ok bool) {
	switch c.query(name) {
	case "", "OR":
		return false, true
	case "AND":
		return true, true
	}
	c.badRequest(cfgOneOfMessage("request query."+name, []string{"OR", "AND"}))
	return false, false
}

// soFilterDoc is an object as the .kibana index holds it, which is what
// a filter ("dashboard.attributes.title:x") searches.
func soFilterDoc(o *soObject) map[string]any {
	return map[string]any{o.typ: map[string]any{"updated_at": o.updatedAt, "created_at": o.createdAt, "id": o.id,
		"originId": o.originID, "attributes": o.attributes}}
}

// soFilterMapping types the objects' dates, and their text attributes as
// text: the sandbox knows no type's mappings, and Kibana's searchable
// attributes (titles, descriptions) are analysed text.
func soFilterMapping(objs []*soObject) map[string]es.Kind {
	out := map[string]es.Kind{}
	for _, o := range objs {
		out[o.typ+".updated_at"], out[o.typ+".created_at"] = es.Date, es.Date
		src, _ := es.Normalize(map[string]any{o.typ: map[string]any{"attributes": o.attributes}}).(map[string]any)
		for path, vals := range (&es.Doc{Source: src}).Flat() {
			if _, ok := vals[0].(string); ok {
				out[path] = es.Text
			}
		}
	}
	return out
}

var soFilterFieldRE = lazyRegexp(`^[A-Za-z0-9_-]+\.(updated_at|created_at|id|originId|attributes\..+)$`)

func (k *Kibana) soFind(c *call) {
	k.soState(c.space)
	types := c.queryAll("type")
	if len(types) == 0 {
		c.badRequest("[request query.type]: expected at least one defined value but got [undefined]")
		return
	}
	page, ok := platQueryNumber(c, "page", 1, 0, 0)
	if !ok {
		return
	}
	perPage, ok := platQueryNumber(c, "per_page", 20, 0, 0)
	if !ok {
		return
	}
	if page*perPage > 10000 {
		soBadRequest(c, "options.page * options.perPage must be less than or equal to 10000")
		return
	}
	refAll, ok := soOperator(c, "has_reference_operator")
	if !ok {
		return
	}
	noRefAll, ok := soOperator(c, "has_no_reference_operator")
	if !ok {
		return
	}
	searchAnd, ok := soOperator(c, "default_search_operator")
	if !ok {
		return
	}
	hasRefs, ok := soReferenceParam(c, "has_reference")
	if !ok {
		return
	}
	noRefs, ok := soReferenceParam(c, "has_no_reference")
	if !ok {
		return
	}
	var allowed []string
	for _, t := range types {
		if soKnownType(t) && !slices.Contains(allowed, t) {
			allowed = append(allowed, t)
		}
	}
	filter, err := es.KQL(c.query("filter"), es.KQLOptions{Field: func(field string) (string, error) {
		typ, _, _ := strings.Cut(field, ".")
		if !slices.Contains(types, typ) {
			return "", fmt.Errorf("This type %s is not allowed: Bad Request", typ)
		}
		if !soFilterFieldRE().MatchString(field) {
			return "", fmt.Errorf("This key '%s' does NOT exist in %s saved object index patterns: Bad Request", field, typ)
		}
		return field, nil
	}})
	if err != nil {
		c.badRequest(err.Error())
		return
	}
	sortField := c.query("sort_field")
	if sortField != "" && len(allowed) > 1 && !slices.Contains([]string{"updated_at", "created_at", "type", "id"}, sortField) {
		soBadRequest(c, fmt.Sprintf("Unable to sort multiple types by field %s, not a root property", sortField))
		return
	}
	terms := soParseSearch(c.query("search"))
	searchFields := c.queryAll("search_fields")
	var hits []*soObject
	for _, typ := range allowed {
		for _, o := range k.soList(c.space, typ) {
			switch {
			case !soMatchesSearch(o, terms, searchFields, searchAnd),
				len(hasRefs) > 0 && !soHasRefs(o, hasRefs, refAll),
				len(noRefs) > 0 && soHasRefs(o, noRefs, noRefAll):
				continue
			}
			hits = append(hits, o)
		}
	}
	if hits, ok = kqlSelect(c, ".kibana", filter, soFilterMapping(hits), hits, soFilterDoc); !ok {
		return
	}
	aggregations, ok := soAggregate(c, types, hits)
	if !ok {
		return
	}
	if sortField != "" {
		slices.SortStableFunc(hits, func(a, b *soObject) int { return strings.Compare(soSortKey(a, sortField), soSortKey(b, sortField)) })
	}
	from, to := 0, 0
	if page > 0 {
		from, to = platPage(len(hits), page, perPage)
	}
	fields := c.queryAll("fields")
	out := make([]any, 0, to-from)
	for _, o := range hits[from:to] {
		if len(fields) > 0 {
			o.attributes = soPick(o.attributes, fields)
		}
		doc := k.soDoc(c.space, o)
		doc["score"] = 0
		out = append(out, doc)
	}
	answer := map[string]any{"page": page, "per_page": perPage, "total": len(hits), "saved_objects": out}
	if aggregations != nil {
		answer["aggregations"] = aggregations
	}
	c.ok(answer)
}

// soAggregate runs the aggs query parameter (JSON) over the matching
// objects. Its fields are named as in a filter, type.attributes.name or a
// root field of a searched type; others Kibana refuses.
func soAggregate(c *call, types []string, hits []*soObject) (any, bool) {
	raw := c.query("aggs")
	if raw == "" {
		return nil, true
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var aggs map[string]any
	if dec.Decode(&aggs) != nil {
		c.badRequest("[request query.aggs]: could not parse object value from json input")
		return nil, false
	}
	if field := soBadAggField(aggs, types); field != "" {
		soBadRequest(c, "Invalid aggregation: Invalid attribute path: "+field)
		return nil, false
	}
	ix := &es.Index{Name: ".kibana", Mapping: soFilterMapping(hits)}
	for i, o := range hits {
		ix.Put(fmt.Sprint(i), soFilterDoc(o))
	}
	res, err := ix.Search(map[string]any{"size": json.Number("0"), "aggs": aggs}, c.k.cfg.Now())
	if err != nil {
		c.badRequest(err.Error())
		return nil, false
	}
	return res["aggregations"], true
}

// soBadAggField finds a field an aggregation names that is not an
// attribute or root field of one of the searched types.
func soBadAggField(v any, types []string) string {
	switch v := v.(type) {
	case map[string]any:
		for key, sub := range v {
			if field, isString := sub.(string); key == "field" && isString {
				typ, rest, _ := strings.Cut(field, ".")
				if !slices.Contains(types, typ) || !(strings.HasPrefix(rest, "attributes.") || slices.Contains([]string{"updated_at", "created_at", "id", "originId"}, rest)) {
					return field
				}
				continue
			}
			if bad := soBadAggField(sub, types); bad != "" {
				return bad
			}
		}
	case []any:
		for _, sub := range v {
			if bad := soBadAggField(sub, types); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// soSortKey is what sort_field orders by: a root property or an attribute.
func soSortKey(o *soObject, field string) string {
	switch field {
	case "updated_at":
		return o.updatedAt
	case "created_at":
		return o.createdAt
	case "type":
		return o.typ
	case "id":
		return o.id
	}
	field = strings.TrimSuffix(field, ".keyword")
	if vals := flattenText(o.attributes)[field]; len(vals) > 0 {
		return strings.ToLower(vals[0])
	}
	return ""
}

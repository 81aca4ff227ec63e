package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Finding value lists and items: a KQL filter over the documents' fields,
// a sort on one field with tie_breaker_id breaking ties, and pages. The
// cursor is Kibana's: base64 of [index of the next page's first hit, the
// last hit's sort values]; it must not point past the page asked for.

// vlFind is a parsed _find request.
type vlFind struct {
	page, perPage        int
	sortField, sortOrder string
	filter               any // the filter's query; nil matches all
}

// vlSortKey is one document's value of the sort field.
type vlSortKey struct {
	num     float64
	text    string
	numeric bool
	shown   string // the value as the cursor shows it, when text is not
}

func parseVLFind(c *call) (*vlFind, bool) {
	z := &zod{where: "request query"}
	q := c.r.URL.Query()
	f := &vlFind{page: 1, perPage: 20, sortField: q.Get("sort_field")}
	for _, p := range []struct {
		key string
		dst *int
	}{{"page", &f.page}, {"per_page", &f.perPage}} {
		if s := q.Get(p.key); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				z.add(p.key, "Expected number, received nan")
			}
			*p.dst = n
		}
	}
	for _, key := range []string{"sort_field", "cursor"} {
		if q.Has(key) && q.Get(key) == "" {
			z.add(key, "String must contain at least 1 character(s)")
		}
	}
	f.sortOrder = zodQueryEnum(z, c, "sort_order", "desc", "asc")
	if z.answer(c) {
		return nil, false
	}
	if f.page < 1 || f.perPage < 0 {
		siemError(c, http.StatusBadRequest, fmt.Sprintf("[from] parameter cannot be negative, found [%d]", (f.page-1)*f.perPage))
		return nil, false
	}
	if cursor := q.Get("cursor"); cursor != "" {
		if msg, ok := checkVLCursor(cursor, f); !ok {
			siemError(c, http.StatusBadRequest, msg)
			return nil, false
		}
	}
	filter, err := es.KQL(q.Get("filter"), es.KQLOptions{CaseInsensitive: true})
	if err != nil {
		siemError(c, http.StatusBadRequest, err.Error())
		return nil, false
	}
	f.filter = filter
	return f, true
}

// checkVLCursor applies Kibana's checks to a cursor.
func checkVLCursor(cursor string, f *vlFind) (string, bool) {
	raw, err := base64.StdEncoding.DecodeString(cursor)
	var parsed any
	if err != nil || json.Unmarshal(raw, &parsed) != nil {
		return "Error parsing JSON from base64 encoded cursor", false
	}
	tuple, ok := parsed.([]any)
	if !ok || len(tuple) == 0 || len(tuple) > 2 {
		return "Error decoding cursor structure", false
	}
	index, ok := tuple[0].(float64)
	if !ok {
		return "Error decoding cursor structure", false
	}
	var after []any
	if len(tuple) == 2 && tuple[1] != nil {
		if after, ok = tuple[1].([]any); !ok {
			return "Error decoding cursor structure", false
		}
		for _, v := range after {
			if _, isStr := v.(string); !isStr {
				return "Error decoding cursor structure", false
			}
		}
	}
	start := (f.page - 1) * f.perPage
	switch {
	case index < 0:
		return "index of cursor cannot be less 0", false
	case int(index) > start:
		return fmt.Sprintf("index: %d of cursor cannot be greater than the start page index: %d", int(index), start), false
	case len(after) > 1 && f.sortField == "":
		return "", false
	}
	return "", true
}

// vlPage sorts rows, cuts the page and answers it with the next cursor.
func vlPage[T any](c *call, f *vlFind, rows []T, key func(T, string) (vlSortKey, bool, bool), tie func(T) string, doc func(T) map[string]any) {
	keys := make(map[int]vlSortKey, len(rows))
	has := make(map[int]bool, len(rows))
	idx := make([]int, len(rows))
	for i, r := range rows {
		idx[i] = i
		if f.sortField == "" {
			continue
		}
		k, present, known := key(r, f.sortField)
		if !known {
			esFailure(c, es.ShardError("query_shard_exception", "No mapping found for [%s] in order to sort on", f.sortField))
			return
		}
		keys[i], has[i] = k, present
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if f.sortField != "" {
			switch {
			case has[a] && !has[b]:
				return -1 // missing values sort last either way
			case !has[a] && has[b]:
				return 1
			case has[a] && has[b]:
				if n := cmpVLKey(keys[a], keys[b]); n != 0 {
					if f.sortOrder == "desc" {
						return -n
					}
					return n
				}
			}
		}
		return strings.Compare(tie(rows[a]), tie(rows[b]))
	})
	start := min((f.page-1)*f.perPage, len(idx))
	end := min(start+f.perPage, len(idx))
	data := make([]map[string]any, 0, end-start)
	for _, i := range idx[start:end] {
		data = append(data, doc(rows[i]))
	}
	cursor := []any{0}
	if end > start {
		last := idx[end-1]
		var after []string
		if f.sortField != "" && has[last] {
			k := keys[last]
			switch {
			case k.shown != "":
				after = append(after, k.shown)
			case k.numeric:
				after = append(after, strconv.FormatFloat(k.num, 'f', -1, 64))
			default:
				after = append(after, k.text)
			}
		}
		cursor = []any{f.page * f.perPage, append(after, tie(rows[last]))}
	}
	raw, _ := json.Marshal(cursor)
	c.ok(map[string]any{"cursor": base64.StdEncoding.EncodeToString(raw), "data": data, "page": f.page, "per_page": f.perPage, "total": len(rows)})
}

func cmpVLKey(a, b vlSortKey) int {
	if a.numeric && b.numeric {
		switch {
		case a.num < b.num:
			return -1
		case a.num > b.num:
			return 1
		}
		return 0
	}
	return strings.Compare(a.text, b.text)
}

// valueListFields and valueListItemFields (with the item's type) are the
// fields of the documents a filter searches.
var (
	valueListFields     = []string{"name", "description", "type", "created_by", "updated_by", "tie_breaker_id", "created_at", "@timestamp", "updated_at", "version", "immutable"}
	valueListItemFields = []string{"list_id", "created_by", "updated_by", "tie_breaker_id", "created_at", "@timestamp", "updated_at"}
)

// listField is a list document's value of a field, as text; known is false
// for fields the lists data stream does not map.
func listField(l *valueList, field string) (value string, known bool) {
	switch field {
	case "name":
		return l.name, true
	case "description":
		return l.description, true
	case "type":
		return l.typ, true
	case "created_by":
		return l.createdBy, true
	case "updated_by":
		return l.updatedBy, true
	case "tie_breaker_id":
		return l.tieBreaker, true
	case "created_at", "@timestamp":
		return l.created, true
	case "updated_at":
		return l.updated, true
	case "version":
		return strconv.Itoa(l.version), true
	case "immutable":
		return strconv.FormatBool(l.immutable), true
	}
	return "", false
}

func (k *Kibana) findValueLists(c *call) {
	f, ok := parseVLFind(c)
	if !ok || !needStreams(c, listsStream(c.spaceID)) {
		return
	}
	var rows []*valueList
	for _, l := range c.space.valueLists.lists {
		rows = append(rows, l)
	}
	rows, ok = kqlSelect(c, listsStream(c.spaceID), f.filter, nil, rows, func(l *valueList) map[string]any {
		return kqlFields(valueListFields, func(field string) []string {
			if v, known := listField(l, field); known {
				return []string{v}
			}
			return nil
		})
	})
	if !ok {
		return
	}
	key := func(l *valueList, field string) (vlSortKey, bool, bool) {
		v, known := listField(l, field)
		if field == "version" {
			return vlSortKey{num: float64(l.version), numeric: true}, true, true
		}
		return vlSortKey{text: v}, known, known
	}
	vlPage(c, f, rows, key, func(l *valueList) string { return l.tieBreaker }, (*valueList).doc)
}

// itemField is an item document's value of a field. The value itself is
// mapped under the list's type (ip, keyword, …), as in Kibana's items
// data stream; another type's field is mapped but empty.
func itemField(it *valueListItem, field string) (value string, present, known bool) {
	switch field {
	case "list_id":
		return it.listID, true, true
	case "created_by":
		return it.createdBy, true, true
	case "updated_by":
		return it.updatedBy, true, true
	case "tie_breaker_id":
		return it.tieBreaker, true, true
	case "created_at", "@timestamp":
		return it.created, true, true
	case "updated_at":
		return it.updated, true, true
	}
	if slices.Contains(valueListTypes, field) {
		return it.value, field == it.typ, true
	}
	return "", false, false
}

func (k *Kibana) findValueListItems(c *call) {
	z := &zod{where: "request query"}
	listID := c.query("list_id")
	if listID == "" {
		z.add("list_id", "Required")
	}
	if z.answer(c) {
		return
	}
	f, ok := parseVLFind(c)
	if !ok || !needStreams(c, itemsStream(c.spaceID)) {
		return
	}
	st := &c.space.valueLists
	if st.lists[listID] == nil {
		siemError(c, http.StatusNotFound, fmt.Sprintf("list id: %q does not exist", listID))
		return
	}
	var rows []*valueListItem
	for _, id := range st.order {
		if it := st.items[id]; it.listID == listID {
			rows = append(rows, it)
		}
	}
	rows, ok = kqlSelect(c, itemsStream(c.spaceID), f.filter, nil, rows, func(it *valueListItem) map[string]any {
		return kqlFields(append(valueListItemFields, it.typ), func(field string) []string {
			if v, present, _ := itemField(it, field); present {
				return []string{v}
			}
			return nil
		})
	})
	if !ok {
		return
	}
	key := func(it *valueListItem, field string) (vlSortKey, bool, bool) {
		v, present, known := itemField(it, field)
		if present && field == it.typ {
			return valueSortKey(it.typ, v), true, true
		}
		return vlSortKey{text: v}, present, known
	}
	vlPage(c, f, rows, key, func(it *valueListItem) string { return it.tieBreaker }, (*valueListItem).doc)
}

// valueSortKey orders values of a type: numbers by value, IPs by address,
// the rest as text.
func valueSortKey(typ, v string) vlSortKey {
	switch typ {
	case "byte", "short", "integer", "long", "half_float", "float", "double":
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return vlSortKey{num: n, numeric: true}
		}
	case "ip":
		if a, err := netip.ParseAddr(v); err == nil {
			b := a.As16()
			return vlSortKey{text: string(b[:]), shown: v}
		}
	}
	return vlSortKey{text: v}
}

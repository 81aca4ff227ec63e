package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Value list items: one value each, typed by their list. Values a list's
// type cannot hold are refused the way Elasticsearch refuses a document
// whose field does not parse.

func (it *valueListItem) doc() map[string]any {
	d := map[string]any{
		"@timestamp": it.created, "_version": occVersion(it.seq), "created_at": it.created, "created_by": it.createdBy,
		"id": it.id, "list_id": it.listID, "tie_breaker_id": it.tieBreaker, "type": it.typ,
		"updated_at": it.updated, "updated_by": it.updatedBy, "value": it.value,
	}
	if it.meta != nil {
		d["meta"] = it.meta
	}
	return d
}

func itemDocs(items []*valueListItem) []map[string]any {
	out := make([]map[string]any, len(items))
	for i, it := range items {
		out[i] = it.doc()
	}
	return out
}

// addItem stores a new item of list l.
func (st *valueListsState) addItem(id string, l *valueList, value string, meta map[string]any, user, at, tieBreaker string) *valueListItem {
	if st.items == nil {
		st.items = map[string]*valueListItem{}
	}
	it := &valueListItem{id: id, listID: l.id, typ: l.typ, value: value, meta: meta, tieBreaker: tieBreaker,
		created: at, createdBy: user, updated: at, updatedBy: user, seq: st.nextSeq()}
	st.items[id] = it
	st.order = append(st.order, id)
	return it
}

// itemsWithValue are the items of list l that a term query for value
// finds: the same value, or for IPs an address inside a CIDR block asked
// for, or a range holding the address.
func (st *valueListsState) itemsWithValue(l *valueList, value string) []*valueListItem {
	var out []*valueListItem
	for _, id := range st.order {
		if it := st.items[id]; it.listID == l.id && valueListTermMatches(it.typ, it.value, value) {
			out = append(out, it)
		}
	}
	return out
}

// badValue answers Elasticsearch's refusal of a value its field cannot
// hold; false when the value is fine.
func badValue(c *call, typ, value, docID string) bool {
	if valueListValueOK(typ, value) {
		return false
	}
	preview := value
	if len(preview) > 20 {
		preview = preview[:20] + "..."
	}
	esFailure(c, &es.Error{Status: http.StatusBadRequest, Type: "document_parsing_exception", RootType: "document_parsing_exception",
		Reason: fmt.Sprintf("failed to parse field [%s] of type [%s] in document with id '%s'. Preview of field's value: '%s'", typ, typ, docID, preview)})
	return true
}

// itemRef reads the id, list_id and value query parameters that name an
// item or a value.
func itemRef(c *call) (id, listID, value string, hasValue bool) {
	q := c.r.URL.Query()
	return q.Get("id"), q.Get("list_id"), q.Get("value"), q.Has("value")
}

func (k *Kibana) readValueListItem(c *call) {
	id, listID, value, hasValue := itemRef(c)
	if !needStreams(c, itemsStream(c.spaceID)) {
		return
	}
	st := &c.space.valueLists
	switch {
	case id != "":
		it := st.items[id]
		if it == nil {
			siemError(c, http.StatusNotFound, fmt.Sprintf("list item id: %q does not exist", id))
			return
		}
		c.ok(it.doc())
	case listID != "" && hasValue:
		l := st.lists[listID]
		if l == nil {
			siemError(c, http.StatusNotFound, fmt.Sprintf("list id: %q does not exist", listID))
			return
		}
		found := st.itemsWithValue(l, value)
		if len(found) == 0 {
			siemError(c, http.StatusNotFound, fmt.Sprintf("list_id: %q item of %s does not exist", listID, value))
			return
		}
		c.ok(itemDocs(found))
	default:
		siemError(c, http.StatusBadRequest, `Either "list_id" or "id" needs to be defined in the request`)
	}
}

func (k *Kibana) createValueListItem(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	listID, _ := zodString(z, body, "list_id", true, true)
	value, _ := zodString(z, body, "value", true, true)
	id, _ := zodString(z, body, "id", false, true)
	meta, _ := z.object(body, "meta", false)
	z.enum(body, "refresh", false, "true", "false", "wait_for")
	if z.answer(c) || !needStreams(c, listsStream(c.spaceID)) {
		return
	}
	st := &c.space.valueLists
	l := st.lists[listID]
	if l == nil {
		siemError(c, http.StatusNotFound, fmt.Sprintf("list id: %q does not exist", listID))
		return
	}
	if id != "" && st.items[id] != nil {
		siemError(c, http.StatusConflict, fmt.Sprintf("list item id: %q already exists", id))
		return
	}
	if id == "" {
		id = k.newID()
	}
	if badValue(c, l.typ, value, id) {
		return
	}
	c.ok(st.addItem(id, l, value, meta, ruleUser(c), k.now(), k.newID()).doc())
}

func (k *Kibana) updateValueListItem(c *call) { k.changeValueListItem(c, false) }
func (k *Kibana) patchValueListItem(c *call)  { k.changeValueListItem(c, true) }

// changeValueListItem replaces (PUT) or patches (PATCH) an item's value
// and meta. A replace removes meta left out.
func (k *Kibana) changeValueListItem(c *call, patch bool) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	id, _ := zodString(z, body, "id", true, true)
	value, hasValue := zodString(z, body, "value", !patch, true)
	meta, hasMeta := z.object(body, "meta", false)
	occ, _ := zodString(z, body, "_version", false, false)
	if patch {
		z.enum(body, "refresh", false, "true", "false", "wait_for")
	}
	if z.answer(c) || !needStreams(c, itemsStream(c.spaceID)) {
		return
	}
	st := &c.space.valueLists
	it := st.items[id]
	if it == nil {
		siemError(c, http.StatusNotFound, fmt.Sprintf("list item id: %q not found", id))
		return
	}
	if !checkOCC(c, occ, it.seq) || hasValue && badValue(c, it.typ, value, id) {
		return
	}
	if hasValue {
		it.value = value
	}
	if hasMeta || !patch {
		it.meta = meta
	}
	it.updated, it.updatedBy, it.seq = k.now(), ruleUser(c), st.nextSeq()
	c.ok(it.doc())
}

func (k *Kibana) deleteValueListItem(c *call) {
	z := &zod{where: "request query"}
	zodQueryEnum(z, c, "refresh", "true", "false", "wait_for")
	if z.answer(c) {
		return
	}
	id, listID, value, hasValue := itemRef(c)
	if !needStreams(c, itemsStream(c.spaceID)) {
		return
	}
	st := &c.space.valueLists
	switch {
	case id != "":
		it := st.items[id]
		if it == nil {
			siemError(c, http.StatusNotFound, fmt.Sprintf("list item with id: %q not found", id))
			return
		}
		st.removeItems(func(x *valueListItem) bool { return x == it })
		c.ok(it.doc())
	case listID != "" && hasValue:
		l := st.lists[listID]
		if l == nil {
			siemError(c, http.StatusNotFound, fmt.Sprintf("list_id: %q does not exist", listID))
			return
		}
		found := st.itemsWithValue(l, value)
		if len(found) == 0 {
			siemError(c, http.StatusNotFound, fmt.Sprintf("list_id: %q with %s was not found", listID, value))
			return
		}
		drop := map[*valueListItem]bool{}
		for _, it := range found {
			drop[it] = true
		}
		st.removeItems(func(x *valueListItem) bool { return drop[x] })
		c.ok(itemDocs(found))
	default:
		siemError(c, http.StatusBadRequest, `Either "list_id" or "id" needs to be defined in the request`)
	}
}

// ---- Export and import ----

// exportValueListItems streams the list's values, one a line, as a file
// named after the list.
func (k *Kibana) exportValueListItems(c *call) {
	z := &zod{where: "request query"}
	listID := c.query("list_id")
	if listID == "" {
		z.add("list_id", "Required")
	}
	if z.answer(c) || !needStreams(c, listsStream(c.spaceID)) {
		return
	}
	st := &c.space.valueLists
	l := st.lists[listID]
	if l == nil {
		siemError(c, http.StatusBadRequest, fmt.Sprintf("list_id: %s does not exist", listID))
		return
	}
	var b strings.Builder
	for _, id := range st.order {
		if it := st.items[id]; it.listID == listID {
			b.WriteString(it.value + "\n")
		}
	}
	c.answered = true
	c.w.Header().Set("Content-Type", "application/ndjson")
	c.w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", l.name))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write([]byte(b.String()))
}

// importFileName is how Kibana's importer finds the file's name: only as a
// quoted filename parameter.
var importFileName = lazyRegexp(`filename="(.+)"`)

// importLines reads a multipart upload the way Kibana's list importer
// does: line by line, without a multipart parser. The first boundary line
// starts a part; its header lines give the file name; after the blank line
// every non-blank line is a value until the closing boundary. So a second
// part (or a text field) is read as values too, as in Kibana.
func importLines(raw []byte) (filename string, values []string) {
	boundary, reading := "", false
	seen := map[string]bool{}
	for line := range strings.Lines(string(raw)) {
		line = strings.TrimRight(line, "\r\n")
		blank := strings.TrimSpace(line) == ""
		switch {
		case boundary == "" && strings.HasPrefix(line, "--"):
			boundary = line + "--"
		case boundary != "" && !reading && !blank:
			if m := importFileName().FindStringSubmatch(line); m != nil && strings.HasPrefix(line, "Content-Disposition") && filename == "" {
				filename = m[1]
			}
		case boundary != "" && !reading:
			reading = true
		case reading && blank:
		case boundary != "" && line == boundary:
			boundary, reading = "", false
		case reading:
			if !seen[line] {
				seen[line] = true
				values = append(values, line)
			}
		}
	}
	return filename, values
}

func (k *Kibana) importValueListItems(c *call) {
	z := &zod{where: "request query"}
	q := c.r.URL.Query()
	if q.Has("list_id") && q.Get("list_id") == "" {
		z.add("list_id", "String must contain at least 1 character(s)")
	}
	typ := zodQueryEnum(z, c, "type", valueListTypes...)
	zodQueryEnum(z, c, "refresh", "true", "false", "wait_for")
	if z.answer(c) {
		return
	}
	filename, values := importLines(c.rawBody)
	if filename == "" {
		siemError(c, http.StatusBadRequest, "To import a list item, the file name must be specified")
		return
	}
	if ext := strings.ToLower(path.Ext(filename)); ext != ".csv" && ext != ".txt" {
		siemError(c, http.StatusUnsupportedMediaType, "Unsupported media type. File must be one of the following types: [.csv, .txt]")
		return
	}
	st := &c.space.valueLists
	if !st.streams {
		siemError(c, http.StatusBadRequest, fmt.Sprintf("To import a list item, the data steam must exist first. Data stream %q does not exist", listsStream(c.spaceID)))
		return
	}
	user, now := ruleUser(c), k.now()
	var l *valueList
	switch listID := q.Get("list_id"); {
	case listID != "":
		if l = st.lists[listID]; l == nil {
			siemError(c, http.StatusConflict, fmt.Sprintf("list id: %q does not exist", listID))
			return
		}
		typ = l.typ
	case typ != "":
		name := filename
		if decoded, err := url.PathUnescape(filename); err == nil {
			name = decoded
		}
		if l = st.lists[name]; l == nil {
			l = st.addList(name, typ, name, "File uploaded from file system of "+name, nil, 1, user, now, k.newID())
			l.serializer, l.deserializer = q.Get("serializer"), q.Get("deserializer")
		}
	default:
		siemError(c, http.StatusBadRequest, "Either type or list_id need to be defined in the query")
		return
	}
	answer := l.doc()
	if l.serializer != "" {
		// The list's own pattern picks each value out of its line; lines
		// it does not match are skipped, as Kibana skips them.
		re, err := regexp.Compile(l.serializer)
		if err != nil {
			siemError(c, http.StatusBadRequest, "Invalid regular expression in serializer: "+err.Error())
			return
		}
		values = serializedValues(re, values)
	}
	for _, v := range values {
		// Elasticsearch refuses lines the type cannot hold and Kibana
		// does not report them; the sandbox also keeps one item per value.
		if !valueListValueOK(typ, v) || exactValue(st, l, v) {
			continue
		}
		st.addItem(k.newID(), l, v, nil, user, now, k.newID())
	}
	c.ok(answer)
}

// serializedValues applies a list's serializer to the imported lines: the
// value group, or the gte and lte groups of a range joined by "-".
func serializedValues(re *regexp.Regexp, lines []string) []string {
	var out []string
	for _, line := range lines {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		group := func(name string) string {
			if i := re.SubexpIndex(name); i >= 0 {
				return m[i]
			}
			return ""
		}
		switch {
		case group("value") != "":
			out = append(out, group("value"))
		case group("gte") != "" && group("lte") != "":
			out = append(out, group("gte")+"-"+group("lte"))
		}
	}
	return out
}

// exactValue reports whether list l already holds exactly v.
func exactValue(st *valueListsState, l *valueList, v string) bool {
	for _, it := range st.itemsWithValue(l, v) {
		if it.value == v {
			return true
		}
	}
	return false
}

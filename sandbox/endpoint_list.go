package sandbox

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The Elastic Endpoint exception list (list_id endpoint_list) and its
// items. Kibana validates these routes with zod: a 400 lists every problem
// as "[request body]: path: message, ...". Not-found and conflict answers
// use the Security Solution's {message, status_code} shape.

const epListID = "endpoint_list"

// epList is the exception list container.
type epList struct {
	id, tieBreaker                             string
	createdAt, createdBy, updatedAt, updatedBy string
	seq                                        int
}

// epListItem is one exception.
type epListItem struct {
	id, itemID, name, description, tieBreaker  string
	createdAt, createdBy, updatedAt, updatedBy string
	entries                                    []any
	osTypes, tags                              []string
	comments                                   []any
	meta                                       map[string]any
	seq                                        int
}

func (st *endpointState) nextSeq() int {
	st.seq++
	return st.seq
}

// epVersion is a saved object's _version: base64 of [seq_no,primary_term].
func epVersion(seq int) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("[%d,1]", seq)))
}

func (st *endpointState) addItem(it *epListItem) {
	if st.items == nil {
		st.items = map[string]*epListItem{}
	}
	st.items[it.id] = it
	st.itemOrder = append(st.itemOrder, it.id)
}

func (st *endpointState) removeItem(id string) {
	delete(st.items, id)
	st.itemOrder = slices.DeleteFunc(st.itemOrder, func(s string) bool { return s == id })
}

// itemByRef finds an item by id, or else by item_id.
func (st *endpointState) itemByRef(id, itemID string) *epListItem {
	if id != "" {
		return st.items[id]
	}
	for _, key := range st.itemOrder {
		if it := st.items[key]; it.itemID == itemID {
			return it
		}
	}
	return nil
}

// epSiemError answers in the Security Solution's error shape.
func epSiemError(c *call, status int, msg string) {
	c.answered = true
	writeJSON(c.w, status, map[string]any{"message": msg, "status_code": status})
}

// epItemMissing is Kibana's message for an item that is not there.
func epItemMissing(id, itemID string) string {
	if id != "" {
		return fmt.Sprintf(`exception list item id: "%s" does not exist`, id)
	}
	return fmt.Sprintf(`exception list item item_id: "%s" does not exist`, itemID)
}

// ensureList creates the list if it is missing and reports whether it did.
func (k *Kibana) ensureList(st *endpointState, user string, at time.Time) bool {
	if st.list != nil {
		return false
	}
	stamp := epStamp(at)
	st.list = &epList{id: k.newID(), tieBreaker: k.newID(), createdAt: stamp, createdBy: user, updatedAt: stamp, updatedBy: user, seq: st.nextSeq()}
	return true
}

func epListDoc(l *epList) map[string]any {
	return map[string]any{
		"_version": epVersion(l.seq), "id": l.id, "list_id": epListID, "type": "endpoint",
		"name": "Endpoint Security Exception List", "description": "Endpoint Security Exception List",
		"immutable": false, "namespace_type": "agnostic", "os_types": []any{}, "tags": []any{}, "version": 1,
		"tie_breaker_id": l.tieBreaker, "created_at": l.createdAt, "created_by": l.createdBy,
		"updated_at": l.updatedAt, "updated_by": l.updatedBy,
	}
}

func epItemDoc(it *epListItem) map[string]any {
	doc := map[string]any{
		"_version": epVersion(it.seq), "id": it.id, "item_id": it.itemID, "list_id": epListID,
		"type": "simple", "name": it.name, "description": it.description, "entries": cfgCloneValue(it.entries),
		"namespace_type": "agnostic", "os_types": cfgStrings(it.osTypes), "tags": cfgStrings(it.tags),
		"comments": cfgCloneValue(it.comments), "tie_breaker_id": it.tieBreaker,
		"created_at": it.createdAt, "created_by": it.createdBy, "updated_at": it.updatedAt, "updated_by": it.updatedBy,
	}
	if it.meta != nil {
		doc["meta"] = cfgClone(it.meta)
	}
	return doc
}

// createEndpointList creates the list; an empty object means it exists.
func (k *Kibana) createEndpointList(c *call) {
	st := &c.space.endpoint
	if !k.ensureList(st, epUser(c), k.cfg.Now()) {
		c.ok(map[string]any{})
		return
	}
	c.ok(epListDoc(st.list))
}

// epIssues collects zod-style validation problems.
type epIssues []string

func (is *epIssues) add(path, msg string) { *is = append(*is, path+": "+msg) }

func (is epIssues) message(where string) string {
	return "[" + where + "]: " + strings.Join(is, ", ")
}

// epZodType names a JSON value's type as zod's messages do.
func epZodType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "number"
}

// nonEmpty checks a NonEmptyString member; ok is false when it is absent
// or wrong (and then reported unless optional and absent).
func (is *epIssues) nonEmpty(obj map[string]any, key, path string, required bool) (string, bool) {
	v, present := obj[key]
	if !present {
		if required {
			is.add(path, "Required")
		}
		return "", false
	}
	s, ok := v.(string)
	switch {
	case !ok:
		is.add(path, "Expected string, received "+epZodType(v))
		return "", false
	case s == "":
		is.add(path, "String must contain at least 1 character(s)")
		return "", false
	case strings.TrimSpace(s) == "":
		is.add(path, "No empty strings allowed")
		return "", false
	}
	return s, true
}

func epZodEnum(allowed []string, got any) string {
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = "'" + a + "'"
	}
	return fmt.Sprintf("Invalid enum value. Expected %s, received '%v'", strings.Join(quoted, " | "), got)
}

var (
	epEntryTypes = []string{"match", "match_any", "list", "exists", "nested", "wildcard"}
	epOperators  = []string{"excluded", "included"}
	epOSTypes    = []string{"linux", "macos", "windows"}
	epListTypes  = []string{"binary", "boolean", "byte", "date", "date_nanos", "date_range", "double", "double_range", "float", "float_range", "geo_point", "geo_shape", "half_float", "integer", "integer_range", "ip", "ip_range", "keyword", "long", "long_range", "shape", "short", "text"}
)

// checkEntry validates one entry (nested: one inner entry) and answers it
// as stored, without members its type does not take.
func (is *epIssues) checkEntry(v any, path string, nested bool) map[string]any {
	e, ok := v.(map[string]any)
	if !ok {
		is.add(path, "Expected object, received "+epZodType(v))
		return nil
	}
	types := epEntryTypes
	if nested {
		types = []string{"match", "match_any", "exists"}
	}
	typ, _ := e["type"].(string)
	if !slices.Contains(types, typ) {
		if _, present := e["type"]; !present {
			is.add(path+".type", "Required")
		} else {
			is.add(path+".type", epZodEnum(types, e["type"]))
		}
		return nil
	}
	out := map[string]any{"type": typ}
	if field, ok := is.nonEmpty(e, "field", path+".field", true); ok {
		out["field"] = field
	}
	if typ != "nested" {
		op, present := e["operator"]
		switch s, _ := op.(string); {
		case !present:
			is.add(path+".operator", "Required")
		case !slices.Contains(epOperators, s):
			is.add(path+".operator", epZodEnum(epOperators, op))
		default:
			out["operator"] = s
		}
	}
	switch typ {
	case "match", "wildcard":
		if s, ok := is.nonEmpty(e, "value", path+".value", true); ok {
			out["value"] = s
		}
	case "match_any":
		list, ok := e["value"].([]any)
		switch {
		case e["value"] == nil:
			is.add(path+".value", "Required")
		case !ok:
			is.add(path+".value", "Expected array, received "+epZodType(e["value"]))
		case len(list) == 0:
			is.add(path+".value", "Array must contain at least 1 element(s)")
		default:
			values := make([]any, 0, len(list))
			for i, item := range list {
				if s, ok := is.nonEmpty(map[string]any{"v": item}, "v", fmt.Sprintf("%s.value.%d", path, i), true); ok {
					values = append(values, s)
				}
			}
			out["value"] = values
		}
	case "list":
		l, ok := e["list"].(map[string]any)
		if !ok {
			if e["list"] == nil {
				is.add(path+".list", "Required")
			} else {
				is.add(path+".list", "Expected object, received "+epZodType(e["list"]))
			}
			break
		}
		id, idOK := is.nonEmpty(l, "id", path+".list.id", true)
		lt, _ := l["type"].(string)
		if !slices.Contains(epListTypes, lt) {
			if l["type"] == nil {
				is.add(path+".list.type", "Required")
			} else {
				is.add(path+".list.type", epZodEnum(epListTypes, l["type"]))
			}
		} else if idOK {
			out["list"] = map[string]any{"id": id, "type": lt}
		}
	case "nested":
		inner, ok := e["entries"].([]any)
		switch {
		case e["entries"] == nil:
			is.add(path+".entries", "Required")
		case !ok:
			is.add(path+".entries", "Expected array, received "+epZodType(e["entries"]))
		case len(inner) == 0:
			is.add(path+".entries", "Array must contain at least 1 element(s)")
		default:
			var checked []any
			for i, ie := range inner {
				if m := is.checkEntry(ie, fmt.Sprintf("%s.entries.%d", path, i), true); m != nil {
					checked = append(checked, m)
				}
			}
			out["entries"] = checked
		}
	}
	return out
}

// epItemInput is a validated item body.
type epItemInput struct {
	id, itemID, version, name, description string
	entries                                []any
	osTypes, tags                          []string
	hasOSTypes, hasTags, hasMeta, hasNotes bool
	comments                               []any
	meta                                   map[string]any
}

// checkItemBody validates a create or update body.
func checkItemBody(body map[string]any, update bool) (*epItemInput, epIssues) {
	var is epIssues
	in := &epItemInput{}
	if update {
		in.id, _ = is.nonEmpty(body, "id", "id", false)
		in.itemID, _ = is.nonEmpty(body, "item_id", "item_id", false)
		if v, ok := body["_version"]; ok {
			if s, isString := v.(string); isString {
				in.version = s
			} else {
				is.add("_version", "Expected string, received "+epZodType(v))
			}
		}
	} else {
		in.itemID, _ = is.nonEmpty(body, "item_id", "item_id", false)
	}
	switch v, present := body["type"]; {
	case !present:
		is.add("type", "Required")
	case v != "simple":
		is.add("type", epZodEnum([]string{"simple"}, v))
	}
	in.name, _ = is.nonEmpty(body, "name", "name", true)
	switch v, present := body["description"]; {
	case !present:
		is.add("description", "Required")
	default:
		s, ok := v.(string)
		if !ok {
			is.add("description", "Expected string, received "+epZodType(v))
		}
		in.description = s
	}
	switch v, present := body["entries"]; {
	case !present:
		is.add("entries", "Required")
	default:
		list, ok := v.([]any)
		if !ok {
			is.add("entries", "Expected array, received "+epZodType(v))
			break
		}
		in.entries = []any{}
		for i, e := range list {
			if m := is.checkEntry(e, fmt.Sprintf("entries.%d", i), false); m != nil {
				in.entries = append(in.entries, m)
			}
		}
	}
	if v, present := body["os_types"]; present {
		in.hasOSTypes = true
		list, ok := v.([]any)
		if !ok {
			is.add("os_types", "Expected array, received "+epZodType(v))
		}
		for i, o := range list {
			if s, _ := o.(string); slices.Contains(epOSTypes, s) {
				in.osTypes = append(in.osTypes, s)
			} else {
				is.add(fmt.Sprintf("os_types.%d", i), epZodEnum(epOSTypes, o))
			}
		}
	}
	if v, present := body["tags"]; present {
		in.hasTags = true
		list, ok := v.([]any)
		if !ok {
			is.add("tags", "Expected array, received "+epZodType(v))
		}
		for i, t := range list {
			if s, ok := is.nonEmpty(map[string]any{"t": t}, "t", fmt.Sprintf("tags.%d", i), true); ok {
				in.tags = append(in.tags, s)
			}
		}
	}
	if v, present := body["meta"]; present {
		in.hasMeta = true
		m, ok := v.(map[string]any)
		if !ok {
			is.add("meta", "Expected object, received "+epZodType(v))
		}
		in.meta = m
	}
	if v, present := body["comments"]; present {
		in.hasNotes = true
		list, ok := v.([]any)
		if !ok {
			is.add("comments", "Expected array, received "+epZodType(v))
		}
		for i, cm := range list {
			m, ok := cm.(map[string]any)
			if !ok {
				is.add(fmt.Sprintf("comments.%d", i), "Expected object, received "+epZodType(cm))
				continue
			}
			if s, ok := is.nonEmpty(m, "comment", fmt.Sprintf("comments.%d.comment", i), true); ok {
				in.comments = append(in.comments, map[string]any{"comment": s, "id": m["id"]})
			}
		}
	}
	return in, is
}

// epComments gives new comments their id, author and time; those with an
// id already kept are kept as they were.
func (k *Kibana) epComments(in []any, old []any, user, stamp string) []any {
	out := []any{}
	for _, c := range in {
		m := c.(map[string]any)
		if id, _ := m["id"].(string); id != "" {
			if i := slices.IndexFunc(old, func(o any) bool { return o.(map[string]any)["id"] == id }); i >= 0 {
				out = append(out, old[i])
				continue
			}
		}
		out = append(out, map[string]any{"id": k.newID(), "comment": m["comment"], "created_at": stamp, "created_by": user})
	}
	return out
}

func (k *Kibana) createEndpointListItem(c *call) {
	if !c.requireBody() {
		return
	}
	in, issues := checkItemBody(c.body, false)
	if len(issues) > 0 {
		c.badRequest(issues.message("request body"))
		return
	}
	st := &c.space.endpoint
	user, now := epUser(c), k.cfg.Now()
	if in.itemID != "" && st.itemByRef("", in.itemID) != nil {
		epSiemError(c, http.StatusConflict, fmt.Sprintf(`exception list item id: "%s" already exists`, in.itemID))
		return
	}
	k.ensureList(st, user, now)
	stamp := epStamp(now)
	it := &epListItem{
		id: k.newID(), itemID: in.itemID, name: in.name, description: in.description, tieBreaker: k.newID(),
		createdAt: stamp, createdBy: user, updatedAt: stamp, updatedBy: user,
		entries: in.entries, osTypes: in.osTypes, tags: in.tags, meta: in.meta, seq: st.nextSeq(),
		comments: k.epComments(in.comments, nil, user, stamp),
	}
	if it.itemID == "" {
		it.itemID = k.newID()
	}
	st.addItem(it)
	c.ok(epItemDoc(it))
}

func (k *Kibana) updateEndpointListItem(c *call) {
	if !c.requireBody() {
		return
	}
	in, issues := checkItemBody(c.body, true)
	if len(issues) > 0 {
		c.badRequest(issues.message("request body"))
		return
	}
	st := &c.space.endpoint
	it := exFind(c, in.id, in.itemID, "either id or item_id need to be defined", st.itemByRef, epItemMissing)
	if it == nil || exStale(c, in.version, it.seq, "exception-list-agnostic", it.id) {
		return
	}
	user, stamp := epUser(c), epStamp(k.cfg.Now())
	it.name, it.description, it.entries = in.name, in.description, in.entries
	it.osTypes = in.osTypes
	if in.hasTags {
		it.tags = in.tags
	}
	if in.hasMeta {
		it.meta = in.meta
	}
	if in.hasNotes {
		it.comments = k.epComments(in.comments, it.comments, user, stamp)
	}
	it.updatedAt, it.updatedBy, it.seq = stamp, user, st.nextSeq()
	c.ok(epItemDoc(it))
}

// itemFromQuery finds the item the id or item_id query parameter names.
func itemFromQuery(c *call) *epListItem {
	return exFind(c, c.query("id"), c.query("item_id"), "either id or item_id need to be defined", c.space.endpoint.itemByRef, epItemMissing)
}

func (k *Kibana) getEndpointListItem(c *call) {
	if it := itemFromQuery(c); it != nil {
		c.ok(epItemDoc(it))
	}
}

func (k *Kibana) deleteEndpointListItem(c *call) {
	if it := itemFromQuery(c); it != nil {
		c.space.endpoint.removeItem(it.id)
		c.ok(epItemDoc(it))
	}
}

// epItemField reads a field of an item for filters and sorting.
func epItemField(it *epListItem, field string) []string {
	switch field {
	case "name":
		return []string{it.name}
	case "description":
		return []string{it.description}
	case "item_id":
		return []string{it.itemID}
	case "list_id":
		return []string{epListID}
	case "type":
		return []string{"simple"}
	case "tags":
		return it.tags
	case "os_types":
		return it.osTypes
	case "created_by":
		return []string{it.createdBy}
	case "updated_by":
		return []string{it.updatedBy}
	case "created_at":
		return []string{it.createdAt}
	case "updated_at":
		return []string{it.updatedAt}
	case "tie_breaker_id":
		return []string{it.tieBreaker}
	case "entries.field", "entries.value":
		var out []string
		var walk func(list []any)
		walk = func(list []any) {
			for _, e := range list {
				m := e.(map[string]any)
				key := strings.TrimPrefix(field, "entries.")
				switch v := m[key].(type) {
				case string:
					out = append(out, v)
				case []any:
					for _, s := range v {
						out = append(out, fmt.Sprint(s))
					}
				}
				if inner, ok := m["entries"].([]any); ok {
					walk(inner)
				}
			}
		}
		walk(it.entries)
		return out
	}
	return nil
}

var epItemFields = []string{"name", "description", "item_id", "list_id", "type", "tags", "os_types", "created_by", "updated_by", "created_at", "updated_at", "tie_breaker_id", "entries.field", "entries.value"}

// epItemKQL maps a filter's field (exception-list-agnostic.attributes.x,
// or just x) to an item field.
var epItemKQL = exFilterKQL(epItemFields, "exception-list-agnostic")

// epZodQueryInt reads an integer query parameter as zod does.
func epZodQueryInt(c *call, name string, def, min int) (int, bool) {
	s := c.query(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		c.badRequest(fmt.Sprintf("[request query]: %s: Expected number, received nan", name))
		return 0, false
	}
	if n < min {
		c.badRequest(fmt.Sprintf("[request query]: %s: Number must be greater than or equal to %d", name, min))
		return 0, false
	}
	return n, true
}

func (k *Kibana) findEndpointListItems(c *call) {
	page, perPage, order, ok := exPaging(c, 0)
	if !ok {
		return
	}
	sortField := c.query("sort_field")
	if sortField != "" && !slices.Contains(epItemFields[:12], sortField) {
		c.badRequest(fmt.Sprintf("No mapping found for [exception-list-agnostic.%s] in order to sort on", sortField))
		return
	}
	filter, err := es.KQL(c.query("filter"), epItemKQL)
	if err != nil {
		c.badRequest(err.Error())
		return
	}
	st := &c.space.endpoint
	if st.list == nil {
		epSiemError(c, http.StatusNotFound, fmt.Sprintf(`list id: "%s" does not exist`, epListID))
		return
	}
	var matched []*epListItem
	for _, id := range st.itemOrder {
		matched = append(matched, st.items[id])
	}
	if matched, ok = kqlSelect(c, ".kibana_security_solution", filter, nil, matched, func(it *epListItem) map[string]any {
		return kqlFields(epItemFields, func(f string) []string { return epItemField(it, f) })
	}); !ok {
		return
	}
	if sortField != "" {
		exSort(matched, func(it *epListItem) []string { return epItemField(it, sortField) }, order)
	}
	data := []any{}
	for _, it := range exPage(matched, page, perPage) {
		data = append(data, epItemDoc(it))
	}
	c.ok(map[string]any{"data": data, "page": page, "per_page": perPage, "total": len(matched)})
}

// epSeedItem is an exception of the story.
type epSeedItem struct {
	itemID, name, description, by string
	entries                       []any
	osTypes, tags                 []string
	comment                       string
}

func epMatch(field, value string) map[string]any {
	return map[string]any{"type": "match", "field": field, "operator": "included", "value": value}
}

func epSeedItems(spaceID string) []epSeedItem {
	if spaceID == "soc" {
		return []epSeedItem{
			{itemID: "veeam-agent-backups", name: "Veeam agent on backup servers", description: "The backup agent reads and rewrites every backup file nightly.", by: "snovak",
				entries: []any{epMatch("process.executable", `C:\Program Files\Veeam\Backup\VeeamAgent.exe`),
					map[string]any{"type": "nested", "field": "process.Ext.code_signature", "entries": []any{
						map[string]any{"type": "match", "field": "trusted", "operator": "included", "value": "true"},
						map[string]any{"type": "match", "field": "subject_name", "operator": "included", "value": "Veeam Software Group GmbH"}}}},
				osTypes: []string{"windows"}, tags: []string{"policy:all"}, comment: "Checked the signature with the vendor."},
			{itemID: "sql-agent-jobs", name: "SQL Server Agent maintenance jobs", description: "Index maintenance spawns PowerShell from sqlagent.exe.", by: "mchen",
				entries: []any{epMatch("process.parent.name", "SQLAGENT.EXE"), epMatch("process.name", "powershell.exe"),
					map[string]any{"type": "wildcard", "field": "process.command_line", "operator": "included", "value": "*Invoke-IndexMaintenance*"}},
				osTypes: []string{"windows"}, tags: []string{"policy:all"}},
		}
	}
	return []epSeedItem{
		{itemID: "backup-agent-fileservers", name: "Backup agent on file servers", description: "Nightly backups read every file on the shares.", by: "snovak",
			entries: []any{epMatch("process.executable", `C:\Program Files\Acme Backup\bin\agent.exe`), epMatch("user.name", "svc-backup")},
			osTypes: []string{"windows"}, tags: []string{"policy:all"}, comment: "Kept after the fs-02 incident: the encryptor ran as svc-backup but not from this path."},
		{itemID: "build-farm-toolchain", name: "Build farm toolchain", description: "Compilers and linkers on the build farm write executables all day.", by: "rpatel",
			entries: []any{map[string]any{"type": "match_any", "field": "process.name", "operator": "included", "value": []any{"gcc", "ld", "cc1"}},
				map[string]any{"type": "wildcard", "field": "file.path", "operator": "included", "value": "/srv/build/*"}},
			osTypes: []string{"linux"}, tags: []string{"policy:all"}},
		{itemID: "it-inventory-script", name: "IT inventory script", description: "Weekly inventory run by the IT team.", by: "jdoe",
			entries: []any{epMatch("process.name", "powershell.exe"), map[string]any{"type": "exists", "field": "process.parent.name", "operator": "included"},
				epMatch("process.parent.name", "CcmExec.exe")},
			osTypes: []string{"windows"}, tags: []string{"policy:all", "it"}},
	}
}

// seedEndpointList gives a space its exception list and the story's
// exceptions.
func (k *Kibana) seedEndpointList(sp *space, rng *rand.Rand) {
	st := &sp.endpoint
	now := k.cfg.Now().UTC()
	created := now.Add(-time.Duration(120+rng.IntN(60)) * 24 * time.Hour)
	k.ensureList(st, "elastic", created)
	for _, s := range epSeedItems(sp.id) {
		at := now.Add(-time.Duration(10+rng.IntN(80))*24*time.Hour - time.Duration(rng.IntN(86400))*time.Second)
		stamp := epStamp(at)
		it := &epListItem{
			id: k.newID(), itemID: s.itemID, name: s.name, description: s.description, tieBreaker: k.newID(),
			createdAt: stamp, createdBy: s.by, updatedAt: stamp, updatedBy: s.by,
			entries: s.entries, osTypes: s.osTypes, tags: s.tags, comments: []any{}, seq: st.nextSeq(),
		}
		if s.comment != "" {
			it.comments = []any{map[string]any{"id": k.newID(), "comment": s.comment, "created_at": stamp, "created_by": s.by}}
		}
		st.addItem(it)
	}
}

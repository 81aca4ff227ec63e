package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Value lists and their items: the security solution's lists of IPs,
// hashes, names… that exception entries of type "list" match against.
// A space keeps them in two data streams (.lists-<space>, .items-<space>)
// which must exist before any list does. Request validation answers in
// Kibana's platform format with zod's wording; the routes' own errors and
// Elasticsearch's answer the security solution's {"message", "status_code"}.

// valueListsState is what a space holds of this area; it works from its
// zero value (no data streams yet, as in a new space).
type valueListsState struct {
	streams bool // .lists-<space> and .items-<space> exist
	lists   map[string]*valueList
	items   map[string]*valueListItem
	order   []string // item ids in creation order, for stable finds
	seq     int      // the data streams' sequence number, one per write
}

type valueList struct {
	id, typ, name, description string
	meta                       map[string]any
	serializer, deserializer   string // how imported lines parse, how values print; "" for the type's default
	immutable                  bool
	version                    int
	tieBreaker                 string
	created, createdBy         string
	updated, updatedBy         string
	seq                        int
}

type valueListItem struct {
	id, listID, typ, value string
	meta                   map[string]any
	tieBreaker             string
	created, createdBy     string
	updated, updatedBy     string
	seq                    int
}

// valueListTypes are the list types Kibana accepts.
var valueListTypes = []string{"binary", "boolean", "byte", "date", "date_nanos", "date_range", "double", "double_range", "float", "float_range", "geo_point", "geo_shape", "half_float", "integer", "integer_range", "ip", "ip_range", "keyword", "long", "long_range", "shape", "short", "text"}

// valueListType is the type of the space's value list id (ip, keyword, …),
// for exception entries of type "list" that name it; false when the space
// has no such list.
func (sp *space) valueListType(id string) (string, bool) {
	l := sp.valueLists.lists[id]
	if l == nil {
		return "", false
	}
	return l.typ, true
}

// valueListReferrer is what the exception lists area may implement on its
// state so that deleting a value list sees the exception items whose
// "list" entries name it: references returns each such item with its
// exception list (as Kibana renders them); with remove, it also drops those
// entries, deleting items left with none. Without it a value list has no
// references.
type valueListReferrer interface {
	valueListReferences(listID string, remove bool) []valueListReference
}

// valueListReference is an exception item that uses a value list.
type valueListReference struct {
	Item, List map[string]any
}

func (k *Kibana) valueListsRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/lists", k.readValueList),
		newRoute(http.MethodPost, "/api/lists", k.createValueList),
		newRoute(http.MethodPut, "/api/lists", k.updateValueList),
		newRoute(http.MethodPatch, "/api/lists", k.patchValueList),
		newRoute(http.MethodDelete, "/api/lists", k.deleteValueList),
		newRoute(http.MethodGet, "/api/lists/_find", k.findValueLists),
		newRoute(http.MethodGet, "/api/lists/index", k.readValueListIndex),
		newRoute(http.MethodPost, "/api/lists/index", k.createValueListIndex),
		newRoute(http.MethodDelete, "/api/lists/index", k.deleteValueListIndex),
		newRoute(http.MethodGet, "/api/lists/items", k.readValueListItem),
		newRoute(http.MethodPost, "/api/lists/items", k.createValueListItem),
		newRoute(http.MethodPut, "/api/lists/items", k.updateValueListItem),
		newRoute(http.MethodPatch, "/api/lists/items", k.patchValueListItem),
		newRoute(http.MethodDelete, "/api/lists/items", k.deleteValueListItem),
		newRoute(http.MethodGet, "/api/lists/items/_find", k.findValueListItems),
		newRoute(http.MethodPost, "/api/lists/items/_export", k.exportValueListItems),
		newRoute(http.MethodPost, "/api/lists/items/_import", k.importValueListItems),
		newRoute(http.MethodGet, "/api/lists/privileges", k.valueListPrivileges),
	}
}

// ---- Shared pieces ----

func listsStream(spaceID string) string { return ".lists-" + spaceID }
func itemsStream(spaceID string) string { return ".items-" + spaceID }

// needStreams answers Elasticsearch's missing-index error when the data
// streams do not exist; false when it did.
func needStreams(c *call, stream string) bool {
	if c.space.valueLists.streams {
		return true
	}
	esFailure(c, &es.Error{Status: http.StatusNotFound, Type: "index_not_found_exception", RootType: "index_not_found_exception", Reason: "no such index [" + stream + "]"})
	return false
}

// nextSeq is the sequence number of the next write to the data streams.
func (st *valueListsState) nextSeq() int {
	st.seq++
	return st.seq
}

// occVersion renders Kibana's _version: base64 of [seq_no, primary_term].
func occVersion(seq int) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "[%d,1]", seq))
}

// checkOCC answers Kibana's 409 when the body's _version is not the stored
// one; false when it did.
func checkOCC(c *call, given string, seq int) bool {
	current := occVersion(seq)
	if given == "" || given == current {
		return true
	}
	siemError(c, http.StatusConflict, fmt.Sprintf("Conflict: versions mismatch. Provided versions:%s does not match %s", decodeOCC(given), decodeOCC(current)))
	return false
}

// decodeOCC renders a _version as Elasticsearch's if_seq_no/if_primary_term
// pair ({} when it does not decode).
func decodeOCC(v string) string {
	var pair []int
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || json.Unmarshal(raw, &pair) != nil || len(pair) != 2 {
		return "{}"
	}
	return fmt.Sprintf(`{"if_primary_term":%d,"if_seq_no":%d}`, pair[1], pair[0])
}

// zodString reads a string member; nonEmpty as the spec's "nonempty"
// format: at least one character, and not only whitespace.
func zodString(z *zod, m map[string]any, key string, required, nonEmpty bool) (string, bool) {
	v, ok := m[key]
	if !ok {
		if required {
			z.add(key, "Required")
		}
		return "", false
	}
	s, isStr := v.(string)
	switch {
	case !isStr:
		z.add(key, "Expected string, received %s", zodType(v))
		return "", false
	case nonEmpty && s == "":
		z.add(key, "String must contain at least 1 character(s)")
		return "", false
	case nonEmpty && strings.TrimSpace(s) == "":
		z.add(key, "No empty strings allowed")
		return "", false
	}
	return s, true
}

// zodQueryEnum checks an optional enum query parameter.
func zodQueryEnum(z *zod, c *call, key string, allowed ...string) string {
	v := c.query(key)
	if v == "" {
		return ""
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	z.add(key, "%s", epZodEnum(allowed, v))
	return ""
}

// ---- Lists ----

func (l *valueList) doc() map[string]any {
	d := map[string]any{
		"@timestamp": l.created, "_version": occVersion(l.seq), "created_at": l.created, "created_by": l.createdBy,
		"description": l.description, "id": l.id, "immutable": l.immutable, "name": l.name,
		"tie_breaker_id": l.tieBreaker, "type": l.typ, "updated_at": l.updated, "updated_by": l.updatedBy, "version": l.version,
	}
	if l.meta != nil {
		d["meta"] = l.meta
	}
	if l.serializer != "" {
		d["serializer"] = l.serializer
	}
	if l.deserializer != "" {
		d["deserializer"] = l.deserializer
	}
	return d
}

func (k *Kibana) readValueList(c *call) {
	z := &zod{where: "request query"}
	id := c.query("id")
	if id == "" {
		z.add("id", "Required")
	}
	if z.answer(c) || !needStreams(c, listsStream(c.spaceID)) {
		return
	}
	l := c.space.valueLists.lists[id]
	if l == nil {
		siemError(c, http.StatusNotFound, fmt.Sprintf("list id: %q does not exist", id))
		return
	}
	c.ok(l.doc())
}

func (k *Kibana) createValueList(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	name, _ := zodString(z, body, "name", true, true)
	desc, _ := zodString(z, body, "description", true, true)
	typ, _ := z.enum(body, "type", true, valueListTypes...)
	id, _ := zodString(z, body, "id", false, true)
	meta, _ := z.object(body, "meta", false)
	version := 1
	if _, given := body["version"]; given {
		version, _ = z.integer(body, "version", 1)
	}
	serializer, _ := zodString(z, body, "serializer", false, false)
	deserializer, _ := zodString(z, body, "deserializer", false, false)
	if z.answer(c) {
		return
	}
	st := &c.space.valueLists
	if !st.streams {
		siemError(c, http.StatusBadRequest, fmt.Sprintf("To create a list, the data stream must exist first. Data stream %q does not exist", listsStream(c.spaceID)))
		return
	}
	if id != "" && st.lists[id] != nil {
		siemError(c, http.StatusConflict, fmt.Sprintf("list id: %q already exists", id))
		return
	}
	if id == "" {
		id = k.newID()
	}
	l := st.addList(id, typ, name, desc, meta, version, ruleUser(c), k.now(), k.newID())
	l.serializer, l.deserializer = serializer, deserializer
	c.ok(l.doc())
}

// addList stores a new list.
func (st *valueListsState) addList(id, typ, name, desc string, meta map[string]any, version int, user, at, tieBreaker string) *valueList {
	if st.lists == nil {
		st.lists = map[string]*valueList{}
	}
	l := &valueList{id: id, typ: typ, name: name, description: desc, meta: meta, version: version, tieBreaker: tieBreaker,
		created: at, createdBy: user, updated: at, updatedBy: user, seq: st.nextSeq()}
	st.lists[id] = l
	return l
}

func (k *Kibana) updateValueList(c *call) { k.changeValueList(c, false) }
func (k *Kibana) patchValueList(c *call)  { k.changeValueList(c, true) }

// changeValueList replaces (PUT) or patches (PATCH) a list's name,
// description, meta and version. A replace removes meta left out.
func (k *Kibana) changeValueList(c *call, patch bool) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	id, _ := zodString(z, body, "id", true, true)
	name, hasName := zodString(z, body, "name", !patch, true)
	desc, hasDesc := zodString(z, body, "description", !patch, true)
	meta, hasMeta := z.object(body, "meta", false)
	occ, _ := zodString(z, body, "_version", false, false)
	version, hasVersion := 0, false
	if _, given := body["version"]; given {
		version, hasVersion = z.integer(body, "version", 1)
	}
	if z.answer(c) || !needStreams(c, listsStream(c.spaceID)) {
		return
	}
	st := &c.space.valueLists
	l := st.lists[id]
	if l == nil {
		siemError(c, http.StatusNotFound, fmt.Sprintf("list id: %q not found", id))
		return
	}
	if !checkOCC(c, occ, l.seq) {
		return
	}
	if hasName {
		l.name = name
	}
	if hasDesc {
		l.description = desc
	}
	if hasMeta || !patch {
		l.meta = meta
	}
	if hasVersion {
		l.version = version
	} else {
		l.version++
	}
	l.updated, l.updatedBy, l.seq = k.now(), ruleUser(c), st.nextSeq()
	c.ok(l.doc())
}

func (k *Kibana) deleteValueList(c *call) {
	z := &zod{where: "request query"}
	id := c.query("id")
	if id == "" {
		z.add("id", "Required")
	}
	deleteRefs := zodQueryEnum(z, c, "deleteReferences", "true", "false") == "true"
	ignoreRefs := zodQueryEnum(z, c, "ignoreReferences", "true", "false") == "true"
	if z.answer(c) || !needStreams(c, listsStream(c.spaceID)) {
		return
	}
	st := &c.space.valueLists
	if !ignoreRefs {
		if referrer, ok := any(&c.space.exceptions).(valueListReferrer); ok {
			if refs := referrer.valueListReferences(id, false); len(refs) > 0 {
				if !deleteRefs {
					out := make([]map[string]any, len(refs))
					for i, r := range refs {
						out[i] = map[string]any{"exception_item": r.Item, "exception_list": r.List}
					}
					siemError(c, http.StatusConflict, map[string]any{"error": map[string]any{
						"message": fmt.Sprintf("Value list '%s' is referenced in existing exception list(s)", id), "references": out, "value_list_id": id}})
					return
				}
				referrer.valueListReferences(id, true)
			}
		}
	}
	l := st.lists[id]
	if l == nil {
		siemError(c, http.StatusNotFound, fmt.Sprintf("list id: %q was not found", id))
		return
	}
	doc := l.doc()
	delete(st.lists, id)
	st.removeItems(func(it *valueListItem) bool { return it.listID == id })
	c.ok(doc)
}

// removeItems deletes the items drop selects and returns them.
func (st *valueListsState) removeItems(drop func(*valueListItem) bool) []*valueListItem {
	var gone []*valueListItem
	kept := st.order[:0]
	for _, id := range st.order {
		it := st.items[id]
		if drop(it) {
			gone = append(gone, it)
			delete(st.items, id)
			continue
		}
		kept = append(kept, id)
	}
	st.order = kept
	return gone
}

// ---- Data streams ----

func (k *Kibana) readValueListIndex(c *call) {
	if !c.space.valueLists.streams {
		siemError(c, http.StatusNotFound, fmt.Sprintf("data stream %s and data stream %s does not exist", listsStream(c.spaceID), itemsStream(c.spaceID)))
		return
	}
	c.ok(map[string]any{"list_index": true, "list_item_index": true})
}

// createValueListIndex creates the data streams; existing ones are fine.
func (k *Kibana) createValueListIndex(c *call) {
	c.space.valueLists.streams = true
	c.ok(map[string]any{"acknowledged": true})
}

// deleteValueListIndex drops both data streams and so every list and item.
func (k *Kibana) deleteValueListIndex(c *call) {
	st := &c.space.valueLists
	if !st.streams {
		siemError(c, http.StatusNotFound, fmt.Sprintf("index and data stream: %q and %q does not exist", listsStream(c.spaceID), itemsStream(c.spaceID)))
		return
	}
	*st = valueListsState{seq: st.seq}
	c.ok(map[string]any{"acknowledged": true})
}

// ---- Privileges ----

// valueListPrivileges answers as for a superuser: every privilege on both
// data streams.
func (k *Kibana) valueListPrivileges(c *call) {
	user := ruleUser(c)
	privileges := func(stream string) map[string]any {
		cluster := map[string]any{}
		for _, p := range []string{"all", "create_snapshot", "manage", "manage_api_key", "manage_ccr", "manage_transform", "manage_ilm", "manage_index_templates", "manage_ingest_pipelines", "manage_ml", "manage_own_api_key", "manage_pipeline", "manage_rollup", "manage_saml", "manage_security", "manage_token", "manage_watcher", "monitor", "monitor_transform", "monitor_ml", "monitor_rollup", "monitor_watcher", "read_ccr", "read_ilm", "transport_client"} {
			cluster[p] = true
		}
		index := map[string]any{}
		for _, p := range []string{"all", "create", "create_doc", "create_index", "delete", "delete_index", "index", "maintenance", "manage", "manage_follow_index", "manage_ilm", "manage_leader_index", "monitor", "read", "read_cross_cluster", "view_index_metadata", "write"} {
			index[p] = true
		}
		return map[string]any{"username": user, "has_all_requested": true, "cluster": cluster,
			"index": map[string]any{stream: index}, "application": map[string]any{}}
	}
	c.ok(map[string]any{"is_authenticated": true, "lists": privileges(listsStream(c.spaceID)), "listItems": privileges(itemsStream(c.spaceID))})
}

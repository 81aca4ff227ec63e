package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Exception list items, and the rule-scoped items that go to a rule's
// default exception list.

// exItemInput is a validated item body: the members every item body has
// (checkItemBody), plus list, namespace and expiry.
type exItemInput struct {
	*exItemCore
	listID, ns, expireTime string
	expiry                 bool // the body sets expire_time (the Endpoint list's bodies have none)
}

// checkExItemBody validates an item body; prefix places its paths inside a
// larger body ("items.0.").
func checkExItemBody(body map[string]any, update, needList bool, prefix string) (*exItemInput, epIssues) {
	core, issues := checkItemBody(body, update)
	var is epIssues
	in := &exItemInput{exItemCore: core, expiry: true}
	in.listID, _ = is.nonEmpty(body, "list_id", "list_id", needList)
	in.ns = is.enum(body, "namespace_type", exNamespaces, false)
	if in.ns == "" {
		in.ns = "single"
	}
	if s := is.str(body, "expire_time", false); s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err != nil {
			is.add("expire_time", "Invalid datetime")
		} else {
			in.expireTime = t.UTC().Format("2006-01-02T15:04:05.000Z")
		}
	}
	all := append(issues, is...)
	for i := range all {
		all[i] = prefix + all[i]
	}
	return in, all
}

// The 400s of the item routes given neither id nor item_id: reads and
// deletes say the first, updates (and all the Endpoint list's routes) the
// second.
const (
	exItemRefMissing = `Either "item_id" or "id" needs to be defined in the request`
	exItemRefNeeded  = "either id or item_id need to be defined"
)

// queryStore is the store of the namespace_type query parameter; nil when
// the call was answered.
func (k *Kibana) queryStore(c *call) *exStore {
	ns, ok := exQueryNamespace(c)
	if !ok {
		return nil
	}
	return k.exStoreFor(c.space, ns)
}

// itemFromQuery finds the item the id or item_id query parameter names in
// a store, answering the call when it cannot; refMissing is the 400
// without either.
func itemFromQuery(c *call, st *exStore, refMissing string) *exItem {
	return exFind(c, c.query("id"), c.query("item_id"), refMissing, st.item, exItemMissing)
}

func getItem(c *call, st *exStore, refMissing string) {
	if it := itemFromQuery(c, st, refMissing); it != nil {
		c.ok(exItemDoc(it))
	}
}

func deleteItem(c *call, st *exStore, refMissing string) {
	if it := itemFromQuery(c, st, refMissing); it != nil {
		st.removeItem(it)
		c.ok(exItemDoc(it))
	}
}

func (k *Kibana) getExceptionItem(c *call) {
	if st := k.queryStore(c); st != nil {
		getItem(c, st, exItemRefMissing)
	}
}

func (k *Kibana) deleteExceptionItem(c *call) {
	if st := k.queryStore(c); st != nil {
		deleteItem(c, st, exItemRefMissing)
	}
}

// itemIDTaken answers a 409 when an item_id is in use in the namespace.
func itemIDTaken(c *call, st *exStore, itemID string) bool {
	if itemID != "" && st.item("", itemID) != nil {
		epSiemError(c, http.StatusConflict, fmt.Sprintf(`exception list item id: "%s" already exists`, itemID))
		return true
	}
	return false
}

// storeItem stores a new item of a list from a validated body.
func (k *Kibana) storeItem(c *call, st *exStore, in *exItemInput, listID, ns string) *exItem {
	stamp, user := k.now(), epUser(c)
	it := &exItem{
		id: k.newID(), itemID: in.itemID, listID: listID, name: in.name, description: in.description, ns: ns,
		tieBreaker: k.newID(), entries: in.entries, osTypes: in.osTypes, tags: in.tags, meta: in.meta,
		expireTime: in.expireTime, seq: st.next(), createdAt: stamp, createdBy: user, updatedAt: stamp, updatedBy: user,
		comments: k.exComments(in.comments, nil, user, stamp),
	}
	if it.itemID == "" {
		it.itemID = k.newID()
	}
	st.items = append(st.items, it)
	return it
}

func (k *Kibana) createExceptionItem(c *call) {
	if !c.requireBody() {
		return
	}
	in, issues := checkExItemBody(c.body, false, true, "")
	if len(issues) > 0 {
		c.badRequest(issues.message("request body"))
		return
	}
	st := k.exStoreFor(c.space, in.ns)
	if st.list("", in.listID) == nil {
		epSiemError(c, http.StatusNotFound, fmt.Sprintf(`exception list id: "%s" does not exist`, in.listID))
		return
	}
	if !itemIDTaken(c, st, in.itemID) {
		c.ok(exItemDoc(k.storeItem(c, st, in, in.listID, in.ns)))
	}
}

func (k *Kibana) updateExceptionItem(c *call) {
	if !c.requireBody() {
		return
	}
	in, issues := checkExItemBody(c.body, true, false, "")
	if len(issues) > 0 {
		c.badRequest(issues.message("request body"))
		return
	}
	k.updateItem(c, k.exStoreFor(c.space, in.ns), in)
}

// updateItem replaces the members of the item a validated update body
// names, answering the call.
func (k *Kibana) updateItem(c *call, st *exStore, in *exItemInput) {
	it := exFind(c, in.id, in.itemID, exItemRefNeeded, st.item, exItemMissing)
	if it == nil {
		return
	}
	if in.listID != "" && in.listID != it.listID {
		epSiemError(c, http.StatusBadRequest, fmt.Sprintf(`exception list item belongs to list_id: "%s", not "%s"`, it.listID, in.listID))
		return
	}
	if exStale(c, in.version, it.seq, exSavedObjectType(it.ns), it.id) {
		return
	}
	user, stamp := epUser(c), k.now()
	it.name, it.description, it.entries = in.name, in.description, in.entries
	it.osTypes = in.osTypes // absent means none, as Kibana's default
	if in.expiry {
		it.expireTime = in.expireTime
	}
	if in.hasTags {
		it.tags = in.tags
	}
	if in.hasMeta {
		it.meta = in.meta
	}
	if in.hasNotes {
		it.comments = k.exComments(in.comments, it.comments, user, stamp)
	}
	it.updatedAt, it.updatedBy, it.seq = stamp, user, st.next()
	c.ok(exItemDoc(it))
}

// exItemField reads an item field for filters, search and sorting.
func exItemField(it *exItem, field string) []string {
	switch field {
	case "name":
		return []string{it.name}
	case "description":
		return []string{it.description}
	case "item_id":
		return []string{it.itemID}
	case "list_id":
		return []string{it.listID}
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
	case "expire_time":
		if it.expireTime == "" {
			return nil
		}
		return []string{it.expireTime}
	case "entries.field", "entries.value":
		return entryValues(it.entries, strings.TrimPrefix(field, "entries."))
	case "comments.comment":
		var out []string
		for _, cm := range it.comments {
			if s, ok := cm.(map[string]any)["comment"].(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// entryValues lists one member (field or value) of entries and of the
// entries nested in them.
func entryValues(entries []any, key string) []string {
	var out []string
	for _, e := range entries {
		m := e.(map[string]any)
		switch v := m[key].(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, s := range v {
				out = append(out, fmt.Sprint(s))
			}
		}
		if inner, ok := m["entries"].([]any); ok {
			out = append(out, entryValues(inner, key)...)
		}
	}
	return out
}

// exItemDocForKQL is an item as a filter searches it.
func exItemDocForKQL(it *exItem) map[string]any {
	return kqlFields(exItemFields, func(f string) []string { return exItemField(it, f) })
}

// exItemFields are the fields filters name; the first 13 sort too.
var exItemFields = []string{"name", "description", "item_id", "list_id", "type", "tags", "os_types", "created_by", "updated_by", "created_at", "updated_at", "tie_breaker_id", "expire_time", "entries.field", "entries.value", "comments.comment"}

// exSearchMatches is the free-text search of items _find.
func exSearchMatches(it *exItem, search string) bool {
	search = strings.ToLower(strings.Trim(search, `"* `))
	for _, f := range []string{"name", "description", "item_id", "entries.field", "entries.value", "tags"} {
		for _, v := range exItemField(it, f) {
			if strings.Contains(strings.ToLower(v), search) {
				return true
			}
		}
	}
	return false
}

// exItemSortField reads sort_field; soType names the mapping Kibana's
// error says it is missing from.
func exItemSortField(c *call, soType string) (string, bool) {
	f := c.query("sort_field")
	if f != "" && !slices.Contains(exItemFields[:13], f) {
		c.badRequest(fmt.Sprintf("No mapping found for [%s.%s] in order to sort on", soType, f))
		return "", false
	}
	return f, true
}

// listItems are the items of a list that a filter keeps; missing is the
// 404 message when the list is not there.
func listItems(c *call, st *exStore, listID, filter, soType, missing string) ([]*exItem, bool) {
	if st.list("", listID) == nil {
		epSiemError(c, http.StatusNotFound, missing)
		return nil, false
	}
	return kqlKeep(c, ".kibana_security_solution", filter, exFilterKQL(exItemFields, soType), nil, st.itemsOf(listID), exItemDocForKQL)
}

// answerItems sorts the items found and answers one page of them; the
// page and per_page shown are at least floor.
func answerItems(c *call, found []*exItem, sortField, order string, page, perPage, floor int) {
	if sortField != "" {
		exSort(found, func(it *exItem) []string { return exItemField(it, sortField) }, order)
	}
	data := []any{}
	for _, it := range exPage(found, page, perPage) {
		data = append(data, exItemDoc(it))
	}
	c.ok(map[string]any{"data": data, "page": max(page, floor), "per_page": max(perPage, floor), "total": len(found)})
}

func (k *Kibana) findExceptionItems(c *call) {
	listIDs := exQueryList(c, "list_id")
	if len(listIDs) == 0 {
		c.badRequest("[request query]: list_id: Required")
		return
	}
	page, perPage, order, ok := exPaging(c, 0)
	if !ok {
		return
	}
	namespaces, ok := exQueryNamespaces(c)
	if !ok {
		return
	}
	if len(namespaces) != len(listIDs) {
		epSiemError(c, http.StatusBadRequest, fmt.Sprintf("list_id and namespace_id need to have the same comma separated number of values. Expected list_id length: %d to equal namespace_type length: %d", len(listIDs), len(namespaces)))
		return
	}
	filters := c.r.URL.Query()["filter"]
	if len(filters) != 0 && len(filters) != len(listIDs) {
		epSiemError(c, http.StatusBadRequest, fmt.Sprintf("list_id and filter need to have the same comma separated number of values. Expected list_id length: %d to equal filter length: %d", len(listIDs), len(filters)))
		return
	}
	sortField, ok := exItemSortField(c, "exception-list")
	if !ok {
		return
	}
	search := c.query("search")
	var matched []*exItem
	for i, listID := range listIDs {
		filter := ""
		if len(filters) > 0 {
			filter = filters[i]
		}
		items, ok := listItems(c, k.exStoreFor(c.space, namespaces[i]), listID, filter, "exception-list",
			fmt.Sprintf(`exception list list_id: "%s" does not exist`, listID))
		if !ok {
			return
		}
		for _, it := range items {
			if search == "" || exSearchMatches(it, search) {
				matched = append(matched, it)
			}
		}
	}
	answerItems(c, matched, sortField, order, page, perPage, 1)
}

// ---- Rule-scoped exceptions ----

var exUUID = lazyRegexp(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// exDetectionRule finds a detection rule of the space by id, as the
// detection engine shows it; storeDetectionRule keeps a change to it.
func exDetectionRule(sp *space, id string) map[string]any { return sp.detectionRule("id", id) }

// ruleDefaultList is the rule's default exception list, created and
// referenced from the rule when it has none (or references one that was
// deleted), as Kibana does.
func (k *Kibana) ruleDefaultList(c *call, st *exStore, rule map[string]any) *exList {
	refs, _ := rule["exceptions_list"].([]any)
	var kept []any
	for _, r := range refs {
		ref, _ := r.(map[string]any)
		if ref["type"] != "rule_default" {
			kept = append(kept, r)
			continue
		}
		if l := st.list("", fmt.Sprint(ref["list_id"])); l != nil {
			return l
		}
	}
	ruleID, name := fmt.Sprint(rule["id"]), fmt.Sprint(rule["name"])
	l := &exList{listID: k.newID(), typ: "rule_default", ns: "single", tags: []string{"default_rule_exception_list"},
		name: "Exceptions for rule - " + name, description: "Exception list containing exceptions for rule with id: " + ruleID}
	if !k.addList(c, st, l) {
		return nil
	}
	rule["exceptions_list"] = append(kept, map[string]any{"id": l.id, "list_id": l.listID, "type": l.typ, "namespace_type": l.ns})
	k.storeDetectionRule(c.space, rule)
	return l
}

func (k *Kibana) createRuleExceptions(c *call) {
	id := c.param("id")
	if !exUUID().MatchString(id) {
		c.badRequest("[request params]: id: Invalid uuid")
		return
	}
	if !c.requireBody() {
		return
	}
	raw, present := c.body["items"]
	list, isList := raw.([]any)
	switch {
	case !present:
		c.badRequest("[request body]: items: Required")
		return
	case !isList:
		c.badRequest("[request body]: items: Expected array, received " + epZodType(raw))
		return
	}
	var inputs []*exItemInput
	var issues epIssues
	for i, v := range list {
		obj, ok := v.(map[string]any)
		if !ok {
			issues.add(fmt.Sprintf("items.%d", i), "Expected object, received "+epZodType(v))
			continue
		}
		in, is := checkExItemBody(obj, false, false, fmt.Sprintf("items.%d.", i))
		issues = append(issues, is...)
		inputs = append(inputs, in)
	}
	if len(issues) > 0 {
		c.badRequest(issues.message("request body"))
		return
	}
	// Kibana answers 500 for a rule that does not exist; the sandbox says
	// 404 with Kibana's message, which tells a client more.
	rule := exDetectionRule(c.space, id)
	if rule == nil {
		epSiemError(c, http.StatusNotFound, fmt.Sprintf(`Unable to add exception to rule - rule with id:"%s" not found`, id))
		return
	}
	st := k.exStoreFor(c.space, "single")
	for _, in := range inputs {
		if itemIDTaken(c, st, in.itemID) {
			return
		}
	}
	l := k.ruleDefaultList(c, st, rule)
	if l == nil {
		return
	}
	out := []any{}
	for _, in := range inputs {
		out = append(out, exItemDoc(k.storeItem(c, st, in, l.listID, l.ns)))
	}
	c.ok(out)
}

// ---- Value list references ----

// valueListReferences finds the items whose "list" entries name a value
// list (valueListReferrer, which deleting a value list consults); with
// remove it drops those entries, deleting items left with none, as Kibana
// does when a value list is deleted with its references.
func (st *exceptionListsState) valueListReferences(listID string, remove bool) []valueListReference {
	var refs []valueListReference
	for _, store := range []*exStore{&st.single, &st.agnostic} {
		for _, it := range slices.Clone(store.items) {
			kept := slices.DeleteFunc(slices.Clone(it.entries), func(e any) bool {
				m, _ := e.(map[string]any)
				l, _ := m["list"].(map[string]any)
				return m["type"] == "list" && l["id"] == listID
			})
			if len(kept) == len(it.entries) {
				continue
			}
			ref := valueListReference{Item: exItemDoc(it)}
			if l := store.list("", it.listID); l != nil {
				ref.List = exListDoc(l)
			}
			refs = append(refs, ref)
			if !remove {
				continue
			}
			if len(kept) == 0 {
				store.removeItem(it)
				continue
			}
			it.entries, it.seq = kept, store.next()
		}
	}
	return refs
}

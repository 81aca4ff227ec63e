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

// exItemInput is a validated item body: the members the Endpoint list's
// items share (checkItemBody), plus list, namespace and expiry.
type exItemInput struct {
	*epItemInput
	listID, ns, expireTime string
}

// checkExItemBody validates an item body; prefix places its paths inside a
// larger body ("items.0.").
func checkExItemBody(body map[string]any, update, needList bool, prefix string) (*exItemInput, epIssues) {
	base, issues := checkItemBody(body, update)
	var is epIssues
	in := &exItemInput{epItemInput: base}
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

// exItemFromQuery finds the item the id or item_id query parameter names,
// answering the call when it cannot.
func (k *Kibana) exItemFromQuery(c *call) (*exItem, *exStore) {
	ns, ok := exQueryNamespace(c)
	if !ok {
		return nil, nil
	}
	st := k.exStoreFor(c.space, ns)
	if it := exFind(c, c.query("id"), c.query("item_id"), `Either "item_id" or "id" needs to be defined in the request`, st.item, epItemMissing); it != nil {
		return it, st
	}
	return nil, nil
}

func (k *Kibana) getExceptionItem(c *call) {
	if it, _ := k.exItemFromQuery(c); it != nil {
		c.ok(exItemDoc(it))
	}
}

func (k *Kibana) deleteExceptionItem(c *call) {
	it, st := k.exItemFromQuery(c)
	if it == nil {
		return
	}
	st.removeItem(it)
	c.ok(exItemDoc(it))
}

// newItem builds an item from a validated body for a list (not stored).
func (k *Kibana) newItem(c *call, st *exStore, in *exItemInput, listID, ns string) *exItem {
	stamp, user := k.now(), epUser(c)
	it := &exItem{
		id: k.newID(), itemID: in.itemID, listID: listID, name: in.name, description: in.description, ns: ns,
		tieBreaker: k.newID(), entries: in.entries, osTypes: in.osTypes, tags: in.tags, meta: in.meta,
		expireTime: in.expireTime, seq: st.next(), createdAt: stamp, createdBy: user, updatedAt: stamp, updatedBy: user,
		comments: k.epComments(in.comments, nil, user, stamp),
	}
	if it.itemID == "" {
		it.itemID = k.newID()
	}
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
	if in.itemID != "" && st.item("", in.itemID) != nil {
		epSiemError(c, http.StatusConflict, fmt.Sprintf(`exception list item id: "%s" already exists`, in.itemID))
		return
	}
	it := k.newItem(c, st, in, in.listID, in.ns)
	st.items = append(st.items, it)
	c.ok(exItemDoc(it))
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
	st := k.exStoreFor(c.space, in.ns)
	it := exFind(c, in.id, in.itemID, "either id or item_id need to be defined", st.item, epItemMissing)
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
	it.name, it.description, it.entries, it.expireTime = in.name, in.description, in.entries, in.expireTime
	it.osTypes = in.osTypes // absent means none, as Kibana's default
	if in.hasTags {
		it.tags = in.tags
	}
	if in.hasMeta {
		it.meta = in.meta
	}
	if in.hasNotes {
		it.comments = k.epComments(in.comments, it.comments, user, stamp)
	}
	it.updatedAt, it.updatedBy, it.seq = stamp, user, st.next()
	c.ok(exItemDoc(it))
}

// exItemField reads an item field for filters, search and sorting.
func exItemField(it *exItem, field string) []string {
	switch field {
	case "list_id":
		return []string{it.listID}
	case "expire_time":
		if it.expireTime == "" {
			return nil
		}
		return []string{it.expireTime}
	case "comments.comment":
		var out []string
		for _, cm := range it.comments {
			if s, ok := cm.(map[string]any)["comment"].(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	// The rest read like the Endpoint list's items.
	return epItemField(&epListItem{
		id: it.id, itemID: it.itemID, name: it.name, description: it.description, tieBreaker: it.tieBreaker,
		createdAt: it.createdAt, createdBy: it.createdBy, updatedAt: it.updatedAt, updatedBy: it.updatedBy,
		entries: it.entries, osTypes: it.osTypes, tags: it.tags,
	}, field)
}

// exItemDocForKQL is an item as a filter searches it.
func exItemDocForKQL(it *exItem) map[string]any {
	return kqlFields(exItemFields, func(f string) []string { return exItemField(it, f) })
}

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
	namespaces := exQueryList(c, "namespace_type")
	if len(namespaces) == 0 {
		namespaces = []string{"single"}
	}
	for i, ns := range namespaces {
		if !slices.Contains(exNamespaces, ns) {
			c.badRequest(fmt.Sprintf("[request query]: namespace_type.%d: %s", i, epZodEnum(exNamespaces, ns)))
			return
		}
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
	sortField := c.query("sort_field")
	if sortField != "" && !slices.Contains(exItemFields[:13], sortField) {
		c.badRequest(fmt.Sprintf("No mapping found for [exception-list.%s] in order to sort on", sortField))
		return
	}
	search := c.query("search")
	var matched []*exItem
	for i, listID := range listIDs {
		st := k.exStoreFor(c.space, namespaces[i])
		if st.list("", listID) == nil {
			epSiemError(c, http.StatusNotFound, fmt.Sprintf(`exception list list_id: "%s" does not exist`, listID))
			return
		}
		filter := ""
		if len(filters) > 0 {
			filter = filters[i]
		}
		items, ok := kqlKeep(c, ".kibana_security_solution", filter, exFilterKQL(exItemFields, "exception-list"), nil, st.itemsOf(listID), exItemDocForKQL)
		if !ok {
			return
		}
		for _, it := range items {
			if search != "" && !exSearchMatches(it, search) {
				continue
			}
			matched = append(matched, it)
		}
	}
	if sortField != "" {
		exSort(matched, func(it *exItem) []string { return exItemField(it, sortField) }, order)
	}
	data := []any{}
	for _, it := range exPage(matched, page, perPage) {
		data = append(data, exItemDoc(it))
	}
	c.ok(map[string]any{"data": data, "page": max(page, 1), "per_page": max(perPage, 1), "total": len(matched)})
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
		if in.itemID != "" && st.item("", in.itemID) != nil {
			epSiemError(c, http.StatusConflict, fmt.Sprintf(`exception list item id: "%s" already exists`, in.itemID))
			return
		}
	}
	l := k.ruleDefaultList(c, st, rule)
	if l == nil {
		return
	}
	out := []any{}
	for _, in := range inputs {
		it := k.newItem(c, st, in, l.listID, l.ns)
		st.items = append(st.items, it)
		out = append(out, exItemDoc(it))
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

package sandbox

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Exception lists and their items (/api/exception_lists*), shared lists
// (/api/exceptions/shared) and rule-scoped exceptions
// (/api/detection_engine/rules/{id}/exceptions).
//
// Lists live in a namespace: "single" lists belong to one space,
// "agnostic" ones (the Endpoint list and trusted applications, say) are one
// object every space sees, so the sandbox keeps them in the default
// space's state. Request validation answers zod's wording as Kibana does
// ("[request body]: name: Required"); the routes' own errors use the
// Security Solution's {message, status_code} (exception_lists_check.go).
// The /api/endpoint_list routes are a thin layer over this code
// (endpoint_list.go).
//
// What the sandbox approximates: entries of type "list" may name any value
// list id (value lists are another area's store); the items _find search
// is a case-insensitive substring match over names, descriptions, ids and
// entry values; expired items are only told apart by expire_time at
// duplicate and export time.

// exceptionListsState is what a space holds of this area; it works from
// its zero value.
type exceptionListsState struct {
	single   exStore
	agnostic exStore // used in the default space only: see exStoreFor
}

// exStore is the lists and items of one namespace.
type exStore struct {
	lists []*exList
	items []*exItem
	seq   int // saved-object version counter
}

// exList is one exception list container.
type exList struct {
	id, listID, typ, name, description, ns, tieBreaker string
	osTypes, tags                                      []string
	meta                                               map[string]any
	version, seq                                       int
	immutable                                          bool
	createdAt, createdBy, updatedAt, updatedBy         string
}

// exItem is one exception item.
type exItem struct {
	id, itemID, listID, name, description, ns, tieBreaker string
	entries, comments                                     []any
	osTypes, tags                                         []string
	meta                                                  map[string]any
	expireTime                                            string // "" when it never expires
	seq                                                   int
	createdAt, createdBy, updatedAt, updatedBy            string
}

var (
	exNamespaces = []string{"agnostic", "single"}
	exListTypes  = []string{"detection", "rule_default", "endpoint", "endpoint_trusted_apps", "endpoint_trusted_devices", "endpoint_events", "endpoint_host_isolation_exceptions", "endpoint_blocklists"}
)

// exStoreFor is the store of a namespace as seen from a space.
func (k *Kibana) exStoreFor(sp *space, ns string) *exStore {
	if ns != "agnostic" {
		return &sp.exceptions.single
	}
	if d := k.spaces["default"]; d != nil {
		return &d.exceptions.agnostic
	}
	return &sp.exceptions.agnostic // while the default space is being seeded
}

func (st *exStore) next() int { st.seq++; return st.seq }

// list finds a list by id, or else by list_id.
func (st *exStore) list(id, listID string) *exList {
	for _, l := range st.lists {
		if (id != "" && l.id == id) || (id == "" && l.listID == listID) {
			return l
		}
	}
	return nil
}

// item finds an item by id, or else by item_id.
func (st *exStore) item(id, itemID string) *exItem {
	for _, it := range st.items {
		if (id != "" && it.id == id) || (id == "" && it.itemID == itemID) {
			return it
		}
	}
	return nil
}

func (st *exStore) itemsOf(listID string) []*exItem {
	var out []*exItem
	for _, it := range st.items {
		if it.listID == listID {
			out = append(out, it)
		}
	}
	return out
}

func (st *exStore) removeList(l *exList) {
	st.lists = slices.DeleteFunc(st.lists, func(x *exList) bool { return x == l })
	st.items = slices.DeleteFunc(st.items, func(x *exItem) bool { return x.listID == l.listID })
}

func (st *exStore) removeItem(it *exItem) {
	st.items = slices.DeleteFunc(st.items, func(x *exItem) bool { return x == it })
}

// exStableID is a UUID-shaped id that depends only on its key, so the
// seeded lists keep their ids whatever the other areas seed.
func exStableID(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return uuidFrom(h.Sum64())
}

func exListDoc(l *exList) map[string]any {
	doc := map[string]any{
		"_version": epVersion(l.seq), "id": l.id, "list_id": l.listID, "type": l.typ, "name": l.name,
		"description": l.description, "immutable": l.immutable, "namespace_type": l.ns,
		"os_types": cfgStrings(l.osTypes), "tags": cfgStrings(l.tags), "version": l.version,
		"tie_breaker_id": l.tieBreaker, "created_at": l.createdAt, "created_by": l.createdBy,
		"updated_at": l.updatedAt, "updated_by": l.updatedBy,
	}
	if l.meta != nil {
		doc["meta"] = cfgClone(l.meta)
	}
	return doc
}

func exItemDoc(it *exItem) map[string]any {
	doc := map[string]any{
		"_version": epVersion(it.seq), "id": it.id, "item_id": it.itemID, "list_id": it.listID,
		"type": "simple", "name": it.name, "description": it.description, "entries": cfgCloneValue(it.entries),
		"namespace_type": it.ns, "os_types": cfgStrings(it.osTypes), "tags": cfgStrings(it.tags),
		"comments": cfgCloneValue(it.comments), "tie_breaker_id": it.tieBreaker,
		"created_at": it.createdAt, "created_by": it.createdBy, "updated_at": it.updatedAt, "updated_by": it.updatedBy,
	}
	if it.meta != nil {
		doc["meta"] = cfgClone(it.meta)
	}
	if it.expireTime != "" {
		doc["expire_time"] = it.expireTime
	}
	return doc
}

func (k *Kibana) exceptionListsRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/exception_lists", k.getExceptionList),
		newRoute(http.MethodPost, "/api/exception_lists", k.createExceptionList),
		newRoute(http.MethodPut, "/api/exception_lists", k.updateExceptionList),
		newRoute(http.MethodDelete, "/api/exception_lists", k.deleteExceptionList),
		newRoute(http.MethodPost, "/api/exception_lists/_duplicate", k.duplicateExceptionList),
		newRoute(http.MethodPost, "/api/exception_lists/_export", k.exportExceptionList),
		newRoute(http.MethodGet, "/api/exception_lists/_find", k.findExceptionLists),
		newRoute(http.MethodPost, "/api/exception_lists/_import", k.importExceptionList),
		newRoute(http.MethodGet, "/api/exception_lists/items", k.getExceptionItem),
		newRoute(http.MethodPost, "/api/exception_lists/items", k.createExceptionItem),
		newRoute(http.MethodPut, "/api/exception_lists/items", k.updateExceptionItem),
		newRoute(http.MethodDelete, "/api/exception_lists/items", k.deleteExceptionItem),
		newRoute(http.MethodGet, "/api/exception_lists/items/_find", k.findExceptionItems),
		newRoute(http.MethodGet, "/api/exception_lists/summary", k.exceptionListSummary),
		newRoute(http.MethodPost, "/api/exceptions/shared", k.createSharedExceptionList),
		newRoute(http.MethodPost, "/api/detection_engine/rules/{id}/exceptions", k.createRuleExceptions),
	}
}

// ---- Validation helpers ----

// exQueryNamespace reads a namespace_type query parameter (default single).
func exQueryNamespace(c *call) (string, bool) {
	ns := c.query("namespace_type")
	if ns == "" {
		return "single", true
	}
	if !slices.Contains(exNamespaces, ns) {
		c.badRequest("[request query]: namespace_type: " + epZodEnum(exNamespaces, ns))
		return "", false
	}
	return ns, true
}

// exQueryNamespaces reads the namespace_type list of the find routes
// (default single); false when the call was answered.
func exQueryNamespaces(c *call) ([]string, bool) {
	namespaces := exQueryList(c, "namespace_type")
	if len(namespaces) == 0 {
		return []string{"single"}, true
	}
	for i, ns := range namespaces {
		if !slices.Contains(exNamespaces, ns) {
			c.badRequest(fmt.Sprintf("[request query]: namespace_type.%d: %s", i, epZodEnum(exNamespaces, ns)))
			return nil, false
		}
	}
	return namespaces, true
}

// exQueryList lists a query parameter's values, repeated or comma-separated.
func exQueryList(c *call, name string) []string {
	var out []string
	for _, v := range c.r.URL.Query()[name] {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}

// exListInput is a validated list body (create or update).
type exListInput struct {
	id, listID, version, name, description, typ, ns string
	osTypes, tags                                   []string
	hasOSTypes, hasTags, hasMeta                    bool
	meta                                            map[string]any
	listVersion                                     int
}

func checkListBody(body map[string]any, update bool) (*exListInput, epIssues) {
	var is epIssues
	in := &exListInput{}
	if update {
		in.id, _ = is.nonEmpty(body, "id", "id", false)
		in.version = is.str(body, "_version", false)
	}
	in.listID, _ = is.nonEmpty(body, "list_id", "list_id", false)
	in.name = is.str(body, "name", true)
	in.description = is.str(body, "description", true)
	in.typ = is.enum(body, "type", exListTypes, true)
	in.ns = is.enum(body, "namespace_type", exNamespaces, false)
	if in.ns == "" {
		in.ns = "single"
	}
	in.osTypes, in.hasOSTypes = is.enumList(body, "os_types", epOSTypes)
	if v, present := body["tags"]; present {
		in.hasTags = true
		list, ok := v.([]any)
		if !ok {
			is.add("tags", "Expected array, received "+epZodType(v))
		}
		in.tags = []string{}
		for i, t := range list {
			if s, ok := t.(string); ok {
				in.tags = append(in.tags, s)
			} else {
				is.add(fmt.Sprintf("tags.%d", i), "Expected string, received "+epZodType(t))
			}
		}
	}
	in.meta, in.hasMeta = is.meta(body)
	if v, present := body["version"]; present {
		n, ok := jsonInt(v)
		switch {
		case !ok:
			is.add("version", "Expected number, received "+epZodType(v))
		case n < 1:
			is.add("version", "Number must be greater than or equal to 1")
		default:
			in.listVersion = n
		}
	}
	return in, is
}

// jsonInt reads a whole JSON number.
func jsonInt(v any) (int, bool) {
	switch n := v.(type) {
	case float64:
		return int(n), n == float64(int(n))
	case interface{ Int64() (int64, error) }:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// exListMissing is Kibana's message for a list that is not there.
func exListMissing(id, listID string) string {
	if id != "" {
		return fmt.Sprintf(`exception list id: "%s" does not exist`, id)
	}
	return fmt.Sprintf(`exception list list_id: "%s" does not exist`, listID)
}

// listFromQuery finds the list the id or list_id query parameter names,
// answering the call when it cannot.
func (k *Kibana) listFromQuery(c *call) (*exList, *exStore) {
	st := k.queryStore(c)
	if st == nil {
		return nil, nil
	}
	if l := exFind(c, c.query("id"), c.query("list_id"), "id or list_id required", st.list, exListMissing); l != nil {
		return l, st
	}
	return nil, nil
}

// ---- Lists ----

func (k *Kibana) getExceptionList(c *call) {
	if l, _ := k.listFromQuery(c); l != nil {
		c.ok(exListDoc(l))
	}
}

// addList stores a new list, answering 409 when its list_id is taken.
func (k *Kibana) addList(c *call, st *exStore, l *exList) bool {
	if st.list("", l.listID) != nil {
		epSiemError(c, http.StatusConflict, fmt.Sprintf(`exception list id: "%s" already exists`, l.listID))
		return false
	}
	stamp, user := k.now(), epUser(c)
	if l.id == "" {
		l.id = k.newID()
	}
	l.tieBreaker = k.newID()
	l.createdAt, l.createdBy, l.updatedAt, l.updatedBy = stamp, user, stamp, user
	l.seq = st.next()
	if l.version == 0 {
		l.version = 1
	}
	st.lists = append(st.lists, l)
	return true
}

func (k *Kibana) createExceptionList(c *call) {
	if !c.requireBody() {
		return
	}
	in, issues := checkListBody(c.body, false)
	if len(issues) > 0 {
		c.badRequest(issues.message("request body"))
		return
	}
	l := &exList{listID: in.listID, typ: in.typ, name: in.name, description: in.description, ns: in.ns,
		osTypes: in.osTypes, tags: in.tags, meta: in.meta, version: in.listVersion}
	if l.listID == "" {
		l.listID = k.newID()
	}
	if k.addList(c, k.exStoreFor(c.space, in.ns), l) {
		c.ok(exListDoc(l))
	}
}

func (k *Kibana) createSharedExceptionList(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	name := is.str(c.body, "name", true)
	description := is.str(c.body, "description", true)
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	l := &exList{listID: k.newID(), typ: "detection", name: name, description: description, ns: "single"}
	if k.addList(c, k.exStoreFor(c.space, "single"), l) {
		c.ok(exListDoc(l))
	}
}

func (k *Kibana) updateExceptionList(c *call) {
	if !c.requireBody() {
		return
	}
	in, issues := checkListBody(c.body, true)
	if len(issues) > 0 {
		c.badRequest(issues.message("request body"))
		return
	}
	st := k.exStoreFor(c.space, in.ns)
	l := exFind(c, in.id, in.listID, "either id or list_id need to be defined", st.list, exListMissing)
	if l == nil || exStale(c, in.version, l.seq, exSavedObjectType(l.ns), l.id) {
		return
	}
	l.name, l.description, l.typ = in.name, in.description, in.typ
	l.osTypes = in.osTypes // absent means none, as Kibana's default
	if in.hasTags {
		l.tags = in.tags
	}
	if in.hasMeta {
		l.meta = in.meta
	}
	if in.listVersion > 0 {
		l.version = in.listVersion
	} else {
		l.version++
	}
	l.updatedAt, l.updatedBy, l.seq = k.now(), epUser(c), st.next()
	c.ok(exListDoc(l))
}

func exSavedObjectType(ns string) string {
	if ns == "agnostic" {
		return "exception-list-agnostic"
	}
	return "exception-list"
}

func (k *Kibana) deleteExceptionList(c *call) {
	l, st := k.listFromQuery(c)
	if l == nil {
		return
	}
	st.removeList(l)
	c.ok(exListDoc(l))
}

// exListField reads a list field for filters and sorting.
func exListField(l *exList, field string) []string {
	switch field {
	case "name":
		return []string{l.name}
	case "description":
		return []string{l.description}
	case "list_id":
		return []string{l.listID}
	case "type":
		return []string{l.typ}
	case "tags":
		return l.tags
	case "os_types":
		return l.osTypes
	case "immutable":
		return []string{fmt.Sprint(l.immutable)}
	case "created_by":
		return []string{l.createdBy}
	case "updated_by":
		return []string{l.updatedBy}
	case "created_at":
		return []string{l.createdAt}
	case "updated_at":
		return []string{l.updatedAt}
	case "tie_breaker_id":
		return []string{l.tieBreaker}
	}
	return nil
}

var exListFields = []string{"name", "description", "list_id", "type", "tags", "os_types", "immutable", "created_by", "updated_by", "created_at", "updated_at", "tie_breaker_id"}

// exFilterKQL maps a filter's field (exception-list.attributes.x,
// exception-list-agnostic.attributes.x, or just x) to a document field,
// or refuses it as the saved object type's; values compare ignoring case.
func exFilterKQL(known []string, soType string) es.KQLOptions {
	return es.KQLOptions{CaseInsensitive: true, Field: func(name string) (string, error) {
		f := name
		for _, prefix := range []string{"exception-list-agnostic.attributes.", "exception-list.attributes."} {
			f = strings.TrimPrefix(f, prefix)
		}
		if !slices.Contains(known, f) {
			return "", fmt.Errorf("This key '%s' does NOT exist in %s saved object index patterns", name, soType)
		}
		return f, nil
	}}
}

// exPaging reads page, per_page and sort_order as the find routes do.
func exPaging(c *call, minimum int) (page, perPage int, order string, ok bool) {
	if page, ok = epZodQueryInt(c, "page", 1, minimum); !ok {
		return
	}
	if perPage, ok = epZodQueryInt(c, "per_page", 20, minimum); !ok {
		return
	}
	order = c.query("sort_order")
	if order != "" && order != "asc" && order != "desc" {
		c.badRequest("[request query]: sort_order: " + epZodEnum([]string{"desc", "asc"}, order))
		return 0, 0, "", false
	}
	return page, perPage, order, true
}

// exSort orders documents by one field's joined values.
func exSort[T any](docs []T, get func(T) []string, order string) {
	sort.SliceStable(docs, func(i, j int) bool {
		a, b := strings.Join(get(docs[i]), ","), strings.Join(get(docs[j]), ",")
		if order == "desc" {
			return a > b
		}
		return a < b
	})
}

// exPage cuts one page out of a list.
func exPage[T any](all []T, page, perPage int) []T {
	start := max(page-1, 0) * perPage
	if start >= len(all) {
		return nil
	}
	return all[start:min(start+perPage, len(all))]
}

func (k *Kibana) findExceptionLists(c *call) {
	page, perPage, order, ok := exPaging(c, 1)
	if !ok {
		return
	}
	namespaces, ok := exQueryNamespaces(c)
	if !ok {
		return
	}
	sortField := c.query("sort_field")
	if sortField != "" && !slices.Contains(exListFields, sortField) {
		c.badRequest(fmt.Sprintf("No mapping found for [exception-list.%s] in order to sort on", sortField))
		return
	}
	var matched []*exList
	for _, ns := range epUnique(namespaces) {
		matched = append(matched, k.exStoreFor(c.space, ns).lists...)
	}
	matched, ok = kqlKeep(c, ".kibana_security_solution", c.query("filter"), exFilterKQL(exListFields, "exception-list"), nil, matched, func(l *exList) map[string]any {
		return kqlFields(exListFields, func(f string) []string { return exListField(l, f) })
	})
	if !ok {
		return
	}
	if sortField != "" {
		exSort(matched, func(l *exList) []string { return exListField(l, sortField) }, order)
	}
	data := []any{}
	for _, l := range exPage(matched, page, perPage) {
		data = append(data, exListDoc(l))
	}
	c.ok(map[string]any{"data": data, "page": page, "per_page": perPage, "total": len(matched)})
}

// exDuplicable are the list types Kibana copies; rule default and Endpoint
// lists belong to one rule or to Elastic Defend.
var exDuplicable = []string{"detection"}

// exCopyArgs are the query of the duplicate and export routes.
type exCopyArgs struct {
	id, listID, ns string
	expired        bool // include_expired_exceptions
}

// exCopyQuery reads the query of the duplicate and export routes (export's
// needs the id too); false when the call was answered.
func exCopyQuery(c *call, needID bool) (exCopyArgs, bool) {
	var is epIssues
	q := map[string]any{}
	for key, v := range c.r.URL.Query() {
		q[key] = v[0]
	}
	var a exCopyArgs
	if needID {
		a.id, _ = is.nonEmpty(q, "id", "id", true)
	}
	a.listID, _ = is.nonEmpty(q, "list_id", "list_id", true)
	a.ns = is.enum(q, "namespace_type", exNamespaces, true)
	a.expired = is.enum(q, "include_expired_exceptions", []string{"true", "false"}, true) == "true"
	if len(is) > 0 {
		c.badRequest(is.message("request query"))
		return a, false
	}
	return a, true
}

func (k *Kibana) duplicateExceptionList(c *call) {
	q, ok := exCopyQuery(c, false)
	if !ok {
		return
	}
	st := k.exStoreFor(c.space, q.ns)
	l := st.list("", q.listID)
	if l == nil {
		epSiemError(c, http.StatusNotFound, exListMissing("", q.listID))
		return
	}
	if !slices.Contains(exDuplicable, l.typ) {
		epSiemError(c, http.StatusMethodNotAllowed, fmt.Sprintf("unable to duplicate exception list with list_id: %s - action not allowed", q.listID))
		return
	}
	dup := &exList{listID: k.newID(), typ: l.typ, name: l.name + " [Duplicate]", description: l.description, ns: l.ns,
		osTypes: slices.Clone(l.osTypes), tags: slices.Clone(l.tags), meta: cfgClone(l.meta), version: 1}
	if !k.addList(c, st, dup) {
		return
	}
	for _, it := range st.itemsOf(l.listID) {
		if !q.expired && exExpired(it, k.cfg.Now()) {
			continue
		}
		copied := k.copyItem(c, st, it, dup.listID)
		copied.itemID = k.newID()
	}
	c.ok(exListDoc(dup))
}

// exExpired reports an item whose expire_time has passed.
func exExpired(it *exItem, now time.Time) bool {
	at, err := time.Parse(time.RFC3339Nano, it.expireTime)
	return err == nil && at.Before(now)
}

// copyItem stores a copy of an item in a list, with fresh ids and stamps.
func (k *Kibana) copyItem(c *call, st *exStore, it *exItem, listID string) *exItem {
	stamp, user := k.now(), epUser(c)
	cp := &exItem{
		id: k.newID(), itemID: it.itemID, listID: listID, name: it.name, description: it.description, ns: it.ns,
		tieBreaker: k.newID(), entries: cfgCloneValue(it.entries).([]any), comments: cfgCloneValue(it.comments).([]any),
		osTypes: slices.Clone(it.osTypes), tags: slices.Clone(it.tags), meta: cfgClone(it.meta), expireTime: it.expireTime,
		seq: st.next(), createdAt: stamp, createdBy: user, updatedAt: stamp, updatedBy: user,
	}
	st.items = append(st.items, cp)
	return cp
}

func (k *Kibana) exceptionListSummary(c *call) {
	l, st := k.listFromQuery(c)
	if l == nil {
		return
	}
	items, ok := kqlKeep(c, ".kibana_security_solution", c.query("filter"), exFilterKQL(exItemFields, "exception-list"), nil, st.itemsOf(l.listID), exItemDocForKQL)
	if !ok {
		return
	}
	counts := map[string]int{"windows": 0, "linux": 0, "macos": 0}
	total := 0
	for _, it := range items {
		total++
		for _, os := range epUnique(it.osTypes) {
			counts[os]++
		}
	}
	c.ok(map[string]any{"windows": counts["windows"], "linux": counts["linux"], "macos": counts["macos"], "total": total})
}

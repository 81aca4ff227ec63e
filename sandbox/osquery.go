package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Osquery Manager (/api/osquery/*): saved queries and packs are saved
// objects of the space; live queries are actions sent to the space's Fleet
// agents (fleet_seed.go), whose results arrive a moment later
// (osquery_live.go) and are made up per host and table (osquery_rows.go).
// The seed is in osquery_seed.go.

// osqueryState is what a space holds of this area; it works from its zero
// value.
type osqueryState struct {
	savedQueries fleetStore[osquerySavedQuery] // by saved-object id
	packs        fleetStore[osqueryPack]       // by saved-object id
	live         []*osqueryLive                // oldest first
}

// osquerySavedQuery is an osquery-saved-query saved object.
type osquerySavedQuery struct {
	soID, id           string // id is the name users give it ("running_processes")
	description, query string
	platform, version  string
	interval           any // as given: Kibana stores a string or a number
	snapshot, removed  *bool
	timeout            any
	ecsMapping         map[string]any
	prebuilt           bool
	createdAt, updated string
	createdBy          string
	updatedBy          string
}

// osqueryPack is an osquery-pack saved object.
type osqueryPack struct {
	soID, name, description string
	enabled                 bool
	policyIDs               []string
	queries                 map[string]map[string]any // by query name
	shards                  map[string]any
	createdAt, updated      string
	createdBy, updatedBy    string
}

func (k *Kibana) osqueryRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/osquery/live_queries", k.findOsqueryLive),
		newRoute(http.MethodPost, "/api/osquery/live_queries", k.createOsqueryLive),
		newRoute(http.MethodGet, "/api/osquery/live_queries/{id}", k.getOsqueryLive),
		newRoute(http.MethodGet, "/api/osquery/live_queries/{id}/results/{actionId}", k.getOsqueryResults),
		newRoute(http.MethodGet, "/api/osquery/packs", k.findOsqueryPacks),
		newRoute(http.MethodPost, "/api/osquery/packs", k.createOsqueryPack),
		newRoute(http.MethodGet, "/api/osquery/packs/{id}", k.getOsqueryPack),
		newRoute(http.MethodPut, "/api/osquery/packs/{id}", k.updateOsqueryPack),
		newRoute(http.MethodDelete, "/api/osquery/packs/{id}", k.deleteOsqueryPack),
		newRoute(http.MethodGet, "/api/osquery/saved_queries", k.findOsquerySavedQueries),
		newRoute(http.MethodPost, "/api/osquery/saved_queries", k.createOsquerySavedQuery),
		newRoute(http.MethodGet, "/api/osquery/saved_queries/{id}", k.getOsquerySavedQuery),
		newRoute(http.MethodPut, "/api/osquery/saved_queries/{id}", k.updateOsquerySavedQuery),
		newRoute(http.MethodDelete, "/api/osquery/saved_queries/{id}", k.deleteOsquerySavedQuery),
	}
}

// osqueryNotFound is the saved-objects 404 Kibana passes on.
func osqueryNotFound(c *call, typ, id string) {
	c.notFound(soNotFoundMessage(typ, id))
}

// osqueryECSMapping checks an ecs_mapping member: each ECS field maps to
// a result column ({"field":…}) or a static value ({"value":"…"} or a list).
func osqueryECSMapping(at string, v any) (map[string]any, string) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Sprintf("[%s]: expected a plain object value, but found [%s] instead.", at, cfgTypeOf(v))
	}
	out := map[string]any{}
	for _, key := range osqKeys(m) {
		entry, ok := m[key].(map[string]any)
		if !ok {
			return nil, fmt.Sprintf("[%s.%s]: expected a plain object value, but found [%s] instead.", at, key, cfgTypeOf(m[key]))
		}
		checked, msg := cfgCheck(at+"."+key+".", entry, []cfgField{
			{name: "field", kind: "string"},
			{name: "value", kind: "stringOrStrings"},
		}, true)
		if msg != "" {
			return nil, msg
		}
		out[key] = checked
	}
	return out, ""
}

func osqKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// osqueryPlatformCheck accepts the comma-separated platforms osquery knows.
func osqueryPlatformCheck(v any) string {
	for _, p := range strings.Split(v.(string), ",") {
		if !slices.Contains([]string{"linux", "darwin", "windows", "all"}, strings.TrimSpace(p)) {
			return fmt.Sprintf("unknown platform %q: use linux, darwin and windows, separated by commas", p)
		}
	}
	return ""
}

// osqueryPage reads page and pageSize. Live queries and their results count
// pages from 0, as Kibana's search strategy does; saved objects from 1.
func (c *call) osqueryPage(first, defSize int) (page, size int, ok bool) {
	if page, ok = c.queryInt("page", first, first, 1<<20); !ok {
		return 0, 0, false
	}
	size, ok = c.queryInt("pageSize", defSize, 1, 10000)
	return page, size, ok
}

// osquerySortOrder reads sortOrder (desc by default).
func (c *call) osquerySortOrder() (desc, ok bool) {
	switch c.query("sortOrder") {
	case "", "desc":
		return true, true
	case "asc":
		return false, true
	}
	c.badRequest(cfgOneOfMessage("request query.sortOrder", []string{"asc", "desc"}))
	return false, false
}

// osquerySortKey is what the sort parameter orders saved objects by:
// createdAt (default), updatedAt, or an attribute name.
func osquerySortKey(sort string, created, updated string, attrs map[string]any) string {
	switch sort {
	case "", "createdAt", "created_at":
		return created
	case "updatedAt", "updated_at":
		return updated
	}
	return fmt.Sprint(attrs[sort])
}

func osqPage[T any](list []T, page, size int) []T {
	from := min(page*size, len(list))
	return list[from:min(from+size, len(list))]
}

// --- Saved queries -------------------------------------------------------

// doc is the saved query as the API answers it.
func (q *osquerySavedQuery) doc() map[string]any {
	d := map[string]any{
		"saved_object_id": q.soID, "id": q.id, "query": q.query, "prebuilt": q.prebuilt,
		"created_at": q.createdAt, "created_by": q.createdBy, "updated_at": q.updated, "updated_by": q.updatedBy,
	}
	if q.description != "" {
		d["description"] = q.description
	}
	if q.platform != "" {
		d["platform"] = q.platform
	}
	if q.version != "" {
		d["version"] = q.version
	}
	if q.interval != nil {
		d["interval"] = q.interval
	}
	if q.timeout != nil {
		d["timeout"] = q.timeout
	}
	if q.snapshot != nil {
		d["snapshot"] = *q.snapshot
	}
	if q.removed != nil {
		d["removed"] = *q.removed
	}
	if q.ecsMapping != nil {
		d["ecs_mapping"] = cfgCloneValue(q.ecsMapping)
	}
	return d
}

// savedQueryByName finds a saved query by the id users gave it.
func (st *osqueryState) savedQueryByName(name string) *osquerySavedQuery {
	for _, q := range st.savedQueries.all() {
		if q.id == name {
			return q
		}
	}
	return nil
}

var osquerySavedQuerySpec = []cfgField{
	{name: "id", kind: "string", required: true, check: platMinLen(1)},
	{name: "query", kind: "string", required: true, check: platMinLen(1)},
	{name: "description", kind: "string", nullable: true},
	{name: "platform", kind: "string", nullable: true, check: osqueryPlatformCheck},
	{name: "version", kind: "string", nullable: true},
	{name: "interval", kind: "any", nullable: true, check: osqueryIntervalCheck},
	{name: "timeout", kind: "number", nullable: true},
	{name: "snapshot", kind: "boolean", nullable: true},
	{name: "removed", kind: "boolean", nullable: true},
	{name: "ecs_mapping", kind: "any", nullable: true},
}

// osqueryIntervalCheck accepts seconds as a number or a numeric string.
func osqueryIntervalCheck(v any) string {
	n := cfgNumber(v)
	if s, ok := v.(string); ok {
		if _, err := fmt.Sscan(s, &n); err != nil {
			return fmt.Sprintf("expected a number of seconds but got %q", s)
		}
	}
	if n < 1 || n > 604800 {
		return "must be from 1 to 604800 seconds"
	}
	return ""
}

// applySavedQuery copies the checked members onto q.
func (q *osquerySavedQuery) apply(body map[string]any) string {
	for key, v := range body {
		if v == nil {
			continue
		}
		switch key {
		case "id":
			q.id = v.(string)
		case "query":
			q.query = v.(string)
		case "description":
			q.description = v.(string)
		case "platform":
			q.platform = v.(string)
		case "version":
			q.version = v.(string)
		case "interval":
			q.interval = v
		case "timeout":
			q.timeout = v
		case "snapshot":
			b := v.(bool)
			q.snapshot = &b
		case "removed":
			b := v.(bool)
			q.removed = &b
		case "ecs_mapping":
			m, msg := osqueryECSMapping("request body.ecs_mapping", v)
			if msg != "" {
				return msg
			}
			q.ecsMapping = m
		}
	}
	return ""
}

func (k *Kibana) findOsquerySavedQueries(c *call) {
	findOsqueryObjects(c, c.space.osquery.savedQueries.all(),
		func(q *osquerySavedQuery) (string, string, map[string]any) { return q.createdAt, q.updated, q.doc() },
		func(q *osquerySavedQuery) any { return q.doc() })
}

// findOsqueryObjects answers a find of saved queries or packs: Kibana pages
// (from 1, 20 a page) and sorts both the same way.
func findOsqueryObjects[T any](c *call, list []T, sortOn func(T) (created, updated string, attrs map[string]any), answer func(T) any) {
	page, size, ok := c.osqueryPage(1, 20)
	if !ok {
		return
	}
	desc, ok := c.osquerySortOrder()
	if !ok {
		return
	}
	sort := c.query("sort")
	key := func(x T) string {
		created, updated, attrs := sortOn(x)
		return osquerySortKey(sort, created, updated, attrs)
	}
	slices.SortStableFunc(list, func(a, b T) int {
		n := compareNumbersOrText(key(a), key(b))
		if desc {
			n = -n
		}
		return n
	})
	data := []any{}
	for _, x := range osqPage(list, page-1, size) {
		data = append(data, answer(x))
	}
	c.ok(map[string]any{"page": page, "per_page": size, "total": len(list), "data": data})
}

func (k *Kibana) createOsquerySavedQuery(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, osquerySavedQuerySpec, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := &c.space.osquery
	name := body["id"].(string)
	if st.savedQueryByName(name) != nil {
		c.conflict(fmt.Sprintf("Saved query with id %q already exists.", name))
		return
	}
	now := k.now()
	q := &osquerySavedQuery{soID: k.newID(), createdAt: now, updated: now, createdBy: "elastic", updatedBy: "elastic"}
	if msg := q.apply(body); msg != "" {
		c.badRequest(msg)
		return
	}
	st.savedQueries.put(q.soID, q)
	c.ok(map[string]any{"data": q.doc()})
}

func (k *Kibana) getOsquerySavedQuery(c *call) {
	q := c.space.osquery.savedQueries.get(c.param("id"))
	if q == nil {
		osqueryNotFound(c, "osquery-saved-query", c.param("id"))
		return
	}
	c.ok(map[string]any{"data": q.doc()})
}

// updateOsquerySavedQuery changes the members given; a new id must not be
// another saved query's.
func (k *Kibana) updateOsquerySavedQuery(c *call) {
	if !c.requireBody() {
		return
	}
	st := &c.space.osquery
	q := st.savedQueries.get(c.param("id"))
	if q == nil {
		osqueryNotFound(c, "osquery-saved-query", c.param("id"))
		return
	}
	spec := slices.Clone(osquerySavedQuerySpec)
	for i := range spec {
		spec[i].required = false
	}
	body, msg := cfgCheck("request body.", c.body, spec, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	if q.prebuilt {
		c.badRequest(fmt.Sprintf("Saved query %q is prebuilt and cannot be changed.", q.id))
		return
	}
	if name, ok := body["id"].(string); ok && name != q.id && st.savedQueryByName(name) != nil {
		c.conflict(fmt.Sprintf("Saved query with id %q already exists.", name))
		return
	}
	changed := *q
	if msg := changed.apply(body); msg != "" {
		c.badRequest(msg)
		return
	}
	changed.updated, changed.updatedBy = k.now(), "elastic"
	*q = changed
	c.ok(map[string]any{"data": q.doc()})
}

func (k *Kibana) deleteOsquerySavedQuery(c *call) {
	st := &c.space.osquery
	q := st.savedQueries.get(c.param("id"))
	if q == nil {
		osqueryNotFound(c, "osquery-saved-query", c.param("id"))
		return
	}
	if q.prebuilt {
		c.badRequest(fmt.Sprintf("Saved query %q is prebuilt and cannot be deleted.", q.id))
		return
	}
	st.savedQueries.remove(q.soID)
	c.ok(map[string]any{})
}

// osqueryStamp formats a time as the API does.
func osqueryStamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

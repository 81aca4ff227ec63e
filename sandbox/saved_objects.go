package sandbox

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// The saved objects API, over the stores the other areas keep (dashboards,
// data views, connectors) and its own for other types.
//
// A dashboard, data view (index-pattern) or connector (action) seen here is
// the one the dashboards, data views and connectors routes serve: reads
// translate it into a saved object, writes translate back into that area's
// store (saved_objects_bridge.go). What those stores do not model (a
// dashboard's panelsJSON, a data view's references) is kept here beside
// them. Every other registered type (tag, search, lens, query, config, …)
// lives in this area's own store. Kibana validates no attributes; the
// sandbox checks the bridged types' attributes only as far as their stores
// need (a data view's runtimeFieldMap, a connector's actionTypeId).
//
// What the sandbox approximates: versions count writes ("[n,1]" in base64);
// search is word and prefix matching, not Elasticsearch's analysis; legacy
// URL aliases exist only as seeded.

func (k *Kibana) savedObjectsRoutes() []route {
	// The literal routes come before {type}: a POST to _bulk_get must not
	// be taken for a create of type "_bulk_get".
	return []route{
		newRoute(http.MethodGet, "/api/saved_objects/_find", k.soFind),
		newRoute(http.MethodPost, "/api/saved_objects/_bulk_create", k.soBulkCreate),
		newRoute(http.MethodPost, "/api/saved_objects/_bulk_get", k.soBulkGet),
		newRoute(http.MethodPost, "/api/saved_objects/_bulk_update", k.soBulkUpdate),
		newRoute(http.MethodPost, "/api/saved_objects/_bulk_delete", k.soBulkDelete),
		newRoute(http.MethodPost, "/api/saved_objects/_bulk_resolve", k.soBulkResolve),
		newRoute(http.MethodPost, "/api/saved_objects/_export", k.soExport),
		newRoute(http.MethodPost, "/api/saved_objects/_import", k.soImport),
		newRoute(http.MethodPost, "/api/saved_objects/_resolve_import_errors", k.soResolveImportErrors),
		newRoute(http.MethodGet, "/api/saved_objects/resolve/{type}/{id}", k.soResolve),
		newRoute(http.MethodGet, "/api/saved_objects/{type}/{id}", k.soGetRoute),
		newRoute(http.MethodPost, "/api/saved_objects/{type}", k.soCreate),
		newRoute(http.MethodPost, "/api/saved_objects/{type}/{id}", k.soCreate),
		newRoute(http.MethodPut, "/api/saved_objects/{type}/{id}", k.soUpdate),
		newRoute(http.MethodPost, "/api/encrypted_saved_objects/_rotate_key", k.rotateEncryptionKey),
	}
}

// rotateEncryptionKey re-encrypts the objects holding secrets: the
// connectors (type action) of every space, the only encrypted type the
// sandbox keeps. Nothing fails: the sandbox has one key.
func (k *Kibana) rotateEncryptionKey(c *call) {
	// batch_size only paces Kibana's work: every batch succeeds here.
	if _, ok := c.queryInt("batch_size", 10000, 1, 10000); !ok {
		return
	}
	typ := c.query("type")
	if typ != "" && typ != "action" && !soKnownType(typ) {
		c.badRequest(soUnsupported(typ))
		return
	}
	total := 0
	if typ == "" || typ == "action" {
		for _, sp := range k.spaces {
			for _, cn := range sp.connectors.byID {
				if !cn.preconfigured && len(cn.secrets) > 0 {
					total++
				}
			}
		}
	}
	c.ok(map[string]any{"total": total, "successful": total, "failed": 0})
}

// savedObjectsState is what a space holds of this area; it works from its zero value.
type savedObjectsState struct {
	// seeded is set on the default space once the story's objects are in
	// place (the space seed has no hook for this area, so it runs on the
	// first saved-objects call).
	seeded bool

	generic map[string]*soObject // by soKey, types without a store of their own
	order   []string             // generic keys in creation order
	extra   map[string]*soExtra  // by soKey, what bridged types' stores lack
	aliases map[string]string    // legacy URL aliases: soKey of the old id → new id
}

// soObject is one saved object as the API speaks of it.
type soObject struct {
	typ, id              string
	attributes           map[string]any
	references           []soRef
	version              int
	createdAt, updatedAt string
	originID             string
}

// soRef is a reference from one saved object to another.
type soRef struct{ typ, id, name string }

// soExtra is what the sandbox keeps about a dashboard, data view or
// connector beyond its area's store.
type soExtra struct {
	attributes           map[string]any
	references           []soRef
	version              int
	createdAt, updatedAt string
	originID             string
}

func soKey(typ, id string) string { return typ + "/" + id }

// soTypes are the types Kibana registers for these routes; shareable ones
// may live in several spaces at once.
var soTypes = map[string]struct {
	shareable bool
	icon      string
}{
	"dashboard": {false, "dashboardApp"}, "index-pattern": {true, "indexPatternApp"}, "action": {false, "actionsApp"},
	"visualization": {false, "visualizeApp"}, "search": {false, "discoverApp"}, "lens": {false, "lensApp"},
	"map": {false, "gisApp"}, "tag": {true, "tag"}, "config": {false, "advancedSettingsApp"},
	"config-global": {false, "advancedSettingsApp"}, "query": {false, "search"}, "url": {false, "link"},
	"event-annotation-group": {false, "annotation"}, "canvas-workpad": {false, "canvasApp"},
	"links": {false, "link"}, "osquery-saved-query": {false, "osqueryApp"}, "osquery-pack": {false, "osqueryApp"},
	"infrastructure-monitoring-log-view": {false, "logsApp"}, "ml-trained-model": {false, "machineLearningApp"},
}

func soKnownType(typ string) bool { _, ok := soTypes[typ]; return ok }

// soBadRequest answers a saved-objects 400, whose messages end as Boom's do.
func soBadRequest(c *call, reason string) { c.badRequest(reason + ": Bad Request") }

func soUnsupported(typ string) string {
	return fmt.Sprintf("Unsupported saved object type: '%s': Bad Request", typ)
}

func soNotFoundMessage(typ, id string) string {
	return fmt.Sprintf("Saved object [%s/%s] not found", typ, id)
}

func soConflictMessage(typ, id string) string {
	return fmt.Sprintf("Saved object [%s/%s] conflict", typ, id)
}

// soErr is the error member of one object of a bulk answer.
func soErr(status int, msg string) map[string]any {
	return map[string]any{"statusCode": status, "error": http.StatusText(status), "message": msg}
}

// state returns the space's saved-objects state, seeding the story first.
func (k *Kibana) soState(sp *space) *savedObjectsState {
	if def := k.spaces["default"]; def != nil && !def.savedObjs.seeded {
		def.savedObjs.seeded = true
		k.seedSavedObjects()
	}
	st := &sp.savedObjs
	if st.generic == nil {
		st.generic = map[string]*soObject{}
		st.extra = map[string]*soExtra{}
		st.aliases = map[string]string{}
	}
	return st
}

// soRefsJSON renders references for an answer.
func soRefsJSON(refs []soRef) []any {
	out := make([]any, 0, len(refs))
	for _, r := range refs {
		out = append(out, map[string]any{"type": r.typ, "id": r.id, "name": r.name})
	}
	return out
}

// soTypeMigration is the migration version Kibana stamps per type.
func soTypeMigration(typ string) string {
	switch typ {
	case "dashboard":
		return "10.2.0"
	case "index-pattern", "search":
		return "8.0.0"
	case "lens":
		return "8.9.0"
	}
	return "8.0.0"
}

// soDoc is a saved object as the API answers it.
func (k *Kibana) soDoc(sp *space, o *soObject) map[string]any {
	doc := map[string]any{
		"id":                   o.id,
		"type":                 o.typ,
		"namespaces":           cfgStrings(k.soNamespaces(sp, o.typ, o.id)),
		"updated_at":           o.updatedAt,
		"created_at":           o.createdAt,
		"version":              dvVersion(o.version),
		"attributes":           cfgClone(o.attributes),
		"references":           soRefsJSON(o.references),
		"managed":              false,
		"coreMigrationVersion": "8.8.0",
		"typeMigrationVersion": soTypeMigration(o.typ),
	}
	if o.originID != "" {
		doc["originId"] = o.originID
	}
	return doc
}

// soNamespaces are the spaces holding the object sp holds, sorted: the
// same object, not one of the same id (each space has its own tags).
func (k *Kibana) soNamespaces(sp *space, typ, id string) []string {
	var same func(other *space) bool
	switch {
	case typ == "index-pattern":
		v := sp.platform.dataViews.byID[id]
		same = func(other *space) bool { return v != nil && other.platform.dataViews.byID[id] == v }
	case soTypes[typ].shareable:
		o := k.soState(sp).generic[soKey(typ, id)]
		same = func(other *space) bool { return o != nil && k.soState(other).generic[soKey(typ, id)] == o }
	default:
		return []string{sp.id}
	}
	var ids []string
	for sid, other := range k.spaces {
		if same(other) {
			ids = append(ids, sid)
		}
	}
	slices.Sort(ids)
	return ids
}

// soParseRefs reads checked references ([{name, type, id}]).
func soParseRefs(v any) []soRef {
	list, _ := v.([]any)
	out := make([]soRef, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		name, _ := m["name"].(string)
		typ, _ := m["type"].(string)
		id, _ := m["id"].(string)
		out = append(out, soRef{typ: typ, id: id, name: name})
	}
	return out
}

// soRefSpec is the shape of one reference.
var soRefSpec = []cfgField{
	{name: "name", kind: "string", required: true},
	{name: "type", kind: "string", required: true},
	{name: "id", kind: "string", required: true},
}

// soMerge merges attributes as Elasticsearch's partial update does:
// objects recursively, everything else replaced.
func soMerge(dst, src map[string]any) map[string]any {
	out := cfgClone(dst)
	if out == nil {
		out = map[string]any{}
	}
	for key, v := range src {
		if sub, ok := v.(map[string]any); ok {
			if have, ok := out[key].(map[string]any); ok {
				out[key] = soMerge(have, sub)
				continue
			}
		}
		out[key] = cfgCloneValue(v)
	}
	return out
}

// soTitle is what an object is called in import results.
func soTitle(o *soObject) string {
	for _, key := range []string{"title", "name"} {
		if s, ok := o.attributes[key].(string); ok && s != "" {
			return s
		}
	}
	return o.id
}

// soSpacesFor decides the spaces a new object goes to: initialNamespaces
// or the space of the request. The message is the reason to refuse.
func (k *Kibana) soSpacesFor(c *call, typ string, initial []string) ([]string, string) {
	if len(initial) == 0 {
		return []string{c.spaceID}, ""
	}
	if len(initial) > 1 && !soTypes[typ].shareable {
		return nil, fmt.Sprintf("Unable to create saved object of type '%s': cannot create object in multiple namespaces: Bad Request", typ)
	}
	for _, id := range initial {
		if id == "*" && soTypes[typ].shareable {
			return slices.Sorted(maps.Keys(k.spaces)), ""
		}
		if k.spaces[id] == nil {
			return nil, fmt.Sprintf("Unable to create saved object in space '%s': the space does not exist: Bad Request", id)
		}
	}
	return initial, ""
}

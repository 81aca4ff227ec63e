package sandbox

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// Saved objects across spaces: copying them (an export from the request's
// space imported into each target, so conflicts, missing references and
// new copies behave as an import's), retrying failed copies, sharing one
// object in several spaces (shareable types only: tags and data views),
// listing what sharing involves, and disabling legacy URL aliases.

func (k *Kibana) spaceObjectRoutes() []route {
	return []route{
		newRoute(http.MethodPost, "/api/spaces/_copy_saved_objects", k.copySavedObjects),
		newRoute(http.MethodPost, "/api/spaces/_resolve_copy_saved_objects_errors", k.resolveCopyErrors),
		newRoute(http.MethodPost, "/api/spaces/_get_shareable_references", k.shareableReferences),
		newRoute(http.MethodPost, "/api/spaces/_update_objects_spaces", k.updateObjectsSpaces),
		newRoute(http.MethodPost, "/api/spaces/_disable_legacy_url_aliases", k.disableLegacyURLAliases),
	}
}

var soKeySpec = []cfgField{{name: "type", kind: "string", required: true}, {name: "id", kind: "string", required: true}}

// soCopyFlags are the options copy and its retry share.
var soCopyFlags = []cfgField{
	{name: "includeReferences", kind: "boolean", def: false},
	{name: "createNewCopies", kind: "boolean", def: true},
	{name: "compatibilityMode", kind: "boolean", def: false},
}

// soKeys reads a checked list of {type, id}.
func soKeys(v any) []soRef {
	var out []soRef
	for _, m := range aiObjects(v) {
		out = append(out, soRef{typ: m["type"].(string), id: m["id"].(string)})
	}
	return out
}

// soCopySource is what a copy takes from the request's space: the named
// objects and, with references, what they refer to. Objects it cannot find
// are answered as errors of every target.
func (k *Kibana) soCopySource(c *call, keys []soRef, deep bool) (objs []*soObject, missing []any) {
	var picked []*soObject
	for _, key := range keys {
		if o := k.soGet(c.space, key.typ, key.id); o != nil {
			picked = append(picked, o)
		} else {
			missing = append(missing, map[string]any{"type": key.typ, "id": key.id,
				"error": map[string]any{"type": "missing_references", "references": []any{}}, "meta": map[string]any{}})
		}
	}
	objs, _ = k.soExportOrder(c.space, picked, deep)
	return objs, missing
}

// soCopyTarget is a target space of a copy, or its error.
func (k *Kibana) soCopyTarget(c *call, id string) (*space, map[string]any) {
	sp := k.spaces[id]
	switch {
	case sp == nil:
		return nil, map[string]any{"success": false, "successCount": 0, "errors": []any{map[string]any{
			"statusCode": 404, "error": "Not Found", "message": fmt.Sprintf("Saved object [space/%s] not found", id)}}}
	case sp == c.space:
		return nil, map[string]any{"success": false, "successCount": 0, "errors": []any{map[string]any{
			"statusCode": 400, "error": "Bad Request", "message": "Cannot copy objects to the space they come from"}}}
	}
	k.soState(sp)
	return sp, nil
}

// soCopyAnswer adds the objects a copy could not find to a space's result.
func soCopyAnswer(result map[string]any, missing []any) map[string]any {
	if len(missing) > 0 {
		result["errors"] = append(result["errors"].([]any), missing...)
		result["success"] = false
	}
	return result
}

func (k *Kibana) copySavedObjects(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, append([]cfgField{
		{name: "spaces", kind: "strings", required: true},
		{name: "objects", kind: "objects", required: true, items: soKeySpec},
		{name: "overwrite", kind: "boolean", def: false},
	}, soCopyFlags...), true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	overwrite, newCopies, compat := body["overwrite"] == true, body["createNewCopies"] == true, body["compatibilityMode"] == true
	switch {
	case overwrite && newCopies:
		c.badRequest("[request body]: cannot use [overwrite] with [createNewCopies]")
		return
	case compat && newCopies:
		c.badRequest("[request body]: cannot use [createNewCopies] with [compatibilityMode]")
		return
	}
	k.soState(c.space)
	objs, missing := k.soCopySource(c, soKeys(body["objects"]), body["includeReferences"] == true)
	out := map[string]any{}
	for _, s := range body["spaces"].([]any) {
		id := s.(string)
		target, failed := k.soCopyTarget(c, id)
		if failed != nil {
			out[id] = failed
			continue
		}
		plans := make([]soImportPlan, 0, len(objs))
		for _, o := range objs {
			p := soImportPlan{obj: o, destination: o.id, overwrite: overwrite}
			if newCopies {
				p.destination = k.newID()
			}
			plans = append(plans, p)
		}
		out[id] = soCopyAnswer(k.soImportInto(target, plans), missing)
	}
	c.ok(out)
}

var soCopyRetrySpec = []cfgField{
	{name: "type", kind: "string", required: true},
	{name: "id", kind: "string", required: true},
	{name: "overwrite", kind: "boolean", def: false},
	{name: "destinationId", kind: "string"},
	{name: "createNewCopy", kind: "boolean"},
	{name: "ignoreMissingReferences", kind: "boolean", def: false},
}

func (k *Kibana) resolveCopyErrors(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, append([]cfgField{
		{name: "objects", kind: "objects", required: true, items: soKeySpec},
		{name: "retries", kind: "object", required: true},
	}, soCopyFlags...), true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	if body["createNewCopies"] == true && body["compatibilityMode"] == true {
		c.badRequest("[request body]: cannot use [createNewCopies] with [compatibilityMode]")
		return
	}
	k.soState(c.space)
	objs, _ := k.soCopySource(c, soKeys(body["objects"]), body["includeReferences"] == true)
	retries := body["retries"].(map[string]any)
	out := map[string]any{}
	for _, id := range slices.Sorted(maps.Keys(retries)) {
		list, ok := retries[id].([]any)
		if !ok {
			c.badRequest(fmt.Sprintf("[request body.retries.%s]: expected value of type [array] but got [%s]", id, cfgTypeOf(retries[id])))
			return
		}
		var checked []map[string]any
		for i, r := range list {
			m, isObj := r.(map[string]any)
			if !isObj {
				c.badRequest(fmt.Sprintf("[request body.retries.%s.%d]: expected a plain object value, but found [%s] instead.", id, i, cfgTypeOf(r)))
				return
			}
			m, msg := cfgCheck(fmt.Sprintf("request body.retries.%s.%d.", id, i), m, soCopyRetrySpec, true)
			if msg != "" {
				c.badRequest(msg)
				return
			}
			checked = append(checked, m)
		}
		target, failed := k.soCopyTarget(c, id)
		if failed != nil {
			out[id] = failed
			continue
		}
		var plans []soImportPlan
		for _, r := range checked {
			i := slices.IndexFunc(objs, func(o *soObject) bool { return o.typ == r["type"] && o.id == r["id"] })
			if i < 0 {
				continue // as an import skips retries its file does not hold
			}
			p := soImportPlan{obj: objs[i], destination: objs[i].id, overwrite: r["overwrite"] == true, ignoreMissing: r["ignoreMissingReferences"] == true}
			switch d, _ := r["destinationId"].(string); {
			case d != "":
				p.destination = d
			case r["createNewCopy"] == true || body["createNewCopies"] == true:
				p.destination = k.newID()
			}
			plans = append(plans, p)
		}
		out[id] = k.soImportInto(target, plans)
	}
	c.ok(out)
}

func (k *Kibana) shareableReferences(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{{name: "objects", kind: "objects", required: true, items: soKeySpec}}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	k.soState(c.space)
	keys := soKeys(body["objects"])
	var picked []*soObject
	var out []any
	for _, key := range keys {
		if o := k.soGet(c.space, key.typ, key.id); o != nil {
			picked = append(picked, o)
		} else {
			out = append(out, map[string]any{"type": key.typ, "id": key.id, "spaces": []any{}, "inboundReferences": []any{}, "isMissing": true})
		}
	}
	all, missing := k.soExportOrder(c.space, picked, true)
	for _, o := range all {
		inbound := []any{}
		for _, from := range all {
			for _, r := range from.references {
				if r.typ == o.typ && r.id == o.id {
					inbound = append(inbound, map[string]any{"type": from.typ, "id": from.id, "name": r.name})
				}
			}
		}
		out = append(out, map[string]any{"type": o.typ, "id": o.id, "spaces": cfgStrings(k.soNamespaces(c.space, o.typ, o.id)),
			"inboundReferences": inbound, "spacesWithMatchingAliases": []any{}, "spacesWithMatchingOrigins": []any{}})
	}
	for _, r := range missing {
		out = append(out, map[string]any{"type": r.typ, "id": r.id, "spaces": []any{}, "inboundReferences": []any{}, "isMissing": true})
	}
	c.ok(map[string]any{"objects": nonNil(out)})
}

func (k *Kibana) updateObjectsSpaces(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "objects", kind: "objects", required: true, items: soKeySpec},
		{name: "spacesToAdd", kind: "strings", required: true},
		{name: "spacesToRemove", kind: "strings", required: true},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	add, remove := cfgStringList(body["spacesToAdd"]), cfgStringList(body["spacesToRemove"])
	for _, s := range add {
		if slices.Contains(remove, s) {
			c.badRequest(fmt.Sprintf("[request body]: spaces %s cannot be both added and removed", s))
			return
		}
	}
	if slices.Contains(add, "*") {
		add = slices.Sorted(maps.Keys(k.spaces))
	}
	k.soState(c.space)
	var out []any
	for _, key := range soKeys(body["objects"]) {
		out = append(out, k.shareObject(c.space, key, add, remove))
	}
	c.ok(map[string]any{"objects": nonNil(out)})
}

// shareObject adds one object of sp to the spaces add names and removes it
// from those remove names (all of them when remove holds "*"); it answers
// the object's result line.
func (k *Kibana) shareObject(sp *space, key soRef, add, remove []string) map[string]any {
	line := map[string]any{"type": key.typ, "id": key.id}
	fail := func(status int, msg string) map[string]any {
		line["spaces"], line["error"] = []any{}, soErr(status, msg)
		return line
	}
	if !soKnownType(key.typ) {
		return fail(400, soUnsupported(key.typ))
	}
	if k.soGet(sp, key.typ, key.id) == nil {
		return fail(404, soNotFoundMessage(key.typ, key.id))
	}
	if !soTypes[key.typ].shareable {
		return fail(400, fmt.Sprintf("%s doesn't support multiple namespaces", key.typ))
	}
	// The one object: the data view of the store, or the generic record.
	v := sp.platform.dataViews.byID[key.id]
	rec := k.soState(sp).generic[soKey(key.typ, key.id)]
	for _, id := range add {
		other := k.spaces[id]
		if other == nil {
			continue // Kibana shares to spaces that do not exist yet; none here
		}
		if key.typ == "index-pattern" {
			if other.platform.dataViews.byID[key.id] == nil {
				other.platform.dataViews.add(v)
			}
			continue
		}
		st := k.soState(other)
		if st.generic[soKey(key.typ, key.id)] == nil {
			st.order = append(st.order, soKey(key.typ, key.id))
		}
		st.generic[soKey(key.typ, key.id)] = rec
	}
	for _, id := range k.soNamespaces(sp, key.typ, key.id) {
		if !slices.Contains(remove, id) && !slices.Contains(remove, "*") {
			continue
		}
		other := k.spaces[id]
		if key.typ == "index-pattern" {
			other.platform.dataViews.remove(key.id)
			continue
		}
		st := k.soState(other)
		delete(st.generic, soKey(key.typ, key.id))
		st.order = slices.DeleteFunc(st.order, func(x string) bool { return x == soKey(key.typ, key.id) })
	}
	line["spaces"] = cfgStrings(k.soNamespacesOf(key, v, rec))
	return line
}

// soNamespacesOf lists the spaces holding the one object (a data view or
// a generic record), wherever it still is.
func (k *Kibana) soNamespacesOf(key soRef, v *dataView, rec *soObject) []string {
	var ids []string
	for sid, other := range k.spaces {
		if key.typ == "index-pattern" && v != nil && other.platform.dataViews.byID[key.id] == v ||
			key.typ != "index-pattern" && rec != nil && k.soState(other).generic[soKey(key.typ, key.id)] == rec {
			ids = append(ids, sid)
		}
	}
	slices.Sort(ids)
	return ids
}

func (k *Kibana) disableLegacyURLAliases(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{{name: "aliases", kind: "objects", required: true, items: []cfgField{
		{name: "targetSpace", kind: "string", required: true},
		{name: "targetType", kind: "string", required: true},
		{name: "sourceId", kind: "string", required: true},
	}}}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	k.soState(c.space)
	aliases := aiObjects(body["aliases"])
	// All or nothing, as Kibana's bulk update of the alias objects.
	for _, a := range aliases {
		sp := k.spaces[a["targetSpace"].(string)]
		if sp == nil || k.soState(sp).aliases[soKey(a["targetType"].(string), a["sourceId"].(string))] == "" {
			c.notFound(fmt.Sprintf("Saved object [legacy-url-alias/%s:%s:%s] not found", a["targetSpace"], a["targetType"], a["sourceId"]))
			return
		}
	}
	for _, a := range aliases {
		delete(k.soState(k.spaces[a["targetSpace"].(string)]).aliases, soKey(a["targetType"].(string), a["sourceId"].(string)))
	}
	c.noContent()
}

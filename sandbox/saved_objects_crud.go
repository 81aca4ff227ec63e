package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// Reading, creating and changing saved objects, one at a time and in bulk.

var (
	soCreateBody = []cfgField{
		{name: "attributes", kind: "object", required: true},
		{name: "migrationVersion", kind: "object"},
		{name: "coreMigrationVersion", kind: "string"},
		{name: "typeMigrationVersion", kind: "string"},
		{name: "references", kind: "objects", items: soRefSpec},
		{name: "initialNamespaces", kind: "strings", check: platMinItems(1)},
	}
	soBulkCreateItem = append([]cfgField{
		{name: "type", kind: "string", required: true},
		{name: "id", kind: "string"},
		{name: "version", kind: "string"},
	}, soCreateBody...)
	soUpdateBody = []cfgField{
		{name: "attributes", kind: "object", required: true},
		{name: "version", kind: "string"},
		{name: "references", kind: "objects", items: soRefSpec},
		{name: "upsert", kind: "object"},
	}
	soBulkUpdateItem = []cfgField{
		{name: "type", kind: "string", required: true},
		{name: "id", kind: "string", required: true},
		{name: "attributes", kind: "object", required: true},
		{name: "version", kind: "string"},
		{name: "references", kind: "objects", items: soRefSpec},
		{name: "namespace", kind: "string"},
	}
	soKeyItem = []cfgField{
		{name: "type", kind: "string", required: true},
		{name: "id", kind: "string", required: true},
	}
	soBulkGetItem = []cfgField{
		{name: "type", kind: "string", required: true},
		{name: "id", kind: "string", required: true},
		{name: "fields", kind: "strings"},
		{name: "namespaces", kind: "strings"},
	}
)

// soArrayBody reads a bulk body: a JSON array of objects, each checked
// against item. ok is false when the call was answered.
func soArrayBody(c *call, item []cfgField) ([]map[string]any, bool) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(c.rawBody))
	dec.UseNumber()
	if len(bytes.TrimSpace(c.rawBody)) == 0 || dec.Decode(&v) != nil {
		c.badRequest("[request body]: expected value of type [array] but got [undefined]")
		return nil, false
	}
	list, isList := v.([]any)
	if !isList {
		c.badRequest(fmt.Sprintf("[request body]: expected value of type [array] but got [%s]", cfgTypeOf(v)))
		return nil, false
	}
	out := make([]map[string]any, 0, len(list))
	for i, e := range list {
		m, isObj := e.(map[string]any)
		if !isObj {
			c.badRequest(fmt.Sprintf("[request body.%d]: expected a plain object value, but found [%s] instead.", i, cfgTypeOf(e)))
			return nil, false
		}
		checked, msg := cfgCheck(fmt.Sprintf("request body.%d.", i), m, item, true)
		if msg != "" {
			c.badRequest(msg)
			return nil, false
		}
		out = append(out, checked)
	}
	return out, true
}

func (k *Kibana) soGetRoute(c *call) {
	typ, id := c.param("type"), c.param("id")
	if !soKnownType(typ) {
		c.badRequest(soUnsupported(typ))
		return
	}
	o := k.soGet(c.space, typ, id)
	if o == nil {
		c.notFound(soNotFoundMessage(typ, id))
		return
	}
	c.ok(k.soDoc(c.space, o))
}

// soResolved is the resolve answer for one type and id: the object, how
// it was found, and Kibana's error when it was not.
func (k *Kibana) soResolved(sp *space, typ, id string) (map[string]any, int, string) {
	if !soKnownType(typ) {
		return nil, http.StatusBadRequest, soUnsupported(typ)
	}
	st := k.soState(sp)
	exact := k.soGet(sp, typ, id)
	var aliased *soObject
	target, hasAlias := st.aliases[soKey(typ, id)]
	if hasAlias {
		aliased = k.soGet(sp, typ, target)
	}
	switch {
	case exact != nil && aliased != nil:
		return map[string]any{"saved_object": k.soDoc(sp, exact), "outcome": "conflict", "alias_target_id": target, "alias_purpose": "savedObjectConversion"}, 200, ""
	case exact != nil:
		return map[string]any{"saved_object": k.soDoc(sp, exact), "outcome": "exactMatch"}, 200, ""
	case aliased != nil:
		return map[string]any{"saved_object": k.soDoc(sp, aliased), "outcome": "aliasMatch", "alias_target_id": target, "alias_purpose": "savedObjectConversion"}, 200, ""
	}
	return nil, http.StatusNotFound, soNotFoundMessage(typ, id)
}

func (k *Kibana) soResolve(c *call) {
	answer, status, msg := k.soResolved(c.space, c.param("type"), c.param("id"))
	if status != 200 {
		c.answered = true
		writeError(c.w, status, msg)
		return
	}
	c.ok(answer)
}

// soCreateOne creates one object from a checked body; status 200 with the
// stored object, or the status and message of the refusal.
func (k *Kibana) soCreateOne(c *call, typ, id string, body map[string]any, overwrite bool) (*soObject, int, string) {
	if !soKnownType(typ) {
		return nil, http.StatusBadRequest, soUnsupported(typ)
	}
	if id == "" {
		id = k.newID()
	}
	spaces, msg := k.soSpacesFor(c, typ, platStrings(body["initialNamespaces"]))
	if msg != "" {
		return nil, http.StatusBadRequest, msg
	}
	if cn := c.space.connectors.byID[id]; typ == "action" && cn != nil && cn.preconfigured {
		return nil, http.StatusConflict, soConflictMessage(typ, id)
	}
	o := &soObject{typ: typ, id: id, attributes: cfgClone(body["attributes"].(map[string]any)), references: soParseRefs(body["references"]), version: 1}
	// The object may already be in the request's space or in one it is
	// to be created in.
	have := k.soGet(c.space, typ, id)
	for _, sid := range spaces {
		if have == nil {
			have = k.soGet(k.spaces[sid], typ, id)
		}
	}
	if have != nil {
		if !overwrite {
			return nil, http.StatusConflict, soConflictMessage(typ, id)
		}
		if v, _ := body["version"].(string); v != "" && v != dvVersion(have.version) {
			return nil, http.StatusConflict, soConflictMessage(typ, id)
		}
		o.version, o.createdAt, o.updatedAt = have.version+1, have.createdAt, k.now()
		if k.soGet(c.space, typ, id) != nil {
			spaces = nil // replaced where it is, in every space sharing it
		}
	} else if v, _ := body["version"].(string); v != "" {
		// A version names a state the object never had here.
		return nil, http.StatusConflict, soConflictMessage(typ, id)
	}
	if msg := k.soPut(c.space, o, spaces); msg != "" {
		return nil, http.StatusBadRequest, msg
	}
	where := c.space
	if len(spaces) > 0 && spaces[0] != c.spaceID {
		where = k.spaces[spaces[0]]
	}
	return k.soGet(where, typ, id), 200, ""
}

func (k *Kibana) soCreate(c *call) {
	k.soState(c.space)
	overwrite, ok := platQueryBool(c, "overwrite")
	if !ok || !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, soCreateBody, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	o, status, msg := k.soCreateOne(c, c.param("type"), c.param("id"), body, overwrite)
	if status != 200 {
		c.answered = true
		writeError(c.w, status, msg)
		return
	}
	c.ok(k.soDoc(c.space, o))
}

// soUpdateOne merges attributes into one object (or creates it from
// upsert); the answer carries the attributes given, as Kibana's does.
func (k *Kibana) soUpdateOne(c *call, typ, id string, body map[string]any) (map[string]any, int, string) {
	if !soKnownType(typ) {
		return nil, http.StatusBadRequest, soUnsupported(typ)
	}
	attrs := body["attributes"].(map[string]any)
	have := k.soGet(c.space, typ, id)
	if have == nil {
		upsert, ok := body["upsert"].(map[string]any)
		if !ok {
			return nil, http.StatusNotFound, soNotFoundMessage(typ, id)
		}
		o := &soObject{typ: typ, id: id, attributes: soMerge(upsert, nil), references: soParseRefs(body["references"]), version: 1}
		if msg := k.soPut(c.space, o, nil); msg != "" {
			return nil, http.StatusBadRequest, msg
		}
		return k.soDoc(c.space, k.soGet(c.space, typ, id)), 200, ""
	}
	if v, _ := body["version"].(string); v != "" && v != dvVersion(have.version) {
		return nil, http.StatusConflict, soConflictMessage(typ, id)
	}
	o := *have
	o.attributes = soMerge(have.attributes, attrs)
	if refs, given := body["references"]; given {
		o.references = soParseRefs(refs)
	}
	o.version, o.updatedAt = have.version+1, k.now()
	if msg := k.soPut(c.space, &o, nil); msg != "" {
		return nil, http.StatusBadRequest, msg
	}
	stored := k.soGet(c.space, typ, id)
	return map[string]any{
		"id": id, "type": typ, "updated_at": stored.updatedAt, "version": dvVersion(stored.version),
		"namespaces": cfgStrings(k.soNamespaces(c.space, typ, id)), "references": soRefsJSON(stored.references),
		"attributes": cfgClone(attrs),
	}, 200, ""
}

func (k *Kibana) soUpdate(c *call) {
	k.soState(c.space)
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, soUpdateBody, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	answer, status, msg := k.soUpdateOne(c, c.param("type"), c.param("id"), body)
	if status != 200 {
		c.answered = true
		writeError(c.w, status, msg)
		return
	}
	c.ok(answer)
}

// soBulkError is one failed object of a bulk answer.
func soBulkError(typ, id string, status int, msg string) map[string]any {
	return map[string]any{"type": typ, "id": id, "error": soErr(status, msg)}
}

// soBulk answers a bulk route: each item of the body (checked against the
// item schema) gets the answer one gives it, in a list under key.
func (k *Kibana) soBulk(c *call, item []cfgField, key string, one func(typ, id string, it map[string]any) any) {
	k.soState(c.space)
	items, ok := soArrayBody(c, item)
	if !ok {
		return
	}
	out := make([]any, 0, len(items))
	for _, it := range items {
		typ, _ := it["type"].(string)
		id, _ := it["id"].(string)
		out = append(out, one(typ, id, it))
	}
	c.ok(map[string]any{key: out})
}

func (k *Kibana) soBulkCreate(c *call) {
	overwrite, ok := platQueryBool(c, "overwrite")
	if !ok {
		return
	}
	k.soBulk(c, soBulkCreateItem, "saved_objects", func(typ, id string, it map[string]any) any {
		o, status, msg := k.soCreateOne(c, typ, id, it, overwrite)
		if status != 200 {
			return soBulkError(typ, id, status, msg)
		}
		return k.soDoc(c.space, o)
	})
}

func (k *Kibana) soBulkGet(c *call) {
	k.soBulk(c, soBulkGetItem, "saved_objects", func(typ, id string, it map[string]any) any {
		if !soKnownType(typ) {
			return soBulkError(typ, id, http.StatusBadRequest, soUnsupported(typ))
		}
		o := k.soGet(c.space, typ, id)
		if o == nil {
			return soBulkError(typ, id, http.StatusNotFound, soNotFoundMessage(typ, id))
		}
		if fields := platStrings(it["fields"]); len(fields) > 0 {
			o.attributes = soPick(o.attributes, fields)
		}
		return k.soDoc(c.space, o)
	})
}

// soPick keeps only the named attributes.
func soPick(attrs map[string]any, fields []string) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if v, ok := attrs[f]; ok {
			out[f] = v
		}
	}
	return out
}

func (k *Kibana) soBulkResolve(c *call) {
	k.soBulk(c, soKeyItem, "resolved_objects", func(typ, id string, _ map[string]any) any {
		answer, status, msg := k.soResolved(c.space, typ, id)
		if status != 200 {
			return map[string]any{"saved_object": soBulkError(typ, id, status, msg), "outcome": "exactMatch"}
		}
		return answer
	})
}

func (k *Kibana) soBulkUpdate(c *call) {
	k.soBulk(c, soBulkUpdateItem, "saved_objects", func(typ, id string, it map[string]any) any {
		delete(it, "upsert")
		answer, status, msg := k.soUpdateOne(c, typ, id, it)
		if status != 200 {
			return soBulkError(typ, id, status, msg)
		}
		return answer
	})
}

func (k *Kibana) soBulkDelete(c *call) {
	force, ok := platQueryBool(c, "force")
	if !ok {
		return
	}
	k.soBulk(c, soKeyItem, "statuses", func(typ, id string, _ map[string]any) any {
		status, msg := http.StatusBadRequest, soUnsupported(typ)
		if soKnownType(typ) {
			status, msg = k.soDelete(c.space, typ, id, force)
		}
		if status != 200 {
			return map[string]any{"type": typ, "id": id, "success": false, "error": soErr(status, msg)}
		}
		return map[string]any{"type": typ, "id": id, "success": true}
	})
}

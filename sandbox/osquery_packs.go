package sandbox

import (
	"fmt"
	"slices"
)

// Osquery packs: named sets of queries, scheduled on the agent policies the
// pack names. get answers the queries as an object by name; find answers
// them as stored (a list, ECS mappings as key/value pairs), as Kibana does.

// osqueryPackQuerySpec is one query of a pack.
var osqueryPackQuerySpec = []cfgField{
	{name: "query", kind: "string", required: true, check: platMinLen(1)},
	{name: "id", kind: "string", nullable: true},
	{name: "saved_query_id", kind: "string", nullable: true},
	{name: "interval", kind: "any", nullable: true, check: osqueryIntervalCheck},
	{name: "timeout", kind: "number", nullable: true},
	{name: "platform", kind: "string", nullable: true, check: osqueryPlatformCheck},
	{name: "version", kind: "string", nullable: true},
	{name: "snapshot", kind: "boolean", nullable: true},
	{name: "removed", kind: "boolean", nullable: true},
	{name: "ecs_mapping", kind: "any", nullable: true},
}

func osqueryPackSpec(create bool) []cfgField {
	return []cfgField{
		{name: "name", kind: "string", required: create, check: platMinLen(1)},
		{name: "description", kind: "string", nullable: true},
		{name: "enabled", kind: "boolean", nullable: true},
		{name: "policy_ids", kind: "strings", nullable: true},
		{name: "queries", kind: "object", required: create},
		{name: "shards", kind: "object", nullable: true},
	}
}

// osqueryPackQueries checks a queries member and fills each query's
// defaults (hourly, as Kibana schedules them).
func osqueryPackQueries(v any) (map[string]map[string]any, string) {
	out := map[string]map[string]any{}
	m := v.(map[string]any)
	for _, name := range osqKeys(m) {
		at := "request body.queries." + name
		entry, ok := m[name].(map[string]any)
		if !ok {
			return nil, fmt.Sprintf("[%s]: expected a plain object value, but found [%s] instead.", at, cfgTypeOf(m[name]))
		}
		q, msg := cfgCheck(at+".", entry, osqueryPackQuerySpec, true)
		if msg != "" {
			return nil, msg
		}
		if em, ok := q["ecs_mapping"]; ok && em != nil {
			if q["ecs_mapping"], msg = osqueryECSMapping(at+".ecs_mapping", em); msg != "" {
				return nil, msg
			}
		}
		for key, val := range q {
			if val == nil {
				delete(q, key)
			}
		}
		if q["interval"] == nil {
			q["interval"] = 3600
		}
		delete(q, "id") // the name is the id
		out[name] = q
	}
	return out, ""
}

// osqueryShards checks the per-policy percentages.
func osqueryShards(v any) (map[string]any, string) {
	m := v.(map[string]any)
	for _, policy := range osqKeys(m) {
		at := "request body.shards." + policy
		if !cfgKindOK("number", m[policy]) {
			return nil, fmt.Sprintf("[%s]: expected value of type [number] but got [%s]", at, cfgTypeOf(m[policy]))
		}
		if n := cfgNumber(m[policy]); n < 0 || n > 100 {
			return nil, fmt.Sprintf("[%s]: must be a percentage from 0 to 100", at)
		}
	}
	return cfgClone(m), ""
}

// doc is the pack as get, create and update answer it.
func (p *osqueryPack) doc(spaceID string) map[string]any {
	queries := map[string]any{}
	for name, q := range p.queries {
		queries[name] = cfgClone(q)
	}
	d := map[string]any{
		"saved_object_id": p.soID, "name": p.name, "description": p.description, "enabled": p.enabled,
		"policy_ids": slices.Clone(p.policyIDs), "queries": queries, "shards": cfgClone(p.shards),
		"created_at": p.createdAt, "created_by": p.createdBy, "updated_at": p.updated, "updated_by": p.updatedBy,
		"namespaces": []string{spaceID}, "read_only": false, "type": "osquery-pack",
	}
	return d
}

// storedDoc is the pack as find lists it: queries in storage form.
func (p *osqueryPack) storedDoc(spaceID string) map[string]any {
	d := p.doc(spaceID)
	list := []any{}
	for _, name := range osqKeys(p.queries) {
		q := cfgClone(p.queries[name])
		q["id"] = name
		if em, ok := q["ecs_mapping"].(map[string]any); ok {
			pairs := []any{}
			for _, key := range osqKeys(em) {
				pairs = append(pairs, map[string]any{"key": key, "value": em[key]})
			}
			q["ecs_mapping"] = pairs
		}
		list = append(list, q)
	}
	d["queries"] = list
	return d
}

func (st *osqueryState) packByName(name string) *osqueryPack {
	for _, p := range st.packs.all() {
		if p.name == name {
			return p
		}
	}
	return nil
}

// apply copies the checked members onto p.
func (p *osqueryPack) apply(body map[string]any) string {
	for _, key := range osqKeys(body) {
		v := body[key]
		if v == nil {
			continue
		}
		switch key {
		case "name":
			p.name = v.(string)
		case "description":
			p.description = v.(string)
		case "enabled":
			p.enabled = v.(bool)
		case "policy_ids":
			p.policyIDs = nil
			for _, id := range v.([]any) {
				p.policyIDs = append(p.policyIDs, id.(string))
			}
		case "queries":
			q, msg := osqueryPackQueries(v)
			if msg != "" {
				return msg
			}
			p.queries = q
		case "shards":
			s, msg := osqueryShards(v)
			if msg != "" {
				return msg
			}
			p.shards = s
		}
	}
	return ""
}

func (k *Kibana) findOsqueryPacks(c *call) {
	findOsqueryObjects(c, c.space.osquery.packs.all(),
		func(p *osqueryPack) (string, string, map[string]any) { return p.createdAt, p.updated, p.doc(c.spaceID) },
		func(p *osqueryPack) any { return p.storedDoc(c.spaceID) })
}

func (k *Kibana) createOsqueryPack(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, osqueryPackSpec(true), true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := &c.space.osquery
	if name := body["name"].(string); st.packByName(name) != nil {
		c.conflict(fmt.Sprintf("Pack with name %q already exists.", name))
		return
	}
	now := k.now()
	p := &osqueryPack{soID: k.newID(), enabled: true, policyIDs: []string{}, shards: map[string]any{},
		createdAt: now, updated: now, createdBy: "elastic", updatedBy: "elastic"}
	if msg := p.apply(body); msg != "" {
		c.badRequest(msg)
		return
	}
	st.packs.put(p.soID, p)
	c.ok(map[string]any{"data": p.doc(c.spaceID)})
}

func (k *Kibana) getOsqueryPack(c *call) {
	p := c.space.osquery.packs.get(c.param("id"))
	if p == nil {
		osqueryNotFound(c, "osquery-pack", c.param("id"))
		return
	}
	c.ok(map[string]any{"data": p.doc(c.spaceID)})
}

// updateOsqueryPack changes the members given; queries, when given,
// replace the pack's.
func (k *Kibana) updateOsqueryPack(c *call) {
	if !c.requireBody() {
		return
	}
	st := &c.space.osquery
	p := st.packs.get(c.param("id"))
	if p == nil {
		osqueryNotFound(c, "osquery-pack", c.param("id"))
		return
	}
	body, msg := cfgCheck("request body.", c.body, osqueryPackSpec(false), true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	if name, ok := body["name"].(string); ok && name != p.name && st.packByName(name) != nil {
		c.conflict(fmt.Sprintf("Pack with name %q already exists.", name))
		return
	}
	changed := *p
	if msg := changed.apply(body); msg != "" {
		c.badRequest(msg)
		return
	}
	changed.updated, changed.updatedBy = k.now(), "elastic"
	*p = changed
	c.ok(map[string]any{"data": p.doc(c.spaceID)})
}

func (k *Kibana) deleteOsqueryPack(c *call) {
	st := &c.space.osquery
	if st.packs.get(c.param("id")) == nil {
		osqueryNotFound(c, "osquery-pack", c.param("id"))
		return
	}
	st.packs.remove(c.param("id"))
	c.ok(map[string]any{})
}

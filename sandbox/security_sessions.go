package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Role search, roles put in bulk, and user sessions. The sandbox keeps a
// few sessions of the story's users (Kibana-wide, on the default space,
// as roles are); invalidating them answers how many matched, and they are
// gone: a second call ends none.

// kibanaSession is one user's session with Kibana.
type kibanaSession struct {
	providerType, providerName, username string
}

// seedSessions are the story's users logged in: the admin through basic
// authentication, the analysts through the company's SAML provider.
var seedSessions = []kibanaSession{
	{"basic", "basic", "elastic"}, {"basic", "basic", "elastic"},
	{"saml", "saml1", "aokafor"}, {"saml", "saml1", "snovak"}, {"saml", "saml1", "mchen"},
	{"saml", "saml1", "jdoe@example.com"}, {"basic", "basic", "jdoe"}, {"token", "token", "svc-reporting"},
}

func (k *Kibana) invalidateSessions(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "match", kind: "string", required: true, oneOf: []string{"all", "query"}},
		{name: "query", kind: "object", fields: []cfgField{
			{name: "provider", kind: "object", required: true, fields: []cfgField{
				{name: "type", kind: "string", required: true}, {name: "name", kind: "string"},
			}},
			{name: "username", kind: "string"},
		}},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	q, _ := body["query"].(map[string]any)
	switch {
	case body["match"] == "query" && q == nil:
		c.badRequest("[request body.query.provider.type]: expected value of type [string] but got [undefined]")
		return
	case body["match"] == "all" && q != nil:
		c.badRequest(`[request body.query]: a value wasn't expected to be present`)
		return
	}
	st := k.roles()
	n := 0
	st.sessions = slices.DeleteFunc(st.sessions, func(s kibanaSession) bool {
		if q != nil {
			p := q["provider"].(map[string]any)
			if s.providerType != p["type"] {
				return false
			}
			if name, ok := p["name"].(string); ok && s.providerName != name {
				return false
			}
			if user, ok := q["username"].(string); ok && s.username != user {
				return false
			}
		}
		n++
		return true
	})
	c.ok(map[string]any{"total": n})
}

func (k *Kibana) queryRoles(c *call) {
	body := c.body
	if body == nil {
		body = map[string]any{}
	}
	body, msg := cfgCheck("request body.", body, []cfgField{
		{name: "query", kind: "string"}, {name: "from", kind: "number", def: 0.0}, {name: "size", kind: "number", def: 25.0},
		{name: "sort", kind: "object", fields: []cfgField{
			{name: "field", kind: "string", required: true}, {name: "direction", kind: "string", required: true, oneOf: []string{"asc", "desc"}},
		}},
		{name: "filters", kind: "object", fields: []cfgField{{name: "showReservedRoles", kind: "boolean"}}},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	words := strings.Fields(strings.ToLower(fmt.Sprint(body["query"])))
	if body["query"] == nil {
		words = nil
	}
	showReserved := true
	if f, ok := body["filters"].(map[string]any); ok && f["showReservedRoles"] == false {
		showReserved = false
	}
	st := k.roles()
	var matched []*kibanaRole
	for _, name := range slices.Sorted(maps.Keys(st.byName)) {
		r := st.byName[name]
		if r.reserved && !showReserved {
			continue
		}
		text := strings.ToLower(r.name + " " + r.description)
		if slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(text, w) }) {
			continue
		}
		matched = append(matched, r)
	}
	if s, ok := body["sort"].(map[string]any); ok {
		desc := s["direction"] == "desc"
		key := func(r *kibanaRole) string {
			if s["field"] == "description" {
				return r.description
			}
			return r.name
		}
		sort.SliceStable(matched, func(i, j int) bool {
			if desc {
				return key(matched[i]) > key(matched[j])
			}
			return key(matched[i]) < key(matched[j])
		})
	}
	from, size := int(cfgNumber(body["from"])), int(cfgNumber(body["size"]))
	page := []any{}
	for i := from; i >= 0 && i < len(matched) && i < from+size; i++ {
		page = append(page, roleDoc(matched[i], false))
	}
	c.ok(map[string]any{"roles": page, "count": len(page), "total": len(matched)})
}

func (k *Kibana) bulkPutRoles(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{{name: "roles", kind: "object", required: true}}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	roles := body["roles"].(map[string]any)
	created, updated, errs := []any{}, []any{}, map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(roles)) {
		def, ok := roles[name].(map[string]any)
		if !ok {
			c.badRequest(fmt.Sprintf("[request body.roles.%s]: expected a plain object value, but found [%s] instead.", name, cfgTypeOf(roles[name])))
			return
		}
		checked, msg := cfgCheck("request body.roles."+name+".", def, roleBody, true)
		if msg != "" {
			c.badRequest(msg)
			return
		}
		r, status, msg := k.roleFromBody(name, checked, false)
		if status != 200 {
			errs[name] = map[string]any{"type": "illegal_argument_exception", "reason": msg}
			continue
		}
		if k.roles().byName[name] == nil {
			created = append(created, name)
		} else {
			updated = append(updated, name)
		}
		k.roles().put(r)
	}
	out := map[string]any{"created": created, "updated": updated, "noop": []any{}}
	if len(errs) > 0 {
		out["errors"] = errs
	}
	c.ok(out)
}

package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Fleet's credentials: enrollment API keys, one "Default" key made with
// every agent policy plus those created for it, and uninstall tokens, one
// per protected policy. Their ids and secrets derive from the space and
// policy (not the seed's random source, so the rest of the seed stays as
// it was); the story's ones are fixed for the tools' examples.

// fleetEnrollKey is an enrollment API key.
type fleetEnrollKey struct {
	id, apiKeyID, apiKey, name, policyID string
	active                               bool
	created                              time.Time
}

const (
	fleetStoryEnrollKey      = "3f7a9c21-6b4e-4d8a-9e12-5c0b7d3f1a64" // prod-linux's default key
	fleetStoryUninstallToken = "b4e2d9a7-1c3f-4e6b-8a05-9d7c2f1e6b38" // the Endpoint Security policy's token
	fleetPendingUpgrade      = "8c1f5e2a-7d3b-4a9e-b6c0-2e4f6a8b0d13" // the updating agent's upgrade
)

// fleetDerived is a stable UUID-shaped id or secret made from parts.
func fleetDerived(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// addEnrollKey makes a key for a policy, named as Kibana names it: the
// given name followed by the key's id in brackets, or the id alone.
func (st *fleetState) addEnrollKey(id, name, policyID string, at time.Time) *fleetEnrollKey {
	keyID := strings.ReplaceAll(fleetDerived("api-key-id", id), "-", "")[:20]
	secret := strings.ReplaceAll(fleetDerived("api-key", id), "-", "")[:22]
	full := id
	if name != "" {
		full = name + " (" + id + ")"
	}
	key := &fleetEnrollKey{id: id, apiKeyID: keyID, apiKey: fleetB64(keyID + ":" + secret), name: full, policyID: policyID, active: true, created: at}
	st.enrollKeys.put(id, key)
	return key
}

// addDefaultEnrollKey is the key Kibana makes with a new policy.
func (st *fleetState) addDefaultEnrollKey(space string, p *fleetPolicy, at time.Time) {
	id := fleetDerived("enrollment-key", space, p.id)
	if p.id == fleetLinuxPolicy {
		id = fleetStoryEnrollKey
	}
	st.addEnrollKey(id, "Default", p.id, at)
}

// seedFleetCredentials gives every seeded policy its default key.
func (k *Kibana) seedFleetCredentials(sp *space) {
	st := &sp.fleet
	for _, p := range st.policies.all() {
		at, _ := time.Parse(time.RFC3339, p.updatedAt)
		st.addDefaultEnrollKey(sp.id, p, at)
	}
}

func (key *fleetEnrollKey) doc() map[string]any {
	return map[string]any{"id": key.id, "api_key_id": key.apiKeyID, "api_key": key.apiKey, "name": key.name,
		"policy_id": key.policyID, "active": key.active, "created_at": fleetTime(key.created), "hidden": false}
}

var enrollKeyKQL = kqlPrefixed("fleet-enrollment-api-keys.", ".fleet-enrollment-api-keys index mappings", func(f string) bool {
	return slices.Contains([]string{"id", "api_key_id", "name", "policy_id", "active", "created_at", "hidden"}, f)
})

func (k *Kibana) findEnrollKeys(c *call) {
	page, perPage, ok := fleetPaging(c)
	if !ok {
		return
	}
	st := &c.space.fleet
	keys := st.enrollKeys.all()
	slices.SortStableFunc(keys, func(a, b *fleetEnrollKey) int { return b.created.Compare(a.created) })
	keys, ok = kqlKeep(c, ".fleet-enrollment-api-keys", c.query("kuery"), enrollKeyKQL, map[string]es.Kind{"created_at": es.Date}, keys,
		func(key *fleetEnrollKey) map[string]any { return key.doc() })
	if !ok {
		return
	}
	items := []any{}
	for _, key := range fleetPageOf(keys, page, perPage) {
		items = append(items, key.doc())
	}
	c.ok(map[string]any{"items": items, "list": items, "total": len(keys), "page": page, "perPage": perPage})
}

func lookupEnrollKey(c *call) *fleetEnrollKey {
	id := c.param("keyId")
	key := c.space.fleet.enrollKeys.get(id)
	if key == nil {
		c.notFound(fmt.Sprintf("Enrollment api key %s not found", id))
	}
	return key
}

func (k *Kibana) getEnrollKey(c *call) {
	if key := lookupEnrollKey(c); key != nil {
		c.ok(map[string]any{"item": key.doc()})
	}
}

func (k *Kibana) createEnrollKey(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"policy_id", "name", "expiration"})
	if !ok {
		return
	}
	policyID := b.str("policy_id", true)
	name := b.str("name", false)
	expiration := b.str("expiration", false)
	if b.failed() {
		return
	}
	if expiration != "" && !esTimeValue(expiration) {
		c.badRequest(fmt.Sprintf("failed to parse setting [expiration] with value [%s] as a time value", expiration))
		return
	}
	st := &c.space.fleet
	p := st.policies.get(policyID)
	if p == nil {
		c.notFound(fmt.Sprintf("Agent policy %s not found", policyID))
		return
	}
	if name != "" {
		for _, key := range st.enrollKeys.all() {
			if key.policyID == policyID && key.active && strings.HasPrefix(key.name, name+" (") {
				c.badRequest(fmt.Sprintf("An enrollment key named %s already exists for agent policy %s", name, policyID))
				return
			}
		}
	}
	key := st.addEnrollKey(k.newID(), name, policyID, k.cfg.Now().UTC())
	c.ok(map[string]any{"item": key.doc(), "action": "created"})
}

// esTimeValue reports an Elasticsearch time value such as 7d.
func esTimeValue(s string) bool {
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	return i > 0 && slices.Contains([]string{"d", "h", "m", "s", "ms", "micros", "nanos"}, s[i:])
}

// revokeEnrollKey invalidates a key; Kibana keeps it, inactive.
func (k *Kibana) revokeEnrollKey(c *call) {
	if key := lookupEnrollKey(c); key != nil {
		key.active = false
		c.ok(map[string]any{"action": "deleted"})
	}
}

// Uninstall tokens.

func (k *Kibana) uninstallTokenID(c *call, p *fleetPolicy) string {
	if p.id == fleetEndpointPolicy {
		return fleetStoryUninstallToken
	}
	return fleetDerived("uninstall-token", c.spaceID, p.id)
}

func (k *Kibana) uninstallTokenDoc(c *call, p *fleetPolicy, withToken bool) map[string]any {
	at, _ := time.Parse(time.RFC3339, p.updatedAt)
	doc := map[string]any{"id": k.uninstallTokenID(c, p), "policy_id": p.id, "policy_name": p.name,
		"created_at": fleetTime(at), "namespaces": []any{c.spaceID}}
	if withToken {
		doc["token"] = strings.ReplaceAll(fleetDerived("uninstall-token-value", c.spaceID, p.id), "-", "")
	}
	return doc
}

func (k *Kibana) findUninstallTokens(c *call) {
	page, ok := c.queryInt("page", 1, 1, 100000)
	if !ok {
		return
	}
	perPage, ok := c.queryInt("perPage", 20, 5, 10000)
	if !ok {
		return
	}
	policyID, search := c.query("policyId"), strings.ToLower(c.query("search"))
	for name, v := range map[string]string{"policyId": policyID, "search": search} {
		if len(v) > 50 {
			c.badRequest(fmt.Sprintf("[request query.%s]: value has length [%d] but it must have a maximum length of [50].", name, len(v)))
			return
		}
	}
	var list []*fleetPolicy
	for _, p := range c.space.fleet.policies.all() {
		switch {
		case !p.isProtected:
		case policyID != "" && !strings.Contains(p.id, policyID):
		case search != "" && !strings.Contains(strings.ToLower(p.id), search) && !strings.Contains(strings.ToLower(p.name), search):
		default:
			list = append(list, p)
		}
	}
	items := []any{}
	for _, p := range fleetPageOf(list, page, perPage) {
		items = append(items, k.uninstallTokenDoc(c, p, false))
	}
	c.ok(map[string]any{"items": items, "total": len(list), "page": page, "perPage": perPage})
}

func (k *Kibana) getUninstallToken(c *call) {
	id := c.param("uninstallTokenId")
	for _, p := range c.space.fleet.policies.all() {
		if p.isProtected && k.uninstallTokenID(c, p) == id {
			c.ok(map[string]any{"item": k.uninstallTokenDoc(c, p, true)})
			return
		}
	}
	c.notFound(fmt.Sprintf("Uninstall Token not found with id %s", id))
}

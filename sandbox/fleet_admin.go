package sandbox

import (
	"fmt"
	"slices"
	"strings"
)

// Fleet administration: one download source, copying and deleting agent
// policies, package policies by id and deleting one, Fleet's global and
// per-space settings, service tokens, and rotating the policy signing key, which
// re-signs every policy (a new revision of each).

// fleetSettings are Fleet's global settings, kept per space like the
// rest of the sandbox's Fleet.
type fleetSettings struct {
	prerelease, deleteUnenrolled, hasSeenNotice bool
	additionalYAML, kibanaCA                    string
	kibanaURLs                                  []string
	namespacePrefixes                           []string // the space's settings
	signingKeyRotations, serviceTokens          int
}

func (k *Kibana) getDownloadSource(c *call) {
	id := c.param("sourceId")
	s := c.space.fleet.sources.get(id)
	if s == nil {
		downloadSourceNotFound(c, id)
		return
	}
	c.ok(map[string]any{"item": s.doc()})
}

// clonePkgPolicy is a deep copy of a package policy.
func clonePkgPolicy(pp *fleetPkgPolicy) *fleetPkgPolicy {
	cp := *pp
	cp.policyIDs, cp.extraPermissions = slices.Clone(pp.policyIDs), slices.Clone(pp.extraPermissions)
	cp.vars = fleetCloneMap(pp.vars)
	cp.inputs = nil
	for _, in := range pp.inputs {
		ci := *in
		ci.vars, ci.streams = fleetCloneMap(in.vars), nil
		for _, s := range in.streams {
			cs := *s
			cs.vars = fleetCloneMap(s.vars)
			ci.streams = append(ci.streams, &cs)
		}
		cp.inputs = append(cp.inputs, &ci)
	}
	return &cp
}

// copyAgentPolicy copies a policy and its package policies, whose copies
// Kibana names "<name> (copy)".
func (k *Kibana) copyAgentPolicy(c *call) {
	if !fleetFormat(c) {
		return
	}
	b, ok := fleetBodyOf(c, false, []string{"name", "description"})
	if !ok {
		return
	}
	name := b.str("name", true)
	desc, hasDesc := b.nullableStr("description")
	if b.failed() {
		return
	}
	p := lookupPolicy(c)
	if p == nil {
		return
	}
	st := &c.space.fleet
	for _, other := range st.policies.all() {
		if other.name == name {
			c.conflict(fmt.Sprintf("Agent Policy '%s' already exists", name))
			return
		}
	}
	cp := *p
	cp.id, cp.name, cp.revision = k.newID(), name, 1
	cp.isDefault, cp.isDefaultFleetServer, cp.isManaged = false, false, false
	cp.monitoringEnabled, cp.spaceIDs = slices.Clone(p.monitoringEnabled), slices.Clone(p.spaceIDs)
	cp.advancedSettings = fleetCloneMap(p.advancedSettings)
	if hasDesc {
		cp.description = desc
	}
	cp.updatedAt, cp.updatedBy = k.now(), fleetUser(c)
	st.policies.put(cp.id, &cp)
	st.addDefaultEnrollKey(c.spaceID, &cp, k.cfg.Now().UTC())
	for _, pp := range st.pkgPolicies.all() {
		if slices.Contains(pp.policyIDs, p.id) {
			copied := clonePkgPolicy(pp)
			copied.id, copied.name, copied.policyIDs, copied.revision = k.newID(), pp.name+" (copy)", []string{cp.id}, 1
			copied.createdAt, copied.updatedAt = cp.updatedAt, cp.updatedAt
			st.pkgPolicies.put(copied.id, copied)
			cp.revision++
		}
	}
	c.ok(map[string]any{"item": k.policyDoc(c, &cp, true, false)})
}

// deleteAgentPolicy deletes a policy no agent uses, with its package
// policies and enrollment keys.
func (k *Kibana) deleteAgentPolicy(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"agentPolicyId", "force"})
	if !ok {
		return
	}
	id := b.str("agentPolicyId", true)
	force := b.boolean("force")
	if b.failed() {
		return
	}
	st := &c.space.fleet
	p := st.policies.get(id)
	switch {
	case p == nil:
		c.notFound(fmt.Sprintf("Agent policy %s not found", id))
		return
	case p.isManaged && (force == nil || !*force):
		c.badRequest(fmt.Sprintf("Cannot delete hosted agent policy %s", id))
		return
	case slices.ContainsFunc(st.agents.all(), func(a *fleetAgent) bool { return a.policyID == id }):
		c.badRequest("Cannot delete an agent policy that is assigned to any active or inactive agents")
		return
	}
	st.policies.remove(id)
	for _, pp := range st.pkgPolicies.all() {
		if pp.policyIDs = slices.DeleteFunc(pp.policyIDs, func(x string) bool { return x == id }); len(pp.policyIDs) == 0 {
			st.pkgPolicies.remove(pp.id)
		}
	}
	for _, key := range st.enrollKeys.all() {
		if key.policyID == id {
			st.enrollKeys.remove(key.id)
		}
	}
	c.ok(map[string]any{"id": id, "name": p.name})
}

func (k *Kibana) bulkGetPackagePolicies(c *call) {
	if !fleetFormat(c) {
		return
	}
	b, ok := fleetBodyOf(c, false, []string{"ids", "ignoreMissing"})
	if !ok {
		return
	}
	ids, _ := b.strings("ids", true)
	ignore := b.boolean("ignoreMissing")
	if b.failed() {
		return
	}
	st := &c.space.fleet
	bulkGet(c, &st.pkgPolicies, ids, ignore, pkgPolicyNotFound,
		func(pp *fleetPkgPolicy) map[string]any { return k.pkgPolicyDoc(st, pp, false) })
}

// deletePackagePolicy deletes one package policy, as the bulk route does.
func (k *Kibana) deletePackagePolicy(c *call) {
	force, ok := fleetQueryBools(c, "force")
	if !ok {
		return
	}
	st := &c.space.fleet
	id := c.param("packagePolicyId")
	pp := st.pkgPolicies.get(id)
	if pp == nil {
		pkgPolicyNotFound(c, id)
		return
	}
	if refused := k.removePackagePolicy(c, pp, force["force"]); refused != "" {
		c.badRequest(refused)
		return
	}
	c.ok(map[string]any{"id": id})
}

func (s *fleetSettings) doc() map[string]any {
	return map[string]any{"id": "fleet-default-settings", "prerelease_integrations_enabled": s.prerelease,
		"delete_unenrolled_agents": map[string]any{"enabled": s.deleteUnenrolled, "is_preconfigured": false},
		"has_seen_add_data_notice": s.hasSeenNotice, "secret_storage_requirements_met": true,
		"output_secret_storage_requirements_met": true, "action_secret_storage_requirements_met": true,
		"preconfigured_fields": []any{}, "version": fmt.Sprintf("WzEsJHsl%d", s.signingKeyRotations)}
}

func (k *Kibana) getFleetSettings(c *call) {
	c.ok(map[string]any{"item": c.space.fleet.settings.doc()})
}

func (k *Kibana) updateFleetSettings(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"prerelease_integrations_enabled", "delete_unenrolled_agents", "has_seen_add_data_notice",
		"additional_yaml_config", "kibana_urls", "kibana_ca_sha256"})
	if !ok {
		return
	}
	s := c.space.fleet.settings
	if v := b.boolean("prerelease_integrations_enabled"); v != nil {
		s.prerelease = *v
	}
	if v := b.boolean("has_seen_add_data_notice"); v != nil {
		s.hasSeenNotice = *v
	}
	if m, set := b.object("delete_unenrolled_agents"); set && m != nil {
		enabled, isBool := m["enabled"].(bool)
		if _, pre := m["is_preconfigured"].(bool); !isBool || !pre {
			b.fail("delete_unenrolled_agents", "enabled and is_preconfigured must be booleans")
		}
		s.deleteUnenrolled = enabled
	}
	if v, set := b.nullableStr("additional_yaml_config"); set {
		s.additionalYAML = v
	}
	if v, set := b.nullableStr("kibana_ca_sha256"); set {
		s.kibanaCA = v
	}
	if urls, set := b.strings("kibana_urls", false); set {
		for i, u := range urls {
			if msg := fleetURIError(u); msg != "" {
				b.fail(fmt.Sprintf("kibana_urls.%d", i), msg)
			}
		}
		s.kibanaURLs = urls
	}
	if b.failed() {
		return
	}
	c.space.fleet.settings = s
	c.ok(map[string]any{"item": s.doc()})
}

// createServiceToken makes an Elasticsearch service token, shown once.
func (k *Kibana) createServiceToken(c *call) {
	b, ok := fleetBodyOf(c, true, []string{"remote"})
	if !ok {
		return
	}
	remote := b.boolean("remote")
	if b.failed() {
		return
	}
	st := &c.space.fleet
	st.settings.serviceTokens++
	prefix := "token-"
	if remote != nil && *remote {
		prefix = "remote-token-"
	}
	name := fmt.Sprintf("%s%d", prefix, k.cfg.Now().UnixMilli()+int64(st.settings.serviceTokens))
	secret := strings.ReplaceAll(k.newID(), "-", "")
	c.ok(map[string]any{"name": name, "value": fleetB64("elastic/fleet-server/" + name + ":" + secret)})
}

// rotateSigningKey makes a new key pair: every policy gets a new revision
// signed with it.
func (k *Kibana) rotateSigningKey(c *call) {
	ack, ok := fleetQueryBools(c, "acknowledge")
	if !ok {
		return
	}
	if !ack["acknowledge"] {
		c.badRequest("You must acknowledge the risks of rotating the key pair with acknowledge=true in the request parameters.")
		return
	}
	st := &c.space.fleet
	st.settings.signingKeyRotations++
	for _, p := range st.policies.all() {
		k.bumpPolicy(c, p)
	}
	c.ok(map[string]any{"message": "Key pair rotated successfully."})
}

func (s *fleetSettings) spaceDoc() map[string]any {
	return map[string]any{"allowed_namespace_prefixes": fleetStrings(s.namespacePrefixes)}
}

func (k *Kibana) getFleetSpaceSettings(c *call) {
	c.ok(map[string]any{"item": c.space.fleet.settings.spaceDoc()})
}

func (k *Kibana) updateFleetSpaceSettings(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"allowed_namespace_prefixes"})
	if !ok {
		return
	}
	prefixes, _ := b.strings("allowed_namespace_prefixes", false)
	for i, p := range prefixes {
		if msg := fleetNamespaceError(p); msg != "" || strings.Contains(p, "-") {
			b.fail(fmt.Sprintf("allowed_namespace_prefixes.%d", i), "Must be a valid namespace prefix")
		}
	}
	if b.failed() {
		return
	}
	c.space.fleet.settings.namespacePrefixes = prefixes
	c.ok(map[string]any{"item": c.space.fleet.settings.spaceDoc()})
}

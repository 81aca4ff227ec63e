package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Fleet's settings objects continued: listing, creating and deleting
// Fleet Server hosts, deleting an output and its health, creating and
// changing proxies, and reading agent policies in bulk. A deleted host or
// output leaves the policies that named it on the default, with a new
// revision; a changed proxy bumps the policies whose output or host uses
// it.

func (k *Kibana) findFleetServerHosts(c *call) { findAll(c, &c.space.fleet.serverHosts) }

func (k *Kibana) createFleetServerHost(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"id", "name", "host_urls", "is_default", "is_internal", "is_preconfigured", "proxy_id", "secrets", "ssl"})
	if !ok {
		return
	}
	id := b.str("id", false)
	name := b.str("name", true)
	urls, _ := b.strings("host_urls", true)
	serverHostURLs(b, urls)
	isDefault, isInternal := b.boolean("is_default"), b.boolean("is_internal")
	b.boolean("is_preconfigured")
	proxyID, _ := b.nullableStr("proxy_id")
	ssl, hasSSL, secrets, hasSecrets, ok := serverHostTLS(b)
	if !ok {
		return
	}
	st := &c.space.fleet
	if id == "" {
		id = k.newID()
	} else if st.serverHosts.get(id) != nil {
		c.conflict(soConflictMessage("fleet-fleet-server-host", id))
		return
	}
	if proxyID != "" && st.proxies.get(proxyID) == nil {
		proxyNotFound(c, proxyID)
		return
	}
	h := &fleetServerHost{id: id, name: name, hostURLs: slices.Clone(urls), proxyID: proxyID}
	if isInternal != nil {
		h.isInternal = *isInternal
	}
	if hasSSL {
		h.ssl = fleetCloneMap(ssl)
	}
	if hasSecrets {
		h.secrets = k.secretRefs(secrets).(map[string]any)
	}
	if isDefault != nil && *isDefault {
		for _, other := range st.serverHosts.all() {
			other.isDefault = false
		}
		h.isDefault = true
	}
	st.serverHosts.put(id, h)
	c.ok(map[string]any{"item": h.doc()})
}

func (k *Kibana) deleteFleetServerHost(c *call) {
	st := &c.space.fleet
	id := c.param("itemId")
	h := st.serverHosts.get(id)
	switch {
	case h == nil:
		serverHostNotFound(c, id)
		return
	case h.isPreconfigured:
		c.badRequest(fmt.Sprintf("Cannot delete fleet server host %s preconfigured in kibana.yml", id))
		return
	case h.isDefault:
		c.badRequest("Default Fleet Server hosts cannot be deleted.")
		return
	}
	st.serverHosts.remove(id)
	k.unlinkPolicies(c, id, func(p *fleetPolicy) []*string { return []*string{&p.fleetServerHostID} })
	c.ok(map[string]any{"id": id})
}

func (k *Kibana) deleteOutput(c *call) {
	st := &c.space.fleet
	id := c.param("outputId")
	o := st.outputs.get(id)
	switch {
	case o == nil:
		c.notFound(soNotFoundMessage("ingest-outputs", id))
		return
	case o.isPreconfigured:
		c.badRequest(fmt.Sprintf("Preconfigured output %s cannot be deleted outside of kibana config file.", id))
		return
	case o.isDefault || o.isDefaultMonitoring:
		c.badRequest(fmt.Sprintf("Default output %s cannot be deleted.", id))
		return
	}
	st.outputs.remove(id)
	k.unlinkPolicies(c, id, func(p *fleetPolicy) []*string { return []*string{&p.dataOutputID, &p.monitoringOutputID} })
	c.ok(map[string]any{"id": id})
}

// outputHealth is what Fleet Server last reported: Elasticsearch outputs
// report healthy half a minute ago; the others never reported.
func (k *Kibana) outputHealth(c *call) {
	id := c.param("outputId")
	o := c.space.fleet.outputs.get(id)
	if o == nil {
		c.notFound(soNotFoundMessage("ingest-outputs", id))
		return
	}
	if o.typ == "elasticsearch" || o.typ == "remote_elasticsearch" {
		c.ok(map[string]any{"state": "HEALTHY", "message": "", "timestamp": fleetTime(k.cfg.Now().Add(-30 * time.Second))})
		return
	}
	c.ok(map[string]any{"state": "UNKNOWN", "message": "", "timestamp": ""})
}

// readProxy checks a proxy body into p; required names the members that
// must be given (present, possibly null).
func (k *Kibana) readProxy(c *call, p *fleetProxy, allowed, required []string) bool {
	b, ok := fleetBodyOf(c, false, allowed)
	if !ok {
		return false
	}
	for _, name := range required {
		if !b.has(name) {
			b.typeError(name, "string", nil, false)
		}
	}
	if name, set := b.nullableStr("name"); set {
		if strings.TrimSpace(name) == "" {
			b.fail("name", "value has length [0] but it must have a minimum length of [1].")
		}
		p.name = name
	}
	if u, set := b.nullableStr("url"); set {
		if msg := fleetURIError(u); msg != "" {
			b.fail("url", msg)
		}
		p.url = u
	}
	for name, dst := range map[string]*string{"certificate": &p.certificate, "certificate_authorities": &p.certificateAuthorities, "certificate_key": &p.certificateKey} {
		if v, set := b.nullableStr(name); set {
			*dst = v
		}
	}
	if headers, set := b.object("proxy_headers"); set {
		for key, v := range headers {
			switch fleetKind(v) {
			case "string", "boolean", "number":
			default:
				b.fail("proxy_headers."+key, "types that failed validation: expected a string, boolean or number")
			}
		}
		p.proxyHeaders = fleetCloneMap(headers)
	}
	return !b.failed()
}

var proxyMembers = []string{"name", "url", "proxy_headers", "certificate", "certificate_authorities", "certificate_key"}

func (k *Kibana) createProxy(c *call) {
	p := &fleetProxy{}
	if !k.readProxy(c, p, append([]string{"id", "is_preconfigured"}, proxyMembers...), []string{"name", "url"}) {
		return
	}
	st := &c.space.fleet
	id, _ := c.body["id"].(string)
	if id == "" {
		id = k.newID()
	} else if st.proxies.get(id) != nil {
		c.conflict(soConflictMessage("fleet-proxy", id))
		return
	}
	p.id = id
	st.proxies.put(id, p)
	c.ok(map[string]any{"item": p.doc()})
}

func (k *Kibana) updateProxy(c *call) {
	st := &c.space.fleet
	id := c.param("itemId")
	old := st.proxies.get(id)
	if old == nil {
		proxyNotFound(c, id)
		return
	}
	p := *old
	if !k.readProxy(c, &p, proxyMembers, []string{"certificate", "certificate_authorities", "certificate_key"}) {
		return
	}
	if p.isPreconfigured {
		c.badRequest(fmt.Sprintf("Cannot update proxy %s preconfigured in kibana.yml", id))
		return
	}
	*old = p
	for _, pol := range st.policies.all() {
		out := st.outputFor(pol, false)
		host := st.serverHosts.get(pol.fleetServerHostID)
		if (out != nil && out.proxyID == id) || (host != nil && host.proxyID == id) {
			k.bumpPolicy(c, pol)
		}
	}
	c.ok(map[string]any{"item": old.doc()})
}

// bulkGetAgentPolicies reads policies by id; a missing one fails the call
// unless ignoreMissing.
func (k *Kibana) bulkGetAgentPolicies(c *call) {
	if !fleetFormat(c) {
		return
	}
	b, ok := fleetBodyOf(c, false, []string{"ids", "full", "ignoreMissing"})
	if !ok {
		return
	}
	ids, _ := b.strings("ids", true)
	full, ignore := b.boolean("full"), b.boolean("ignoreMissing")
	if b.failed() {
		return
	}
	bulkGet(c, &c.space.fleet.policies, ids, ignore,
		func(c *call, id string) { c.notFound(fmt.Sprintf("Agent policy %s not found", id)) },
		func(p *fleetPolicy) map[string]any { return k.policyDoc(c, p, full != nil && *full, false) })
}

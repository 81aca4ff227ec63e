package sandbox

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// Fleet's settings objects: outputs, agent binary download sources, Fleet
// Server hosts, proxies, and Logstash API keys.

// fleetOutput is a destination of agent data.
type fleetOutput struct {
	id, name, typ                  string
	hosts                          []string
	isDefault, isDefaultMonitoring bool
	isPreconfigured                bool
	proxyID, preset                string
	members                        map[string]any // the other members, as answered
}

// fleetDownloadSource is where agents download upgrades from.
type fleetDownloadSource struct {
	id, name, host, proxyID string
	isDefault               bool
	ssl, secrets            map[string]any
}

// fleetServerHost is a set of URLs agents reach Fleet Server at.
type fleetServerHost struct {
	id, name                   string
	hostURLs                   []string
	isDefault, isPreconfigured bool
	isInternal                 bool
	proxyID                    string
	ssl, secrets               map[string]any
}

// fleetProxy is a proxy outputs, hosts and download sources connect
// through.
type fleetProxy struct {
	id, name, url                       string
	certificate, certificateAuthorities string
	certificateKey                      string
	proxyHeaders                        map[string]any
	isPreconfigured                     bool
}

func fleetB64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// fleetURIError checks an http(s) URL as Kibana's schema.uri does.
func fleetURIError(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "expected URI with scheme [http|https]."
	}
	return ""
}

// outputMembers are the members each output type takes.
var outputMembers = map[string][]string{
	"elasticsearch":        {"preset", "write_to_logs_streams"},
	"remote_elasticsearch": {"preset", "service_token", "kibana_url", "kibana_api_key", "sync_integrations", "sync_uninstalled_integrations", "write_to_logs_streams"},
	"logstash":             {},
	"kafka": {"auth_type", "broker_timeout", "client_id", "compression", "compression_level", "connection_type", "hash", "headers",
		"key", "partition", "password", "random", "required_acks", "round_robin", "sasl", "timeout", "topic", "username", "version"},
}

var outputCommonMembers = []string{"allow_edit", "ca_sha256", "ca_trusted_fingerprint", "config_yaml", "hosts", "id", "is_default",
	"is_default_monitoring", "is_internal", "is_preconfigured", "name", "proxy_id", "secrets", "shipper", "ssl", "type"}

func (o *fleetOutput) doc() map[string]any {
	doc := fleetCloneMap(o.members)
	if doc == nil {
		doc = map[string]any{}
	}
	doc["id"], doc["name"], doc["type"], doc["hosts"] = o.id, o.name, o.typ, fleetStrings(o.hosts)
	doc["is_default"], doc["is_default_monitoring"], doc["is_preconfigured"] = o.isDefault, o.isDefaultMonitoring, o.isPreconfigured
	doc["proxy_id"] = fleetNullable(o.proxyID)
	if o.preset != "" {
		doc["preset"] = o.preset
	}
	return doc
}

func (k *Kibana) findOutputs(c *call) { findAll(c, &c.space.fleet.outputs) }

func (k *Kibana) getOutput(c *call) {
	id := c.param("outputId")
	o := c.space.fleet.outputs.get(id)
	if o == nil {
		c.notFound(soNotFoundMessage("ingest-outputs", id))
		return
	}
	c.ok(map[string]any{"item": o.doc()})
}

// checkSSL checks an ssl member against the keys it may have.
func checkSSL(b *fleetBody, field string, ssl map[string]any, keys []string, enums map[string][]string) {
	names := make([]string, 0, len(ssl))
	for key := range ssl {
		names = append(names, key)
	}
	slices.Sort(names)
	for _, key := range names {
		v := ssl[key]
		at := field + "." + key
		switch {
		case !slices.Contains(keys, key):
			b.fail(at, "definition for this key is missing")
		case strings.HasSuffix(key, "certificate_authorities"):
			if arr, ok := v.([]any); ok {
				for i, e := range arr {
					if _, ok := e.(string); !ok {
						b.typeError(fmt.Sprintf("%s.%d", at, i), "string", e, true)
					}
				}
			} else if _, ok := v.(string); !ok || field != "ssl" {
				b.typeError(at, "array", v, true)
			}
		default:
			s, ok := v.(string)
			if !ok {
				b.typeError(at, "string", v, true)
			} else if allowed := enums[key]; allowed != nil && !slices.Contains(allowed, s) {
				b.fail(at, fmt.Sprintf("expected one of [%s] but got [%s]", strings.Join(allowed, ", "), s))
			}
		}
	}
}

// secretRefs stores secret values given in plain text and answers their
// references, as Kibana's secret storage does.
func (k *Kibana) secretRefs(v any) any {
	switch x := v.(type) {
	case string:
		return map[string]any{"id": k.newID()}
	case map[string]any:
		if _, isRef := x["id"]; isRef && len(x) <= 2 {
			return fleetJSONClone(x)
		}
		out := map[string]any{}
		for key, e := range x {
			out[key] = k.secretRefs(e)
		}
		return out
	}
	return fleetJSONClone(v)
}

// outputBody is a checked create or update body of an output.
type outputBody struct {
	typ, name, proxyID, preset     string
	hosts                          []string
	isDefault, isDefaultMonitoring *bool
}

// readOutput checks an output body as Kibana's schema for typ does (the
// body's type, or for an update that leaves it out, the stored one); an
// update may leave out the name and hosts, except a kafka output's name.
func (k *Kibana) readOutput(c *call, stored *fleetOutput) (*outputBody, bool) {
	if !c.requireBody() {
		return nil, false
	}
	typ, _ := c.body["type"].(string)
	if _, given := c.body["type"]; !given && stored != nil {
		typ = stored.typ
	}
	members, known := outputMembers[typ]
	var allowed []string
	if known {
		allowed = append(slices.Clone(outputCommonMembers), members...)
		if stored != nil {
			allowed = slices.DeleteFunc(allowed, func(m string) bool { return m == "id" })
		}
	}
	b, ok := fleetBodyOf(c, false, allowed)
	if !ok {
		return nil, false
	}
	out := &outputBody{typ: typ}
	out.name = b.str("name", stored == nil || typ == "kafka")
	if !known {
		if _, given := c.body["type"]; !given {
			b.typeError("type", "string", nil, false)
		} else {
			b.fail("type", fmt.Sprintf("types that failed validation:\n- [request body.type.0]: expected value to equal [elasticsearch]\n- [request body.type.1]: expected value to equal [remote_elasticsearch]\n- [request body.type.2]: expected value to equal [logstash]\n- [request body.type.3]: expected value to equal [kafka] (got [%v])", c.body["type"]))
		}
	}
	_, hostsGiven := c.body["hosts"]
	out.hosts, _ = b.strings("hosts", stored == nil)
	if b.err == "" && (stored == nil || hostsGiven) && len(out.hosts) == 0 {
		b.fail("hosts", "array size is [0], but cannot be smaller than [1]")
	}
	for i, h := range out.hosts {
		if typ == "elasticsearch" || typ == "remote_elasticsearch" {
			if msg := fleetURIError(h); msg != "" {
				b.fail(fmt.Sprintf("hosts.%d", i), msg)
			}
		} else if _, port, err := net.SplitHostPort(h); err != nil || port == "" || strings.Contains(h, "/") {
			b.fail(fmt.Sprintf("hosts.%d", i), fmt.Sprintf("Invalid %s host %q: expected host:port", typ, h))
		}
	}
	out.isDefault, out.isDefaultMonitoring = b.boolean("is_default"), b.boolean("is_default_monitoring")
	out.proxyID, _ = b.nullableStr("proxy_id")
	out.preset = b.str("preset", false)
	if out.preset != "" && !slices.Contains([]string{"balanced", "custom", "throughput", "scale", "latency"}, out.preset) {
		b.fail("preset", fmt.Sprintf("expected one of [balanced, custom, throughput, scale, latency] but got [%s]", out.preset))
	}
	if ssl, ok := b.object("ssl"); ok {
		checkSSL(b, "ssl", ssl, []string{"certificate", "certificate_authorities", "key", "verification_mode"}, map[string][]string{"verification_mode": {"full", "none", "certificate", "strict"}})
	}
	b.object("secrets")
	for _, f := range []string{"ca_sha256", "ca_trusted_fingerprint", "config_yaml", "topic", "username", "password", "client_id", "version", "key", "kibana_url", "kibana_api_key", "service_token"} {
		b.nullableStr(f)
	}
	if typ == "kafka" {
		_, authGiven := c.body["auth_type"]
		auth := b.str("auth_type", stored == nil)
		if b.err == "" && (stored == nil || authGiven) && !slices.Contains([]string{"none", "user_pass", "ssl", "kerberos"}, auth) {
			b.fail("auth_type", fmt.Sprintf("expected one of [none, user_pass, ssl, kerberos] but got [%s]", auth))
		}
		for field, allowed := range map[string][]string{"partition": {"random", "round_robin", "hash"}, "compression": {"gzip", "snappy", "lz4", "none"}} {
			if v := b.str(field, false); v != "" && !slices.Contains(allowed, v) {
				b.fail(field, fmt.Sprintf("expected one of [%s] but got [%s]", strings.Join(allowed, ", "), v))
			}
		}
		if n := b.number("required_acks"); n != nil && *n != 1 && *n != 0 && *n != -1 {
			b.fail("required_acks", fmt.Sprintf("expected one of [1, 0, -1] but got [%g]", *n))
		}
		if auth == "user_pass" && b.err == "" {
			if _, ok := c.body["username"]; !ok && (stored == nil || stored.members["username"] == nil) {
				b.typeError("username", "string", nil, false)
			}
		}
	}
	if b.failed() {
		return nil, false
	}
	if msg := fleetSecretTwice(c.body, "ssl.key", "password", "service_token"); msg != "" {
		c.badRequest(msg)
		return nil, false
	}
	if out.proxyID != "" && c.space.fleet.proxies.get(out.proxyID) == nil {
		c.notFound(soNotFoundMessage("fleet-proxy", out.proxyID))
		return nil, false
	}
	return out, true
}

// apply stores a checked body's members in o: plain secrets go to the
// secret store, and the defaults move to o when it takes them.
func (k *Kibana) applyOutput(st *fleetState, o *fleetOutput, in *outputBody, body map[string]any) {
	for key, v := range body {
		switch key {
		case "id", "name", "type", "hosts", "is_default", "is_default_monitoring", "proxy_id", "preset", "is_preconfigured":
		case "secrets":
			refs, isMap := k.secretRefs(v).(map[string]any)
			if !isMap {
				o.members[key] = refs
				break
			}
			for name, ref := range refs { // an update keeps the secrets it does not name
				o.members["secrets"] = mergeSecret(o.members["secrets"], name, ref)
			}
		case "password", "service_token":
			if v != nil {
				o.members["secrets"] = mergeSecret(o.members["secrets"], key, map[string]any{"id": k.newID()})
			}
		default:
			o.members[key] = fleetJSONClone(v)
		}
	}
	if in.isDefault != nil && *in.isDefault {
		for _, other := range st.outputs.all() {
			other.isDefault = false
		}
		o.isDefault = true
	}
	if in.isDefaultMonitoring != nil && *in.isDefaultMonitoring {
		for _, other := range st.outputs.all() {
			other.isDefaultMonitoring = false
		}
		o.isDefaultMonitoring = true
	}
}

func (k *Kibana) createOutput(c *call) {
	in, ok := k.readOutput(c, nil)
	if !ok {
		return
	}
	st := &c.space.fleet
	id, _ := c.body["id"].(string)
	if id == "" {
		id = k.newID()
	} else if st.outputs.get(id) != nil {
		c.conflict(soConflictMessage("ingest-outputs", id))
		return
	}
	o := &fleetOutput{id: id, name: in.name, typ: in.typ, hosts: in.hosts, proxyID: in.proxyID, preset: in.preset, members: map[string]any{}}
	if (in.typ == "elasticsearch" || in.typ == "remote_elasticsearch") && o.preset == "" {
		o.preset = "balanced"
	}
	k.applyOutput(st, o, in, c.body)
	st.outputs.put(id, o)
	c.ok(map[string]any{"item": o.doc()})
}

func mergeSecret(secrets any, key string, ref any) any {
	m, _ := secrets.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	m[key] = ref
	return m
}

// Download sources.

func (s *fleetDownloadSource) doc() map[string]any {
	doc := map[string]any{"id": s.id, "name": s.name, "host": s.host, "is_default": s.isDefault, "proxy_id": fleetNullable(s.proxyID)}
	if s.ssl != nil {
		doc["ssl"] = fleetCloneMap(s.ssl)
	}
	if s.secrets != nil {
		doc["secrets"] = fleetCloneMap(s.secrets)
	}
	return doc
}

func (k *Kibana) findDownloadSources(c *call) { findAll(c, &c.space.fleet.sources) }

// readDownloadSource checks a create or update body.
func (k *Kibana) readDownloadSource(c *call, s *fleetDownloadSource) bool {
	b, ok := fleetBodyOf(c, false, []string{"host", "id", "is_default", "name", "proxy_id", "secrets", "ssl"})
	if !ok {
		return false
	}
	name := b.str("name", true)
	host := b.str("host", true)
	if b.err == "" {
		if msg := fleetURIError(host); msg != "" {
			b.fail("host", msg)
		}
	}
	isDefault := b.boolean("is_default")
	proxyID, _ := b.nullableStr("proxy_id")
	ssl, hasSSL := b.object("ssl")
	if hasSSL {
		checkSSL(b, "ssl", ssl, []string{"certificate", "certificate_authorities", "key"}, nil)
	}
	secrets, hasSecrets := b.object("secrets")
	if b.failed() {
		return false
	}
	if msg := fleetSecretTwice(c.body, "ssl.key"); msg != "" {
		c.badRequest(msg)
		return false
	}
	if proxyID != "" && c.space.fleet.proxies.get(proxyID) == nil {
		c.notFound(soNotFoundMessage("fleet-proxy", proxyID))
		return false
	}
	s.name, s.host, s.proxyID = name, host, proxyID
	s.isDefault = isDefault != nil && *isDefault
	s.ssl, s.secrets = nil, nil
	if hasSSL {
		s.ssl = fleetCloneMap(ssl)
	}
	if hasSecrets {
		s.secrets = k.secretRefs(secrets).(map[string]any)
	}
	return true
}

func (st *fleetState) makeDefaultSource(s *fleetDownloadSource) {
	if !s.isDefault {
		return
	}
	for _, other := range st.sources.all() {
		if other != s {
			other.isDefault = false
		}
	}
}

func (k *Kibana) createDownloadSource(c *call) {
	st := &c.space.fleet
	s := &fleetDownloadSource{}
	if !k.readDownloadSource(c, s) {
		return
	}
	id, _ := c.body["id"].(string)
	if id == "" {
		id = k.newID()
	} else if st.sources.get(id) != nil {
		c.conflict(soConflictMessage("ingest-download-sources", id))
		return
	}
	s.id = id
	st.sources.put(id, s)
	st.makeDefaultSource(s)
	c.ok(map[string]any{"item": s.doc()})
}

func downloadSourceNotFound(c *call, id string) {
	c.notFound(soNotFoundMessage("ingest-download-sources", id))
}

func (k *Kibana) updateDownloadSource(c *call) {
	st := &c.space.fleet
	id := c.param("sourceId")
	old := st.sources.get(id)
	s := &fleetDownloadSource{id: id}
	if !k.readDownloadSource(c, s) {
		return
	}
	if old == nil {
		downloadSourceNotFound(c, id)
		return
	}
	*old = *s
	st.makeDefaultSource(old)
	c.ok(map[string]any{"item": old.doc()})
}

func (k *Kibana) deleteDownloadSource(c *call) {
	st := &c.space.fleet
	id := c.param("sourceId")
	s := st.sources.get(id)
	if s == nil {
		downloadSourceNotFound(c, id)
		return
	}
	if s.isDefault {
		c.badRequest(fmt.Sprintf("Default Download source %s cannot be deleted.", id))
		return
	}
	st.sources.remove(id)
	k.unlinkPolicies(c, id, func(p *fleetPolicy) []*string { return []*string{&p.downloadSourceID} })
	c.ok(map[string]any{"id": id})
}

// Fleet Server hosts.

func (h *fleetServerHost) doc() map[string]any {
	doc := map[string]any{"id": h.id, "name": h.name, "host_urls": fleetStrings(h.hostURLs), "is_default": h.isDefault,
		"is_preconfigured": h.isPreconfigured, "is_internal": h.isInternal, "proxy_id": fleetNullable(h.proxyID)}
	if h.ssl != nil {
		doc["ssl"] = fleetCloneMap(h.ssl)
	}
	if h.secrets != nil {
		doc["secrets"] = fleetCloneMap(h.secrets)
	}
	return doc
}

// serverHostURLs checks host_urls: one to ten http(s) URLs.
func serverHostURLs(b *fleetBody, urls []string) {
	if b.err != "" {
		return
	}
	if len(urls) == 0 || len(urls) > 10 {
		b.fail("host_urls", fmt.Sprintf("array size is [%d], but cannot be smaller than [1] or greater than [10]", len(urls)))
	}
	for i, u := range urls {
		if msg := fleetURIError(u); msg != "" {
			b.fail(fmt.Sprintf("host_urls.%d", i), msg)
		}
	}
}

// serverHostTLS reads a host's ssl and secrets members, answering the
// first problem of the body (ok false when it did).
func serverHostTLS(b *fleetBody) (ssl map[string]any, hasSSL bool, secrets map[string]any, hasSecrets, ok bool) {
	ssl, hasSSL = b.object("ssl")
	if hasSSL {
		checkSSL(b, "ssl", ssl, []string{"certificate", "certificate_authorities", "key", "es_certificate", "es_certificate_authorities", "es_key",
			"agent_certificate", "agent_certificate_authorities", "agent_key", "client_auth"}, map[string][]string{"client_auth": {"optional", "required", "none"}})
	}
	secrets, hasSecrets = b.object("secrets")
	if b.failed() {
		return nil, false, nil, false, false
	}
	if msg := fleetSecretTwice(b.c.body, "ssl.key", "ssl.es_key", "ssl.agent_key"); msg != "" {
		b.c.badRequest(msg)
		return nil, false, nil, false, false
	}
	return ssl, hasSSL, secrets, hasSecrets, true
}

func serverHostNotFound(c *call, id string) {
	c.notFound(soNotFoundMessage("fleet-fleet-server-host", id))
}

func (k *Kibana) getFleetServerHost(c *call) {
	id := c.param("itemId")
	h := c.space.fleet.serverHosts.get(id)
	if h == nil {
		serverHostNotFound(c, id)
		return
	}
	c.ok(map[string]any{"item": h.doc()})
}

func (k *Kibana) updateFleetServerHost(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"host_urls", "is_default", "is_internal", "name", "proxy_id", "secrets", "ssl"})
	if !ok {
		return
	}
	if !b.has("proxy_id") {
		b.typeError("proxy_id", "string", nil, false)
	}
	proxyID, _ := b.nullableStr("proxy_id")
	name, hasName := b.nullableStr("name")
	if hasName && strings.TrimSpace(name) == "" {
		b.fail("name", "value has length [0] but it must have a minimum length of [1].")
	}
	urls, hasURLs := b.strings("host_urls", false)
	if hasURLs {
		serverHostURLs(b, urls)
	}
	isDefault := b.boolean("is_default")
	isInternal := b.boolean("is_internal")
	ssl, hasSSL, secrets, hasSecrets, ok := serverHostTLS(b)
	if !ok {
		return
	}
	st := &c.space.fleet
	id := c.param("itemId")
	h := st.serverHosts.get(id)
	if h == nil {
		serverHostNotFound(c, id)
		return
	}
	if proxyID != "" && st.proxies.get(proxyID) == nil {
		c.notFound(soNotFoundMessage("fleet-proxy", proxyID))
		return
	}
	h.proxyID = proxyID
	if hasName {
		h.name = name
	}
	if hasURLs {
		h.hostURLs = slices.Clone(urls)
	}
	if isInternal != nil {
		h.isInternal = *isInternal
	}
	if hasSSL {
		h.ssl = fleetCloneMap(ssl)
	}
	if hasSecrets {
		h.secrets = k.secretRefs(secrets).(map[string]any)
	}
	if isDefault != nil {
		h.isDefault = *isDefault
		if h.isDefault {
			for _, other := range st.serverHosts.all() {
				if other != h {
					other.isDefault = false
				}
			}
		}
	}
	for _, p := range st.policies.all() {
		if p.fleetServerHostID == id || (p.fleetServerHostID == "" && h.isDefault) {
			k.bumpPolicy(c, p)
		}
	}
	c.ok(map[string]any{"item": h.doc()})
}

// Proxies.

func (p *fleetProxy) doc() map[string]any {
	doc := map[string]any{"id": p.id, "name": p.name, "url": p.url, "is_preconfigured": p.isPreconfigured}
	for key, v := range map[string]string{"certificate": p.certificate, "certificate_authorities": p.certificateAuthorities, "certificate_key": p.certificateKey} {
		if v != "" {
			doc[key] = v
		}
	}
	if p.proxyHeaders != nil {
		doc["proxy_headers"] = fleetCloneMap(p.proxyHeaders)
	}
	return doc
}

func (k *Kibana) findProxies(c *call) { findAll(c, &c.space.fleet.proxies) }

func proxyNotFound(c *call, id string) {
	c.notFound(soNotFoundMessage("fleet-proxy", id))
}

func (k *Kibana) getProxy(c *call) {
	id := c.param("itemId")
	p := c.space.fleet.proxies.get(id)
	if p == nil {
		proxyNotFound(c, id)
		return
	}
	c.ok(map[string]any{"item": p.doc()})
}

// deleteProxy removes a proxy; what used it connects directly from then on.
func (k *Kibana) deleteProxy(c *call) {
	st := &c.space.fleet
	id := c.param("itemId")
	p := st.proxies.get(id)
	if p == nil {
		proxyNotFound(c, id)
		return
	}
	if p.isPreconfigured {
		c.badRequest(fmt.Sprintf("Cannot delete proxy %s preconfigured in kibana.yml", id))
		return
	}
	st.proxies.remove(id)
	for _, o := range st.outputs.all() {
		if o.proxyID == id {
			o.proxyID = ""
		}
	}
	for _, h := range st.serverHosts.all() {
		if h.proxyID == id {
			h.proxyID = ""
		}
	}
	for _, s := range st.sources.all() {
		if s.proxyID == id {
			s.proxyID = ""
		}
	}
	c.ok(map[string]any{"id": id})
}

// createLogstashAPIKey makes an API key for a Logstash output, shown once.
func (k *Kibana) createLogstashAPIKey(c *call) {
	st := &c.space.fleet
	st.logstashKeys++
	id := strings.ReplaceAll(k.newID(), "-", "")[:20]
	secret := strings.ReplaceAll(k.newID(), "-", "")[:22]
	c.ok(map[string]any{"api_key": id + ":" + secret})
}

// fleetSecretTwice is Kibana's refusal of a value given both in plain text
// and as a secret (ssl.key and secrets.ssl.key), for the dotted paths.
func fleetSecretTwice(body map[string]any, paths ...string) string {
	at := func(m map[string]any, path string) any {
		var v any = m
		for part := range strings.SplitSeq(path, ".") {
			obj, _ := v.(map[string]any)
			v = obj[part]
		}
		return v
	}
	for _, path := range paths {
		if at(body, path) != nil && at(body, "secrets."+path) != nil {
			return "Cannot specify both " + path + " and secrets." + path
		}
	}
	return ""
}

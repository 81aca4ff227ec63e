package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Agent policies: list, get, create, update, the full policy agents
// receive, and the outputs each policy uses.

// fleetPolicy is one agent policy.
type fleetPolicy struct {
	id, name, namespace, description string

	isManaged, isProtected, hasFleetServer bool
	isDefault, isDefaultFleetServer        bool
	keepMonitoringAlive, pprofEnabled      bool
	supportsAgentless                      bool
	monitoringEnabled                      []string
	spaceIDs                               []string

	dataOutputID, monitoringOutputID    string // "" for the default
	fleetServerHostID, downloadSourceID string // "" for the default
	inactivityTimeout                   int
	unenrollTimeout                     *int
	globalDataTags, agentFeatures       []any
	advancedSettings                    map[string]any
	revision                            int
	updatedAt, updatedBy                string
	requiredVersions, overrides         any
	// The agents' monitoring endpoint, diagnostics limits and agentless
	// resources, kept as given.
	monitoringHTTP, monitoringDiagnostics, agentless map[string]any
}

// fleetAdvancedSettings are the keys advanced_settings takes.
var fleetAdvancedSettings = []string{
	"agent_download_target_directory", "agent_download_timeout", "agent_limits_go_max_procs",
	"agent_logging_files_interval", "agent_logging_files_keepfiles", "agent_logging_files_rotateeverybytes",
	"agent_logging_level", "agent_logging_metrics_period", "agent_logging_to_files",
	"agent_monitoring_runtime_experimental",
}

// fleetPolicyMembers are the members Kibana's agent policy schema takes.
var fleetPolicyMembers = []string{
	"advanced_settings", "agent_features", "agentless", "data_output_id", "description", "download_source_id",
	"fleet_server_host_id", "force", "global_data_tags", "has_fleet_server", "id", "inactivity_timeout", "is_default",
	"is_default_fleet_server", "is_managed", "is_protected", "keep_monitoring_alive", "monitoring_diagnostics",
	"monitoring_enabled", "monitoring_http", "monitoring_output_id", "monitoring_pprof_enabled", "name", "namespace",
	"overrides", "required_versions", "space_ids", "supports_agentless", "unenroll_timeout",
}

func fleetNullable(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// policyDoc is the agent policy as Kibana answers it; full adds its package
// policies as objects rather than ids.
func (k *Kibana) policyDoc(c *call, p *fleetPolicy, full, withAgentCount bool) map[string]any {
	st := &c.space.fleet
	var pps []any
	ids := []any{}
	for _, pp := range st.pkgPolicies.all() {
		if slices.Contains(pp.policyIDs, p.id) {
			pps = append(pps, k.pkgPolicyDoc(st, pp, false))
			ids = append(ids, pp.id)
		}
	}
	doc := map[string]any{
		"id":                       p.id,
		"name":                     p.name,
		"namespace":                p.namespace,
		"description":              p.description,
		"status":                   "active",
		"is_managed":               p.isManaged,
		"is_protected":             p.isProtected,
		"is_default":               p.isDefault,
		"is_default_fleet_server":  p.isDefaultFleetServer,
		"is_preconfigured":         false,
		"has_fleet_server":         p.hasFleetServer,
		"monitoring_enabled":       fleetStrings(p.monitoringEnabled),
		"data_output_id":           fleetNullable(p.dataOutputID),
		"monitoring_output_id":     fleetNullable(p.monitoringOutputID),
		"fleet_server_host_id":     fleetNullable(p.fleetServerHostID),
		"download_source_id":       fleetNullable(p.downloadSourceID),
		"inactivity_timeout":       p.inactivityTimeout,
		"keep_monitoring_alive":    p.keepMonitoringAlive,
		"global_data_tags":         fleetAnyList(p.globalDataTags),
		"agent_features":           fleetAnyList(p.agentFeatures),
		"advanced_settings":        fleetMetaOrEmpty(p.advancedSettings),
		"revision":                 p.revision,
		"updated_at":               p.updatedAt,
		"updated_by":               p.updatedBy,
		"schema_version":           "1.1.1",
		"space_ids":                fleetSpaceIDs(p.spaceIDs, c.spaceID),
		"supports_agentless":       p.supportsAgentless,
		"monitoring_pprof_enabled": p.pprofEnabled,
		"package_policies":         ids,
	}
	if full {
		if pps == nil {
			pps = []any{}
		}
		doc["package_policies"] = pps
	}
	if p.unenrollTimeout != nil {
		doc["unenroll_timeout"] = *p.unenrollTimeout
	}
	if p.requiredVersions != nil {
		doc["required_versions"] = p.requiredVersions
	}
	if p.overrides != nil {
		doc["overrides"] = p.overrides
	}
	for name, m := range map[string]map[string]any{"monitoring_http": p.monitoringHTTP, "monitoring_diagnostics": p.monitoringDiagnostics, "agentless": p.agentless} {
		if m != nil {
			doc[name] = fleetCloneMap(m)
		}
	}
	if withAgentCount {
		n := 0
		for _, a := range st.agents.all() {
			if a.policyID == p.id && a.active {
				n++
			}
		}
		doc["agents"] = n
		doc["unprivileged_agents"] = 0
		doc["fips_agents"] = 0
	}
	return doc
}

// fleetSpaceIDs are the spaces a policy is in: those it was given, or the
// one it was made in.
func fleetSpaceIDs(given []string, space string) any {
	if len(given) == 0 {
		return []any{space}
	}
	return fleetStrings(given)
}

func fleetAnyList(l []any) []any {
	if l == nil {
		return []any{}
	}
	return fleetJSONClone(l).([]any)
}

// policyKQL maps a kuery field on agent policies to the document's name,
// or refuses it.
var policyKQL = kqlPrefixed("ingest-agent-policies.", "ingest-agent-policies saved object index patterns", func(f string) bool {
	switch f {
	case "name", "namespace", "description", "is_managed", "is_protected", "is_default", "is_default_fleet_server",
		"has_fleet_server", "monitoring_enabled", "data_output_id", "monitoring_output_id", "fleet_server_host_id",
		"download_source_id", "inactivity_timeout", "unenroll_timeout", "revision", "updated_at", "updated_by", "status",
		"id", "is_preconfigured", "supports_agentless", "package_policies":
		return true
	}
	return strings.HasPrefix(f, "global_data_tags.") || strings.HasPrefix(f, "agent_features.")
})

// policyMapping types what the ingest-agent-policies mapping does not
// leave to the values.
var policyMapping = map[string]es.Kind{"description": es.Text, "updated_at": es.Date}

func (k *Kibana) findAgentPolicies(c *call) {
	st := &c.space.fleet
	page, perPage, ok := fleetPaging(c)
	if !ok {
		return
	}
	flags, ok := fleetQueryBools(c, "withAgentCount", "full", "noAgentCount")
	if !ok || !fleetFormat(c) {
		return
	}
	order, ok := fleetSortOrder(c, "desc")
	if !ok {
		return
	}
	list, ok := kqlKeep(c, ".kibana_ingest", c.query("kuery"), policyKQL, policyMapping, st.policies.all(), func(p *fleetPolicy) map[string]any { return k.policyDoc(c, p, false, false) })
	if !ok {
		return
	}
	sortField := strings.TrimPrefix(c.query("sortField"), "ingest-agent-policies.")
	key := func(p *fleetPolicy) string {
		switch sortField {
		case "name", "name.keyword":
			return strings.ToLower(p.name)
		case "namespace":
			return p.namespace
		case "revision":
			return fmt.Sprintf("%09d", p.revision)
		case "id":
			return p.id
		}
		return p.updatedAt
	}
	slices.SortStableFunc(list, func(a, b *fleetPolicy) int {
		cmp := strings.Compare(key(a), key(b))
		if order == "desc" {
			return -cmp
		}
		return cmp
	})
	items := []any{}
	for _, p := range fleetPageOf(list, page, perPage) {
		items = append(items, k.policyDoc(c, p, flags["full"], flags["withAgentCount"]))
	}
	c.ok(map[string]any{"items": items, "total": len(list), "page": page, "perPage": perPage})
}

// lookupPolicy finds the agent policy of the path or answers 404.
func lookupPolicy(c *call) *fleetPolicy {
	id := c.param("agentPolicyId")
	p := c.space.fleet.policies.get(id)
	if p == nil {
		c.notFound(fmt.Sprintf("Agent policy %s not found", id))
	}
	return p
}

func (k *Kibana) getAgentPolicy(c *call) {
	if !fleetFormat(c) {
		return
	}
	if p := lookupPolicy(c); p != nil {
		c.ok(map[string]any{"item": k.policyDoc(c, p, true, false)})
	}
}

// readPolicy checks a create or update body and applies it to p.
func (k *Kibana) readPolicy(c *call, p *fleetPolicy, creating bool) bool {
	members := fleetPolicyMembers
	if !creating {
		members = append(slices.Clone(members), "bumpRevision")
	}
	b, ok := fleetBodyOf(c, false, members)
	if !ok {
		return false
	}
	st := &c.space.fleet
	name := b.str("name", true)
	namespace := b.str("namespace", true)
	if b.err == "" {
		if msg := fleetNamespaceError(namespace); msg != "" {
			b.fail("namespace", msg)
		}
	}
	description, hasDescription := b.nullableStr("description")
	monitoring, hasMonitoring := b.strings("monitoring_enabled", false)
	for i, m := range monitoring {
		if !slices.Contains([]string{"logs", "metrics", "traces"}, m) {
			b.fail(fmt.Sprintf("monitoring_enabled.%d", i), fmt.Sprintf("types that failed validation:\n- [request body.monitoring_enabled.%d.0]: expected value to equal [logs]\n- [request body.monitoring_enabled.%d.1]: expected value to equal [metrics]\n- [request body.monitoring_enabled.%d.2]: expected value to equal [traces]", i, i, i))
		}
	}
	refs := map[string]*string{
		"data_output_id": &p.dataOutputID, "monitoring_output_id": &p.monitoringOutputID,
		"fleet_server_host_id": &p.fleetServerHostID, "download_source_id": &p.downloadSourceID,
	}
	given := map[string]string{}
	for _, field := range []string{"data_output_id", "monitoring_output_id", "fleet_server_host_id", "download_source_id"} {
		if v, set := b.nullableStr(field); set {
			given[field] = v
		}
	}
	timeouts := map[string]*float64{}
	for _, field := range []string{"inactivity_timeout", "unenroll_timeout"} {
		if n := b.number(field); n != nil {
			if *n < 0 {
				b.fail(field, fmt.Sprintf("Value must be equal to or greater than [0]. (got [%g])", *n))
			}
			timeouts[field] = n
		}
	}
	flags := map[string]*bool{}
	for _, field := range []string{"is_protected", "has_fleet_server", "is_managed", "is_default", "is_default_fleet_server", "keep_monitoring_alive", "force", "monitoring_pprof_enabled", "supports_agentless"} {
		flags[field] = b.boolean(field)
	}
	var tags []any
	if v, ok := b.m["global_data_tags"]; ok && v != nil {
		arr, isArr := v.([]any)
		if !isArr {
			b.typeError("global_data_tags", "array", v, true)
		}
		seen := map[string]bool{}
		for i, e := range arr {
			tag, _ := e.(map[string]any)
			at := fmt.Sprintf("global_data_tags.%d", i)
			if tag == nil {
				b.typeError(at, "Object", e, true)
				break
			}
			for key := range tag {
				if key != "name" && key != "value" {
					b.fail(at+"."+key, "definition for this key is missing")
				}
			}
			tagName, _ := tag["name"].(string)
			switch tag["value"].(type) {
			case string, json.Number:
			default:
				b.fail(at+".value", fmt.Sprintf("types that failed validation:\n- [request body.%s.value.0]: expected value of type [string] but got [%s]\n- [request body.%s.value.1]: expected value of type [number] but got [%s]", at, fleetKind(tag["value"]), at, fleetKind(tag["value"])))
			}
			switch {
			case tagName == "":
				b.typeError(at+".name", "string", tag["name"], tag["name"] != nil)
			case strings.ContainsAny(tagName, " \t"):
				b.fail(at+".name", fmt.Sprintf("Invalid tag name %q: tag names cannot contain spaces", tagName))
			case seen[tagName]:
				b.fail(at+".name", fmt.Sprintf("Found duplicate tag name %q", tagName))
			}
			seen[tagName] = true
			tags = append(tags, map[string]any{"name": tagName, "value": tag["value"]})
		}
	}
	objects := map[string]map[string]any{}
	for _, field := range []string{"monitoring_http", "monitoring_diagnostics", "agentless"} {
		if m, has := b.object(field); has {
			objects[field] = m
		}
	}
	if port, ok := objects["monitoring_http"]["port"].(json.Number); ok {
		if n, err := port.Float64(); err != nil || n < 0 || n > 65353 {
			b.fail("monitoring_http.port", fmt.Sprintf("Value must be equal to or lower than [65353]. (got [%s])", port))
		}
	}
	spaceIDs, hasSpaceIDs := b.strings("space_ids", false)
	advanced, hasAdvanced := b.object("advanced_settings")
	for key := range advanced {
		if !slices.Contains(fleetAdvancedSettings, key) {
			b.fail("advanced_settings."+key, "definition for this key is missing")
		}
	}
	var features []any
	if v, ok := b.m["agent_features"]; ok && v != nil {
		arr, isArr := v.([]any)
		if !isArr {
			b.typeError("agent_features", "array", v, true)
		}
		for i, e := range arr {
			f, _ := e.(map[string]any)
			at := fmt.Sprintf("agent_features.%d", i)
			if f == nil {
				b.typeError(at, "Object", e, true)
				break
			}
			fname, isStr := f["name"].(string)
			enabled, isBool := f["enabled"].(bool)
			if !isStr {
				b.typeError(at+".name", "string", f["name"], f["name"] != nil)
			}
			if !isBool {
				b.typeError(at+".enabled", "boolean", f["enabled"], f["enabled"] != nil)
			}
			features = append(features, map[string]any{"name": fname, "enabled": enabled})
		}
	}
	if b.failed() {
		return false
	}
	for _, other := range st.policies.all() {
		if other.id != p.id && other.name == name {
			c.conflict(fmt.Sprintf("An agent policy with the name %s already exists", name))
			return false
		}
	}
	for field, id := range given {
		if id == "" {
			continue
		}
		var found bool
		var kind string
		switch field {
		case "data_output_id", "monitoring_output_id":
			found, kind = st.outputs.get(id) != nil, "ingest-outputs"
		case "fleet_server_host_id":
			found, kind = st.serverHosts.get(id) != nil, "fleet-fleet-server-host"
		case "download_source_id":
			found, kind = st.sources.get(id) != nil, "ingest-download-sources"
		}
		if !found {
			c.notFound(soNotFoundMessage(kind, id))
			return false
		}
	}
	if !creating && p.isManaged && (flags["force"] == nil || !*flags["force"]) {
		c.badRequest(fmt.Sprintf("Cannot update hosted agent policy %s", p.id))
		return false
	}
	p.name, p.namespace = name, namespace
	if hasDescription {
		p.description = description
	}
	if hasMonitoring {
		p.monitoringEnabled = slices.Compact(slices.Clone(monitoring))
	}
	for field, id := range given {
		*refs[field] = id
	}
	if n := timeouts["inactivity_timeout"]; n != nil {
		p.inactivityTimeout = int(*n)
	}
	if n := timeouts["unenroll_timeout"]; n != nil {
		v := int(*n)
		p.unenrollTimeout = &v
	}
	set := func(dst *bool, field string) {
		if v := flags[field]; v != nil {
			*dst = *v
		}
	}
	set(&p.isProtected, "is_protected")
	set(&p.hasFleetServer, "has_fleet_server")
	set(&p.isManaged, "is_managed")
	set(&p.isDefault, "is_default")
	set(&p.isDefaultFleetServer, "is_default_fleet_server")
	set(&p.keepMonitoringAlive, "keep_monitoring_alive")
	set(&p.pprofEnabled, "monitoring_pprof_enabled")
	set(&p.supportsAgentless, "supports_agentless")
	if hasSpaceIDs {
		p.spaceIDs = slices.Clone(spaceIDs)
	}
	for field, dst := range map[string]*map[string]any{"monitoring_http": &p.monitoringHTTP, "monitoring_diagnostics": &p.monitoringDiagnostics, "agentless": &p.agentless} {
		if m, has := objects[field]; has {
			*dst = fleetCloneMap(m)
		}
	}
	if b.has("global_data_tags") {
		p.globalDataTags = tags
	}
	if hasAdvanced {
		p.advancedSettings = fleetCloneMap(advanced)
	}
	if b.has("agent_features") {
		p.agentFeatures = features
	}
	if v, ok := b.m["required_versions"]; ok {
		p.requiredVersions = fleetJSONClone(v)
	}
	if v, ok := b.m["overrides"]; ok {
		p.overrides = fleetJSONClone(v)
	}
	return true
}

func (k *Kibana) createAgentPolicy(c *call) {
	if !fleetFormat(c) {
		return
	}
	flags, ok := fleetQueryBools(c, "sys_monitoring")
	if !ok {
		return
	}
	st := &c.space.fleet
	p := &fleetPolicy{inactivityTimeout: 1209600, monitoringEnabled: []string{"logs", "metrics"}, revision: 1}
	if !k.readPolicy(c, p, true) {
		return
	}
	id, _ := c.body["id"].(string)
	if id == "" {
		id = k.newID()
	} else if st.policies.get(id) != nil {
		c.conflict(soConflictMessage("ingest-agent-policies", id))
		return
	}
	p.id = id
	p.updatedAt, p.updatedBy = k.now(), fleetUser(c)
	if p.isDefault {
		for _, other := range st.policies.all() {
			other.isDefault = false
		}
	}
	st.policies.put(id, p)
	st.addDefaultEnrollKey(c.spaceID, p, k.cfg.Now().UTC())
	if p.hasFleetServer {
		k.addDefaultPackagePolicy(c, p, "fleet_server")
	}
	if flags["sys_monitoring"] {
		k.addDefaultPackagePolicy(c, p, "system")
	}
	c.ok(map[string]any{"item": k.policyDoc(c, p, true, false)})
}

func (k *Kibana) updateAgentPolicy(c *call) {
	if !fleetFormat(c) {
		return
	}
	p := c.space.fleet.policies.get(c.param("agentPolicyId"))
	if p == nil {
		// Kibana validates the body before it looks the policy up.
		if b, ok := fleetBodyOf(c, false, fleetPolicyMembers); ok {
			b.str("name", true)
			b.str("namespace", true)
			if !b.failed() {
				lookupPolicy(c)
			}
		}
		return
	}
	updated := *p
	if !k.readPolicy(c, &updated, false) {
		return
	}
	*p = updated
	if bump, _ := c.body["bumpRevision"].(bool); bump || c.body["bumpRevision"] == nil {
		k.bumpPolicy(c, p)
	} else {
		p.updatedAt, p.updatedBy = k.now(), fleetUser(c)
	}
	c.ok(map[string]any{"item": k.policyDoc(c, p, true, false)})
}

// bumpPolicy gives a changed policy a new revision, which its connected
// agents pick up at once.
func (k *Kibana) bumpPolicy(c *call, p *fleetPolicy) {
	p.revision++
	p.updatedAt, p.updatedBy = k.now(), fleetUser(c)
	st := &c.space.fleet
	for _, a := range st.agents.all() {
		if a.policyID == p.id && a.connected && a.active {
			a.policyRevision = p.revision
		}
	}
}

// unlinkPolicies clears a deleted object's id from the policy fields refs
// names, so those policies fall back to the default, and gives each policy
// that named it one new revision.
func (k *Kibana) unlinkPolicies(c *call, id string, refs func(p *fleetPolicy) []*string) {
	for _, p := range c.space.fleet.policies.all() {
		named := false
		for _, ref := range refs(p) {
			if *ref == id {
				*ref, named = "", true
			}
		}
		if named {
			k.bumpPolicy(c, p)
		}
	}
}

// addDefaultPackagePolicy adds a package's integration with its defaults
// to a policy, installing the package when needed (sys_monitoring,
// has_fleet_server).
func (k *Kibana) addDefaultPackagePolicy(c *call, p *fleetPolicy, pkg string) {
	st := &c.space.fleet
	inst := st.installs[pkg]
	if inst == nil {
		d := fleetPackageDef(st, pkg)
		inst = k.install(st, d, d.latest(false), "registry")
	}
	d := fleetPackageDef(st, pkg)
	pp := newPkgPolicy(d, inst.version)
	pp.id, pp.name = k.newID(), nextPackagePolicyName(st, pkg)
	pp.description = ""
	pp.policyIDs = []string{p.id}
	pp.createdAt, pp.createdBy = k.now(), fleetUser(c)
	pp.updatedAt, pp.updatedBy = pp.createdAt, pp.createdBy
	st.pkgPolicies.put(pp.id, pp)
	if pkg == "fleet_server" {
		p.hasFleetServer = true
	}
	p.revision++
}

// outputFor is the output a policy uses for data or monitoring.
func (st *fleetState) outputFor(p *fleetPolicy, monitoring bool) *fleetOutput {
	id := p.dataOutputID
	if monitoring {
		id = p.monitoringOutputID
	}
	if o := st.outputs.get(id); o != nil {
		return o
	}
	for _, o := range st.outputs.all() {
		if (monitoring && o.isDefaultMonitoring) || (!monitoring && o.isDefault) {
			return o
		}
	}
	return nil
}

func outputRef(o *fleetOutput) map[string]any {
	if o == nil {
		return map[string]any{"id": "", "name": ""}
	}
	return map[string]any{"id": o.id, "name": o.name}
}

func (k *Kibana) policyOutputsDoc(st *fleetState, p *fleetPolicy) map[string]any {
	data := st.outputFor(p, false)
	integrations := []any{}
	for _, pp := range st.pkgPolicies.all() {
		if !slices.Contains(pp.policyIDs, p.id) {
			continue
		}
		o := data
		if pp.outputID != "" && st.outputs.get(pp.outputID) != nil {
			o = st.outputs.get(pp.outputID)
		}
		ref := outputRef(o)
		integrations = append(integrations, map[string]any{"id": ref["id"], "name": ref["name"], "pkgName": pp.pkgName, "integrationPolicyName": pp.name})
	}
	return map[string]any{
		"agentPolicyId": p.id,
		"monitoring":    map[string]any{"output": outputRef(st.outputFor(p, true))},
		"data":          map[string]any{"output": outputRef(data), "integrations": integrations},
	}
}

func (k *Kibana) agentPolicyOutputs(c *call) {
	if p := lookupPolicy(c); p != nil {
		c.ok(map[string]any{"item": k.policyOutputsDoc(&c.space.fleet, p)})
	}
}

func (k *Kibana) agentPoliciesOutputs(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"ids"})
	if !ok {
		return
	}
	ids, _ := b.strings("ids", true)
	if b.failed() {
		return
	}
	st := &c.space.fleet
	items := []any{}
	for _, id := range ids {
		if p := st.policies.get(id); p != nil {
			items = append(items, k.policyOutputsDoc(st, p))
		}
	}
	c.ok(map[string]any{"items": items})
}

// outputKey is the name an output has in a full policy: "default" for the
// default output, else its id.
func outputKey(o *fleetOutput) string {
	if o == nil || o.isDefault {
		return "default"
	}
	return o.id
}

// fullPolicy is the policy as agents receive it.
func (k *Kibana) fullPolicy(c *call, p *fleetPolicy, standalone bool) map[string]any {
	st := &c.space.fleet
	data, monitoring := st.outputFor(p, false), st.outputFor(p, true)
	outputs := map[string]any{}
	permissions := map[string]any{}
	for _, o := range []*fleetOutput{data, monitoring} {
		if o == nil {
			continue
		}
		doc := map[string]any{"type": o.typ, "hosts": fleetStrings(o.hosts)}
		if o.preset != "" {
			doc["preset"] = o.preset
		}
		if proxy := st.proxies.get(o.proxyID); proxy != nil {
			doc["proxy_url"] = proxy.url
		}
		if standalone && (o.typ == "elasticsearch" || o.typ == "remote_elasticsearch") {
			doc["username"], doc["password"] = "${ES_USERNAME}", "${ES_PASSWORD}"
		}
		outputs[outputKey(o)] = doc
	}
	dataKey := outputKey(data)
	perms := map[string]any{
		"_elastic_agent_checks": map[string]any{"cluster": []any{"monitor"}},
	}
	monitoringPerms := map[string]any{
		"_elastic_agent_monitoring": map[string]any{"indices": []any{map[string]any{
			"names":      []any{"logs-elastic_agent-" + p.namespace, "logs-elastic_agent.*-" + p.namespace, "metrics-elastic_agent.*-" + p.namespace},
			"privileges": []any{"auto_configure", "create_doc"},
		}}},
	}
	inputs := []any{}
	for _, pp := range st.pkgPolicies.all() {
		if !slices.Contains(pp.policyIDs, p.id) || !pp.enabled {
			continue
		}
		ns := pp.namespaceOr(p.namespace)
		var names []any
		for _, in := range pp.inputs {
			for _, s := range in.streams {
				if in.enabled && s.enabled {
					names = append(names, s.typ+"-"+s.dataset+"-"+ns)
				}
			}
		}
		inputs = append(inputs, k.agentInputs(c, p, pp)...)
		if names == nil {
			names = []any{"logs-" + pp.pkgName + ".*-" + ns, "metrics-" + pp.pkgName + ".*-" + ns}
		}
		perms[pp.id] = map[string]any{"indices": []any{map[string]any{"names": names, "privileges": []any{"auto_configure", "create_doc"}}}}
	}
	permissions[dataKey] = perms
	if mk := outputKey(monitoring); mk == dataKey {
		for key, v := range monitoringPerms {
			perms[key] = v
		}
	} else {
		permissions[mk] = monitoringPerms
	}
	source := st.sources.get(p.downloadSourceID)
	if source == nil {
		for _, s := range st.sources.all() {
			if s.isDefault {
				source = s
			}
		}
	}
	download := map[string]any{"sourceURI": "https://artifacts.elastic.co/downloads/"}
	if source != nil {
		download["sourceURI"] = source.host
		if proxy := st.proxies.get(source.proxyID); proxy != nil {
			download["proxy_url"] = proxy.url
		}
	}
	if v, ok := p.advancedSettings["agent_download_timeout"]; ok {
		download["timeout"] = fmt.Sprint(v)
	}
	if v, ok := p.advancedSettings["agent_download_target_directory"]; ok {
		download["target_directory"] = fmt.Sprint(v)
	}
	features := map[string]any{}
	for _, f := range p.agentFeatures {
		if m, ok := f.(map[string]any); ok {
			features[fmt.Sprint(m["name"])] = map[string]any{"enabled": m["enabled"] == true}
		}
	}
	agent := map[string]any{
		"download": download,
		"features": features,
		"monitoring": map[string]any{
			"enabled":    len(p.monitoringEnabled) > 0,
			"use_output": outputKey(monitoring),
			"namespace":  p.namespace,
			"logs":       slices.Contains(p.monitoringEnabled, "logs"),
			"metrics":    slices.Contains(p.monitoringEnabled, "metrics"),
			"traces":     slices.Contains(p.monitoringEnabled, "traces"),
			"apm":        map[string]any{},
		},
	}
	if level, ok := p.advancedSettings["agent_logging_level"]; ok {
		agent["logging"] = map[string]any{"level": fmt.Sprint(level)}
	}
	if p.isProtected && !standalone {
		agent["protection"] = map[string]any{
			"enabled":              true,
			"uninstall_token_hash": fleetB64(p.id + "-uninstall"),
			"signing_key":          fleetB64(p.id + "-signing-key"),
		}
	}
	full := map[string]any{
		"id":                 p.id,
		"revision":           p.revision,
		"outputs":            outputs,
		"output_permissions": permissions,
		"agent":              agent,
		"inputs":             inputs,
		"secret_references":  []any{},
		"namespaces":         []any{c.spaceID},
	}
	if !standalone {
		host := st.serverHosts.get(p.fleetServerHostID)
		if host == nil {
			for _, h := range st.serverHosts.all() {
				if h.isDefault {
					host = h
				}
			}
		}
		fleet := map[string]any{"hosts": []string{}}
		if host != nil {
			fleet["hosts"] = fleetStrings(host.hostURLs)
			if proxy := st.proxies.get(host.proxyID); proxy != nil {
				fleet["proxy_url"] = proxy.url
			}
		}
		full["fleet"] = fleet
		full["signed"] = map[string]any{"data": fleetB64(fmt.Sprintf(`{"id":%q,"agent":{"protection":{"enabled":%t}}}`, p.id, p.isProtected)), "signature": fleetB64(p.id + fmt.Sprint(p.revision))}
	}
	if len(p.globalDataTags) > 0 {
		fields := map[string]any{}
		for _, t := range p.globalDataTags {
			if m, ok := t.(map[string]any); ok {
				fields[fmt.Sprint(m["name"])] = m["value"]
			}
		}
		for _, in := range inputs {
			in.(map[string]any)["processors"] = []any{map[string]any{"add_fields": map[string]any{"target": "", "fields": fields}}}
		}
	}
	return full
}

func (k *Kibana) fullAgentPolicy(c *call) {
	full, flags, ok := k.renderPolicy(c)
	if !ok {
		return
	}
	if flags["kubernetes"] {
		c.ok(map[string]any{"item": k.kubernetesManifest(full)})
		return
	}
	c.ok(map[string]any{"item": full})
}

// renderPolicy renders the path's policy as its query asks (standalone,
// kubernetes, download), for the full and download routes.
func (k *Kibana) renderPolicy(c *call) (full map[string]any, flags map[string]bool, ok bool) {
	flags, ok = fleetQueryBools(c, "standalone", "kubernetes", "download")
	if !ok {
		return nil, nil, false
	}
	p := lookupPolicy(c)
	if p == nil {
		return nil, nil, false
	}
	return k.fullPolicy(c, p, flags["standalone"] || flags["kubernetes"]), flags, true
}

// kubernetesManifest renders a standalone policy as the DaemonSet manifest
// Kibana offers for Kubernetes.
func (k *Kibana) kubernetesManifest(full map[string]any) string {
	body, _ := json.MarshalIndent(full, "    ", "  ")
	var b strings.Builder
	b.WriteString("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: agent-node-datastreams\n  namespace: kube-system\n  labels:\n    k8s-app: elastic-agent\ndata:\n  agent.yml: |-\n    ")
	b.Write(body)
	b.WriteString("\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: elastic-agent\n  namespace: kube-system\n  labels:\n    app: elastic-agent\nspec:\n  selector:\n    matchLabels:\n      app: elastic-agent\n  template:\n    metadata:\n      labels:\n        app: elastic-agent\n    spec:\n      serviceAccountName: elastic-agent\n      hostNetwork: true\n      containers:\n        - name: elastic-agent\n          image: docker.elastic.co/beats/elastic-agent:")
	b.WriteString(fleetAgentVersions[0])
	b.WriteString("\n          args: [\"-c\", \"/etc/elastic-agent/agent.yml\", \"-e\"]\n          env:\n            - name: ES_USERNAME\n              value: \"elastic\"\n            - name: ES_PASSWORD\n              value: \"changeme\"\n")
	return b.String()
}

// policyAgentCount counts the active agents of a policy.
func (st *fleetState) policyAgentCount(id string) int {
	n := 0
	for _, a := range st.agents.all() {
		if a.policyID == id && a.active {
			n++
		}
	}
	return n
}

package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// More of Fleet (tools/fleet_extra.go): cloud connectors, agentless
// policies, Kubernetes manifests, remote integration sync status,
// permission and Fleet Server health checks, and setup.
//
// What the sandbox approximates:
//   - The caller holds every privilege (the sandbox's users are
//     superusers), so the permission check succeeds.
//   - Agentless policies are stored as given, for any package: no hosted
//     agent runs, and the package is not installed.
//   - A Fleet Server host is online when an agent of a Fleet Server policy
//     is; the sandbox pings nothing.
//   - No remote cluster exists: this cluster follows none, and a remote
//     output that syncs integrations reports every installed package as
//     synced.

// fleetAdminState is a space's Fleet administration data; its zero value
// is seeded on first use (init).
type fleetAdminState struct {
	seeded     bool
	connectors fleetStore[cloudConnector]
	agentless  fleetStore[agentlessPolicy]
}

// cloudConnector holds cloud credentials agentless integrations use.
type cloudConnector struct {
	id, name, provider   string
	vars                 map[string]any
	createdAt, updatedAt string
}

// agentlessPolicy is an agentless integration's package policy.
type agentlessPolicy struct {
	doc map[string]any
}

func (k *Kibana) fleetAdminRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/fleet/cloud_connectors", k.findCloudConnectors),
		newRoute(http.MethodPost, "/api/fleet/cloud_connectors", k.createCloudConnector),
		newRoute(http.MethodGet, "/api/fleet/cloud_connectors/{cloudConnectorId}", k.getCloudConnector),
		newRoute(http.MethodPut, "/api/fleet/cloud_connectors/{cloudConnectorId}", k.updateCloudConnector),
		newRoute(http.MethodDelete, "/api/fleet/cloud_connectors/{cloudConnectorId}", k.deleteCloudConnector),
		newRoute(http.MethodPost, "/api/fleet/agentless_policies", k.createAgentlessPolicy),
		newRoute(http.MethodDelete, "/api/fleet/agentless_policies/{policyId}", k.deleteAgentlessPolicy),
		newRoute(http.MethodGet, "/api/fleet/kubernetes", k.kubernetesManifestItem),
		newRoute(http.MethodGet, "/api/fleet/kubernetes/download", k.kubernetesManifestDownload),
		newRoute(http.MethodGet, "/api/fleet/remote_synced_integrations/status", k.remoteSyncedStatus),
		newRoute(http.MethodGet, "/api/fleet/remote_synced_integrations/{outputId}/remote_status", k.remoteOutputSyncStatus),
		newRoute(http.MethodGet, "/api/fleet/check-permissions", k.checkFleetPermissions),
		newRoute(http.MethodPost, "/api/fleet/health_check", k.fleetHealthCheck),
		newRoute(http.MethodPost, "/api/fleet/setup", k.fleetSetup),
	}
}

// The story's cloud connectors (the second used by nothing) and agentless
// policy, in every space (their ids are tools' example ids).
const (
	seedCloudConnectorID  = "6b1f0c2e-9d4a-4e3b-8c71-2a5e0f9d3b10"
	seedAgentlessPolicyID = "cspm-aws-audit"
	seedSpareConnectorID  = "8d3e2a41-5c6b-4f7a-9e80-1b2c3d4e5f60"
)

// fleetAdmin is the space's state, seeded on first use.
func (c *call) fleetAdmin() *fleetAdminState {
	st := &c.space.fleetAdmin
	if !st.seeded {
		st.seeded = true
		now := c.k.now()
		st.connectors.put(seedCloudConnectorID, &cloudConnector{id: seedCloudConnectorID, name: "Security audit role", provider: "aws",
			vars:      map[string]any{"role_arn": "arn:aws:iam::123456789012:role/ElasticAudit", "external_id": map[string]any{"type": "password", "value": map[string]any{"isSecretRef": true, "id": "a1c3e5f7-ext-id"}}},
			createdAt: now, updatedAt: now})
		st.connectors.put(seedSpareConnectorID, &cloudConnector{id: seedSpareConnectorID, name: "Azure tenant (unused)", provider: "azure",
			vars: map[string]any{"tenant_id": "2f1c0b7e-0000-4000-8000-1a2b3c4d5e6f"}, createdAt: now, updatedAt: now})
		st.agentless.put(seedAgentlessPolicyID, &agentlessPolicy{doc: map[string]any{
			"id": seedAgentlessPolicyID, "name": "cspm-aws-audit", "namespace": "default", "enabled": true, "revision": 1,
			"package":            map[string]any{"name": "cloud_security_posture", "title": "Security Posture Management", "version": "1.13.0"},
			"supports_agentless": true, "cloud_connector_id": seedCloudConnectorID, "inputs": map[string]any{}, "vars": map[string]any{"posture": "cspm", "deployment": "aws"},
			"created_at": now, "created_by": "elastic", "updated_at": now, "updated_by": "elastic"}})
	}
	return st
}

// Cloud connectors.

func (cc *cloudConnector) doc(st *fleetAdminState) map[string]any {
	count := 0
	for _, p := range st.agentless.all() {
		if p.doc["cloud_connector_id"] == cc.id {
			count++
		}
	}
	return map[string]any{"id": cc.id, "name": cc.name, "cloudProvider": cc.provider, "vars": fleetJSONClone(cc.vars),
		"packagePolicyCount": count, "namespace": "*", "created_at": cc.createdAt, "updated_at": cc.updatedAt}
}

func (k *Kibana) findCloudConnectors(c *call) {
	st := c.fleetAdmin()
	page, perPage, ok := fleetPaging(c)
	if !ok {
		return
	}
	// The kuery matches on the provider or name it mentions, which is what
	// the UI filters by.
	kuery := strings.ToLower(c.query("kuery"))
	items := []any{}
	for _, cc := range st.connectors.all() {
		if kuery != "" && !strings.Contains(kuery, cc.provider) && !strings.Contains(kuery, strings.ToLower(cc.name)) {
			continue
		}
		items = append(items, cc.doc(st))
	}
	c.ok(map[string]any{"items": fleetPageOf(items, page, perPage)})
}

func (k *Kibana) lookupCloudConnector(c *call) *cloudConnector {
	id := c.param("cloudConnectorId")
	cc := c.fleetAdmin().connectors.get(id)
	if cc == nil {
		c.notFound(soNotFoundMessage("fleet-cloud-connector", id))
	}
	return cc
}

func (k *Kibana) getCloudConnector(c *call) {
	if cc := k.lookupCloudConnector(c); cc != nil {
		c.ok(map[string]any{"item": cc.doc(c.fleetAdmin())})
	}
}

// readConnector reads name and vars; required on create.
func readConnector(b *fleetBody, create bool) (name string, vars map[string]any) {
	name = b.str("name", create)
	if len(name) > 255 {
		b.fail("name", fmt.Sprintf("value has length [%d] but it must have a maximum length of [255].", len(name)))
	}
	vars, present := b.object("vars")
	if create && !present {
		b.typeError("vars", "object", nil, false)
	}
	return name, vars
}

func (k *Kibana) createCloudConnector(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"cloudProvider", "name", "vars"})
	if !ok {
		return
	}
	name, vars := readConnector(b, true)
	provider := b.str("cloudProvider", true)
	if b.err == "" && !slices.Contains([]string{"aws", "azure", "gcp"}, provider) {
		b.fail("cloudProvider", fmt.Sprintf("types that failed validation:\n- [request body.cloudProvider.0]: expected value to equal [aws]\n- [request body.cloudProvider.1]: expected value to equal [azure]\n- [request body.cloudProvider.2]: expected value to equal [gcp] (got [%s])", provider))
	}
	if b.failed() {
		return
	}
	st := c.fleetAdmin()
	now := k.now()
	cc := &cloudConnector{id: k.newID(), name: name, provider: provider, vars: k.secretVars(vars), createdAt: now, updatedAt: now}
	st.connectors.put(cc.id, cc)
	c.ok(map[string]any{"item": cc.doc(st)})
}

// secretVars copies a connector's vars, keeping password-typed values as
// Fleet does: in its secret store, answered only as a reference, so no
// read gives a credential back.
func (k *Kibana) secretVars(vars map[string]any) map[string]any {
	out := fleetCloneMap(vars)
	for name, v := range out {
		m, ok := v.(map[string]any)
		if !ok || m["type"] != "password" {
			continue
		}
		if _, plain := m["value"].(string); plain {
			m["value"] = map[string]any{"isSecretRef": true, "id": k.newID()}
			out[name] = m
		}
	}
	return out
}

func (k *Kibana) updateCloudConnector(c *call) {
	cc := k.lookupCloudConnector(c)
	if cc == nil {
		return
	}
	b, ok := fleetBodyOf(c, false, []string{"name", "vars"})
	if !ok {
		return
	}
	name, vars := readConnector(b, false)
	if b.failed() {
		return
	}
	if name != "" {
		cc.name = name
	}
	if vars != nil {
		cc.vars = k.secretVars(vars)
	}
	cc.updatedAt = k.now()
	c.ok(map[string]any{"item": cc.doc(c.fleetAdmin())})
}

func (k *Kibana) deleteCloudConnector(c *call) {
	flags, ok := fleetQueryBools(c, "force")
	if !ok {
		return
	}
	cc := k.lookupCloudConnector(c)
	if cc == nil {
		return
	}
	st := c.fleetAdmin()
	if n := cc.doc(st)["packagePolicyCount"].(int); n > 0 && !flags["force"] {
		c.badRequest(fmt.Sprintf("Cannot delete cloud connector \"%s\" as it is being used by %d package policies", cc.name, n))
		return
	}
	st.connectors.remove(cc.id)
	c.ok(map[string]any{"id": cc.id})
}

// Agentless policies.

func (k *Kibana) createAgentlessPolicy(c *call) {
	if _, ok := fleetQueryBools(c); !ok {
		return
	}
	if f := c.query("format"); f != "" && f != "simplified" && f != "legacy" {
		c.badRequest(fmt.Sprintf("[request query.format]: types that failed validation:\n- [request query.format.0]: expected value to equal [legacy]\n- [request query.format.1]: expected value to equal [simplified] (got [%s])", f))
		return
	}
	b, ok := fleetBodyOf(c, false, []string{"additional_datastreams_permissions", "description", "force", "id", "inputs", "name", "namespace", "package", "vars"})
	if !ok {
		return
	}
	name := b.str("name", true)
	pkg, present := b.object("package")
	if !present {
		b.typeError("package", "object", nil, false)
	}
	pkgName, _ := pkg["name"].(string)
	version, _ := pkg["version"].(string)
	if b.err == "" && (pkgName == "" || version == "") {
		b.fail("package.name", "expected value of type [string] but got [undefined]")
	}
	id := b.str("id", false)
	namespace := b.str("namespace", false)
	if b.failed() {
		return
	}
	st := c.fleetAdmin()
	if id == "" {
		id = k.newID()
	}
	if st.agentless.get(id) != nil {
		c.conflict(fmt.Sprintf("An integration policy with id %s already exists", id))
		return
	}
	for _, p := range st.agentless.all() {
		if p.doc["name"] == name {
			c.conflict(fmt.Sprintf("An integration policy with the name %s already exists. Please rename it or choose a different name.", name))
			return
		}
	}
	if namespace == "" {
		namespace = "default"
	}
	now := k.now()
	doc := map[string]any{"id": id, "name": name, "namespace": namespace, "enabled": true, "revision": 1, "supports_agentless": true,
		"package": fleetJSONClone(pkg), "inputs": map[string]any{}, "vars": map[string]any{},
		"created_at": now, "created_by": c.caseUser().Username, "updated_at": now, "updated_by": c.caseUser().Username}
	for _, key := range []string{"description", "inputs", "vars", "additional_datastreams_permissions"} {
		if v, has := c.body[key]; has && v != nil {
			doc[key] = fleetJSONClone(v)
		}
	}
	st.agentless.put(id, &agentlessPolicy{doc: doc})
	c.ok(map[string]any{"item": fleetJSONClone(doc)})
}

func (k *Kibana) deleteAgentlessPolicy(c *call) {
	if _, ok := fleetQueryBools(c, "force"); !ok {
		return
	}
	id := c.param("policyId")
	st := c.fleetAdmin()
	if st.agentless.get(id) == nil {
		c.notFound(fmt.Sprintf("Package policy %s not found", id))
		return
	}
	st.agentless.remove(id)
	c.ok(map[string]any{"id": id})
}

// Kubernetes manifests.

// managedManifest is the DaemonSet of Fleet-managed agents, enrolling at
// the Fleet Server URL given, or the default host's.
func (k *Kibana) managedManifest(c *call) (string, bool) {
	if _, ok := fleetQueryBools(c, "download"); !ok {
		return "", false
	}
	url := c.query("fleetServer")
	if url == "" {
		url = "https://fleet-server:8220"
		for _, h := range c.space.fleet.serverHosts.all() {
			if h.isDefault && len(h.hostURLs) > 0 {
				url = h.hostURLs[0]
			}
		}
	}
	token := c.query("enrolToken")
	if token == "" {
		token = "token-id"
	}
	return "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: elastic-agent\n  namespace: kube-system\n  labels:\n    app: elastic-agent\nspec:\n  selector:\n    matchLabels:\n      app: elastic-agent\n  template:\n    metadata:\n      labels:\n        app: elastic-agent\n    spec:\n      serviceAccountName: elastic-agent\n      hostNetwork: true\n      dnsPolicy: ClusterFirstWithHostNet\n      containers:\n        - name: elastic-agent\n          image: docker.elastic.co/beats/elastic-agent:" +
		fleetAgentVersions[0] + "\n          env:\n            - name: FLEET_ENROLL\n              value: \"1\"\n            - name: FLEET_INSECURE\n              value: \"false\"\n            - name: FLEET_URL\n              value: \"" + url + "\"\n            - name: FLEET_ENROLLMENT_TOKEN\n              value: \"" + token + "\"\n            - name: KIBANA_HOST\n              value: \"http://kibana:5601\"\n            - name: NODE_NAME\n              valueFrom:\n                fieldRef:\n                  fieldPath: spec.nodeName\n" +
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: elastic-agent\nsubjects:\n  - kind: ServiceAccount\n    name: elastic-agent\n    namespace: kube-system\nroleRef:\n  kind: ClusterRole\n  name: elastic-agent\n  apiGroup: rbac.authorization.k8s.io\n" +
		"---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: elastic-agent\n  namespace: kube-system\n", true
}

func (k *Kibana) kubernetesManifestItem(c *call) {
	if m, ok := k.managedManifest(c); ok {
		c.ok(map[string]any{"item": m})
	}
}

func (k *Kibana) kubernetesManifestDownload(c *call) {
	if m, ok := k.managedManifest(c); ok {
		c.w.Header().Set("Content-Disposition", `attachment; filename="elastic-agent-managed-kubernetes.yml"`)
		c.ok(m)
	}
}

// Remote synced integrations.

func (k *Kibana) remoteSyncedStatus(c *call) {
	c.ok(map[string]any{"integrations": []any{}})
}

func (k *Kibana) remoteOutputSyncStatus(c *call) {
	id := c.param("outputId")
	o := c.space.fleet.outputs.get(id)
	if o == nil {
		c.notFound(soNotFoundMessage("ingest-outputs", id))
		return
	}
	if o.typ != "remote_elasticsearch" {
		c.badRequest(fmt.Sprintf("Output %s is not a remote elasticsearch output", id))
		return
	}
	items := []any{}
	if sync, _ := o.members["sync_integrations"].(bool); sync {
		names := make([]string, 0, len(c.space.fleet.installs))
		for name := range c.space.fleet.installs {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			inst := c.space.fleet.installs[name]
			items = append(items, map[string]any{"package_name": name, "package_version": inst.version, "updated_at": inst.updatedAt,
				"sync_status": "completed", "install_status": map[string]any{"main": "installed", "remote": "installed"}})
		}
	}
	c.ok(map[string]any{"integrations": items, "custom_assets": map[string]any{}})
}

// Settings.

// Checks, keys, tokens and setup.

func (k *Kibana) checkFleetPermissions(c *call) {
	if _, ok := fleetQueryBools(c, "fleetServerSetup"); !ok {
		return
	}
	c.ok(map[string]any{"success": true})
}

func (k *Kibana) fleetHealthCheck(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"id"})
	if !ok {
		return
	}
	id := b.str("id", true)
	if b.failed() {
		return
	}
	st := &c.space.fleet
	h := st.serverHosts.get(id)
	if h == nil {
		c.notFound(fmt.Sprintf("The requested host id %s does not exist.", id))
		return
	}
	status := "offline"
	for _, a := range st.agents.all() {
		if p := st.policies.get(a.policyID); p != nil && p.hasFleetServer && k.agentStatus(st, a) == "online" {
			status = "online"
		}
	}
	c.ok(map[string]any{"name": h.name, "host_id": h.id, "status": status})
}

func (k *Kibana) fleetSetup(c *call) {
	c.fleetAdmin()
	c.ok(map[string]any{"isInitialized": true, "nonFatalErrors": []any{}})
}

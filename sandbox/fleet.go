package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The Fleet API: Elastic Agents and their actions (fleet_agents.go), agent
// policies (fleet_policies.go), the infrastructure they use — outputs,
// download sources, Fleet Server hosts, proxies (fleet_settings.go) —,
// integration packages from the sandbox's registry (fleet_registry.go,
// fleet_epm.go), package policies (fleet_package_policies.go) and the data
// streams they feed. Kuery parameters are KQL (fleet_kql.go).
//
// What the sandbox approximates:
//   - Agents never check in: their status follows from the last check-in
//     the seed gave them and the sandbox clock (offline after 5 minutes,
//     inactive after the policy's inactivity timeout), or from what an
//     action did to them. Actions complete at once for agents that are
//     online; offline agents leave them in progress.
//   - Package policies are answered in Kibana's simplified format (inputs
//     keyed by input ID, streams by data stream, vars as name to value),
//     which is the shape the published spec gives them, whatever format
//     is asked for; legacy input arrays are accepted on writes.
//   - Data streams exist for every enabled stream of a package policy whose
//     agent policy has agents; their sizes are made up from their names.
//   - Installations, outputs, hosts and proxies are per space (Kibana keeps
//     them per cluster).

// fleetState holds a space's Fleet data. Its zero value is an empty Fleet:
// no policies, agents, outputs or installed packages.
type fleetState struct {
	agents      fleetStore[fleetAgent]
	policies    fleetStore[fleetPolicy]
	pkgPolicies fleetStore[fleetPkgPolicy]
	outputs     fleetStore[fleetOutput]
	sources     fleetStore[fleetDownloadSource]
	serverHosts fleetStore[fleetServerHost]
	proxies     fleetStore[fleetProxy]
	enrollKeys  fleetStore[fleetEnrollKey]
	settings    fleetSettings

	installs map[string]*fleetInstall // by package name
	custom   map[string]*fleetPkgDef  // uploaded and custom packages
	epm      fleetEPMState            // bulk package tasks

	actions       []*fleetAction          // oldest first
	uploads       map[string][]*fleetFile // diagnostics bundles by agent id
	uncategorised []string                // data streams no package manages
	logstashKeys  int
	pits          map[string]bool // points in time find_agents opened
}

// fleetStore keeps objects by id in creation order; its zero value is
// empty.
type fleetStore[T any] struct {
	byID  map[string]*T
	order []string
}

func (s *fleetStore[T]) get(id string) *T { return s.byID[id] }

func (s *fleetStore[T]) put(id string, v *T) {
	if s.byID == nil {
		s.byID = map[string]*T{}
	}
	if _, ok := s.byID[id]; !ok {
		s.order = append(s.order, id)
	}
	s.byID[id] = v
}

func (s *fleetStore[T]) remove(id string) {
	delete(s.byID, id)
	s.order = slices.DeleteFunc(s.order, func(x string) bool { return x == id })
}

// findAll answers a whole store as one page, the way Fleet lists its
// outputs, proxies, download sources and Fleet Server hosts.
func findAll[T any, P interface {
	*T
	doc() map[string]any
}](c *call, s *fleetStore[T]) {
	items := []any{}
	for _, v := range s.all() {
		items = append(items, P(v).doc())
	}
	c.ok(map[string]any{"items": items, "total": len(items), "page": 1, "perPage": max(len(items), 20)})
}

// bulkGet answers a bulk read: the items for ids in the asked order. A
// missing id fails the call through notFound, unless ignoreMissing.
func bulkGet[T any](c *call, s *fleetStore[T], ids []string, ignoreMissing *bool, notFound func(c *call, id string), doc func(*T) map[string]any) {
	items := []any{}
	for _, id := range ids {
		v := s.get(id)
		if v == nil {
			if ignoreMissing != nil && *ignoreMissing {
				continue
			}
			notFound(c, id)
			return
		}
		items = append(items, doc(v))
	}
	c.ok(map[string]any{"items": items})
}

func (s *fleetStore[T]) all() []*T {
	out := make([]*T, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.byID[id])
	}
	return out
}

func (k *Kibana) fleetRoutes() []route {
	routes := []route{
		// Agents; the fixed paths come before /agents/{agentId}.
		newRoute(http.MethodGet, "/api/fleet/agents", k.findAgents),
		newRoute(http.MethodGet, "/api/fleet/agents/action_status", k.agentActionStatus),
		newRoute(http.MethodGet, "/api/fleet/agents/available_versions", k.agentAvailableVersions),
		newRoute(http.MethodGet, "/api/fleet/agents/tags", k.agentTags),
		newRoute(http.MethodGet, "/api/fleet/agents/setup", k.agentSetupStatus),
		newRoute(http.MethodPost, "/api/fleet/agents/bulk_request_diagnostics", k.bulkAgentDiagnostics),
		newRoute(http.MethodPost, "/api/fleet/agents/bulk_reassign", k.bulkReassignAgents),
		newRoute(http.MethodPost, "/api/fleet/agents/bulk_update_agent_tags", k.bulkUpdateAgentTags),
		newRoute(http.MethodPost, "/api/fleet/agents/bulk_upgrade", k.bulkUpgradeAgents),
		newRoute(http.MethodPost, "/api/fleet/agents/bulk_unenroll", k.bulkUnenrollAgents),
		newRoute(http.MethodPost, "/api/fleet/agents/actions/{actionId}/cancel", k.cancelAgentAction),
		newRoute(http.MethodGet, "/api/fleet/agents/{agentId}", k.getAgent),
		newRoute(http.MethodPut, "/api/fleet/agents/{agentId}", k.updateAgent),
		newRoute(http.MethodDelete, "/api/fleet/agents/{agentId}", k.deleteAgent),
		newRoute(http.MethodPost, "/api/fleet/agents/{agentId}/unenroll", k.unenrollAgent),
		newRoute(http.MethodPost, "/api/fleet/agents/{agentId}/request_diagnostics", k.agentDiagnostics),
		newRoute(http.MethodGet, "/api/fleet/agents/{agentId}/uploads", k.agentUploads),
		newRoute(http.MethodPost, "/api/fleet/agents/{agentId}/reassign", k.reassignAgent),
		newRoute(http.MethodPost, "/api/fleet/agents/{agentId}/upgrade", k.upgradeAgent),
		newRoute(http.MethodPost, "/api/fleet/agents/{agentId}/actions", k.sendAgentAction),
		newRoute(http.MethodGet, "/api/fleet/agent_status", k.agentStatusSummary),
		newRoute(http.MethodGet, "/api/fleet/agent_status/data", k.agentIncomingData),

		// Credentials.
		newRoute(http.MethodGet, "/api/fleet/enrollment_api_keys", k.findEnrollKeys),
		newRoute(http.MethodPost, "/api/fleet/enrollment_api_keys", k.createEnrollKey),
		newRoute(http.MethodGet, "/api/fleet/enrollment_api_keys/{keyId}", k.getEnrollKey),
		newRoute(http.MethodDelete, "/api/fleet/enrollment_api_keys/{keyId}", k.revokeEnrollKey),
		newRoute(http.MethodGet, "/api/fleet/uninstall_tokens", k.findUninstallTokens),
		newRoute(http.MethodGet, "/api/fleet/uninstall_tokens/{uninstallTokenId}", k.getUninstallToken),

		// Agent policies.
		newRoute(http.MethodGet, "/api/fleet/agent_policies", k.findAgentPolicies),
		newRoute(http.MethodPost, "/api/fleet/agent_policies", k.createAgentPolicy),
		newRoute(http.MethodPost, "/api/fleet/agent_policies/outputs", k.agentPoliciesOutputs),
		newRoute(http.MethodPost, "/api/fleet/agent_policies/_bulk_get", k.bulkGetAgentPolicies),
		newRoute(http.MethodPost, "/api/fleet/agent_policies/delete", k.deleteAgentPolicy),
		newRoute(http.MethodPost, "/api/fleet/agent_policies/{agentPolicyId}/copy", k.copyAgentPolicy),
		newRoute(http.MethodGet, "/api/fleet/agent_policies/{agentPolicyId}", k.getAgentPolicy),
		newRoute(http.MethodPut, "/api/fleet/agent_policies/{agentPolicyId}", k.updateAgentPolicy),
		newRoute(http.MethodGet, "/api/fleet/agent_policies/{agentPolicyId}/full", k.fullAgentPolicy),
		newRoute(http.MethodGet, "/api/fleet/agent_policies/{agentPolicyId}/outputs", k.agentPolicyOutputs),

		// Settings.
		newRoute(http.MethodGet, "/api/fleet/agent_download_sources", k.findDownloadSources),
		newRoute(http.MethodPost, "/api/fleet/agent_download_sources", k.createDownloadSource),
		newRoute(http.MethodGet, "/api/fleet/agent_download_sources/{sourceId}", k.getDownloadSource),
		newRoute(http.MethodPut, "/api/fleet/agent_download_sources/{sourceId}", k.updateDownloadSource),
		newRoute(http.MethodDelete, "/api/fleet/agent_download_sources/{sourceId}", k.deleteDownloadSource),
		newRoute(http.MethodGet, "/api/fleet/fleet_server_hosts", k.findFleetServerHosts),
		newRoute(http.MethodPost, "/api/fleet/fleet_server_hosts", k.createFleetServerHost),
		newRoute(http.MethodGet, "/api/fleet/fleet_server_hosts/{itemId}", k.getFleetServerHost),
		newRoute(http.MethodDelete, "/api/fleet/fleet_server_hosts/{itemId}", k.deleteFleetServerHost),
		newRoute(http.MethodPut, "/api/fleet/fleet_server_hosts/{itemId}", k.updateFleetServerHost),
		newRoute(http.MethodPost, "/api/fleet/logstash_api_keys", k.createLogstashAPIKey),
		newRoute(http.MethodPost, "/api/fleet/service_tokens", k.createServiceToken),
		newRoute(http.MethodPost, "/api/fleet/message_signing_service/rotate_key_pair", k.rotateSigningKey),
		newRoute(http.MethodGet, "/api/fleet/settings", k.getFleetSettings),
		newRoute(http.MethodPut, "/api/fleet/settings", k.updateFleetSettings),
		newRoute(http.MethodGet, "/api/fleet/space_settings", k.getFleetSpaceSettings),
		newRoute(http.MethodPut, "/api/fleet/space_settings", k.updateFleetSpaceSettings),
		newRoute(http.MethodGet, "/api/fleet/outputs", k.findOutputs),
		newRoute(http.MethodPost, "/api/fleet/outputs", k.createOutput),
		newRoute(http.MethodGet, "/api/fleet/outputs/{outputId}", k.getOutput),
		newRoute(http.MethodDelete, "/api/fleet/outputs/{outputId}", k.deleteOutput),
		newRoute(http.MethodGet, "/api/fleet/outputs/{outputId}/health", k.outputHealth),
		newRoute(http.MethodGet, "/api/fleet/proxies", k.findProxies),
		newRoute(http.MethodPost, "/api/fleet/proxies", k.createProxy),
		newRoute(http.MethodPut, "/api/fleet/proxies/{itemId}", k.updateProxy),
		newRoute(http.MethodGet, "/api/fleet/proxies/{itemId}", k.getProxy),
		newRoute(http.MethodDelete, "/api/fleet/proxies/{itemId}", k.deleteProxy),

		// Packages; the fixed paths come before {pkgName}/{pkgVersion}.
		newRoute(http.MethodGet, "/api/fleet/data_streams", k.fleetDataStreams),
		newRoute(http.MethodGet, "/api/fleet/epm/data_streams", k.epmDataStreams),
		newRoute(http.MethodPost, "/api/fleet/epm/custom_integrations", k.createCustomIntegration),
		newRoute(http.MethodGet, "/api/fleet/epm/verification_key_id", k.packageVerificationKey),
		newRoute(http.MethodGet, "/api/fleet/epm/packages", k.findPackages),
		newRoute(http.MethodPost, "/api/fleet/epm/packages", k.uploadPackage),
		newRoute(http.MethodPost, "/api/fleet/epm/packages/_bulk", k.bulkInstallPackages),
		newRoute(http.MethodGet, "/api/fleet/epm/packages/installed", k.installedPackages),
		newRoute(http.MethodGet, "/api/fleet/epm/packages/{pkgName}/stats", k.packageStats),
		newRoute(http.MethodGet, "/api/fleet/epm/packages/{pkgName}/{pkgVersion}", k.getPackage),
		newRoute(http.MethodPost, "/api/fleet/epm/packages/{pkgName}/{pkgVersion}", k.installPackage),
		newRoute(http.MethodDelete, "/api/fleet/epm/packages/{pkgName}/{pkgVersion}", k.uninstallPackage),
		newRoute(http.MethodPost, "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/transforms/authorize", k.authorizePackageTransforms),

		// Package policies.
		newRoute(http.MethodGet, "/api/fleet/package_policies", k.findPackagePolicies),
		newRoute(http.MethodPost, "/api/fleet/package_policies", k.createPackagePolicy),
		newRoute(http.MethodPost, "/api/fleet/package_policies/delete", k.deletePackagePolicies),
		newRoute(http.MethodPost, "/api/fleet/package_policies/_bulk_get", k.bulkGetPackagePolicies),
		newRoute(http.MethodDelete, "/api/fleet/package_policies/{packagePolicyId}", k.deletePackagePolicy),
		newRoute(http.MethodPost, "/api/fleet/package_policies/upgrade", k.upgradePackagePolicies),
		newRoute(http.MethodPost, "/api/fleet/package_policies/upgrade/dryrun", k.dryRunPackagePolicyUpgrade),
		newRoute(http.MethodGet, "/api/fleet/package_policies/{packagePolicyId}", k.getPackagePolicy),
		newRoute(http.MethodPut, "/api/fleet/package_policies/{packagePolicyId}", k.updatePackagePolicy),
	}
	// A package file's path spans segments (Kibana's {filePath*}); a route
	// per depth takes them, and the handler joins them again.
	for depth := 1; depth <= fleetMaxFileDepth; depth++ {
		p := "/api/fleet/epm/packages/{pkgName}/{pkgVersion}"
		for i := range depth {
			p += fmt.Sprintf("/{filePath%d}", i)
		}
		routes = append(routes, newRoute(http.MethodGet, p, k.packageFile))
	}
	return routes
}

// fleetMaxFileDepth is how many segments a package file path may have.
const fleetMaxFileDepth = 8

// fleetQueryBools reads boolean query parameters, answering Kibana's 400
// for anything but true or false. ok is false when the call was answered.
func fleetQueryBools(c *call, names ...string) (map[string]bool, bool) {
	out := map[string]bool{}
	for _, name := range names {
		switch s := c.query(name); s {
		case "", "false":
		case "true":
			out[name] = true
		default:
			c.badRequest(fmt.Sprintf("[request query.%s]: expected value of type [boolean] but got [string]", name))
			return nil, false
		}
	}
	return out, true
}

// fleetSortOrder reads sortOrder (asc or desc).
func fleetSortOrder(c *call, def string) (string, bool) {
	switch s := c.query("sortOrder"); s {
	case "":
		return def, true
	case "asc", "desc":
		return s, true
	default:
		c.badRequest(fmt.Sprintf("[request query.sortOrder]: types that failed validation:\n- [request query.sortOrder.0]: expected value to equal [desc]\n- [request query.sortOrder.1]: expected value to equal [asc] (got [%s])", s))
		return "", false
	}
}

// fleetPaging reads page (from 1) and perPage (default 20).
func fleetPaging(c *call) (page, perPage int, ok bool) {
	if page, ok = c.queryInt("page", 1, 1, 100000); !ok {
		return 0, 0, false
	}
	if perPage, ok = c.queryInt("perPage", 20, 1, 10000); !ok {
		return 0, 0, false
	}
	return page, perPage, true
}

// fleetPageOf cuts one page out of a list.
func fleetPageOf[T any](items []T, page, perPage int) []T {
	start := (page - 1) * perPage
	if start >= len(items) {
		return []T{}
	}
	return items[start:min(start+perPage, len(items))]
}

// fleetBody checks a JSON object body member by member, keeping the first
// problem in Kibana's words.
type fleetBody struct {
	c   *call
	m   map[string]any
	err string
}

// fleetBodyOf starts checking the body: unknown members are refused (as
// Kibana's schemas do) unless allowed is nil. An optional body may be
// absent.
func fleetBodyOf(c *call, optional bool, allowed []string) (*fleetBody, bool) {
	if c.body == nil {
		raw := strings.TrimSpace(string(c.rawBody))
		if raw != "" && raw != "null" {
			c.badRequest("[request body]: expected a plain object value, but found [" + fleetKindOfJSON(c.rawBody) + "] instead.")
			return nil, false
		}
		if !optional {
			c.badRequest("[request body]: expected a plain object value, but found [null] instead.")
			return nil, false
		}
		return &fleetBody{c: c, m: map[string]any{}}, true
	}
	if allowed != nil {
		keys := make([]string, 0, len(c.body))
		for key := range c.body {
			keys = append(keys, key)
		}
		slices.Sort(keys)
		for _, key := range keys {
			if !slices.Contains(allowed, key) {
				c.badRequest(fmt.Sprintf("[request body.%s]: definition for this key is missing", key))
				return nil, false
			}
		}
	}
	return &fleetBody{c: c, m: c.body}, true
}

func fleetKindOfJSON(raw []byte) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "string"
	}
	return fleetKind(v)
}

// fleetKind names a JSON value's kind as Kibana's validation does.
func fleetKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64, int:
		return "number"
	case []any:
		return "Array"
	case map[string]any:
		return "Object"
	}
	return fmt.Sprintf("%T", v)
}

func (b *fleetBody) fail(field, msg string) {
	if b.err == "" {
		b.err = fmt.Sprintf("[request body.%s]: %s", field, msg)
	}
}

func (b *fleetBody) typeError(field, want string, v any, present bool) {
	got := "undefined"
	if present {
		got = fleetKind(v)
	}
	b.fail(field, fmt.Sprintf("expected value of type [%s] but got [%s]", want, got))
}

// failed answers the first problem; true when it did.
func (b *fleetBody) failed() bool {
	if b.err != "" {
		b.c.badRequest(b.err)
		return true
	}
	return false
}

func (b *fleetBody) has(name string) bool {
	_, ok := b.m[name]
	return ok
}

// str reads a string member; required ones must be present and not empty.
func (b *fleetBody) str(name string, required bool) string {
	v, ok := b.m[name]
	if !ok || (v == nil && !required) {
		if required {
			b.typeError(name, "string", nil, false)
		}
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		b.typeError(name, "string", v, true)
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		b.fail(name, "value has length [0] but it must have a minimum length of [1].")
	}
	return s
}

// nullableStr reads a member that may be a string or null: set reports it
// was given, null that it was null.
func (b *fleetBody) nullableStr(name string) (s string, set bool) {
	v, ok := b.m[name]
	if !ok || v == nil {
		return "", ok
	}
	s, isStr := v.(string)
	if !isStr {
		b.typeError(name, "string", v, true)
	}
	return s, true
}

func (b *fleetBody) boolean(name string) *bool {
	v, ok := b.m[name]
	if !ok || v == nil {
		return nil
	}
	x, isBool := v.(bool)
	if !isBool {
		b.typeError(name, "boolean", v, true)
		return nil
	}
	return &x
}

func (b *fleetBody) number(name string) *float64 {
	v, ok := b.m[name]
	if !ok || v == nil {
		return nil
	}
	n, isNum := v.(json.Number)
	if !isNum {
		b.typeError(name, "number", v, true)
		return nil
	}
	f, err := n.Float64()
	if err != nil {
		b.typeError(name, "number", v, true)
		return nil
	}
	return &f
}

// strings reads an array of strings; present reports it was given.
func (b *fleetBody) strings(name string, required bool) (list []string, present bool) {
	v, ok := b.m[name]
	if !ok || v == nil {
		if required {
			b.typeError(name, "array", nil, false)
		}
		return nil, false
	}
	arr, isArr := v.([]any)
	if !isArr {
		b.typeError(name, "array", v, true)
		return nil, true
	}
	list = make([]string, 0, len(arr))
	for i, e := range arr {
		s, isStr := e.(string)
		if !isStr {
			b.typeError(fmt.Sprintf("%s.%d", name, i), "string", e, true)
			return nil, true
		}
		list = append(list, s)
	}
	return list, true
}

// object reads an object member.
func (b *fleetBody) object(name string) (map[string]any, bool) {
	v, ok := b.m[name]
	if !ok || v == nil {
		return nil, false
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		b.typeError(name, "Object", v, true)
		return nil, true
	}
	return m, true
}

// fleetJSONClone deep-copies a JSON value, turning json.Number into
// float64-free numbers that marshal as given.
func fleetJSONClone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = fleetJSONClone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fleetJSONClone(e)
		}
		return out
	}
	return v
}

func fleetCloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return fleetJSONClone(m).(map[string]any)
}

func fleetStrings(list []string) []string {
	if list == nil {
		return []string{}
	}
	return slices.Clone(list)
}

// fleetNamespaceError is Kibana's check of a data stream namespace ("" when
// it is fine).
func fleetNamespaceError(ns string) string {
	switch {
	case strings.TrimSpace(ns) == "":
		return "Namespace is required"
	case ns != strings.ToLower(ns):
		return "Namespace must be lowercase"
	case strings.ContainsAny(ns, `*\/?"<>|,#:- `+"\t"):
		return `Namespace contains invalid characters`
	case len(ns) > 100:
		return "Namespace cannot be more than 100 bytes"
	}
	return ""
}

// fleetUser is who a write is made by: the Basic user, else the owner of
// the API key, which the sandbox calls elastic.
func fleetUser(c *call) string {
	if s, ok := strings.CutPrefix(c.r.Header.Get("Authorization"), "Basic "); ok {
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			if user, _, ok := strings.Cut(string(b), ":"); ok && user != "" {
				return user
			}
		}
	}
	return "elastic"
}

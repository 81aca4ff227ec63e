package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// The Kibana security API's roles. Roles are Kibana-wide (they live in
// Elasticsearch), kept in the default space's state whatever /s/{space}
// prefix a request carries. Built-in roles are reserved: they can be read
// but not changed or deleted.
//
// What the sandbox approximates: Elasticsearch's own checks are the known
// privilege names (cluster, index, remote cluster), reserved metadata keys
// and that a document-level security query is JSON; an unknown role is a
// 404 naming it; feature privileges are not checked against the features'
// definitions (Kibana accepts unknown features too).

// rolesState holds the roles by name.
type rolesState struct {
	byName   map[string]*kibanaRole
	sessions []kibanaSession // security_sessions.go
}

// kibanaRole is one role as stored: the Elasticsearch part and the Kibana
// entries already in the shape the API answers.
type kibanaRole struct {
	name, description string
	elasticsearch     map[string]any
	kibana            []map[string]any // {base, feature, spaces}
	metadata          map[string]any
	reserved          bool
}

func (st *rolesState) put(r *kibanaRole) {
	if st.byName == nil {
		st.byName = map[string]*kibanaRole{}
	}
	st.byName[r.name] = r
}

// roles are Kibana-wide, kept on the default space.
func (k *Kibana) roles() *rolesState { return &k.spaces["default"].platform.roles }

func (k *Kibana) rolesRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/security/role", k.findRoles),
		newRoute(http.MethodGet, "/api/security/role/{name}", k.getRole),
		newRoute(http.MethodPut, "/api/security/role/{name}", k.putRole),
		newRoute(http.MethodDelete, "/api/security/role/{name}", k.deleteRole),
		newRoute(http.MethodPost, "/api/security/role/_query", k.queryRoles),
		newRoute(http.MethodPost, "/api/security/roles", k.bulkPutRoles),
		newRoute(http.MethodPost, "/api/security/session/_invalidate", k.invalidateSessions),
	}
}

// roleDeprecatedFeatures maps deprecated feature IDs to their replacements,
// as replaceDeprecatedPrivileges shows them.
var roleDeprecatedFeatures = map[string]string{
	"siem":                  "siemV2",
	"securitySolutionCases": "securitySolutionCasesV2",
	"observabilityCases":    "observabilityCasesV2",
	"generalCases":          "generalCasesV2",
	"discover":              "discover_v2",
	"dashboard":             "dashboard_v2",
	"visualize":             "visualize_v2",
	"maps":                  "maps_v2",
}

// roleDoc is a role as Kibana answers it.
func roleDoc(r *kibanaRole, replaceDeprecated bool) map[string]any {
	kib := make([]any, 0, len(r.kibana))
	for _, e := range r.kibana {
		entry := cfgClone(e)
		if replaceDeprecated {
			feature := map[string]any{}
			for id, privs := range entry["feature"].(map[string]any) {
				if to, ok := roleDeprecatedFeatures[id]; ok {
					id = to
				}
				feature[id] = privs
			}
			entry["feature"] = feature
		}
		kib = append(kib, entry)
	}
	doc := map[string]any{
		"name":                       r.name,
		"metadata":                   cfgClone(r.metadata),
		"transient_metadata":         map[string]any{"enabled": true},
		"elasticsearch":              cfgClone(r.elasticsearch),
		"kibana":                     kib,
		"_transform_error":           []any{},
		"_unrecognized_applications": []any{},
	}
	if r.description != "" {
		doc["description"] = r.description
	}
	return doc
}

func (k *Kibana) findRoles(c *call) {
	replace, ok := platQueryBool(c, "replaceDeprecatedPrivileges")
	if !ok {
		return
	}
	st := k.roles()
	out := make([]any, 0, len(st.byName))
	for _, name := range slices.Sorted(maps.Keys(st.byName)) {
		out = append(out, roleDoc(st.byName[name], replace))
	}
	c.ok(out)
}

func roleNotFound(c *call, name string) {
	c.notFound(fmt.Sprintf("role [%s] not found", name))
}

func (k *Kibana) getRole(c *call) {
	replace, ok := platQueryBool(c, "replaceDeprecatedPrivileges")
	if !ok {
		return
	}
	r := k.roles().byName[c.param("name")]
	if r == nil {
		roleNotFound(c, c.param("name"))
		return
	}
	c.ok(roleDoc(r, replace))
}

func (k *Kibana) deleteRole(c *call) {
	name := c.param("name")
	st := k.roles()
	r := st.byName[name]
	switch {
	case r == nil:
		roleNotFound(c, name)
	case r.reserved:
		c.badRequest(esReason("illegal_argument_exception", fmt.Sprintf("role [%s] is reserved and cannot be deleted", name)))
	default:
		delete(st.byName, name)
		c.noContent()
	}
}

// esReason is an Elasticsearch error as Kibana passes it on.
func esReason(typ, reason string) string {
	return fmt.Sprintf("%s\n\tRoot causes:\n\t\t%s: %s", typ, typ, reason)
}

// The role body, in the order of Kibana's schema.
var (
	roleIndexItem = []cfgField{
		{name: "names", kind: "strings", required: true, check: platMinItems(1)},
		{name: "field_security", kind: "object", check: roleCheckFieldSecurity},
		{name: "privileges", kind: "strings", required: true, check: platMinItems(1)},
		{name: "query", kind: "string"},
		{name: "allow_restricted_indices", kind: "boolean"},
	}
	roleRemoteIndexItem = append([]cfgField{{name: "clusters", kind: "strings", required: true, check: platMinItems(1)}}, roleIndexItem...)
	roleESBody          = []cfgField{
		{name: "cluster", kind: "strings"},
		{name: "remote_cluster", kind: "objects", items: []cfgField{
			{name: "privileges", kind: "strings", required: true, check: platMinItems(1)},
			{name: "clusters", kind: "strings", required: true, check: platMinItems(1)},
		}},
		{name: "indices", kind: "objects", items: roleIndexItem},
		{name: "remote_indices", kind: "objects", items: roleRemoteIndexItem},
		{name: "run_as", kind: "strings"},
	}
	roleBody = []cfgField{
		{name: "description", kind: "string", check: cfgMaxLen(2048)},
		{name: "metadata", kind: "object"},
		{name: "elasticsearch", kind: "object", required: true, fields: roleESBody},
		{name: "kibana", kind: "objects"},
	}
	roleNamePattern = lazyRegexp(`^[a-zA-Z0-9_-]+$`)
)

func roleCheckFieldSecurity(v any) string {
	for _, key := range slices.Sorted(maps.Keys(v.(map[string]any))) {
		if key != "grant" && key != "except" {
			return fmt.Sprintf("key(%q) is not allowed: expected [grant] or [except]", key)
		}
		list, ok := v.(map[string]any)[key].([]any)
		if !ok {
			return fmt.Sprintf("%s: expected value of type [array] but got [%s]", key, cfgTypeOf(v.(map[string]any)[key]))
		}
		for i, e := range list {
			if _, ok := e.(string); !ok {
				return fmt.Sprintf("%s.%d: expected value of type [string] but got [%s]", key, i, cfgTypeOf(e))
			}
		}
	}
	return ""
}

// roleCheckKibana validates the kibana entries as Kibana's schema does and
// answers them in the stored shape.
func roleCheckKibana(list []any) ([]map[string]any, string) {
	out := make([]map[string]any, 0, len(list))
	covered := map[string]bool{}
	var twice []string
	for i, raw := range list {
		at := fmt.Sprintf("request body.kibana.%d", i)
		e := raw.(map[string]any)
		for _, key := range slices.Sorted(maps.Keys(e)) {
			if key != "spaces" && key != "base" && key != "feature" {
				return nil, fmt.Sprintf("[%s.%s]: definition for this key is missing", at, key)
			}
		}
		spaces := []string{"*"}
		if v, present := e["spaces"]; present {
			list, ok := v.([]any)
			if !ok {
				return nil, fmt.Sprintf("[%s.spaces]: expected value of type [array] but got [%s]", at, cfgTypeOf(v))
			}
			if msg := roleCheckSpaces(at+".spaces", list); msg != "" {
				return nil, msg
			}
			spaces = platStrings(list)
		}
		global := len(spaces) == 1 && spaces[0] == "*"
		base := []string{}
		if v, present := e["base"]; present && v != nil {
			list, ok := v.([]any)
			if !ok {
				return nil, fmt.Sprintf("[%s.base]: expected value of type [array] but got [%s]", at, cfgTypeOf(v))
			}
			for j, p := range list {
				s, ok := p.(string)
				switch {
				case !ok:
					return nil, fmt.Sprintf("[%s.base.%d]: expected value of type [string] but got [%s]", at, j, cfgTypeOf(p))
				case s != "all" && s != "read" && global:
					return nil, fmt.Sprintf("[%s.base.%d]: unknown global privilege %q, must be one of [all,read]", at, j, s)
				case s != "all" && s != "read":
					return nil, fmt.Sprintf("[%s.base.%d]: unknown space privilege %q, must be one of [all,read]", at, j, s)
				}
				base = append(base, s)
			}
		}
		feature := map[string]any{}
		granted := 0
		if v, present := e["feature"]; present {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Sprintf("[%s.feature]: expected value of type [object] but got [%s]", at, cfgTypeOf(v))
			}
			for _, id := range slices.Sorted(maps.Keys(m)) {
				if !roleNamePattern().MatchString(id) {
					return nil, fmt.Sprintf("[%s.feature.key(%q)]: only a-z, A-Z, 0-9, '_', and '-' are allowed", at, id)
				}
				privs, ok := m[id].([]any)
				if !ok {
					return nil, fmt.Sprintf("[%s.feature.%s]: expected value of type [array] but got [%s]", at, id, cfgTypeOf(m[id]))
				}
				for j, p := range privs {
					if s, ok := p.(string); !ok || !roleNamePattern().MatchString(s) {
						return nil, fmt.Sprintf("[%s.feature.%s.%d]: only a-z, A-Z, 0-9, '_', and '-' are allowed", at, id, j)
					}
				}
				granted += len(privs)
				feature[id] = cfgCloneValue(privs)
			}
		}
		switch {
		case len(base) == 0 && granted == 0:
			return nil, fmt.Sprintf("[%s]: either [base] or [feature] is expected, but none of them specified", at)
		case len(base) > 0 && len(feature) > 0:
			return nil, fmt.Sprintf("[%s]: definition of [feature] isn't allowed when non-empty [base] is defined.", at)
		}
		for _, s := range spaces {
			if covered[s] && !slices.Contains(twice, s) {
				twice = append(twice, s)
			}
			covered[s] = true
		}
		out = append(out, map[string]any{"base": cfgStrings(base), "feature": feature, "spaces": cfgStrings(spaces)})
	}
	if len(twice) > 0 {
		return nil, fmt.Sprintf("[request body.kibana]: more than one privilege is applied to the following spaces: [%s]", strings.Join(twice, ", "))
	}
	return out, ""
}

// roleCheckSpaces is the spaces member's oneOf: ["*"] alone, or space IDs.
func roleCheckSpaces(at string, list []any) string {
	var allSpaces, ids string
	switch {
	case len(list) == 0:
		allSpaces = fmt.Sprintf("[%s.0]: array size is [0], but cannot be smaller than [1]", at)
	default:
		for j, e := range list {
			if e != "*" {
				allSpaces = fmt.Sprintf("[%s.0.%d]: expected value to equal [*]", at, j)
				break
			}
		}
		if allSpaces == "" && len(list) > 1 {
			allSpaces = fmt.Sprintf("[%s.0]: array size is [%d], but cannot be greater than [1]", at, len(list))
		}
	}
	if allSpaces == "" {
		return ""
	}
	for j, e := range list {
		s, ok := e.(string)
		if !ok {
			ids = fmt.Sprintf("[%s.1.%d]: expected value of type [string] but got [%s]", at, j, cfgTypeOf(e))
			break
		}
		if !spaceIDPattern().MatchString(s) {
			ids = fmt.Sprintf("[%s.1.%d]: must be lower case, a-z, 0-9, '_', and '-' are allowed", at, j)
			break
		}
	}
	if ids == "" {
		return ""
	}
	return fmt.Sprintf("[%s]: types that failed validation:\n- %s\n- %s", at, allSpaces, ids)
}

// Elasticsearch's privilege names.
var (
	roleClusterPrivileges = []string{
		"all", "cancel_task", "create_snapshot", "cross_cluster_replication", "cross_cluster_search", "delegate_pki",
		"grant_api_key", "manage", "manage_api_key", "manage_autoscaling", "manage_behavioral_analytics", "manage_ccr",
		"manage_data_frame_transforms", "manage_data_stream_global_retention", "manage_enrich", "manage_ilm",
		"manage_index_templates", "manage_inference", "manage_ingest_pipelines", "manage_logstash_pipelines",
		"manage_ml", "manage_oidc", "manage_own_api_key", "manage_pipeline", "manage_rollup", "manage_saml",
		"manage_search_application", "manage_search_query_rules", "manage_search_synonyms", "manage_security",
		"manage_service_account", "manage_slm", "manage_token", "manage_transform", "manage_user_profile",
		"manage_watcher", "monitor", "monitor_data_frame_transforms", "monitor_data_stream_global_retention",
		"monitor_enrich", "monitor_inference", "monitor_ml", "monitor_rollup", "monitor_snapshot", "monitor_stats",
		"monitor_text_structure", "monitor_transform", "monitor_watcher", "none", "post_behavioral_analytics_event",
		"read_ccr", "read_connector_secrets", "read_fleet_secrets", "read_ilm", "read_pipeline", "read_security",
		"read_slm", "transport_client", "write_connector_secrets", "write_fleet_secrets",
	}
	roleIndexPrivileges = []string{
		"all", "auto_configure", "create", "create_doc", "create_index", "cross_cluster_replication",
		"cross_cluster_replication_internal", "delete", "delete_index", "index", "maintenance", "manage",
		"manage_data_stream_lifecycle", "manage_failure_store", "manage_follow_index", "manage_ilm",
		"manage_leader_index", "monitor", "none", "read", "read_cross_cluster", "read_failure_store",
		"view_index_metadata", "write",
	}
	roleRemoteClusterPrivileges = []string{"monitor_enrich", "monitor_stats"}
)

// roleCheckES is what Elasticsearch checks of a role Kibana passes on.
func roleCheckES(es, metadata map[string]any) string {
	for _, p := range platStrings(es["cluster"]) {
		if !slices.Contains(roleClusterPrivileges, p) && !strings.HasPrefix(p, "cluster:") {
			return esReason("illegal_argument_exception", fmt.Sprintf("unknown cluster privilege [%s]. a privilege must be either one of the predefined cluster privilege names [%s] or a pattern over one of the available cluster actions", p, strings.Join(roleClusterPrivileges, ",")))
		}
	}
	for _, member := range []string{"indices", "remote_indices"} {
		entries, _ := es[member].([]any)
		for i, raw := range entries {
			e := raw.(map[string]any)
			for _, p := range platStrings(e["privileges"]) {
				if !slices.Contains(roleIndexPrivileges, p) && !strings.HasPrefix(p, "indices:") {
					return esReason("illegal_argument_exception", fmt.Sprintf("unknown index privilege [%s]. a privilege must be either one of the predefined fixed indices privileges [%s] or a pattern over one of the available index actions", p, strings.Join(roleIndexPrivileges, ",")))
				}
			}
			if q, ok := e["query"].(string); ok {
				var v map[string]any
				if err := json.Unmarshal([]byte(q), &v); err != nil || len(v) == 0 {
					return esReason("x_content_parse_exception", fmt.Sprintf("failed to parse the query of %s[%d]: expected a JSON object holding one query clause, got %q", member, i, q))
				}
			}
		}
	}
	entries, _ := es["remote_cluster"].([]any)
	for _, raw := range entries {
		for _, p := range platStrings(raw.(map[string]any)["privileges"]) {
			if !slices.Contains(roleRemoteClusterPrivileges, p) {
				return esReason("action_request_validation_exception", fmt.Sprintf("Validation Failed: 1: Invalid remote_cluster permissions found. Please remove the following: [%s] Only [%s] are allowed;", p, strings.Join(roleRemoteClusterPrivileges, ", ")))
			}
		}
	}
	for key := range metadata {
		if strings.HasPrefix(key, "_") {
			return esReason("action_request_validation_exception", "Validation Failed: 1: role metadata keys may not start with [_];")
		}
	}
	return ""
}

// roleStoredES is the Elasticsearch part as get_role answers it.
func roleStoredES(es map[string]any) map[string]any {
	out := map[string]any{"cluster": cfgStrings(platStrings(es["cluster"])), "run_as": cfgStrings(platStrings(es["run_as"])), "indices": []any{}}
	for _, member := range []string{"indices", "remote_indices"} {
		entries, present := es[member].([]any)
		if !present {
			continue
		}
		list := make([]any, 0, len(entries))
		for _, raw := range entries {
			e := cfgClone(raw.(map[string]any))
			if _, ok := e["allow_restricted_indices"]; !ok {
				e["allow_restricted_indices"] = false
			}
			list = append(list, e)
		}
		out[member] = list
	}
	if rc, ok := es["remote_cluster"].([]any); ok {
		out["remote_cluster"] = cfgCloneValue(rc)
	}
	return out
}

func (k *Kibana) putRole(c *call) {
	name := c.param("name")
	if n := len([]rune(name)); n > 1024 {
		c.badRequest(fmt.Sprintf("[request params.name]: value has length [%d] but it must have a maximum length of [1024].", n))
		return
	}
	createOnly, ok := platQueryBool(c, "createOnly")
	if !ok || !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, roleBody, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	r, status, msg := k.roleFromBody(name, body, createOnly)
	switch status {
	case http.StatusBadRequest:
		c.badRequest(msg)
	case http.StatusConflict:
		c.conflict(msg)
	default:
		k.roles().put(r)
		c.noContent()
	}
}

// roleFromBody is the role a checked body describes, or the status and
// message refusing it: a reserved role, or (with createOnly) one that
// exists.
func (k *Kibana) roleFromBody(name string, body map[string]any, createOnly bool) (*kibanaRole, int, string) {
	var kib []map[string]any
	var msg string
	if list, ok := body["kibana"].([]any); ok {
		if kib, msg = roleCheckKibana(list); msg != "" {
			return nil, http.StatusBadRequest, msg
		}
	}
	existing := k.roles().byName[name]
	if createOnly && existing != nil {
		return nil, http.StatusConflict, "Role already exists and cannot be created: " + name
	}
	if existing != nil && existing.reserved {
		return nil, http.StatusBadRequest, esReason("illegal_argument_exception", fmt.Sprintf("role [%s] is reserved and cannot be modified.", name))
	}
	es := body["elasticsearch"].(map[string]any)
	metadata, _ := body["metadata"].(map[string]any)
	if msg := roleCheckES(es, metadata); msg != "" {
		return nil, http.StatusBadRequest, msg
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	description, _ := body["description"].(string)
	return &kibanaRole{name: name, description: description, elasticsearch: roleStoredES(es), kibana: kib, metadata: cfgClone(metadata)}, http.StatusOK, ""
}

// seedRoles adds Elasticsearch's built-in roles and the story's own.
func (k *Kibana) seedRoles(st *rolesState) {
	st.sessions = slices.Clone(seedSessions)
	index := func(names []string, privileges []string, extra ...any) map[string]any {
		e := map[string]any{"names": cfgStrings(names), "privileges": cfgStrings(privileges), "allow_restricted_indices": false}
		for i := 0; i+1 < len(extra); i += 2 {
			e[extra[i].(string)] = extra[i+1]
		}
		return e
	}
	es := func(cluster []string, indices ...map[string]any) map[string]any {
		list := make([]any, 0, len(indices))
		for _, e := range indices {
			list = append(list, e)
		}
		return map[string]any{"cluster": cfgStrings(cluster), "indices": list, "run_as": []any{}}
	}
	base := func(privilege string, spaces ...string) map[string]any {
		return map[string]any{"base": []any{privilege}, "feature": map[string]any{}, "spaces": cfgStrings(spaces)}
	}
	feature := func(features map[string][]string, spaces ...string) map[string]any {
		f := map[string]any{}
		for id, privs := range features {
			f[id] = cfgStrings(privs)
		}
		return map[string]any{"base": []any{}, "feature": f, "spaces": cfgStrings(spaces)}
	}
	reserved := map[string]any{"_reserved": true}
	notRestricted := []string{"/~(([.]|ilm-history-).*)/"}
	superuser := es([]string{"all"},
		index([]string{"*"}, []string{"all"}),
		index([]string{"*"}, []string{"monitor", "read", "view_index_metadata", "read_cross_cluster"}, "allow_restricted_indices", true))
	superuser["run_as"] = []any{"*"}
	for _, r := range []*kibanaRole{
		{name: "superuser", description: "Grants full access to cluster management and data indices.", elasticsearch: superuser, kibana: []map[string]any{base("all", "*")}, metadata: reserved, reserved: true},
		{name: "kibana_admin", description: "Grants access to all features in Kibana.", elasticsearch: es(nil), kibana: []map[string]any{base("all", "*")}, metadata: reserved, reserved: true},
		{name: "editor", description: "Grants full access to all features in Kibana (including Solutions) and read-only access to data indices.", elasticsearch: es(nil,
			index(notRestricted, []string{"read", "view_index_metadata"}),
			index([]string{".siem-signals*", ".lists-*", ".items-*", ".alerts-security*"}, []string{"read", "view_index_metadata", "write", "maintenance"})),
			kibana: []map[string]any{base("all", "*")}, metadata: reserved, reserved: true},
		{name: "viewer", description: "Grants read-only access to all features in Kibana (including Solutions) and to data indices.", elasticsearch: es(nil,
			index(notRestricted, []string{"read", "view_index_metadata"})),
			kibana: []map[string]any{base("read", "*")}, metadata: reserved, reserved: true},
		{name: "monitoring_user", description: "Grants the minimum privileges required for any user of X-Pack monitoring other than those required to use Kibana.", elasticsearch: es([]string{"cluster:monitor/main"},
			index([]string{".monitoring-*", "metrics-*"}, []string{"read", "read_cross_cluster"})),
			kibana: []map[string]any{feature(map[string][]string{"monitoring": {"all"}}, "*")}, metadata: reserved, reserved: true},
		{name: "soc_analyst", description: "Triages detection alerts and works cases in the soc space.", elasticsearch: es([]string{"monitor"},
			index([]string{"logs-*", ".alerts-security.alerts-soc"}, []string{"read", "view_index_metadata"}),
			index([]string{".alerts-security.alerts-soc"}, []string{"write", "maintenance"})),
			kibana:   []map[string]any{feature(map[string][]string{"siemV2": {"all"}, "securitySolutionCasesV2": {"all"}, "discover_v2": {"read"}, "dashboard_v2": {"read"}}, "soc")},
			metadata: map[string]any{"version": 1, "team": "soc"}},
		{name: "soc_lead", description: "Runs the soc space and reads the default one.", elasticsearch: es([]string{"monitor", "manage_own_api_key"},
			index([]string{"logs-*", ".alerts-security.alerts-*"}, []string{"read", "view_index_metadata", "write", "maintenance"})),
			kibana: []map[string]any{base("all", "soc"), base("read", "default")}, metadata: map[string]any{"version": 2, "team": "soc"}},
		{name: "threat_hunter", description: "Searches logs for threats without seeing credentials.", elasticsearch: es(nil,
			index([]string{"logs-*", "filebeat-*"}, []string{"read"}, "field_security", map[string]any{"grant": []any{"*"}, "except": []any{"user.password"}}, "query", `{"term":{"organization":"acme"}}`)),
			kibana: []map[string]any{feature(map[string][]string{"discover_v2": {"all"}, "dashboard_v2": {"all"}, "siemV2": {"read"}}, "default", "soc")}, metadata: map[string]any{"version": 1}},
		{name: "fleet_admin", description: "Manages Fleet agents, policies and integrations everywhere.", elasticsearch: es([]string{"monitor", "manage_own_api_key"},
			index([]string{"logs-*", "metrics-*"}, []string{"read"})),
			kibana: []map[string]any{feature(map[string][]string{"fleetv2": {"all"}, "fleet": {"all"}}, "*")}, metadata: map[string]any{"version": 1}},
		{name: "apm_reader", description: "Reads APM data and settings in the default space.", elasticsearch: es(nil,
			index([]string{"traces-apm*", "logs-apm*", "metrics-apm*"}, []string{"read", "view_index_metadata"})),
			kibana: []map[string]any{feature(map[string][]string{"apm": {"read"}}, "default")}, metadata: map[string]any{"version": 1}},
	} {
		st.put(r)
	}
}

package tools

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Kibana security API's roles: what users holding a role may do in
// Elasticsearch (cluster, index and document privileges) and in Kibana
// (base or feature privileges, per space). Changing roles is Admin work.
var securityOperations = []*operation.Operation{
	{
		Name:        "find_roles",
		Title:       "Find roles",
		Description: "List roles with what each grants: Elasticsearch cluster and index privileges, and Kibana privileges per space.",
		Toolset:     "security",
		Method:      http.MethodGet,
		Path:        "/api/security/role",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindRolesInput{},
		Examples:    []string{`{}`, `{"replaceDeprecatedPrivileges":true,"space_id":"soc"}`},
	},
	{
		Name:        "get_role",
		Title:       "Get role",
		Description: "Read one role: the Elasticsearch and Kibana privileges it grants, per space.",
		Toolset:     "security",
		Method:      http.MethodGet,
		Path:        "/api/security/role/{name}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetRoleInput{},
		Examples:    []string{`{"name":"soc_analyst"}`, `{"name":"soc_analyst","replaceDeprecatedPrivileges":true,"space_id":"soc"}`},
	},
	{
		Name:        "put_role",
		Title:       "Create or replace role",
		Description: "Create a role, or replace one whole (start from get_role): what its users may do in Elasticsearch and, per space, in Kibana.",
		Toolset:     "security",
		Method:      http.MethodPut,
		Path:        "/api/security/role/{name}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       PutRoleInput{},
		Examples: []string{
			`{"name":"monitoring","elasticsearch":{"cluster":["monitor"]}}`,
			`{"name":"soc_analyst","createOnly":true,"description":"Reads security data; runs cases in the soc space.","elasticsearch":{"cluster":["monitor"],"indices":[{"names":["logs-*",".alerts-security.alerts-*"],"privileges":["read","view_index_metadata"],"field_security":{"grant":["*"],"except":["user.password"]},"query":{"term":{"organization":"acme"}},"allow_restricted_indices":false}],"remote_indices":[{"clusters":["eu-*"],"names":["logs-*"],"privileges":["read"],"field_security":{"grant":["*"]},"query":"{\"match_all\":{}}","allow_restricted_indices":false}],"remote_cluster":[{"clusters":["eu-*"],"privileges":["monitor_enrich"]}],"run_as":["svc_reporting"]},"kibana":[{"base":[],"feature":{"securitySolutionCases":["all"],"discover":["read"]},"spaces":["soc"]},{"base":["read"],"spaces":["default"]}],"metadata":{"version":1},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_role",
		Title:       "Delete role",
		Description: "Delete a role: its users lose every privilege it granted; cannot be undone.",
		Toolset:     "security",
		Method:      http.MethodDelete,
		Path:        "/api/security/role/{name}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeleteRoleInput{},
		Examples:    []string{`{"name":"soc_analyst"}`, `{"name":"soc_analyst","space_id":"soc"}`},
	},
	// The three below carry no x-state. unverified: their first versions
	// (the role query and bulk routes are believed to be 8.x additions);
	// none is declared, so the toolset's bound holds.
	{
		Name:        "query_roles",
		Title:       "Query roles",
		Description: "Search roles by name or description, sorted and a page at a time, optionally without Elastic's reserved ones.",
		Toolset:     "security",
		Method:      http.MethodPost,
		Path:        "/api/security/role/_query",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       QueryRolesInput{},
		Examples: []string{
			`{"query":"soc"}`,
			`{"query":"analyst","from":0,"size":10,"sort":{"field":"name","direction":"asc"},"filters":{"showReservedRoles":false},"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_put_roles",
		Title:       "Create or replace roles",
		Description: "Create or replace several roles at once, by name, each as put_role takes it; answers which were created, updated or failed.",
		Toolset:     "security",
		Method:      http.MethodPost,
		Path:        "/api/security/roles",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       BulkPutRolesInput{},
		Examples: []string{
			`{"roles":{"tier1_analyst":{"elasticsearch":{"indices":[{"names":[".alerts-security.alerts-*"],"privileges":["read"]}]},"kibana":[{"base":[],"feature":{"siemV2":["read"]},"spaces":["soc"]}]}}}`,
			`{"roles":{"tier1_analyst":{"description":"Reads alerts.","elasticsearch":{"cluster":["monitor"]}},"tier2_analyst":{"elasticsearch":{"indices":[{"names":["logs-*"],"privileges":["read"],"query":{"term":{"team":"soc"}}}]},"kibana":[{"base":["all"],"spaces":["soc"]}],"metadata":{"owner":"soc"}}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "invalidate_sessions",
		Title:       "Invalidate user sessions",
		Description: "Log users out of Kibana: every session, or those of one auth provider and user. Answers how many ended.",
		Toolset:     "security",
		Method:      http.MethodPost,
		Path:        "/api/security/session/_invalidate",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       InvalidateSessionsInput{},
		Examples: []string{
			`{"match":"query","query":{"provider":{"type":"basic"},"username":"jdoe"}}`,
			`{"match":"query","query":{"provider":{"type":"saml","name":"saml1"},"username":"jdoe@example.com"},"space_id":"soc"}`,
			`{"match":"all"}`,
		},
	},
}

// QueryRolesInput searches roles.
type QueryRolesInput struct {
	Query   string           `json:"query,omitempty" jsonschema_description:"Words of the name or description."`
	From    int              `json:"from,omitempty" jsonschema:"minimum=0"`
	Size    int              `json:"size,omitempty" jsonschema:"minimum=1,maximum=10000" jsonschema_description:"Default 25."`
	Sort    *RoleQuerySort   `json:"sort,omitempty"`
	Filters *RoleQueryFilter `json:"filters,omitempty"`
}

// RoleQuerySort orders the roles.
type RoleQuerySort struct {
	Field     string `json:"field" jsonschema:"required,minLength=1" jsonschema_description:"E.g. name."`
	Direction string `json:"direction" jsonschema:"required,enum=asc,enum=desc"`
}

// RoleQueryFilter narrows the roles.
type RoleQueryFilter struct {
	ShowReservedRoles *bool `json:"showReservedRoles,omitempty" jsonschema_description:"Default true."`
}

// queryRolesSize is the page the tool asks for when the model names none.
const queryRolesSize = 25

// Prepare asks for a page of a readable size.
func (in *QueryRolesInput) Prepare() error {
	if in.Size == 0 {
		in.Size = queryRolesSize
	}
	return nil
}

// BulkPutRolesInput is several whole roles.
type BulkPutRolesInput struct {
	Roles map[string]RoleDefinition `json:"roles" jsonschema:"required,minProperties=1" jsonschema_description:"By role name."`
}

// Prepare checks each role as put_role does.
func (in *BulkPutRolesInput) Prepare() error {
	for _, name := range slices.Sorted(maps.Keys(in.Roles)) {
		r := in.Roles[name]
		if name == "" || len(name) > 1024 {
			return &schema.ArgumentError{Field: "roles", Rule: "role names hold 1 to 1024 characters"}
		}
		if err := r.check("roles." + name + "."); err != nil {
			return err
		}
		in.Roles[name] = r
	}
	return nil
}

// InvalidateSessionsInput picks the sessions to end.
type InvalidateSessionsInput struct {
	Match string              `json:"match" jsonschema:"required,enum=all,enum=query" jsonschema_description:"all: every session of every user."`
	Query *SessionQueryFilter `json:"query,omitempty" jsonschema_description:"With match query."`
}

// SessionQueryFilter names a provider and, optionally, a user.
type SessionQueryFilter struct {
	Provider SessionProvider `json:"provider" jsonschema:"required"`
	Username string          `json:"username,omitempty"`
}

// SessionProvider is an authentication provider.
type SessionProvider struct {
	Type string `json:"type" jsonschema:"required,minLength=1" jsonschema_description:"E.g. basic, saml, oidc, token, pki, kerberos."`
	Name string `json:"name,omitempty" jsonschema_description:"E.g. saml1; default every provider of the type."`
}

// Prepare ties query to match.
func (in *InvalidateSessionsInput) Prepare() error {
	switch {
	case in.Match == "query" && in.Query == nil:
		return &schema.ArgumentError{Field: "query", Rule: "is required with match query"}
	case in.Match == "all" && in.Query != nil:
		return &schema.ArgumentError{Field: "query", Rule: "is only for match query; leave it out with match all"}
	}
	return nil
}

// FindRolesInput lists every role.
type FindRolesInput struct {
	ReplaceDeprecatedPrivileges bool `json:"replaceDeprecatedPrivileges,omitempty" in:"query" jsonschema_description:"Show deprecated feature privileges as their replacements."`
}

// GetRoleInput names one role.
type GetRoleInput struct {
	Name                        string `json:"name" in:"path" jsonschema:"required,minLength=1"`
	ReplaceDeprecatedPrivileges bool   `json:"replaceDeprecatedPrivileges,omitempty" in:"query" jsonschema_description:"As in find_roles."`
}

// DeleteRoleInput names the role to delete.
type DeleteRoleInput struct {
	Name string `json:"name" in:"path" jsonschema:"required,minLength=1"`
}

// PutRoleInput is a whole role: PUT replaces what was stored.
type PutRoleInput struct {
	Name       string `json:"name" in:"path" jsonschema:"required,minLength=1,maxLength=1024"`
	CreateOnly bool   `json:"createOnly,omitempty" in:"query" jsonschema_description:"Fail if the role exists."`
	RoleDefinition
}

// RoleDefinition is what a role grants, as put_role and bulk_put_roles
// send it.
type RoleDefinition struct {
	Description   string            `json:"description,omitempty" jsonschema:"maxLength=2048"`
	Elasticsearch RoleElasticsearch `json:"elasticsearch" jsonschema:"required"`
	Kibana        []RoleKibana      `json:"kibana,omitempty" jsonschema_description:"One entry per set of spaces; each space in one entry only."`
	Metadata      map[string]any    `json:"metadata,omitempty" jsonschema_description:"Keys starting with _ are reserved."`
}

// RoleElasticsearch is what a role grants in Elasticsearch. The remote
// entries are shown as bare objects described in prose (their full schemas
// would repeat indices' and cost the tool a third of its size); decoding
// stays strict and Prepare checks their required members.
type RoleElasticsearch struct {
	Cluster       []string            `json:"cluster,omitempty" jsonschema_description:"E.g. monitor, manage."`
	Indices       []RoleIndices       `json:"indices,omitempty"`
	RemoteIndices []RoleRemoteIndices `json:"remote_indices,omitempty" jsonschema_description:"As indices, plus clusters: remote cluster aliases."`
	RemoteCluster []RoleRemoteCluster `json:"remote_cluster,omitempty" jsonschema_description:"Each {clusters, privileges}, e.g. monitor_enrich."`
	RunAs         []string            `json:"run_as,omitempty" jsonschema_description:"Users it may act as."`
}

// RoleIndices grants privileges on indices, optionally limited to some
// fields and documents.
type RoleIndices struct {
	Names                  []string           `json:"names" jsonschema:"required,minItems=1" jsonschema_description:"Wildcards allowed."`
	Privileges             []string           `json:"privileges" jsonschema:"required,minItems=1" jsonschema_description:"E.g. read, write, all."`
	FieldSecurity          *RoleFieldSecurity `json:"field_security,omitempty"`
	Query                  any                `json:"query,omitempty" jsonschema:"oneof_type=object;string" jsonschema_description:"Document-level security: query DSL."`
	AllowRestrictedIndices bool               `json:"allow_restricted_indices,omitempty" jsonschema_description:"Also match system indices; discouraged."`
}

// RoleRemoteIndices is RoleIndices on remote clusters.
type RoleRemoteIndices struct {
	Clusters               []string           `json:"clusters"`
	Names                  []string           `json:"names"`
	Privileges             []string           `json:"privileges"`
	FieldSecurity          *RoleFieldSecurity `json:"field_security,omitempty"`
	Query                  any                `json:"query,omitempty"`
	AllowRestrictedIndices bool               `json:"allow_restricted_indices,omitempty"`
}

// JSONSchemaAlias shows the entry as a bare object.
func (RoleRemoteIndices) JSONSchemaAlias() any { return json.RawMessage(nil) }

// RoleRemoteCluster grants cluster privileges on remote clusters.
type RoleRemoteCluster struct {
	Clusters   []string `json:"clusters"`
	Privileges []string `json:"privileges"`
}

// JSONSchemaAlias shows the entry as a bare object.
func (RoleRemoteCluster) JSONSchemaAlias() any { return json.RawMessage(nil) }

// RoleFieldSecurity is field-level security: the fields granted, minus
// those excepted.
type RoleFieldSecurity struct {
	Grant  []string `json:"grant,omitempty" jsonschema_description:"Readable fields; wildcards allowed."`
	Except []string `json:"except,omitempty"`
}

// RoleKibana grants Kibana privileges in some spaces: base privileges for
// every feature, or privileges feature by feature, never both.
type RoleKibana struct {
	Base    []string            `json:"base" jsonschema_description:"all or read, for every feature; [] when feature is given."`
	Feature map[string][]string `json:"feature,omitempty" jsonschema_description:"Feature ID to privileges, e.g. {\"discover\":[\"all\"]}."`
	Spaces  []string            `json:"spaces,omitempty" jsonschema:"pattern=^([a-z0-9_-]+|\\*)$" jsonschema_description:"Space IDs, or [\"*\"] (default) for all."`
}

// kibanaName is what Kibana accepts as a feature ID or privilege name.
var kibanaName = lazyRegexp(`^[a-zA-Z0-9_-]+$`)

// Prepare checks what Kibana's role schema checks beyond the shapes, and
// fills the defaults it would apply, so the request says what it grants.
func (in *PutRoleInput) Prepare() error { return in.RoleDefinition.check("") }

// check is Prepare for a role whose arguments start with p.
func (in *RoleDefinition) check(p string) error {
	es := &in.Elasticsearch
	for i := range es.Indices {
		q, err := roleQuery(fmt.Sprintf(p+"elasticsearch.indices[%d].query", i), es.Indices[i].Query)
		if err != nil {
			return err
		}
		es.Indices[i].Query = q
	}
	for i := range es.RemoteIndices {
		r := &es.RemoteIndices[i]
		at := fmt.Sprintf(p+"elasticsearch.remote_indices[%d]", i)
		if err := nonEmptyLists(at, "clusters", r.Clusters, "names", r.Names, "privileges", r.Privileges); err != nil {
			return err
		}
		q, err := roleQuery(at+".query", r.Query)
		if err != nil {
			return err
		}
		r.Query = q
	}
	for i, r := range es.RemoteCluster {
		if err := nonEmptyLists(fmt.Sprintf(p+"elasticsearch.remote_cluster[%d]", i), "clusters", r.Clusters, "privileges", r.Privileges); err != nil {
			return err
		}
	}
	covered := map[string]int{} // space → entry granting it
	for i := range in.Kibana {
		k := &in.Kibana[i]
		at := fmt.Sprintf(p+"kibana[%d]", i)
		if k.Base == nil {
			k.Base = []string{}
		}
		if len(k.Spaces) == 0 {
			k.Spaces = []string{"*"}
		}
		features := slices.Sorted(maps.Keys(k.Feature))
		granted := 0
		for _, f := range features {
			if !kibanaName().MatchString(f) {
				return &schema.ArgumentError{Field: at + ".feature", Rule: fmt.Sprintf("has feature ID %q; IDs hold only letters, digits, _ and -", f)}
			}
			for j, p := range k.Feature[f] {
				if !kibanaName().MatchString(p) {
					return &schema.ArgumentError{Field: fmt.Sprintf("%s.feature.%s[%d]", at, f, j), Rule: fmt.Sprintf("%q is not a privilege name (letters, digits, _ and -)", p)}
				}
			}
			granted += len(k.Feature[f])
		}
		switch {
		case len(k.Base) == 0 && granted == 0:
			return &schema.ArgumentError{Field: at, Rule: "grants nothing; give base (all or read) or feature privileges"}
		case len(k.Base) > 0 && len(features) > 0:
			return &schema.ArgumentError{Field: at + ".feature", Rule: "is not allowed with a non-empty base; give base or feature privileges, not both"}
		}
		if slices.Contains(k.Spaces, "*") && len(k.Spaces) > 1 {
			return &schema.ArgumentError{Field: at + ".spaces", Rule: `"*" (every space) must be the only entry`}
		}
		for _, s := range k.Spaces {
			if prev, dup := covered[s]; dup {
				return &schema.ArgumentError{Field: at + ".spaces", Rule: fmt.Sprintf("names %q, which "+p+"kibana[%d] already covers; give each space one entry", s, prev)}
			}
			covered[s] = i
		}
	}
	return nil
}

// roleQuery turns a document-level security query given as an object into
// the JSON string Kibana's role schema takes; a string passes as is (as
// get_role returns it).
func roleQuery(field string, q any) (any, error) {
	switch q := q.(type) {
	case nil:
		return nil, nil
	case string:
		if strings.TrimSpace(q) == "" {
			return nil, &schema.ArgumentError{Field: field, Rule: "must not be empty; leave it out to allow every document"}
		}
		return q, nil
	case map[string]any:
		if len(q) == 0 {
			return nil, &schema.ArgumentError{Field: field, Rule: `must hold a query clause, e.g. {"term":{"team":"soc"}}; leave it out to allow every document`}
		}
		b, err := json.Marshal(q)
		if err != nil {
			return nil, &schema.ArgumentError{Field: field, Rule: err.Error()}
		}
		return string(b), nil
	}
	return nil, &schema.ArgumentError{Field: field, Rule: "must be a query object or its JSON string"}
}

// nonEmptyLists checks the named lists of an entry each hold at least one
// item (names and lists alternate in pairs).
func nonEmptyLists(at string, pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if list, _ := pairs[i+1].([]string); len(list) == 0 {
			return &schema.ArgumentError{Field: at + "." + pairs[i].(string), Rule: "is required: give at least one"}
		}
	}
	return nil
}

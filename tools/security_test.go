package tools

import "testing"

// TestRoleRequests pins the role requests: reads take the deprecated
// privileges switch as a query parameter; put_role sends the role whole,
// with the defaults Kibana would apply made explicit (base [] beside
// feature privileges, spaces ["*"]) and a query object turned into the JSON
// string Kibana's role schema takes.
func TestRoleRequests(t *testing.T) {
	checkRequests(t, []requestCase{
		{tool: "find_roles", args: `{}`, method: "GET", path: "/api/security/role"},
		{tool: "find_roles", args: `{"replaceDeprecatedPrivileges":true}`, method: "GET", path: "/api/security/role", query: "replaceDeprecatedPrivileges=true"},
		{tool: "get_role", args: `{"name":"soc analyst/1"}`, method: "GET", path: "/api/security/role/soc%20analyst%2F1"},
		{tool: "delete_role", args: `{"name":"soc_analyst","space_id":"soc"}`, method: "DELETE", path: "/api/security/role/soc_analyst", space: "soc"},
		{tool: "put_role", args: `{"name":"monitoring","elasticsearch":{"cluster":["monitor"]}}`,
			method: "PUT", path: "/api/security/role/monitoring", body: `{"elasticsearch":{"cluster":["monitor"]}}`},
		{tool: "put_role", args: `{"name":"viewer","elasticsearch":{},"kibana":[{"base":["read"]}]}`,
			method: "PUT", path: "/api/security/role/viewer", body: `{"elasticsearch":{},"kibana":[{"base":["read"],"spaces":["*"]}]}`},
		{tool: "put_role",
			args:   `{"name":"soc_analyst","createOnly":true,"description":"SOC.","elasticsearch":{"cluster":["monitor"],"indices":[{"names":["logs-*"],"privileges":["read"],"field_security":{"grant":["*"],"except":["user.password"]},"query":{"term":{"team":"soc"}},"allow_restricted_indices":true}],"remote_indices":[{"clusters":["eu-*"],"names":["logs-*"],"privileges":["read"],"query":"{\"match_all\":{}}"}],"remote_cluster":[{"clusters":["eu-*"],"privileges":["monitor_enrich"]}],"run_as":["svc"]},"kibana":[{"feature":{"discover":["read"],"securitySolutionCases":["all"]},"spaces":["soc","ir"]},{"base":["all"],"spaces":["default"]}],"metadata":{"version":1}}`,
			method: "PUT", path: "/api/security/role/soc_analyst", query: "createOnly=true",
			body: `{"description":"SOC.","elasticsearch":{"cluster":["monitor"],"indices":[{"names":["logs-*"],"privileges":["read"],"field_security":{"grant":["*"],"except":["user.password"]},"query":"{\"term\":{\"team\":\"soc\"}}","allow_restricted_indices":true}],"remote_indices":[{"clusters":["eu-*"],"names":["logs-*"],"privileges":["read"],"query":"{\"match_all\":{}}"}],"remote_cluster":[{"clusters":["eu-*"],"privileges":["monitor_enrich"]}],"run_as":["svc"]},"kibana":[{"base":[],"feature":{"discover":["read"],"securitySolutionCases":["all"]},"spaces":["soc","ir"]},{"base":["all"],"spaces":["default"]}],"metadata":{"version":1}}`},
	})
}

// TestPutRoleChecks pins the rules of Kibana's role schema that put_role
// checks before sending, each naming the member at fault.
func TestPutRoleChecks(t *testing.T) {
	const es = `"elasticsearch":{}`
	checkArgumentErrors(t, []struct{ tool, args, want string }{
		{"put_role", `{"name":"r"}`, `invalid argument "elasticsearch": is required`},
		{"put_role", `{"name":"","elasticsearch":{}}`, `invalid argument "name": must not be empty`},
		// Index privileges need indices and privileges.
		{"put_role", `{"name":"r","elasticsearch":{"indices":[{"names":[],"privileges":["read"]}]}}`,
			`invalid argument "elasticsearch.indices[0].names": must have at least 1 items, got 0`},
		{"put_role", `{"name":"r","elasticsearch":{"indices":[{"names":["logs-*"]}]}}`,
			`invalid argument "elasticsearch.indices[0].privileges": is required`},
		{"put_role", `{"name":"r","elasticsearch":{"indices":[{"names":["logs-*"],"privileges":["read"],"field_security":{"allow":["*"]}}]}}`,
			`invalid argument "elasticsearch.indices[0].field_security.allow": is not a known argument; allowed: except, grant`},
		{"put_role", `{"name":"r","elasticsearch":{"indices":[{"names":["logs-*"],"privileges":["read"],"query":{}}]}}`,
			`invalid argument "elasticsearch.indices[0].query": must hold a query clause, e.g. {"term":{"team":"soc"}}; leave it out to allow every document`},
		{"put_role", `{"name":"r","elasticsearch":{"indices":[{"names":["logs-*"],"privileges":["read"],"query":" "}]}}`,
			`invalid argument "elasticsearch.indices[0].query": must not be empty; leave it out to allow every document`},
		// Remote entries are bare objects in the schema, checked here.
		{"put_role", `{"name":"r","elasticsearch":{"remote_indices":[{"names":["logs-*"],"privileges":["read"]}]}}`,
			`invalid argument "elasticsearch.remote_indices[0].clusters": is required: give at least one`},
		{"put_role", `{"name":"r","elasticsearch":{"remote_indices":[{"clusters":["eu"],"names":["logs-*"],"privileges":["read"],"index":"x"}]}}`,
			`invalid argument "index": unknown argument; see the tool's input schema for the accepted names`},
		{"put_role", `{"name":"r","elasticsearch":{"remote_cluster":[{"clusters":["eu"]}]}}`,
			`invalid argument "elasticsearch.remote_cluster[0].privileges": is required: give at least one`},
		// Kibana privileges: base or feature, never both, never neither.
		{"put_role", `{"name":"r",` + es + `,"kibana":[{"spaces":["soc"]}]}`,
			`invalid argument "kibana[0]": grants nothing; give base (all or read) or feature privileges`},
		{"put_role", `{"name":"r",` + es + `,"kibana":[{"base":[],"feature":{"discover":[]}}]}`,
			`invalid argument "kibana[0]": grants nothing; give base (all or read) or feature privileges`},
		{"put_role", `{"name":"r",` + es + `,"kibana":[{"base":["all"],"feature":{"discover":["read"]}}]}`,
			`invalid argument "kibana[0].feature": is not allowed with a non-empty base; give base or feature privileges, not both`},
		{"put_role", `{"name":"r",` + es + `,"kibana":[{"feature":{"dis cover":["read"]}}]}`,
			`invalid argument "kibana[0].feature": has feature ID "dis cover"; IDs hold only letters, digits, _ and -`},
		{"put_role", `{"name":"r",` + es + `,"kibana":[{"feature":{"discover":["read all"]}}]}`,
			`invalid argument "kibana[0].feature.discover[0]": "read all" is not a privilege name (letters, digits, _ and -)`},
		{"put_role", `{"name":"r",` + es + `,"kibana":[{"feature":{"discover":"all"}}]}`,
			`invalid argument "kibana[0].feature.discover": must be an array, got "all"`},
		// Spaces: "*" alone, valid IDs, each space in one entry.
		{"put_role", `{"name":"r",` + es + `,"kibana":[{"base":["read"],"spaces":["*","soc"]}]}`,
			`invalid argument "kibana[0].spaces": "*" (every space) must be the only entry`},
		{"put_role", `{"name":"r",` + es + `,"kibana":[{"base":["read"],"spaces":["SOC"]}]}`,
			`invalid argument "kibana[0].spaces[0]": must match the pattern ^([a-z0-9_-]+|\*)$`},
		{"put_role", `{"name":"r",` + es + `,"kibana":[{"base":["read"],"spaces":["soc","ir"]},{"feature":{"discover":["all"]},"spaces":["ir"]}]}`,
			`invalid argument "kibana[1].spaces": names "ir", which kibana[0] already covers; give each space one entry`},
		{"put_role", `{"name":"r",` + es + `,"kibana":[{"base":["read"]},{"base":["all"]}]}`,
			`invalid argument "kibana[1].spaces": names "*", which kibana[0] already covers; give each space one entry`},
		{"put_role", `{"name":"r",` + es + `,"metadata":[]}`,
			`invalid argument "metadata": must be an object, got an array`},
	})
}

// TestRoleAnnotations: reading roles is plain; put_role replaces a role
// and delete_role removes one, so clients confirm both; both are Admin.
func TestRoleAnnotations(t *testing.T) {
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, openWorld
		"find_roles":  {true, false, true, false},
		"get_role":    {true, false, true, false},
		"put_role":    {false, true, true, false},
		"delete_role": {false, true, true, false},
	} {
		op := mustLookup(t, name)
		a := op.Annotations()
		if got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}; got != want {
			t.Errorf("%s: hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", name, got, want)
		}
		if op.Admin == want[0] {
			t.Errorf("%s: admin %v; reads are everyday work, changes to roles are Admin", name, op.Admin)
		}
	}
}

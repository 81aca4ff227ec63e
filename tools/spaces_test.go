package tools

import (
	"encoding/json"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// requestCase is one call of a tool and the request Kibana must receive
// for it: method, escaped path, encoded query, body, space and version.
type requestCase struct {
	tool, args                       string
	method, path, query, body, space string
	version                          string // "" means V20231031
}

// checkRequests binds each case and compares the whole request, including
// whether it is marked as a change and as safe to resend.
func checkRequests(t *testing.T, cases []requestCase) {
	t.Helper()
	for _, c := range cases {
		op := mustLookup(t, c.tool)
		req, err := op.Bind(args(t, c.args))
		if err != nil {
			t.Errorf("%s %s: %v", c.tool, c.args, err)
			continue
		}
		version := c.version
		if version == "" {
			version = operation.V20231031
		}
		if req.Method != c.method || req.Path != c.path || req.Query.Encode() != c.query || string(req.Body) != c.body || req.Space != c.space {
			t.Errorf("%s %s:\n got  %s %s ?%s %s (space %q)\n want %s %s ?%s %s (space %q)", c.tool, c.args,
				req.Method, req.Path, req.Query.Encode(), req.Body, req.Space, c.method, c.path, c.query, c.body, c.space)
		}
		if req.APIVersion != version {
			t.Errorf("%s: elastic-api-version %q, want %q", c.tool, req.APIVersion, version)
		}
		if req.Mutates != !op.ReadOnly() || req.Retryable != op.Retryable() {
			t.Errorf("%s: mutates %v, retryable %v; the declaration says %v, %v", c.tool, req.Mutates, req.Retryable, !op.ReadOnly(), op.Retryable())
		}
	}
}

// checkArgumentErrors binds each case and compares the error text the
// model reads, which names the argument at fault.
func checkArgumentErrors(t *testing.T, cases []struct{ tool, args, want string }) {
	t.Helper()
	for _, c := range cases {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestSpaceRequests pins what each spaces tool sends. The list always asks
// for the purposes the user may use each space for; a space is created with
// its ID in the body, replaced with it in both path and body, and deleted by
// its escaped ID.
func TestSpaceRequests(t *testing.T) {
	checkRequests(t, []requestCase{
		{tool: "find_spaces", args: `{}`, method: "GET", path: "/api/spaces/space", query: "include_authorized_purposes=true"},
		{tool: "find_spaces", args: `{"space_id":"soc"}`, method: "GET", path: "/api/spaces/space", query: "include_authorized_purposes=true", space: "soc"},
		{tool: "get_space", args: `{"id":"marketing"}`, method: "GET", path: "/api/spaces/space/marketing"},
		{tool: "get_space", args: `{"id":"a/b"}`, method: "GET", path: "/api/spaces/space/a%2Fb"},
		{tool: "create_space", args: `{"id":"marketing","name":"Marketing"}`,
			method: "POST", path: "/api/spaces/space", body: `{"id":"marketing","name":"Marketing"}`},
		{tool: "create_space", args: `{"id":"marketing","name":"Marketing","description":"Campaigns.","color":"#aabbcc","initials":"MK","imageUrl":"data:image/png;base64,iVBORw0KGgo=","disabledFeatures":["ml","canvas"],"solution":"classic","space_id":"soc"}`,
			method: "POST", path: "/api/spaces/space", space: "soc",
			body: `{"id":"marketing","name":"Marketing","description":"Campaigns.","color":"#aabbcc","initials":"MK","imageUrl":"data:image/png;base64,iVBORw0KGgo=","disabledFeatures":["ml","canvas"],"solution":"classic"}`},
		// update_space replaces the space: disabledFeatures goes as [] when
		// omitted, so the request says what the space ends up with.
		{tool: "update_space", args: `{"id":"marketing","name":"Marketing"}`,
			method: "PUT", path: "/api/spaces/space/marketing", body: `{"id":"marketing","name":"Marketing","disabledFeatures":[]}`},
		{tool: "update_space", args: `{"id":"marketing","name":"Sales","description":"Deals.","color":"#AABBCC","initials":"S","imageUrl":"data:image/png;base64,AA==","disabledFeatures":["ml"],"solution":"oblt","space_id":"soc"}`,
			method: "PUT", path: "/api/spaces/space/marketing", space: "soc",
			body: `{"id":"marketing","name":"Sales","description":"Deals.","color":"#AABBCC","initials":"S","imageUrl":"data:image/png;base64,AA==","disabledFeatures":["ml"],"solution":"oblt"}`},
		{tool: "delete_space", args: `{"id":"marketing"}`, method: "DELETE", path: "/api/spaces/space/marketing"},
		{tool: "delete_space", args: `{"id":"old space","space_id":"soc"}`, method: "DELETE", path: "/api/spaces/space/old%20space", space: "soc"},
	})
}

// TestSpaceArgumentChecks pins the messages for the space fields Kibana
// validates.
func TestSpaceArgumentChecks(t *testing.T) {
	checkArgumentErrors(t, []struct{ tool, args, want string }{
		{"create_space", `{"name":"Marketing"}`, `invalid argument "id": is required`},
		{"create_space", `{"id":"Marketing","name":"Marketing"}`, `invalid argument "id": must match the pattern ^[a-z0-9_-]+$`},
		{"create_space", `{"id":"marketing","name":""}`, `invalid argument "name": must not be empty`},
		{"create_space", `{"id":"marketing","name":"M","color":"blue"}`, `invalid argument "color": must match the pattern ^#[0-9A-Fa-f]{6}$`},
		{"create_space", `{"id":"marketing","name":"M","initials":"MKT"}`, `invalid argument "initials": must be at most 2 characters, got 3`},
		{"create_space", `{"id":"marketing","name":"M","imageUrl":"https://example.com/a.png"}`, `invalid argument "imageUrl": must match the pattern ^data:image/`},
		{"create_space", `{"id":"marketing","name":"M","solution":"siem"}`, `invalid argument "solution": must be one of "security", "oblt", "es", "classic", got "siem"`},
		{"create_space", `{"id":"marketing","name":"M","disabledFeatures":"ml"}`, `invalid argument "disabledFeatures": must be an array, got "ml"`},
		{"update_space", `{"id":"marketing"}`, `invalid argument "name": is required`},
		{"update_space", `{"id":"","name":"M"}`, `invalid argument "id": must match the pattern ^[a-z0-9_-]+$`},
		{"delete_space", `{}`, `invalid argument "id": is required`},
	})
}

// TestSpacesInTheDefaultSelection: listing and reading spaces is served by
// default and stays tiny (the default tool list is close to its budget);
// changing spaces is Admin and destructive where it replaces or deletes.
func TestSpacesInTheDefaultSelection(t *testing.T) {
	ops, err := serve.Select(Catalog, serve.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, op := range ops {
		served[op.Name] = true
	}
	for name, wantServed := range map[string]bool{
		"find_spaces": true, "get_space": true, "create_space": false, "update_space": false, "delete_space": false,
	} {
		op := mustLookup(t, name)
		if served[name] != wantServed || op.Admin == wantServed {
			t.Errorf("%s: served by default %v, admin %v; want served %v", name, served[name], op.Admin, wantServed)
		}
	}
	for _, name := range []string{"find_spaces", "get_space"} {
		tool, err := mustLookup(t, name).Tool()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(tool)
		if err != nil {
			t.Fatal(err)
		}
		if tok := serve.EstimateTokens(len(raw)); tok > 120 {
			t.Errorf("%s costs ~%d tokens in every default tool list; keep it within 120", name, tok)
		}
	}
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, openWorld
		"find_spaces":  {true, false, true, false},
		"get_space":    {true, false, true, false},
		"create_space": {false, false, false, false},
		"update_space": {false, true, true, false},
		"delete_space": {false, true, true, false},
	} {
		a := mustLookup(t, name).Annotations()
		if got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}; got != want {
			t.Errorf("%s: hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", name, got, want)
		}
	}
}

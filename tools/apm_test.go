package tools

import (
	"mime"
	"net/http"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

// TestAPMVersionPerRoute pins the elastic-api-version of every APM route,
// one by one as its seed page states it, so a route moving to another
// version shows up here rather than being covered by a blanket value.
func TestAPMVersionPerRoute(t *testing.T) {
	want := map[string]string{
		"search_apm_annotations":                   "2023-10-31",
		"find_apm_agent_configurations":            "2023-10-31",
		"get_apm_agent_configuration":              "2023-10-31",
		"search_apm_agent_configuration":           "2023-10-31",
		"create_or_update_apm_agent_configuration": "2023-10-31",
		"delete_apm_agent_configuration":           "2023-10-31",
		"get_apm_agent_name":                       "2023-10-31",
		"get_apm_environments":                     "2023-10-31",
		"create_apm_agent_key":                     "2023-10-31",
		"save_apm_server_schema":                   "2023-10-31",
		"find_apm_sourcemaps":                      "2023-10-31",
		"upload_apm_sourcemap":                     "2023-10-31",
		"delete_apm_sourcemap":                     "2023-10-31",
		"create_apm_annotation":                    "2023-10-31", // the spec's header enum
	}
	n := 0
	for _, op := range All() {
		if op.Toolset != "apm" {
			continue
		}
		n++
		version, ok := want[op.Name]
		if !ok {
			t.Errorf("%s: no expected version; add it from its seed page", op.Name)
			continue
		}
		for i, ex := range op.Examples {
			req, err := op.Bind(args(t, ex))
			if err != nil {
				t.Fatalf("%s example %d: %v", op.Name, i, err)
			}
			if req.APIVersion != version {
				t.Errorf("%s example %d: elastic-api-version %q, want %q", op.Name, i, req.APIVersion, version)
			}
		}
	}
	if n != len(want) {
		t.Errorf("apm toolset has %d tools, the table %d", n, len(want))
	}
}

// TestAPMRequests pins method, path, query and body of the APM tools.
func TestAPMRequests(t *testing.T) {
	checkRequests(t, []requestCase{
		{tool: "search_apm_annotations", args: `{"serviceName":"check out","environment":"ENVIRONMENT_ALL","start":"2025-03-01T00:00:00Z","end":"2025-03-02T00:00:00Z"}`,
			method: "GET", path: "/api/apm/services/check%20out/annotation/search", query: "end=2025-03-02T00%3A00%3A00Z&environment=ENVIRONMENT_ALL&start=2025-03-01T00%3A00%3A00Z"},
		{tool: "find_apm_agent_configurations", args: `{"space_id":"soc"}`, method: "GET", path: "/api/apm/settings/agent-configuration", space: "soc"},
		{tool: "get_apm_agent_configuration", args: `{"name":"checkout","environment":"production"}`,
			method: "GET", path: "/api/apm/settings/agent-configuration/view", query: "environment=production&name=checkout"},
		{tool: "get_apm_agent_configuration", args: `{}`, method: "GET", path: "/api/apm/settings/agent-configuration/view"},
		// The search is a POST that reads: no etag, nothing marked applied.
		{tool: "search_apm_agent_configuration", args: `{"service":{"name":"checkout","environment":"production"}}`,
			method: "POST", path: "/api/apm/settings/agent-configuration/search", body: `{"service":{"name":"checkout","environment":"production"}}`},
		{tool: "search_apm_agent_configuration", args: `{"service":{}}`,
			method: "POST", path: "/api/apm/settings/agent-configuration/search", body: `{"service":{}}`},
		{tool: "create_or_update_apm_agent_configuration", args: `{"service":{"name":"checkout"},"settings":{"transaction_sample_rate":"0.5"}}`,
			method: "PUT", path: "/api/apm/settings/agent-configuration", body: `{"service":{"name":"checkout"},"settings":{"transaction_sample_rate":"0.5"}}`},
		{tool: "create_or_update_apm_agent_configuration", args: `{"service":{"name":"checkout","environment":"production"},"settings":{"log_level":"warn","capture_body":"errors"},"agent_name":"java","overwrite":true}`,
			method: "PUT", path: "/api/apm/settings/agent-configuration", query: "overwrite=true",
			body: `{"service":{"name":"checkout","environment":"production"},"settings":{"capture_body":"errors","log_level":"warn"},"agent_name":"java"}`},
		{tool: "delete_apm_agent_configuration", args: `{"service":{"name":"checkout","environment":"production"}}`,
			method: "DELETE", path: "/api/apm/settings/agent-configuration", body: `{"service":{"name":"checkout","environment":"production"}}`},
		{tool: "get_apm_agent_name", args: `{"serviceName":"checkout"}`, method: "GET", path: "/api/apm/settings/agent-configuration/agent_name", query: "serviceName=checkout"},
		{tool: "get_apm_environments", args: `{}`, method: "GET", path: "/api/apm/settings/agent-configuration/environments"},
		{tool: "get_apm_environments", args: `{"serviceName":"checkout"}`, method: "GET", path: "/api/apm/settings/agent-configuration/environments", query: "serviceName=checkout"},
		{tool: "create_apm_agent_key", args: `{"name":"checkout-agents","privileges":["event:write","config_agent:read"]}`,
			method: "POST", path: "/api/apm/agent_keys", body: `{"name":"checkout-agents","privileges":["event:write","config_agent:read"]}`},
		{tool: "save_apm_server_schema", args: `{"schema":{"apm-server.host":"0.0.0.0:8200","apm-server.rum.enabled":true}}`,
			method: "POST", path: "/api/apm/fleet/apm_server_schema", body: `{"schema":{"apm-server.host":"0.0.0.0:8200","apm-server.rum.enabled":true}}`},
		// Source maps page small unless told otherwise.
		{tool: "find_apm_sourcemaps", args: `{}`, method: "GET", path: "/api/apm/sourcemaps", query: "perPage=20"},
		{tool: "find_apm_sourcemaps", args: `{"page":3,"perPage":5}`, method: "GET", path: "/api/apm/sourcemaps", query: "page=3&perPage=5"},
		{tool: "delete_apm_sourcemap", args: `{"id":"apm:shop-web-1.4.0-644f"}`, method: "DELETE", path: "/api/apm/sourcemaps/apm:shop-web-1.4.0-644f"},
	})
}

// TestUploadAPMSourceMapMultipart pins the whole upload: the three text
// fields in the spec's order, then the map as its JSON text (the form the
// route documents), members in source map order, none added.
func TestUploadAPMSourceMapMultipart(t *testing.T) {
	op := mustLookup(t, "upload_apm_sourcemap")
	req, err := op.Bind(args(t, `{"service_name":"shop-web","service_version":"1.4.0","bundle_filepath":"http://localhost/static/js/main.js","sourcemap":{"version":3,"file":"main.js","sources":["src/app.js"],"sourcesContent":["const a = \"<b>\";"],"names":["a"],"mappings":"AAAA,IAAMA","sourceRoot":"/"},"space_id":"soc"}`))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(req.ContentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		t.Fatalf("content type %q", req.ContentType)
	}
	if req.Method != http.MethodPost || req.Path != "/api/apm/sourcemaps" || req.Space != "soc" || req.APIVersion != operation.V20231031 ||
		!req.Mutates || req.Retryable || len(req.Query) != 0 {
		t.Errorf("request %+v", req)
	}
	got := strings.ReplaceAll(string(req.Body), params["boundary"], "BOUNDARY")
	want := "--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"service_name\"\r\n\r\n" +
		"shop-web\r\n" +
		"--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"service_version\"\r\n\r\n" +
		"1.4.0\r\n" +
		"--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"bundle_filepath\"\r\n\r\n" +
		"http://localhost/static/js/main.js\r\n" +
		"--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"sourcemap\"\r\n\r\n" +
		`{"version":3,"file":"main.js","sources":["src/app.js"],"sourcesContent":["const a = \"\u003cb\u003e\";"],"names":["a"],"mappings":"AAAA,IAAMA","sourceRoot":"/"}` + "\r\n" +
		"--BOUNDARY--\r\n"
	if got != want {
		t.Errorf("multipart body\n got  %q\n want %q", got, want)
	}

	// The smallest map: optional members stay out.
	req, err = op.Bind(args(t, `{"service_name":"s","service_version":"1","bundle_filepath":"/main.js","sourcemap":{"version":3,"sources":["a.js"],"mappings":"AAAA"}}`))
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ = mime.ParseMediaType(req.ContentType)
	if !strings.Contains(string(req.Body), "name=\"sourcemap\"\r\n\r\n"+`{"version":3,"sources":["a.js"],"mappings":"AAAA"}`+"\r\n--"+params["boundary"]+"--") {
		t.Errorf("smallest map body %q", req.Body)
	}
}

// TestAPMArgumentChecks pins the messages for arguments Kibana would refuse.
func TestAPMArgumentChecks(t *testing.T) {
	const upload = `"service_name":"s","service_version":"1","bundle_filepath":"/main.js"`
	checkArgumentErrors(t, []struct{ tool, args, want string }{
		// Kibana's annotation route requires all three, though the spec
		// marks them optional.
		{"search_apm_annotations", `{"serviceName":"checkout","start":"2025-03-01T00:00:00Z","end":"2025-03-02T00:00:00Z"}`,
			`invalid argument "environment": is required`},
		{"search_apm_annotations", `{"serviceName":"checkout","environment":"ENVIRONMENT_ALL","end":"2025-03-02T00:00:00Z"}`,
			`invalid argument "start": is required`},
		{"create_or_update_apm_agent_configuration", `{"service":{"name":"checkout"},"settings":{}}`,
			`invalid argument "settings": names no setting; give e.g. {"transaction_sample_rate":"0.5"}`},
		{"create_or_update_apm_agent_configuration", `{"service":{"name":"checkout"},"settings":{"transaction_sample_rate":0.5}}`,
			`invalid argument "settings.transaction_sample_rate": must be a string, got 0.5`},
		{"create_or_update_apm_agent_configuration", `{"service":{"name":"checkout","env":"prod"},"settings":{"log_level":"warn"}}`,
			`invalid argument "service.env": is not a known argument; allowed: environment, name`},
		{"search_apm_agent_configuration", `{"service":{"name":"checkout"},"etag":"0bc3b5eb"}`,
			`invalid argument "etag": is not a known argument; allowed: service, space_id`},
		{"delete_apm_agent_configuration", `{}`, `invalid argument "service": is required`},
		{"get_apm_agent_name", `{}`, `invalid argument "serviceName": is required`},
		{"create_apm_agent_key", `{"name":"k","privileges":[]}`, `invalid argument "privileges": must have at least 1 items, got 0`},
		{"create_apm_agent_key", `{"name":"k","privileges":["event:read"]}`,
			`invalid argument "privileges[0]": must be one of "event:write", "config_agent:read", got "event:read"`},
		{"save_apm_server_schema", `{"schema":{}}`, `invalid argument "schema": is empty; give the apm-server.* settings`},
		{"find_apm_sourcemaps", `{"perPage":0}`, `invalid argument "perPage": must be at least 1, got 0`},
		{"upload_apm_sourcemap", `{` + upload + `,"sourcemap":"{\"version\":3}"}`,
			`invalid argument "sourcemap": must be an object, got "{\"version\":3}"`},
		{"upload_apm_sourcemap", `{` + upload + `,"sourcemap":{"version":2,"sources":["a.js"],"mappings":"AAAA"}}`,
			`invalid argument "sourcemap.version": must be one of 3, got 2`},
		{"upload_apm_sourcemap", `{` + upload + `,"sourcemap":{"version":3,"sources":[],"mappings":"AAAA"}}`,
			`invalid argument "sourcemap.sources": must have at least 1 items, got 0`},
		{"upload_apm_sourcemap", `{` + upload + `,"sourcemap":{"version":3,"sources":["a.js"]}}`,
			`invalid argument "sourcemap.mappings": is required`},
		{"upload_apm_sourcemap", `{"service_name":"s","service_version":"1","sourcemap":{"version":3,"sources":["a.js"],"mappings":"AAAA"}}`,
			`invalid argument "bundle_filepath": is required`},
	})
}

// TestAPMAnnotationsAndAdmin: the agent key and configuration writes,
// source map uploads and deletes are Admin; the key, being shown once, is
// never resent by the client.
func TestAPMAnnotationsAndAdmin(t *testing.T) {
	for name, want := range map[string][5]bool{ // readOnly, destructive, idempotent, openWorld, admin
		"search_apm_annotations":                   {true, false, true, false, false},
		"find_apm_agent_configurations":            {true, false, true, false, false},
		"get_apm_agent_configuration":              {true, false, true, false, false},
		"search_apm_agent_configuration":           {true, false, true, false, false},
		"create_or_update_apm_agent_configuration": {false, true, true, false, true},
		"delete_apm_agent_configuration":           {false, true, true, false, true},
		"get_apm_agent_name":                       {true, false, true, false, false},
		"get_apm_environments":                     {true, false, true, false, false},
		"create_apm_agent_key":                     {false, false, false, false, true},
		"save_apm_server_schema":                   {false, true, true, false, true},
		"find_apm_sourcemaps":                      {true, false, true, false, false},
		"upload_apm_sourcemap":                     {false, false, false, false, true},
		"delete_apm_sourcemap":                     {false, true, true, false, true},
	} {
		op := mustLookup(t, name)
		a := op.Annotations()
		if got := [5]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint, op.Admin}; got != want {
			t.Errorf("%s: (readOnly, destructive, idempotent, openWorld, admin) = %v, want %v", name, got, want)
		}
	}
	if d := mustLookup(t, "create_apm_agent_key").Description; !strings.Contains(d, "once") {
		t.Errorf("create_apm_agent_key must say the key is shown only once: %q", d)
	}
}

package tools

import (
	"strings"
	"testing"
)

// TestExceptionEntryChecks pins the per-type checks of exception entries,
// one or more cases per entry type, with the exact message the model reads.
func TestExceptionEntryChecks(t *testing.T) {
	const head = `{"list_id":"l","name":"n","description":"d","entries":[`
	const ok = `{"type":"match","field":"host.name","value":"a"},`
	for _, c := range []struct{ entries, want string }{
		// any type
		{`{"field":"host.name","value":"a"}`, `invalid argument "entries[0].type": is required: one of match, match_any, list, exists, nested, wildcard`},
		{`{"type":"regex","field":"host.name","value":"a"}`, `invalid argument "entries[0].type": must be one of match, match_any, list, exists, nested, wildcard, got "regex"`},
		{ok + `{"type":"match","value":"a"}`, `invalid argument "entries[1].field": is required for type "match"`},
		{`{"type":"exists","field":"host.name","operator":"is"}`, `invalid argument "entries[0].operator": must be included or excluded, got "is"`},
		// match
		{ok + `{"type":"match","field":"host.name"}`, `invalid argument "entries[1].value": is required for type "match"`},
		{`{"type":"match","field":"host.name","value":["a"]}`, `invalid argument "entries[0].value": must be a string for type "match"`},
		{`{"type":"match","field":"host.name","value":" "}`, `invalid argument "entries[0].value": must not be blank`},
		{`{"type":"match","field":"host.name","value":"a","list":{"id":"x","type":"ip"}}`, `invalid argument "entries[0].list": is not allowed for type "match"`},
		{`{"type":"match","field":"host.name","value":"a","entries":[]}`, `invalid argument "entries[0].entries": is not allowed for type "match"`},
		// match_any
		{`{"type":"match_any","field":"host.name"}`, `invalid argument "entries[0].value": is required for type "match_any"`},
		{`{"type":"match_any","field":"host.name","value":"a"}`, `invalid argument "entries[0].value": must be a non-empty array of strings for type "match_any"`},
		{`{"type":"match_any","field":"host.name","value":[]}`, `invalid argument "entries[0].value": must be a non-empty array of strings for type "match_any"`},
		{`{"type":"match_any","field":"host.name","value":["a",1]}`, `invalid argument "entries[0].value[1]": must be a non-blank string`},
		// wildcard
		{`{"type":"wildcard","field":"file.path"}`, `invalid argument "entries[0].value": is required for type "wildcard"`},
		{`{"type":"wildcard","field":"file.path","value":["/tmp/*"]}`, `invalid argument "entries[0].value": must be a string for type "wildcard"`},
		// exists
		{`{"type":"exists","field":"user.name","value":"x"}`, `invalid argument "entries[0].value": is not allowed for type "exists"`},
		{`{"type":"exists","field":"user.name","list":{"id":"x","type":"ip"}}`, `invalid argument "entries[0].list": is not allowed for type "exists"`},
		// list
		{`{"type":"list","field":"source.ip"}`, `invalid argument "entries[0].list": is required for type "list": {id, type} of a value list`},
		{`{"type":"list","field":"source.ip","value":"x","list":{"id":"ips","type":"ip"}}`, `invalid argument "entries[0].value": is not allowed for type "list"`},
		{`{"type":"list","field":"source.ip","list":{"type":"ip"}}`, `invalid argument "entries[0].list.id": is required`},
		{`{"type":"list","field":"source.ip","list":{"id":"ips","type":"ipv4"}}`, `invalid argument "entries[0].list.type": must be the value list's type (binary, boolean, byte, date, date_nanos, date_range, double, double_range, float, float_range, geo_point, geo_shape, half_float, integer, integer_range, ip, ip_range, keyword, long, long_range, shape, short, text), got "ipv4"`},
		// nested
		{`{"type":"nested","field":"process.Ext.code_signature"}`, `invalid argument "entries[0].entries": is required for type "nested" (match, match_any or exists entries)`},
		{`{"type":"nested","field":"f","operator":"included","entries":[{"type":"exists","field":"trusted"}]}`, `invalid argument "entries[0].operator": is not allowed for type "nested"; give it on the inner entries`},
		{`{"type":"nested","field":"f","value":"x","entries":[{"type":"exists","field":"trusted"}]}`, `invalid argument "entries[0].value": is not allowed for type "nested"`},
		{`{"type":"nested","field":"f","entries":[{"type":"exists","field":"trusted"},{"type":"wildcard","field":"subject_name","value":"A*"}]}`, `invalid argument "entries[0].entries[1].type": must be match, match_any or exists inside a nested entry, got "wildcard"`},
		{`{"type":"nested","field":"f","entries":[{"type":"nested","field":"g","entries":[]}]}`, `invalid argument "entries[0].entries[0].type": must be match, match_any or exists inside a nested entry, got "nested"`},
		{`{"type":"nested","field":"f","entries":[{"type":"match","field":"subject_name"}]}`, `invalid argument "entries[0].entries[0].value": is required for type "match"`},
		{`{"type":"nested","field":"f","entries":[{"type":"match","field":"subject_name","value":"A","list":{"id":"x"}}]}`, `invalid argument "entries[0].entries[0].list": is not allowed for type "match"`},
		{`{"type":"nested","field":"f","entries":[{"type":"exists","field":" "}]}`, `invalid argument "entries[0].entries[0].field": is required for type "exists"`},
	} {
		_, err := mustLookup(t, "create_exception_item").Bind(args(t, head+c.entries+`]}`))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got  %v\n want %s", c.entries, err, c.want)
		}
	}
}

// TestExceptionArgumentChecks pins the other cross-field checks.
func TestExceptionArgumentChecks(t *testing.T) {
	const entry = `"entries":[{"type":"exists","field":"user.name"}]`
	for _, c := range []struct{ tool, args, want string }{
		{"get_exception_list", `{}`, `invalid arguments: give id or list_id`},
		{"get_exception_list", `{"id":"a","list_id":"b"}`, `invalid argument "list_id": give either id or list_id, not both`},
		{"delete_exception_list", `{"namespace_type":"agnostic"}`, `invalid arguments: give id or list_id`},
		{"get_exception_list_summary", `{"filter":"x:y"}`, `invalid arguments: give id or list_id`},
		{"update_exception_list", `{"name":"n","description":"d","type":"detection"}`, `invalid arguments: give id or list_id`},
		{"update_exception_list", `{"list_id":"l","name":" ","description":"d","type":"detection"}`, `invalid argument "name": must not be blank`},
		{"create_exception_list", `{"name":"n","description":"d","type":"trusted"}`, `invalid argument "type": must be one of "detection", "rule_default", "endpoint", "endpoint_trusted_apps", "endpoint_trusted_devices", "endpoint_events", "endpoint_host_isolation_exceptions", "endpoint_blocklists", got "trusted"`},
		{"get_exception_item", `{}`, `invalid arguments: give id or item_id`},
		{"delete_exception_item", `{"id":"a","item_id":"b"}`, `invalid argument "item_id": give either id or item_id, not both`},
		{"update_exception_item", `{"name":"n","description":"d",` + entry + `}`, `invalid arguments: give id or item_id`},
		{"update_exception_item", `{"item_id":"i","name":"n","description":"d","entries":[{"type":"match","field":"f"}]}`, `invalid argument "entries[0].value": is required for type "match"`},
		{"create_exception_item", `{"list_id":"l","name":"n","description":"d","entries":[]}`, `invalid argument "entries": must have at least 1 items, got 0`},
		{"find_exception_items", `{"list_id":["a","b","c"],"namespace_type":["single","agnostic"]}`, `invalid argument "namespace_type": must have one value, or one per list_id (3), got 2`},
		{"find_exception_items", `{"list_id":["a","b"],"filter":["x:1","y:2","z:3"]}`, `invalid argument "filter": must have one value, or one per list_id (2), got 3`},
		{"create_rule_exception_items", `{"id":"7e293763-6aab-4476-8cad-f8c381461a39","items":[]}`, `invalid argument "items": must have at least 1 items, got 0`},
		{"create_rule_exception_items", `{"id":"7e293763-6aab-4476-8cad-f8c381461a39","items":[{"description":"d",` + entry + `}]}`, `invalid argument "items[0].name": is required`},
		{"create_rule_exception_items", `{"id":"7e293763-6aab-4476-8cad-f8c381461a39","items":[{"name":"n",` + entry + `}]}`, `invalid argument "items[0].description": is required`},
		{"create_rule_exception_items", `{"id":"7e293763-6aab-4476-8cad-f8c381461a39","items":[{"name":"n","description":"d"}]}`, `invalid argument "items[0].entries": is required (at least one entry)`},
		{"create_rule_exception_items", `{"id":"7e293763-6aab-4476-8cad-f8c381461a39","items":[{"name":"n","description":"d",` + entry + `,"os_types":["solaris"]}]}`, `invalid argument "items[0].os_types[0]": must be linux, macos or windows, got "solaris"`},
		{"create_rule_exception_items", `{"id":"7e293763-6aab-4476-8cad-f8c381461a39","items":[{"name":"n","description":"d",` + entry + `,"expire_time":"tomorrow"}]}`, `invalid argument "items[0].expire_time": must be an RFC 3339 date-time, e.g. 2025-06-30T00:00:00Z`},
		{"create_rule_exception_items", `{"id":"7e293763-6aab-4476-8cad-f8c381461a39","items":[{"name":"n","description":"d","entries":[{"type":"match_any","field":"user.name","value":[]}]}]}`, `invalid argument "items[0].entries[0].value": must be a non-empty array of strings for type "match_any"`},
		{"create_rule_exception_items", `{"id":"7e293763-6aab-4476-8cad-f8c381461a39","items":[{"name":"n","description":"d",` + entry + `,"type":"complex"}]}`, `invalid argument "items[0].type": must be "simple", got "complex"`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestExceptionRequests pins what reaches Kibana: defaults filled in
// Prepare, operators defaulted, query parameters lined up per list.
func TestExceptionRequests(t *testing.T) {
	for _, c := range []struct{ tool, args, method, path, query, body string }{
		{"create_exception_item", `{"list_id":"l","name":"n","description":"d","entries":[{"type":"nested","field":"f","entries":[{"type":"exists","field":"trusted"}]},{"type":"list","field":"source.ip","list":{"id":"ips","type":"ip"}}]}`,
			"POST", "/api/exception_lists/items", "",
			`{"list_id":"l","name":"n","description":"d","entries":[{"type":"nested","field":"f","entries":[{"type":"exists","field":"trusted","operator":"included"}]},{"type":"list","field":"source.ip","operator":"included","list":{"id":"ips","type":"ip"}}],"type":"simple"}`},
		{"duplicate_exception_list", `{"list_id":"trusted-admin-hosts"}`,
			"POST", "/api/exception_lists/_duplicate", "include_expired_exceptions=true&list_id=trusted-admin-hosts&namespace_type=single", ""},
		{"export_exception_list", `{"id":"x","list_id":"l","namespace_type":"agnostic","include_expired_exceptions":false}`,
			"POST", "/api/exception_lists/_export", "id=x&include_expired_exceptions=false&list_id=l&namespace_type=agnostic", ""},
		{"find_exception_items", `{"list_id":["a","b"],"filter":["exception-list.attributes.os_types:windows"]}`,
			"GET", "/api/exception_lists/items/_find", "filter=exception-list.attributes.os_types%3Awindows&filter=exception-list.attributes.os_types%3Awindows&list_id=a&list_id=b&namespace_type=single&namespace_type=single", ""},
		{"find_exception_items", `{"list_id":["a","b"],"namespace_type":["agnostic"]}`,
			"GET", "/api/exception_lists/items/_find", "list_id=a&list_id=b&namespace_type=agnostic&namespace_type=agnostic", ""},
		{"create_rule_exception_items", `{"id":"7e293763-6aab-4476-8cad-f8c381461a39","items":[{"name":"n","description":"","entries":[{"type":"match","field":"f","value":"v"}]}]}`,
			"POST", "/api/detection_engine/rules/7e293763-6aab-4476-8cad-f8c381461a39/exceptions", "",
			`{"items":[{"name":"n","description":"","entries":[{"type":"match","field":"f","operator":"included","value":"v"}],"type":"simple"}]}`},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Errorf("%s %s: %v", c.tool, c.args, err)
			continue
		}
		if req.Method != c.method || req.Path != c.path || req.Query.Encode() != c.query || string(req.Body) != c.body {
			t.Errorf("%s %s:\n got  %s %s?%s %s\n want %s %s?%s %s", c.tool, c.args, req.Method, req.Path, req.Query.Encode(), req.Body, c.method, c.path, c.query, c.body)
		}
	}
}

// TestExceptionImportSendsTheFileAsIs checks the ndjson goes as a .ndjson
// file part, unchanged, with the flags in the query.
func TestExceptionImportSendsTheFileAsIs(t *testing.T) {
	const file = "{\"list_id\":\"a\",\"name\":\"A\",\"description\":\"\",\"type\":\"detection\"}\n"
	req, err := mustLookup(t, "import_exception_list").Bind(map[string]any{"file": file, "overwrite": true})
	if err != nil {
		t.Fatal(err)
	}
	body := string(req.Body)
	if req.Query.Encode() != "overwrite=true" || !strings.HasPrefix(req.ContentType, "multipart/form-data") ||
		!strings.Contains(body, `name="file"; filename="file.ndjson"`) || !strings.Contains(body, file) {
		t.Errorf("got query %q, content type %q, body:\n%s", req.Query.Encode(), req.ContentType, body)
	}
}

package tools

import "testing"

// TestDataViewRequests pins method, path, query and body of the data view
// tools: members left out stay out, open-ended maps go as given, and the
// runtime field and default data view routes get their exact bodies.
func TestDataViewRequests(t *testing.T) {
	const view = `"viewId":"all-logs"`
	checkRequests(t, []requestCase{
		{tool: "find_data_views", args: `{}`, method: "GET", path: "/api/data_views"},
		{tool: "get_data_view", args: `{"viewId":"a b"}`, method: "GET", path: "/api/data_views/data_view/a%20b"},
		{tool: "create_data_view", args: `{"data_view":{"title":"logs-*"}}`,
			method: "POST", path: "/api/data_views/data_view", body: `{"data_view":{"title":"logs-*"}}`},
		{tool: "create_data_view",
			args:   `{"data_view":{"title":"logs-*","name":"Logs","id":"all-logs","timeFieldName":"@timestamp","allowNoIndex":true,"namespaces":["soc"],"sourceFilters":[{"value":"*.secret"}],"runtimeFieldMap":{"hour":{"type":"long","script":{"source":"emit(1)"}}},"fieldFormats":{"bytes":{"id":"bytes"},"d":{"id":"number","params":{"pattern":"0.0"}}},"fieldAttrs":{"host.name":{"customLabel":"Host","count":0}}},"override":true,"space_id":"soc"}`,
			method: "POST", path: "/api/data_views/data_view", space: "soc",
			body: `{"data_view":{"title":"logs-*","name":"Logs","id":"all-logs","timeFieldName":"@timestamp","allowNoIndex":true,"namespaces":["soc"],"sourceFilters":[{"value":"*.secret"}],"runtimeFieldMap":{"hour":{"type":"long","script":{"source":"emit(1)"}}},"fieldFormats":{"bytes":{"id":"bytes"},"d":{"id":"number","params":{"pattern":"0.0"}}},"fieldAttrs":{"host.name":{"customLabel":"Host","count":0}}},"override":true}`},
		// An update sends only what changes; an empty list or false is a change.
		{tool: "update_data_view", args: `{` + view + `,"data_view":{"name":"Every log"}}`,
			method: "POST", path: "/api/data_views/data_view/all-logs", body: `{"data_view":{"name":"Every log"}}`},
		{tool: "update_data_view", args: `{` + view + `,"data_view":{"allowNoIndex":false,"sourceFilters":[]},"refresh_fields":true}`,
			method: "POST", path: "/api/data_views/data_view/all-logs", body: `{"data_view":{"allowNoIndex":false,"sourceFilters":[]},"refresh_fields":true}`},
		{tool: "delete_data_view", args: `{` + view + `}`, method: "DELETE", path: "/api/data_views/data_view/all-logs"},
		{tool: "update_data_view_fields", args: `{` + view + `,"fields":{"host.name":{"customLabel":"Host","customDescription":"Reporting host.","count":12}}}`,
			method: "POST", path: "/api/data_views/data_view/all-logs/fields", body: `{"fields":{"host.name":{"customLabel":"Host","customDescription":"Reporting host.","count":12}}}`},
		{tool: "create_or_update_runtime_field", args: `{` + view + `,"name":"hour_of_day","runtimeField":{"type":"long","script":{"source":"emit(doc['@timestamp'].value.getHour())"}}}`,
			method: "PUT", path: "/api/data_views/data_view/all-logs/runtime_field",
			body: `{"name":"hour_of_day","runtimeField":{"type":"long","script":{"source":"emit(doc['@timestamp'].value.getHour())"}}}`},
		{tool: "get_runtime_field", args: `{` + view + `,"fieldName":"hour of day"}`, method: "GET", path: "/api/data_views/data_view/all-logs/runtime_field/hour%20of%20day"},
		{tool: "update_runtime_field", args: `{` + view + `,"fieldName":"hour_of_day","runtimeField":{"type":"double"}}`,
			method: "POST", path: "/api/data_views/data_view/all-logs/runtime_field/hour_of_day", body: `{"runtimeField":{"type":"double"}}`},
		{tool: "delete_runtime_field", args: `{` + view + `,"fieldName":"hour_of_day","space_id":"soc"}`,
			method: "DELETE", path: "/api/data_views/data_view/all-logs/runtime_field/hour_of_day", space: "soc"},
		{tool: "get_default_data_view", args: `{}`, method: "GET", path: "/api/data_views/default"},
		{tool: "set_default_data_view", args: `{"data_view_id":"all-logs","force":true}`,
			method: "POST", path: "/api/data_views/default", body: `{"data_view_id":"all-logs","force":true}`},
		// The preview reads (a POST read-only mode lets through); the swap
		// writes. Both send the same body.
		{tool: "preview_swap_data_view_references", args: `{"fromId":"old","toId":"new","forType":"dashboard","forId":["d1","d2"],"delete":true}`,
			method: "POST", path: "/api/data_views/swap_references/_preview", body: `{"fromId":"old","toId":"new","forType":"dashboard","forId":["d1","d2"],"delete":true}`},
		{tool: "swap_data_view_references", args: `{"fromId":"old","toId":"new","fromType":"index-pattern"}`,
			method: "POST", path: "/api/data_views/swap_references", body: `{"fromId":"old","toId":"new","fromType":"index-pattern"}`},
	})
}

// TestDataViewArgumentChecks pins the messages for data view arguments
// Kibana would refuse, or that would change nothing.
func TestDataViewArgumentChecks(t *testing.T) {
	const view = `"viewId":"all-logs"`
	checkArgumentErrors(t, []struct{ tool, args, want string }{
		{"create_data_view", `{"data_view":{}}`, `invalid argument "data_view.title": is required`},
		{"create_data_view", `{"data_view":{"title":"logs-*","runtimeFieldMap":{"h":{"type":"integer","script":{"source":"emit(1)"}}}}}`,
			`invalid argument "data_view.runtimeFieldMap.h.type": must be one of "keyword", "long", "double", "date", "ip", "boolean", "geo_point", got "integer"`},
		{"create_data_view", `{"data_view":{"title":"logs-*","runtimeFieldMap":{"h":{"type":"long"}}}}`,
			`invalid argument "data_view.runtimeFieldMap.h.script": is required`},
		{"create_data_view", `{"data_view":{"title":"logs-*","fieldFormats":"{\"bytes\":{\"id\":\"bytes\"}}"}}`,
			`invalid argument "data_view.fieldFormats": must be an object, got "{\"bytes\":{\"id\":\"bytes\"}}"`},
		{"create_data_view", `{"data_view":{"title":"logs-*","sourceFilters":["*.secret"]}}`,
			`invalid argument "data_view.sourceFilters[0]": must be an object, got "*.secret"`},
		{"update_data_view", `{` + view + `,"data_view":{}}`, `invalid argument "data_view": names nothing to change; give at least one member`},
		{"update_data_view_fields", `{` + view + `,"fields":{}}`, `invalid argument "fields": names no field; give e.g. {"host.name":{"customLabel":"Host"}}`},
		{"update_data_view_fields", `{` + view + `,"fields":{"host.name":{}}}`, `invalid argument "fields.host.name": sets nothing; give customLabel, customDescription or count`},
		{"update_data_view_fields", `{` + view + `,"fields":{"host.name":{"count":-1}}}`, `invalid argument "fields.host.name.count": must be at least 0, got -1`},
		{"update_runtime_field", `{` + view + `,"fieldName":"h","runtimeField":{}}`, `invalid argument "runtimeField": names nothing to change; give type or script`},
		{"create_or_update_runtime_field", `{` + view + `,"name":"h","runtimeField":{"type":"long","script":{"source":""}}}`,
			`invalid argument "runtimeField.script.source": must not be empty`},
		{"set_default_data_view", `{"data_view_id":""}`, `invalid argument "data_view_id": must not be empty`},
		{"swap_data_view_references", `{"fromId":"old"}`, `invalid argument "toId": is required`},
	})
}

// TestDataViewAnnotationsAndAdmin: changes to data views are Admin, and
// destructive where they replace or delete; reads, and the swap preview,
// are plain reads.
func TestDataViewAnnotationsAndAdmin(t *testing.T) {
	for name, want := range map[string][5]bool{ // readOnly, destructive, idempotent, openWorld, admin
		"find_data_views":                   {true, false, true, false, false},
		"get_data_view":                     {true, false, true, false, false},
		"create_data_view":                  {false, true, false, false, true},
		"update_data_view":                  {false, true, true, false, true},
		"delete_data_view":                  {false, true, true, false, true},
		"update_data_view_fields":           {false, true, true, false, true},
		"create_or_update_runtime_field":    {false, true, true, false, true},
		"get_runtime_field":                 {true, false, true, false, false},
		"update_runtime_field":              {false, true, true, false, true},
		"delete_runtime_field":              {false, true, true, false, true},
		"get_default_data_view":             {true, false, true, false, false},
		"set_default_data_view":             {false, true, true, false, true},
		"preview_swap_data_view_references": {true, false, true, false, false},
		"swap_data_view_references":         {false, true, true, false, true},
	} {
		op := mustLookup(t, name)
		a := op.Annotations()
		if got := [5]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint, op.Admin}; got != want {
			t.Errorf("%s: (readOnly, destructive, idempotent, openWorld, admin) = %v, want %v", name, got, want)
		}
	}
}

// TestFindDashboards: the list route speaks 2023-10-31 (the version Kibana
// registers it under; its seed page names none) and asks for 20 dashboards
// unless told otherwise, within the route's 1 to 1000.
func TestFindDashboards(t *testing.T) {
	checkRequests(t, []requestCase{
		{tool: "find_dashboards", args: `{}`, method: "GET", path: "/api/dashboards/dashboard", query: "perPage=20", version: "2023-10-31"},
		{tool: "find_dashboards", args: `{"page":2,"perPage":1000,"space_id":"soc"}`, method: "GET", path: "/api/dashboards/dashboard", query: "page=2&perPage=1000", space: "soc", version: "2023-10-31"},
	})
	checkArgumentErrors(t, []struct{ tool, args, want string }{
		{"find_dashboards", `{"perPage":1001}`, `invalid argument "perPage": must be at most 1000, got 1001`},
		{"find_dashboards", `{"page":0}`, `invalid argument "page": must be at least 1, got 0`},
	})
}

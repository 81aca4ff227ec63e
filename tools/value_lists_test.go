package tools

import (
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/mark3labs/mcp-go/mcp"
)

// TestValueListCrossFieldRules pins the rules the schema cannot express,
// with the exact message the model reads.
func TestValueListCrossFieldRules(t *testing.T) {
	cases := []struct{ tool, args, want string }{
		// An item is named by id, or by list_id with value.
		{"get_value_list_item", `{}`, `invalid argument "id": is required unless list_id and value are given`},
		{"get_value_list_item", `{"list_id":"known-bad-ips"}`, `invalid argument "value": is required with list_id (or give the item's id)`},
		{"delete_value_list_item", `{"value":"10.0.0.1"}`, `invalid argument "list_id": is required with value (or give the item's id)`},
		// Patches must change something; blank texts are refused.
		{"patch_value_list", `{"id":"known-bad-ips"}`, `invalid argument "name": nothing to change: give name, description, meta or version`},
		{"patch_value_list_item", `{"id":"x"}`, `invalid argument "value": nothing to change: give value or meta`},
		{"create_value_list", `{"name":"  ","description":"d","type":"ip"}`, `invalid argument "name": must not be blank`},
		{"update_value_list", `{"id":"l","name":"n","description":"\t"}`, `invalid argument "description": must not be blank`},
		// Imports must say which list, and a new list needs a file name.
		{"import_value_list_items", `{"file":"10.0.0.1\n"}`, `invalid argument "list_id": is required unless type is given (to import into a new list named after filename)`},
		{"import_value_list_items", `{"type":"ip","file":"10.0.0.1\n"}`, `invalid argument "filename": is required with type: it becomes the new list's id and name (e.g. bad_ips.txt)`},
		{"import_value_list_items", `{"type":"ip","filename":"bad_ips.json","file":"10.0.0.1\n"}`, `invalid argument "filename": must end in .txt or .csv`},
		{"import_value_list_items", `{"list_id":"l","filename":"bad \"ips\".txt","file":"10.0.0.1\n"}`, `invalid argument "filename": must be ASCII without quotes, %, slashes or control characters`},
		// With the type known, every line must be a value of that type.
		{"import_value_list_items", `{"type":"ip","filename":"bad_ips.txt","file":"10.0.0.1\n\nhost-7\n"}`, `invalid argument "file": line 3 ("host-7") is not an IP address`},
		{"import_value_list_items", `{"type":"ip_range","filename":"r.txt","file":"10.0.0.0/8\r\n10.0.0.9-10.0.0.1\r\n"}`, `invalid argument "file": line 2 ("10.0.0.9-10.0.0.1") is not an IP address, a CIDR block or a from-to range of IPs`},
		{"import_value_list_items", `{"type":"byte","filename":"n.csv","file":"12\n300\n"}`, `invalid argument "file": line 2 ("300") is not an integer from -128 to 127`},
		{"import_value_list_items", `{"type":"date_range","filename":"d.txt","file":"2024-01-01-2024-02-01\n"}`, `invalid argument "file": line 1 ("2024-01-01-2024-02-01") is not a date or a from,to range of dates`},
		{"import_value_list_items", `{"type":"long_range","filename":"n.txt","file":"-5--1\n9-3\n"}`, `invalid argument "file": line 2 ("9-3") is not an integer from -9223372036854775808 to 9223372036854775807 or a from-to range of them`},
		{"import_value_list_items", `{"type":"boolean","filename":"b.txt","file":"true\nyes\n"}`, `invalid argument "file": line 2 ("yes") is not true or false`},
		{"import_value_list_items", `{"type":"geo_point","filename":"g.txt","file":"95.1,10\n"}`, `invalid argument "file": line 1 ("95.1,10") is not a lat,lon point`},
		// Serializers must name the groups Kibana reads; deserializers print one.
		{"create_value_list", `{"name":"n","description":"d","type":"ip","serializer":"^([0-9.]+),"}`, `invalid argument "serializer": must capture the value in a named group, (?<value>...), or a range in (?<gte>...) and (?<lte>...)`},
		{"create_value_list", `{"name":"n","description":"d","type":"ip_range","serializer":"(?<gte>.+)-(?<to>.+)"}`, `invalid argument "serializer": must capture the value in a named group, (?<value>...), or a range in (?<gte>...) and (?<lte>...)`},
		{"import_value_list_items", `{"type":"ip","filename":"a.txt","deserializer":"{{ip}}","file":"1.2.3.4\n"}`, `invalid argument "deserializer": must print {{value}}, or {{gte}} and {{lte}} (triple braces to leave them unescaped)`},
	}
	for _, c := range cases {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
	// The list's own type decides when importing into an existing list.
	if _, err := mustLookup(t, "import_value_list_items").Bind(args(t, `{"list_id":"known-bad-ips","type":"ip","file":"whatever\n"}`)); err != nil {
		t.Errorf("import into a list by id: %v", err)
	}
}

// TestValueListValueRules covers each type's accepted shapes.
func TestValueListValueRules(t *testing.T) {
	for typ, cases := range map[string]struct{ good, bad []string }{
		"ip":           {[]string{"10.0.0.1", "2001:db8::1"}, []string{"10.0.0.256", "10.0.0.0/8"}},
		"ip_range":     {[]string{"10.0.0.0/8", "10.0.0.1-10.0.0.9", "10.0.0.1", "2001:db8::/32"}, []string{"10.0.0.1-2001:db8::1", "10.0.0.0/40"}},
		"integer":      {[]string{"-2147483648", "0"}, []string{"2147483648", "1.5"}},
		"double":       {[]string{"1.5e3", "-0.25"}, []string{"NaN", "one"}},
		"float_range":  {[]string{"0.5-1.5", "-1.5--0.5"}, []string{"2-1"}},
		"date":         {[]string{"2024-05-01T10:00:00.123+02:00", "1714557600000"}, []string{"01/05/2024"}},
		"date_range":   {[]string{"2024-05-01,2024-05-31", "2024-05-01"}, []string{"2024-05-01,soon"}},
		"binary":       {[]string{"aGVsbG8="}, []string{"not base64!"}},
		"keyword":      {[]string{"C:\\Windows\\evil.exe"}, nil},
		"text":         {[]string{"free text"}, nil},
		"geo_shape":    {[]string{"POINT (-71.34 41.12)"}, nil},
		"short":        {[]string{"32767"}, []string{"32768"}},
		"half_float":   {[]string{"0.5"}, []string{"half"}},
		"date_nanos":   {[]string{"2024-05-01T10:00:00.123456789Z"}, []string{"yesterday"}},
		"boolean":      {[]string{"false"}, []string{"False"}},
		"geo_point":    {[]string{"-33.86,151.21"}, []string{"151.21"}},
		"double_range": {[]string{"5"}, []string{"a-b"}},
	} {
		for _, v := range cases.good {
			if rule := valueListValueRule(typ, v); rule != "" {
				t.Errorf("%s refuses %q: %s", typ, v, rule)
			}
		}
		for _, v := range cases.bad {
			if valueListValueRule(typ, v) == "" {
				t.Errorf("%s accepts %q", typ, v)
			}
		}
	}
}

// TestImportValueListItemsNamesTheFile: Kibana finds the file name only in
// a quoted filename parameter, and a new list takes its id from it.
func TestImportValueListItemsNamesTheFile(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "import_value_list_items", `{"type":"keyword","filename":"user_agents.txt","file":"curl/8.4.0\npython-requests/2.31\n"}`)
	if isErr || !strings.Contains(strings.Join(texts, "\n"), `"id":"user_agents.txt"`) {
		t.Fatalf("import with type: isError=%v %q", isErr, texts)
	}
	seen, bodies := sk.Requests()
	if len(seen) != 1 || seen[0] != "POST /api/lists/items/_import" || !strings.Contains(bodies[0], `filename="user_agents.txt"`) || strings.Count(bodies[0], "Content-Disposition") != 1 {
		t.Fatalf("Kibana saw %q %q", seen, bodies)
	}
	// Without a file name the values still go to the list named by id.
	isErr, texts = callFlow(t, client, "import_value_list_items", `{"list_id":"known-bad-ips","file":"203.0.113.90\n"}`)
	if isErr {
		t.Fatalf("import by list_id: %q", texts)
	}
	if _, bodies = sk.Requests(); !strings.Contains(bodies[1], `filename="values.txt"`) {
		t.Errorf("default file name: %q", bodies[1])
	}
	isErr, texts = callFlow(t, client, "find_value_list_items", `{"list_id":"user_agents.txt","sort_field":"keyword"}`)
	if isErr || !strings.Contains(texts[0], `"total":2`) || !strings.Contains(texts[0], `"value":"curl/8.4.0"`) {
		t.Errorf("find the imported values: %q", texts)
	}
}

// TestExportValueListItemsIsAFile: the values come back as an attachment.
func TestExportValueListItemsIsAFile(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	var call mcp.CallToolRequest
	call.Params.Name = "export_value_list_items"
	call.Params.Arguments = args(t, `{"list_id":"known-bad-ips"}`)
	res, err := serve.Handler(client, Catalog, mustLookup(t, "export_value_list_items"))(t.Context(), call)
	if err != nil || res.IsError || len(res.Content) != 2 {
		t.Fatalf("export: %v %+v", err, res)
	}
	file, ok := res.Content[1].(mcp.EmbeddedResource)
	if !ok {
		t.Fatalf("no embedded file: %+v", res.Content)
	}
	text, ok := file.Resource.(mcp.TextResourceContents)
	if !ok || text.Text != "203.0.113.23\n203.0.113.77\n185.220.101.34\n" {
		t.Errorf("exported %+v", file.Resource)
	}
}

// TestValueListSerializerPicksValues: a list's serializer is kept with it
// and picks each imported value out of its line.
func TestValueListSerializerPicksValues(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "import_value_list_items", `{"type":"ip","filename":"proxy_hits.csv","serializer":"^(?<value>[0-9.]+),","deserializer":"{{value}}","file":"203.0.113.5,blocked\nnot an address\n198.51.100.7,allowed\n"}`)
	if isErr {
		t.Fatalf("import: %q", texts)
	}
	isErr, texts = callFlow(t, client, "get_value_list", `{"id":"proxy_hits.csv"}`)
	if isErr || !strings.Contains(texts[0], `"serializer":"^(?\u003cvalue\u003e[0-9.]+),"`) && !strings.Contains(texts[0], `"serializer":"^(?<value>[0-9.]+),"`) || !strings.Contains(texts[0], `"deserializer":"{{value}}"`) {
		t.Errorf("the list lacks its serializers: %q", texts)
	}
	isErr, texts = callFlow(t, client, "find_value_list_items", `{"list_id":"proxy_hits.csv"}`)
	if isErr || !strings.Contains(texts[0], `"total":2`) || !strings.Contains(texts[0], `"value":"198.51.100.7"`) {
		t.Errorf("items: %q", texts)
	}
}

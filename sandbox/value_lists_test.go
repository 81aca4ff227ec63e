package sandbox

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

func vlSandbox(t *testing.T) *Kibana {
	t.Helper()
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	return New(Config{APIKey: testKey, Seed: 1, Now: func() time.Time { return now }})
}

// wantSiem checks a security-solution error answer.
func wantSiem(t *testing.T, status int, body map[string]any, wantStatus int, message string) {
	t.Helper()
	if status != wantStatus || body["status_code"] != float64(wantStatus) || body["message"] != message {
		t.Errorf("got %d %v, want %d %q", status, body, wantStatus, message)
	}
}

func TestValueListSeed(t *testing.T) {
	k := vlSandbox(t)
	for _, space := range []string{"default", "soc"} {
		prefix := ""
		if space != "default" {
			prefix = "/s/" + space
		}
		status, index := do(t, k, "GET", prefix+"/api/lists/index", "", nil)
		if status != 200 || index["list_index"] != true || index["list_item_index"] != true {
			t.Errorf("%s: index %d %v", space, status, index)
		}
		status, found := do(t, k, "GET", prefix+"/api/lists/_find?sort_field=name", "", nil)
		if status != 200 || found["total"] != float64(4) {
			t.Fatalf("%s: find %d %v", space, status, found)
		}
		first := found["data"].([]any)[0].(map[string]any)
		if first["name"] != "Blocked hashes" || first["type"] != "keyword" || first["immutable"] != false || first["version"] != float64(1) {
			t.Errorf("%s: first list by name %v", space, first)
		}
		if typ, ok := k.spaces[space].valueListType("vuln-scanner-ranges"); !ok || typ != "ip_range" {
			t.Errorf("%s: valueListType = %q %v", space, typ, ok)
		}
	}
	if _, ok := k.spaces["default"].valueListType("nope"); ok {
		t.Error("valueListType found a list that does not exist")
	}
	// The first known bad IP has the id the tools' examples use.
	status, item := do(t, k, "GET", "/api/lists/items?id="+seededItemID("default", "known-bad-ips", 0), "", nil)
	if status != 200 || item["value"] != "203.0.113.23" || item["type"] != "ip" || item["_version"] != "WzIsMV0=" {
		t.Errorf("seeded item: %d %v", status, item)
	}
}

func TestValueListLifecycle(t *testing.T) {
	k := vlSandbox(t)
	status, created := do(t, k, "POST", "/api/lists", `{"id":"tor-exits","name":"Tor exits","description":"Exit relays","type":"ip","meta":{"src":"feed"}}`, nil)
	if status != 200 || created["id"] != "tor-exits" || created["created_by"] != "elastic" || created["version"] != float64(1) {
		t.Fatalf("create: %d %v", status, created)
	}
	status, body := do(t, k, "POST", "/api/lists", `{"id":"tor-exits","name":"x","description":"y","type":"ip"}`, nil)
	wantSiem(t, status, body, 409, `list id: "tor-exits" already exists`)

	status, read := do(t, k, "GET", "/api/lists?id=tor-exits", "", nil)
	if status != 200 || read["name"] != "Tor exits" || read["_version"] != created["_version"] {
		t.Errorf("read: %d %v", status, read)
	}
	// Patch keeps meta; a stale _version is refused.
	status, patched := do(t, k, "PATCH", "/api/lists", `{"id":"tor-exits","description":"Exit relays seen at the VPN","_version":"`+created["_version"].(string)+`"}`, nil)
	if status != 200 || patched["description"] != "Exit relays seen at the VPN" || patched["name"] != "Tor exits" || patched["meta"] == nil || patched["version"] != float64(2) {
		t.Errorf("patch: %d %v", status, patched)
	}
	status, body = do(t, k, "PATCH", "/api/lists", `{"id":"tor-exits","name":"z","_version":"`+created["_version"].(string)+`"}`, nil)
	if status != 409 || !strings.HasPrefix(body["message"].(string), "Conflict: versions mismatch. Provided versions:{\"if_primary_term\":1,\"if_seq_no\":") {
		t.Errorf("stale patch: %d %v", status, body)
	}
	// Update replaces: meta left out is gone, version given is kept.
	status, updated := do(t, k, "PUT", "/api/lists", `{"id":"tor-exits","name":"Tor exit relays","description":"d","version":7}`, nil)
	if status != 200 || updated["meta"] != nil || updated["version"] != float64(7) || updated["type"] != "ip" {
		t.Errorf("update: %d %v", status, updated)
	}
	status, body = do(t, k, "PUT", "/api/lists", `{"id":"nope","name":"a","description":"b"}`, nil)
	wantSiem(t, status, body, 404, `list id: "nope" not found`)

	// Items: typed by the list, found by value, refused when they do not fit.
	status, item := do(t, k, "POST", "/api/lists/items", `{"list_id":"tor-exits","value":"185.220.101.1"}`, nil)
	if status != 200 || item["type"] != "ip" || item["list_id"] != "tor-exits" {
		t.Fatalf("create item: %d %v", status, item)
	}
	status, body = do(t, k, "POST", "/api/lists/items", `{"list_id":"tor-exits","value":"not-an-ip"}`, nil)
	if status != 400 || !strings.Contains(body["message"].(string), "failed to parse field [ip] of type [ip]") {
		t.Errorf("bad ip: %d %v", status, body)
	}
	status, body = do(t, k, "POST", "/api/lists/items", `{"list_id":"nope","value":"1.2.3.4"}`, nil)
	wantSiem(t, status, body, 404, `list id: "nope" does not exist`)
	status, byValue := do(t, k, "GET", "/api/lists/items?list_id=tor-exits&value=185.220.101.0/24", "", nil)
	if status != 200 || len(byValue["list"].([]any)) != 1 {
		t.Errorf("lookup by CIDR: %d %v", status, byValue)
	}
	status, body = do(t, k, "GET", "/api/lists/items?list_id=tor-exits", "", nil)
	wantSiem(t, status, body, 400, `Either "list_id" or "id" needs to be defined in the request`)
	status, patchedItem := do(t, k, "PATCH", "/api/lists/items", `{"id":"`+item["id"].(string)+`","meta":{"seen":2}}`, nil)
	if status != 200 || patchedItem["value"] != "185.220.101.1" || patchedItem["meta"] == nil {
		t.Errorf("patch item: %d %v", status, patchedItem)
	}
	status, body = do(t, k, "PUT", "/api/lists/items", `{"id":"`+item["id"].(string)+`","value":"185.220.101.2","_version":"`+item["_version"].(string)+`"}`, nil)
	if status != 409 {
		t.Errorf("stale item update: %d %v", status, body)
	}
	status, updatedItem := do(t, k, "PUT", "/api/lists/items", `{"id":"`+item["id"].(string)+`","value":"185.220.101.2"}`, nil)
	if status != 200 || updatedItem["value"] != "185.220.101.2" || updatedItem["meta"] != nil {
		t.Errorf("update item: %d %v", status, updatedItem)
	}
	status, body = do(t, k, "DELETE", "/api/lists/items?list_id=tor-exits&value=185.220.101.1", "", nil)
	wantSiem(t, status, body, 404, `list_id: "tor-exits" with 185.220.101.1 was not found`)
	status, deleted := do(t, k, "DELETE", "/api/lists/items?list_id=tor-exits&value=185.220.101.2", "", nil)
	if status != 200 || len(deleted["list"].([]any)) != 1 {
		t.Errorf("delete by value: %d %v", status, deleted)
	}
	status, body = do(t, k, "GET", "/api/lists/items?id="+item["id"].(string), "", nil)
	wantSiem(t, status, body, 404, `list item id: "`+item["id"].(string)+`" does not exist`)

	// Deleting the list takes its items with it.
	do(t, k, "POST", "/api/lists/items", `{"list_id":"tor-exits","value":"185.220.101.3"}`, nil)
	status, _ = do(t, k, "DELETE", "/api/lists?id=tor-exits", "", nil)
	if status != 200 {
		t.Fatalf("delete list: %d", status)
	}
	status, body = do(t, k, "GET", "/api/lists?id=tor-exits", "", nil)
	wantSiem(t, status, body, 404, `list id: "tor-exits" does not exist`)
	status, body = do(t, k, "DELETE", "/api/lists?id=tor-exits", "", nil)
	wantSiem(t, status, body, 404, `list id: "tor-exits" was not found`)
	for _, it := range k.spaces["default"].valueLists.items {
		if it.listID == "tor-exits" {
			t.Errorf("item %s outlived its list", it.value)
		}
	}
}

func TestValueListValidation(t *testing.T) {
	k := vlSandbox(t)
	for _, tc := range []struct{ method, path, body, want string }{
		{"POST", "/api/lists", `{"name":"a","type":"ip"}`, "[request body]: description: Required"},
		{"POST", "/api/lists", `{"name":" ","description":"d","type":"ip"}`, "[request body]: name: No empty strings allowed"},
		{"POST", "/api/lists", `{"name":"a","description":"d","type":"ipv4"}`, "[request body]: type: Invalid enum value. Expected 'binary' | 'boolean' | 'byte' | 'date' | 'date_nanos' | 'date_range' | 'double' | 'double_range' | 'float' | 'float_range' | 'geo_point' | 'geo_shape' | 'half_float' | 'integer' | 'integer_range' | 'ip' | 'ip_range' | 'keyword' | 'long' | 'long_range' | 'shape' | 'short' | 'text', received 'ipv4'"},
		{"POST", "/api/lists", `{"name":"a","description":"d","type":"ip","version":0}`, "[request body]: version: Number must be greater than or equal to 1"},
		{"PUT", "/api/lists", `{"id":"known-bad-ips","description":"d"}`, "[request body]: name: Required"},
		{"PATCH", "/api/lists", `{"name":"x"}`, "[request body]: id: Required"},
		{"GET", "/api/lists", ``, "[request query]: id: Required"},
		{"DELETE", "/api/lists?id=x&deleteReferences=yes", ``, "[request query]: deleteReferences: Invalid enum value. Expected 'true' | 'false', received 'yes'"},
		{"POST", "/api/lists/items", `{"list_id":"known-bad-ips"}`, "[request body]: value: Required"},
		{"PUT", "/api/lists/items", `{"id":"x"}`, "[request body]: value: Required"},
		{"GET", "/api/lists/items/_find", ``, "[request query]: list_id: Required"},
		{"GET", "/api/lists/_find?sort_order=up", ``, "[request query]: sort_order: Invalid enum value. Expected 'desc' | 'asc', received 'up'"},
		{"GET", "/api/lists/_find?page=two", ``, "[request query]: page: Expected number, received nan"},
	} {
		status, body := do(t, k, tc.method, tc.path, tc.body, nil)
		if status != 400 || body["message"] != tc.want || body["statusCode"] != float64(400) {
			t.Errorf("%s %s %s: %d %v, want %q", tc.method, tc.path, tc.body, status, body, tc.want)
		}
	}
	// Values must suit the list's type.
	for typ, cases := range map[string]struct{ good, bad []string }{
		"ip":            {[]string{"10.0.0.1", "2001:db8::1"}, []string{"10.0.0.256", "host-1"}},
		"ip_range":      {[]string{"10.0.0.0/8", "10.0.0.1-10.0.0.9", "10.0.0.1"}, []string{"10.0.0.9-10.0.0.1", "10.0.0.0/33"}},
		"long":          {[]string{"-42", "9000000000"}, []string{"4.2", "x"}},
		"byte":          {[]string{"127"}, []string{"128"}},
		"integer_range": {[]string{"1-5", "-5--1", "7"}, []string{"5-1", "1-x"}},
		"date":          {[]string{"2024-05-01", "2024-05-01T10:00:00Z", "1714557600000"}, []string{"May 1st"}},
		"date_range":    {[]string{"2024-05-01,2024-05-31"}, []string{"2024-05-01/2024-05-31"}},
		"boolean":       {[]string{"true"}, []string{"yes"}},
		"geo_point":     {[]string{"41.12,-71.34"}, []string{"91,0"}},
		"keyword":       {[]string{"anything at all"}, nil},
	} {
		for _, v := range cases.good {
			if !valueListValueOK(typ, v) {
				t.Errorf("%s refuses %q", typ, v)
			}
		}
		for _, v := range cases.bad {
			if valueListValueOK(typ, v) {
				t.Errorf("%s accepts %q", typ, v)
			}
		}
	}
}

func TestValueListFindPaging(t *testing.T) {
	k := vlSandbox(t)
	status, page1 := do(t, k, "GET", "/api/lists/_find?per_page=3&sort_field=name&sort_order=asc", "", nil)
	if status != 200 || len(page1["data"].([]any)) != 3 || page1["total"] != float64(4) {
		t.Fatalf("page 1: %d %v", status, page1)
	}
	cursor := page1["cursor"].(string)
	status, page2 := do(t, k, "GET", "/api/lists/_find?per_page=3&page=2&sort_field=name&sort_order=asc&cursor="+cursor, "", nil)
	if status != 200 || len(page2["data"].([]any)) != 1 || page2["data"].([]any)[0].(map[string]any)["name"] != "Vulnerability scanner ranges" {
		t.Errorf("page 2: %d %v", status, page2)
	}
	status, body := do(t, k, "GET", "/api/lists/_find?per_page=3&page=1&cursor="+cursor, "", nil)
	wantSiem(t, status, body, 400, "index: 3 of cursor cannot be greater than the start page index: 0")
	status, body = do(t, k, "GET", "/api/lists/_find?cursor=bm90IGpzb24=", "", nil)
	wantSiem(t, status, body, 400, "Error parsing JSON from base64 encoded cursor")
	status, body = do(t, k, "GET", "/api/lists/_find?sort_field=colour", "", nil)
	if status != 400 || !strings.Contains(body["message"].(string), "No mapping found for [colour] in order to sort on") {
		t.Errorf("unknown sort field: %d %v", status, body)
	}
	status, ips := do(t, k, "GET", "/api/lists/_find?filter=type:ip*", "", nil)
	if status != 200 || ips["total"] != float64(2) {
		t.Errorf("filter type:ip*: %d %v", status, ips)
	}
	// Items sort by value under the list's type; the filter uses it too.
	status, items := do(t, k, "GET", "/api/lists/items/_find?list_id=known-bad-ips&sort_field=ip&sort_order=desc", "", nil)
	if status != 200 || items["total"] != float64(3) || items["data"].([]any)[0].(map[string]any)["value"] != "203.0.113.77" {
		t.Errorf("items by ip desc: %d %v", status, items)
	}
	status, items = do(t, k, "GET", "/api/lists/items/_find?list_id=phishing-domains&filter=keyword:*contoso*", "", nil)
	if status != 200 || items["total"] != float64(1) {
		t.Errorf("items filter: %d %v", status, items)
	}
	status, body = do(t, k, "GET", "/api/lists/items/_find?list_id=nope", "", nil)
	wantSiem(t, status, body, 404, `list id: "nope" does not exist`)
}

// upload builds a multipart body with one file part, its name quoted as
// browsers and the tool write it.
func upload(t *testing.T, filename, content string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	part, _ := w.CreatePart(h)
	part.Write([]byte(content))
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

func postFile(t *testing.T, k *Kibana, path string, body []byte, contentType string) (int, map[string]any) {
	t.Helper()
	return do(t, k, "POST", path, string(body), map[string]string{"Content-Type": contentType})
}

func TestValueListImportExport(t *testing.T) {
	k := vlSandbox(t)
	body, ct := upload(t, "more_bad_ips.txt", "203.0.113.90\r\n\r\nnot-an-ip\n203.0.113.90\n203.0.113.23\n203.0.113.91\n")
	status, list := postFile(t, k, "/api/lists/items/_import?list_id=known-bad-ips", body, ct)
	if status != 200 || list["id"] != "known-bad-ips" {
		t.Fatalf("import: %d %v", status, list)
	}
	// Duplicates, blank lines, values already there and lines an ip list
	// cannot hold are skipped.
	if _, found := do(t, k, "GET", "/api/lists/items/_find?list_id=known-bad-ips", "", nil); found["total"] != float64(5) {
		t.Errorf("after import: %v", found)
	}
	// With a type and no list_id the file names a new list.
	body, ct = upload(t, "user_agents.csv", "curl/8.4.0\npython-requests/2.31\n")
	status, created := postFile(t, k, "/api/lists/items/_import?type=keyword", body, ct)
	if status != 200 || created["id"] != "user_agents.csv" || created["name"] != "user_agents.csv" || created["description"] != "File uploaded from file system of user_agents.csv" {
		t.Fatalf("import new list: %d %v", status, created)
	}

	req := httptest.NewRequest("POST", "/api/lists/items/_export?list_id=user_agents.csv", nil)
	req.Header.Set("Authorization", "ApiKey "+testKey)
	req.Header.Set("kbn-xsrf", "true")
	w := httptest.NewRecorder()
	k.ServeHTTP(w, req)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/ndjson" || w.Header().Get("Content-Disposition") != `attachment; filename="user_agents.csv"` || w.Body.String() != "curl/8.4.0\npython-requests/2.31\n" {
		t.Errorf("export: %d %v %q", w.Code, w.Header(), w.Body.String())
	}

	for _, tc := range []struct {
		path, filename string
		status         int
		message        string
	}{
		{"/api/lists/items/_import?list_id=nope", "a.txt", 409, `list id: "nope" does not exist`},
		{"/api/lists/items/_import", "a.txt", 400, "Either type or list_id need to be defined in the query"},
		{"/api/lists/items/_import?type=ip", "a.json", 415, "Unsupported media type. File must be one of the following types: [.csv, .txt]"},
	} {
		body, ct := upload(t, tc.filename, "1.2.3.4\n")
		status, answer := postFile(t, k, tc.path, body, ct)
		wantSiem(t, status, answer, tc.status, tc.message)
	}
	// Kibana finds the file name only when it is quoted.
	raw := "--XYZ\r\nContent-Disposition: form-data; name=file; filename=a.txt\r\n\r\n1.2.3.4\r\n--XYZ--\r\n"
	status, answer := postFile(t, k, "/api/lists/items/_import?type=ip", []byte(raw), "multipart/form-data; boundary=XYZ")
	wantSiem(t, status, answer, 400, "To import a list item, the file name must be specified")
	status, answer = do(t, k, "POST", "/api/lists/items/_export?list_id=nope", "", nil)
	wantSiem(t, status, answer, 400, "list_id: nope does not exist")
}

func TestValueListIndexLifecycle(t *testing.T) {
	k := vlSandbox(t)
	status, ack := do(t, k, "POST", "/s/soc/api/lists/index", "", nil)
	if status != 200 || ack["acknowledged"] != true {
		t.Errorf("create over existing: %d %v", status, ack)
	}
	if status, _ := do(t, k, "DELETE", "/s/soc/api/lists/index", "", nil); status != 200 {
		t.Fatalf("delete index: %d", status)
	}
	status, body := do(t, k, "GET", "/s/soc/api/lists/index", "", nil)
	wantSiem(t, status, body, 404, "data stream .lists-soc and data stream .items-soc does not exist")
	status, body = do(t, k, "POST", "/s/soc/api/lists", `{"name":"a","description":"b","type":"ip"}`, nil)
	wantSiem(t, status, body, 400, `To create a list, the data stream must exist first. Data stream ".lists-soc" does not exist`)
	status, body = do(t, k, "GET", "/s/soc/api/lists/_find", "", nil)
	if status != 404 || !strings.Contains(body["message"].(string), "no such index [.lists-soc]") {
		t.Errorf("find without streams: %d %v", status, body)
	}
	status, body = do(t, k, "DELETE", "/s/soc/api/lists/index", "", nil)
	wantSiem(t, status, body, 404, `index and data stream: ".lists-soc" and ".items-soc" does not exist`)
	// The default space is untouched; re-created streams start empty.
	if status, _ := do(t, k, "GET", "/api/lists?id=known-bad-ips", "", nil); status != 200 {
		t.Errorf("default space lost its lists: %d", status)
	}
	do(t, k, "POST", "/s/soc/api/lists/index", "", nil)
	status, found := do(t, k, "GET", "/s/soc/api/lists/_find", "", nil)
	if status != 200 || found["total"] != float64(0) || found["cursor"] != base64.StdEncoding.EncodeToString([]byte("[0]")) {
		t.Errorf("find after re-create: %d %v", status, found)
	}
	status, created := do(t, k, "POST", "/s/soc/api/lists", `{"name":"a","description":"b","type":"keyword"}`, nil)
	if status != 200 || created["id"] == "" {
		t.Errorf("create after re-create: %d %v", status, created)
	}
}

func TestValueListPrivileges(t *testing.T) {
	k := vlSandbox(t)
	status, body := do(t, k, "GET", "/s/soc/api/lists/privileges", "", nil)
	if status != 200 || body["is_authenticated"] != true {
		t.Fatalf("%d %v", status, body)
	}
	items := body["listItems"].(map[string]any)
	if items["has_all_requested"] != true || items["index"].(map[string]any)[".items-soc"].(map[string]any)["read"] != true {
		t.Errorf("listItems: %v", items)
	}
	if status, _ := do(t, k, "GET", "/api/lists/privileges", "", map[string]string{"Authorization": ""}); status != http.StatusUnauthorized {
		t.Errorf("without credentials: %d", status)
	}
}

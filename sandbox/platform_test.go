package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// platformNow is the pinned clock of the platform tests.
var platformNow = time.Date(2025, 3, 5, 12, 0, 0, 0, time.UTC)

func platformKibana() *Kibana {
	return New(Config{APIKey: testKey, Seed: 7, Now: func() time.Time { return platformNow }})
}

// platformStep is one request of a sequence and the status it must get.
type platformStep struct {
	method, path, body string
	status             int
}

func runPlatformSteps(t *testing.T, k *Kibana, steps []platformStep) {
	t.Helper()
	for _, s := range steps {
		status, body := do(t, k, s.method, s.path, s.body, nil)
		if status != s.status {
			t.Errorf("%s %s %s: %d %v, want %d", s.method, s.path, s.body, status, body, s.status)
		}
	}
}

// uploadSourceMap sends a multipart upload as upload_apm_sourcemap does.
func uploadSourceMap(t *testing.T, k *Kibana, path string, fields map[string]string) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, name := range []string{"service_name", "service_version", "bundle_filepath", "sourcemap"} {
		if v, ok := fields[name]; ok {
			w.WriteField(name, v)
		}
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Authorization", "ApiKey "+testKey)
	req.Header.Set("kbn-xsrf", "true")
	req.Header.Set("Content-Type", w.FormDataContentType())
	rec := httptest.NewRecorder()
	k.ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// The tool examples, as the tools send them, in an order that lets each
// find what it names where an earlier one created it.

func TestSpacesToolExamples(t *testing.T) {
	full := `{"id":"marketing","name":"Marketing","description":"Campaign dashboards.","color":"#aabbcc","initials":"MK","imageUrl":"data:image/png;base64,iVBORw0KGgo=","disabledFeatures":["ml","canvas"],"solution":"classic"}`
	runPlatformSteps(t, platformKibana(), []platformStep{
		{"GET", "/api/spaces/space?include_authorized_purposes=true", "", 200},
		{"GET", "/s/soc/api/spaces/space?include_authorized_purposes=true", "", 200},
		{"GET", "/api/spaces/space/marketing", "", 404},
		{"POST", "/s/soc/api/spaces/space", full, 200},
		{"POST", "/api/spaces/space", `{"id":"marketing","name":"Marketing"}`, 409},
		{"GET", "/api/spaces/space/marketing", "", 200},
		{"GET", "/s/soc/api/spaces/space/marketing", "", 200},
		{"PUT", "/api/spaces/space/marketing", `{"id":"marketing","name":"Marketing","disabledFeatures":[]}`, 200},
		{"PUT", "/s/soc/api/spaces/space/marketing", `{"id":"marketing","name":"Marketing and sales","description":"Campaign dashboards.","color":"#AABBCC","initials":"MS","imageUrl":"data:image/png;base64,iVBORw0KGgo=","disabledFeatures":["ml"],"solution":"oblt"}`, 200},
		{"DELETE", "/api/spaces/space/marketing", "", 204},
		{"DELETE", "/s/soc/api/spaces/space/marketing", "", 404},
		{"POST", "/api/spaces/space", `{"id":"marketing","name":"Marketing"}`, 200},
	})
}

func TestRolesToolExamples(t *testing.T) {
	full := `{"description":"Reads security data; runs cases in the soc space.","elasticsearch":{"cluster":["monitor"],"indices":[{"names":["logs-*",".alerts-security.alerts-*"],"privileges":["read","view_index_metadata"],"field_security":{"grant":["*"],"except":["user.password"]},"query":"{\"term\":{\"organization\":\"acme\"}}"}],"remote_indices":[{"clusters":["eu-*"],"names":["logs-*"],"privileges":["read"],"field_security":{"grant":["*"]},"query":"{\"match_all\":{}}"}],"remote_cluster":[{"clusters":["eu-*"],"privileges":["monitor_enrich"]}],"run_as":["svc_reporting"]},"kibana":[{"base":[],"feature":{"securitySolutionCases":["all"],"discover":["read"]},"spaces":["soc"]},{"base":["read"],"spaces":["default"]}],"metadata":{"version":1}}`
	runPlatformSteps(t, platformKibana(), []platformStep{
		{"GET", "/api/security/role", "", 200},
		{"GET", "/s/soc/api/security/role?replaceDeprecatedPrivileges=true", "", 200},
		{"GET", "/api/security/role/soc_analyst", "", 200},
		{"GET", "/s/soc/api/security/role/soc_analyst?replaceDeprecatedPrivileges=true", "", 200},
		{"PUT", "/api/security/role/monitoring", `{"elasticsearch":{"cluster":["monitor"]}}`, 204},
		{"PUT", "/s/soc/api/security/role/soc_analyst?createOnly=true", full, 409},
		{"DELETE", "/api/security/role/soc_analyst", "", 204},
		{"PUT", "/s/soc/api/security/role/soc_analyst?createOnly=true", full, 204},
		{"DELETE", "/s/soc/api/security/role/soc_analyst", "", 204},
		{"DELETE", "/api/security/role/soc_analyst", "", 404},
	})
}

func TestDataViewsToolExamples(t *testing.T) {
	create := `{"data_view":{"title":"logs-*,filebeat-*","name":"All logs","id":"all-logs","timeFieldName":"@timestamp","allowNoIndex":true,"namespaces":["default","soc"],"sourceFilters":[{"value":"*.secret"}],"runtimeFieldMap":{"hour_of_day":{"type":"long","script":{"source":"emit(doc['@timestamp'].value.getHour())"}}},"fieldFormats":{"bytes":{"id":"bytes"},"duration":{"id":"number","params":{"pattern":"0,0.[00]"}}},"fieldAttrs":{"host.name":{"customLabel":"Host","customDescription":"Reporting host.","count":3}}},"override":true}`
	update := `{"data_view":{"title":"logs-*","name":"Every log","timeFieldName":"event.ingested","allowNoIndex":false,"sourceFilters":[],"runtimeFieldMap":{"day":{"type":"keyword","script":{"source":"emit(doc['@timestamp'].value.dayOfWeekEnum.toString())"}}},"fieldFormats":{"bytes":{"id":"bytes"}}},"refresh_fields":true}`
	swap := `{"fromId":"old-logs","toId":"all-logs","fromType":"index-pattern","forType":"dashboard","forId":["edf84fe0-e1a0-11e7-b6d5-4dc382ef7f5b"],"delete":true}`
	sample := "/api/data_views/data_view/90943e30-9a47-11e8-b64d-95841ca0b247"
	runPlatformSteps(t, platformKibana(), []platformStep{
		{"GET", "/api/data_views", "", 200},
		{"GET", "/s/soc/api/data_views", "", 200},
		{"GET", sample, "", 200},
		{"GET", "/s/soc" + sample, "", 200},
		{"POST", "/api/data_views/data_view/all-logs", `{"data_view":{"name":"Every log"}}`, 404},
		{"POST", "/api/data_views/data_view", `{"data_view":{"title":"logs-*"}}`, 200},
		{"POST", "/s/soc/api/data_views/data_view", create, 200},
		{"POST", "/api/data_views/data_view/all-logs", `{"data_view":{"name":"Every log"}}`, 200},
		{"POST", "/s/soc/api/data_views/data_view/all-logs", update, 200},
		{"POST", "/api/data_views/data_view/all-logs/fields", `{"fields":{"host.name":{"customLabel":"Host"}}}`, 200},
		{"POST", "/s/soc/api/data_views/data_view/all-logs/fields", `{"fields":{"host.name":{"customLabel":"Host","customDescription":"Reporting host.","count":12},"user.name":{"count":0}}}`, 200},
		{"PUT", "/api/data_views/data_view/all-logs/runtime_field", `{"name":"hour_of_day","runtimeField":{"type":"long","script":{"source":"emit(doc['@timestamp'].value.getHour())"}}}`, 200},
		{"PUT", "/s/soc/api/data_views/data_view/all-logs/runtime_field", `{"name":"host_upper","runtimeField":{"type":"keyword","script":{"source":"emit(doc['host.name'].value.toUpperCase())"}}}`, 200},
		{"GET", "/api/data_views/data_view/all-logs/runtime_field/hour_of_day", "", 200},
		{"GET", "/s/soc/api/data_views/data_view/all-logs/runtime_field/hour_of_day", "", 200},
		{"POST", "/api/data_views/data_view/all-logs/runtime_field/hour_of_day", `{"runtimeField":{"script":{"source":"emit(doc['event.created'].value.getHour())"}}}`, 200},
		{"POST", "/s/soc/api/data_views/data_view/all-logs/runtime_field/hour_of_day", `{"runtimeField":{"type":"double","script":{"source":"emit(doc['@timestamp'].value.getHour())"}}}`, 200},
		{"DELETE", "/api/data_views/data_view/all-logs/runtime_field/hour_of_day", "", 200},
		{"DELETE", "/s/soc/api/data_views/data_view/all-logs/runtime_field/hour_of_day", "", 404},
		{"GET", "/api/data_views/default", "", 200},
		{"GET", "/s/soc/api/data_views/default", "", 200},
		{"POST", "/api/data_views/default", `{"data_view_id":"all-logs"}`, 200},
		{"POST", "/s/soc/api/data_views/default", `{"data_view_id":"all-logs","force":true}`, 200},
		{"POST", "/api/data_views/swap_references/_preview", `{"fromId":"old-logs","toId":"all-logs"}`, 200},
		{"POST", "/s/soc/api/data_views/swap_references/_preview", swap, 200},
		{"POST", "/api/data_views/swap_references", `{"fromId":"old-logs","toId":"all-logs"}`, 200},
		{"POST", "/s/soc/api/data_views/swap_references", swap, 200},
		{"DELETE", "/api/data_views/data_view/all-logs", "", 204},
		{"DELETE", "/s/soc/api/data_views/data_view/all-logs", "", 404},
	})
}

func TestAPMToolExamples(t *testing.T) {
	k := platformKibana()
	runPlatformSteps(t, k, []platformStep{
		{"GET", "/api/apm/services/checkout/annotation/search?environment=ENVIRONMENT_ALL&start=2025-03-01T00%3A00%3A00Z&end=2025-03-02T00%3A00%3A00Z", "", 200},
		{"GET", "/s/soc/api/apm/services/checkout/annotation/search?environment=production&start=2025-03-01T00%3A00%3A00.000Z&end=2025-03-08T00%3A00%3A00.000Z", "", 200},
		{"GET", "/api/apm/settings/agent-configuration", "", 200},
		{"GET", "/s/soc/api/apm/settings/agent-configuration", "", 200},
		{"GET", "/api/apm/settings/agent-configuration/view?name=checkout", "", 404},
		{"GET", "/s/soc/api/apm/settings/agent-configuration/view?environment=production&name=checkout", "", 200},
		{"POST", "/api/apm/settings/agent-configuration/search", `{"service":{"name":"checkout"}}`, 200},
		{"POST", "/s/soc/api/apm/settings/agent-configuration/search", `{"service":{"name":"checkout","environment":"production"}}`, 200},
		{"PUT", "/api/apm/settings/agent-configuration", `{"service":{"name":"checkout"},"settings":{"transaction_sample_rate":"0.5"}}`, 200},
		{"PUT", "/s/soc/api/apm/settings/agent-configuration?overwrite=true", `{"service":{"name":"checkout","environment":"production"},"settings":{"transaction_sample_rate":"0.2","capture_body":"errors","log_level":"warn"},"agent_name":"java"}`, 200},
		{"DELETE", "/api/apm/settings/agent-configuration", `{"service":{"name":"checkout"}}`, 200},
		{"DELETE", "/s/soc/api/apm/settings/agent-configuration", `{"service":{"name":"checkout","environment":"production"}}`, 200},
		{"GET", "/api/apm/settings/agent-configuration/agent_name?serviceName=checkout", "", 200},
		{"GET", "/s/soc/api/apm/settings/agent-configuration/agent_name?serviceName=checkout", "", 200},
		{"GET", "/api/apm/settings/agent-configuration/environments", "", 200},
		{"GET", "/s/soc/api/apm/settings/agent-configuration/environments?serviceName=checkout", "", 200},
		{"POST", "/api/apm/agent_keys", `{"name":"checkout-agents","privileges":["event:write"]}`, 200},
		{"POST", "/s/soc/api/apm/agent_keys", `{"name":"checkout-agents","privileges":["event:write","config_agent:read"]}`, 200},
		{"POST", "/api/apm/fleet/apm_server_schema", `{"schema":{"apm-server.host":"0.0.0.0:8200"}}`, 200},
		{"POST", "/s/soc/api/apm/fleet/apm_server_schema", `{"schema":{"apm-server.host":"0.0.0.0:8200","apm-server.rum.enabled":true}}`, 200},
		{"GET", "/api/apm/sourcemaps?perPage=20", "", 200},
		{"GET", "/s/soc/api/apm/sourcemaps?page=2&perPage=50", "", 200},
		{"DELETE", "/api/apm/sourcemaps/apm:shop-web-1.4.0-644fd5a997d1ddd90ee131ba18e2b3d03931d89dd1fe4599143c0b3264b3e456", "", 404},
	})
	for _, path := range []string{"/api/apm/sourcemaps", "/s/soc/api/apm/sourcemaps"} {
		status, art := uploadSourceMap(t, k, path, map[string]string{
			"service_name": "shop-web", "service_version": "1.4.0", "bundle_filepath": "/static/js/main.js",
			"sourcemap": `{"version":3,"file":"main.js","sources":["src/app.js","src/cart.js"],"sourcesContent":["const a = 1;","export {};"],"names":["a"],"mappings":"AAAA,IAAMA","sourceRoot":"/"}`,
		})
		if status != 200 || !strings.HasPrefix(art["id"].(string), "apm:shop-web-1.4.0-") || art["identifier"] != "shop-web-1.4.0" {
			t.Fatalf("upload to %s: %d %v", path, status, art)
		}
		if status, _ := do(t, k, "DELETE", strings.TrimSuffix(path, "sourcemaps")+"sourcemaps/"+art["id"].(string), "", nil); status != 200 {
			t.Errorf("delete of the uploaded source map: %d", status)
		}
	}
}

func TestDashboardsToolExamples(t *testing.T) {
	k := platformKibana()
	status, first := do(t, k, "GET", "/api/dashboards/dashboard?perPage=20", "", nil)
	if status != 200 || first["total"] != float64(4) || len(first["items"].([]any)) != 4 {
		t.Fatalf("default space: %d %v", status, first)
	}
	item := first["items"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "type", "attributes", "references", "namespaces", "createdAt", "updatedAt", "version"} {
		if _, ok := item[key]; !ok {
			t.Errorf("a dashboard lacks %s: %v", key, item)
		}
	}
	status, page2 := do(t, k, "GET", "/s/soc/api/dashboards/dashboard?page=2&perPage=50", "", nil)
	if status != 200 || page2["total"] != float64(5) || len(page2["items"].([]any)) != 0 {
		t.Errorf("soc page 2: %d %v", status, page2)
	}
	status, small := do(t, k, "GET", "/s/soc/api/dashboards/dashboard?page=2&perPage=2", "", nil)
	if status != 200 || len(small["items"].([]any)) != 2 {
		t.Errorf("soc page 2 of 2: %d %v", status, small)
	}
	for _, tc := range []struct{ query, want string }{
		{"perPage=1001", "[request query.perPage]: Value must be equal to or lower than [1000]."},
		{"page=0", "[request query.page]: Value must be equal to or greater than [1]."},
		{"page=two", "[request query.page]: expected value of type [number] but got [string]"},
	} {
		status, body := do(t, k, "GET", "/api/dashboards/dashboard?"+tc.query, "", nil)
		wantMessage(t, status, body, 400, tc.want)
	}
}

// --- spaces

func TestSpaceCreatedIsEmptyAndDeletable(t *testing.T) {
	k := platformKibana()
	status, created := do(t, k, "POST", "/api/spaces/space", `{"id":"blue-team","name":"Blue team"}`, nil)
	if status != 200 || created["id"] != "blue-team" || created["initials"] != "Bt" || created["color"] == "" || created["description"] != "" {
		t.Fatalf("create: %d %v", status, created)
	}
	status, cases := do(t, k, "GET", "/s/blue-team/api/cases/_find", "", nil)
	if status != 200 || cases["total"] != float64(0) {
		t.Fatalf("cases of the new space: %d %v", status, cases)
	}
	for path, check := range map[string]func(map[string]any) bool{
		"/api/data_views":                       func(b map[string]any) bool { return len(b["data_view"].([]any)) == 0 },
		"/api/data_views/default":               func(b map[string]any) bool { return b["data_view_id"] == nil },
		"/api/dashboards/dashboard":             func(b map[string]any) bool { return b["total"] == float64(0) },
		"/api/apm/settings/agent-configuration": func(b map[string]any) bool { return len(b["configurations"].([]any)) == 0 },
		"/api/apm/sourcemaps":                   func(b map[string]any) bool { return len(b["artifacts"].([]any)) == 0 },
		"/api/apm/settings/agent-configuration/environments": func(b map[string]any) bool {
			return len(b["environments"].([]any)) == 1
		},
		"/api/apm/services/checkout/annotation/search?environment=ENVIRONMENT_ALL&start=2025-01-01T00:00:00Z&end=2025-04-01T00:00:00Z": func(b map[string]any) bool {
			return len(b["annotations"].([]any)) == 0
		},
		"/api/security/role": func(b map[string]any) bool { return len(b["list"].([]any)) > 5 },
	} {
		status, body := do(t, k, "GET", "/s/blue-team"+path, "", nil)
		if status != 200 || !check(body) {
			t.Errorf("%s in the new space: %d %v", path, status, body)
		}
	}
	status, list := do(t, k, "GET", "/api/spaces/space?include_authorized_purposes=true", "", nil)
	var names []string
	for _, s := range list["list"].([]any) {
		sp := s.(map[string]any)
		names = append(names, sp["name"].(string))
		if _, ok := sp["authorizedPurposes"].(map[string]any); !ok {
			t.Errorf("no authorizedPurposes: %v", sp)
		}
		if sp["id"] == "default" && sp["_reserved"] != true {
			t.Errorf("the default space is not reserved: %v", sp)
		}
	}
	if status != 200 || !slices.Equal(names, []string{"Blue team", "Default", "Security Operations"}) {
		t.Errorf("spaces: %d %v", status, names)
	}
	if status, _ := do(t, k, "DELETE", "/api/spaces/space/blue-team", "", nil); status != 204 {
		t.Fatalf("delete: %d", status)
	}
	if status, _ := do(t, k, "GET", "/s/blue-team/api/cases/_find", "", nil); status != 404 {
		t.Errorf("the deleted space still answers: %d", status)
	}
}

func TestSpaceValidationAndReservedDefault(t *testing.T) {
	k := platformKibana()
	for _, tc := range []struct {
		method, path, body string
		status             int
		message            string
	}{
		{"POST", "/api/spaces/space", `{"id":"Blue Team","name":"Blue"}`, 400, "[request body.id]: must be lower case, a-z, 0-9, '_', and '-' are allowed"},
		{"POST", "/api/spaces/space", `{"id":"blue"}`, 400, "[request body.name]: expected value of type [string] but got [undefined]"},
		{"POST", "/api/spaces/space", `{"name":"Blue"}`, 400, "[request body.id]"},
		{"POST", "/api/spaces/space", `{"id":"blue","name":""}`, 400, "[request body.name]: value has length [0]"},
		{"POST", "/api/spaces/space", `{"id":"blue","name":"Blue","color":"blue"}`, 400, "[request body.color]: must be a 6 digit hex color"},
		{"POST", "/api/spaces/space", `{"id":"blue","name":"Blue","initials":"BLU"}`, 400, "[request body.initials]: value has length [3]"},
		{"POST", "/api/spaces/space", `{"id":"blue","name":"Blue","disabledFeatures":"ml"}`, 400, "[request body.disabledFeatures]"},
		{"POST", "/api/spaces/space", `{"id":"blue","name":"Blue","disabledFeatures":["nope"]}`, 400, "disabledFeatures do not have the required space scope"},
		{"POST", "/api/spaces/space", `{"id":"blue","name":"Blue","solution":"siem"}`, 400, "[request body.solution]"},
		{"POST", "/api/spaces/space", `{"id":"blue","name":"Blue","owner":"me"}`, 400, "[request body.owner]: definition for this key is missing"},
		{"POST", "/api/spaces/space", `{"id":"soc","name":"Again"}`, 409, "A space with the identifier soc already exists."},
		{"PUT", "/api/spaces/space/soc", `{"id":"secops","name":"SecOps"}`, 400, "[request body.id]"},
		{"PUT", "/api/spaces/space/nowhere", `{"id":"nowhere","name":"Nowhere"}`, 404, "Saved object [space/nowhere] not found"},
		{"GET", "/api/spaces/space/nowhere", "", 404, "Saved object [space/nowhere] not found"},
		{"DELETE", "/api/spaces/space/default", "", 400, "The default space cannot be deleted because it is reserved."},
		{"DELETE", "/s/soc/api/spaces/space/default", "", 400, "reserved"},
		{"GET", "/api/spaces/space?purpose=any&include_authorized_purposes=true", "", 400, "[request query.include_authorized_purposes]"},
		{"GET", "/api/spaces/space?purpose=everything", "", 400, "[request query.purpose]"},
	} {
		status, body := do(t, k, tc.method, tc.path, tc.body, nil)
		wantMessage(t, status, body, tc.status, tc.message)
	}
	status, soc := do(t, k, "PUT", "/api/spaces/space/soc", `{"id":"soc","name":"SecOps","disabledFeatures":["ml"],"color":"#112233"}`, nil)
	if status != 200 || soc["name"] != "SecOps" || soc["initials"] != "Se" || soc["description"] != "" {
		t.Fatalf("update: %d %v", status, soc)
	}
	status, soc = do(t, k, "GET", "/api/spaces/space/soc", "", nil)
	if status != 200 || soc["name"] != "SecOps" || soc["color"] != "#112233" || !slices.Equal(soc["disabledFeatures"].([]any), []any{"ml"}) {
		t.Errorf("the update did not persist: %v", soc)
	}
	if status, _ := do(t, k, "GET", "/api/spaces/space/default", "", nil); status != 200 {
		t.Errorf("default space: %d", status)
	}
}

// --- roles

func TestRolePutThenGet(t *testing.T) {
	k := platformKibana()
	body := `{"description":"Hunts in logs.","elasticsearch":{"cluster":["monitor"],"indices":[{"names":["logs-*"],"privileges":["read"],"query":"{\"term\":{\"team\":\"soc\"}}"}]},"kibana":[{"base":[],"feature":{"discover":["all"],"siem":["read"]},"spaces":["soc","default"]}],"metadata":{"owner":"soc"}}`
	if status, resp := do(t, k, "PUT", "/s/soc/api/security/role/hunter", body, nil); status != 204 {
		t.Fatalf("put: %d %v", status, resp)
	}
	status, role := do(t, k, "GET", "/api/security/role/hunter", "", nil)
	if status != 200 || role["description"] != "Hunts in logs." || role["metadata"].(map[string]any)["owner"] != "soc" {
		t.Fatalf("get: %d %v", status, role)
	}
	es := role["elasticsearch"].(map[string]any)
	index := es["indices"].([]any)[0].(map[string]any)
	if index["allow_restricted_indices"] != false || index["query"] != `{"term":{"team":"soc"}}` || len(es["run_as"].([]any)) != 0 {
		t.Errorf("elasticsearch part: %v", es)
	}
	entry := role["kibana"].([]any)[0].(map[string]any)
	if len(entry["base"].([]any)) != 0 || entry["feature"].(map[string]any)["siem"] == nil {
		t.Errorf("kibana part: %v", entry)
	}
	_, replaced := do(t, k, "GET", "/api/security/role/hunter?replaceDeprecatedPrivileges=true", "", nil)
	feature := replaced["kibana"].([]any)[0].(map[string]any)["feature"].(map[string]any)
	if feature["siemV2"] == nil || feature["discover_v2"] == nil || feature["siem"] != nil {
		t.Errorf("replaceDeprecatedPrivileges: %v", feature)
	}
	if status, _ := do(t, k, "PUT", "/api/security/role/hunter?createOnly=true", body, nil); status != 409 {
		t.Errorf("createOnly over an existing role: %d", status)
	}
	if status, _ := do(t, k, "PUT", "/api/security/role/hunter", `{"elasticsearch":{}, "kibana":[{"base":["read"]}]}`, nil); status != 204 {
		t.Errorf("replace: %d", status)
	}
	_, role = do(t, k, "GET", "/api/security/role/hunter", "", nil)
	if _, ok := role["description"]; ok || role["kibana"].([]any)[0].(map[string]any)["spaces"].([]any)[0] != "*" {
		t.Errorf("PUT must replace the whole role, spaces defaulting to *: %v", role)
	}
	_, list := do(t, k, "GET", "/s/soc/api/security/role", "", nil)
	var names []string
	for _, r := range list["list"].([]any) {
		names = append(names, r.(map[string]any)["name"].(string))
	}
	if !slices.IsSorted(names) || !slices.Contains(names, "hunter") || !slices.Contains(names, "viewer") {
		t.Errorf("roles: %v", names)
	}
}

func TestRoleValidation(t *testing.T) {
	k := platformKibana()
	for _, tc := range []struct{ name, body, message string }{
		{"x", `{}`, "[request body.elasticsearch]: expected value of type [object] but got [undefined]"},
		{"x", `{"elasticsearch":{"cluster":"monitor"}}`, "[request body.elasticsearch.cluster]: expected value of type [array] but got [string]"},
		{"x", `{"elasticsearch":{"indices":[{"names":[],"privileges":["read"]}]}}`, "[request body.elasticsearch.indices.0.names]: array size is [0], but cannot be smaller than [1]"},
		{"x", `{"elasticsearch":{"indices":[{"names":["a"]}]}}`, "[request body.elasticsearch.indices.0.privileges]: expected value of type [array] but got [undefined]"},
		{"x", `{"elasticsearch":{"indices":[{"names":["a"],"privileges":["read"],"query":{"match_all":{}}}]}}`, "[request body.elasticsearch.indices.0.query]: expected value of type [string] but got [Object]"},
		{"x", `{"elasticsearch":{"run_as":[1]}}`, "[request body.elasticsearch.run_as.0]: expected value of type [string] but got [number]"},
		{"x", `{"elasticsearch":{"remote_cluster":[{"privileges":["monitor_enrich"]}]}}`, "[request body.elasticsearch.remote_cluster.0.clusters]"},
		{"x", `{"elasticsearch":{"applications":[]}}`, "[request body.elasticsearch.applications]: definition for this key is missing"},
		{"x", `{"elasticsearch":{},"kibana":[{"base":["all"],"feature":{"discover":["all"]}}]}`, "[request body.kibana.0]: definition of [feature] isn't allowed when non-empty [base] is defined."},
		{"x", `{"elasticsearch":{},"kibana":[{"base":[],"feature":{}}]}`, "[request body.kibana.0]: either [base] or [feature] is expected, but none of them specified"},
		{"x", `{"elasticsearch":{},"kibana":[{"base":["read"],"spaces":["*","soc"]}]}`, "[request body.kibana.0.spaces]: types that failed validation"},
		{"x", `{"elasticsearch":{},"kibana":[{"base":["read"],"spaces":["soc"]},{"feature":{"discover":["all"]},"spaces":["default","soc"]}]}`, "[request body.kibana]: more than one privilege is applied to the following spaces: [soc]"},
		{"x", `{"elasticsearch":{},"kibana":[{"base":["write"],"spaces":["soc"]}]}`, `[request body.kibana.0.base.0]: unknown space privilege "write", must be one of [all,read]`},
		{"x", `{"elasticsearch":{},"kibana":[{"base":["write"]}]}`, `unknown global privilege "write"`},
		{"x", `{"elasticsearch":{},"kibana":[{"feature":{"dis cover":["all"]}}]}`, `[request body.kibana.0.feature.key("dis cover")]`},
		{"x", `{"elasticsearch":{"cluster":["monitr"]}}`, "unknown cluster privilege [monitr]"},
		{"x", `{"elasticsearch":{"indices":[{"names":["a"],"privileges":["reed"]}]}}`, "unknown index privilege [reed]"},
		{"x", `{"elasticsearch":{"indices":[{"names":["a"],"privileges":["read"],"query":"match all"}]}}`, "failed to parse the query of indices[0]"},
		{"x", `{"elasticsearch":{},"metadata":{"_secret":1}}`, "role metadata keys may not start with [_]"},
		{"viewer", `{"elasticsearch":{}}`, "role [viewer] is reserved and cannot be modified."},
	} {
		status, body := do(t, k, "PUT", "/api/security/role/"+tc.name, tc.body, nil)
		wantMessage(t, status, body, 400, tc.message)
	}
	status, body := do(t, k, "PUT", "/api/security/role/x?createOnly=maybe", `{"elasticsearch":{}}`, nil)
	wantMessage(t, status, body, 400, "[request query.createOnly]")
	status, body = do(t, k, "DELETE", "/api/security/role/superuser", "", nil)
	wantMessage(t, status, body, 400, "role [superuser] is reserved and cannot be deleted")
	status, body = do(t, k, "GET", "/api/security/role/nobody", "", nil)
	wantMessage(t, status, body, 404, "role [nobody] not found")
	status, body = do(t, k, "DELETE", "/api/security/role/nobody", "", nil)
	wantMessage(t, status, body, 404, "role [nobody] not found")
}

// --- data views

func TestDataViewsAreKeptPerSpace(t *testing.T) {
	k := platformKibana()
	status, created := do(t, k, "POST", "/s/soc/api/data_views/data_view", `{"data_view":{"title":"winlogbeat-*","name":"Windows"}}`, nil)
	if status != 200 {
		t.Fatalf("create: %d %v", status, created)
	}
	id := created["data_view"].(map[string]any)["id"].(string)
	if ns := created["data_view"].(map[string]any)["namespaces"].([]any); !slices.Equal(ns, []any{"soc"}) {
		t.Errorf("namespaces: %v", ns)
	}
	if status, _ := do(t, k, "GET", "/s/soc/api/data_views/data_view/"+id, "", nil); status != 200 {
		t.Errorf("get in soc: %d", status)
	}
	status, body := do(t, k, "GET", "/api/data_views/data_view/"+id, "", nil)
	wantMessage(t, status, body, 404, "Saved object [index-pattern/"+id+"] not found")
	titles := func(path string) []string {
		_, list := do(t, k, "GET", path, "", nil)
		var out []string
		for _, v := range list["data_view"].([]any) {
			out = append(out, v.(map[string]any)["title"].(string))
		}
		return out
	}
	if got := titles("/api/data_views"); slices.Contains(got, "winlogbeat-*") || !slices.Contains(got, ".alerts-security.alerts-default") {
		t.Errorf("default space's data views: %v", got)
	}
	if got := titles("/s/soc/api/data_views"); !slices.Contains(got, "winlogbeat-*") || !slices.Contains(got, ".alerts-security.alerts-soc") {
		t.Errorf("soc's data views: %v", got)
	}
	// A data view shared with both spaces is one object: a change made
	// in one shows in the other.
	do(t, k, "POST", "/api/data_views/data_view", `{"data_view":{"title":"auditbeat-*","id":"shared","namespaces":["default","soc"]}}`, nil)
	do(t, k, "POST", "/s/soc/api/data_views/data_view/shared", `{"data_view":{"name":"Audit"}}`, nil)
	_, shared := do(t, k, "GET", "/api/data_views/data_view/shared", "", nil)
	if v := shared["data_view"].(map[string]any); v["name"] != "Audit" || !slices.Equal(v["namespaces"].([]any), []any{"default", "soc"}) {
		t.Errorf("shared data view: %v", v)
	}
}

func TestDataViewCreateOverrideAndValidation(t *testing.T) {
	k := platformKibana()
	status, v := do(t, k, "GET", "/api/data_views/data_view/logs-*", "", nil)
	if status != 200 {
		t.Fatalf("seeded logs-*: %d", status)
	}
	spec := v["data_view"].(map[string]any)
	fields := spec["fields"].(map[string]any)
	host := fields["host.name"].(map[string]any)
	if host["customLabel"] != "Host" || host["count"] != float64(14) || host["type"] != "string" || fields["hour_of_day"].(map[string]any)["runtimeField"] == nil {
		t.Errorf("fields of logs-*: host.name %v, hour_of_day %v", host, fields["hour_of_day"])
	}
	for _, key := range []string{"id", "title", "name", "version", "timeFieldName", "runtimeFieldMap", "fieldFormats", "fieldAttrs", "sourceFilters", "allowNoIndex", "namespaces"} {
		if _, ok := spec[key]; !ok {
			t.Errorf("the data view lacks %s", key)
		}
	}
	status, body := do(t, k, "POST", "/api/data_views/data_view", `{"data_view":{"title":"logs-*","name":"Logs"}}`, nil)
	wantMessage(t, status, body, 400, "Duplicate data view: Logs")
	status, body = do(t, k, "POST", "/api/data_views/data_view", `{"data_view":{"title":"logs-*,-logs-nginx*","name":"Logs"},"override":true}`, nil)
	if status != 200 {
		t.Fatalf("override: %d %v", status, body)
	}
	newID := body["data_view"].(map[string]any)["id"].(string)
	if status, _ := do(t, k, "GET", "/api/data_views/data_view/logs-*", "", nil); status != 404 || newID == "logs-*" {
		t.Errorf("override must replace the data view of the same name: %d, new id %s", status, newID)
	}
	_, def := do(t, k, "GET", "/api/data_views/default", "", nil)
	if def["data_view_id"] != newID {
		t.Errorf("the replacement of the default becomes the default: %v", def)
	}
	for _, tc := range []struct{ path, body, message string }{
		{"/api/data_views/data_view", `{}`, "[request body.data_view]: expected value of type [object] but got [undefined]"},
		{"/api/data_views/data_view", `{"data_view":{"name":"x"}}`, "[request body.data_view.title]: expected value of type [string] but got [undefined]"},
		{"/api/data_views/data_view", `{"data_view":{"title":"x","sourceFilters":[{"field":"a"}]}}`, "[request body.data_view.sourceFilters.0.value]"},
		{"/api/data_views/data_view", `{"data_view":{"title":"x","runtimeFieldMap":{"r":{"type":"text","script":{"source":"emit(1)"}}}}}`, "[request body.data_view.runtimeFieldMap.r.type]"},
		{"/api/data_views/data_view", `{"data_view":{"title":"x","fieldAttrs":{"a":{"count":-1}}}}`, "[request body.data_view.fieldAttrs.a.count]: Value must be equal to or greater than [0]."},
		{"/api/data_views/data_view", `{"data_view":{"title":"x"},"overwrite":true}`, "[request body.overwrite]: definition for this key is missing"},
		{"/api/data_views/data_view/metrics-*", `{"data_view":{"id":"other"}}`, "[request body.data_view.id]: definition for this key is missing"},
		{"/api/data_views/data_view/metrics-*", `{"data_view":{"title":"metrics-*"}}`, "Change set is empty."},
		{"/api/data_views/data_view/metrics-*/fields", `{"fields":{}}`, "[request body.fields]: Field object cannot be empty."},
		{"/api/data_views/data_view/metrics-*/fields", `{"fields":{"host.name":{"label":"Host"}}}`, "[request body.fields.host.name.label]: definition for this key is missing"},
		{"/api/data_views/data_view/metrics-*/fields", `{}`, "[request body.fields]"},
		{"/api/data_views/default", `{"force":true}`, "[request body.data_view_id]"},
		{"/api/data_views/swap_references", `{"toId":"logs-*"}`, "[request body.fromId]"},
		{"/api/data_views/swap_references/_preview", `{"fromId":"logs-*"}`, "[request body.toId]"},
	} {
		status, body := do(t, k, "POST", tc.path, tc.body, nil)
		wantMessage(t, status, body, 400, tc.message)
	}
	status, fieldsAnswer := do(t, k, "POST", "/api/data_views/data_view/metrics-*/fields", `{"fields":{"host.name":{"customLabel":"Host","count":4}}}`, nil)
	if status != 200 || fieldsAnswer["acknowledged"] != true {
		t.Fatalf("fields: %d %v", status, fieldsAnswer)
	}
	_, metrics := do(t, k, "GET", "/api/data_views/data_view/metrics-*", "", nil)
	if h := metrics["data_view"].(map[string]any)["fields"].(map[string]any)["host.name"].(map[string]any); h["customLabel"] != "Host" || h["count"] != float64(4) {
		t.Errorf("field settings did not persist: %v", h)
	}
	do(t, k, "POST", "/api/data_views/data_view/metrics-*/fields", `{"fields":{"host.name":{"customLabel":null}}}`, nil)
	_, metrics = do(t, k, "GET", "/api/data_views/data_view/metrics-*", "", nil)
	if h := metrics["data_view"].(map[string]any)["fields"].(map[string]any)["host.name"].(map[string]any); h["customLabel"] != nil || h["count"] != float64(4) {
		t.Errorf("null must clear only the label: %v", h)
	}
}

func TestRuntimeFieldLifecycle(t *testing.T) {
	k := platformKibana()
	base := "/s/soc/api/data_views/data_view/metrics-*/runtime_field"
	status, put := do(t, k, "PUT", base, `{"name":"cpu_band","runtimeField":{"type":"keyword","script":{"source":"emit(doc['system.cpu.total.norm.pct'].value > 0.9 ? 'hot' : 'ok')"}}}`, nil)
	if status != 200 || put["fields"].([]any)[0].(map[string]any)["name"] != "cpu_band" || put["data_view"] == nil {
		t.Fatalf("put: %d %v", status, put)
	}
	status, got := do(t, k, "GET", base+"/cpu_band", "", nil)
	field := got["fields"].([]any)[0].(map[string]any)
	if status != 200 || field["type"] != "string" || field["runtimeField"].(map[string]any)["type"] != "keyword" {
		t.Fatalf("get: %d %v", status, got)
	}
	status, upd := do(t, k, "POST", base+"/cpu_band", `{"runtimeField":{"type":"long"}}`, nil)
	rf := upd["fields"].([]any)[0].(map[string]any)["runtimeField"].(map[string]any)
	if status != 200 || rf["type"] != "long" || rf["script"] == nil {
		t.Errorf("update keeps the script, changes the type: %d %v", status, rf)
	}
	status, body := do(t, k, "POST", base+"/cpu_band", `{"name":"x","runtimeField":{"type":"long"}}`, nil)
	wantMessage(t, status, body, 400, "[request body.name]: definition for this key is missing")
	status, body = do(t, k, "PUT", base, `{"name":"geo","runtimeField":{"type":"composite","script":{"source":"emit(params._source)"},"fields":{"lat":{"type":"double"},"lon":{"type":"double"}}}}`, nil)
	if status != 200 || len(body["fields"].([]any)) != 2 {
		t.Errorf("composite: %d %v", status, body)
	}
	for _, tc := range []struct{ body, message string }{
		{`{"runtimeField":{"type":"long"}}`, "[request body.name]: expected value of type [string] but got [undefined]"},
		{`{"name":"a"}`, "[request body.runtimeField]: expected value of type [object] but got [undefined]"},
		{`{"name":"a","runtimeField":{"script":{"source":"emit(1)"}}}`, "[request body.runtimeField.type]"},
		{`{"name":"a","runtimeField":{"type":"float"}}`, "[request body.runtimeField.type]"},
		{`{"name":"a","runtimeField":{"type":"long","script":{"code":"emit(1)"}}}`, "[request body.runtimeField.script.source]"},
		{`{"name":"a","runtimeField":{"type":"composite"}}`, "[request body.runtimeField.fields]"},
	} {
		status, body := do(t, k, "PUT", base, tc.body, nil)
		wantMessage(t, status, body, 400, tc.message)
	}
	if status, _ := do(t, k, "DELETE", base+"/cpu_band", "", nil); status != 200 {
		t.Errorf("delete: %d", status)
	}
	status, body = do(t, k, "GET", base+"/cpu_band", "", nil)
	wantMessage(t, status, body, 404, "Field [index_pattern = metrics-*, field = cpu_band] not found.")
	status, body = do(t, k, "GET", "/api/data_views/data_view/metrics-*/runtime_field/cpu_band", "", nil)
	wantMessage(t, status, body, 404, "not found")
	status, body = do(t, k, "PUT", "/api/data_views/data_view/nope/runtime_field", `{"name":"a","runtimeField":{"type":"long"}}`, nil)
	wantMessage(t, status, body, 404, "Saved object [index-pattern/nope] not found")
}

func TestDefaultDataViewAndSwapReferences(t *testing.T) {
	k := platformKibana()
	_, def := do(t, k, "GET", "/api/data_views/default", "", nil)
	if def["data_view_id"] != "logs-*" {
		t.Fatalf("seeded default: %v", def)
	}
	do(t, k, "POST", "/api/data_views/default", `{"data_view_id":"metrics-*"}`, nil)
	if _, def = do(t, k, "GET", "/api/data_views/default", "", nil); def["data_view_id"] != "logs-*" {
		t.Errorf("without force the default stays: %v", def)
	}
	do(t, k, "POST", "/api/data_views/default", `{"data_view_id":"metrics-*","force":true}`, nil)
	if _, def = do(t, k, "GET", "/api/data_views/default", "", nil); def["data_view_id"] != "metrics-*" {
		t.Errorf("with force the default changes: %v", def)
	}
	if _, soc := do(t, k, "GET", "/s/soc/api/data_views/default", "", nil); soc["data_view_id"] == "metrics-*" {
		t.Errorf("the default is per space: %v", soc)
	}
	status, preview := do(t, k, "POST", "/api/data_views/swap_references/_preview", `{"fromId":"logs-*","toId":"metrics-*"}`, nil)
	if status != 200 || len(preview["result"].([]any)) != 2 {
		t.Fatalf("dashboards referring to logs-*: %d %v", status, preview)
	}
	status, body := do(t, k, "POST", "/api/data_views/swap_references", `{"fromId":"logs-*","toId":"nope"}`, nil)
	wantMessage(t, status, body, 404, "Could not find object with type index-pattern and id nope")
	status, swapped := do(t, k, "POST", "/api/data_views/swap_references", `{"fromId":"logs-*","toId":"metrics-*","delete":true}`, nil)
	ds := swapped["deleteStatus"].(map[string]any)
	if status != 200 || len(swapped["result"].([]any)) != 2 || ds["deletePerformed"] != true || ds["remainingRefs"] != float64(0) {
		t.Fatalf("swap: %d %v", status, swapped)
	}
	if status, _ := do(t, k, "GET", "/api/data_views/data_view/logs-*", "", nil); status != 404 {
		t.Errorf("the unused data view must be deleted: %d", status)
	}
	_, again := do(t, k, "POST", "/api/data_views/swap_references/_preview", `{"fromId":"logs-*","toId":"metrics-*"}`, nil)
	if len(again["result"].([]any)) != 0 {
		t.Errorf("no dashboard refers to logs-* any more: %v", again)
	}
	_, dashboards := do(t, k, "GET", "/api/dashboards/dashboard", "", nil)
	for _, d := range dashboards["items"].([]any) {
		for _, r := range d.(map[string]any)["references"].([]any) {
			if r.(map[string]any)["id"] == "logs-*" {
				t.Errorf("a dashboard still refers to logs-*: %v", d)
			}
		}
	}
	// forId limits the swap; then the old view is still referred to.
	_, soc := do(t, k, "POST", "/s/soc/api/data_views/swap_references", `{"fromId":"logs-*","toId":"metrics-*","forId":"nope","delete":true}`, nil)
	if ds := soc["deleteStatus"].(map[string]any); len(soc["result"].([]any)) != 0 || ds["deletePerformed"] != false || ds["remainingRefs"] != float64(3) {
		t.Errorf("swap limited to another object: %v", soc)
	}
}

// --- APM

func TestAPMAgentConfigurationLifecycle(t *testing.T) {
	k := platformKibana()
	put := `{"service":{"name":"payments","environment":"production"},"settings":{"transaction_sample_rate":"0.25","log_level":"debug"},"agent_name":"go"}`
	if status, body := do(t, k, "PUT", "/api/apm/settings/agent-configuration", put, nil); status != 200 {
		t.Fatalf("put: %d %v", status, body)
	}
	status, found := do(t, k, "POST", "/api/apm/settings/agent-configuration/search", `{"service":{"name":"payments","environment":"production"}}`, nil)
	src := found["_source"].(map[string]any)
	if status != 200 || src["settings"].(map[string]any)["transaction_sample_rate"] != "0.25" || src["applied_by_agent"] != false {
		t.Fatalf("search: %d %v", status, found)
	}
	etag := src["etag"].(string)
	do(t, k, "POST", "/api/apm/settings/agent-configuration/search", `{"service":{"name":"payments","environment":"production"},"etag":"`+etag+`"}`, nil)
	status, view := do(t, k, "GET", "/api/apm/settings/agent-configuration/view?name=payments&environment=production", "", nil)
	if status != 200 || view["applied_by_agent"] != true || view["id"] == nil || view["agent_name"] != "go" {
		t.Errorf("view after the agent's poll: %d %v", status, view)
	}
	// Resolution falls back: payments in qa has no configuration of its
	// own, so it gets the one for every service and environment.
	_, fallback := do(t, k, "POST", "/api/apm/settings/agent-configuration/search", `{"service":{"name":"payments","environment":"qa"}}`, nil)
	if s := fallback["_source"].(map[string]any)["service"].(map[string]any); len(s) != 0 {
		t.Errorf("fallback: %v", fallback)
	}
	_, frontend := do(t, k, "POST", "/api/apm/settings/agent-configuration/search", `{"service":{"name":"frontend","environment":"production"}}`, nil)
	if s := frontend["_source"].(map[string]any)["service"].(map[string]any); s["name"] != "frontend" {
		t.Errorf("the service's all-environments configuration wins: %v", frontend)
	}
	status, body := do(t, k, "PUT", "/api/apm/settings/agent-configuration", put, nil)
	wantMessage(t, status, body, 400, `A configuration already exists for "payments" / "production". Use ?overwrite=true`)
	_, envs := do(t, k, "GET", "/api/apm/settings/agent-configuration/environments?serviceName=payments", "", nil)
	got := map[string]bool{}
	for _, e := range envs["environments"].([]any) {
		got[e.(map[string]any)["name"].(string)] = e.(map[string]any)["alreadyConfigured"].(bool)
	}
	if len(got) != 3 || !got["production"] || !got["staging"] || got[apmAllOptionValue] {
		t.Errorf("environments: %v", envs)
	}
	for _, tc := range []struct{ method, body, message string }{
		{"PUT", `{"settings":{"transaction_sample_rate":"0.5"}}`, "in /body/service: undefined"},
		{"PUT", `{"service":{"name":"payments"}}`, "in /body/settings: undefined"},
		{"PUT", `{"service":{"name":"payments"},"settings":{"transaction_sample_rate":"2"}}`, `in /body/settings/transaction_sample_rate: "2"`},
		{"PUT", `{"service":{"name":"payments"},"settings":{"capture_body":"sometimes"}}`, "/body/settings/capture_body"},
		{"PUT", `{"service":{"name":"payments"},"settings":{"transaction_max_spans":500}}`, "/body/settings/transaction_max_spans: 500"},
		{"PUT", `{"service":{"name":7},"settings":{}}`, "/body/service/name"},
		{"DELETE", `{}`, "in /body/service: undefined"},
	} {
		status, body := do(t, k, tc.method, "/api/apm/settings/agent-configuration", tc.body, nil)
		wantMessage(t, status, body, 400, tc.message)
	}
	status, body = do(t, k, "POST", "/api/apm/settings/agent-configuration/search", `{"etag":"x"}`, nil)
	wantMessage(t, status, body, 400, "/body/service")
	if status, body := do(t, k, "DELETE", "/api/apm/settings/agent-configuration", `{"service":{"name":"payments","environment":"production"}}`, nil); status != 200 || body["result"] != "deleted" {
		t.Errorf("delete: %d %v", status, body)
	}
	status, body = do(t, k, "GET", "/api/apm/settings/agent-configuration/view?name=payments&environment=production", "", nil)
	wantMessage(t, status, body, 404, "Config was not found for payments/production")
	status, body = do(t, k, "GET", "/api/apm/settings/agent-configuration/agent_name", "", nil)
	wantMessage(t, status, body, 400, "/query/serviceName")
	if _, name := do(t, k, "GET", "/api/apm/settings/agent-configuration/agent_name?serviceName=frontend", "", nil); name["agentName"] != "rum-js" {
		t.Errorf("agent name: %v", name)
	}
	_, soc := do(t, k, "GET", "/s/soc/api/apm/settings/agent-configuration", "", nil)
	if len(soc["configurations"].([]any)) != 4 {
		t.Errorf("configurations are kept per space: %v", soc)
	}
}

func TestAPMAnnotations(t *testing.T) {
	k := platformKibana()
	path := "/api/apm/services/checkout/annotation/search?environment=%s&start=2025-01-01T00:00:00Z&end=2025-03-05T12:00:00Z"
	_, all := do(t, k, "GET", strings.Replace(path, "%s", "production", 1), "", nil)
	list := all["annotations"].([]any)
	if len(list) < 5 {
		t.Fatalf("deployments of checkout in production: %v", all)
	}
	prev := 0.0
	for _, a := range list {
		a := a.(map[string]any)
		if a["type"] != "version" || a["id"] != a["text"] || a["@timestamp"].(float64) < prev {
			t.Errorf("annotation %v", a)
		}
		prev = a["@timestamp"].(float64)
	}
	_, staging := do(t, k, "GET", strings.Replace(path, "%s", "staging", 1), "", nil)
	first := staging["annotations"].([]any)[0].(map[string]any)
	if first["@timestamp"].(float64) >= list[0].(map[string]any)["@timestamp"].(float64) {
		t.Errorf("staging gets a release before production: %v / %v", first, list[0])
	}
	_, none := do(t, k, "GET", "/api/apm/services/checkout/annotation/search?environment=production&start=2025-03-05T11:00:00Z&end=2025-03-05T12:00:00Z", "", nil)
	if len(none["annotations"].([]any)) != 0 {
		t.Errorf("one version in the range gives no annotation: %v", none)
	}
	for _, tc := range []struct{ query, message string }{
		{"environment=production&end=2025-03-05T12:00:00Z", "in /query/start: undefined"},
		{"environment=production&start=yesterday&end=2025-03-05T12:00:00Z", `in /query/start: "yesterday"`},
		{"start=2025-03-01T00:00:00Z&end=2025-03-05T12:00:00Z", "/query/environment"},
	} {
		status, body := do(t, k, "GET", "/api/apm/services/checkout/annotation/search?"+tc.query, "", nil)
		wantMessage(t, status, body, 400, tc.message)
	}
}

func TestAPMAgentKeysAndServerSchema(t *testing.T) {
	k := platformKibana()
	status, body := do(t, k, "POST", "/api/apm/agent_keys", `{"name":"rum","privileges":["event:write"]}`, nil)
	key := body["agentKey"].(map[string]any)
	decoded, _ := base64.StdEncoding.DecodeString(key["encoded"].(string))
	if status != 200 || key["name"] != "rum" || string(decoded) != key["id"].(string)+":"+key["api_key"].(string) {
		t.Fatalf("agent key: %d %v", status, body)
	}
	_, again := do(t, k, "POST", "/api/apm/agent_keys", `{"name":"rum","privileges":["event:write"]}`, nil)
	if again["agentKey"].(map[string]any)["id"] == key["id"] {
		t.Error("two keys with one id")
	}
	for _, tc := range []struct{ path, body, message string }{
		{"/api/apm/agent_keys", `{"privileges":["event:write"]}`, "/body/name"},
		{"/api/apm/agent_keys", `{"name":"rum"}`, "in /body/privileges: undefined"},
		{"/api/apm/agent_keys", `{"name":"rum","privileges":[]}`, "/body/privileges"},
		{"/api/apm/agent_keys", `{"name":"rum","privileges":["sourcemap:write"]}`, `in /body/privileges/0: "sourcemap:write"`},
		{"/api/apm/fleet/apm_server_schema", `{}`, "in /body/schema: undefined"},
		{"/api/apm/fleet/apm_server_schema", `{"schema":"apm-server.host"}`, "/body/schema"},
	} {
		status, body := do(t, k, "POST", tc.path, tc.body, nil)
		wantMessage(t, status, body, 400, tc.message)
	}
	if status, body := do(t, k, "POST", "/api/apm/fleet/apm_server_schema", `{"schema":{"apm-server.host":"0.0.0.0:8200"}}`, nil); status != 200 || len(body) != 0 {
		t.Errorf("schema: %d %v", status, body)
	}
}

func TestAPMSourceMaps(t *testing.T) {
	k := platformKibana()
	_, seeded := do(t, k, "GET", "/api/apm/sourcemaps", "", nil)
	if seeded["total"] != float64(2) {
		t.Fatalf("seeded source maps: %v", seeded)
	}
	art := seeded["artifacts"].([]any)[0].(map[string]any)
	body := art["body"].(map[string]any)
	if body["serviceName"] != "frontend" || body["sourceMap"].(map[string]any)["version"] != float64(3) || art["compressionAlgorithm"] != "zlib" {
		t.Errorf("artifact: %v", art)
	}
	good := map[string]string{"service_name": "shop-web", "service_version": "1.5.0", "bundle_filepath": "/static/js/main.js", "sourcemap": `{"version":3,"sources":["a.js"],"mappings":"AAAA"}`}
	status, up := uploadSourceMap(t, k, "/api/apm/sourcemaps", good)
	if status != 200 {
		t.Fatalf("upload: %d %v", status, up)
	}
	if _, isString := up["body"].(string); !isString || up["decodedSha256"] == nil {
		t.Errorf("upload answer: %v", up)
	}
	_, list := do(t, k, "GET", "/api/apm/sourcemaps?perPage=1", "", nil)
	if list["total"] != float64(3) || len(list["artifacts"].([]any)) != 1 || list["artifacts"].([]any)[0].(map[string]any)["id"] != up["id"] {
		t.Errorf("the newest upload comes first: %v", list)
	}
	_, soc := do(t, k, "GET", "/s/soc/api/apm/sourcemaps", "", nil)
	if soc["total"] != float64(2) {
		t.Errorf("source maps are kept per space: %v", soc)
	}
	for _, tc := range []struct {
		change  map[string]string
		message string
	}{
		{map[string]string{"service_name": ""}, "in /body/service_name: undefined"},
		{map[string]string{"sourcemap": ""}, "in /body/sourcemap: undefined"},
		{map[string]string{"sourcemap": "not json"}, "in /body/sourcemap:"},
		{map[string]string{"sourcemap": `{"version":2,"sources":["a.js"],"mappings":"AAAA"}`}, "in /body/sourcemap/version: 2"},
		{map[string]string{"sourcemap": `{"version":3,"mappings":"AAAA"}`}, "in /body/sourcemap/sources: undefined"},
		{map[string]string{"sourcemap": `{"version":3,"sources":["a.js"]}`}, "in /body/sourcemap/mappings: undefined"},
		{map[string]string{"sourcemap": `{"version":3,"sources":[1],"mappings":"AAAA"}`}, "in /body/sourcemap/sources/0: 1"},
	} {
		fields := map[string]string{}
		for name, v := range good {
			fields[name] = v
		}
		for name, v := range tc.change {
			if v == "" {
				delete(fields, name)
			} else {
				fields[name] = v
			}
		}
		status, body := uploadSourceMap(t, k, "/api/apm/sourcemaps", fields)
		wantMessage(t, status, body, 400, tc.message)
	}
	status, body2 := do(t, k, "POST", "/api/apm/sourcemaps", `{"service_name":"x"}`, nil)
	wantMessage(t, status, body2, 415, "Unsupported Media Type")
	status, body2 = do(t, k, "GET", "/api/apm/sourcemaps?page=0", "", nil)
	wantMessage(t, status, body2, 400, "/query/page")
	if status, _ := do(t, k, "DELETE", "/api/apm/sourcemaps/"+up["id"].(string), "", nil); status != 200 {
		t.Errorf("delete: %d", status)
	}
	status, body2 = do(t, k, "DELETE", "/api/apm/sourcemaps/"+up["id"].(string), "", nil)
	wantMessage(t, status, body2, 404, up["id"].(string))
}

func TestPlatformSeedIsDeterministic(t *testing.T) {
	a, b := platformKibana(), platformKibana()
	for _, path := range []string{"/api/data_views", "/s/soc/api/dashboards/dashboard", "/api/apm/settings/agent-configuration", "/api/apm/sourcemaps", "/api/security/role"} {
		_, x := do(t, a, "GET", path, "", nil)
		_, y := do(t, b, "GET", path, "", nil)
		jx, _ := json.Marshal(x)
		jy, _ := json.Marshal(y)
		if !bytes.Equal(jx, jy) {
			t.Errorf("%s differs between two sandboxes of one seed", path)
		}
	}
}

package sandbox

import (
	"strings"
	"testing"
)

// TestFleetEPMMoreBadRequests: the package manager's newer routes refuse
// malformed requests in Kibana's words, naming the part at fault.
func TestFleetEPMMoreBadRequests(t *testing.T) {
	k := fleetKibana()
	for _, tc := range []struct{ method, path, body, want string }{
		{"POST", "/api/fleet/epm/bulk_assets", `{}`, "[request body.assetIds]"},
		{"POST", "/api/fleet/epm/bulk_assets", `{"assetIds":[{"id":"a","type":"tag","x":1}]}`, "[request body.assetIds.0.x]"},
		{"POST", "/api/fleet/epm/packages/_bulk_upgrade", `{"packages":[]}`, "[request body.packages]: array size is [0]"},
		{"POST", "/api/fleet/epm/packages/_bulk_upgrade", `{"packages":[{"version":"1.0.0"}]}`, "[request body.packages.0.name]"},
		{"POST", "/api/fleet/epm/packages/_bulk_uninstall", `{"packages":[{"name":"nginx"}]}`, "[request body.packages.0.version]"},
		{"POST", "/api/fleet/epm/packages/_bulk_rollback", `{"packages":[{"name":"nginx","version":"1"}]}`, "[request body.packages.0.version]"},
		{"PUT", "/api/fleet/epm/custom_integrations/app", `{"categories":["custom"]}`, "[request body.readMeData]"},
		{"PUT", "/api/fleet/epm/packages/nginx/1.20.0", `{}`, "[request body.keepPoliciesUpToDate]"},
		{"DELETE", "/api/fleet/epm/packages/nginx/1.20.0/datastream_assets", ``, "[request query.packagePolicyId]"},
		{"POST", "/api/fleet/epm/packages/nginx/1.20.0/kibana_assets", `{"space_ids":[]}`, "[request body.space_ids]"},
		{"POST", "/api/fleet/epm/packages/nginx/1.20.0/rule_assets", `{"force":"yes"}`, "[request body.force]"},
		{"GET", "/api/fleet/epm/templates/nginx/1.20.0/inputs?format=toml", ``, "[request query.format]"},
		{"GET", "/api/fleet/epm/categories?prerelease=maybe", ``, "[request query.prerelease]"},
	} {
		status, body := do(t, k, tc.method, tc.path, tc.body, nil)
		wantMessage(t, status, body, 400, tc.want)
	}
}

// TestFleetEPMMoreRoutesComeFirst: task and rollback paths are not taken
// for a package name and version.
func TestFleetEPMMoreRoutesComeFirst(t *testing.T) {
	k := fleetKibana()
	status, body := do(t, k, "GET", "/api/fleet/epm/packages/_bulk_upgrade/3f6c2a10-8b1e-4d7a-9c55-0e2b7d4f1a01", "", nil)
	if status != 200 || body["status"] != "success" {
		t.Errorf("seeded upgrade task: %d %v", status, body)
	}
	status, body = do(t, k, "GET", "/api/fleet/epm/packages/_bulk_rollback/nope", "", nil)
	wantMessage(t, status, body, 404, "Task nope not found")
	status, body = do(t, k, "POST", "/s/soc/api/fleet/epm/packages/system/rollback", "", nil)
	if status != 200 || body["version"] != "1.58.0" {
		t.Errorf("rollback: %d %v", status, body)
	}
	// The package is still served at its version.
	status, body = do(t, k, "GET", "/s/soc/api/fleet/epm/packages/system/1.58.0", "", nil)
	item, _ := body["item"].(map[string]any)
	if info, _ := item["installationInfo"].(map[string]any); status != 200 || info["version"] != "1.58.0" {
		t.Errorf("after rollback: %d %v", status, info)
	}
	// Spaces keep their own installs: default's system is untouched.
	_, body = do(t, k, "GET", "/api/fleet/epm/packages/installed?nameQuery=system", "", nil)
	if got := items(t, body, "items"); len(got) != 1 || got[0]["version"] != "1.60.0" {
		t.Errorf("default space: %v", got)
	}
	w := fleetRaw(t, k, "GET", "/api/fleet/epm/templates/system/1.60.0/inputs?format=yml", nil, "")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/yaml") || !strings.Contains(w.Body.String(), "dataset: system.auth") {
		t.Errorf("yaml template: %d %s %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
}

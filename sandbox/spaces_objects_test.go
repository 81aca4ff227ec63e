package sandbox

import (
	"slices"
	"testing"
)

// TestCopyToSpaceCreatesObjects: a copy creates the objects in the target
// (with what they refer to), a second copy without new ids conflicts, and
// the retry that overwrites settles it.
func TestCopyToSpaceCreatesObjects(t *testing.T) {
	k, _ := endpointKibana()
	do(t, k, "POST", "/api/spaces/space", `{"id":"ir","name":"Incident response"}`, nil)
	status, body := do(t, k, "POST", "/api/spaces/_copy_saved_objects",
		`{"spaces":["ir"],"objects":[{"type":"search","id":"failed-logins"}],"includeReferences":true,"createNewCopies":false}`, nil)
	ir, _ := body["ir"].(map[string]any)
	if status != 200 || ir["success"] != true || ir["successCount"] != float64(3) { // the search, its data view, its tag
		t.Fatalf("copy: %d %v", status, body)
	}
	for _, path := range []string{"/s/ir/api/saved_objects/search/failed-logins", "/s/ir/api/saved_objects/tag/soc-triage", "/s/ir/api/data_views/data_view/logs-*"} {
		if status, _ := do(t, k, "GET", path, "", nil); status != 200 {
			t.Errorf("%s after the copy: %d", path, status)
		}
	}
	_, body = do(t, k, "POST", "/api/spaces/_copy_saved_objects", `{"spaces":["ir","nowhere"],"objects":[{"type":"tag","id":"soc-triage"}],"createNewCopies":false}`, nil)
	ir = body["ir"].(map[string]any)
	errs := ir["errors"].([]any)
	if ir["success"] != false || len(errs) != 1 || errs[0].(map[string]any)["error"].(map[string]any)["type"] != "conflict" {
		t.Errorf("second copy: %v", body)
	}
	if body["nowhere"].(map[string]any)["success"] != false {
		t.Errorf("copy to a space that does not exist: %v", body)
	}
	status, body = do(t, k, "POST", "/api/spaces/_resolve_copy_saved_objects_errors",
		`{"objects":[{"type":"tag","id":"soc-triage"}],"createNewCopies":false,"retries":{"ir":[{"type":"tag","id":"soc-triage","overwrite":true}]}}`, nil)
	if ir = body["ir"].(map[string]any); status != 200 || ir["success"] != true || ir["successCount"] != float64(1) {
		t.Errorf("retry: %d %v", status, body)
	}
	status, body = do(t, k, "POST", "/api/spaces/_copy_saved_objects", `{"spaces":["ir"],"objects":[{"type":"tag","id":"t"}],"overwrite":true}`, nil)
	epWant(t, status, body, 400, "cannot use [overwrite] with [createNewCopies]")
}

// TestShareObjectsToSpaces: sharing puts the one object in another space
// (a change shows in both), unsharing removes it, and non-shareable types
// are refused per object.
func TestShareObjectsToSpaces(t *testing.T) {
	k, _ := endpointKibana()
	do(t, k, "POST", "/api/spaces/space", `{"id":"ir","name":"Incident response"}`, nil)
	status, body := do(t, k, "POST", "/api/spaces/_update_objects_spaces",
		`{"objects":[{"type":"tag","id":"threat-hunting"},{"type":"search","id":"failed-logins"}],"spacesToAdd":["ir"],"spacesToRemove":[]}`, nil)
	objs := body["objects"].([]any)
	if status != 200 || !slices.Equal(cfgStringList(objs[0].(map[string]any)["spaces"]), []string{"default", "ir"}) || objs[1].(map[string]any)["error"] == nil {
		t.Fatalf("share: %d %v", status, body)
	}
	do(t, k, "PUT", "/s/ir/api/saved_objects/tag/threat-hunting", `{"attributes":{"color":"#000000"}}`, nil)
	if _, body = do(t, k, "GET", "/api/saved_objects/tag/threat-hunting", "", nil); body["attributes"].(map[string]any)["color"] != "#000000" {
		t.Errorf("a change in ir is not seen in default: %v", body)
	}
	_, body = do(t, k, "POST", "/api/spaces/_get_shareable_references", `{"objects":[{"type":"search","id":"failed-logins"}]}`, nil)
	if n := len(body["objects"].([]any)); n != 3 {
		t.Errorf("shareable references of the search: %d, want it, its data view and its tag: %v", n, body)
	}
	do(t, k, "POST", "/api/spaces/_update_objects_spaces", `{"objects":[{"type":"tag","id":"threat-hunting"}],"spacesToAdd":[],"spacesToRemove":["ir"]}`, nil)
	if status, _ := do(t, k, "GET", "/s/ir/api/saved_objects/tag/threat-hunting", "", nil); status != 404 {
		t.Errorf("unshared tag still in ir: %d", status)
	}
}

// TestDisableLegacyURLAliases: the alias stops resolving; an unknown one
// is a 404.
func TestDisableLegacyURLAliases(t *testing.T) {
	k, _ := endpointKibana()
	if _, body := do(t, k, "GET", "/api/saved_objects/resolve/dashboard/soc-overview", "", nil); body["outcome"] != "aliasMatch" {
		t.Fatalf("seeded alias: %v", body)
	}
	status, _ := do(t, k, "POST", "/api/spaces/_disable_legacy_url_aliases", `{"aliases":[{"targetSpace":"default","targetType":"dashboard","sourceId":"soc-overview"}]}`, nil)
	if status != 204 {
		t.Fatalf("disable: %d", status)
	}
	if status, _ := do(t, k, "GET", "/api/saved_objects/resolve/dashboard/soc-overview", "", nil); status != 404 {
		t.Errorf("disabled alias still resolves: %d", status)
	}
	status, body := do(t, k, "POST", "/api/spaces/_disable_legacy_url_aliases", `{"aliases":[{"targetSpace":"default","targetType":"dashboard","sourceId":"soc-overview"}]}`, nil)
	epWant(t, status, body, 404, "soc-overview")
}

// TestSecuritySessionsAndRoles: invalidation counts the matching sessions
// and ends them; bulk roles are created then updated; the role query finds
// them.
func TestSecuritySessionsAndRoles(t *testing.T) {
	k, _ := endpointKibana()
	status, body := do(t, k, "POST", "/api/security/session/_invalidate", `{"match":"query","query":{"provider":{"type":"saml"}}}`, nil)
	if status != 200 || body["total"] != float64(4) {
		t.Fatalf("saml sessions: %d %v", status, body)
	}
	if _, body = do(t, k, "POST", "/api/security/session/_invalidate", `{"match":"query","query":{"provider":{"type":"saml"}}}`, nil); body["total"] != float64(0) {
		t.Errorf("ended sessions counted again: %v", body)
	}
	if _, body = do(t, k, "POST", "/api/security/session/_invalidate", `{"match":"all"}`, nil); body["total"] != float64(4) {
		t.Errorf("the rest: %v", body)
	}
	roles := `{"roles":{"t1_analyst":{"description":"Tier 1","elasticsearch":{"cluster":["monitor"]}},"t2_analyst":{"elasticsearch":{}}}}`
	if _, body = do(t, k, "POST", "/api/security/roles", roles, nil); len(body["created"].([]any)) != 2 {
		t.Fatalf("bulk create: %v", body)
	}
	if _, body = do(t, k, "POST", "/api/security/roles", roles, nil); len(body["updated"].([]any)) != 2 {
		t.Errorf("bulk update: %v", body)
	}
	_, body = do(t, k, "POST", "/api/security/role/_query", `{"query":"analyst","sort":{"field":"name","direction":"desc"},"filters":{"showReservedRoles":false}}`, nil)
	list := body["roles"].([]any)
	if len(list) < 2 || list[0].(map[string]any)["name"] != "t2_analyst" {
		t.Errorf("query: %v", body)
	}
}

// TestAPMAnnotationAndRuntimeFieldCreated: a created annotation is found
// by search; a created runtime field shows on the data view, and creating
// it again is refused.
func TestAPMAnnotationAndRuntimeFieldCreated(t *testing.T) {
	k, _ := endpointKibana()
	status, body := do(t, k, "POST", "/api/apm/services/checkout/annotation", `{"@timestamp":"2025-03-12T09:30:00Z","service":{"version":"9.9.9","environment":"production"}}`, nil)
	if status != 200 || body["_source"].(map[string]any)["message"] != "9.9.9" {
		t.Fatalf("create annotation: %d %v", status, body)
	}
	_, body = do(t, k, "GET", "/api/apm/services/checkout/annotation/search?environment=production&start=2025-03-12T09:00:00Z&end=2025-03-12T10:00:00Z", "", nil)
	found := false
	for _, a := range body["annotations"].([]any) {
		found = found || a.(map[string]any)["text"] == "9.9.9"
	}
	if !found {
		t.Errorf("annotation not found: %v", body)
	}
	rf := `{"name":"dow","runtimeField":{"type":"keyword","script":{"source":"emit('x')"}}}`
	if status, body = do(t, k, "POST", "/api/data_views/data_view/logs-*/runtime_field", rf, nil); status != 200 {
		t.Fatalf("create runtime field: %d %v", status, body)
	}
	if status, _ = do(t, k, "GET", "/api/data_views/data_view/logs-*/runtime_field/dow", "", nil); status != 200 {
		t.Errorf("runtime field not on the data view: %d", status)
	}
	status, body = do(t, k, "POST", "/api/data_views/data_view/logs-*/runtime_field", rf, nil)
	epWant(t, status, body, 400, "already exists")
	status, body = do(t, k, "POST", "/api/encrypted_saved_objects/_rotate_key?type=action", "", nil)
	if status != 200 || body["failed"] != float64(0) || body["total"] != body["successful"] {
		t.Errorf("rotate key: %d %v", status, body)
	}
}

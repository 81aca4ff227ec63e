package sandbox

import (
	"net/http"
	"testing"
)

// statusKibana is a sandbox that serves GET /api/status.
func statusKibana() *Kibana { return platformKibana() }

func TestStatusAnswersWithCredentials(t *testing.T) {
	k := statusKibana()
	for _, path := range []string{"/api/status", "/s/soc/api/status", "/api/status?v8format=true"} {
		status, body := do(t, k, http.MethodGet, path, "", nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, status, body)
		}
		version, _ := body["version"].(map[string]any)
		if n, _ := version["number"].(string); len(n) < 2 || n[:2] != "9." {
			t.Errorf("GET %s: version %v", path, body["version"])
		}
		for _, key := range []string{"build_hash", "build_number", "build_snapshot", "build_flavor", "build_date"} {
			if _, ok := version[key]; !ok {
				t.Errorf("version has no %s", key)
			}
		}
		st, _ := body["status"].(map[string]any)
		overall, _ := st["overall"].(map[string]any)
		if overall["level"] != "available" || overall["summary"] == "" {
			t.Errorf("overall %v", overall)
		}
		core, _ := st["core"].(map[string]any)
		for _, service := range []string{"elasticsearch", "savedObjects"} {
			if s, _ := core[service].(map[string]any); s["level"] != "available" {
				t.Errorf("core.%s %v", service, core[service])
			}
		}
		if body["name"] == "" || body["uuid"] == "" || body["metrics"] == nil {
			t.Errorf("name, uuid or metrics missing: %v", body)
		}
	}
}

func TestStatusIsTheSameKibanaForTheSameSeed(t *testing.T) {
	_, a := do(t, statusKibana(), http.MethodGet, "/api/status", "", nil)
	_, b := do(t, statusKibana(), http.MethodGet, "/api/status", "", nil)
	if a["uuid"] != b["uuid"] {
		t.Errorf("uuid %v then %v", a["uuid"], b["uuid"])
	}
}

func TestStatusNeedsCredentials(t *testing.T) {
	k := statusKibana()
	for _, auth := range []string{"ApiKey wrong", "Bearer " + testKey} {
		status, body := do(t, k, http.MethodGet, "/api/status", "", map[string]string{"Authorization": auth})
		if status != http.StatusUnauthorized || body["statusCode"] != float64(401) {
			t.Errorf("%q: %d %v", auth, status, body)
		}
		if _, leaked := body["version"]; leaked {
			t.Errorf("%q: the version reached an unauthenticated caller", auth)
		}
	}
}

func TestStatusChecksItsQuery(t *testing.T) {
	status, body := do(t, statusKibana(), http.MethodGet, "/api/status?v7format=yes", "", nil)
	if status != http.StatusBadRequest {
		t.Errorf("v7format=yes: %d %v", status, body)
	}
}

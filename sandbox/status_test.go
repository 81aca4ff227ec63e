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

// A sandbox playing another Kibana says so, and answers Kibana's generic
// 404 for the routes its RouteAvailable rules out.
func TestStatusPlaysTheKibanaChosen(t *testing.T) {
	k := New(Config{APIKey: testKey, Seed: 1, Version: "8.15.0", Serverless: true,
		RouteAvailable: func(method, path string) bool { return path != "/api/spaces/space" }})
	_, body := do(t, k, http.MethodGet, "/api/status", "", nil)
	version, _ := body["version"].(map[string]any)
	if version["number"] != "8.15.0" || version["build_flavor"] != "serverless" {
		t.Errorf("version %v", version)
	}
	status, body := do(t, k, http.MethodGet, "/s/soc/api/spaces/space", "", nil)
	if status != http.StatusNotFound || body["message"] != "Not Found" {
		t.Errorf("ruled-out route: %d %v", status, body)
	}
	if status, _ := do(t, k, http.MethodGet, "/api/spaces/space/default", "", nil); status != http.StatusOK {
		t.Errorf("other route: %d", status)
	}
	status, _ = do(t, k, http.MethodGet, "/api/features", "", nil)
	if status != http.StatusOK {
		t.Errorf("features: %d", status)
	}
}

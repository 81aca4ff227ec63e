package sandbox

import "net/http"

// The status API (GET /api/status), which readiness probes use to tell a
// Kibana that answers and accepts the credentials from one that does not.
// Like every other route it needs valid credentials (401 otherwise), and
// it answers the same under any /s/{space} prefix, as Kibana does.
//
// What the sandbox approximates: it is always available, its metrics are
// zeros, and it lists a handful of plugins rather than Kibana's hundred or
// so. v7format and v8format are checked as booleans; the answer is always
// the current (v8) shape, which is what Kibana 9 sends by default.

// sandboxVersion is the Kibana version the sandbox claims to be.
const sandboxVersion = "9.2.0"

// statusPlugins are the plugins the status answer lists: those behind the
// APIs the sandbox simulates.
var statusPlugins = []string{"actions", "alerting", "cases", "fleet", "ml", "securitySolution", "spaces"}

func (k *Kibana) statusRoutes() []route {
	return []route{newRoute(http.MethodGet, "/api/status", k.getStatus), newRoute(http.MethodGet, "/api/features", k.getFeatures)}
}

// sandboxFeatures are the /api/features ids the sandbox lists: those of the
// APIs it simulates (Kibana lists some eighty; each with its privileges,
// left out here). The 9.x ids carry Kibana's version suffixes.
var sandboxFeatures = []string{"actions", "agentBuilder", "apm", "dashboard_v2", "discover_v2", "fleet", "fleetv2", "generalCasesV3",
	"indexPatterns", "maintenanceWindow", "ml", "observabilityCasesV3", "osquery", "savedObjectsManagement", "securitySolutionAssistant",
	"securitySolutionAttackDiscovery", "securitySolutionCasesV3", "siemV3", "slo", "stackAlerts", "streams", "uptime"}

// getFeatures lists the features (GET /api/features): id and name only.
func (k *Kibana) getFeatures(c *call) {
	out := make([]map[string]any, 0, len(sandboxFeatures))
	for _, id := range sandboxFeatures {
		out = append(out, map[string]any{"id": id, "name": id, "app": []string{}, "catalogue": []string{}, "privileges": nil})
	}
	c.ok(out)
}

// version is the Kibana version the sandbox plays.
func (k *Kibana) version() string {
	if k.cfg.Version != "" {
		return k.cfg.Version
	}
	return sandboxVersion
}

func (k *Kibana) getStatus(c *call) {
	both := true
	for _, name := range []string{"v7format", "v8format"} {
		v, ok := platQueryBool(c, name)
		if !ok {
			return
		}
		both = both && v
	}
	if both {
		c.badRequest("v7format and v8format cannot both be true")
		return
	}
	plugins := map[string]any{}
	for _, name := range statusPlugins {
		plugins[name] = statusLevel("All dependencies are available")
	}
	c.ok(map[string]any{
		"name": "sandbox",
		// The same seed is the same Kibana: its UUID survives restarts.
		"uuid": uuidFrom(uint64(k.cfg.Seed) ^ 0x5a4d),
		"version": map[string]any{
			"number":         k.version(),
			"build_hash":     "5a4db0c1e5f0a8d3b2c7e9f1a4b6c8d0e2f4a6b8",
			"build_number":   90200,
			"build_snapshot": false,
			"build_flavor":   k.flavor(),
			"build_date":     "2025-09-23T10:00:00.000Z",
		},
		"status": map[string]any{
			"overall": statusLevel("All services and plugins are available"),
			"core": map[string]any{
				"elasticsearch": statusLevel("Elasticsearch is available"),
				"savedObjects":  statusLevel("SavedObjects service has completed migrations and is available"),
				"http":          statusLevel("HTTP server is available"),
			},
			"plugins": plugins,
		},
		"metrics": map[string]any{
			"last_updated":                  k.now(),
			"collection_interval_in_millis": 5000,
			"elasticsearch_client": map[string]any{
				"totalActiveSockets":  0,
				"totalIdleSockets":    0,
				"totalQueuedRequests": 0,
			},
		},
	})
}

// statusLevel is one service's status: available, with Kibana's summary.
func statusLevel(summary string) map[string]any {
	return map[string]any{"level": "available", "summary": summary, "meta": map[string]any{}}
}

func (k *Kibana) flavor() string {
	if k.cfg.Serverless {
		return "serverless"
	}
	return "traditional"
}

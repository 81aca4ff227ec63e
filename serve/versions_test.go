package serve

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// The catalogue each Kibana gets (every toolset, names only), one file a
// deployment. UPDATE_SNAPSHOTS=1 rewrites them; a change in one is a change
// in what users of that Kibana are offered, and should be meant.
func TestCatalogueByVersionSnapshots(t *testing.T) {
	update := os.Getenv("UPDATE_SNAPSHOTS") == "1"
	for file, kib := range map[string]KibanaInfo{
		"8.15.0.txt":     {Version: "8.15.0"},
		"9.0.0.txt":      {Version: "9.0.0"},
		"9.3.0.txt":      {Version: "9.3.0"},
		"serverless.txt": {Version: "9.3.0", Serverless: true},
	} {
		ops, err := Select(tools.Catalog, Selection{Toolsets: []string{"all"}, Kibana: kib})
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(names(ops), "\n") + "\n"
		path := filepath.Join("testdata", "versions", file)
		if update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (UPDATE_SNAPSHOTS=1 writes it)", err)
		}
		if got != string(want) {
			t.Errorf("%s: the catalogue for %s changed; UPDATE_SNAPSHOTS=1 go test ./serve -run Snapshots rewrites it after review", path, kib)
		}
	}
}

func TestSelectLeavesOutWhatKibanaLacks(t *testing.T) {
	sel := func(kib KibanaInfo) []string {
		ops, err := Select(tools.Catalog, Selection{Toolsets: []string{"all"}, Kibana: kib})
		if err != nil {
			t.Fatal(err)
		}
		return names(ops)
	}
	all := sel(KibanaInfo{})
	if len(all) != len(tools.All()) || len(sel(KibanaInfo{Version: "9.x"})) != len(all) {
		t.Fatalf("unknown Kibana: %d of %d", len(all), len(tools.All()))
	}
	old := sel(KibanaInfo{Version: "8.15.2"})
	for _, name := range []string{"find_attack_discovery_schedules", "list_entity_engines", "list_privileged_users", "find_dashboards", "snooze_rule"} {
		if slices.Contains(old, name) {
			t.Errorf("8.15.2 offers %s", name)
		}
	}
	for _, name := range []string{"find_cases", "get_asset_criticality", "delete_connector_legacy", "find_events_around"} {
		if !slices.Contains(old, name) {
			t.Errorf("8.15.2 lacks %s", name)
		}
	}
	nine := sel(KibanaInfo{Version: "9.0.0"})
	if slices.Contains(nine, "delete_connector_legacy") || slices.Contains(nine, "snooze_rule") || !slices.Contains(nine, "find_dashboards") {
		t.Errorf("9.0.0: legacy delete, snooze or dashboards wrong")
	}
	sl := sel(KibanaInfo{Version: "9.3.0", Serverless: true})
	if slices.Contains(sl, "find_saved_objects") || slices.Contains(sl, "delete_connector_legacy") || !slices.Contains(sl, "export_saved_objects") {
		t.Errorf("serverless: saved objects or legacy delete wrong")
	}
	sec := sel(KibanaInfo{Version: "9.3.0", Features: map[string]bool{"siemV3": true, "securitySolutionCasesV3": true, "actions": true}})
	if slices.Contains(sec, "find_apm_sourcemaps") || slices.Contains(sec, "find_agents") || !slices.Contains(sec, "find_cases") || !slices.Contains(sec, "search_detection_alerts") {
		t.Errorf("features: apm, fleet, cases or detections wrong: %d tools", len(sec))
	}
}

func TestLeftOutAndUnserved(t *testing.T) {
	s := Selection{Toolsets: []string{"attack_discovery", "spaces"}, Kibana: KibanaInfo{Version: "8.15.2"}}
	left := LeftOut(tools.Catalog, s)
	if len(left) != tools.CountInToolset("attack_discovery") {
		t.Fatalf("left out %d, want the attack discovery toolset", len(left))
	}
	line := LeftOutSummary(s.Kibana, left)
	if !strings.Contains(line, "8.15.2") || !strings.Contains(line, "arrived in 9.2") {
		t.Errorf("summary: %s", line)
	}
	if LeftOut(tools.Catalog, Selection{Toolsets: []string{"all"}}) != nil {
		t.Error("unknown Kibana: something left out")
	}
	msg := Unserved(tools.Catalog, Options{Selection: s}, "find_attack_discovery_schedules")
	if !strings.Contains(msg, "this Kibana (8.15.2) has no") || !strings.Contains(msg, "arrived in 9.2") {
		t.Errorf("unserved: %s", msg)
	}
}

func TestRouteAbsentSaysWhichKibana(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/status" {
			io.WriteString(w, `{"version":{"number":"8.15.2","build_flavor":"traditional"}}`)
			return
		}
		w.WriteHeader(404)
		io.WriteString(w, `{"statusCode":404,"error":"Not Found","message":"Not Found"}`)
	}))
	defer srv.Close()
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "k"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	call := func(r *Runner, tool string, args map[string]any) string {
		op, ok := tools.Lookup(tool)
		if tool == RawRequest.Name {
			op, ok = RawRequest, true
		}
		if !ok {
			t.Fatal(tool)
		}
		res, err := r.run(t.Context(), op, args, mcp.MultiRoundTripParams{})
		if err != nil || !res.IsError {
			t.Fatalf("%s: %v %+v", tool, err, res)
		}
		return res.Content[0].(mcp.TextContent).Text
	}
	// Start-up could not tell: the first route-level 404 asks.
	r := NewRunner(client, tools.Catalog, Options{})
	got := call(r, "find_attack_discovery_schedules", map[string]any{})
	if !strings.Contains(got, `this Kibana (8.15.2) has no "Find attack discovery schedules" API`) || !strings.Contains(got, "it arrived in 9.2") {
		t.Errorf("typed: %s", got)
	}
	got = call(r, RawRequest.Name, map[string]any{"method": "GET", "path": "/s/soc/api/entity_store/engines"})
	if !strings.Contains(got, "this Kibana (8.15.2) has no") || !strings.Contains(got, "it arrived in 8.16") {
		t.Errorf("raw: %s", got)
	}
	// A route this version has: the generic advice, not a version story.
	got = call(r, "find_cases", map[string]any{})
	if strings.Contains(got, "this Kibana (8.15.2)") || !strings.Contains(got, "base path") {
		t.Errorf("find_cases: %s", got)
	}
}

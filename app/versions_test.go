package app

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// An 8.15.2 Kibana: check says per toolset what it lacks, and probes only
// what it has.
func TestCheckSaysWhatThisKibanaLacks(t *testing.T) {
	srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/status":
			answer(w, 200, `{"name":"kb","version":{"number":"8.15.2","build_flavor":"traditional"},"status":{"overall":{"level":"available"}}}`)
		case r.URL.Path == "/api/features":
			answer(w, 200, `[{"id":"siem"},{"id":"generalCases"},{"id":"securitySolutionCases"},{"id":"actions"}]`)
		case strings.HasPrefix(r.URL.Path, "/api/attack_discovery"), strings.HasPrefix(r.URL.Path, "/api/fleet"):
			t.Errorf("probed %s, which this Kibana lacks", r.URL.Path)
			answer(w, 404, routeAbsent)
		default:
			answer(w, 200, `{"id":"default","name":"Default"}`)
		}
	})
	code, out, _ := runCheck(t, []string{"--kibana-url", srv.URL}, map[string]string{"KIBANA_API_KEY": testKey})
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	wantContains(t, "report", out,
		"not on this Kibana (8.15.2): arrived in 9.2",
		"not on this Kibana (8.15.2): needs the fleetv2 or fleet feature",
		"29 of 34 tools not on this Kibana (8.15.2)")
}

func TestToolsForAKibanaVersion(t *testing.T) {
	run := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := Main(t.Context(), args, strings.NewReader(""), &out, &errOut, env(nil))
		return code, out.String() + errOut.String()
	}
	code, out := run("tools", "--toolsets", "all", "--kibana-version", "8.15.0")
	if code != 0 || strings.Contains(out, "find_attack_discovery_schedules") || !strings.Contains(out, "get_asset_criticality") ||
		!strings.Contains(out, "attack_discovery: not on this Kibana (8.15.0): arrived in 9.2") ||
		strings.Contains(out, "query_esql ") || !strings.Contains(out, "data: not served: this Kibana (8.15.0) has no Agent Builder") {
		t.Errorf("8.15.0: exit %d\n%s", code, out)
	}
	// With the console proxy allowed, the data tools have a path.
	if code, out = run("tools", "--toolsets", "all", "--kibana-version", "8.15.0", "--allow-internal-apis"); code != 0 || !strings.Contains(out, "query_esql ") {
		t.Errorf("8.15.0 with the console proxy: exit %d\n%s", code, out)
	}
	code, out = run("tools", "--toolsets", "all", "--serverless")
	if code != 0 || strings.Contains(out, "find_saved_objects ") || !strings.Contains(out, "export_saved_objects") {
		t.Errorf("serverless: exit %d\n%s", code, out)
	}
	if code, out = run("tools", "--kibana-version", "nine"); code != 2 {
		t.Errorf("bad version: exit %d\n%s", code, out)
	}
}

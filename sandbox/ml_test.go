package sandbox

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

// syncAnswer decodes a sync answer into kind → ids (or job ids for the
// datafeed members).
func syncAnswer(t *testing.T, body map[string]any) map[string]map[string][]string {
	t.Helper()
	out := map[string]map[string][]string{}
	for _, member := range []string{"savedObjectsCreated", "savedObjectsDeleted", "datafeedsAdded", "datafeedsRemoved"} {
		m, ok := body[member].(map[string]any)
		if !ok {
			t.Fatalf("no %s in %v", member, body)
		}
		out[member] = map[string][]string{}
		for key, v := range m {
			inner := v.(map[string]any)
			if _, isResult := inner["success"]; isResult {
				if inner["success"] != true {
					t.Errorf("%s %s: %v", member, key, inner)
				}
				out[member][""] = append(out[member][""], key)
				continue
			}
			for id, r := range inner {
				if r.(map[string]any)["success"] != true {
					t.Errorf("%s %s %s: %v", member, key, id, r)
				}
				out[member][key] = append(out[member][key], id)
			}
		}
	}
	return out
}

func TestMLSyncSimulateThenApply(t *testing.T) {
	k, _ := endpointKibana()
	want := map[string]map[string][]string{
		"savedObjectsCreated": {"anomaly-detector": {"rare_process_by_host_windows", "dns_tunneling_build_hosts"}, "trained-model": {".elser_model_2"}},
		"savedObjectsDeleted": {"anomaly-detector": {"v2_windows_anomalous_network_activity"}},
		"datafeedsAdded":      {"": {"suspicious_login_activity"}},
		"datafeedsRemoved":    {},
	}
	for i := 0; i < 2; i++ {
		status, body := do(t, k, "GET", "/api/ml/saved_objects/sync?simulate=true", "", nil)
		if got := syncAnswer(t, body); status != 200 || !reflect.DeepEqual(sortedSync(got), sortedSync(want)) {
			t.Errorf("simulate #%d: %d %v, want %v", i+1, status, got, want)
		}
	}
	_, body := do(t, k, "GET", "/api/ml/saved_objects/sync", "", nil)
	if got := syncAnswer(t, body); !reflect.DeepEqual(sortedSync(got), sortedSync(want)) {
		t.Errorf("sync: %v, want %v", got, want)
	}
	_, body = do(t, k, "GET", "/api/ml/saved_objects/sync?simulate=false", "", nil)
	b, _ := json.Marshal(body)
	if string(b) != `{"datafeedsAdded":{},"datafeedsRemoved":{},"savedObjectsCreated":{},"savedObjectsDeleted":{}}` {
		t.Errorf("second sync still finds work: %s", b)
	}
	// soc is out of step in its own ways, untouched by default's sync.
	_, body = do(t, k, "GET", "/s/soc/api/ml/saved_objects/sync", "", nil)
	got := syncAnswer(t, body)
	if !reflect.DeepEqual(got["datafeedsRemoved"][""], []string{"auth_high_count_logon_fails"}) ||
		!reflect.DeepEqual(got["savedObjectsDeleted"]["anomaly-detector"], []string{"v2_linux_rare_metadata_process"}) ||
		len(got["savedObjectsCreated"]["anomaly-detector"]) != 1 || len(got["savedObjectsCreated"]["trained-model"]) != 1 {
		t.Errorf("soc sync: %v", got)
	}
	status, bad := do(t, k, "GET", "/api/ml/saved_objects/sync?simulate=maybe", "", nil)
	epWant(t, status, bad, 400, "[request query.simulate]")

	k.mu.Lock()
	k.addSpace("empty", "Empty")
	k.mu.Unlock()
	status, body = do(t, k, "GET", "/s/empty/api/ml/saved_objects/sync", "", nil)
	b, _ = json.Marshal(body)
	if status != 200 || string(b) != `{"datafeedsAdded":{},"datafeedsRemoved":{},"savedObjectsCreated":{},"savedObjectsDeleted":{}}` {
		t.Errorf("empty space: %d %s", status, b)
	}
}

func sortedSync(m map[string]map[string][]string) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for k, inner := range m {
		out[k] = map[string][]string{}
		for kind, ids := range inner {
			out[k][kind] = slices.Sorted(slices.Values(ids))
		}
	}
	return out
}

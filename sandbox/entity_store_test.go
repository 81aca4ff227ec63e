package sandbox

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// entityKibana is a sandbox whose clock the test moves.
func entityKibana() (*Kibana, *time.Time) {
	now := time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)
	k := New(Config{APIKey: testKey, Seed: 1, Now: func() time.Time { return now }})
	return k, &now
}

// engineStatuses maps each listed engine's type to its status.
func engineStatuses(t *testing.T, k *Kibana, prefix string) map[string]string {
	t.Helper()
	status, body := do(t, k, "GET", prefix+"/api/entity_store/engines", "", nil)
	if status != 200 {
		t.Fatalf("list engines: %d %v", status, body)
	}
	out := map[string]string{}
	for _, e := range body["engines"].([]any) {
		e := e.(map[string]any)
		out[e["type"].(string)] = e["status"].(string)
	}
	if body["count"] != float64(len(out)) {
		t.Errorf("count %v for %d engines", body["count"], len(out))
	}
	return out
}

// listEntityIDs lists entities with query pairs and returns their ids.
func listEntityIDs(t *testing.T, k *Kibana, prefix string, pairs ...string) ([]string, map[string]any) {
	t.Helper()
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Add(pairs[i], pairs[i+1])
	}
	status, body := do(t, k, "GET", prefix+"/api/entity_store/entities/list?"+q.Encode(), "", nil)
	if status != 200 {
		t.Fatalf("list entities %v: %d %v", pairs, status, body)
	}
	var ids []string
	for _, r := range body["records"].([]any) {
		ids = append(ids, r.(map[string]any)["entity"].(map[string]any)["id"].(string))
	}
	return ids, body
}

func TestEntityEnginesSeededAndLifecycle(t *testing.T) {
	k, now := entityKibana()
	if got := engineStatuses(t, k, ""); got["host"] != "started" || got["user"] != "started" || got["service"] != "stopped" || got["generic"] != "" {
		t.Fatalf("default engines: %v", got)
	}
	if got := engineStatuses(t, k, "/s/soc"); got["service"] != "started" {
		t.Fatalf("soc engines: %v", got)
	}

	status, body := do(t, k, "POST", "/api/entity_store/engines/host/start", "", nil)
	wantMessage(t, status, body, 400, "In namespace default: Cannot start Entity engine for host when current status is: started")
	status, body = do(t, k, "POST", "/api/entity_store/engines/generic/start", "", nil)
	wantMessage(t, status, body, 404, "No engine descriptor found for entity type generic")
	status, body = do(t, k, "GET", "/api/entity_store/engines/generic", "", nil)
	wantMessage(t, status, body, 404, "No engine descriptor found for entity type generic")
	status, body = do(t, k, "POST", "/api/entity_store/engines/computer/start", "", nil)
	wantMessage(t, status, body, 400, "[request params]: entityType: Invalid enum value. Expected 'user' | 'host' | 'service' | 'generic', received 'computer'")

	// Stop and start again.
	if status, body = do(t, k, "POST", "/api/entity_store/engines/host/stop", "", nil); status != 200 || body["stopped"] != true {
		t.Fatalf("stop: %d %v", status, body)
	}
	status, body = do(t, k, "POST", "/api/entity_store/engines/host/stop", "", nil)
	wantMessage(t, status, body, 400, "Cannot stop Entity engine for host when current status is: stopped")
	if status, body = do(t, k, "POST", "/api/entity_store/engines/host/start", "", nil); status != 200 || body["started"] != true {
		t.Fatalf("start: %d %v", status, body)
	}

	// Install: installing, then started once the setup has had its time.
	status, body = do(t, k, "POST", "/api/entity_store/engines/generic/init", `{"fieldHistoryLength":3,"lookbackPeriod":"6h"}`, nil)
	if status != 200 || body["status"] != "installing" || body["fieldHistoryLength"] != float64(3) || body["lookbackPeriod"] != "6h" || body["delay"] != "1m" {
		t.Fatalf("init: %d %v", status, body)
	}
	status, body = do(t, k, "POST", "/api/entity_store/engines/generic/init", `{}`, nil)
	wantMessage(t, status, body, 400, "Entity engine for generic already exists")
	status, body = do(t, k, "POST", "/api/entity_store/engines/generic/start", "", nil)
	wantMessage(t, status, body, 400, "current status is: installing")
	_, st := do(t, k, "GET", "/api/entity_store/status", "", nil)
	if st["status"] != "installing" {
		t.Errorf("store status while installing: %v", st["status"])
	}
	*now = now.Add(entStoreInstallTime)
	if got := engineStatuses(t, k, ""); got["generic"] != "started" {
		t.Fatalf("after install: %v", got)
	}
	_, st = do(t, k, "GET", "/api/entity_store/status", "", nil)
	if st["status"] != "running" {
		t.Errorf("store status: %v", st["status"])
	}

	// Delete: gone from the list; deleting again still succeeds, as in Kibana.
	for range 2 {
		if status, body = do(t, k, "DELETE", "/api/entity_store/engines/generic", "", nil); status != 200 || body["deleted"] != true {
			t.Fatalf("delete: %d %v", status, body)
		}
	}
	if got := engineStatuses(t, k, ""); got["generic"] != "" {
		t.Errorf("deleted engine listed: %v", got)
	}
}

func TestEntityEngineSettingsAndFailedInstall(t *testing.T) {
	k, now := entityKibana()
	status, body := do(t, k, "POST", "/api/entity_store/engines/generic/init", `{"delay":"soon","enrichPolicyExecutionInterval":"0h","docsPerSecond":"fast"}`, nil)
	wantMessage(t, status, body, 400, "[request body]: ")
	for _, part := range []string{"delay: Invalid", "enrichPolicyExecutionInterval: Invalid", "docsPerSecond: Expected number, received string"} {
		if !strings.Contains(body["message"].(string), part) {
			t.Errorf("message %q lacks %q", body["message"], part)
		}
	}
	status, body = do(t, k, "POST", "/api/entity_store/engines/generic/init", `{"enrichPolicyExecutionInterval":"2h"}`, nil)
	wantMessage(t, status, body, 400, "enrichPolicyExecutionInterval: must be less than or equal to half the duration of the lookback period (3h)")

	// A filter that is not KQL fails the setup: the engine ends in error.
	status, body = do(t, k, "POST", "/api/entity_store/engines/generic/init", `{"filter":"host.name:(a or"}`, nil)
	if status != 200 || body["status"] != "installing" {
		t.Fatalf("init: %d %v", status, body)
	}
	*now = now.Add(entStoreInstallTime)
	_, got := do(t, k, "GET", "/api/entity_store/engines/generic", "", nil)
	if e, _ := got["error"].(map[string]any); got["status"] != "error" || e["action"] != "init" || e["message"] == "" {
		t.Fatalf("failed engine: %v", got)
	}
	_, st := do(t, k, "GET", "/api/entity_store/status", "", nil)
	if st["status"] != "error" {
		t.Errorf("store status: %v", st["status"])
	}
	status, body = do(t, k, "POST", "/api/entity_store/engines/apply_dataview_indices", "", nil)
	if status != 207 || body["success"] != false || len(body["errors"].([]any)) != 1 {
		t.Errorf("apply with a failed engine: %d %v", status, body)
	}
}

func TestEnableEntityStoreInstallsOnlyMissingEngines(t *testing.T) {
	k, now := entityKibana()
	status, body := do(t, k, "POST", "/s/soc/api/entity_store/enable", `{"entityTypes":["host","generic"],"fieldHistoryLength":4}`, nil)
	if status != 200 || body["succeeded"] != true {
		t.Fatalf("enable: %d %v", status, body)
	}
	got := map[string]map[string]any{}
	for _, e := range body["engines"].([]any) {
		got[e.(map[string]any)["type"].(string)] = e.(map[string]any)
	}
	if len(got) != 2 || got["host"]["status"] != "started" || got["host"]["fieldHistoryLength"] != float64(10) ||
		got["generic"]["status"] != "installing" || got["generic"]["fieldHistoryLength"] != float64(4) {
		t.Fatalf("enable engines: %v", got)
	}
	status, body = do(t, k, "POST", "/api/entity_store/enable", `{"entityTypes":["device"]}`, nil)
	wantMessage(t, status, body, 400, "[request body]: entityTypes.0: Invalid enum value")
	*now = now.Add(time.Minute)
	_, st := do(t, k, "GET", "/s/soc/api/entity_store/status?include_components=true", "", nil)
	if st["status"] != "running" {
		t.Errorf("soc status: %v", st)
	}
	for _, e := range st["engines"].([]any) {
		comps := e.(map[string]any)["components"].([]any)
		var resources []string
		for _, c := range comps {
			c := c.(map[string]any)
			resources = append(resources, c["resource"].(string))
			if c["installed"] != true {
				t.Errorf("%v: component not installed: %v", e.(map[string]any)["type"], c)
			}
			if c["resource"] == "transform" && c["metadata"] == nil {
				t.Errorf("transform without statistics: %v", c)
			}
		}
		for _, want := range []string{"entity_definition", "transform", "ingest_pipeline", "index", "enrich_policy", "task"} {
			if !slices.Contains(resources, want) {
				t.Errorf("components lack %s: %v", want, resources)
			}
		}
	}
	_, st = do(t, k, "GET", "/s/soc/api/entity_store/status", "", nil)
	if _, has := st["engines"].([]any)[0].(map[string]any)["components"]; has {
		t.Error("components without include_components")
	}
}

func TestApplyDataViewIndices(t *testing.T) {
	k, _ := entityKibana()
	status, body := do(t, k, "POST", "/api/entity_store/engines/apply_dataview_indices", "", nil)
	if status != 200 || body["success"] != true {
		t.Fatalf("apply: %d %v", status, body)
	}
	for _, r := range body["result"].([]any) {
		changes := r.(map[string]any)["changes"].(map[string]any)
		if !slices.Contains(toStrings(changes["indexPatterns"]), "-*elastic-cloud-logs-*") {
			t.Errorf("first apply did not update %v", r)
		}
	}
	_, body = do(t, k, "POST", "/api/entity_store/engines/apply_dataview_indices", "", nil)
	for _, r := range body["result"].([]any) {
		if len(r.(map[string]any)["changes"].(map[string]any)) != 0 {
			t.Errorf("second apply changed %v", r)
		}
	}
	// A security data view of the space's own replaces the default list.
	if status, _ := do(t, k, "POST", "/api/data_views/data_view", `{"data_view":{"id":"security-solution-default","title":"logs-*,winlogbeat-*"}}`, nil); status != 200 {
		t.Fatalf("create data view: %d", status)
	}
	_, body = do(t, k, "POST", "/api/entity_store/engines/apply_dataview_indices", "", nil)
	first := body["result"].([]any)[0].(map[string]any)["changes"].(map[string]any)
	if got := toStrings(first["indexPatterns"]); !slices.Equal(got, []string{"logs-*", "winlogbeat-*"}) {
		t.Errorf("patterns from the data view: %v", got)
	}
}

func TestEntitiesSeededFromTheStory(t *testing.T) {
	k, _ := entityKibana()
	ids, body := listEntityIDs(t, k, "", "entity_types", "host", "per_page", "100")
	for _, want := range []string{"ws-0142", "fs-02", "vpn-gw-01", "build-03", "fin-ws-011"} {
		if !slices.Contains(ids, want) {
			t.Errorf("hosts lack %s: %v", want, ids)
		}
	}
	if body["total"] != float64(len(ids)) || body["page"] != float64(1) || body["per_page"] != float64(100) {
		t.Errorf("list header: %v", body)
	}
	var fs map[string]any
	for _, r := range body["records"].([]any) {
		if r.(map[string]any)["entity"].(map[string]any)["id"] == "fs-02" {
			fs = r.(map[string]any)
		}
	}
	risk, _ := fs["host"].(map[string]any)["risk"].(map[string]any)
	if fs["asset"].(map[string]any)["criticality"] != "high_impact" || risk == nil || risk["criticality_level"] != "high_impact" ||
		risk["calculated_score_norm"].(float64) <= 0 || len(risk["inputs"].([]any)) != 3 {
		t.Errorf("fs-02: %v", fs)
	}
	users, _ := listEntityIDs(t, k, "/s/soc", "entity_types", "user", "per_page", "100")
	for _, want := range []string{"svc-sql", "svc-backup", "l.martin", "m.alvarez"} {
		if !slices.Contains(users, want) {
			t.Errorf("soc users lack %s: %v", want, users)
		}
	}
	// Both types at once, sorted and paged.
	all, body := listEntityIDs(t, k, "", "entity_types", "host", "entity_types", "user", "sort_field", "entity.id", "sort_order", "asc", "per_page", "4", "page", "2")
	if len(all) != 4 || !slices.IsSorted(all) || body["total"].(float64) < 10 {
		t.Errorf("page 2 of hosts and users by id: %v (total %v)", all, body["total"])
	}
}

func TestListEntitiesFilterAndErrors(t *testing.T) {
	k, _ := entityKibana()
	ids, _ := listEntityIDs(t, k, "", "entity_types", "host", "entity_types", "user",
		"filterQuery", `{"bool":{"filter":[{"terms":{"asset.criticality":["extreme_impact"]}}]}}`)
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"admin", "vpn-gw-01"}) {
		t.Errorf("extreme_impact entities: %v", ids)
	}
	ids, _ = listEntityIDs(t, k, "", "entity_types", "user", "filterQuery", `{"term":{"entity.behaviors.new_country_login":true}}`)
	if !slices.Equal(ids, []string{"svc-backup"}) {
		t.Errorf("new-country logins: %v", ids)
	}
	status, body := do(t, k, "GET", "/api/entity_store/entities/list", "", nil)
	wantMessage(t, status, body, 400, "[request query]: entity_types: Required")
	status, body = do(t, k, "GET", "/api/entity_store/entities/list?entity_types=host&per_page=0", "", nil)
	wantMessage(t, status, body, 400, "[request query]: per_page: Number must be greater than or equal to 1")
	status, body = do(t, k, "GET", "/api/entity_store/entities/list?entity_types=host&filterQuery=host.name:fs-02", "", nil)
	wantMessage(t, status, body, 400, "filterQuery is not valid JSON")
	status, body = do(t, k, "GET", "/api/entity_store/entities/list?entity_types=host&sort_field=no.such.field", "", nil)
	wantMessage(t, status, body, 400, "No mapping found for [no.such.field] in order to sort on")
	// A type without an engine or entities lists nothing.
	if ids, body := listEntityIDs(t, k, "", "entity_types", "generic"); len(ids) != 0 || body["total"] != float64(0) {
		t.Errorf("generic: %v", body)
	}
}

func TestUpsertAndDeleteEntities(t *testing.T) {
	k, _ := entityKibana()
	// Without force only the entity's own attributes may change.
	status, body := do(t, k, "PUT", "/api/entity_store/entities/host", `{"entity":{"id":"ws-0142","attributes":{"privileged":true}},"asset":{"criticality":"high_impact"},"host":{"ip":["10.20.6.200"]}}`, nil)
	wantMessage(t, status, body, 400, "Error for Entity ID 'ws-0142': The following attributes are not allowed to be updated without forcing it (?force=true): asset.criticality, host.ip")
	status, body = do(t, k, "PUT", "/api/entity_store/entities/host", `{"entity":{"id":"ws-0142"}}`, nil)
	wantMessage(t, status, body, 400, "The request doesn't contain any update")
	status, body = do(t, k, "PUT", "/api/entity_store/entities/host", `{"entity":{"name":"x"}}`, nil)
	wantMessage(t, status, body, 400, "[request body]: entity.id: Required")
	status, body = do(t, k, "PUT", "/api/entity_store/entities/host", `{"entity":{"id":"ws-0142"},"user":{"name":"x"}}`, nil)
	wantMessage(t, status, body, 400, "Unrecognized key(s) in object for a host entity: 'user'")

	// fin-ws-011 has no asset criticality record, so its own stands.
	status, body = do(t, k, "PUT", "/api/entity_store/entities/host?force=true", `{"entity":{"id":"fin-ws-011","attributes":{"privileged":true}},"asset":{"criticality":"high_impact","owner":"it"},"host":{"ip":["10.20.6.200"]}}`, nil)
	if status != 200 || body["asset"].(map[string]any)["criticality"] != "high_impact" || body["host"].(map[string]any)["name"] != "fin-ws-011" {
		t.Fatalf("forced upsert: %d %v", status, body)
	}
	ips := toStrings(body["host"].(map[string]any)["ip"])
	if len(ips) != 2 || ips[1] != "10.20.6.200" {
		t.Errorf("observed IPs: %v", ips)
	}
	// ws-0142 has one: it wins over what the entity was given.
	_, body = do(t, k, "PUT", "/api/entity_store/entities/host?force=true", `{"entity":{"id":"ws-0142"},"asset":{"criticality":"low_impact"}}`, nil)
	if body["asset"].(map[string]any)["criticality"] != "medium_impact" {
		t.Errorf("ws-0142 criticality: %v", body["asset"])
	}
	if _, owner := body["asset"].(map[string]any)["owner"]; owner {
		t.Error("the answer shows more of the asset than its criticality")
	}
	// A new entity, then listed.
	status, body = do(t, k, "PUT", "/api/entity_store/entities/user", `{"entity":{"id":"n.new","lifecycle":{"first_seen":"2025-03-14T10:00:00Z"}}}`, nil)
	if status != 200 || body["user"].(map[string]any)["name"] != "n.new" || body["entity"].(map[string]any)["type"] != "Identity" {
		t.Fatalf("new user: %d %v", status, body)
	}
	ids, _ := listEntityIDs(t, k, "", "entity_types", "user", "filterQuery", `{"term":{"entity.id":"n.new"}}`)
	if !slices.Equal(ids, []string{"n.new"}) {
		t.Errorf("new user listed: %v", ids)
	}
	// A stopped engine takes no changes.
	status, body = do(t, k, "PUT", "/api/entity_store/entities/service", `{"entity":{"id":"jenkins","attributes":{"managed":true}}}`, nil)
	wantMessage(t, status, body, 503, "Entity engine for service is not running")

	// Delete.
	status, body = do(t, k, "DELETE", "/api/entity_store/entities/user", `{"id":"n.new"}`, nil)
	if status != 200 || body["deleted"] != true {
		t.Fatalf("delete: %d %v", status, body)
	}
	status, body = do(t, k, "DELETE", "/api/entity_store/entities/user", `{"id":"n.new"}`, nil)
	wantMessage(t, status, body, 404, "Entity with ID 'n.new' and type 'user' not found")
	status, body = do(t, k, "DELETE", "/api/entity_store/entities/user", `{}`, nil)
	wantMessage(t, status, body, 400, "[request body]: id: Required")
}

func TestBulkUpsertEntities(t *testing.T) {
	k, _ := entityKibana()
	status, body := do(t, k, "PUT", "/api/entity_store/entities/bulk", `{}`, nil)
	wantMessage(t, status, body, 400, "[request body]: entities: Required")
	status, body = do(t, k, "PUT", "/api/entity_store/entities/bulk", `{"entities":[{"type":"host","record":{"entity":{"id":"fs-02"},"asset":{"criticality":"low_impact"}}}]}`, nil)
	wantMessage(t, status, body, 400, "not allowed to be updated without forcing it (?force=true): asset.criticality")
	status, body = do(t, k, "PUT", "/api/entity_store/entities/bulk", `{"entities":[{"type":"robot","record":{}},{"type":"user"}]}`, nil)
	wantMessage(t, status, body, 400, "entities.0.type: Invalid enum value")
	if !strings.Contains(body["message"].(string), "entities.1.record: Required") {
		t.Errorf("message %q", body["message"])
	}

	status, _ = do(t, k, "PUT", "/api/entity_store/entities/bulk?force=true", `{"entities":[{"type":"host","record":{"entity":{"id":"fin-ws-014"},"asset":{"criticality":"low_impact"}}},{"type":"user","record":{"entity":{"id":"j.morgan","attributes":{"privileged":true}}}}]}`, nil)
	if status != 200 {
		t.Fatalf("bulk: %d", status)
	}
	ids, _ := listEntityIDs(t, k, "", "entity_types", "host", "entity_types", "user", "filterQuery", `{"bool":{"should":[{"term":{"asset.criticality":"low_impact"}},{"term":{"entity.attributes.privileged":true}}],"minimum_should_match":1}}`, "per_page", "50")
	for _, want := range []string{"fin-ws-014", "j.morgan"} {
		if !slices.Contains(ids, want) {
			t.Errorf("bulk changes not listed: %v lacks %s", ids, want)
		}
	}
	// Deleting the engine with its data empties the list.
	do(t, k, "DELETE", "/api/entity_store/engines/user?data=true", "", nil)
	if ids, _ := listEntityIDs(t, k, "", "entity_types", "user"); len(ids) != 0 {
		t.Errorf("users after deleting the engine's data: %v", ids)
	}
}

// TestEntitiesFollowAssetCriticalityAndRisk checks that an entity shows
// the criticality the asset criticality API sets, and the risk engine's
// latest score.
func TestEntitiesFollowAssetCriticalityAndRisk(t *testing.T) {
	k, _ := entityKibana()
	ids, _ := listEntityIDs(t, k, "", "entity_types", "host", "filterQuery", `{"term":{"asset.criticality":"extreme_impact"}}`)
	if slices.Contains(ids, "fin-ws-020") {
		t.Fatalf("fin-ws-020 already extreme: %v", ids)
	}
	if status, body := do(t, k, "POST", "/api/asset_criticality", `{"id_field":"host.name","id_value":"fin-ws-020","criticality_level":"extreme_impact"}`, nil); status != 200 {
		t.Fatalf("set criticality: %d %v", status, body)
	}
	ids, body := listEntityIDs(t, k, "", "entity_types", "host", "filterQuery", `{"term":{"asset.criticality":"extreme_impact"}}`)
	if !slices.Contains(ids, "fin-ws-020") {
		t.Errorf("criticality not followed: %v", ids)
	}
	for _, r := range body["records"].([]any) {
		host := r.(map[string]any)["host"].(map[string]any)
		if risk, ok := host["risk"].(map[string]any); ok && risk["id_value"] != host["name"] {
			t.Errorf("%s carries the risk of %v", host["name"], risk["id_value"])
		}
	}
}

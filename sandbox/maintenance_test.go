package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

var maintNow = time.Date(2025, 3, 12, 9, 30, 0, 0, time.UTC)

func maintKibana(t *testing.T) (*Kibana, *time.Time) {
	t.Helper()
	now := maintNow
	return New(Config{APIKey: testKey, Seed: 3, Now: func() time.Time { return now }}), &now
}

// windowsByTitle finds the windows of a space ("" for default).
func windowsByTitle(t *testing.T, k *Kibana, space string) map[string]map[string]any {
	t.Helper()
	prefix := ""
	if space != "" && space != "default" {
		prefix = "/s/" + space
	}
	status, body := do(t, k, http.MethodGet, prefix+"/api/maintenance_window/_find", "", nil)
	if status != http.StatusOK {
		t.Fatalf("find: %d %v", status, body)
	}
	out := map[string]map[string]any{}
	for _, w := range body["maintenanceWindows"].([]any) {
		m := w.(map[string]any)
		out[m["title"].(string)] = m
	}
	return out
}

// TestMaintenanceWindowsSeededStory: every seeded space has the recurring
// patch night (upcoming) and the finished resolver migration, whose id the
// DNS tunneling alerts raised during it carry, and only those.
func TestMaintenanceWindowsSeededStory(t *testing.T) {
	k, _ := maintKibana(t)
	for _, space := range []string{"default", "soc"} {
		ws := windowsByTitle(t, k, space)
		patch, migration := ws["Patch night: file and backup servers"], ws["Resolver migration CHG-4490"]
		if patch == nil || migration == nil {
			t.Fatalf("%s: seeded windows missing: %v", space, ws)
		}
		if patch["id"] != seedPatchWindowID || patch["status"] != "upcoming" || migration["status"] != "finished" {
			t.Errorf("%s: patch %v %v, migration %v", space, patch["id"], patch["status"], migration["status"])
		}
		sp := k.spaces[space]
		stamped, inWindow := 0, 0
		for _, d := range sp.alerts.index.Docs {
			ids, has := d.Source[maintWindowIDsField]
			if has {
				stamped++
				if fmt.Sprint(ids) != fmt.Sprint([]any{migration["id"]}) {
					t.Errorf("%s: alert %s carries %v", space, d.ID, ids)
				}
				if !strings.Contains(fmt.Sprint(d.Source), seedResolverRuleName) {
					t.Errorf("%s: alert %s of another rule is stamped", space, d.ID)
				}
				if d.Version != 1 {
					t.Errorf("%s: stamping moved alert %s to version %d", space, d.ID, d.Version)
				}
			}
			if strings.Contains(fmt.Sprint(d.Source), seedResolverRuleName) {
				inWindow++
			}
		}
		if stamped == 0 || stamped == inWindow {
			t.Errorf("%s: %d of %d DNS tunneling alerts stamped; want some, not all (the window lasted 3h of a week)", space, stamped, inWindow)
		}
	}
}

// TestMaintenanceWindowLifecycle: create one running now, find it by
// status, change it, archive it (archived, ending it), unarchive it
// (running again), delete it.
func TestMaintenanceWindowLifecycle(t *testing.T) {
	k, now := maintKibana(t)
	start := maintNow.Add(-time.Hour).Format(time.RFC3339)
	status, w := do(t, k, http.MethodPost, "/s/soc/api/maintenance_window",
		`{"title":"Firewall upgrade","schedule":{"custom":{"start":"`+start+`","duration":"2h"}},"scope":{"alerting":{"query":{"kql":"host.name: fw-*"}}}}`, nil)
	if status != http.StatusOK || w["status"] != "running" || w["enabled"] != true || w["created_by"] != "elastic" {
		t.Fatalf("create: %d %v", status, w)
	}
	if tz := w["schedule"].(map[string]any)["custom"].(map[string]any)["timezone"]; tz != "UTC" {
		t.Errorf("timezone defaults to UTC, got %v", tz)
	}
	id := w["id"].(string)
	path := "/s/soc/api/maintenance_window/" + id
	if status, _ := do(t, k, http.MethodGet, "/api/maintenance_window/"+id, "", nil); status != http.StatusNotFound {
		t.Errorf("another space sees it: %d", status)
	}
	_, body := do(t, k, http.MethodGet, "/s/soc/api/maintenance_window/_find?status=running", "", nil)
	if body["total"] != float64(1) {
		t.Errorf("running: %v", body)
	}
	_, w = do(t, k, http.MethodPatch, path, `{"enabled":false,"title":"Firewall upgrade (moved)"}`, nil)
	if w["enabled"] != false || w["title"] != "Firewall upgrade (moved)" || w["scope"] == nil {
		t.Errorf("update: %v", w)
	}
	_, w = do(t, k, http.MethodPost, path+"/_archive", "", nil)
	if w["status"] != "archived" {
		t.Errorf("archive: %v", w)
	}
	if status, body := do(t, k, http.MethodPatch, path, `{"enabled":true}`, nil); status != http.StatusConflict {
		t.Errorf("update of an archived window: %d %v", status, body)
	}
	_, w = do(t, k, http.MethodPost, path+"/_unarchive", "", nil)
	if w["status"] != "running" {
		t.Errorf("unarchive: %v", w)
	}
	*now = maintNow.Add(2 * time.Hour)
	if _, w = do(t, k, http.MethodGet, path, "", nil); w["status"] != "finished" {
		t.Errorf("after its end: %v", w)
	}
	if status, _ := do(t, k, http.MethodDelete, path, "", nil); status != http.StatusNoContent {
		t.Errorf("delete: %d", status)
	}
	if status, _ := do(t, k, http.MethodGet, path, "", nil); status != http.StatusNotFound {
		t.Errorf("after delete: %d", status)
	}
}

// TestMaintenanceWindowRecurrenceStatus: a weekly window is upcoming
// between occurrences and finished after its last one.
func TestMaintenanceWindowRecurrenceStatus(t *testing.T) {
	k, now := maintKibana(t)
	start := maintNow.Add(-50 * time.Hour).Format(time.RFC3339)
	_, w := do(t, k, http.MethodPost, "/api/maintenance_window",
		`{"title":"Weekly","schedule":{"custom":{"start":"`+start+`","duration":"1h","recurring":{"every":"1w","occurrences":2}}}}`, nil)
	if w["status"] != "upcoming" {
		t.Fatalf("between occurrences: %v", w)
	}
	*now = maintNow.Add(7*24*time.Hour - 50*time.Hour + 30*time.Minute)
	if _, w = do(t, k, http.MethodGet, "/api/maintenance_window/"+w["id"].(string), "", nil); w["status"] != "running" {
		t.Errorf("second occurrence: %v", w)
	}
	*now = maintNow.Add(30 * 24 * time.Hour)
	if _, w = do(t, k, http.MethodGet, "/api/maintenance_window/"+w["id"].(string), "", nil); w["status"] != "finished" {
		t.Errorf("after the last occurrence: %v", w)
	}
}

func TestMaintenanceWindowRefusals(t *testing.T) {
	k, _ := maintKibana(t)
	for _, c := range []struct{ body, want string }{
		{`{"schedule":{"custom":{"start":"2025-03-12T00:00:00Z","duration":"1h"}}}`, "[request body.title]"},
		{`{"title":"t"}`, "[request body.schedule]"},
		{`{"title":"t","schedule":{"custom":{"start":"2025-03-12T00:00:00Z","duration":"an hour"}}}`, "Invalid schedule duration format"},
		{`{"title":"t","schedule":{"custom":{"start":"2025-03-12T00:00:00Z","duration":"1h","recurring":{"every":"1d","end":"2025-04-01T00:00:00Z","occurrences":3}}}}`, "Only one of end or occurrences"},
		{`{"title":"t","schedule":{"custom":{"start":"2025-03-12T00:00:00Z","duration":"1h"}},"scope":{"alerting":{"query":{"kql":"host.name: ("}}}}`, "[request body.scope.alerting.query.kql]"},
		{`{"title":"t","schedule":{"custom":{"start":"2025-03-12T00:00:00Z","duration":"1h"}},"category_ids":["securitySolution"]}`, "category_ids"},
	} {
		status, body := do(t, k, http.MethodPost, "/api/maintenance_window", c.body, nil)
		if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["message"]), c.want) {
			t.Errorf("%s: %d %v; want 400 with %q", c.body, status, body, c.want)
		}
	}
	if status, _ := do(t, k, http.MethodGet, "/api/maintenance_window/_find?status=paused", "", nil); status != http.StatusBadRequest {
		t.Errorf("unknown status: %d", status)
	}
}

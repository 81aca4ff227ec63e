package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const (
	tlTestRansomware = "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5d01"
	tlTestBrute      = "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5d02"
	tlTestSocRansom  = "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6a01"
)

func tlKibana() *Kibana {
	return New(Config{APIKey: testKey, Seed: 1, Now: func() time.Time { return platformNow }})
}

// TestTimelineSeed checks each space has its investigations, tied to the
// story's hosts, with their notes and a pinned alert of the space.
func TestTimelineSeed(t *testing.T) {
	k := tlKibana()
	status, body := do(t, k, "GET", "/api/timeline?id="+tlTestRansomware, "", nil)
	if status != 200 || body["title"] != "Ransomware on fs-02" || body["savedObjectId"] != tlTestRansomware {
		t.Fatalf("seeded timeline: %d %v", status, body)
	}
	notes, _ := body["notes"].([]any)
	eventNotes, _ := body["eventIdToNoteIds"].([]any)
	pins, _ := body["pinnedEventIds"].([]any)
	if len(notes) != 1 || len(eventNotes) != 1 || len(pins) != 1 {
		t.Fatalf("notes %v, event notes %v, pins %v", notes, eventNotes, pins)
	}
	alert := pins[0].(string)
	found := false
	for _, a := range k.spaces["default"].seededAlerts {
		found = found || (a.ID == alert && a.RuleName == storyRules[2].Name)
	}
	if !found {
		t.Errorf("pinned event %s is not a ransomware alert of the space", alert)
	}
	if status, _ := do(t, k, "GET", "/s/soc/api/timeline?id="+tlTestRansomware, "", nil); status != 404 {
		t.Errorf("a default-space timeline is visible in soc: %d", status)
	}
	status, body = do(t, k, "GET", "/s/soc/api/timelines", "", nil)
	if status != 200 || body["totalCount"].(float64) != 2 || body["templateTimelineCount"].(float64) != 1 || body["favoriteCount"].(float64) != 1 {
		t.Errorf("soc timelines: %d %v", status, body)
	}
}

// TestTimelineLifecycle creates, reads, patches (with a stale version
// refused), copies and deletes a timeline.
func TestTimelineLifecycle(t *testing.T) {
	k := tlKibana()
	status, body := do(t, k, "POST", "/api/timeline", `{"timeline":{"title":"Beaconing from build-03","kqlQuery":{"filterQuery":{"kuery":{"kind":"kuery","expression":"host.name: build-03"}}},"bogus":1}}`, nil)
	if status != 200 || body["status"] != "active" || body["timelineType"] != "default" || body["bogus"] != nil {
		t.Fatalf("create: %d %v", status, body)
	}
	id, version := body["savedObjectId"].(string), body["version"].(string)
	runPlatformSteps(t, k, []platformStep{
		{"GET", "/api/timeline?id=" + id, "", 200},
		{"GET", "/api/timeline/resolve?id=" + id, "", 200},
		{"GET", "/api/timeline?id=nope", "", 404},
		{"GET", "/api/timeline/resolve?id=nope", "", 404},
		{"GET", "/api/timeline", "", 400},
		{"POST", "/api/timeline", `{}`, 400},
		{"POST", "/api/timeline", `{"timeline":{"description":"no title"}}`, 405},
		{"POST", "/api/timeline", `{"timeline":{"title":"x","timelineType":"other"}}`, 400},
		{"PATCH", "/api/timeline", `{"timelineId":"` + id + `","version":"WzAsMV0=","timeline":{"title":"stale"}}`, 409},
		{"PATCH", "/api/timeline", `{"timelineId":"nope","version":"x","timeline":{"title":"x"}}`, 405},
		{"PATCH", "/api/timeline", `{"timelineId":"` + id + `","timeline":{"title":"x"}}`, 400},
		{"PATCH", "/api/timeline", `{"timelineId":"` + id + `","version":"` + version + `","timeline":{"timelineType":"template"}}`, 403},
	})
	status, body = do(t, k, "PATCH", "/api/timeline", `{"timelineId":"`+id+`","version":"`+version+`","timeline":{"description":"C2 over DNS"}}`, nil)
	if status != 200 || body["description"] != "C2 over DNS" || body["title"] != "Beaconing from build-03" || body["version"] == version {
		t.Fatalf("patch: %d %v", status, body)
	}
	status, body = do(t, k, "GET", "/api/timeline/_copy", `{"timelineIdToCopy":"`+tlTestRansomware+`","timeline":{"title":"Handover"}}`, nil)
	if status != 200 || body["title"] != "Handover" || len(body["pinnedEventIds"].([]any)) != 1 || len(body["notes"].([]any)) != 1 {
		t.Fatalf("copy: %d %v", status, body)
	}
	if status, _ := do(t, k, "GET", "/api/timeline/_copy", `{"timelineIdToCopy":"nope","timeline":{"title":"x"}}`, nil); status != 404 {
		t.Errorf("copy of a missing timeline: %d", status)
	}
	runPlatformSteps(t, k, []platformStep{
		{"DELETE", "/api/timeline", `{"savedObjectIds":["` + id + `","nope"]}`, 404},
		{"GET", "/api/timeline?id=" + id, "", 200},
		{"DELETE", "/api/timeline", `{"savedObjectIds":["` + id + `","` + tlTestRansomware + `"]}`, 200},
		{"GET", "/api/timeline?id=" + id, "", 404},
		{"DELETE", "/api/timeline", `{}`, 400},
	})
	// The deleted timeline's notes went with it.
	_, body = do(t, k, "GET", "/api/note?savedObjectIds="+tlTestRansomware, "", nil)
	if body["totalCount"].(float64) != 0 {
		t.Errorf("notes of a deleted timeline remain: %v", body)
	}
}

// TestTimelineFind pages, sorts, searches and filters by favorite.
func TestTimelineFind(t *testing.T) {
	k := tlKibana()
	check := func(query string, total int, firstTitle string) {
		t.Helper()
		status, body := do(t, k, "GET", "/api/timelines"+query, "", nil)
		if status != 200 {
			t.Fatalf("%s: %d %v", query, status, body)
		}
		list := body["timeline"].([]any)
		if int(body["totalCount"].(float64)) != total || (firstTitle != "" && (len(list) == 0 || list[0].(map[string]any)["title"] != firstTitle)) {
			t.Errorf("%s: total %v, first %v; want %d, %q", query, body["totalCount"], list, total, firstTitle)
		}
	}
	check("", 2, "Ransomware on fs-02")
	check("?sort_field=title&sort_order=asc", 2, "Brute force against vpn-gw-01")
	check("?search=brute", 1, "Brute force against vpn-gw-01")
	check("?only_user_favorite=true", 1, "Ransomware on fs-02")
	check("?timeline_type=template", 1, "Host triage")
	check("?page_size=1&page_index=2", 2, "Brute force against vpn-gw-01")
	check("?status=draft", 0, "")
	if status, _ := do(t, k, "GET", "/api/timelines?sort_field=colour", "", nil); status != 400 {
		t.Errorf("bad sort_field: %d", status)
	}
	if status, _ := do(t, k, "GET", "/api/timelines?page_size=none", "", nil); status != 400 {
		t.Errorf("bad page_size: %d", status)
	}
}

// TestTimelineDraftsAndFavorites: one draft per user and type, cleaned on
// request; favorites toggle per user.
func TestTimelineDraftsAndFavorites(t *testing.T) {
	k := tlKibana()
	_, first := do(t, k, "GET", "/api/timeline/_draft?timelineType=default", "", nil)
	_, again := do(t, k, "GET", "/api/timeline/_draft?timelineType=default", "", nil)
	if first["savedObjectId"] == nil || first["savedObjectId"] != again["savedObjectId"] || first["status"] != "draft" {
		t.Fatalf("draft: %v then %v", first, again)
	}
	draft := first["savedObjectId"].(string)
	do(t, k, "PATCH", "/api/pinned_event", `{"timelineId":"`+draft+`","eventId":"e1"}`, nil)
	status, cleaned := do(t, k, "POST", "/api/timeline/_draft", `{"timelineType":"default"}`, nil)
	if status != 200 || cleaned["savedObjectId"] != draft || len(cleaned["pinnedEventIds"].([]any)) != 0 {
		t.Fatalf("clean draft: %d %v", status, cleaned)
	}
	if status, _ := do(t, k, "GET", "/api/timeline/_draft", "", nil); status != 400 {
		t.Errorf("draft without type: %d", status)
	}
	_, list := do(t, k, "GET", "/api/timelines", "", nil)
	if list["totalCount"].(float64) != 2 {
		t.Errorf("a draft is listed: %v", list["totalCount"])
	}
	fav := `{"timelineId":"` + tlTestBrute + `","templateTimelineId":null,"templateTimelineVersion":null,"timelineType":"default"}`
	status, body := do(t, k, "PATCH", "/api/timeline/_favorite", fav, nil)
	if status != 200 || len(body["favorite"].([]any)) != 1 {
		t.Fatalf("favorite: %d %v", status, body)
	}
	_, body = do(t, k, "PATCH", "/api/timeline/_favorite", fav, nil)
	if len(body["favorite"].([]any)) != 0 {
		t.Errorf("second favorite call does not remove it: %v", body)
	}
	runPlatformSteps(t, k, []platformStep{
		{"PATCH", "/api/timeline/_favorite", `{"timelineId":"` + tlTestBrute + `","templateTimelineId":null,"templateTimelineVersion":null}`, 400},
		{"PATCH", "/api/timeline/_favorite", `{"timelineId":"nope","templateTimelineId":null,"templateTimelineVersion":null,"timelineType":null}`, 404},
	})
}

// TestTimelineNotesAndPins adds, changes (stale version refused) and
// deletes notes; pins, pins again and unpins an event.
func TestTimelineNotesAndPins(t *testing.T) {
	k := tlKibana()
	status, body := do(t, k, "PATCH", "/api/note", `{"note":{"timelineId":"`+tlTestBrute+`","eventId":"e9","note":"Source is a Tor exit."}}`, nil)
	if status != 200 {
		t.Fatalf("add note: %d %v", status, body)
	}
	note := body["note"].(map[string]any)
	id, version := note["noteId"].(string), note["version"].(string)
	runPlatformSteps(t, k, []platformStep{
		{"PATCH", "/api/note", `{"noteId":"` + id + `","version":"WzAsMV0=","note":{"timelineId":"` + tlTestBrute + `","note":"stale"}}`, 409},
		{"PATCH", "/api/note", `{"noteId":"` + id + `","version":"` + version + `","note":{"timelineId":"` + tlTestBrute + `","eventId":"e9","note":"Tor exit, blocked."}}`, 200},
		{"PATCH", "/api/note", `{"noteId":"nope","note":{"timelineId":"` + tlTestBrute + `","note":"x"}}`, 404},
		{"PATCH", "/api/note", `{"note":{"timelineId":"nope","note":"x"}}`, 404},
		{"PATCH", "/api/note", `{"note":{"note":"x"}}`, 400},
		{"PATCH", "/api/note", `{}`, 400},
	})
	_, body = do(t, k, "GET", "/api/note?documentIds=e9", "", nil)
	if body["totalCount"].(float64) != 1 || body["notes"].([]any)[0].(map[string]any)["note"] != "Tor exit, blocked." {
		t.Errorf("notes of e9: %v", body)
	}
	_, body = do(t, k, "GET", "/api/note?search=isolated&associatedFilter=saved_object_only", "", nil)
	if body["totalCount"].(float64) != 1 {
		t.Errorf("search notes: %v", body)
	}
	runPlatformSteps(t, k, []platformStep{
		{"DELETE", "/api/note", `{"noteIds":["` + id + `","nope"]}`, 404},
		{"DELETE", "/api/note", `{"noteIds":["` + id + `"]}`, 200},
		{"DELETE", "/api/note", `{"noteId":"` + id + `"}`, 404},
		{"DELETE", "/api/note", `{}`, 400},
	})

	status, pin := do(t, k, "PATCH", "/api/pinned_event", `{"timelineId":"`+tlTestBrute+`","eventId":"e9"}`, nil)
	_, again := do(t, k, "PATCH", "/api/pinned_event", `{"timelineId":"`+tlTestBrute+`","eventId":"e9"}`, nil)
	if status != 200 || pin["pinnedEventId"] == nil || pin["pinnedEventId"] != again["pinnedEventId"] {
		t.Fatalf("pin: %d %v then %v", status, pin, again)
	}
	status, body = do(t, k, "PATCH", "/api/pinned_event", `{"timelineId":"`+tlTestBrute+`","eventId":"e9","pinnedEventId":"`+pin["pinnedEventId"].(string)+`"}`, nil)
	if status != 200 || body["unpinned"] != true {
		t.Fatalf("unpin: %d %v", status, body)
	}
	_, tl := do(t, k, "GET", "/api/timeline?id="+tlTestBrute, "", nil)
	if len(tl["pinnedEventIds"].([]any)) != 1 {
		t.Errorf("pins after unpin: %v", tl["pinnedEventIds"])
	}
	runPlatformSteps(t, k, []platformStep{
		{"PATCH", "/api/pinned_event", `{"timelineId":"nope","eventId":"e9"}`, 404},
		{"PATCH", "/api/pinned_event", `{"timelineId":"` + tlTestBrute + `"}`, 400},
	})
}

// TestTimelineExportImport exports ndjson with Kibana's headers and imports
// it back; prebuilt templates install once.
func TestTimelineExportImport(t *testing.T) {
	k := tlKibana()
	req := httptest.NewRequest(http.MethodPost, "/s/soc/api/timeline/_export?file_name=soc.ndjson", strings.NewReader(`{"ids":["`+tlTestSocRansom+`","nope"]}`))
	req.Header.Set("Authorization", "ApiKey "+testKey)
	req.Header.Set("kbn-xsrf", "true")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	k.ServeHTTP(rec, req)
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/ndjson" || !strings.Contains(rec.Header().Get("Content-Disposition"), `filename="soc.ndjson"`) ||
		len(lines) != 2 || !strings.Contains(lines[0], `"globalNotes":[{`) || strings.Contains(lines[0], `"status"`) || !strings.Contains(lines[1], `"statusCode":404`) {
		t.Fatalf("export: %d %v\n%s", rec.Code, rec.Header(), rec.Body.String())
	}
	if status, _ := do(t, k, "POST", "/api/timeline/_export", `{}`, nil); status != 400 {
		t.Errorf("export without file_name: %d", status)
	}

	status, out, _ := soImportRequest(t, k, "/s/soc/api/timeline/_import", "soc.ndjson", lines[0]+"\n", nil)
	if status != 200 || out["success"] != false || out["timelines_installed"].(float64) != 0 {
		t.Fatalf("import over the original: %d %v", status, out)
	}
	do(t, k, "DELETE", "/s/soc/api/timeline", `{"savedObjectIds":["`+tlTestSocRansom+`"]}`, nil)
	status, out, _ = soImportRequest(t, k, "/s/soc/api/timeline/_import", "soc.ndjson", lines[0]+"\n", map[string]string{"isImmutable": "false"})
	if status != 200 || out["success"] != true || out["timelines_installed"].(float64) != 1 {
		t.Fatalf("import: %d %v", status, out)
	}
	_, found := do(t, k, "GET", "/s/soc/api/timelines?search=ransomware", "", nil)
	imported := found["timeline"].([]any)[0].(map[string]any)
	if imported["savedObjectId"] == tlTestSocRansom || len(imported["notes"].([]any)) != 1 || len(imported["pinnedEventIds"].([]any)) != 1 {
		t.Errorf("imported timeline: %v", imported)
	}
	if status, _, _ := soImportRequest(t, k, "/api/timeline/_import", "x.json", lines[0], nil); status != 400 {
		t.Errorf("import of a .json file: %d", status)
	}

	status, body := do(t, k, "POST", "/api/timeline/_prepackaged", `{"timelinesToInstall":[],"timelinesToUpdate":[],"prepackagedTimelines":[]}`, nil)
	if status != 200 || body["timelines_installed"].(float64) != float64(len(tlPrebuilt)) {
		t.Fatalf("prebuilt install: %d %v", status, body)
	}
	_, body = do(t, k, "POST", "/api/timeline/_prepackaged", `{"timelinesToInstall":null,"timelinesToUpdate":[],"prepackagedTimelines":[]}`, nil)
	if body["timelines_installed"].(float64) != 0 || body["timelines_updated"].(float64) != 0 {
		t.Errorf("second install: %v", body)
	}
	if status, body := do(t, k, "POST", "/api/timeline/_prepackaged", `{"timelinesToInstall":[],"timelinesToUpdate":[]}`, nil); status != 400 || !strings.Contains(body["message"].(string), "prepackagedTimelines") {
		t.Errorf("prebuilt install without prepackagedTimelines: %d %v", status, body)
	}
	_, body = do(t, k, "GET", "/api/timelines?timeline_type=template", "", nil)
	if body["elasticTemplateTimelineCount"].(float64) != float64(len(tlPrebuilt)) || body["customTemplateTimelineCount"].(float64) != 1 {
		t.Errorf("template counts: %v", body)
	}
}

func TestTimelineRequiresCredentials(t *testing.T) {
	k := tlKibana()
	req := httptest.NewRequest(http.MethodGet, "/api/timelines", nil)
	rec := httptest.NewRecorder()
	k.ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Errorf("no credentials: %d", rec.Code)
	}
}

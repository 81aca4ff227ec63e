package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Export and import of timelines as ndjson, and Elastic's prebuilt
// timeline templates. Kibana's timeline export has no summary line: one
// line per timeline, with its notes and pinned event ids inside.

func (k *Kibana) exportTimelines(c *call) {
	var is epIssues
	fileName := c.query("file_name")
	if !c.r.URL.Query().Has("file_name") {
		is.add("file_name", "Required")
	}
	if len(is) > 0 {
		c.badRequest(is.message("request query"))
		return
	}
	var ids []string
	all := true
	if c.body != nil {
		if v, ok := c.body["ids"]; ok && v != nil {
			ids, all = tlStringList(&is, c.body, "ids", false), false
		}
	}
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	if len(ids) > tlMaxExport {
		epSiemError(c, http.StatusBadRequest, fmt.Sprintf("Can't export more than %d timelines", tlMaxExport))
		return
	}
	st := &c.space.timelines
	user, _ := tlUser(c)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // one object a line, each ending in \n
	if all {
		for _, t := range st.timelines {
			if t.status() != "draft" {
				enc.Encode(st.exportDoc(t, user))
			}
		}
	}
	for _, id := range ids {
		if t := st.timeline(id); t != nil {
			enc.Encode(st.exportDoc(t, user))
			continue
		}
		enc.Encode(map[string]any{"statusCode": http.StatusNotFound, "message": soNotFoundMessage(tlSOType, id)})
	}
	c.answered = true
	c.w.Header().Set("Content-Type", "application/ndjson")
	c.w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, fileName))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(buf.Bytes())
}

// exportDoc is a timeline as its export line: the saved timeline without
// status and excludedRowRendererIds, its notes split into globalNotes and
// eventNotes, and the ids of its pinned events.
func (st *timelinesState) exportDoc(t *tlTimeline, user string) map[string]any {
	doc := st.tlDoc(t, user)
	for _, key := range []string{"status", "excludedRowRendererIds", "notes", "eventIdToNoteIds", "noteIds", "pinnedEventsSaveObject"} {
		delete(doc, key)
	}
	global, events := []any{}, []any{}
	for _, n := range st.notesOf(t.id) {
		if n.eventID == "" {
			global = append(global, tlNoteDoc(n))
		} else {
			events = append(events, tlNoteDoc(n))
		}
	}
	doc["globalNotes"], doc["eventNotes"] = global, events
	return doc
}

// tlImport tallies an import's outcome in Kibana's answer shape.
type tlImport struct {
	errors             []any
	installed, updated int
}

func (r *tlImport) fail(id string, status int, msg string) {
	r.errors = append(r.errors, map[string]any{"id": id, "error": map[string]any{"status_code": status, "message": msg}})
}

func (r *tlImport) answer(c *call) {
	c.ok(map[string]any{
		"success": len(r.errors) == 0, "success_count": r.installed + r.updated, "errors": r.errors,
		"timelines_installed": r.installed, "timelines_updated": r.updated,
	})
}

// importTimelines reads the ndjson export_timelines writes. A timeline
// whose savedObjectId exists in the space is refused; one that does not is
// created under a new id. A template replaces the installed one of the same
// templateTimelineId when its templateTimelineVersion is higher.
func (k *Kibana) importTimelines(c *call) {
	immutable := false
	if c.form != nil {
		if v := c.form.Value["isImmutable"]; len(v) > 0 {
			if v[0] != "true" && v[0] != "false" {
				c.badRequest(fmt.Sprintf("[request body]: isImmutable: Invalid enum value. Expected 'true' | 'false', received '%s'", v[0]))
				return
			}
			immutable = v[0] == "true"
		}
	}
	data, ok := exFormFile(c, "file")
	if !ok {
		return
	}
	res := &tlImport{errors: []any{}}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), maxBody)
	n := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if n++; n > tlMaxExport {
			epSiemError(c, http.StatusBadRequest, fmt.Sprintf("Can't import more than %d timelines", tlMaxExport))
			return
		}
		var obj map[string]any
		if err := json.Unmarshal(line, &obj); err != nil {
			res.fail("(unknown)", http.StatusBadRequest, "Unexpected token in JSON: "+err.Error())
			continue
		}
		id, _ := obj["savedObjectId"].(string)
		if id != "" && seen[id] {
			res.fail(id, http.StatusBadRequest, fmt.Sprintf(`More than one timeline with savedObjectId: "%s" found`, id))
			continue
		}
		seen[id] = true
		k.importTimeline(c, obj, id, immutable, res)
	}
	res.answer(c)
}

func (k *Kibana) importTimeline(c *call, obj map[string]any, id string, immutable bool, res *tlImport) {
	st := &c.space.timelines
	errID := id
	if errID == "" {
		errID = "unknown"
	}
	var is epIssues
	attrs := checkTimelineAttrs(&is, obj, "timeline")
	if len(is) > 0 {
		res.fail(errID, http.StatusBadRequest, strings.Join(is, ", "))
		return
	}
	probe := &tlTimeline{attrs: attrs}
	switch {
	case probe.status() == "draft":
		res.fail(errID, http.StatusConflict, "You are not allowed to set the status field value to draft.")
		return
	case strings.TrimSpace(probe.str("title")) == "":
		res.fail(errID, http.StatusConflict, tlMsgEmptyTitle)
		return
	}
	if immutable {
		attrs["status"] = "immutable"
	}
	if probe.kind() == "template" {
		if existing := st.template(probe.str("templateTimelineId")); existing != nil && probe.str("templateTimelineId") != "" {
			if tlNum(attrs["templateTimelineVersion"]) <= tlNum(existing.attrs["templateTimelineVersion"]) {
				res.fail(errID, http.StatusConflict, "To update existing Timeline templates, you must increment the templateTimelineVersion value.")
				return
			}
			user, _ := tlUser(c)
			existing.attrs = attrs
			existing.version, existing.updated, existing.updatedBy = st.nextVersion(), k.nowMillis(), user
			k.importNotes(c, existing.id, obj["globalNotes"])
			res.updated++
			return
		}
	} else if id != "" && st.timeline(id) != nil {
		res.fail(id, http.StatusConflict, fmt.Sprintf(`savedObjectId: "%s" already exists`, id))
		return
	}
	t := k.newTimeline(c, attrs)
	k.importNotes(c, t.id, obj["globalNotes"])
	if t.kind() != "template" {
		k.importNotes(c, t.id, obj["eventNotes"])
		if pins, ok := obj["pinnedEventIds"].([]any); ok {
			user, _ := tlUser(c)
			now := k.nowMillis()
			for _, p := range pins {
				if eventID, ok := p.(string); ok && eventID != "" {
					st.pins = append(st.pins, &tlPin{id: k.newID(), version: st.nextVersion(), timelineID: t.id, eventID: eventID,
						created: now, createdBy: user, updated: now, updatedBy: user})
				}
			}
		}
	}
	res.installed++
}

// importNotes adds the notes of an import line to a timeline, keeping who
// wrote them and when.
func (k *Kibana) importNotes(c *call, timelineID string, list any) {
	notes, _ := list.([]any)
	st := &c.space.timelines
	user, _ := tlUser(c)
	now := k.nowMillis()
	for _, x := range notes {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		n := &tlNote{id: k.newID(), version: st.nextVersion(), timelineID: timelineID, created: now, createdBy: user, updated: now, updatedBy: user}
		n.text, _ = m["note"].(string)
		n.eventID, _ = m["eventId"].(string)
		if by, ok := m["createdBy"].(string); ok && by != "" {
			n.createdBy, n.updatedBy = by, by
		}
		if at, ok := m["created"].(float64); ok {
			n.created, n.updated = int64(at), int64(at)
		}
		st.notes = append(st.notes, n)
	}
}

// tlPrebuilt are the timeline templates Elastic ships with the security
// app: data providers of template type that Kibana fills from an alert.
var tlPrebuilt = []struct {
	id, title, description string
	version                int
	fields                 []string
}{
	{"2c7e0663-5a91-0004-aa15-26bf756d2c21", "Alerts Involving a Single Host Timeline", "Investigate all alerts involving the host of the alert.", 2, []string{"host.name"}},
	{"2c7e0663-5a91-0005-aa15-26bf756d2c22", "Alerts Involving a Single User Timeline", "Investigate all alerts involving the user of the alert.", 2, []string{"user.name"}},
	{"2c7e0663-5a91-0001-aa15-26bf756d2c40", "Generic Endpoint Timeline", "Endpoint events of the alert's host and process.", 3, []string{"host.name", "process.entity_id"}},
	{"91832785-286d-4ebe-b884-1a208d111a70", "Generic Network Timeline", "Network events between the alert's source and destination.", 2, []string{"source.ip", "destination.ip"}},
	{"76e52245-7519-4251-91ab-262fb1a1728c", "Generic Process Timeline", "Process events of the alert's process on its host.", 2, []string{"process.entity_id"}},
	{"495ad7a7-316e-4544-8a0f-9c098daee76e", "Generic Threat Match Timeline", "Events matching the alert's threat indicator.", 2, []string{"threat.enrichments.matched.atomic"}},
}

// installPrepackagedTimelines installs the prebuilt templates that are
// missing and updates those installed at an older version. Kibana reads
// the templates it ships, not the body; the body's members are required
// all the same.
func (k *Kibana) installPrepackagedTimelines(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	for _, key := range []string{"timelinesToInstall", "timelinesToUpdate", "prepackagedTimelines"} {
		v, ok := c.body[key]
		switch {
		case !ok:
			is.add(key, "Required")
		case v != nil && epZodType(v) != "array":
			is.add(key, "Expected array, received "+epZodType(v))
		}
	}
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	st := &c.space.timelines
	res := &tlImport{errors: []any{}}
	for _, p := range tlPrebuilt {
		providers := []any{}
		for i, f := range p.fields {
			providers = append(providers, map[string]any{"id": fmt.Sprintf("template-%s-%d", f, i), "name": f, "enabled": true, "excluded": false,
				"kqlQuery": "", "type": "template", "queryMatch": map[string]any{"field": f, "value": "{" + f + "}", "operator": ":"}, "and": []any{}})
		}
		attrs := map[string]any{"title": p.title, "description": p.description, "timelineType": "template", "status": "immutable",
			"templateTimelineId": p.id, "templateTimelineVersion": p.version, "dataProviders": providers, "kqlMode": "filter",
			"dateRange": map[string]any{"start": "now-24h", "end": "now"}}
		existing := st.template(p.id)
		if existing == nil {
			t := k.newTimeline(c, attrs)
			t.createdBy, t.updatedBy = "Elastic", "Elastic"
			res.installed++
			continue
		}
		if tlNum(existing.attrs["templateTimelineVersion"]) < float64(p.version) {
			existing.attrs = attrs
			existing.version, existing.updated = st.nextVersion(), k.nowMillis()
			res.updated++
		}
	}
	res.answer(c)
}

// tlNum reads a stored number, whether the sandbox set it (int) or a
// request did (float64).
func tlNum(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case float64:
		return n
	case json.Number:
		f, _ := n.Float64()
		return f
	}
	return 0
}

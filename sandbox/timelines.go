package sandbox

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"
)

// Timelines, their notes and pinned events (/api/timeline*, /api/timelines,
// /api/note, /api/pinned_event). Kibana keeps each as a saved object of its
// own type (siem-ui-timeline, siem-ui-timeline-note,
// siem-ui-timeline-pinned-event) in the space; a timeline's answer gathers
// its notes and pins.

const (
	tlSOType    = "siem-ui-timeline"
	tlNoteType  = "siem-ui-timeline-note"
	tlMaxExport = 10000 // Kibana's default maxTimelineImportExportSize
)

// timelinesState is what a space holds of this area; it works from its zero
// value.
type timelinesState struct {
	timelines []*tlTimeline // in creation order
	notes     []*tlNote
	pins      []*tlPin
	seq       int // saved-object version counter of the space
}

// tlTimeline is a timeline or timeline template. attrs holds the members
// of Kibana's SavedTimeline that the caller set (title, dataProviders, …);
// the metadata Kibana keeps itself lives beside them.
type tlTimeline struct {
	id, version          string
	attrs                map[string]any
	created, updated     int64 // epoch milliseconds
	createdBy, updatedBy string
	favorites            []tlFavorite
}

type tlFavorite struct {
	userName, fullName string
	at                 int64
}

type tlNote struct {
	id, version, timelineID, eventID, text string
	created, updated                       int64
	createdBy, updatedBy                   string
}

type tlPin struct {
	id, version, timelineID, eventID string
	created, updated                 int64
	createdBy, updatedBy             string
}

func (k *Kibana) timelinesRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/timeline", k.getTimeline),
		newRoute(http.MethodPost, "/api/timeline", k.createTimeline),
		newRoute(http.MethodPatch, "/api/timeline", k.patchTimeline),
		newRoute(http.MethodDelete, "/api/timeline", k.deleteTimelines),
		newRoute(http.MethodGet, "/api/timeline/_copy", k.copyTimeline),
		newRoute(http.MethodGet, "/api/timeline/_draft", k.getDraftTimeline),
		newRoute(http.MethodPost, "/api/timeline/_draft", k.cleanDraftTimeline),
		newRoute(http.MethodPost, "/api/timeline/_export", k.exportTimelines),
		newRoute(http.MethodPatch, "/api/timeline/_favorite", k.favoriteTimeline),
		newRoute(http.MethodPost, "/api/timeline/_import", k.importTimelines),
		newRoute(http.MethodPost, "/api/timeline/_prepackaged", k.installPrepackagedTimelines),
		newRoute(http.MethodGet, "/api/timeline/resolve", k.resolveTimeline),
		newRoute(http.MethodGet, "/api/timelines", k.findTimelines),
		newRoute(http.MethodGet, "/api/note", k.getNotes),
		newRoute(http.MethodPatch, "/api/note", k.persistNote),
		newRoute(http.MethodDelete, "/api/note", k.deleteNotes),
		newRoute(http.MethodPatch, "/api/pinned_event", k.persistPinnedEvent),
	}
}

// nextVersion is a saved-object version in Kibana's shape: base64 of
// [sequence number, primary term].
func (st *timelinesState) nextVersion() string {
	st.seq++
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "[%d,1]", st.seq))
}

func (st *timelinesState) timeline(id string) *tlTimeline {
	for _, t := range st.timelines {
		if t.id == id {
			return t
		}
	}
	return nil
}

// template finds a timeline template by its templateTimelineId.
func (st *timelinesState) template(templateID string) *tlTimeline {
	for _, t := range st.timelines {
		if t.str("timelineType") == "template" && t.str("templateTimelineId") == templateID {
			return t
		}
	}
	return nil
}

func (st *timelinesState) note(id string) *tlNote {
	for _, n := range st.notes {
		if n.id == id {
			return n
		}
	}
	return nil
}

func (st *timelinesState) notesOf(timelineID string) []*tlNote {
	var out []*tlNote
	for _, n := range st.notes {
		if n.timelineID == timelineID {
			out = append(out, n)
		}
	}
	return out
}

func (st *timelinesState) pinsOf(timelineID string) []*tlPin {
	var out []*tlPin
	for _, p := range st.pins {
		if p.timelineID == timelineID {
			out = append(out, p)
		}
	}
	return out
}

// remove deletes a timeline with its notes and pinned events, as Kibana's
// delete route does.
func (st *timelinesState) remove(t *tlTimeline) {
	st.timelines = slices.DeleteFunc(st.timelines, func(x *tlTimeline) bool { return x == t })
	st.notes = slices.DeleteFunc(st.notes, func(n *tlNote) bool { return n.timelineID == t.id })
	st.pins = slices.DeleteFunc(st.pins, func(p *tlPin) bool { return p.timelineID == t.id })
}

func (t *tlTimeline) str(key string) string {
	s, _ := t.attrs[key].(string)
	return s
}

// kind is the timeline's type; a timeline saved without one is a default
// timeline.
func (t *tlTimeline) kind() string {
	if s := t.str("timelineType"); s != "" {
		return s
	}
	return "default"
}

func (t *tlTimeline) status() string {
	if s := t.str("status"); s != "" {
		return s
	}
	return "active"
}

func (t *tlTimeline) favoredBy(user string) bool {
	return slices.ContainsFunc(t.favorites, func(f tlFavorite) bool { return f.userName == user })
}

// tlDoc is a timeline as Kibana answers it: its attributes, its saved-object
// id and version, and what hangs off it. favorite lists only the caller's
// entry, as Kibana does.
func (st *timelinesState) tlDoc(t *tlTimeline, user string) map[string]any {
	doc := map[string]any{}
	for key, v := range t.attrs {
		doc[key] = v
	}
	doc["timelineType"] = t.kind()
	doc["status"] = t.status()
	doc["savedObjectId"] = t.id
	doc["version"] = t.version
	doc["created"] = t.created
	doc["createdBy"] = t.createdBy
	doc["updated"] = t.updated
	doc["updatedBy"] = t.updatedBy
	favs := []any{}
	for _, f := range t.favorites {
		if f.userName == user {
			favs = append(favs, tlFavoriteDoc(f))
		}
	}
	doc["favorite"] = favs
	eventNotes, globalNotes, noteIDs := []any{}, []any{}, []any{}
	for _, n := range st.notesOf(t.id) {
		if n.eventID != "" {
			eventNotes = append(eventNotes, tlNoteDoc(n))
			continue
		}
		globalNotes = append(globalNotes, tlNoteDoc(n))
		noteIDs = append(noteIDs, n.id)
	}
	doc["eventIdToNoteIds"] = eventNotes
	doc["notes"] = globalNotes
	doc["noteIds"] = noteIDs
	pinIDs, pins := []any{}, []any{}
	for _, p := range st.pinsOf(t.id) {
		pinIDs = append(pinIDs, p.eventID)
		pins = append(pins, tlPinDoc(p))
	}
	doc["pinnedEventIds"] = pinIDs
	doc["pinnedEventsSaveObject"] = pins
	return doc
}

func tlFavoriteDoc(f tlFavorite) map[string]any {
	d := map[string]any{"userName": f.userName, "favoriteDate": f.at}
	if f.fullName != "" {
		d["fullName"] = f.fullName
	}
	return d
}

func tlNoteDoc(n *tlNote) map[string]any {
	d := map[string]any{
		"noteId": n.id, "version": n.version, "timelineId": n.timelineID, "note": n.text,
		"created": n.created, "createdBy": n.createdBy, "updated": n.updated, "updatedBy": n.updatedBy,
	}
	if n.eventID != "" {
		d["eventId"] = n.eventID
	}
	return d
}

func tlPinDoc(p *tlPin) map[string]any {
	return map[string]any{
		"pinnedEventId": p.id, "version": p.version, "timelineId": p.timelineID, "eventId": p.eventID,
		"created": p.created, "createdBy": p.createdBy, "updated": p.updated, "updatedBy": p.updatedBy,
	}
}

// tlUser is who the request acts as (the Basic user, else the API key's
// owner) with the full name the story gives that user.
func tlUser(c *call) (name, fullName string) {
	name = ruleUser(c)
	for _, m := range caseTeam {
		if m.username == name {
			return name, m.fullName
		}
	}
	return name, ""
}

func (k *Kibana) nowMillis() int64 { return k.cfg.Now().UnixMilli() }

// tlSeed is an investigation timeline of the story: what it looks at and
// the analyst's note on it. IDs are fixed so tools' examples can name them.
type tlSeed struct {
	id, noteID, eventNoteID, pinID string
	title, description, query      string
	rule                           int // storyRules index whose alerts it investigates
	host, user                     string
	by                             string
	hoursAgo                       int
	note, eventNote                string
	favoredBy                      string
}

// seedTimelines gives each space two investigations that look at the
// story's hosts and alerts, each with a note, an alert pinned and a note on
// that alert. It draws nothing from rng, so other areas' seeds stay as they
// were.
func (k *Kibana) seedTimelines(sp *space, _ *rand.Rand) {
	cast := castFor(sp.id, k.cfg.Now())
	var seeds []tlSeed
	if sp.id == "soc" {
		seeds = []tlSeed{
			{id: "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6a01", noteID: "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6b01", eventNoteID: "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6b02", pinID: "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6c01",
				title: "Ransomware on " + cast.fileServer, rule: 2, host: cast.fileServer, user: cast.ransomUser, by: "snovak", hoursAgo: 5, favoredBy: "elastic",
				description: "Mass renames to ." + cast.ransExt + " on the backup server; scope and patient zero.",
				note:        cast.ransomProc + " running as " + cast.ransomUser + " renamed files under " + cast.shares[0] + ". Host isolated; backups of the weekly share checked and clean.",
				eventNote:   cast.ransomProc + " renamed these files; it started at {ransom.start}, from the scheduled task \"Backup Sync\" created 40 minutes before."},
			{id: "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6a02", noteID: "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6b03", eventNoteID: "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6b04", pinID: "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6c02",
				title: "Encoded PowerShell on " + cast.psHost, rule: 3, host: cast.psHost, user: cast.psUser, by: "mchen", hoursAgo: 20,
				description: "PowerShell download cradle spawned by " + cast.psParent + " on a domain controller.",
				note:        "The cradle fetched a.ps1 from 198.51.100.77; no second stage seen yet. " + cast.psUser + " credentials to be rotated.",
				eventNote:   "Parent " + cast.psParent + " points to WMI lateral movement."},
		}
	} else {
		seeds = []tlSeed{
			{id: "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5d01", noteID: "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5e01", eventNoteID: "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5e02", pinID: "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5f01",
				title: "Ransomware on " + cast.fileServer, rule: 2, host: cast.fileServer, user: cast.ransomUser, by: "snovak", hoursAgo: 6, favoredBy: "elastic",
				description: "Files renamed to ." + cast.ransExt + " on the project and finance shares; find the entry point.",
				note:        cast.ransomProc + " running as " + cast.ransomUser + " encrypted files on " + cast.shares[0] + " and " + cast.shares[1] + ". Host isolated; the svc-backup password is being rotated.",
				eventNote:   cast.ransomProc + " renamed these files; it runs from C:\\ProgramData, started at {ransom.start} by the scheduled task \"Backup Sync\"."},
			{id: "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5d02", noteID: "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5e03", eventNoteID: "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5e04", pinID: "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5f02",
				title: "Brute force against " + cast.bruteHost, rule: 0, host: cast.bruteHost, user: cast.bruteUsers[0], by: "aokafor", hoursAgo: 70,
				description: "Password guessing from " + cast.attackers[0] + " followed by a successful logon.",
				note:        "Source " + cast.attackers[0] + " is not one of our egress ranges. The successful logon was {brute.user}'s; sessions revoked and MFA enforced.",
				eventNote:   "One of {brute.bursts} bursts; the logon that succeeded, {brute.user} at {brute.success}, came after the {brute.burst} failures of its own burst."},
		}
	}
	st := &sp.timelines
	now := k.cfg.Now()
	facts := factsOf(cast, storyAlerts(sp), now.UTC())
	for _, s := range seeds {
		s.note, s.eventNote = storyText(s.note, cast, facts), storyText(s.eventNote, cast, facts)
		at := now.Add(-time.Duration(s.hoursAgo) * time.Hour).UnixMilli()
		later := at + int64(40*time.Minute/time.Millisecond)
		t := &tlTimeline{id: s.id, version: st.nextVersion(), created: at, createdBy: s.by, updated: later, updatedBy: s.by,
			attrs: tlSeedAttrs(s, alertsIndexName(sp.id), now)}
		if s.favoredBy != "" {
			t.favorites = []tlFavorite{{userName: s.favoredBy, at: later}}
		}
		st.timelines = append(st.timelines, t)
		st.notes = append(st.notes, &tlNote{id: s.noteID, version: st.nextVersion(), timelineID: s.id, text: s.note,
			created: later, createdBy: s.by, updated: later, updatedBy: s.by})
		// The newest alert of the rule the investigation is about.
		for _, a := range sp.seededAlerts {
			if a.RuleName != storyRules[s.rule].Name {
				continue
			}
			st.pins = append(st.pins, &tlPin{id: s.pinID, version: st.nextVersion(), timelineID: s.id, eventID: a.ID,
				created: later, createdBy: s.by, updated: later, updatedBy: s.by})
			st.notes = append(st.notes, &tlNote{id: s.eventNoteID, version: st.nextVersion(), timelineID: s.id, eventID: a.ID, text: s.eventNote,
				created: later, createdBy: s.by, updated: later, updatedBy: s.by})
			break
		}
	}
	// A custom template the team uses to open an investigation on a host.
	tmplID, tmplTemplateID := "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5d10", "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5d11"
	if sp.id == "soc" {
		tmplID, tmplTemplateID = "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6a10", "5ec0a9f3-1b2d-4c8e-a7f6-3d9e2b4c6a11"
	}
	at := now.AddDate(0, 0, -30).UnixMilli()
	st.timelines = append(st.timelines, &tlTimeline{id: tmplID, version: st.nextVersion(), created: at, createdBy: "aokafor", updated: at, updatedBy: "aokafor",
		attrs: map[string]any{
			"title": "Host triage", "description": "Alerts and process starts on the alert's host.", "timelineType": "template", "status": "active",
			"templateTimelineId": tmplTemplateID, "templateTimelineVersion": 1, "kqlMode": "filter",
			"dataProviders": []any{map[string]any{"id": "tpl-host", "name": "host.name", "enabled": true, "excluded": false, "kqlQuery": "", "type": "template",
				"queryMatch": map[string]any{"field": "host.name", "value": "{host.name}", "operator": ":"}, "and": []any{}}},
			"dateRange": map[string]any{"start": "now-24h", "end": "now"},
		}})
}

// tlSeedAttrs is what the analyst saved: the host and user as data
// providers, the rule's alerts by KQL, a day around the incident.
func tlSeedAttrs(s tlSeed, alertsIndex string, now time.Time) map[string]any {
	provider := func(id, field, value string) map[string]any {
		return map[string]any{"id": id, "name": value, "enabled": true, "excluded": false, "kqlQuery": "", "type": "default",
			"queryMatch": map[string]any{"field": field, "value": value, "operator": ":"}, "and": []any{}}
	}
	kql := fmt.Sprintf(`kibana.alert.rule.rule_id: "%s"`, storyRules[s.rule].RuleID)
	return map[string]any{
		"title": s.title, "description": s.description, "timelineType": "default", "status": "active", "kqlMode": "filter",
		"templateTimelineId": nil, "templateTimelineVersion": nil,
		"dataProviders": []any{
			provider("host-"+s.host, "host.name", s.host),
			provider("user-"+s.user, "user.name", s.user),
		},
		"kqlQuery": map[string]any{"filterQuery": map[string]any{"kuery": map[string]any{"kind": "kuery", "expression": kql}}},
		"dateRange": map[string]any{
			"start": now.Add(-time.Duration(s.hoursAgo+12) * time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"),
			"end":   now.UTC().Format("2006-01-02T15:04:05.000Z"),
		},
		"columns": []any{
			map[string]any{"columnHeaderType": "not-filtered", "id": "@timestamp"},
			map[string]any{"columnHeaderType": "not-filtered", "id": "kibana.alert.rule.name"},
			map[string]any{"columnHeaderType": "not-filtered", "id": "host.name"},
			map[string]any{"columnHeaderType": "not-filtered", "id": "user.name"},
			map[string]any{"columnHeaderType": "not-filtered", "id": "process.name"},
		},
		"indexNames": []any{alertsIndex, "logs-*"},
		"filters":    []any{},
		"sort":       []any{map[string]any{"columnId": "@timestamp", "columnType": "date", "sortDirection": "desc"}},
	}
}

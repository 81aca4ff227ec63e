package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Reading, creating, changing and deleting timelines, drafts, favorites.

// Kibana's messages for timeline writes it refuses (its failure cases).
const (
	tlMsgPatchMissing   = "You cannot create new timelines with PATCH. Use POST instead."
	tlMsgVersion        = "Timeline version conflict. The provided timelineVersion does not match the current timeline."
	tlMsgPostExisting   = "You cannot update timelines with POST. Use PATCH instead."
	tlMsgPostTemplate   = "You cannot update Timeline templates with POST. Use PATCH instead."
	tlMsgEmptyTitle     = "The title field cannot be empty."
	tlMsgImmutable      = "You are not allowed to set the status field value to immutable."
	tlMsgTypeChange     = "You cannot convert a Timeline template to a timeline, or a timeline to a Timeline template."
	tlMsgGetWhich       = "please provide id or template_timeline_id"
	tlMsgNotFound       = "Could not find timeline"
	tlMsgResolveMissing = "Could not resolve timeline"
)

// tlMemberKinds are the members of Kibana's SavedTimeline and what each
// holds (every one may also be null). Others are dropped, as zod does.
var tlMemberKinds = map[string]string{
	"title": "string", "description": "string", "kqlMode": "string", "dataViewId": "string", "savedQueryId": "string",
	"savedSearchId": "string", "templateTimelineId": "string", "eventType": "string",
	"templateTimelineVersion": "number",
	"timelineType":            "enum:default,template", "status": "enum:active,draft,immutable",
	"columns": "array", "dataProviders": "array", "filters": "array", "indexNames": "array", "excludedRowRendererIds": "array",
	"dateRange": "object", "kqlQuery": "object", "eqlOptions": "object", "sort": "sort",
	// Kept by Kibana itself; accepted and ignored.
	"created": "number", "updated": "number", "createdBy": "string", "updatedBy": "string", "favorite": "array",
}

// tlManaged are the members Kibana sets itself.
var tlManaged = []string{"created", "updated", "createdBy", "updatedBy", "favorite"}

// checkTimelineAttrs checks the timeline object of a request body at path
// and returns the members to store.
func checkTimelineAttrs(is *epIssues, v any, path string) map[string]any {
	obj, ok := v.(map[string]any)
	if !ok {
		is.add(path, "Expected object, received "+epZodType(v))
		return nil
	}
	attrs := map[string]any{}
	for key, val := range obj {
		kind, known := tlMemberKinds[key]
		if !known || slices.Contains(tlManaged, key) {
			continue
		}
		if val == nil {
			attrs[key] = nil
			continue
		}
		at := path + "." + key
		switch {
		case kind == "string" || kind == "number" || kind == "array" || kind == "object":
			got := epZodType(val)
			if got != kind {
				is.add(at, fmt.Sprintf("Expected %s, received %s", kind, got))
				continue
			}
		case kind == "sort":
			if got := epZodType(val); got != "object" && got != "array" {
				is.add(at, "Expected object or array, received "+got)
				continue
			}
		case strings.HasPrefix(kind, "enum:"):
			allowed := strings.Split(strings.TrimPrefix(kind, "enum:"), ",")
			if s, _ := val.(string); !slices.Contains(allowed, s) {
				is.add(at, fmt.Sprintf("Invalid enum value. Expected '%s', received '%v'", strings.Join(allowed, "' | '"), val))
				continue
			}
		}
		attrs[key] = val
	}
	return attrs
}

// tlRequireKeys reports body members the spec requires that are absent
// (null is allowed where the spec says nullable).
func tlRequireKeys(is *epIssues, body map[string]any, keys ...string) {
	for _, key := range keys {
		if _, ok := body[key]; !ok {
			is.add(key, "Required")
		}
	}
}

// tlOptString reads an optional nullable string member.
func tlOptString(is *epIssues, body map[string]any, key string) string {
	v, ok := body[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		is.add(key, "Expected string, received "+epZodType(v))
	}
	return s
}

// tlLookup finds the timeline a query names by id or template_timeline_id,
// answering 400 when it names neither or both and 404 with missing when
// there is none; nil when answered.
func (k *Kibana) tlLookup(c *call, missing string) *tlTimeline {
	id, tmpl := c.query("id"), c.query("template_timeline_id")
	if (id == "") == (tmpl == "") {
		c.badRequest(tlMsgGetWhich)
		return nil
	}
	st := &c.space.timelines
	var t *tlTimeline
	if id != "" {
		t = st.timeline(id)
	} else {
		t = st.template(tmpl)
	}
	if t == nil {
		epSiemError(c, http.StatusNotFound, missing)
	}
	return t
}

func (k *Kibana) getTimeline(c *call) {
	if t := k.tlLookup(c, tlMsgNotFound); t != nil {
		user, _ := tlUser(c)
		c.ok(c.space.timelines.tlDoc(t, user))
	}
}

func (k *Kibana) resolveTimeline(c *call) {
	if t := k.tlLookup(c, tlMsgResolveMissing); t != nil {
		user, _ := tlUser(c)
		c.ok(map[string]any{"timeline": c.space.timelines.tlDoc(t, user), "outcome": "exactMatch"})
	}
}

// newTimeline stores a timeline made of attrs by the caller; templates get
// a template id and version 1 unless they carry their own.
func (k *Kibana) newTimeline(c *call, attrs map[string]any) *tlTimeline {
	st := &c.space.timelines
	user, _ := tlUser(c)
	now := k.nowMillis()
	t := &tlTimeline{id: k.newID(), version: st.nextVersion(), attrs: attrs, created: now, createdBy: user, updated: now, updatedBy: user}
	if t.kind() == "template" {
		if t.str("templateTimelineId") == "" {
			attrs["templateTimelineId"] = k.newID()
		}
		if attrs["templateTimelineVersion"] == nil {
			attrs["templateTimelineVersion"] = 1
		}
	} else {
		attrs["templateTimelineId"], attrs["templateTimelineVersion"] = nil, nil
	}
	st.timelines = append(st.timelines, t)
	return t
}

func (k *Kibana) createTimeline(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	tlRequireKeys(&is, c.body, "timeline")
	var attrs map[string]any
	if v, ok := c.body["timeline"]; ok {
		attrs = checkTimelineAttrs(&is, v, "timeline")
	}
	timelineID := tlOptString(&is, c.body, "timelineId")
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	st := &c.space.timelines
	probe := &tlTimeline{attrs: attrs}
	switch {
	case timelineID != "" && st.timeline(timelineID) != nil:
		epSiemError(c, http.StatusMethodNotAllowed, tlMsgPostExisting)
		return
	case probe.kind() == "template" && probe.str("templateTimelineId") != "" && st.template(probe.str("templateTimelineId")) != nil:
		epSiemError(c, http.StatusMethodNotAllowed, tlMsgPostTemplate)
		return
	case probe.status() != "draft" && strings.TrimSpace(probe.str("title")) == "":
		epSiemError(c, http.StatusMethodNotAllowed, tlMsgEmptyTitle)
		return
	}
	user, _ := tlUser(c)
	c.ok(st.tlDoc(k.newTimeline(c, attrs), user))
}

func (k *Kibana) patchTimeline(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	tlRequireKeys(&is, c.body, "timelineId", "version", "timeline")
	var attrs map[string]any
	if v, ok := c.body["timeline"]; ok {
		attrs = checkTimelineAttrs(&is, v, "timeline")
	}
	id := tlOptString(&is, c.body, "timelineId")
	version := tlOptString(&is, c.body, "version")
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	st := &c.space.timelines
	t := st.timeline(id)
	switch {
	case t == nil:
		epSiemError(c, http.StatusMethodNotAllowed, tlMsgPatchMissing)
		return
	case t.status() == "immutable":
		epSiemError(c, http.StatusForbidden, tlMsgImmutable)
		return
	case attrs["timelineType"] != nil && attrs["timelineType"] != t.kind():
		epSiemError(c, http.StatusForbidden, tlMsgTypeChange)
		return
	case t.version != version:
		epSiemError(c, http.StatusConflict, tlMsgVersion)
		return
	}
	for key, v := range attrs {
		t.attrs[key] = v
	}
	if t.status() != "draft" && strings.TrimSpace(t.str("title")) == "" {
		epSiemError(c, http.StatusMethodNotAllowed, tlMsgEmptyTitle)
		return
	}
	user, _ := tlUser(c)
	t.version, t.updated, t.updatedBy = st.nextVersion(), k.nowMillis(), user
	c.ok(st.tlDoc(t, user))
}

// tlStringList reads a required array of strings member.
func tlStringList(is *epIssues, body map[string]any, key string, required bool) []string {
	v, ok := body[key]
	if !ok || v == nil {
		if required {
			is.add(key, "Required")
		}
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		is.add(key, "Expected array, received "+epZodType(v))
		return nil
	}
	out := make([]string, 0, len(list))
	for i, x := range list {
		s, ok := x.(string)
		if !ok {
			is.add(fmt.Sprintf("%s.%d", key, i), "Expected string, received "+epZodType(x))
			continue
		}
		out = append(out, s)
	}
	return out
}

// deleteTimelines removes timelines with their notes and pinned events;
// when one is missing, nothing is removed.
func (k *Kibana) deleteTimelines(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	ids := tlStringList(&is, c.body, "savedObjectIds", true)
	tlStringList(&is, c.body, "searchIds", false)
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	st := &c.space.timelines
	var found []*tlTimeline
	for _, id := range ids {
		t := st.timeline(id)
		if t == nil {
			epSiemError(c, http.StatusNotFound, soNotFoundMessage(tlSOType, id))
			return
		}
		found = append(found, t)
	}
	for _, t := range found {
		st.remove(t)
	}
	c.ok(map[string]any{"data": map[string]any{"deleteTimeline": true}})
}

// copyTimeline makes a new timeline of the given members (nothing else is
// taken from the source) and copies the source's notes and pinned events
// onto it, as Kibana's _copy does.
func (k *Kibana) copyTimeline(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	tlRequireKeys(&is, c.body, "timeline", "timelineIdToCopy")
	var attrs map[string]any
	if v, ok := c.body["timeline"]; ok {
		attrs = checkTimelineAttrs(&is, v, "timeline")
	}
	source := tlOptString(&is, c.body, "timelineIdToCopy")
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	st := &c.space.timelines
	src := st.timeline(source)
	if src == nil {
		epSiemError(c, http.StatusNotFound, soNotFoundMessage(tlSOType, source))
		return
	}
	t := k.newTimeline(c, attrs)
	user, _ := tlUser(c)
	now := k.nowMillis()
	for _, n := range st.notesOf(src.id) {
		st.notes = append(st.notes, &tlNote{id: k.newID(), version: st.nextVersion(), timelineID: t.id, eventID: n.eventID, text: n.text,
			created: now, createdBy: user, updated: now, updatedBy: user})
	}
	for _, p := range st.pinsOf(src.id) {
		st.pins = append(st.pins, &tlPin{id: k.newID(), version: st.nextVersion(), timelineID: t.id, eventID: p.eventID,
			created: now, createdBy: user, updated: now, updatedBy: user})
	}
	c.ok(st.tlDoc(t, user))
}

// tlDraftType reads the timelineType of a draft request.
func tlDraftType(is *epIssues, v any, present bool, path string) string {
	if !present {
		is.add(path, "Required")
		return ""
	}
	s, _ := v.(string)
	if s != "default" && s != "template" {
		is.add(path, fmt.Sprintf("Invalid enum value. Expected 'default' | 'template', received '%v'", v))
	}
	return s
}

// draftOf is the caller's draft of a type, if any.
func (st *timelinesState) draftOf(user, kind string) *tlTimeline {
	for _, t := range st.timelines {
		if t.status() == "draft" && t.createdBy == user && t.kind() == kind {
			return t
		}
	}
	return nil
}

func tlDraftAttrs(kind string) map[string]any {
	return map[string]any{"title": "", "description": "", "status": "draft", "timelineType": kind, "dataProviders": []any{},
		"kqlQuery": map[string]any{"filterQuery": nil}, "kqlMode": "filter", "dateRange": map[string]any{"start": "now-24h", "end": "now"}}
}

// getDraftTimeline answers the caller's draft, making one when there is
// none.
func (k *Kibana) getDraftTimeline(c *call) {
	var is epIssues
	q := c.r.URL.Query()
	kind := tlDraftType(&is, q.Get("timelineType"), q.Has("timelineType"), "timelineType")
	if len(is) > 0 {
		c.badRequest(is.message("request query"))
		return
	}
	st := &c.space.timelines
	user, _ := tlUser(c)
	t := st.draftOf(user, kind)
	if t == nil {
		t = k.newTimeline(c, tlDraftAttrs(kind))
	}
	c.ok(st.tlDoc(t, user))
}

// cleanDraftTimeline empties the caller's draft (dropping its notes and
// pins) or makes one.
func (k *Kibana) cleanDraftTimeline(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	v, present := c.body["timelineType"]
	kind := tlDraftType(&is, v, present, "timelineType")
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	st := &c.space.timelines
	user, _ := tlUser(c)
	t := st.draftOf(user, kind)
	if t == nil {
		c.ok(st.tlDoc(k.newTimeline(c, tlDraftAttrs(kind)), user))
		return
	}
	st.notes = slices.DeleteFunc(st.notes, func(n *tlNote) bool { return n.timelineID == t.id })
	st.pins = slices.DeleteFunc(st.pins, func(p *tlPin) bool { return p.timelineID == t.id })
	t.attrs = tlDraftAttrs(kind)
	if kind == "template" {
		t.attrs["templateTimelineId"], t.attrs["templateTimelineVersion"] = k.newID(), 1
	}
	t.version, t.updated, t.updatedBy = st.nextVersion(), k.nowMillis(), user
	c.ok(st.tlDoc(t, user))
}

// favoriteTimeline toggles the caller's favorite on a timeline; without a
// timelineId Kibana makes a new timeline to hold the favorite.
func (k *Kibana) favoriteTimeline(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	tlRequireKeys(&is, c.body, "timelineId", "templateTimelineId", "templateTimelineVersion", "timelineType")
	id := tlOptString(&is, c.body, "timelineId")
	tlOptString(&is, c.body, "templateTimelineId")
	if v := c.body["templateTimelineVersion"]; v != nil && epZodType(v) != "number" {
		is.add("templateTimelineVersion", "Expected number, received "+epZodType(v))
	}
	kind := "default"
	if v := c.body["timelineType"]; v != nil {
		kind = tlDraftType(&is, v, true, "timelineType")
	}
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	st := &c.space.timelines
	var t *tlTimeline
	if id == "" {
		t = k.newTimeline(c, map[string]any{"timelineType": kind, "status": "active", "title": ""})
	} else if t = st.timeline(id); t == nil {
		epSiemError(c, http.StatusNotFound, soNotFoundMessage(tlSOType, id))
		return
	}
	user, fullName := tlUser(c)
	if t.favoredBy(user) {
		t.favorites = slices.DeleteFunc(t.favorites, func(f tlFavorite) bool { return f.userName == user })
	} else {
		t.favorites = append(t.favorites, tlFavorite{userName: user, fullName: fullName, at: k.nowMillis()})
	}
	t.version = st.nextVersion()
	doc := st.tlDoc(t, user)
	c.ok(map[string]any{
		"savedObjectId": t.id, "version": t.version, "favorite": doc["favorite"], "timelineType": t.kind(),
		"templateTimelineId": t.attrs["templateTimelineId"], "templateTimelineVersion": t.attrs["templateTimelineVersion"],
	})
}

// tlQueryPositive reads an optional positive integer carried as a string.
func tlQueryPositive(is *epIssues, c *call, name string, def int) int {
	s := c.query(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		is.add(name, fmt.Sprintf("Expected a positive integer, received '%s'", s))
		return def
	}
	return n
}

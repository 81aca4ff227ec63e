package sandbox

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Finding timelines; notes and pinned events.

// findTimelines lists timelines or templates as Kibana's /api/timelines
// does: drafts only when asked for by status, default timelines unless
// timeline_type says template, 20 a page unless page_size says otherwise.
func (k *Kibana) findTimelines(c *call) {
	var is epIssues
	q := c.r.URL.Query()
	check := func(name string, allowed ...string) string {
		v := q.Get(name)
		if v != "" && !slices.Contains(allowed, v) {
			is.add(name, fmt.Sprintf("Invalid enum value. Expected '%s', received '%s'", strings.Join(allowed, "' | '"), v))
		}
		return v
	}
	onlyFav := check("only_user_favorite", "true", "false") == "true"
	kind := check("timeline_type", "default", "template")
	sortField := check("sort_field", "title", "description", "updated", "created")
	sortOrder := check("sort_order", "asc", "desc")
	status := check("status", "active", "draft", "immutable")
	size := tlQueryPositive(&is, c, "page_size", 20)
	page := tlQueryPositive(&is, c, "page_index", 1)
	if len(is) > 0 {
		c.badRequest(is.message("request query"))
		return
	}
	if kind == "" {
		kind = "default"
	}
	search := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(q.Get("search"), "*")))
	st := &c.space.timelines
	user, _ := tlUser(c)

	var matched []*tlTimeline
	counts := map[string]int{}
	for _, t := range st.timelines {
		if t.status() != "draft" {
			switch {
			case t.kind() == "default":
				counts["defaultTimelineCount"]++
			case t.status() == "immutable":
				counts["templateTimelineCount"]++
				counts["elasticTemplateTimelineCount"]++
			default:
				counts["templateTimelineCount"]++
				counts["customTemplateTimelineCount"]++
			}
			if t.kind() == kind && t.favoredBy(user) {
				counts["favoriteCount"]++
			}
		}
		switch {
		case t.kind() != kind:
		case status == "" && t.status() == "draft":
		case status != "" && t.status() != status:
		case onlyFav && !t.favoredBy(user):
		case search != "" && !strings.Contains(strings.ToLower(t.str("title")+" "+t.str("description")), search):
		default:
			matched = append(matched, t)
		}
	}
	if sortField == "" {
		sortField = "updated"
	}
	slices.SortStableFunc(matched, func(a, b *tlTimeline) int {
		var r int
		switch sortField {
		case "title", "description":
			r = cmp.Compare(strings.ToLower(a.str(sortField)), strings.ToLower(b.str(sortField)))
		case "created":
			r = cmp.Compare(a.created, b.created)
		default:
			r = cmp.Compare(a.updated, b.updated)
		}
		if sortOrder != "asc" {
			r = -r
		}
		return r
	})
	docs := []any{}
	for i := (page - 1) * size; i < len(matched) && i < page*size; i++ {
		docs = append(docs, st.tlDoc(matched[i], user))
	}
	out := map[string]any{"timeline": docs, "totalCount": len(matched)}
	for _, key := range []string{"defaultTimelineCount", "templateTimelineCount", "elasticTemplateTimelineCount", "customTemplateTimelineCount", "favoriteCount"} {
		out[key] = counts[key]
	}
	c.ok(out)
}

// getNotes answers notes on documents (documentIds), on timelines
// (savedObjectIds), or all notes of the space filtered and paged.
func (k *Kibana) getNotes(c *call) {
	var is epIssues
	q := c.r.URL.Query()
	docIDs, timelineIDs := c.queryAll("documentIds"), c.queryAll("savedObjectIds")
	perPage := tlQueryPositive(&is, c, "perPage", 10)
	page := tlQueryPositive(&is, c, "page", 1)
	assoc := q.Get("associatedFilter")
	if assoc != "" && !slices.Contains([]string{"all", "document_only", "saved_object_only", "document_and_saved_object", "orphan"}, assoc) {
		is.add("associatedFilter", fmt.Sprintf("Invalid enum value. Expected 'all' | 'document_only' | 'saved_object_only' | 'document_and_saved_object' | 'orphan', received '%s'", assoc))
	}
	sortField, sortOrder := q.Get("sortField"), q.Get("sortOrder")
	if sortOrder != "" && sortOrder != "asc" && sortOrder != "desc" {
		is.add("sortOrder", fmt.Sprintf("Invalid enum value. Expected 'asc' | 'desc', received '%s'", sortOrder))
	}
	if len(is) > 0 {
		c.badRequest(is.message("request query"))
		return
	}
	st := &c.space.timelines
	search := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(q.Get("search"), "*")))
	createdBy := q.Get("createdByFilter")
	var matched []*tlNote
	for _, n := range st.notes {
		switch {
		case len(docIDs) > 0 && !slices.Contains(docIDs, n.eventID):
		case len(timelineIDs) > 0 && !slices.Contains(timelineIDs, n.timelineID):
		case search != "" && !strings.Contains(strings.ToLower(n.text), search):
		case createdBy != "" && n.createdBy != createdBy:
		case !tlNoteAssociated(n, assoc):
		default:
			matched = append(matched, n)
		}
	}
	if len(docIDs) == 0 && len(timelineIDs) == 0 {
		slices.SortStableFunc(matched, func(a, b *tlNote) int {
			r := cmp.Compare(a.created, b.created)
			if sortField == "updated" {
				r = cmp.Compare(a.updated, b.updated)
			}
			if sortOrder != "asc" {
				r = -r
			}
			return r
		})
	} else {
		// Kibana answers every note of the named documents or timelines
		// on one page (up to its limit of unassociated notes).
		page, perPage = 1, 1000
	}
	notes := []any{}
	for i := (page - 1) * perPage; i < len(matched) && i < page*perPage; i++ {
		notes = append(notes, tlNoteDoc(matched[i]))
	}
	c.ok(map[string]any{"notes": notes, "totalCount": len(matched)})
}

func tlNoteAssociated(n *tlNote, filter string) bool {
	doc, so := n.eventID != "", n.timelineID != ""
	switch filter {
	case "document_only":
		return doc && !so
	case "saved_object_only":
		return so && !doc
	case "document_and_saved_object":
		return doc && so
	case "orphan":
		return !doc && !so
	}
	return true
}

// persistNote adds a note, or changes the one noteId names (refusing a
// stale version with 409).
func (k *Kibana) persistNote(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	tlRequireKeys(&is, c.body, "note")
	noteID := tlOptString(&is, c.body, "noteId")
	version := tlOptString(&is, c.body, "version")
	var timelineID, eventID, text string
	if v, ok := c.body["note"]; ok {
		note, isObj := v.(map[string]any)
		if !isObj {
			is.add("note", "Expected object, received "+epZodType(v))
		} else {
			var inner epIssues
			tlRequireKeys(&inner, note, "timelineId")
			timelineID = tlOptString(&inner, note, "timelineId")
			eventID = tlOptString(&inner, note, "eventId")
			text = tlOptString(&inner, note, "note")
			for _, s := range inner {
				is = append(is, "note."+s)
			}
		}
	}
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	st := &c.space.timelines
	if timelineID != "" && st.timeline(timelineID) == nil {
		epSiemError(c, http.StatusNotFound, soNotFoundMessage(tlSOType, timelineID))
		return
	}
	user, _ := tlUser(c)
	now := k.nowMillis()
	if noteID == "" {
		n := &tlNote{id: k.newID(), version: st.nextVersion(), timelineID: timelineID, eventID: eventID, text: text,
			created: now, createdBy: user, updated: now, updatedBy: user}
		st.notes = append(st.notes, n)
		c.ok(map[string]any{"note": tlNoteDoc(n)})
		return
	}
	n := st.note(noteID)
	switch {
	case n == nil:
		epSiemError(c, http.StatusNotFound, soNotFoundMessage(tlNoteType, noteID))
		return
	case version != "" && version != n.version:
		epSiemError(c, http.StatusConflict, soConflictMessage(tlNoteType, noteID))
		return
	}
	n.timelineID, n.eventID, n.text = timelineID, eventID, text
	n.version, n.updated, n.updatedBy = st.nextVersion(), now, user
	c.ok(map[string]any{"note": tlNoteDoc(n)})
}

// deleteNotes removes the notes named by noteId or noteIds; when one is
// missing, none is removed.
func (k *Kibana) deleteNotes(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	var ids []string
	_, one := c.body["noteId"]
	_, many := c.body["noteIds"]
	switch {
	case one && many:
		is.add("noteIds", "give noteId or noteIds, not both")
	case one:
		if id := tlOptString(&is, c.body, "noteId"); id != "" {
			ids = []string{id}
		}
	case many:
		ids = tlStringList(&is, c.body, "noteIds", false)
	default:
		is.add("noteId", "Required")
	}
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	st := &c.space.timelines
	for _, id := range ids {
		if st.note(id) == nil {
			epSiemError(c, http.StatusNotFound, soNotFoundMessage(tlNoteType, id))
			return
		}
	}
	st.notes = slices.DeleteFunc(st.notes, func(n *tlNote) bool { return slices.Contains(ids, n.id) })
	c.ok(map[string]any{})
}

// persistPinnedEvent pins an event on a timeline (answering the pin it
// already has when pinned twice) or, with pinnedEventId, unpins it.
func (k *Kibana) persistPinnedEvent(c *call) {
	if !c.requireBody() {
		return
	}
	var is epIssues
	tlRequireKeys(&is, c.body, "eventId", "timelineId")
	eventID := tlOptString(&is, c.body, "eventId")
	timelineID := tlOptString(&is, c.body, "timelineId")
	pinID := tlOptString(&is, c.body, "pinnedEventId")
	if len(is) > 0 {
		c.badRequest(is.message("request body"))
		return
	}
	st := &c.space.timelines
	if pinID != "" {
		// Kibana treats a pin that is already gone as unpinned.
		st.pins = slices.DeleteFunc(st.pins, func(p *tlPin) bool { return p.id == pinID })
		c.ok(map[string]any{"unpinned": true})
		return
	}
	if st.timeline(timelineID) == nil {
		epSiemError(c, http.StatusNotFound, soNotFoundMessage(tlSOType, timelineID))
		return
	}
	for _, p := range st.pinsOf(timelineID) {
		if p.eventID == eventID {
			c.ok(tlPinDoc(p))
			return
		}
	}
	user, _ := tlUser(c)
	now := k.nowMillis()
	p := &tlPin{id: k.newID(), version: st.nextVersion(), timelineID: timelineID, eventID: eventID,
		created: now, createdBy: user, updated: now, updatedBy: user}
	st.pins = append(st.pins, p)
	c.ok(tlPinDoc(p))
}

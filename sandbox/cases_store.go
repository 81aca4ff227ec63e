package sandbox

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// What changes cases, shared by the API handlers and the seed, so that every
// change moves versions on and lands in the case's activity the same way.

// caseNewInput is a validated create request.
type caseNewInput struct {
	title, description, owner, severity string
	category                            *string
	tags                                []string
	assignees                           []caseAssignee
	connector                           caseConnector
	settings                            caseSettings
	customFields                        []caseCustomField
}

// create stores a new open case and records its creation.
func (st *casesState) create(k *Kibana, in caseNewInput, by caseUser, at time.Time) *caseDoc {
	st.init()
	cs := &caseDoc{
		id: k.newID(), owner: in.owner, title: in.title, description: in.description,
		status: "open", severity: in.severity, category: in.category,
		tags: slices.Clone(in.tags), assignees: dedupAssignees(in.assignees), connector: in.connector,
		settings: in.settings, customFields: slices.Clone(in.customFields),
		createdAt: at, createdBy: by,
	}
	if cs.severity == "" {
		cs.severity = "low"
	}
	cs.version = st.nextVersion()
	st.cases[cs.id] = cs
	st.record(k, cs, "create", "create_case", map[string]any{
		"title": cs.title, "description": cs.description, "tags": caseNonNil(cs.tags), "owner": cs.owner,
		"severity": cs.severity, "status": cs.status, "category": cs.category, "assignees": caseNonNil(cs.assignees),
		"connector": cs.connector, "settings": cs.settings, "customFields": caseNonNil(cs.customFields),
	}, by, at, "")
	return cs
}

func dedupAssignees(in []caseAssignee) []caseAssignee {
	out := []caseAssignee{}
	for _, a := range in {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// record adds one entry to a case's activity.
func (st *casesState) record(k *Kibana, cs *caseDoc, action, typ string, payload map[string]any, by caseUser, at time.Time, commentID string) {
	ua := &caseUserAction{
		ID: k.newID(), Version: st.nextVersion(), Action: action, Type: typ, Payload: payload,
		CreatedAt: caseTime(at), CreatedBy: by, Owner: cs.owner, caseID: cs.id,
	}
	if commentID != "" {
		ua.CommentID = &commentID
	}
	st.actions = append(st.actions, ua)
}

// touch marks a case changed by a user at a time: a new version.
func (st *casesState) touch(cs *caseDoc, by caseUser, at time.Time) {
	cs.version = st.nextVersion()
	t, u := at, by
	cs.updatedAt, cs.updatedBy = &t, &u
}

// casePatch is a validated change to one case; nil members stay as they are.
type casePatch struct {
	title, description, status, severity *string
	category                             **string
	tags                                 *[]string
	assignees                            *[]caseAssignee
	connector                            *caseConnector
	settings                             *caseSettings
	customFields                         *[]caseCustomField
}

// changes drops the members that equal the case's current values, as
// Kibana does; empty reports that nothing would change.
func (p casePatch) changes(cs *caseDoc) (out casePatch, empty bool) {
	same := func(a, b any) bool { return reflect.DeepEqual(a, b) }
	empty = true
	keep := func(differs bool) bool {
		if differs {
			empty = false
		}
		return differs
	}
	if p.title != nil && keep(*p.title != cs.title) {
		out.title = p.title
	}
	if p.description != nil && keep(*p.description != cs.description) {
		out.description = p.description
	}
	if p.status != nil && keep(*p.status != cs.status) {
		out.status = p.status
	}
	if p.severity != nil && keep(*p.severity != cs.severity) {
		out.severity = p.severity
	}
	if p.category != nil && keep(!same(*p.category, cs.category)) {
		out.category = p.category
	}
	if p.tags != nil && keep(!same(caseNonNil(*p.tags), caseNonNil(cs.tags))) {
		out.tags = p.tags
	}
	if p.assignees != nil && keep(!same(dedupAssignees(*p.assignees), caseNonNil(cs.assignees))) {
		out.assignees = p.assignees
	}
	if p.connector != nil && keep(!same(caseNormalize(*p.connector), caseNormalize(cs.connector))) {
		out.connector = p.connector
	}
	if p.settings != nil && keep(*p.settings != cs.settings) {
		out.settings = p.settings
	}
	if p.customFields != nil && keep(!same(caseNormalize(caseNonNil(*p.customFields)), caseNormalize(caseNonNil(cs.customFields)))) {
		out.customFields = p.customFields
	}
	return out, empty
}

// apply changes a case and records each changed field in its activity.
func (st *casesState) apply(k *Kibana, cs *caseDoc, p casePatch, by caseUser, at time.Time) {
	rec := func(action, typ string, payload map[string]any) { st.record(k, cs, action, typ, payload, by, at, "") }
	if p.title != nil {
		cs.title = *p.title
		rec("update", "title", map[string]any{"title": cs.title})
	}
	if p.description != nil {
		cs.description = *p.description
		rec("update", "description", map[string]any{"description": cs.description})
	}
	if p.status != nil {
		st.setStatus(cs, *p.status, by, at)
		rec("update", "status", map[string]any{"status": cs.status})
	}
	if p.severity != nil {
		cs.severity = *p.severity
		rec("update", "severity", map[string]any{"severity": cs.severity})
	}
	if p.tags != nil {
		added, removed := caseDiff(cs.tags, *p.tags)
		cs.tags = slices.Clone(*p.tags)
		if len(added) > 0 {
			rec("add", "tags", map[string]any{"tags": added})
		}
		if len(removed) > 0 {
			rec("delete", "tags", map[string]any{"tags": removed})
		}
	}
	if p.category != nil {
		cs.category = *p.category
		rec("update", "category", map[string]any{"category": cs.category})
	}
	if p.assignees != nil {
		next := dedupAssignees(*p.assignees)
		added, removed := caseDiff(cs.assignees, next)
		cs.assignees = next
		if len(added) > 0 {
			rec("add", "assignees", map[string]any{"assignees": added})
		}
		if len(removed) > 0 {
			rec("delete", "assignees", map[string]any{"assignees": removed})
		}
	}
	if p.connector != nil {
		cs.connector = *p.connector
		rec("update", "connector", map[string]any{"connector": cs.connector})
	}
	if p.settings != nil {
		cs.settings = *p.settings
		rec("update", "settings", map[string]any{"settings": cs.settings})
	}
	if p.customFields != nil {
		for _, cf := range *p.customFields {
			i := slices.IndexFunc(cs.customFields, func(old caseCustomField) bool { return old.Key == cf.Key })
			if i >= 0 && reflect.DeepEqual(caseNormalize(cs.customFields[i]), caseNormalize(cf)) {
				continue
			}
			rec("update", "customFields", map[string]any{"customFields": []caseCustomField{cf}})
		}
		cs.customFields = slices.Clone(*p.customFields)
	}
	st.touch(cs, by, at)
}

// setStatus moves a case to a status, closing or reopening it.
func (st *casesState) setStatus(cs *caseDoc, status string, by caseUser, at time.Time) {
	cs.status = status
	if status == "closed" {
		t, u := at, by
		cs.closedAt, cs.closedBy = &t, &u
		return
	}
	cs.closedAt, cs.closedBy = nil, nil
}

// caseDiff lists what next adds to prev and what it drops.
func caseDiff[T comparable](prev, next []T) (added, removed []T) {
	for _, v := range next {
		if !slices.Contains(prev, v) && !slices.Contains(added, v) {
			added = append(added, v)
		}
	}
	for _, v := range prev {
		if !slices.Contains(next, v) && !slices.Contains(removed, v) {
			removed = append(removed, v)
		}
	}
	return added, removed
}

// attach adds an attachment to a case and records it; the case moves on.
func (st *casesState) attach(k *Kibana, cs *caseDoc, cm *caseCommentDoc, by caseUser, at time.Time) {
	cm.id, cm.caseID, cm.owner = k.newID(), cs.id, cs.owner
	cm.version = st.nextVersion()
	cm.createdAt, cm.createdBy = at, by
	st.comments[cm.id] = cm
	cs.comments = append(cs.comments, cm.id)
	st.recount(cs)
	st.touch(cs, by, at)
	st.record(k, cs, "create", "comment", map[string]any{"comment": cm.attributes()}, by, at, cm.id)
}

// detach removes an attachment from a case and records it.
func (st *casesState) detach(k *Kibana, cs *caseDoc, cm *caseCommentDoc, by caseUser, at time.Time) {
	delete(st.comments, cm.id)
	cs.comments = slices.DeleteFunc(cs.comments, func(id string) bool { return id == cm.id })
	st.recount(cs)
	st.touch(cs, by, at)
	st.record(k, cs, "delete", "comment", map[string]any{"attachment": cm.attributes()}, by, at, cm.id)
}

// recount updates a case's totals: user comments, and distinct alerts.
func (st *casesState) recount(cs *caseDoc) {
	comments, alerts := 0, map[string]bool{}
	for _, id := range cs.comments {
		cm := st.comments[id]
		switch cm.typ {
		case "user":
			comments++
		case "alert":
			for _, a := range cm.alertIDs {
				alerts[a] = true
			}
		}
	}
	cs.totalComment, cs.totalAlts = comments, len(alerts)
}

// attachedAlerts lists the distinct alert ids attached to a case.
func (st *casesState) attachedAlerts(cs *caseDoc) map[string]bool {
	out := map[string]bool{}
	for _, id := range cs.comments {
		for _, a := range st.comments[id].alertIDs {
			out[a] = true
		}
	}
	return out
}

// push opens or updates the case's ticket in an external system through a
// connector, marks its attachments pushed, and closes it when its owner's
// settings close by pushing.
func (st *casesState) push(k *Kibana, cs *caseDoc, conn connectorRef, by caseUser, at time.Time) {
	ext := cs.external
	if ext == nil || ext.ConnectorID != conn.ID {
		st.pushes++
		ext = caseTicketFor(conn, st.pushes, k)
	} else {
		copied := *ext
		ext = &copied
	}
	u := by
	ext.PushedAt, ext.PushedBy = caseTime(at), &u
	cs.external = ext
	for _, id := range cs.comments {
		cm := st.comments[id]
		if cm.pushedAt == nil {
			t, u := at, by
			cm.pushedAt, cm.pushedBy = &t, &u
			cm.version = st.nextVersion()
		}
	}
	if cfg := st.configFor(cs.owner); cfg != nil && cfg.ClosureType == "close-by-pushing" && cs.status != "closed" {
		st.setStatus(cs, "closed", by, at)
		st.record(k, cs, "update", "status", map[string]any{"status": "closed"}, by, at, "")
	}
	st.touch(cs, by, at)
	st.record(k, cs, "push_to_service", "pushed", map[string]any{"externalService": *ext}, by, at, "")
}

// caseTicketFor invents the ticket an external system opens for the n-th push.
func caseTicketFor(conn connectorRef, n int, k *Kibana) *caseExternalService {
	ext := &caseExternalService{ConnectorID: conn.ID, ConnectorName: conn.Name}
	host := strings.ToLower(strings.NewReplacer(" ", "-", ".", "").Replace(conn.Name))
	switch conn.Type {
	case ".jira":
		ext.ExternalID = fmt.Sprint(10040 + n)
		ext.ExternalTitle = fmt.Sprintf("SOC-%d", 100+n)
		ext.ExternalURL = "https://" + host + ".atlassian.net/browse/" + ext.ExternalTitle
	case ".servicenow", ".servicenow-sir":
		ext.ExternalID = strings.ReplaceAll(k.newID(), "-", "")
		prefix := "INC"
		if conn.Type == ".servicenow-sir" {
			prefix = "SIR"
		}
		ext.ExternalTitle = fmt.Sprintf("%s%07d", prefix, 1040+n)
		table := map[string]string{".servicenow": "incident", ".servicenow-sir": "sn_si_incident"}[conn.Type]
		ext.ExternalURL = "https://" + host + ".service-now.com/nav_to.do?uri=" + table + ".do?sys_id=" + ext.ExternalID
	default:
		ext.ExternalID = fmt.Sprint(2200 + n)
		ext.ExternalTitle = fmt.Sprintf("%s-%d", strings.ToUpper(strings.TrimPrefix(conn.Type, ".")), 2200+n)
		ext.ExternalURL = "https://" + host + ".example.com/incidents/" + ext.ExternalID
	}
	return ext
}

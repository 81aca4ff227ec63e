package sandbox

import (
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
)

// casesRoutes are the Cases API's operations. Literal segments come before
// {caseId} where both could match (_find, reporters, tags, configure, alerts).
func (k *Kibana) casesRoutes() []route {
	return []route{
		newRoute("POST", "/api/cases", k.createCase),
		newRoute("PATCH", "/api/cases", k.updateCases),
		newRoute("DELETE", "/api/cases", k.deleteCases),
		newRoute("GET", "/api/cases/_find", k.findCases),
		newRoute("GET", "/api/cases/reporters", k.caseReporters),
		newRoute("GET", "/api/cases/tags", k.caseTags),
		newRoute("GET", "/api/cases/configure", k.getCaseConfigurations),
		newRoute("POST", "/api/cases/configure", k.createCaseConfiguration),
		newRoute("GET", "/api/cases/configure/connectors/_find", k.findCaseConnectors),
		newRoute("PATCH", "/api/cases/configure/{configurationId}", k.updateCaseConfiguration),
		newRoute("GET", "/api/cases/alerts/{alertId}", k.casesByAlert),
		newRoute("GET", "/api/cases/{caseId}", k.getCase),
		newRoute("GET", "/api/cases/{caseId}/alerts", k.caseAlerts),
		newRoute("POST", "/api/cases/{caseId}/comments", k.addCaseComment),
		newRoute("PATCH", "/api/cases/{caseId}/comments", k.updateCaseComment),
		newRoute("DELETE", "/api/cases/{caseId}/comments", k.deleteCaseComments),
		newRoute("GET", "/api/cases/{caseId}/comments/_find", k.findCaseComments),
		newRoute("GET", "/api/cases/{caseId}/comments/{commentId}", k.getCaseComment),
		newRoute("DELETE", "/api/cases/{caseId}/comments/{commentId}", k.deleteCaseComment),
		newRoute("POST", "/api/cases/{caseId}/connector/{connectorId}/_push", k.pushCase),
		newRoute("POST", "/api/cases/{caseId}/files", k.addCaseFile),
		newRoute("GET", "/api/cases/{caseId}/user_actions/_find", k.findCaseUserActions),
	}
}

// cases is the space's Cases state.
func (c *call) cases() *casesState {
	st := &c.space.cases
	st.init()
	return st
}

// caseUser is the user the request acts as: the Basic-auth user, else the
// API key's owner (the configured user, or elastic).
func (c *call) caseUser() caseUser {
	name, _, ok := c.r.BasicAuth()
	if !ok {
		name = c.k.cfg.Username
	}
	if name == "" {
		name = "elastic"
	}
	return caseTeamUser(name)
}

// theCase finds the case of the path, answering 404 without one.
func (c *call) theCase() *caseDoc {
	id := c.param("caseId")
	cs := c.cases().cases[id]
	if cs == nil {
		c.notFound(soNotFoundMessage(caseSOType, id))
	}
	return cs
}

func (k *Kibana) createCase(c *call) {
	if !c.requireBody() {
		return
	}
	in, msg := parseNewCase(c.body)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := c.cases()
	fields, msg := checkCustomFields(st.configFor(in.owner), in.customFields)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	in.customFields = fields
	cs := st.create(k, in, c.caseUser(), k.cfg.Now())
	c.ok(st.render(cs, true))
}

func (k *Kibana) getCase(c *call) {
	if cs := c.theCase(); cs != nil {
		c.ok(c.cases().render(cs, true))
	}
}

func (k *Kibana) updateCases(c *call) {
	if !c.requireBody() {
		return
	}
	updates, msg := parseCaseUpdates(c.body)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := c.cases()
	var missing, stale []string
	for _, u := range updates {
		cs := st.cases[u.id]
		switch {
		case cs == nil:
			missing = append(missing, u.id)
		case cs.version != u.version:
			stale = append(stale, u.id)
		}
	}
	if len(missing) > 0 {
		c.notFound(fmt.Sprintf("These cases %s do not exist. Please check you have the correct ids.", strings.Join(missing, ", ")))
		return
	}
	if len(stale) > 0 {
		c.conflict(fmt.Sprintf("These cases %s have been updated. Please refresh before saving additional updates.", strings.Join(stale, ", ")))
		return
	}
	type change struct {
		cs    *caseDoc
		patch casePatch
	}
	var changes []change
	for _, u := range updates {
		cs := st.cases[u.id]
		if u.patch.customFields != nil {
			fields, msg := checkCustomFields(st.configFor(cs.owner), *u.patch.customFields)
			if msg != "" {
				c.badRequest(msg)
				return
			}
			u.patch.customFields = &fields
		}
		if p, empty := u.patch.changes(cs); !empty {
			changes = append(changes, change{cs, p})
		}
	}
	if len(changes) == 0 {
		c.answered = true
		writeError(c.w, http.StatusNotAcceptable, "All update fields are identical to current version.")
		return
	}
	by, at := c.caseUser(), k.cfg.Now()
	out := []caseJSON{}
	for _, ch := range changes {
		synced := ch.cs.settings.SyncAlerts
		st.apply(k, ch.cs, ch.patch, by, at)
		turnedOn := ch.patch.settings != nil && ch.patch.settings.SyncAlerts && !synced
		if (ch.patch.status != nil && synced) || turnedOn {
			k.syncCaseAlerts(c.space, ch.cs, ch.cs.status)
		}
		out = append(out, st.render(ch.cs, false))
	}
	c.ok(out)
}

func (k *Kibana) deleteCases(c *call) {
	ids := c.queryAll("ids")
	switch {
	case len(ids) == 0:
		c.badRequest("[request query.ids]: expected value of type [array] but got [undefined]")
		return
	case len(ids) > 100:
		c.badRequest("[request query.ids]: The length of the field ids is too long. Array must be of length <= 100.")
		return
	}
	st := c.cases()
	for _, id := range ids {
		if st.cases[id] == nil {
			c.notFound(soNotFoundMessage(caseSOType, id))
			return
		}
	}
	for _, id := range ids {
		cs := st.cases[id]
		if cs == nil {
			continue // named twice
		}
		for _, cm := range cs.comments {
			delete(st.comments, cm)
		}
		delete(st.cases, id)
		st.actions = slices.DeleteFunc(st.actions, func(ua *caseUserAction) bool { return ua.caseID == id })
	}
	c.noContent()
}

func (k *Kibana) caseAlerts(c *call) {
	cs := c.theCase()
	if cs == nil {
		return
	}
	st := c.cases()
	out := []map[string]any{}
	seen := map[string]bool{}
	for _, id := range cs.comments {
		cm := st.comments[id]
		for i, a := range cm.alertIDs {
			if seen[a] {
				continue
			}
			seen[a] = true
			out = append(out, map[string]any{"id": a, "index": cm.indices[i], "attached_at": caseTime(cm.createdAt)})
		}
	}
	c.ok(out)
}

func (k *Kibana) casesByAlert(c *call) {
	alertID, owners := c.param("alertId"), c.queryAll("owner")
	st := c.cases()
	out := []map[string]any{}
	for _, cs := range st.sortedCases() {
		if len(owners) > 0 && !slices.Contains(owners, cs.owner) {
			continue
		}
		if st.attachedAlerts(cs)[alertID] {
			out = append(out, map[string]any{
				"id": cs.id, "title": cs.title, "description": cs.description, "status": cs.status,
				"createdAt": caseTime(cs.createdAt),
				"totals":    map[string]int{"alerts": cs.totalAlts, "userComments": cs.totalComment},
			})
		}
	}
	c.ok(out)
}

func (k *Kibana) addCaseComment(c *call) {
	cs := c.theCase()
	if cs == nil || !c.requireBody() {
		return
	}
	cm, _, _, msg := parseAttachment(c.body, false)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	if cm.owner != cs.owner {
		c.badRequest("The owner field of the comment must match the case")
		return
	}
	st := c.cases()
	if cm.typ == "alert" {
		attached := st.attachedAlerts(cs)
		var ids, indices []string
		for i, a := range cm.alertIDs {
			if !attached[a] && !slices.Contains(ids, a) {
				ids, indices = append(ids, a), append(indices, cm.indices[i])
			}
		}
		if len(attached)+len(ids) > maxAlertsPerCase {
			c.badRequest(fmt.Sprintf("Case has already reached the maximum allowed number (%d) of attached alerts on a case", maxAlertsPerCase))
			return
		}
		if len(ids) == 0 { // every alert is attached already
			c.ok(st.render(cs, true))
			return
		}
		cm.alertIDs, cm.indices = ids, indices
	}
	st.attach(k, cs, cm, c.caseUser(), k.cfg.Now())
	if cm.typ == "alert" && cs.settings.SyncAlerts {
		k.syncAlertStatus(c.space, cm.alertIDs, cm.indices, cs.status)
	}
	c.ok(st.render(cs, true))
}

func (k *Kibana) updateCaseComment(c *call) {
	cs := c.theCase()
	if cs == nil || !c.requireBody() {
		return
	}
	req, id, version, msg := parseAttachment(c.body, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := c.cases()
	cm := st.comments[id]
	switch {
	case cm == nil:
		c.notFound(fmt.Sprintf("This comment %s does not exist anymore.", id))
	case cm.typ != req.typ:
		c.badRequest("You cannot change the type of the comment.")
	case cm.owner != req.owner:
		c.badRequest("You cannot change the owner of the comment.")
	case cm.caseID != cs.id:
		c.notFound(fmt.Sprintf("This comment %s does not exist in %s).", id, cs.id))
	case cm.version != version:
		c.conflict("This case has been updated. Please refresh before saving additional updates.")
	}
	if c.answered {
		return
	}
	if req.typ == "alert" {
		others := map[string]bool{}
		for _, other := range cs.comments {
			if other != cm.id {
				for _, a := range st.comments[other].alertIDs {
					others[a] = true
				}
			}
		}
		fresh := 0
		for _, a := range req.alertIDs {
			if !others[a] {
				fresh++
			}
		}
		if len(others)+fresh > maxAlertsPerCase {
			c.badRequest(fmt.Sprintf("Case has already reached the maximum allowed number (%d) of attached alerts on a case", maxAlertsPerCase))
			return
		}
	}
	by, at := c.caseUser(), k.cfg.Now()
	cm.comment, cm.alertIDs, cm.indices, cm.singleAlert, cm.rule = req.comment, req.alertIDs, req.indices, req.singleAlert, req.rule
	t, u := at, by
	cm.updatedAt, cm.updatedBy = &t, &u
	cm.version = st.nextVersion()
	st.recount(cs)
	st.touch(cs, by, at)
	st.record(k, cs, "update", "comment", map[string]any{"comment": cm.attributes()}, by, at, cm.id)
	c.ok(st.render(cs, true))
}

func (k *Kibana) deleteCaseComments(c *call) {
	cs := c.theCase()
	if cs == nil {
		return
	}
	if len(cs.comments) == 0 {
		c.notFound(fmt.Sprintf("No comments found for %s.", cs.id))
		return
	}
	st, by, at := c.cases(), c.caseUser(), k.cfg.Now()
	for _, id := range slices.Clone(cs.comments) {
		st.detach(k, cs, st.comments[id], by, at)
	}
	c.noContent()
}

// caseCommentOf finds the path's comment within the path's case, answering 404
// without one.
func (c *call) caseCommentOf(cs *caseDoc) *caseCommentDoc {
	id := c.param("commentId")
	cm := c.cases().comments[id]
	if cm == nil {
		c.notFound(soNotFoundMessage(caseCommentSOType, id))
		return nil
	}
	if cm.caseID != cs.id {
		c.notFound(fmt.Sprintf("This comment %s does not exist in %s.", id, cs.id))
		return nil
	}
	return cm
}

func (k *Kibana) getCaseComment(c *call) {
	cs := c.theCase()
	if cs == nil {
		return
	}
	if cm := c.caseCommentOf(cs); cm != nil {
		c.ok(cm.render())
	}
}

func (k *Kibana) deleteCaseComment(c *call) {
	cs := c.theCase()
	if cs == nil {
		return
	}
	if cm := c.caseCommentOf(cs); cm != nil {
		c.cases().detach(k, cs, cm, c.caseUser(), k.cfg.Now())
		c.noContent()
	}
}

// casePaging reads page, perPage (default perPageDefault) and sortOrder, and
// refuses pages beyond Kibana's 10,000 documents.
func (c *call) casePaging(perPageDefault, perPageMin int) (page, perPage int, desc, ok bool) {
	if page, ok = c.queryInt("page", 1, 1, maxCaseDocs); !ok {
		return
	}
	if perPage, ok = c.queryInt("perPage", perPageDefault, perPageMin, maxCasesPerPage); !ok {
		return
	}
	switch c.query("sortOrder") {
	case "", "desc":
		desc = true
	case "asc":
	default:
		c.badRequest(fmt.Sprintf("[request query.sortOrder]: expected one of [asc, desc] but got [%s]", c.query("sortOrder")))
		return 0, 0, false, false
	}
	if page*perPage > maxCaseDocs {
		c.badRequest(fmt.Sprintf("The number of documents is too high. Paginating through more than %d documents is not possible.", maxCaseDocs))
		return 0, 0, false, false
	}
	return page, perPage, desc, true
}

// casePage cuts one page out of a list.
func casePage[T any](all []T, page, perPage int) []T {
	from := min((page-1)*perPage, len(all))
	return all[from:min(from+perPage, len(all))]
}

func (k *Kibana) findCaseComments(c *call) {
	cs := c.theCase()
	if cs == nil {
		return
	}
	page, perPage, desc, ok := c.casePaging(20, 1)
	if !ok {
		return
	}
	st := c.cases()
	all := []caseCommentJSON{}
	for _, id := range cs.comments {
		all = append(all, st.comments[id].render())
	}
	if desc {
		slices.Reverse(all)
	}
	c.ok(map[string]any{"comments": caseNonNil(casePage(all, page, perPage)), "page": page, "per_page": perPage, "total": len(all)})
}

// caseUserActionTypes are the values the types filter of a case's activity
// takes: user action types, plus attachment kinds (user comments, alerts,
// other attachments, response actions).
var caseUserActionTypes = []string{"action", "alert", "assignees", "attachment", "category", "comment", "connector", "create_case", "customFields", "description", "pushed", "settings", "severity", "status", "tags", "title", "user"}

func (k *Kibana) findCaseUserActions(c *call) {
	cs := c.theCase()
	if cs == nil {
		return
	}
	types := c.queryAll("types")
	for i, t := range types {
		if !slices.Contains(caseUserActionTypes, t) {
			c.badRequest(fmt.Sprintf("[request query.types.%d]: expected one of [%s] but got [%s]", i, strings.Join(caseUserActionTypes, ", "), t))
			return
		}
	}
	page, perPage, desc, ok := c.casePaging(20, 1)
	if !ok {
		return
	}
	all := []*caseUserAction{}
	for _, ua := range c.cases().actions {
		if ua.caseID == cs.id && (len(types) == 0 || slices.ContainsFunc(types, ua.is)) {
			all = append(all, ua)
		}
	}
	if desc {
		slices.Reverse(all)
	}
	c.ok(map[string]any{"userActions": caseNonNil(casePage(all, page, perPage)), "page": page, "perPage": perPage, "total": len(all)})
}

// is reports whether a user action passes one types filter value.
func (ua *caseUserAction) is(filter string) bool {
	attachmentType := ""
	if ua.Type == "comment" {
		for _, key := range []string{"comment", "attachment"} {
			if m, ok := ua.Payload[key].(map[string]any); ok {
				attachmentType, _ = m["type"].(string)
			}
		}
	}
	switch filter {
	case "user":
		return attachmentType == "user"
	case "alert":
		return attachmentType == "alert"
	case "attachment":
		return attachmentType == "externalReference" || attachmentType == "persistableState"
	case "action":
		return attachmentType == "actions"
	}
	return ua.Type == filter
}

func (k *Kibana) pushCase(c *call) {
	cs := c.theCase()
	if cs == nil {
		return
	}
	id := c.param("connectorId")
	i := slices.IndexFunc(c.space.seededConnectors, func(cr connectorRef) bool { return cr.ID == id })
	if i < 0 {
		c.notFound(soNotFoundMessage("action", id))
		return
	}
	conn := c.space.seededConnectors[i]
	if conn.Type == ".none" || !slices.Contains(caseConnectorTypes, conn.Type) {
		c.badRequest(fmt.Sprintf("The connector %s (%s) cannot push cases; cases push through connectors of type %s.", conn.Name, conn.Type, strings.Join(caseConnectorTypes[1:], ", ")))
		return
	}
	st := c.cases()
	wasClosed := cs.status == "closed"
	st.push(k, cs, conn, c.caseUser(), k.cfg.Now())
	if !wasClosed && cs.status == "closed" && cs.settings.SyncAlerts {
		k.syncCaseAlerts(c.space, cs, "closed")
	}
	c.ok(st.render(cs, true))
}

func (k *Kibana) addCaseFile(c *call) {
	cs := c.theCase()
	if cs == nil {
		return
	}
	if c.form == nil || len(c.form.File["file"]) == 0 {
		c.badRequest("[request body.file]: expected value of type [Stream] but got [undefined]")
		return
	}
	part := c.form.File["file"][0]
	ext := strings.TrimPrefix(path.Ext(part.Filename), ".")
	name := strings.TrimSuffix(part.Filename, path.Ext(part.Filename))
	if v := c.form.Value["filename"]; len(v) > 0 && v[0] != "" {
		name = v[0]
	}
	if name == "" {
		name = "file"
	}
	mimeType := part.Header.Get("Content-Type")
	if mimeType == "" {
		mimeType = "application/octet-stream"
	}
	st := c.cases()
	files := 0
	for _, id := range cs.comments {
		if st.comments[id].file != nil {
			files++
		}
	}
	if files >= maxFilesPerCase {
		c.badRequest(fmt.Sprintf("Maximum number of files (%d) reached for this case.", maxFilesPerCase))
		return
	}
	now := k.cfg.Now()
	cm := &caseCommentDoc{typ: "externalReference", file: &caseFile{
		ID: k.newID(), Name: name, Extension: ext, MimeType: mimeType, Size: int(part.Size), Created: now,
	}}
	st.attach(k, cs, cm, c.caseUser(), now)
	c.ok(st.render(cs, true))
}

func (k *Kibana) caseReporters(c *call) {
	owners, st := c.queryAll("owner"), c.cases()
	count := map[string]int{}
	var users []caseUser
	for _, cs := range st.sortedCases() {
		if len(owners) > 0 && !slices.Contains(owners, cs.owner) {
			continue
		}
		if count[cs.createdBy.Username] == 0 {
			users = append(users, cs.createdBy)
		}
		count[cs.createdBy.Username]++
	}
	slices.SortStableFunc(users, func(a, b caseUser) int {
		if d := count[b.Username] - count[a.Username]; d != 0 {
			return d
		}
		return strings.Compare(a.Username, b.Username)
	})
	c.ok(caseNonNil(users))
}

func (k *Kibana) caseTags(c *call) {
	owners, st := c.queryAll("owner"), c.cases()
	var tags []string
	for _, cs := range st.cases {
		if len(owners) > 0 && !slices.Contains(owners, cs.owner) {
			continue
		}
		for _, t := range cs.tags {
			if !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	slices.Sort(tags)
	c.ok(caseNonNil(tags))
}

func (k *Kibana) getCaseConfigurations(c *call) {
	owners, st := c.queryAll("owner"), c.cases()
	out := []*caseConfigDoc{}
	for _, cfg := range st.configs {
		if len(owners) == 0 || slices.Contains(owners, cfg.Owner) {
			out = append(out, cfg)
		}
	}
	slices.SortFunc(out, func(a, b *caseConfigDoc) int {
		if d := strings.Compare(a.CreatedAt, b.CreatedAt); d != 0 {
			return d
		}
		return strings.Compare(a.Owner, b.Owner)
	})
	c.ok(out)
}

func (k *Kibana) createCaseConfiguration(c *call) {
	if !c.requireBody() {
		return
	}
	req, msg := parseConfiguration(c.body, false)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := c.cases()
	cfg := st.configure(k, req, c.caseUser(), k.cfg.Now())
	c.ok(cfg)
}

// configure replaces an owner's case settings with new ones, as Kibana's
// create does.
func (st *casesState) configure(k *Kibana, req map[string]any, by caseUser, at time.Time) *caseConfigDoc {
	st.init()
	owner := req["owner"].(string)
	for id, old := range st.configs {
		if old.Owner == owner {
			delete(st.configs, id)
		}
	}
	conn := req["connector"].(caseConnector)
	conn.Fields = nil
	cfg := &caseConfigDoc{
		ID: k.newID(), Version: st.nextVersion(), Owner: owner, ClosureType: req["closure_type"].(string),
		Connector: conn, CustomFields: []map[string]any{}, Templates: []map[string]any{}, ObservableTypes: []any{},
		Mappings: caseConnectorMappings(conn.Type), CreatedAt: caseTime(at), CreatedBy: by,
	}
	if v, ok := req["customFields"].([]map[string]any); ok {
		cfg.CustomFields = v
	}
	if v, ok := req["templates"].([]map[string]any); ok {
		cfg.Templates = v
	}
	if v, ok := req["observableTypes"].([]any); ok {
		cfg.ObservableTypes = v
	}
	st.configs[cfg.ID] = cfg
	return cfg
}

func (k *Kibana) updateCaseConfiguration(c *call) {
	if !c.requireBody() {
		return
	}
	req, msg := parseConfiguration(c.body, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := c.cases()
	id := c.param("configurationId")
	cfg := st.configs[id]
	if cfg == nil {
		c.notFound(soNotFoundMessage(caseConfigureSOType, id))
		return
	}
	if defs, ok := req["customFields"].([]map[string]any); ok {
		var changed []string
		for _, d := range defs {
			for _, old := range cfg.CustomFields {
				if old["key"] == d["key"] && old["type"] != d["type"] {
					changed = append(changed, fmt.Sprint(d["label"]))
				}
			}
		}
		if len(changed) > 0 {
			c.badRequest(`Invalid custom field types in request for the following labels: "` + strings.Join(changed, `", "`) + `"`)
			return
		}
	}
	if req["version"] != cfg.Version {
		c.conflict("This configuration has been updated. Please refresh before saving additional updates.")
		return
	}
	if v, ok := req["closure_type"].(string); ok {
		cfg.ClosureType = v
	}
	if v, ok := req["connector"].(caseConnector); ok {
		v.Fields = nil
		cfg.Connector, cfg.Mappings = v, caseConnectorMappings(v.Type)
	}
	if v, ok := req["customFields"].([]map[string]any); ok {
		cfg.CustomFields = v
	}
	if v, ok := req["templates"].([]map[string]any); ok {
		cfg.Templates = v
	}
	if v, ok := req["observableTypes"].([]any); ok {
		cfg.ObservableTypes = v
	}
	now, by := caseTime(k.cfg.Now()), c.caseUser()
	cfg.UpdatedAt, cfg.UpdatedBy = &now, &by
	cfg.Version = st.nextVersion()
	c.ok(cfg)
}

func (k *Kibana) findCaseConnectors(c *call) {
	out := []map[string]any{}
	for _, cr := range c.space.seededConnectors {
		if cr.Type == ".none" || !slices.Contains(caseConnectorTypes, cr.Type) {
			continue
		}
		out = append(out, map[string]any{
			"id": cr.ID, "name": cr.Name, "actionTypeId": cr.Type, "config": map[string]any{},
			"isPreconfigured": false, "isDeprecated": false, "isMissingSecrets": false, "isSystemAction": false,
			"referencedByCount": 0,
		})
	}
	c.ok(out)
}

package sandbox

import (
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Privileged user monitoring: its engine (install, disable, delete, run),
// the monitored users (by API, CSV upload or an integration), health and
// privilege checks, and the privileged access detection (PAD) package of
// ML jobs. The engine's runs only stamp the time: there are no source
// indices to sync from.

// privmonState is one space's monitoring; the zero value is not installed.
type privmonState struct {
	status  string // started, disabled, error; "" when not installed
	index   bool   // the users index exists (init makes it, delete ?data=true drops it)
	users   map[string]*privUser
	order   []string // user ids in creation order
	lastRun time.Time
	pad     bool // the PAD package and its ML jobs are installed
	padOpen []string
}

// privUser is one monitored user document.
type privUser struct {
	id, name           string
	privileged         bool
	sources            []string // api, csv, index_sync
	sourceIDs, sourceI []string // labels.source_ids, labels.source_integrations
	labels             []any    // entity_analytics_monitoring.labels
	at                 string
}

// privmonMaxUsers is how many privileged users Kibana monitors at most.
const privmonMaxUsers = 10000

// privmonRunWindow is how long a run counts as in progress.
const privmonRunWindow = 10 * time.Second

// padJobs are the PAD package's ML jobs.
var padJobs = []struct{ id, description string }{
	{"pad_linux_high_count_privileged_process_events_by_user", "Unusually many privileged process events by one Linux user."},
	{"pad_okta_spike_in_group_membership_changes", "A spike in Okta group membership changes."},
	{"pad_windows_high_count_special_logon_events", "Unusually many special (admin) logons by one Windows user."},
	{"pad_windows_high_count_group_management_events", "Unusually many Windows group management events."},
	{"pad_windows_rare_privilege_assigned_to_user", "A privilege rarely seen being assigned to a Windows user."},
}

func privmonIndex(spaceID string) string { return ".entity_analytics.monitoring.users-" + spaceID }

// privUserID is a monitored user's document id: Elasticsearch's 20
// character shape, the same for a name in a space whatever the seed, so
// examples can name seeded users.
func privUserID(spaceID, name string) string {
	h := fnv.New128a()
	h.Write([]byte(spaceID + "\x00" + name))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))[:20]
}

func (u *privUser) doc() map[string]any {
	labels := map[string]any{"sources": privmonNonNil(u.sources)}
	if len(u.sourceIDs) > 0 {
		labels["source_ids"] = u.sourceIDs
	}
	if len(u.sourceI) > 0 {
		labels["source_integrations"] = u.sourceI
	}
	d := map[string]any{
		"id": u.id, "@timestamp": u.at, "event": map[string]any{"ingested": u.at},
		"user": map[string]any{"name": u.name, "is_privileged": u.privileged,
			"entity": map[string]any{"attributes": map[string]any{"Privileged": u.privileged}}},
		"labels": labels,
	}
	if len(u.labels) > 0 {
		d["entity_analytics_monitoring"] = map[string]any{"labels": u.labels}
	}
	return d
}

func privmonNonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (st *privmonState) add(u *privUser) {
	if st.users == nil {
		st.users = map[string]*privUser{}
	}
	st.users[u.id] = u
	st.order = append(st.order, u.id)
}

func (st *privmonState) byName(name string) *privUser {
	for _, id := range st.order {
		if u := st.users[id]; u.name == name {
			return u
		}
	}
	return nil
}

func (st *privmonState) privilegedCount() int {
	n := 0
	for _, u := range st.users {
		if u.privileged {
			n++
		}
	}
	return n
}

func (k *Kibana) privmonRoutes() []route {
	return []route{
		newRoute(http.MethodDelete, "/api/entity_analytics/monitoring/engine/delete", k.deletePrivmonEngine),
		newRoute(http.MethodPost, "/api/entity_analytics/monitoring/engine/disable", k.disablePrivmonEngine),
		newRoute(http.MethodPost, "/api/entity_analytics/monitoring/engine/init", k.initPrivmonEngine),
		newRoute(http.MethodPost, "/api/entity_analytics/monitoring/engine/schedule_now", k.runPrivmonEngine),
		newRoute(http.MethodGet, "/api/entity_analytics/monitoring/privileges/health", k.privmonHealth),
		newRoute(http.MethodGet, "/api/entity_analytics/monitoring/privileges/privileges", k.privmonPrivileges),
		newRoute(http.MethodPost, "/api/entity_analytics/monitoring/users", k.createPrivUser),
		newRoute(http.MethodPost, "/api/entity_analytics/monitoring/users/_csv", k.uploadPrivUsersCSV),
		newRoute(http.MethodPut, "/api/entity_analytics/monitoring/users/{id}", k.updatePrivUser),
		newRoute(http.MethodDelete, "/api/entity_analytics/monitoring/users/{id}", k.deletePrivUser),
		newRoute(http.MethodGet, "/api/entity_analytics/monitoring/users/list", k.listPrivUsers),
		newRoute(http.MethodGet, "/api/entity_analytics/privileged_user_monitoring/pad/status", k.padStatus),
		newRoute(http.MethodPost, "/api/entity_analytics/privileged_user_monitoring/pad/install", k.installPAD),
	}
}

func privmonStatus(st *privmonState) string {
	if st.status == "" {
		return "not_installed"
	}
	return st.status
}

// ---- Engine ----

func (k *Kibana) deletePrivmonEngine(c *call) {
	z := &zod{where: "request query"}
	data := zodQueryEnum(z, c, "data", "true", "false")
	if z.answer(c) {
		return
	}
	st := &c.space.assetCrit.privmon
	if st.status == "" && !(data == "true" && st.index) {
		c.ok(map[string]any{"deleted": false})
		return
	}
	st.status = ""
	if data == "true" {
		st.index, st.users, st.order = false, nil, nil
	}
	c.ok(map[string]any{"deleted": true})
}

func (k *Kibana) disablePrivmonEngine(c *call) {
	st := &c.space.assetCrit.privmon
	if st.status == "" {
		siemError(c, http.StatusBadRequest, "The Privilege Monitoring Engine is not installed; initialise it first.")
		return
	}
	st.status = "disabled"
	c.ok(map[string]any{"status": "disabled"})
}

func (k *Kibana) initPrivmonEngine(c *call) {
	st := &c.space.assetCrit.privmon
	st.status, st.index = "started", true
	c.ok(map[string]any{"status": "started"})
}

func (k *Kibana) runPrivmonEngine(c *call) {
	st := &c.space.assetCrit.privmon
	now := k.cfg.Now()
	switch {
	case st.status != "started":
		siemError(c, http.StatusBadRequest, fmt.Sprintf("The Privilege Monitoring Engine must be started to schedule a run. Current status: %s.", privmonStatus(st)))
	case !st.lastRun.IsZero() && now.Sub(st.lastRun) < privmonRunWindow:
		c.json(http.StatusConflict, map[string]any{"message": "The Privilege Monitoring Engine is already running; try again when the current run has finished."})
	default:
		st.lastRun = now
		c.ok(map[string]any{"success": true})
	}
}

func (k *Kibana) privmonHealth(c *call) {
	st := &c.space.assetCrit.privmon
	answer := map[string]any{"status": privmonStatus(st)}
	if st.index {
		answer["users"] = map[string]any{"current_count": st.privilegedCount(), "max_allowed": privmonMaxUsers}
	}
	c.ok(answer)
}

func (k *Kibana) privmonPrivileges(c *call) {
	rw := map[string]any{"read": true, "write": true}
	c.ok(map[string]any{
		"has_all_required": true, "has_read_permissions": true, "has_write_permissions": true,
		"privileges": map[string]any{
			"elasticsearch": map[string]any{
				"cluster": map[string]any{"manage_ingest_pipelines": true, "manage_index_templates": true},
				"index":   map[string]any{privmonIndex(c.spaceID): rw, "logs-*": map[string]any{"read": true}},
			},
			"kibana": map[string]any{"securitySolution": true},
		},
	})
}

// ---- Users ----

// privmonUsersIndex answers Elasticsearch's missing index error when the
// users index does not exist; false when it did.
func privmonUsersIndex(c *call) bool {
	if c.space.assetCrit.privmon.index {
		return true
	}
	siemError(c, http.StatusNotFound, "index_not_found_exception: no such index ["+privmonIndex(c.spaceID)+"]")
	return false
}

func (k *Kibana) createPrivUser(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	user, _ := z.object(body, "user", true)
	var name string
	if user != nil {
		sub := &zod{}
		name, _ = zodString(sub, user, "name", true, true)
		for _, issue := range sub.issues {
			z.issues = append(z.issues, "user."+issue)
		}
	}
	if z.answer(c) || !privmonUsersIndex(c) {
		return
	}
	st := &c.space.assetCrit.privmon
	if u := st.byName(name); u != nil {
		if u.privileged && slices.Contains(u.sources, "api") {
			siemError(c, http.StatusConflict, fmt.Sprintf("User %q is already monitored", name))
			return
		}
		u.privileged, u.at = true, k.now()
		u.sources = privmonAppendNew(u.sources, "api")
		c.ok(u.doc())
		return
	}
	id := privUserID(c.spaceID, name)
	for st.users[id] != nil { // a name deleted and added again gets a new id
		id = privUserID(c.spaceID, name+k.newID())
	}
	u := &privUser{id: id, name: name, privileged: true, sources: []string{"api"}, at: k.now()}
	st.add(u)
	c.ok(u.doc())
}

func privmonAppendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func (k *Kibana) updatePrivUser(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	var change privUser
	var setName, setPriv bool
	if user, ok := z.object(body, "user", false); ok {
		if v, given := user["is_privileged"]; given {
			b, isBool := v.(bool)
			if !isBool {
				z.add("user.is_privileged", "Expected boolean, received %s", zodType(v))
			}
			change.privileged, setPriv = b, true
		}
		sub := &zod{}
		change.name, setName = zodString(sub, user, "name", false, true)
		for _, issue := range sub.issues {
			z.issues = append(z.issues, "user."+issue)
		}
	}
	labels, setLabels := z.object(body, "labels", false)
	if setLabels {
		sub := &zod{}
		change.sources, _ = sub.stringList(labels, "labels", "sources", false, 0, false)
		for i, s := range change.sources {
			if !slices.Contains([]string{"csv", "index_sync", "api"}, s) {
				sub.add(fmt.Sprintf("labels.sources.%d", i), "%s", epZodEnum([]string{"csv", "index_sync", "api"}, s))
			}
		}
		change.sourceIDs, _ = sub.stringList(labels, "labels", "source_ids", false, 0, false)
		change.sourceI, _ = sub.stringList(labels, "labels", "source_integrations", false, 0, false)
		z.issues = append(z.issues, sub.issues...)
	}
	monitoring, setMonitoring := z.object(body, "entity_analytics_monitoring", false)
	if setMonitoring {
		change.labels = privmonLabels(z, monitoring)
	}
	if id, given := body["id"]; given {
		if _, isStr := id.(string); !isStr {
			z.add("id", "Expected string, received %s", zodType(id))
		}
	}
	if z.answer(c) || !privmonUsersIndex(c) {
		return
	}
	u := c.space.assetCrit.privmon.users[c.param("id")]
	if u == nil {
		siemError(c, http.StatusNotFound, fmt.Sprintf("[%s]: document missing", c.param("id")))
		return
	}
	// Kibana updates the document partially: members left out stay.
	if setName {
		u.name = change.name
	}
	if setPriv {
		u.privileged = change.privileged
	}
	if setLabels {
		if _, given := labels["sources"]; given {
			u.sources = change.sources
		}
		if _, given := labels["source_ids"]; given {
			u.sourceIDs = change.sourceIDs
		}
		if _, given := labels["source_integrations"]; given {
			u.sourceI = change.sourceI
		}
	}
	if setMonitoring {
		u.labels = change.labels
	}
	u.at = k.now()
	c.ok(u.doc())
}

// privmonLabels reads entity_analytics_monitoring.labels: {field, value,
// source} each.
func privmonLabels(z *zod, m map[string]any) []any {
	raw, given := m["labels"]
	if !given {
		return nil
	}
	list, isList := raw.([]any)
	if !isList {
		z.add("entity_analytics_monitoring.labels", "Expected array, received %s", zodType(raw))
		return nil
	}
	out := []any{}
	for i, e := range list {
		at := fmt.Sprintf("entity_analytics_monitoring.labels.%d", i)
		obj, isObj := e.(map[string]any)
		if !isObj {
			z.add(at, "Expected object, received %s", zodType(e))
			continue
		}
		sub := &zod{}
		label := map[string]any{}
		for _, key := range []string{"field", "value", "source"} {
			s, _ := zodString(sub, obj, key, true, false)
			label[key] = s
		}
		for _, issue := range sub.issues {
			z.issues = append(z.issues, at+"."+issue)
		}
		out = append(out, label)
	}
	return out
}

func (k *Kibana) deletePrivUser(c *call) {
	if !privmonUsersIndex(c) {
		return
	}
	st := &c.space.assetCrit.privmon
	id := c.param("id")
	if st.users[id] == nil {
		siemError(c, http.StatusNotFound, fmt.Sprintf("[%s]: document missing", id))
		return
	}
	delete(st.users, id)
	st.order = slices.DeleteFunc(st.order, func(s string) bool { return s == id })
	// Kibana's answer, its spelling included.
	c.ok(map[string]any{"aknowledged": true})
}

func (k *Kibana) listPrivUsers(c *call) {
	st := &c.space.assetCrit.privmon
	out := []any{}
	for _, id := range st.order {
		out = append(out, st.users[id].doc())
	}
	out, ok := kqlKeep(c, privmonIndex(c.spaceID), c.query("kql"), es.KQLOptions{}, map[string]es.Kind{"@timestamp": es.Date, "event.ingested": es.Date}, out, func(d any) map[string]any { return d.(map[string]any) })
	if !ok || !privmonUsersIndex(c) {
		return
	}
	c.answered = true
	writeJSON(c.w, http.StatusOK, out)
}

// uploadPrivUsersCSV reads rows of "user name[,label]": each becomes a
// privileged user with the csv source; users of an earlier upload missing
// from this one lose that source, and their privilege with it when no
// other source is left.
func (k *Kibana) uploadPrivUsersCSV(c *call) {
	if c.form == nil || len(c.form.File["file"]) == 0 {
		c.badRequest("[request body.file]: expected value of type [Stream] but got [undefined]")
		return
	}
	f, err := c.form.File["file"][0].Open()
	if err != nil {
		c.badRequest("[request body.file]: " + err.Error())
		return
	}
	defer f.Close()
	if !privmonUsersIndex(c) {
		return
	}
	st := &c.space.assetCrit.privmon
	r := csv.NewReader(f)
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	errs := []any{}
	ok, total := 0, 0
	seen := map[string]bool{}
	for row := 1; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, map[string]any{"index": row, "message": err.Error(), "username": nil})
			total++
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		total++
		name := strings.TrimSpace(rec[0])
		switch {
		case len(rec) > 2:
			errs = append(errs, map[string]any{"index": row, "message": fmt.Sprintf("Expected 1 or 2 columns, got %d", len(rec)), "username": nil})
			continue
		case name == "":
			errs = append(errs, map[string]any{"index": row, "message": "Missing user name", "username": nil})
			continue
		}
		seen[name] = true
		u := st.byName(name)
		if u == nil {
			u = &privUser{id: privUserID(c.spaceID, name), name: name}
			for st.users[u.id] != nil {
				u.id = privUserID(c.spaceID, name+k.newID())
			}
			st.add(u)
		}
		u.privileged, u.at = true, k.now()
		u.sources = privmonAppendNew(u.sources, "csv")
		if len(rec) == 2 && strings.TrimSpace(rec[1]) != "" {
			u.labels = []any{map[string]any{"field": "label", "value": strings.TrimSpace(rec[1]), "source": "csv"}}
		}
		ok++
	}
	for _, id := range st.order {
		u := st.users[id]
		if seen[u.name] || !slices.Contains(u.sources, "csv") {
			continue
		}
		u.sources = slices.DeleteFunc(slices.Clone(u.sources), func(s string) bool { return s == "csv" })
		if len(u.sources) == 0 {
			u.privileged = false
		}
		u.at = k.now()
		ok++
		total++
	}
	c.ok(map[string]any{"errors": errs, "stats": map[string]any{"successful": ok, "failed": len(errs), "total": total}})
}

// ---- Privileged access detection ----

func (k *Kibana) padStatus(c *call) {
	st := &c.space.assetCrit.privmon
	status := "incomplete"
	jobs := []any{}
	if st.pad {
		status = "complete"
		for _, j := range padJobs {
			state := "closed"
			if slices.Contains(st.padOpen, j.id) {
				state = "opened"
			}
			jobs = append(jobs, map[string]any{"job_id": j.id, "description": j.description, "state": state})
		}
	}
	c.ok(map[string]any{"package_installation_status": status, "ml_module_setup_status": status, "jobs": jobs})
}

func (k *Kibana) installPAD(c *call) {
	c.space.assetCrit.privmon.pad = true
	c.ok(map[string]any{"message": "Privileged access detection package installed; its ML jobs are set up and can be started."})
}

// seedPrivmon starts monitoring with a few of the story's privileged
// accounts: added by API, by CSV upload and from an identity provider,
// and one whose privilege was removed.
func (k *Kibana) seedPrivmon(sp *space, cast alertCast, now time.Time) {
	st := &sp.assetCrit.privmon
	st.status, st.index = "started", true
	at := func(hours int) string { return now.Add(-time.Duration(hours) * time.Hour).Format(es.DateFormat) }
	users := []*privUser{
		{name: cast.bruteUsers[0], privileged: true, sources: []string{"api"}, at: at(240)},
		{name: cast.ransomUser, privileged: true, sources: []string{"csv"}, at: at(200),
			labels: []any{map[string]any{"field": "label", "value": "Backup operators", "source": "csv"}}},
		{name: cast.psUser, privileged: true, sources: []string{"index_sync"}, sourceI: []string{"entityanalytics_okta"}, sourceIDs: []string{"okta-" + sp.id}, at: at(150)},
		{name: strings.ToLower(cast.domain[:1]) + ".former-admin", privileged: false, sources: []string{}, at: at(400)},
	}
	for _, u := range users {
		u.id = privUserID(sp.id, u.name)
		st.add(u)
	}
	if sp.id == "default" {
		st.pad = true
		st.padOpen = []string{padJobs[0].id, padJobs[2].id}
	}
}

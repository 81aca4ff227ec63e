package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// (Not maintenance_windows.go: Go builds a _windows.go file on Windows only.)

// The maintenance window API: windows kept per space, with the status
// Kibana computes from the schedule at each read (running, upcoming,
// finished; archived once archiving set its expiry to now).
//
// What the sandbox approximates: a window's occurrences follow its start,
// duration and every/occurrences/end, as rule snoozes do (onWeekDay,
// onMonthDay and onMonth are stored and answered, not used); Kibana's
// one-year horizon of events is not modelled. Kibana stamps the ids of the
// enabled windows running when an alert is raised, and whose scope the
// alert matches, on the alert (kibana.alert.maintenance_window_ids), and
// holds back that alert's notifications. The sandbox's rules never run, so
// a window created through the API stamps nothing; each seeded space has a
// finished window of its story ("Resolver migration") stamped on the
// alerts raised during it that its scope matches, as Kibana would have.

// maintenanceState holds a space's maintenance windows, in creation
// order; its zero value is none.
type maintenanceState = fleetStore[maintWindow]

// maintWindow is one maintenance window.
type maintWindow struct {
	id, title string
	enabled   bool
	custom    map[string]any // schedule.custom as answered
	sched     ruleSnooze     // its parsed occurrences
	scope     map[string]any // nil: every alert
	expiresAt time.Time      // archived from then on; zero when not archived

	createdBy, updatedBy, createdAt, updatedAt string
}

func (k *Kibana) maintenanceRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/maintenance_window/_find", k.findMaintenanceWindows),
		newRoute(http.MethodPost, "/api/maintenance_window", k.createMaintenanceWindow),
		newRoute(http.MethodGet, "/api/maintenance_window/{id}", k.getMaintenanceWindow),
		newRoute(http.MethodPatch, "/api/maintenance_window/{id}", k.updateMaintenanceWindow),
		newRoute(http.MethodDelete, "/api/maintenance_window/{id}", k.deleteMaintenanceWindow),
		newRoute(http.MethodPost, "/api/maintenance_window/{id}/_archive", k.archiveMaintenanceWindow(true)),
		newRoute(http.MethodPost, "/api/maintenance_window/{id}/_unarchive", k.archiveMaintenanceWindow(false)),
	}
}

// status is the window's status at now, as Kibana computes it.
func (w *maintWindow) status(now time.Time) string {
	switch {
	case !w.expiresAt.IsZero() && !now.Before(w.expiresAt):
		return "archived"
	case w.running(now):
		return "running"
	case w.next(now):
		return "upcoming"
	}
	return "finished"
}

// running reports whether an occurrence covers now.
func (w *maintWindow) running(now time.Time) bool {
	_, ok := w.sched.activeUntil(now)
	return ok
}

// next reports whether an occurrence starts after now.
func (w *maintWindow) next(now time.Time) bool {
	s := &w.sched
	if now.Before(s.start) {
		return true
	}
	first := s.period(1)
	if first <= 0 {
		return false
	}
	n := int(now.Sub(s.start)/first) + 1
	for n > 1 && s.start.Add(s.period(n-1)).After(now) {
		n--
	}
	for !s.start.Add(s.period(n)).After(now) {
		n++
	}
	if s.count > 0 && n >= s.count {
		return false
	}
	return s.until.IsZero() || !s.start.Add(s.period(n)).After(s.until)
}

// covers reports whether the window, enabled, runs at t.
func (w *maintWindow) covers(t time.Time) bool {
	if !w.enabled || (!w.expiresAt.IsZero() && !t.Before(w.expiresAt)) {
		return false
	}
	_, ok := w.sched.activeUntil(t)
	return ok
}

func (k *Kibana) maintWindowDoc(w *maintWindow) map[string]any {
	doc := map[string]any{
		"id": w.id, "title": w.title, "enabled": w.enabled,
		"created_by": nilIfEmpty(w.createdBy), "updated_by": nilIfEmpty(w.updatedBy),
		"created_at": w.createdAt, "updated_at": w.updatedAt,
		"status":   w.status(k.cfg.Now()),
		"schedule": map[string]any{"custom": cfgClone(w.custom)},
	}
	if w.scope != nil {
		doc["scope"] = cfgClone(w.scope)
	}
	return doc
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// maintScheduleField is the schedule member: a rule snooze's, with custom
// required.
func maintScheduleField(required bool) cfgField {
	f := snoozeBody[0]
	f.required = required
	f.fields = slices.Clone(f.fields)
	f.fields[0].required = true
	return f
}

var maintScopeField = cfgField{name: "scope", kind: "object", fields: []cfgField{
	{name: "alerting", kind: "object", required: true, fields: []cfgField{
		{name: "query", kind: "object", required: true, fields: []cfgField{
			{name: "kql", kind: "string", required: true},
		}},
	}},
}}

func maintBody(create bool) []cfgField {
	return []cfgField{
		{name: "title", kind: "string", required: create},
		{name: "enabled", kind: "boolean"},
		maintScheduleField(create),
		maintScopeField,
	}
}

// applyMaintBody sets the members a checked body gives; false when it was
// answered with a 400.
func (k *Kibana) applyMaintBody(c *call, w *maintWindow, body map[string]any) bool {
	if v, ok := body["title"].(string); ok {
		w.title = v
	}
	if v, ok := body["enabled"].(bool); ok {
		w.enabled = v
	}
	if sched, ok := body["schedule"].(map[string]any); ok {
		custom := sched["custom"].(map[string]any)
		s, msg := snoozeWindowOf(custom, "maintenance window")
		if msg == "" {
			var err error
			if s.start, err = time.Parse(time.RFC3339Nano, custom["start"].(string)); err != nil {
				msg = "[request body.schedule.custom.start]: Invalid schedule start date: " + custom["start"].(string)
			}
		}
		if msg != "" {
			c.badRequest(msg)
			return false
		}
		w.custom, w.sched = custom, s
	}
	if scope, ok := body["scope"].(map[string]any); ok {
		kql := scope["alerting"].(map[string]any)["query"].(map[string]any)["kql"].(string)
		if _, err := es.KQL(kql, es.KQLOptions{}); err != nil {
			c.badRequest("[request body.scope.alerting.query.kql]: Invalid KQL: " + err.Error())
			return false
		}
		w.scope = scope
	}
	return true
}

func (k *Kibana) createMaintenanceWindow(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, maintBody(true), true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	w := &maintWindow{id: k.newID(), enabled: true}
	if !k.applyMaintBody(c, w, body) {
		return
	}
	w.createdBy, w.createdAt = ruleUser(c), k.now()
	w.updatedBy, w.updatedAt = w.createdBy, w.createdAt
	c.space.maintenance.put(w.id, w)
	c.ok(k.maintWindowDoc(w))
}

func lookupMaintWindow(c *call) *maintWindow {
	id := c.param("id")
	w := c.space.maintenance.get(id)
	if w == nil {
		c.notFound(fmt.Sprintf("Saved object [maintenance-window/%s] not found", id))
	}
	return w
}

func (k *Kibana) getMaintenanceWindow(c *call) {
	if w := lookupMaintWindow(c); w != nil {
		c.ok(k.maintWindowDoc(w))
	}
}

func (k *Kibana) updateMaintenanceWindow(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, maintBody(false), true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	w := lookupMaintWindow(c)
	if w == nil {
		return
	}
	if w.status(k.cfg.Now()) == "archived" {
		c.conflict(fmt.Sprintf("Cannot edit archived maintenance windows: %s", w.id))
		return
	}
	changed := *w
	if !k.applyMaintBody(c, &changed, body) {
		return
	}
	changed.updatedBy, changed.updatedAt = ruleUser(c), k.now()
	*w = changed
	c.ok(k.maintWindowDoc(w))
}

func (k *Kibana) deleteMaintenanceWindow(c *call) {
	w := lookupMaintWindow(c)
	if w == nil {
		return
	}
	c.space.maintenance.remove(w.id)
	c.noContent()
}

// archiveMaintenanceWindow archives (its expiry set to now, which ends a
// running occurrence) or unarchives a window (no expiry: its schedule
// decides again).
func (k *Kibana) archiveMaintenanceWindow(archive bool) func(*call) {
	return func(c *call) {
		w := lookupMaintWindow(c)
		if w == nil {
			return
		}
		if archive {
			w.expiresAt = k.cfg.Now().UTC()
		} else {
			w.expiresAt = time.Time{}
		}
		w.updatedBy, w.updatedAt = ruleUser(c), k.now()
		c.ok(k.maintWindowDoc(w))
	}
}

func (k *Kibana) findMaintenanceWindows(c *call) {
	page, ok := platQueryNumber(c, "page", 1, 1, 100)
	if !ok {
		return
	}
	perPage, ok := platQueryNumber(c, "per_page", 10, 1, 100)
	if !ok {
		return
	}
	statuses := c.queryAll("status")
	for _, s := range statuses {
		if !slices.Contains([]string{"running", "upcoming", "finished", "archived"}, s) {
			c.badRequest(epOneOfMessage("request query.status", []string{"running", "finished", "upcoming", "archived"}))
			return
		}
	}
	title, by := strings.ToLower(c.query("title")), c.query("created_by")
	now := k.cfg.Now()
	var hits []map[string]any
	for _, w := range c.space.maintenance.all() {
		switch {
		case title != "" && !strings.Contains(strings.ToLower(w.title), title):
			continue
		case by != "" && w.createdBy != by:
			continue
		case len(statuses) > 0 && !slices.Contains(statuses, w.status(now)):
			continue
		}
		hits = append(hits, k.maintWindowDoc(w))
	}
	from, to := platPage(len(hits), page, perPage)
	c.ok(map[string]any{"maintenanceWindows": append([]map[string]any{}, hits[from:to]...), "page": page, "per_page": perPage, "total": len(hits)})
}

// The story's windows: a recurring patch night (the id the tools'
// examples use) and a finished resolver migration that covered the first
// DNS tunneling alerts, which carry its id.
const (
	seedPatchWindowID    = "2f6c1a8e-5b3d-4c7e-9a10-3e5d7b9c1f22"
	maintWindowIDsField  = "kibana.alert.maintenance_window_ids"
	seedResolverRuleName = "Possible DNS tunneling"
)

// seedMaintenance gives a space its story's windows, once its alerts are
// seeded. It draws no ids from the sandbox's sequence.
func (k *Kibana) seedMaintenance(sp *space) {
	now := k.cfg.Now().UTC()
	day := 24 * time.Hour
	servers := map[string]string{"default": "fs-*", "soc": "bkp-*"}[sp.id]
	if servers == "" {
		servers = "fs-*"
	}
	start := now.Add(-30 * day).Truncate(day).Add(22 * time.Hour)
	k.seedMaintWindow(sp, &maintWindow{
		id: seedPatchWindowID, title: "Patch night: file and backup servers", enabled: true,
		custom: map[string]any{"start": epStamp(start), "duration": "4h", "timezone": "UTC",
			"recurring": map[string]any{"every": "1M", "onWeekDay": []any{"+2TU"}}},
		scope:     map[string]any{"alerting": map[string]any{"query": map[string]any{"kql": "host.name: " + servers}}},
		createdBy: "rpatel", createdAt: epStamp(start.Add(-5 * day)),
	})

	// The migration window starts an hour before the first DNS tunneling
	// alert of the story and lasts three hours.
	kql := fmt.Sprintf("kibana.alert.rule.name: %q", seedResolverRuleName)
	clause, _ := es.KQL(kql, es.KQLOptions{})
	docs, _ := sp.alerts.index.Matching(clause, now)
	var first time.Time
	for _, d := range docs {
		if t, err := time.Parse(time.RFC3339Nano, es.String(d.Source["@timestamp"])); err == nil && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	if first.IsZero() {
		return
	}
	begin := first.Add(-time.Hour).Truncate(time.Hour)
	w := &maintWindow{
		id: uuidFrom(uint64(len(sp.id))<<40 ^ 0x6d77), title: "Resolver migration CHG-4490", enabled: true,
		custom:    map[string]any{"start": epStamp(begin), "duration": "3h", "timezone": "UTC"},
		scope:     map[string]any{"alerting": map[string]any{"query": map[string]any{"kql": kql}}},
		createdBy: "aokafor", createdAt: epStamp(begin.Add(-2 * day)),
	}
	k.seedMaintWindow(sp, w)
	for _, d := range docs {
		t, err := time.Parse(time.RFC3339Nano, es.String(d.Source["@timestamp"]))
		if err != nil || !w.covers(t) {
			continue
		}
		// The id is part of the alert as it was indexed: no new version.
		version := d.Version
		d.Set(maintWindowIDsField, []any{w.id})
		d.Version = version
	}
}

func (k *Kibana) seedMaintWindow(sp *space, w *maintWindow) {
	s, msg := snoozeWindowOf(w.custom, "maintenance window")
	if msg != "" {
		panic("sandbox: seeded maintenance window " + w.title + ": " + msg)
	}
	s.start, _ = time.Parse(time.RFC3339Nano, w.custom["start"].(string))
	w.sched = s
	w.updatedBy, w.updatedAt = w.createdBy, w.createdAt
	sp.maintenance.put(w.id, w)
}

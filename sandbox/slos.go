package sandbox

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The SLO API: SLO definitions kept per space, each with the summary Kibana
// computes from its rollup data (one per instance when grouped): SLI value,
// error budget and status.
//
// What the sandbox approximates: there are no transforms or rollup indices.
// A summary is computed at each read from the SLO's window, its history
// start (creation, the last reset or purge) and the sandbox clock: a steady
// rate of bad events drawn from the seed, plus the story's incidents (the
// brute force that overloaded the VPN gateway, the web-03 outage, the
// portal API host that went offline). A disabled SLO's summary stays as it
// was when it was disabled. Status follows Kibana's rule: HEALTHY when the
// SLI meets the target, else DEGRADING while error budget remains, else
// VIOLATED; NO_DATA before a minute of history. A calendar-aligned window's
// budget is over the whole period (estimated for occurrences), so it can
// be DEGRADING; a rolling window's cannot. Sorting by status puts VIOLATED
// first, then DEGRADING, NO_DATA, HEALTHY (ascending). Bulk deletes and
// purges finish at once; their tasks are kept for the space.

// sloState holds a space's SLOs and bulk delete tasks; its zero value is
// none.
type sloState struct {
	slos  fleetStore[sloDef]
	tasks map[string][]map[string]any // bulk delete task id → results
}

// sloDef is one SLO definition and what its summary is computed from.
type sloDef struct {
	id, name, description, budgeting string
	indicator, timeWindow, objective map[string]any
	settings                         map[string]any
	artifacts                        map[string]any // links to related assets: {dashboards: [{id}]}
	groupBy                          any            // "*", a field or a list of fields
	tags                             []string
	enabled                          bool
	revision                         int
	createdAt, updatedAt             time.Time

	historyFrom time.Time          // creation, last reset or purge
	disabledAt  time.Time          // when enabled became false
	instances   []string           // grouped: the group values seen; nil: "*"
	gone        map[string]bool    // instances deleted through _delete_instances
	noise       map[string]float64 // instance → steady bad share of the budget rate
	incidents   []sloIncident
}

// sloIncident is a period during which a share of an instance's events
// were bad.
type sloIncident struct {
	instance string // "" for every instance
	from, to time.Time
	bad      float64
}

const sloAll = "*"

func (k *Kibana) sloRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/observability/slos", k.findSLOs),
		newRoute(http.MethodPost, "/api/observability/slos", k.createSLO),
		newRoute(http.MethodPost, "/api/observability/slos/_bulk_delete", k.bulkDeleteSLOs),
		newRoute(http.MethodGet, "/api/observability/slos/_bulk_delete/{taskId}", k.sloBulkDeleteStatus),
		newRoute(http.MethodPost, "/api/observability/slos/_bulk_purge_rollup", k.purgeSLORollups),
		newRoute(http.MethodPost, "/api/observability/slos/_delete_instances", k.deleteSLOInstances),
		newRoute(http.MethodGet, "/api/observability/slos/{sloId}", k.getSLO),
		newRoute(http.MethodPut, "/api/observability/slos/{sloId}", k.updateSLO),
		newRoute(http.MethodDelete, "/api/observability/slos/{sloId}", k.deleteSLO),
		newRoute(http.MethodPost, "/api/observability/slos/{sloId}/_reset", k.resetSLO),
		newRoute(http.MethodPost, "/api/observability/slos/{sloId}/enable", k.enableSLO(true)),
		newRoute(http.MethodPost, "/api/observability/slos/{sloId}/disable", k.enableSLO(false)),
		newRoute(http.MethodGet, "/internal/observability/slos/_definitions", k.findSLODefinitions),
	}
}

// ---- Summaries ----

// sloSummary is an instance's summary at now.
type sloSummary struct {
	sli, initial, consumed, remaining float64
	estimated                         bool
	status                            string
}

func (s sloSummary) doc() map[string]any {
	return map[string]any{
		"status": s.status, "sliValue": s.sli,
		"errorBudget": map[string]any{"initial": s.initial, "consumed": s.consumed, "remaining": s.remaining, "isEstimated": s.estimated},
	}
}

func (d *sloDef) target() float64 { return cfgNumber(d.objective["target"]) }

// window is the SLO's current window at end: its start and whole length.
func (d *sloDef) window(end time.Time) (time.Time, time.Duration) {
	dur, _ := d.timeWindow["duration"].(string)
	end = end.UTC()
	if d.timeWindow["type"] == "calendarAligned" {
		if dur == "1w" {
			day := end.Truncate(24 * time.Hour)
			start := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)) // Monday
			return start, 7 * 24 * time.Hour
		}
		start := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 1, 0).Sub(start)
	}
	days := map[string]int{"7d": 7, "30d": 30, "90d": 90}[dur]
	length := time.Duration(max(days, 1)) * 24 * time.Hour
	return end.Add(-length), length
}

// summary computes an instance's summary ("*" for the SLO as a whole: its
// instances together) at now.
func (d *sloDef) summary(instance string, now time.Time) sloSummary {
	end := now
	if !d.enabled && !d.disabledAt.IsZero() && d.disabledAt.Before(end) {
		end = d.disabledAt
	}
	start, length := d.window(end)
	from := start
	if d.historyFrom.After(from) {
		from = d.historyFrom
	}
	initial := round6(1 - d.target())
	none := sloSummary{sli: -1, initial: initial, consumed: 0, remaining: 1, status: "NO_DATA"}
	if instance != sloAll && !slices.Contains(d.instances, instance) {
		return none
	}
	instances := []string{instance}
	if instance == sloAll && d.instances != nil {
		instances = d.liveInstances()
	}
	total := end.Sub(from).Minutes() * float64(len(instances))
	if total < 1 || len(instances) == 0 || (instance != sloAll && d.gone[instance]) {
		return none
	}
	bad := 0.0
	for _, inst := range instances {
		bad += d.noise[inst] * initial * end.Sub(from).Minutes()
		for _, inc := range d.incidents {
			if inc.instance != "" && inc.instance != inst {
				continue
			}
			lo, hi := maxTime(inc.from, from), minTime(inc.to, end)
			if hi.After(lo) {
				bad += inc.bad * hi.Sub(lo).Minutes()
			}
		}
	}
	bad = min(bad, total)
	s := sloSummary{sli: round6(1 - bad/total), initial: initial}
	if d.timeWindow["type"] == "calendarAligned" {
		// The budget is the whole period's: what is spent of it so far.
		s.consumed = round6(bad / (initial * length.Minutes() * float64(len(instances))))
		s.estimated = d.budgeting == "occurrences"
	} else {
		s.consumed = round6((1 - s.sli) / initial)
	}
	s.remaining = round6(1 - s.consumed)
	switch {
	case s.sli >= d.target():
		s.status = "HEALTHY"
	case s.remaining > 0:
		s.status = "DEGRADING"
	default:
		s.status = "VIOLATED"
	}
	return s
}

func (d *sloDef) liveInstances() []string {
	var out []string
	for _, inst := range d.instances {
		if !d.gone[inst] {
			out = append(out, inst)
		}
	}
	return out
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// definition is the SLO as its definition routes answer it.
func (d *sloDef) definition() map[string]any {
	def := map[string]any{
		"id": d.id, "name": d.name, "description": d.description,
		"indicator": cfgClone(d.indicator), "timeWindow": cfgClone(d.timeWindow), "objective": cfgClone(d.objective),
		"budgetingMethod": d.budgeting, "settings": cfgClone(d.settings), "groupBy": cfgCloneValue(d.groupBy),
		"tags": slices.Clone(d.tags), "enabled": d.enabled, "revision": d.revision, "version": 2,
		"createdAt": epStamp(d.createdAt), "updatedAt": epStamp(d.updatedAt),
	}
	if d.artifacts != nil {
		def["artifacts"] = cfgClone(d.artifacts)
	}
	return def
}

// withSummary is the SLO, one instance of it, with its summary.
func (d *sloDef) withSummary(instance string, now time.Time) map[string]any {
	doc := d.definition()
	doc["instanceId"] = instance
	doc["summary"] = d.summary(instance, now).doc()
	if instance != sloAll {
		doc["groupings"] = map[string]any{d.groupFields()[0]: instance}
	}
	return doc
}

func (d *sloDef) groupFields() []string {
	switch g := d.groupBy.(type) {
	case string:
		return []string{g}
	case []any:
		return platStrings(g)
	}
	return []string{sloAll}
}

// rows are the SLO's summary rows: one per live instance, or one.
func (d *sloDef) rows() []string {
	if d.instances == nil {
		return []string{sloAll}
	}
	return d.liveInstances()
}

// ---- Validation ----

var (
	sloIDRE       = lazyRegexp(`^[a-z0-9_-]{8,48}$`)
	sloSliceRE    = lazyRegexp(`^([1-9][0-9]*)m$`)
	sloIndicators = map[string][]string{
		"sli.apm.transactionErrorRate": {"service", "environment", "transactionType", "transactionName", "index"},
		"sli.apm.transactionDuration":  {"service", "environment", "transactionType", "transactionName", "index", "threshold"},
		"sli.kql.custom":               {"index", "timestampField", "good", "total"},
		"sli.metric.custom":            {"index", "timestampField", "good", "total"},
		"sli.histogram.custom":         {"index", "timestampField", "good", "total"},
		"sli.metric.timeslice":         {"index", "timestampField", "metric"},
	}
)

func sloBody(create bool) []cfgField {
	return []cfgField{
		{name: "id", kind: "string"},
		{name: "name", kind: "string", required: create},
		{name: "description", kind: "string", required: create},
		{name: "indicator", kind: "object", required: create, fields: []cfgField{
			{name: "type", kind: "string", required: true},
			{name: "params", kind: "object", required: true},
		}},
		{name: "timeWindow", kind: "object", required: create, fields: []cfgField{
			{name: "duration", kind: "string", required: true},
			{name: "type", kind: "string", required: true, oneOf: []string{"rolling", "calendarAligned"}},
		}},
		{name: "budgetingMethod", kind: "string", required: create, oneOf: []string{"occurrences", "timeslices"}},
		{name: "objective", kind: "object", required: create, fields: []cfgField{
			{name: "target", kind: "number", required: true},
			{name: "timesliceTarget", kind: "number"},
			{name: "timesliceWindow", kind: "string"},
		}},
		{name: "settings", kind: "object", fields: []cfgField{
			{name: "syncDelay", kind: "string"},
			{name: "frequency", kind: "string"},
			{name: "preventInitialBackfill", kind: "boolean"},
			{name: "syncField", kind: "string"},
		}},
		{name: "groupBy", kind: "stringOrStrings"},
		{name: "tags", kind: "strings"},
		{name: "artifacts", kind: "object", fields: []cfgField{
			{name: "dashboards", kind: "objects", items: []cfgField{{name: "id", kind: "string", required: true}}},
		}},
	}
}

// validateSLO applies Kibana's SLO domain rules to a whole definition;
// the message for the first broken one, or "".
func validateSLO(d *sloDef) string {
	typ, _ := d.indicator["type"].(string)
	required, known := sloIndicators[typ]
	if !known {
		return fmt.Sprintf("Invalid indicator type [%s]", typ)
	}
	params, _ := d.indicator["params"].(map[string]any)
	for _, p := range required {
		if params[p] == nil {
			return fmt.Sprintf("Invalid value undefined supplied to indicator.params.%s", p)
		}
	}
	target := d.target()
	if target <= 0 || target >= 1 {
		return "Invalid objective.target"
	}
	dur, _ := d.timeWindow["duration"].(string)
	ok := map[string][]string{"rolling": {"7d", "30d", "90d"}, "calendarAligned": {"1w", "1M"}}[fmt.Sprint(d.timeWindow["type"])]
	if !slices.Contains(ok, dur) {
		return "Invalid time_window.duration"
	}
	if typ == "sli.metric.timeslice" && d.budgeting != "timeslices" {
		return "Invalid budgeting_method, should be 'timeslices'"
	}
	if d.budgeting == "timeslices" {
		ts, hasTarget := d.objective["timesliceTarget"]
		if !hasTarget || cfgNumber(ts) < 0 || cfgNumber(ts) > 1 {
			return "Invalid objective.timeslice_target"
		}
		m := sloSliceRE().FindStringSubmatch(fmt.Sprint(d.objective["timesliceWindow"]))
		n := 0
		if m != nil {
			fmt.Sscan(m[1], &n)
		}
		if n < 1 || n > 120 {
			return "Invalid objective.timeslice_window"
		}
	}
	return ""
}

// applySLOBody sets the members a checked body gives.
func applySLOBody(d *sloDef, body map[string]any) {
	for name, v := range body {
		switch name {
		case "name":
			d.name = v.(string)
		case "description":
			d.description = v.(string)
		case "indicator":
			d.indicator = cfgClone(v.(map[string]any))
		case "timeWindow":
			d.timeWindow = cfgClone(v.(map[string]any))
		case "objective":
			d.objective = cfgClone(v.(map[string]any))
		case "budgetingMethod":
			d.budgeting = v.(string)
		case "settings":
			s := cfgClone(v.(map[string]any))
			for k, def := range sloDefaultSettings() {
				if _, ok := s[k]; !ok {
					s[k] = def
				}
			}
			d.settings = s
		case "groupBy":
			d.groupBy = cfgCloneValue(v)
		case "tags":
			d.tags = platStrings(v)
		case "artifacts":
			d.artifacts = cfgClone(v.(map[string]any))
		}
	}
	// Numbers arrive as json.Number: store them as numbers.
	for _, m := range []map[string]any{d.objective} {
		for k, v := range m {
			if _, isNum := v.(string); !isNum {
				m[k] = cfgNumber(v)
			}
		}
	}
	if p, ok := d.indicator["params"].(map[string]any); ok {
		if t, ok := p["threshold"]; ok {
			p["threshold"] = cfgNumber(t)
		}
	}
}

func sloDefaultSettings() map[string]any {
	return map[string]any{"syncDelay": "1m", "frequency": "1m", "preventInitialBackfill": false}
}

// checkSLOBody validates a create or update body: its shape, then the
// domain rules on the SLO it makes of d. false when answered.
func (k *Kibana) checkSLOBody(c *call, d *sloDef, create bool) bool {
	if !c.requireBody() {
		return false
	}
	fields := sloBody(create)
	if !create {
		fields = fields[1:]
	}
	// params are open: checked by type below.
	body := cfgCloneValue(c.body).(map[string]any)
	var params any
	if ind, ok := body["indicator"].(map[string]any); ok {
		params = ind["params"]
		if _, isObj := params.(map[string]any); isObj {
			ind["params"] = map[string]any{}
		}
	}
	checked, msg := cfgCheck("request body.", body, fields, true)
	if msg != "" {
		c.badRequest(msg)
		return false
	}
	if ind, ok := checked["indicator"].(map[string]any); ok {
		ind["params"] = params
	}
	if id, ok := checked["id"].(string); ok && !sloIDRE().MatchString(id) {
		c.badRequest("Invalid value '" + id + "' supplied to: id (an SLO id is 8 to 48 of a-z, 0-9, - and _)")
		return false
	}
	applySLOBody(d, checked)
	if msg := validateSLO(d); msg != "" {
		c.badRequest(msg)
		return false
	}
	return true
}

// ---- Routes ----

func lookupSLO(c *call) *sloDef {
	id := c.param("sloId")
	d := c.space.slos.slos.get(id)
	if d == nil {
		c.notFound(fmt.Sprintf("SLO [%s] not found", id))
	}
	return d
}

func (k *Kibana) createSLO(c *call) {
	now := k.cfg.Now().UTC()
	d := &sloDef{enabled: true, revision: 1, createdAt: now, updatedAt: now, historyFrom: now,
		groupBy: sloAll, tags: []string{}, settings: sloDefaultSettings()}
	if !k.checkSLOBody(c, d, true) {
		return
	}
	d.id, _ = c.body["id"].(string)
	if d.id == "" {
		d.id = k.newID()
	}
	if c.space.slos.slos.get(d.id) != nil {
		c.conflict(fmt.Sprintf("SLO [%s] already exists", d.id))
		return
	}
	if prevent, _ := d.settings["preventInitialBackfill"].(bool); !prevent {
		// Kibana backfills the window from the source data.
		start, _ := d.window(now)
		d.historyFrom = start
	}
	k.sloNoise(d)
	c.space.slos.slos.put(d.id, d)
	c.ok(map[string]any{"id": d.id})
}

// sloNoise draws each instance's steady bad share from the seed and ids.
func (k *Kibana) sloNoise(d *sloDef) {
	d.noise = map[string]float64{}
	for _, inst := range append([]string{sloAll}, d.instances...) {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d/%s/%s", k.cfg.Seed, d.id, inst)
		d.noise[inst] = 0.1 + float64(h.Sum64()%400)/1000 // 10% to 50% of the budget rate
	}
}

func (k *Kibana) getSLO(c *call) {
	d := lookupSLO(c)
	if d == nil {
		return
	}
	inst := c.query("instanceId")
	if inst == "" {
		inst = sloAll
	}
	c.ok(d.withSummary(inst, k.cfg.Now()))
}

func (k *Kibana) updateSLO(c *call) {
	d := lookupSLO(c)
	if d == nil {
		return
	}
	changed := *d
	if !k.checkSLOBody(c, &changed, false) {
		return
	}
	// A change to what is measured recomputes the history: a new revision.
	for _, m := range []string{"indicator", "timeWindow", "objective", "budgetingMethod", "groupBy", "settings"} {
		if _, ok := c.body[m]; ok {
			changed.revision = d.revision + 1
			break
		}
	}
	changed.updatedAt = k.cfg.Now().UTC()
	*d = changed
	c.ok(d.definition())
}

func (k *Kibana) deleteSLO(c *call) {
	if d := lookupSLO(c); d != nil {
		c.space.slos.slos.remove(d.id)
		c.noContent()
	}
}

// resetSLO drops the history: the summary starts again from now.
func (k *Kibana) resetSLO(c *call) {
	d := lookupSLO(c)
	if d == nil {
		return
	}
	now := k.cfg.Now().UTC()
	d.historyFrom, d.updatedAt = now, now
	d.gone = nil
	c.ok(d.definition())
}

func (k *Kibana) enableSLO(enable bool) func(*call) {
	return func(c *call) {
		d := lookupSLO(c)
		if d == nil {
			return
		}
		if d.enabled != enable {
			d.enabled = enable
			d.updatedAt = k.cfg.Now().UTC()
			d.disabledAt = time.Time{}
			if !enable {
				d.disabledAt = d.updatedAt
			}
		}
		c.noContent()
	}
}

func (k *Kibana) bulkDeleteSLOs(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{{name: "list", kind: "strings", required: true, check: platMinItems(1)}}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := &c.space.slos
	var results []map[string]any
	for _, id := range platStrings(body["list"]) {
		if st.slos.get(id) == nil {
			results = append(results, map[string]any{"id": id, "success": false, "error": fmt.Sprintf("SLO [%s] not found", id)})
			continue
		}
		st.slos.remove(id)
		results = append(results, map[string]any{"id": id, "success": true})
	}
	task := "slo-bulk-delete-" + k.newID()[:8]
	if st.tasks == nil {
		st.tasks = map[string][]map[string]any{}
	}
	st.tasks[task] = results
	c.ok(map[string]any{"taskId": task})
}

func (k *Kibana) sloBulkDeleteStatus(c *call) {
	results, ok := c.space.slos.tasks[c.param("taskId")]
	if !ok {
		c.ok(map[string]any{"isDone": false, "error": "Task not found"})
		return
	}
	c.ok(map[string]any{"isDone": true, "results": results})
}

var sloAgeRE = lazyRegexp(`^([1-9][0-9]*)([mhdwMy])$`)

func (k *Kibana) purgeSLORollups(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "list", kind: "strings", required: true, check: platMinItems(1)},
		{name: "purgePolicy", kind: "object", required: true, fields: []cfgField{
			{name: "purgeType", kind: "string", required: true, oneOf: []string{"fixed-age", "fixed-time"}},
			{name: "age", kind: "string"},
			{name: "timestamp", kind: "string"},
		}},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	now := k.cfg.Now().UTC()
	policy := body["purgePolicy"].(map[string]any)
	var cut time.Time
	if policy["purgeType"] == "fixed-age" {
		m := sloAgeRE().FindStringSubmatch(fmt.Sprint(policy["age"]))
		if m == nil {
			c.badRequest("[request body.purgePolicy.age]: must be a duration such as 30d")
			return
		}
		var n int
		fmt.Sscan(m[1], &n)
		unit := map[string]time.Duration{"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "M": 30 * 24 * time.Hour, "y": 365 * 24 * time.Hour}[m[2]]
		cut = now.Add(-time.Duration(n) * unit)
	} else {
		t, err := time.Parse(time.RFC3339Nano, fmt.Sprint(policy["timestamp"]))
		if err != nil {
			c.badRequest("[request body.purgePolicy.timestamp]: must be an ISO 8601 time")
			return
		}
		cut = t
	}
	var slos []*sloDef
	for _, id := range platStrings(body["list"]) {
		d := c.space.slos.slos.get(id)
		if d == nil {
			c.notFound(fmt.Sprintf("SLO [%s] not found", id))
			return
		}
		// Kibana refuses to purge inside an SLO's current window.
		if start, _ := d.window(now); cut.After(start) {
			c.badRequest(fmt.Sprintf("The provided purge policy is invalid. At least one SLO has a time window that is longer than the provided purge policy: %s", id))
			return
		}
		slos = append(slos, d)
	}
	for _, d := range slos {
		if cut.After(d.historyFrom) {
			d.historyFrom = cut
		}
	}
	c.ok(map[string]any{"taskId": "purge-" + k.newID()[:8]})
}

func (k *Kibana) deleteSLOInstances(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{{name: "list", kind: "objects", required: true, items: []cfgField{
		{name: "sloId", kind: "string", required: true},
		{name: "instanceId", kind: "string", required: true},
	}}}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	for _, e := range body["list"].([]any) {
		ref := e.(map[string]any)
		if ref["instanceId"] == sloAll {
			c.badRequest("Cannot delete all instances of an SLO")
			return
		}
	}
	for _, e := range body["list"].([]any) {
		ref := e.(map[string]any)
		d := c.space.slos.slos.get(ref["sloId"].(string))
		if d == nil {
			continue // Kibana deletes by query: nothing to delete is no error
		}
		if d.gone == nil {
			d.gone = map[string]bool{}
		}
		d.gone[ref["instanceId"].(string)] = true
	}
	c.noContent()
}

// sloStatusRank orders statuses for sorting: the most urgent first.
var sloStatusRank = map[string]int{"VIOLATED": 0, "DEGRADING": 1, "NO_DATA": 2, "HEALTHY": 3}

func (k *Kibana) findSLOs(c *call) {
	page, ok := platQueryNumber(c, "page", 1, 1, 0)
	if !ok {
		return
	}
	perPage, ok := platQueryNumber(c, "perPage", 25, 1, 5000)
	if !ok {
		return
	}
	sortBy := c.query("sortBy")
	if sortBy == "" {
		sortBy = "status"
	}
	if !slices.Contains([]string{"sli_value", "status", "error_budget_consumed", "error_budget_remaining"}, sortBy) {
		c.badRequest(epOneOfMessage("request query.sortBy", []string{"sli_value", "status", "error_budget_consumed", "error_budget_remaining"}))
		return
	}
	desc := c.query("sortDirection") == "desc"
	hideStale, ok := platQueryBool(c, "hideStale")
	if !ok {
		return
	}
	now := k.cfg.Now()
	type row struct {
		d    *sloDef
		inst string
		s    sloSummary
	}
	var rows []row
	for _, d := range c.space.slos.slos.all() {
		// Stale: not updated for two days (Kibana's default threshold).
		if hideStale && !d.enabled && now.Sub(d.disabledAt) > 48*time.Hour {
			continue
		}
		for _, inst := range d.rows() {
			rows = append(rows, row{d, inst, d.summary(inst, now)})
		}
	}
	rows, ok = kqlKeep(c, ".slo-observability.summary-v3.5", c.query("kqlQuery"), es.KQLOptions{}, nil, rows, func(r row) map[string]any {
		return map[string]any{
			"slo": map[string]any{"id": r.d.id, "name": r.d.name, "tags": r.d.tags, "instanceId": r.inst, "description": r.d.description,
				"indicator": map[string]any{"type": r.d.indicator["type"]}, "budgetingMethod": r.d.budgeting, "enabled": r.d.enabled,
				"timeWindow": map[string]any{"type": r.d.timeWindow["type"], "duration": r.d.timeWindow["duration"]}},
			"status": r.s.status, "sliValue": r.s.sli, "errorBudgetConsumed": r.s.consumed, "errorBudgetRemaining": r.s.remaining,
		}
	})
	if !ok {
		return
	}
	key := func(r row) float64 {
		switch sortBy {
		case "sli_value":
			return r.s.sli
		case "error_budget_consumed":
			return r.s.consumed
		case "error_budget_remaining":
			return r.s.remaining
		}
		return float64(sloStatusRank[r.s.status])
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		x, y := key(a), key(b)
		if desc {
			x, y = y, x
		}
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return strings.Compare(a.d.name+a.inst, b.d.name+b.inst)
	})
	// sortValues is a row's cursor, as Elasticsearch's sort answers it.
	sortValues := func(r row) []any { return []any{key(r), r.d.id, r.inst} }
	if c.query("size") != "" || c.query("searchAfter") != "" {
		// Cursor paging: size rows after the searchAfter row's sort values.
		size, ok := platQueryNumber(c, "size", 1, 1, 5000)
		if !ok {
			return
		}
		from := 0
		if raw := c.query("searchAfter"); raw != "" {
			var after []any
			if json.Unmarshal([]byte(raw), &after) != nil || len(after) == 0 {
				c.badRequest("Invalid searchAfter value, must be a JSON array of strings or numbers")
				return
			}
			want, _ := json.Marshal(after)
			from = len(rows)
			for i, r := range rows {
				if got, _ := json.Marshal(sortValues(r)); string(got) == string(want) {
					from = i + 1
					break
				}
			}
		}
		to := min(from+size, len(rows))
		results := make([]map[string]any, 0, to-from)
		for _, r := range rows[from:to] {
			results = append(results, r.d.withSummary(r.inst, now))
		}
		answer := map[string]any{"size": size, "total": len(rows), "results": results}
		if to > from {
			answer["searchAfter"] = sortValues(rows[to-1])
		}
		c.ok(answer)
		return
	}
	from, to := platPage(len(rows), page, perPage)
	results := make([]map[string]any, 0, to-from)
	for _, r := range rows[from:to] {
		results = append(results, r.d.withSummary(r.inst, now))
	}
	c.ok(map[string]any{"page": page, "perPage": perPage, "total": len(rows), "results": results})
}

func (k *Kibana) findSLODefinitions(c *call) {
	for _, name := range []string{"includeOutdatedOnly", "includeHealth"} {
		if _, ok := platQueryBool(c, name); !ok {
			return
		}
	}
	outdated, _ := platQueryBool(c, "includeOutdatedOnly")
	page, ok := platQueryNumber(c, "page", 1, 1, 0)
	if !ok {
		return
	}
	perPage, ok := platQueryNumber(c, "perPage", 100, 1, 1000)
	if !ok {
		return
	}
	search := strings.ToLower(c.query("search"))
	var tags []string
	for _, t := range strings.Split(c.query("tags"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	now := k.cfg.Now()
	var hits []map[string]any
	for _, d := range c.space.slos.slos.all() {
		switch {
		case outdated: // every stored SLO is of the current version
			continue
		case search != "" && !strings.Contains(strings.ToLower(d.name), search):
			continue
		case len(tags) > 0 && !slices.ContainsFunc(tags, func(t string) bool { return slices.Contains(d.tags, t) }):
			continue
		}
		hits = append(hits, d.withSummary(sloAll, now))
	}
	from, to := platPage(len(hits), page, perPage)
	c.ok(map[string]any{"page": page, "perPage": perPage, "total": len(hits), "results": append([]map[string]any{}, hits[from:to]...)})
}

// ---- The story ----

// storyAlertSpan is when a story rule's alerts in the space were raised:
// the first and last; zero when none.
func storyAlertSpan(sp *space, ruleName string, now time.Time) (first, last time.Time) {
	clause, _ := es.KQL(fmt.Sprintf("kibana.alert.rule.name: %q", ruleName), es.KQLOptions{})
	docs, _ := sp.alerts.index.Matching(clause, now)
	for _, d := range docs {
		t, err := time.Parse(time.RFC3339Nano, es.String(d.Source["@timestamp"]))
		if err != nil {
			continue
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return first, last
}

// web03Outage is the story's web-03 outage, the same for the monitor and
// the SLO: two days ago, 40 minutes from 14:20 UTC.
func web03Outage(now time.Time) (time.Time, time.Time) {
	start := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -2).Add(14*time.Hour + 20*time.Minute)
	return start, start.Add(40 * time.Minute)
}

// seedSLOs gives a space its story's SLOs. It draws no ids from the
// sandbox's sequence.
func (k *Kibana) seedSLOs(sp *space) {
	now := k.cfg.Now().UTC()
	day := 24 * time.Hour
	created := now.Add(-75 * day).Truncate(time.Hour)
	kql := func(index, good, total string) map[string]any {
		return map[string]any{"type": "sli.kql.custom", "params": map[string]any{"index": index, "timestampField": "@timestamp", "good": good, "total": total, "filter": ""}}
	}
	rolling := func(d string) map[string]any { return map[string]any{"type": "rolling", "duration": d} }
	month := map[string]any{"type": "calendarAligned", "duration": "1M"}
	gateway, web, webHosts := "vpn-gw-01", "web", []string{"web-01", "web-02", "web-03"}
	if sp.id == "soc" {
		gateway, web, webHosts = "portal-web-01", "portal-api", []string{"portal-api-01", "portal-api-02"}
	}
	bruteFrom, bruteTo := storyAlertSpan(sp, storyRules[0].Name, now)
	outFrom, outTo := web03Outage(now)

	defs := []*sloDef{
		{id: "vpn-gw-availability", name: "VPN gateway availability", tags: []string{"network", "vpn"},
			description: fmt.Sprintf("Share of VPN logins and tunnel health checks on %s that succeed.", gateway),
			indicator:   kql("logs-system.auth-*", "event.outcome: success", "host.name: "+gateway+" and event.category: (authentication or network)"),
			timeWindow:  rolling("7d"), budgeting: "occurrences", objective: map[string]any{"target": 0.999},
			// The brute force flooded the gateway: a fifth of logins failed or timed out.
			incidents: []sloIncident{{from: bruteFrom.Add(-30 * time.Minute), to: bruteTo.Add(30 * time.Minute), bad: 0.2}}},
		{id: "web-latency-by-host", name: "Web front-end latency", tags: []string{"web", "latency"},
			description: "Requests answered within 300 ms, per host.",
			indicator:   map[string]any{"type": "sli.apm.transactionDuration", "params": map[string]any{"service": web + "-frontend", "environment": "production", "transactionType": "request", "transactionName": "*", "index": "metrics-apm*,apm-*", "threshold": 300.0}},
			timeWindow:  month, budgeting: "occurrences", objective: map[string]any{"target": 0.99},
			groupBy: []any{"host.name"}, instances: webHosts},
		{id: "checkout-api-availability", name: "Checkout API availability", tags: []string{"web", "payments"},
			description: "Checkout requests that do not fail.",
			indicator:   map[string]any{"type": "sli.apm.transactionErrorRate", "params": map[string]any{"service": "checkout", "environment": "production", "transactionType": "request", "transactionName": "POST /api/checkout", "index": "metrics-apm*,apm-*"}},
			timeWindow:  rolling("30d"), budgeting: "occurrences", objective: map[string]any{"target": 0.995}},
		{id: "mail-relay-latency", name: "Mail relay queue time", tags: []string{"mail"}, enabled: false, disabledAt: now.Add(-10 * day),
			description: "One-minute slices whose 95th percentile queue time stays under 30 s. Disabled while the relay is migrated.",
			indicator: map[string]any{"type": "sli.metric.timeslice", "params": map[string]any{"index": "metrics-postfix*", "timestampField": "@timestamp",
				"metric": map[string]any{"metrics": []any{map[string]any{"name": "A", "aggregation": "percentile", "field": "postfix.queue.delay", "percentile": 95.0}}, "equation": "A", "comparator": "LT", "threshold": 30.0}}},
			timeWindow: rolling("30d"), budgeting: "timeslices", objective: map[string]any{"target": 0.98, "timesliceTarget": 0.9, "timesliceWindow": "1m"}},
	}
	if sp.id != "soc" {
		defs = append(defs, &sloDef{id: "web-03-site-availability", name: "Intranet site availability (web-03)", tags: []string{"web", "synthetics"},
			description: "Synthetics checks of https://intranet.acme.internal on web-03 that are up.",
			indicator:   kql("synthetics-http-*", "monitor.status: up", "monitor.name: \"Intranet (web-03)\""),
			timeWindow:  rolling("7d"), budgeting: "occurrences", objective: map[string]any{"target": 0.995},
			incidents: []sloIncident{{from: outFrom, to: outTo, bad: 1}}})
		// web-02 runs an older agent and a slower kernel: more slow requests.
		defs[1].incidents = []sloIncident{{instance: "web-02", from: now.Add(-9 * day), to: now, bad: 0.012}, {instance: "web-03", from: outFrom, to: outTo, bad: 1}}
	} else {
		// portal-api-02 went offline seven hours ago (Fleet's story).
		defs[1].incidents = []sloIncident{{instance: "portal-api-02", from: now.Add(-7 * time.Hour), to: now, bad: 1}}
	}
	for _, d := range defs {
		if d.disabledAt.IsZero() {
			d.enabled = true
		}
		if d.groupBy == nil {
			d.groupBy = sloAll
		}
		d.revision, d.createdAt, d.updatedAt, d.historyFrom = 1, created, created, created
		d.settings = sloDefaultSettings()
		k.sloNoise(d)
		sp.slos.slos.put(d.id, d)
	}
	sp.slos.tasks = map[string][]map[string]any{
		"slo-bulk-delete-2f8a6c1e": {{"id": "old-mail-relay-availability", "success": true}, {"id": "ldap-latency", "success": false, "error": "SLO [ldap-latency] not found"}},
	}
}

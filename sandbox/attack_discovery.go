package sandbox

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Attack discovery: generating, finding and dismissing discoveries, and their schedules (/api/attack_discovery/*).
//
// A generation stands in for an LLM run: it reads the space's open and
// acknowledged detection alerts in its time range, links those that share
// a host, a user or a rule into attack chains, and writes one discovery per
// chain (title, markdown summaries with Kibana's {{ field value }} syntax,
// MITRE tactics, the real alert ids). It starts "started" and succeeds
// after a short delay on the sandbox clock, or at the second read that
// finds it still running, so a frozen test clock still sees it finish.
// Generation is in attack_discovery_generate.go, schedules in
// attack_discovery_schedules.go.
//
// Discoveries are private to the user who generated them unless shared
// (Kibana's users list, empty when shared); the user is the Basic user or,
// for an API key, elastic.

// attackDiscoveryState is what a space holds of this area; it works from its zero value.
type attackDiscoveryState struct {
	discoveries []*adDiscovery // oldest first
	generations []*adGeneration
	schedules   map[string]*adSchedule
	order       []string // schedule ids, oldest first
}

// adDiscovery is one attack discovery (an alert of its own in Kibana).
type adDiscovery struct {
	id, generation          string
	connectorID, connector  string
	title, summary, details string // markdown with {{ field value }} pivots, real values
	entitySummary           string
	alertIDs                []string
	tactics                 []string
	risk                    int
	at                      time.Time
	replacements            map[string]string // placeholder -> real value
	user                    string            // who generated it; "" for a schedule
	users                   []string          // who may see it; empty when shared
	schedule                string            // the schedule that produced it
	status                  string
	statusAt, updatedAt     time.Time
	updatedBy               string
}

// adGeneration is one run of attack discovery.
type adGeneration struct {
	uuid, connectorID, connector, user string
	start, due, end                    time.Time
	status, reason                     string // started, succeeded, failed, canceled, dismissed
	alertsContext                      int
	dismissed                          bool
	seen                               bool           // a read found it still running
	pending                            []*adDiscovery // written when it succeeds
	discoveries                        int
	window                             string // what the loading message says about the range
}

// adDelay is how long a generation runs on the sandbox clock.
const adDelay = 45 * time.Second

func (k *Kibana) attackDiscoveryRoutes() []route {
	return []route{
		newRoute(http.MethodPost, "/api/attack_discovery/_generate", k.generateAttackDiscovery),
		newRoute(http.MethodGet, "/api/attack_discovery/_find", k.findAttackDiscoveries),
		newRoute(http.MethodPost, "/api/attack_discovery/_bulk", k.bulkUpdateAttackDiscoveries),
		newRoute(http.MethodGet, "/api/attack_discovery/generations", k.listAttackDiscoveryGenerations),
		newRoute(http.MethodGet, "/api/attack_discovery/generations/{execution_uuid}", k.getAttackDiscoveryGeneration),
		newRoute(http.MethodPost, "/api/attack_discovery/generations/{execution_uuid}/_dismiss", k.dismissAttackDiscoveryGeneration),
		newRoute(http.MethodPost, "/api/attack_discovery/schedules", k.createAttackDiscoverySchedule),
		newRoute(http.MethodGet, "/api/attack_discovery/schedules/_find", k.findAttackDiscoverySchedules),
		newRoute(http.MethodGet, "/api/attack_discovery/schedules/{id}", k.getAttackDiscoverySchedule),
		newRoute(http.MethodPut, "/api/attack_discovery/schedules/{id}", k.updateAttackDiscoverySchedule),
		newRoute(http.MethodDelete, "/api/attack_discovery/schedules/{id}", k.deleteAttackDiscoverySchedule),
		newRoute(http.MethodPost, "/api/attack_discovery/schedules/{id}/_enable", k.enableAttackDiscoverySchedule),
		newRoute(http.MethodPost, "/api/attack_discovery/schedules/{id}/_disable", k.disableAttackDiscoverySchedule),
	}
}

// adError answers the attack discovery routes' own errors.
func adError(c *call, status int, msg string) {
	c.json(status, map[string]any{"status_code": status, "error": http.StatusText(status), "message": msg})
}

// adTick moves a space's generations on before a request looks at them:
// a generation succeeds when its time has come, or at the second read that
// finds it running (writes do not count as reads).
func (k *Kibana) adTick(sp *space, read bool) {
	now := k.cfg.Now().UTC()
	for _, g := range sp.attackDisc.generations {
		if !g.end.IsZero() || g.reason != "" {
			continue // finished, or failed
		}
		switch {
		case !now.Before(g.due):
			k.adComplete(sp, g, g.due)
		case !read:
		case g.seen:
			k.adComplete(sp, g, now.Truncate(time.Millisecond))
		default:
			g.seen = true
		}
	}
}

// adComplete finishes a generation: its discoveries are written, stamped
// with the time it ended.
func (k *Kibana) adComplete(sp *space, g *adGeneration, at time.Time) {
	g.end = at
	if !g.dismissed {
		g.status = "succeeded"
	}
	for _, d := range g.pending {
		d.at, d.statusAt, d.updatedAt = at, at, at
		sp.attackDisc.discoveries = append(sp.attackDisc.discoveries, d)
	}
	g.discoveries = len(g.pending)
	g.pending = nil
}

// adUser is who the request acts as.
func adUser(c *call) string { return ruleUser(c) }

// visibleTo reports whether a user may see a discovery.
func (d *adDiscovery) visibleTo(user string) bool {
	return len(d.users) == 0 || slices.Contains(d.users, user)
}

// adPivot is Kibana's pivot syntax in discovery markdown: {{ field value }}.
var adPivot = lazyRegexp(`\{\{\s*(\S+)\s+(.*?)\s*\}\}`)

// render is a markdown text as asked: real values or their placeholders,
// pivots kept or reduced to their values.
func (d *adDiscovery) render(text string, withReplacements, fieldRendering bool) string {
	if !withReplacements && len(d.replacements) > 0 {
		pairs := make([][2]string, 0, len(d.replacements))
		for ph, real := range d.replacements {
			pairs = append(pairs, [2]string{ph, real})
		}
		// Longer values first, so a value inside another is not replaced in it.
		sort.Slice(pairs, func(i, j int) bool {
			if len(pairs[i][1]) != len(pairs[j][1]) {
				return len(pairs[i][1]) > len(pairs[j][1])
			}
			return pairs[i][1] < pairs[j][1]
		})
		for _, p := range pairs {
			text = strings.ReplaceAll(text, p[1], p[0])
		}
	}
	if !fieldRendering {
		text = adPivot().ReplaceAllString(text, "$2")
	}
	return text
}

// doc is a discovery as the public API answers it.
func (d *adDiscovery) doc(withReplacements, fieldRendering bool) map[string]any {
	doc := map[string]any{
		"id": d.id, "generation_uuid": d.generation, "alert_ids": d.alertIDs,
		"connector_id": d.connectorID, "connector_name": d.connector,
		"title":                   d.render(d.title, withReplacements, fieldRendering),
		"summary_markdown":        d.render(d.summary, withReplacements, fieldRendering),
		"details_markdown":        d.render(d.details, withReplacements, fieldRendering),
		"entity_summary_markdown": d.render(d.entitySummary, withReplacements, fieldRendering),
		"mitre_attack_tactics":    d.tactics, "risk_score": d.risk,
		"timestamp": epStamp(d.at), "alert_start": epStamp(d.at), "alert_updated_at": epStamp(d.updatedAt),
		"alert_workflow_status": d.status, "alert_workflow_status_updated_at": epStamp(d.statusAt),
		"replacements": d.replacements,
	}
	if d.replacements == nil {
		doc["replacements"] = map[string]string{}
	}
	users := []any{}
	for _, u := range d.users {
		users = append(users, map[string]any{"id": alertUserUID(u), "name": u})
	}
	doc["users"] = users
	if d.user != "" {
		doc["user_id"], doc["user_name"] = alertUserUID(d.user), d.user
	}
	if d.schedule != "" {
		doc["alert_rule_uuid"] = d.schedule
	}
	if d.updatedBy != "" {
		doc["alert_updated_by_user_id"], doc["alert_updated_by_user_name"] = alertUserUID(d.updatedBy), d.updatedBy
	}
	return doc
}

// adQuery reads the query parameters these routes share, noting problems
// in zod's words.
type adQuery struct {
	c *call
	z zod
}

func newADQuery(c *call) *adQuery { return &adQuery{c: c, z: zod{where: "request query"}} }

func (q *adQuery) boolean(name string, def bool) bool {
	switch s := q.c.query(name); s {
	case "":
		return def
	case "true":
		return true
	case "false":
		return false
	default:
		q.z.add(name, "Invalid enum value. Expected 'true' | 'false', received '%s'", s)
		return def
	}
}

func (q *adQuery) number(name string, def int, integer bool) int {
	s := q.c.query(name)
	if s == "" {
		return def
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil:
		q.z.add(name, "Expected number, received nan")
	case integer && f != float64(int(f)):
		q.z.add(name, "Expected integer, received float")
	case f < 1:
		q.z.add(name, "Number must be greater than or equal to 1")
	default:
		return int(f)
	}
	return def
}

func (q *adQuery) enum(name, def string, allowed ...string) string {
	s := q.c.query(name)
	if s == "" {
		return def
	}
	if !slices.Contains(allowed, s) {
		q.z.add(name, "Invalid enum value. Expected '%s', received '%s'", strings.Join(allowed, "' | '"), s)
		return def
	}
	return s
}

// date reads a time bound (ISO or date math); zero when absent.
func (q *adQuery) date(name string, roundUp bool) time.Time {
	s := q.c.query(name)
	if s == "" {
		return time.Time{}
	}
	t, ok := dateMath(s, q.c.k.cfg.Now(), roundUp)
	if !ok {
		q.z.add(name, "Invalid date: %q is neither an ISO 8601 timestamp nor date math such as now-24h", s)
	}
	return t
}

func (k *Kibana) findAttackDiscoveries(c *call) {
	q := newADQuery(c)
	fieldRendering := q.boolean("enable_field_rendering", false)
	withReplacements := q.boolean("with_replacements", true)
	uniqueIDs := q.boolean("include_unique_alert_ids", false)
	page := q.number("page", 1, true)
	perPage := q.number("per_page", 10, true)
	q.enum("sort_field", "@timestamp", "@timestamp")
	order := q.enum("sort_order", "desc", "asc", "desc")
	start, end := q.date("start", false), q.date("end", true)
	statuses := c.queryAll("status")
	for _, s := range statuses {
		if !slices.Contains([]string{"acknowledged", "closed", "open"}, s) {
			q.z.add("status", "Invalid enum value. Expected 'acknowledged' | 'closed' | 'open', received '%s'", s)
		}
	}
	shared := c.query("shared")
	if shared != "" {
		q.boolean("shared", false)
	}
	if q.z.answer(c) {
		return
	}
	k.adTick(c.space, true)
	user := adUser(c)
	ids, alertIDs, connectors := c.queryAll("ids"), c.queryAll("alert_ids"), c.queryAll("connector_names")
	search := strings.ToLower(strings.TrimSpace(c.query("search")))
	var matched []*adDiscovery
	for _, d := range c.space.attackDisc.discoveries {
		switch {
		case !d.visibleTo(user):
		case shared == "true" && len(d.users) > 0, shared == "false" && len(d.users) == 0:
		case len(ids) > 0 && !slices.Contains(ids, d.id):
		case len(alertIDs) > 0 && !slices.ContainsFunc(d.alertIDs, func(id string) bool { return slices.Contains(alertIDs, id) }):
		case len(connectors) > 0 && !slices.Contains(connectors, d.connector):
		case len(statuses) > 0 && !slices.Contains(statuses, d.status):
		case !start.IsZero() && d.at.Before(start), !end.IsZero() && d.at.After(end):
		case search != "" && !d.matches(search):
		default:
			matched = append(matched, d)
		}
	}
	sort.SliceStable(matched, func(i, j int) bool {
		if order == "asc" {
			return matched[i].at.Before(matched[j].at)
		}
		return matched[i].at.After(matched[j].at)
	})
	names := []string{}
	var unique []string
	for _, d := range matched {
		if !slices.Contains(names, d.connector) {
			names = append(names, d.connector)
		}
		for _, id := range d.alertIDs {
			if !slices.Contains(unique, id) {
				unique = append(unique, id)
			}
		}
	}
	sort.Strings(names)
	data := []any{}
	from := (page - 1) * perPage
	for i := from; i < len(matched) && i < from+perPage; i++ {
		data = append(data, matched[i].doc(withReplacements, fieldRendering))
	}
	answer := map[string]any{"connector_names": names, "data": data, "page": page, "per_page": perPage,
		"total": len(matched), "unique_alert_ids_count": len(unique)}
	if uniqueIDs {
		answer["unique_alert_ids"] = append([]string{}, unique...)
	}
	c.ok(answer)
}

// matches reports whether a discovery's texts hold a search, as the user
// reads them.
func (d *adDiscovery) matches(search string) bool {
	for _, text := range []string{d.title, d.summary, d.details, d.entitySummary} {
		if strings.Contains(strings.ToLower(d.render(text, true, false)), search) {
			return true
		}
	}
	return false
}

func (k *Kibana) bulkUpdateAttackDiscoveries(c *call) {
	z := &zod{where: "request body"}
	body := z.body(c)
	var update map[string]any
	if body != nil {
		update, _ = z.object(body, "update", true)
	}
	var ids []string
	var status, visibility string
	fieldRendering, withReplacements := false, true
	if update != nil {
		ids, _ = z.stringList(update, "update", "ids", true, 0, false)
		if _, ok := update["kibana_alert_workflow_status"]; ok {
			status, _ = z.enum(update, "kibana_alert_workflow_status", false, "open", "acknowledged", "closed")
		}
		if _, ok := update["visibility"]; ok {
			visibility, _ = z.enum(update, "visibility", false, "not_shared", "shared")
		}
		fieldRendering = adBodyBool(z, update, "update", "enable_field_rendering", false)
		withReplacements = adBodyBool(z, update, "update", "with_replacements", true)
	}
	if z.answer(c) {
		return
	}
	k.adTick(c.space, false)
	user := adUser(c)
	now := k.cfg.Now().UTC().Truncate(time.Millisecond)
	data := []any{}
	for _, d := range c.space.attackDisc.discoveries {
		if !slices.Contains(ids, d.id) || !d.visibleTo(user) {
			continue
		}
		if status != "" && status != d.status {
			d.status, d.statusAt = status, now
		}
		switch visibility {
		case "shared":
			d.users = nil
		case "not_shared":
			d.users = []string{user}
		}
		if status != "" || visibility != "" {
			d.updatedAt, d.updatedBy = now, user
		}
		data = append(data, d.doc(withReplacements, fieldRendering))
	}
	c.ok(map[string]any{"data": data})
}

// adBodyBool reads an optional boolean member.
func adBodyBool(z *zod, m map[string]any, path, key string, def bool) bool {
	v, ok := m[key]
	if !ok {
		return def
	}
	b, isBool := v.(bool)
	if !isBool {
		z.add(joinDetPath(path, key), "Expected boolean, received %s", zodType(v))
		return def
	}
	return b
}

// ---- Generations ----

// adGenerationDoc is a generation's metadata as the API answers it, with
// the connector's record for the same user.
func (k *Kibana) adGenerationDoc(sp *space, g *adGeneration) map[string]any {
	doc := map[string]any{
		"execution_uuid": g.uuid, "connector_id": g.connectorID, "status": g.status,
		"start": epStamp(g.start), "discoveries": g.discoveries, "alerts_context_count": g.alertsContext,
		"loading_message": fmt.Sprintf("AI is analyzing up to %d alerts %s to generate discoveries.", g.alertsContext, g.window),
	}
	if !g.end.IsZero() {
		doc["end"] = epStamp(g.end)
	}
	if g.reason != "" {
		doc["reason"] = g.reason
	}
	var n int
	var total time.Duration
	for _, other := range sp.attackDisc.generations {
		if other.connectorID == g.connectorID && other.user == g.user && !other.end.IsZero() && other.reason == "" {
			n++
			total += other.end.Sub(other.start)
		}
	}
	stats := map[string]any{"successful_generations": n}
	if n > 0 {
		stats["average_successful_duration_nanoseconds"] = total.Nanoseconds() / int64(n)
	}
	doc["connector_stats"] = stats
	return doc
}

func (k *Kibana) listAttackDiscoveryGenerations(c *call) {
	q := newADQuery(c)
	size := q.number("size", 50, false)
	start, end := q.date("start", false), q.date("end", true)
	if q.z.answer(c) {
		return
	}
	k.adTick(c.space, true)
	user := adUser(c)
	gens := slices.Clone(c.space.attackDisc.generations)
	slices.Reverse(gens) // the newest first among those started together
	sort.SliceStable(gens, func(i, j int) bool { return gens[i].start.After(gens[j].start) })
	out := []any{}
	for _, g := range gens {
		switch {
		case g.dismissed || g.user != user:
		case !start.IsZero() && g.start.Before(start), !end.IsZero() && g.start.After(end):
		case len(out) >= size:
		default:
			out = append(out, k.adGenerationDoc(c.space, g))
		}
	}
	c.ok(map[string]any{"generations": out})
}

// adGenerationOf finds the generation of the path, answering 404 without
// one.
func (k *Kibana) adGenerationOf(c *call) *adGeneration {
	id := c.param("execution_uuid")
	for _, g := range c.space.attackDisc.generations {
		if g.uuid == id && g.user == adUser(c) {
			return g
		}
	}
	adError(c, http.StatusNotFound, fmt.Sprintf("Generation with execution_uuid %s not found", id))
	return nil
}

func (k *Kibana) getAttackDiscoveryGeneration(c *call) {
	q := newADQuery(c)
	fieldRendering := q.boolean("enable_field_rendering", false)
	withReplacements := q.boolean("with_replacements", true)
	if q.z.answer(c) {
		return
	}
	k.adTick(c.space, true)
	g := k.adGenerationOf(c)
	if g == nil {
		return
	}
	data := []any{}
	for _, d := range c.space.attackDisc.discoveries {
		if d.generation == g.uuid && d.visibleTo(adUser(c)) {
			data = append(data, d.doc(withReplacements, fieldRendering))
		}
	}
	c.ok(map[string]any{"data": data, "generation": k.adGenerationDoc(c.space, g)})
}

func (k *Kibana) dismissAttackDiscoveryGeneration(c *call) {
	k.adTick(c.space, false)
	g := k.adGenerationOf(c)
	if g == nil {
		return
	}
	g.dismissed, g.status = true, "dismissed"
	c.ok(k.adGenerationDoc(c.space, g))
}

// seedAttackDiscovery gives each space believable data of this area: an AI
// connector, one generation that finished three hours ago with the
// discoveries it found in the three days before, and a daily schedule. Its ids
// come from the space id, not the shared random source, so they stay put
// when other areas change their seeds.
func (k *Kibana) seedAttackDiscovery(sp *space, _ *rand.Rand) {
	now := k.cfg.Now().UTC().Truncate(time.Second)
	ai := adSeedConnector(sp)
	st := &sp.attackDisc
	started := now.Add(-3 * time.Hour).Add(-17 * time.Minute)
	g := &adGeneration{uuid: adSeedID(sp.id, "generation", 1), connectorID: ai.id, connector: ai.name, user: "elastic",
		start: started, due: started.Add(52 * time.Second), status: "started", window: "in the last 3 days"}
	alerts := adSelectAlerts(sp, started.Add(-72*time.Hour), started, nil, 100)
	g.alertsContext = len(alerts)
	g.pending = adBuild(sp, g, alerts, adAnonymized(sp, nil))
	st.generations = append(st.generations, g)
	k.adComplete(sp, g, g.due)
	// The team looked at the first discovery and shared it.
	if len(st.discoveries) > 0 {
		d := st.discoveries[0]
		d.status, d.statusAt, d.updatedAt, d.updatedBy = "acknowledged", g.due.Add(40*time.Minute), g.due.Add(40*time.Minute), "elastic"
		d.users = nil
	}
	k.seedAttackDiscoverySchedules(sp, ai, now)
}

package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The Synthetics API: monitors, parameters and private locations kept per
// space, and on-demand test runs.
//
// What the sandbox approximates: monitors never run on their schedule and
// write no synthetics-* documents; each has a status computed at each read
// from its story (the VPN portal slowed down by the brute force, the
// web-03 outage, db-01 and portal-api-02 offline as Fleet shows them):
// down while an outage covers now, disabled, pending before its first
// scheduled run, else up. The find route filters and sorts by it. A test
// run succeeds from Elastic's locations and from a private location whose
// agent policy has an online agent; it answers an error for a private
// location whose policy is gone or has no agent online. Parameter values
// are answered (the sandbox's key may write). Private locations are kept
// per space (Kibana shares them across the spaces they list).

// syntheticsState holds a space's Synthetics objects; its zero value is
// none.
type syntheticsState struct {
	monitors  fleetStore[synMonitor]
	params    fleetStore[synParam]
	locations fleetStore[privLocation]
	testRuns  map[string]string // test run id → monitor id
}

// synMonitor is one monitor: its stored configuration as answered, and
// the outages of its story.
type synMonitor struct {
	id, typ   string
	attrs     map[string]any
	created   time.Time
	updatedAt time.Time
	outages   [][2]time.Time
}

type synParam struct {
	id, key, value, description string
	tags                        []string
	shared                      bool
}

type privLocation struct {
	id, label, agentPolicyID string
	geo                      map[string]any
	spaces, tags             []string
}

// syntheticsLocations are Elastic's managed locations the sandbox knows.
var syntheticsLocations = map[string]struct {
	label    string
	lat, lon float64
}{
	"us_east":        {"North America - US East", 41.25, -95.86},
	"us_west":        {"North America - US West", 37.42, -122.08},
	"europe_west":    {"Europe - Belgium", 50.85, 4.35},
	"uk":             {"Europe - United Kingdom", 51.51, -0.12},
	"asia_southeast": {"Asia/Pacific - Singapore", 1.35, 103.82},
}

func (k *Kibana) syntheticsRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/synthetics/monitors", k.findMonitors),
		newRoute(http.MethodPost, "/api/synthetics/monitors", k.createMonitor),
		newRoute(http.MethodPost, "/api/synthetics/monitors/_bulk_delete", k.bulkDeleteMonitors),
		newRoute(http.MethodGet, "/api/synthetics/monitors/{id}", k.getMonitor),
		newRoute(http.MethodPut, "/api/synthetics/monitors/{id}", k.updateMonitor),
		newRoute(http.MethodDelete, "/api/synthetics/monitors/{id}", k.deleteMonitor),
		newRoute(http.MethodPost, "/api/synthetics/monitor/test/{monitorId}", k.testMonitor),
		newRoute(http.MethodGet, "/api/synthetics/params", k.listSynParams),
		newRoute(http.MethodPost, "/api/synthetics/params", k.createSynParam),
		newRoute(http.MethodDelete, "/api/synthetics/params/_bulk_delete", k.bulkDeleteSynParams),
		newRoute(http.MethodGet, "/api/synthetics/params/{id}", k.getSynParam),
		newRoute(http.MethodPut, "/api/synthetics/params/{id}", k.updateSynParam),
		newRoute(http.MethodDelete, "/api/synthetics/params/{id}", k.deleteSynParam),
		newRoute(http.MethodGet, "/api/synthetics/private_locations", k.listPrivateLocations),
		newRoute(http.MethodPost, "/api/synthetics/private_locations", k.createPrivateLocation),
		newRoute(http.MethodGet, "/api/synthetics/private_locations/{id}", k.getPrivateLocation),
		newRoute(http.MethodPut, "/api/synthetics/private_locations/{id}", k.updatePrivateLocation),
		newRoute(http.MethodDelete, "/api/synthetics/private_locations/{id}", k.deletePrivateLocation),
	}
}

// ---- Monitors ----

// status is the monitor's status at now.
func (m *synMonitor) status(now time.Time) string {
	if enabled, _ := m.attrs["enabled"].(bool); !enabled {
		return "disabled"
	}
	for _, o := range m.outages {
		if !now.Before(o[0]) && now.Before(o[1]) {
			return "down"
		}
	}
	var every int
	fmt.Sscan(fmt.Sprint(m.attrs["schedule"].(map[string]any)["number"]), &every)
	if now.Sub(m.created) < time.Duration(every)*time.Minute {
		return "pending"
	}
	return "up"
}

func (m *synMonitor) doc() map[string]any {
	d := cfgClone(m.attrs)
	d["id"], d["config_id"], d["type"] = m.id, m.id, m.typ
	d["created_at"], d["updated_at"] = epStamp(m.created), epStamp(m.updatedAt)
	delete(d, "password") // a secret: stored, never answered
	return d
}

// monitorTypeKeys are the members only some types take.
var monitorTypeKeys = map[string][]string{
	"http":    {"url", "check", "max_redirects", "mode", "ipv4", "ipv6", "password", "username", "proxy_headers", "proxy_url", "response", "ssl"},
	"tcp":     {"host", "mode", "ipv4", "ipv6", "proxy_url", "proxy_use_local_resolver", "ssl"},
	"icmp":    {"host", "wait", "mode", "ipv4", "ipv6"},
	"browser": {"inline_script", "screenshots", "synthetics_args", "ignore_https_errors", "playwright_options"},
}

var monitorCommonKeys = []string{"name", "type", "enabled", "alert", "labels", "locations", "private_locations", "namespace", "params",
	"retest_on_failure", "schedule", "service.name", "tags", "timeout"}

var monitorRequiredKey = map[string]string{"http": "url", "tcp": "host", "icmp": "host", "browser": "inline_script"}

var synNamespaceRE = lazyRegexp(`^[a-z0-9_]+$`)

// applyMonitorBody checks a body and merges it into attrs (a new monitor's
// defaults, or the stored configuration); the 400 message, or "".
func (k *Kibana) applyMonitorBody(c *call, typ string, attrs, body map[string]any, create bool) string {
	allowed := append(slices.Clone(monitorCommonKeys), monitorTypeKeys[typ]...)
	keys := make([]string, 0, len(body))
	for key := range body {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	var invalid []string
	for _, key := range keys {
		if !slices.Contains(allowed, key) {
			invalid = append(invalid, key)
		}
	}
	if len(invalid) > 0 {
		return fmt.Sprintf("Invalid monitor key(s) for %s type: %s", typ, strings.Join(invalid, " | "))
	}
	if name, ok := body["name"].(string); create && (!ok || strings.TrimSpace(name) == "") {
		return "[request body.name]: expected value of type [string] but got [undefined]"
	}
	need := monitorRequiredKey[typ]
	if v, ok := body[need]; ok || create {
		if s, _ := v.(string); strings.TrimSpace(s) == "" {
			return fmt.Sprintf("Monitor is not a valid monitor of type %s: %s is required", typ, need)
		}
	}
	if u, ok := body["url"].(string); ok {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return "Invalid URL: " + u
		}
	}
	if v, ok := body["schedule"]; ok && !slices.Contains([]float64{1, 3, 5, 10, 15, 30, 60, 120, 240}, cfgNumber(v)) {
		return fmt.Sprintf("Invalid schedule %v minutes supplied to monitor configuration. Supported schedule values in minutes are 1, 3, 5, 10, 15, 30, 60, 120, 240", v)
	}
	if ns, ok := body["namespace"].(string); ok && !synNamespaceRE().MatchString(ns) {
		return "Namespace contains invalid characters"
	}
	if p, ok := body["params"].(string); ok && p != "" {
		var obj map[string]any
		if json.Unmarshal([]byte(p), &obj) != nil {
			return "Invalid params: " + p
		}
	}
	if m, ok := body["mode"]; ok && m != "any" && m != "all" {
		return fmt.Sprintf("Invalid value \"%v\" supplied to mode", m)
	}
	for key, v := range body {
		attrs[key] = cfgCloneValue(v)
	}
	if v, ok := body["schedule"]; ok {
		attrs["schedule"] = map[string]any{"number": fmt.Sprint(cfgNumber(v)), "unit": "m"}
	}
	if v, ok := body["timeout"]; ok {
		attrs["timeout"] = fmt.Sprint(cfgNumber(v))
	}
	_, hasLoc := body["locations"]
	_, hasPriv := body["private_locations"]
	if create || hasLoc || hasPriv {
		locs, msg := k.monitorLocations(c, body)
		if msg != "" {
			return msg
		}
		if len(locs) == 0 {
			return "At least one location is required, either elastic managed or private e.g locations: ['us_east'] or private_locations: ['test private location']"
		}
		attrs["locations"] = locs
		delete(attrs, "private_locations")
	}
	return ""
}

// monitorLocations resolves a body's locations and private_locations.
func (k *Kibana) monitorLocations(c *call, body map[string]any) ([]any, string) {
	var out []any
	for _, id := range platStrings(body["locations"]) {
		loc, ok := syntheticsLocations[id]
		if !ok {
			return nil, fmt.Sprintf("Invalid locations specified. Elastic managed Location(s) '%s' not found. Available locations are '%s'", id, strings.Join(sortedKeys(syntheticsLocations), "|"))
		}
		out = append(out, map[string]any{"id": id, "label": loc.label, "geo": map[string]any{"lat": loc.lat, "lon": loc.lon}, "isServiceManaged": true})
	}
	for _, ref := range platStrings(body["private_locations"]) {
		pl := c.space.synthetics.privateLocation(ref)
		if pl == nil {
			return nil, fmt.Sprintf("Invalid private locations specified. Private Location(s) '%s' not found.", ref)
		}
		out = append(out, map[string]any{"id": pl.id, "label": pl.label, "geo": cfgClone(pl.geo), "isServiceManaged": false, "agentPolicyId": pl.agentPolicyID})
	}
	return out, ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func monitorDefaults(typ string) map[string]any {
	attrs := map[string]any{
		"enabled": true, "alert": map[string]any{"status": map[string]any{"enabled": true}, "tls": map[string]any{"enabled": true}},
		"schedule": map[string]any{"number": "3", "unit": "m"}, "namespace": "default", "tags": []any{}, "labels": map[string]any{},
		"timeout": "16", "retest_on_failure": true, "origin": "ui", "params": "", "revision": 1,
	}
	switch typ {
	case "http":
		attrs["max_redirects"], attrs["mode"], attrs["ipv4"], attrs["ipv6"] = "0", "any", true, true
	case "tcp":
		attrs["mode"], attrs["ipv4"], attrs["ipv6"] = "any", true, true
	case "icmp":
		attrs["wait"], attrs["mode"], attrs["ipv4"], attrs["ipv6"] = "1", "any", true, true
	case "browser":
		attrs["schedule"] = map[string]any{"number": "10", "unit": "m"}
		attrs["screenshots"], attrs["timeout"] = "on", nil
	}
	return attrs
}

func (k *Kibana) createMonitor(c *call) {
	if !c.requireBody() {
		return
	}
	typ, _ := c.body["type"].(string)
	if monitorTypeKeys[typ] == nil {
		c.badRequest(epOneOfMessage("request body.type", []string{"http", "tcp", "icmp", "browser"}))
		return
	}
	attrs := monitorDefaults(typ)
	if msg := k.applyMonitorBody(c, typ, attrs, c.body, true); msg != "" {
		c.badRequest(msg)
		return
	}
	now := k.cfg.Now().UTC()
	m := &synMonitor{id: k.newID(), typ: typ, attrs: attrs, created: now, updatedAt: now}
	c.space.synthetics.monitors.put(m.id, m)
	c.ok(m.doc())
}

func lookupMonitor(c *call, id string) *synMonitor {
	m := c.space.synthetics.monitors.get(id)
	if m == nil {
		c.notFound(fmt.Sprintf("Monitor id %s not found!", id))
	}
	return m
}

func (k *Kibana) getMonitor(c *call) {
	if m := lookupMonitor(c, c.param("id")); m != nil {
		c.ok(m.doc())
	}
}

func (k *Kibana) updateMonitor(c *call) {
	if !c.requireBody() {
		return
	}
	m := lookupMonitor(c, c.param("id"))
	if m == nil {
		return
	}
	if typ, ok := c.body["type"].(string); ok && typ != m.typ {
		c.badRequest(fmt.Sprintf("Monitor type cannot be changed from %s to %s.", m.typ, typ))
		return
	}
	attrs := cfgClone(m.attrs)
	if msg := k.applyMonitorBody(c, m.typ, attrs, c.body, false); msg != "" {
		c.badRequest(msg)
		return
	}
	delete(attrs, "type")
	attrs["revision"] = int(cfgNumber(attrs["revision"])) + 1
	m.attrs, m.updatedAt = attrs, k.cfg.Now().UTC()
	c.ok(m.doc())
}

func (k *Kibana) deleteMonitor(c *call) {
	if m := lookupMonitor(c, c.param("id")); m != nil {
		c.space.synthetics.monitors.remove(m.id)
		c.ok([]any{map[string]any{"id": m.id, "deleted": true}})
	}
}

func (k *Kibana) bulkDeleteMonitors(c *call) {
	ids, ok := synIDs(c)
	if !ok {
		return
	}
	out := []any{}
	for _, id := range ids {
		st := &c.space.synthetics.monitors
		deleted := st.get(id) != nil
		st.remove(id)
		out = append(out, map[string]any{"ids": id, "deleted": deleted})
	}
	c.ok(out)
}

// synIDs reads a {ids: [...]} body; false when answered.
func synIDs(c *call) ([]string, bool) {
	if !c.requireBody() {
		return nil, false
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{{name: "ids", kind: "strings", required: true}}, true)
	if msg != "" {
		c.badRequest(msg)
		return nil, false
	}
	return platStrings(body["ids"]), true
}

// synMonitorKQL reads a filter's fields as the saved object's attributes,
// the way Kibana's filter names them (synthetics-monitor.attributes.x).
var synMonitorKQL = es.KQLOptions{Field: func(name string) (string, error) {
	for _, p := range []string{"synthetics-monitor-multi-space.attributes.", "synthetics-monitor.attributes."} {
		if f, ok := strings.CutPrefix(name, p); ok {
			return f, nil
		}
	}
	return "", fmt.Errorf("KQLSyntaxError: This type %s is not allowed", strings.SplitN(name, ".", 2)[0])
}}

func (k *Kibana) findMonitors(c *call) {
	page, ok := platQueryNumber(c, "page", 1, 1, 0)
	if !ok {
		return
	}
	perPage, ok := platQueryNumber(c, "per_page", 50, 1, 500)
	if !ok {
		return
	}
	sortField := c.query("sortField")
	if sortField == "" {
		sortField = "name"
	}
	if !slices.Contains([]string{"name", "createdAt", "updatedAt", "status"}, sortField) {
		c.badRequest(epOneOfMessage("request query.sortField", []string{"name", "createdAt", "updatedAt", "status"}))
		return
	}
	types, tags, locs, statuses := c.queryAll("monitorTypes"), c.queryAll("tags"), c.queryAll("locations"), c.queryAll("status")
	schedules, projects, allOf := c.queryAll("schedules"), c.queryAll("projects"), c.queryAll("useLogicalAndFor")
	// matches: any of want in have, or with useLogicalAndFor all of them.
	matches := func(field string, want, have []string) bool {
		in := func(w string) bool { return slices.Contains(have, w) }
		if slices.Contains(allOf, field) {
			return !slices.ContainsFunc(want, func(w string) bool { return !in(w) })
		}
		return slices.ContainsFunc(want, in)
	}
	words := strings.ToLower(c.query("query"))
	now := k.cfg.Now()
	var hits []*synMonitor
	for _, m := range c.space.synthetics.monitors.all() {
		text := strings.ToLower(fmt.Sprint(m.attrs["name"], " ", m.attrs["url"], " ", m.attrs["host"], " ", m.attrs["tags"]))
		mtags := platStrings(m.attrs["tags"])
		var mlocs []string
		for _, l := range m.attrs["locations"].([]any) {
			loc := l.(map[string]any)
			mlocs = append(mlocs, loc["id"].(string), loc["label"].(string))
		}
		switch {
		case words != "" && !strings.Contains(text, words):
			continue
		case len(types) > 0 && !slices.Contains(types, m.typ):
			continue
		case len(tags) > 0 && !matches("tags", tags, mtags):
			continue
		case len(locs) > 0 && !matches("locations", locs, mlocs):
			continue
		case len(schedules) > 0 && !slices.Contains(schedules, fmt.Sprint(m.attrs["schedule"].(map[string]any)["number"])):
			continue
		case len(projects) > 0 && !slices.Contains(projects, fmt.Sprint(m.attrs["project_id"])):
			continue
		case len(statuses) > 0 && !slices.Contains(statuses, m.status(now)):
			continue
		}
		hits = append(hits, m)
	}
	hits, ok = kqlKeep(c, ".kibana", c.query("filter"), synMonitorKQL, nil, hits, (*synMonitor).doc)
	if !ok {
		return
	}
	key := func(m *synMonitor) string {
		switch sortField {
		case "createdAt":
			return epStamp(m.created)
		case "updatedAt":
			return epStamp(m.updatedAt)
		case "status":
			return m.status(now)
		}
		return strings.ToLower(fmt.Sprint(m.attrs["name"]))
	}
	desc := c.query("sortOrder") == "desc"
	slices.SortStableFunc(hits, func(a, b *synMonitor) int {
		if desc {
			return strings.Compare(key(b), key(a))
		}
		return strings.Compare(key(a), key(b))
	})
	from, to := platPage(len(hits), page, perPage)
	monitors := make([]any, 0, to-from)
	for _, m := range hits[from:to] {
		monitors = append(monitors, m.doc())
	}
	c.ok(map[string]any{"page": page, "perPage": perPage, "total": len(hits), "absoluteTotal": len(c.space.synthetics.monitors.order), "monitors": monitors, "syncErrors": []any{}})
}

// testMonitor runs a monitor once: from every location it is assigned.
func (k *Kibana) testMonitor(c *call) {
	m := lookupMonitor(c, c.param("monitorId"))
	if m == nil {
		return
	}
	st := &c.space.synthetics
	run := k.newID()
	if st.testRuns == nil {
		st.testRuns = map[string]string{}
	}
	st.testRuns[run] = m.id
	var errs []any
	for _, l := range m.attrs["locations"].([]any) {
		loc := l.(map[string]any)
		if managed, _ := loc["isServiceManaged"].(bool); managed {
			continue
		}
		pl := st.locations.get(loc["id"].(string))
		reason := ""
		switch {
		case pl == nil:
			reason = "private location no longer exists"
		case c.space.fleet.policies.get(pl.agentPolicyID) == nil:
			reason = fmt.Sprintf("agent policy %s of the private location was deleted", pl.agentPolicyID)
		case !k.policyHasOnlineAgent(c.space, pl.agentPolicyID):
			reason = fmt.Sprintf("no agent of policy %s is online to run the test", pl.agentPolicyID)
		}
		if reason != "" {
			errs = append(errs, map[string]any{"locationId": loc["id"], "error": map[string]any{"status": 503, "reason": reason, "failed_monitors": nil}})
		}
	}
	out := map[string]any{"testRunId": run}
	if errs != nil {
		out["errors"] = errs
	}
	c.ok(out)
}

func (k *Kibana) policyHasOnlineAgent(sp *space, policy string) bool {
	for _, a := range sp.fleet.agents.all() {
		if a.policyID == policy && a.active && a.connected {
			return true
		}
	}
	return false
}

// ---- Parameters ----

func (p *synParam) doc(spaceID string) map[string]any {
	ns := []any{spaceID}
	if p.shared {
		ns = []any{"*"}
	}
	return map[string]any{"id": p.id, "key": p.key, "value": p.value, "description": p.description, "tags": slices.Clone(p.tags), "namespaces": ns}
}

func (k *Kibana) listSynParams(c *call) {
	out := []any{}
	for _, p := range c.space.synthetics.params.all() {
		out = append(out, p.doc(c.spaceID))
	}
	c.ok(out)
}

func lookupSynParam(c *call) *synParam {
	p := c.space.synthetics.params.get(c.param("id"))
	if p == nil {
		c.notFound(fmt.Sprintf("Kibana saved object [synthetics-param/%s] not found", c.param("id")))
	}
	return p
}

func (k *Kibana) getSynParam(c *call) {
	if p := lookupSynParam(c); p != nil {
		c.ok(p.doc(c.spaceID))
	}
}

var synParamFields = []cfgField{
	{name: "key", kind: "string", required: true, check: platMinLen(1)},
	{name: "value", kind: "string", required: true, check: platMinLen(1)},
	{name: "description", kind: "string"},
	{name: "tags", kind: "strings"},
	{name: "share_across_spaces", kind: "boolean"},
}

func (k *Kibana) createSynParam(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, synParamFields, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := &c.space.synthetics
	for _, p := range st.params.all() {
		if p.key == body["key"] {
			c.conflict(fmt.Sprintf("A parameter with key %s already exists.", p.key))
			return
		}
	}
	p := &synParam{id: k.newID(), tags: []string{}}
	applySynParam(p, body)
	p.shared, _ = body["share_across_spaces"].(bool)
	st.params.put(p.id, p)
	out := p.doc(c.spaceID)
	delete(out, "namespaces")
	out["share_across_spaces"] = p.shared
	c.ok(out)
}

func applySynParam(p *synParam, body map[string]any) {
	if v, ok := body["key"].(string); ok {
		p.key = v
	}
	if v, ok := body["value"].(string); ok {
		p.value = v
	}
	if v, ok := body["description"].(string); ok {
		p.description = v
	}
	if _, ok := body["tags"]; ok {
		p.tags = platStrings(body["tags"])
	}
}

func (k *Kibana) updateSynParam(c *call) {
	if !c.requireBody() {
		return
	}
	fields := slices.Clone(synParamFields[:4])
	fields[0].required, fields[1].required = false, false
	body, msg := cfgCheck("request body.", c.body, fields, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	if len(body) == 0 {
		c.badRequest("[request body]: the request body cannot be empty; give at least one of key, value, description, tags")
		return
	}
	p := lookupSynParam(c)
	if p == nil {
		return
	}
	applySynParam(p, body)
	c.ok(p.doc(c.spaceID))
}

func (k *Kibana) deleteSynParam(c *call) {
	if p := lookupSynParam(c); p != nil {
		c.space.synthetics.params.remove(p.id)
		c.ok([]any{map[string]any{"id": p.id, "deleted": true}})
	}
}

func (k *Kibana) bulkDeleteSynParams(c *call) {
	ids, ok := synIDs(c)
	if !ok {
		return
	}
	out := []any{}
	for _, id := range ids {
		st := &c.space.synthetics.params
		deleted := st.get(id) != nil
		st.remove(id)
		out = append(out, map[string]any{"id": id, "deleted": deleted})
	}
	c.ok(out)
}

// ---- Private locations ----

// privateLocation finds a location by id or label.
func (st *syntheticsState) privateLocation(ref string) *privLocation {
	if pl := st.locations.get(ref); pl != nil {
		return pl
	}
	for _, pl := range st.locations.all() {
		if pl.label == ref {
			return pl
		}
	}
	return nil
}

func (k *Kibana) privLocationDoc(sp *space, pl *privLocation) map[string]any {
	ns := "default"
	if p := sp.fleet.policies.get(pl.agentPolicyID); p != nil {
		ns = p.namespace
	}
	doc := map[string]any{"id": pl.id, "label": pl.label, "agentPolicyId": pl.agentPolicyID, "namespace": ns,
		"isInvalid": sp.fleet.policies.get(pl.agentPolicyID) == nil, "tags": slices.Clone(pl.tags), "spaces": slices.Clone(pl.spaces), "isServiceManaged": false}
	if pl.geo != nil {
		doc["geo"] = cfgClone(pl.geo)
	}
	return doc
}

func (k *Kibana) listPrivateLocations(c *call) {
	out := []any{}
	for _, pl := range c.space.synthetics.locations.all() {
		out = append(out, k.privLocationDoc(c.space, pl))
	}
	c.ok(out)
}

func lookupPrivateLocation(c *call) *privLocation {
	pl := c.space.synthetics.privateLocation(c.param("id"))
	if pl == nil {
		c.notFound(fmt.Sprintf("Private location with id or label %s not found", c.param("id")))
	}
	return pl
}

func (k *Kibana) getPrivateLocation(c *call) {
	if pl := lookupPrivateLocation(c); pl != nil {
		c.ok(k.privLocationDoc(c.space, pl))
	}
}

func (k *Kibana) createPrivateLocation(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "label", kind: "string", required: true, check: platMinLen(1)},
		{name: "agentPolicyId", kind: "string", required: true, check: platMinLen(1)},
		{name: "geo", kind: "object", fields: []cfgField{{name: "lat", kind: "number", required: true}, {name: "lon", kind: "number", required: true}}},
		{name: "spaces", kind: "strings"},
		{name: "tags", kind: "strings"},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := &c.space.synthetics
	label, policy := body["label"].(string), body["agentPolicyId"].(string)
	for _, pl := range st.locations.all() {
		switch {
		case pl.label == label:
			c.badRequest(fmt.Sprintf("Private location with label %s already exists.", label))
			return
		case pl.agentPolicyID == policy:
			c.badRequest(fmt.Sprintf("Private location with agentPolicyId %s already exists in spaces %s", policy, strings.Join(pl.spaces, ", ")))
			return
		}
	}
	if c.space.fleet.policies.get(policy) == nil {
		c.badRequest(fmt.Sprintf("Agent policy with id %s does not exist", policy))
		return
	}
	pl := &privLocation{id: k.newID(), label: label, agentPolicyID: policy, spaces: platStrings(body["spaces"]), tags: platStrings(body["tags"])}
	if len(pl.spaces) == 0 {
		pl.spaces = []string{"*"}
	}
	if g, ok := body["geo"].(map[string]any); ok {
		pl.geo = map[string]any{"lat": cfgNumber(g["lat"]), "lon": cfgNumber(g["lon"])}
	}
	st.locations.put(pl.id, pl)
	c.ok(k.privLocationDoc(c.space, pl))
}

func (k *Kibana) updatePrivateLocation(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{{name: "label", kind: "string", required: true, check: platMinLen(1)}}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	pl := c.space.synthetics.locations.get(c.param("id"))
	if pl == nil {
		c.notFound(fmt.Sprintf("Private location with id %s not found", c.param("id")))
		return
	}
	pl.label = body["label"].(string)
	// The monitors that run there carry the new label.
	for _, m := range c.space.synthetics.monitors.all() {
		for _, l := range m.attrs["locations"].([]any) {
			if loc := l.(map[string]any); loc["id"] == pl.id {
				loc["label"] = pl.label
			}
		}
	}
	c.ok(k.privLocationDoc(c.space, pl))
}

func (k *Kibana) deletePrivateLocation(c *call) {
	st := &c.space.synthetics
	pl := st.locations.get(c.param("id"))
	if pl == nil {
		c.notFound(fmt.Sprintf("Private location with id %s not found", c.param("id")))
		return
	}
	var using []string
	for _, m := range st.monitors.all() {
		for _, l := range m.attrs["locations"].([]any) {
			if l.(map[string]any)["id"] == pl.id {
				using = append(using, fmt.Sprint(m.attrs["name"]))
			}
		}
	}
	if len(using) > 0 {
		c.badRequest(fmt.Sprintf("Private location with id %s cannot be deleted because it is used by %d monitor(s): %s", pl.id, len(using), strings.Join(using, ", ")))
		return
	}
	st.locations.remove(pl.id)
	okEmpty(c)
}

// ---- The story ----

// The seeded objects the tools' examples name.
const (
	seedMonitorID          = "7c1e5a90-3d2b-4f6e-8a41-vpnportal001"
	seedSynParamID         = "0b6f3c2a-9d8e-4a71-b5c4-param0000001"
	seedDMZLocationID      = "dmz-probes"
	seedSpareLocationID    = "lab-probes"
	seedSpareLocationAgent = "synthetics-lab"
)

// seedSynthetics gives a space its story's monitors, parameter and private
// locations, once its Fleet and alerts are seeded. It draws no ids from
// the sandbox's sequence.
func (k *Kibana) seedSynthetics(sp *space) {
	now := k.cfg.Now().UTC()
	created := now.Add(-60 * 24 * time.Hour).Truncate(time.Hour)
	st := &sp.synthetics
	st.locations.put(seedDMZLocationID, &privLocation{id: seedDMZLocationID, label: "DMZ probes", agentPolicyID: fleetLinuxPolicy,
		geo: map[string]any{"lat": 52.52, "lon": 13.40}, spaces: []string{"*"}, tags: []string{"dmz"}})
	// The lab's agent policy was deleted: the location is invalid.
	st.locations.put(seedSpareLocationID, &privLocation{id: seedSpareLocationID, label: "Lab probes", agentPolicyID: seedSpareLocationAgent,
		spaces: []string{sp.id}, tags: []string{"lab"}})
	st.params.put(seedSynParamID, &synParam{id: seedSynParamID, key: "vpn_portal_url", value: "https://vpn.acme.example/portal",
		description: "VPN portal entry page", tags: []string{"vpn"}})

	bruteFrom, bruteTo := storyAlertSpan(sp, storyRules[0].Name, now)
	outFrom, outTo := web03Outage(now)
	type seedMon struct {
		id, typ, name string
		fields        map[string]any
		locations     []string
		outages       [][2]time.Time
	}
	mons := []seedMon{
		{seedMonitorID, "http", "VPN portal", map[string]any{"url": "https://vpn.acme.example/portal", "tags": []any{"vpn", "dmz"}}, []string{"us_east", "dmz-probes"},
			[][2]time.Time{{bruteFrom.Add(-30 * time.Minute), bruteTo.Add(30 * time.Minute)}}},
		{"c4d1f0a2-6b7e-4c39-9e21-web03site0001", "http", "Intranet (web-03)", map[string]any{"url": "https://intranet.acme.internal/", "tags": []any{"web", "intranet"}}, []string{"dmz-probes"},
			[][2]time.Time{{outFrom, outTo}}},
		{"e8a2b7c3-1d4f-4b6a-8c90-corpsite00001", "browser", "Corporate site journey", map[string]any{"inline_script": "step('home', async () => { await page.goto('https://www.acme.example/'); });", "tags": []any{"web"}}, []string{"us_east", "europe_west"}, nil},
		{"5a9c3e1b-7f2d-4e8a-b6c1-dnsresolver01", "icmp", "Resolver 10.20.0.53", map[string]any{"host": "10.20.0.53", "tags": []any{"dns"}}, []string{"dmz-probes"}, nil},
		{"9b3d5f7a-2c4e-4a6b-8d0f-db01pgsql0001", "tcp", "db-01 PostgreSQL", map[string]any{"host": "db-01.acme.internal:5432", "tags": []any{"database"}}, []string{"dmz-probes"},
			[][2]time.Time{{now.Add(-3 * time.Hour), now.Add(24 * time.Hour)}}}, // offline, as Fleet shows it
	}
	if sp.id == "soc" {
		mons = []seedMon{
			{seedMonitorID, "http", "Customer portal", map[string]any{"url": "https://portal.northwind.example/", "tags": []any{"portal", "dmz"}}, []string{"us_east", "dmz-probes"},
				[][2]time.Time{{bruteFrom.Add(-30 * time.Minute), bruteTo.Add(30 * time.Minute)}}},
			{"3e7a9c1d-5b2f-4d8e-a0c6-portalapi0002", "tcp", "portal-api-02 HTTPS", map[string]any{"host": "portal-api-02.northwind.internal:8443", "tags": []any{"portal", "api"}}, []string{"dmz-probes"},
				[][2]time.Time{{now.Add(-7 * time.Hour), now.Add(24 * time.Hour)}}},
		}
	}
	for _, sm := range mons {
		attrs := monitorDefaults(sm.typ)
		attrs["name"] = sm.name
		for key, v := range sm.fields {
			attrs[key] = v
		}
		var locs []any
		for _, id := range sm.locations {
			if loc, ok := syntheticsLocations[id]; ok {
				locs = append(locs, map[string]any{"id": id, "label": loc.label, "geo": map[string]any{"lat": loc.lat, "lon": loc.lon}, "isServiceManaged": true})
				continue
			}
			pl := st.locations.get(id)
			locs = append(locs, map[string]any{"id": pl.id, "label": pl.label, "geo": cfgClone(pl.geo), "isServiceManaged": false, "agentPolicyId": pl.agentPolicyID})
		}
		attrs["locations"] = locs
		var outages [][2]time.Time
		for _, o := range sm.outages {
			if o[0].Year() > 2000 && o[1].After(o[0]) { // a story without alerts has no brute force
				outages = append(outages, o)
			}
		}
		st.monitors.put(sm.id, &synMonitor{id: sm.id, typ: sm.typ, attrs: attrs, created: created, updatedAt: created, outages: outages})
	}
}

package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Elastic Agents: the list with its KQL, one agent, its tags and metadata,
// unenrolling and deleting, diagnostics and the uploads they bring back,
// bulk actions and their progress, the versions agents may upgrade to,
// whether Fleet is ready, and whether agents send data.

// fleetAgent is one enrolled Elastic Agent.
type fleetAgent struct {
	id, policyID   string
	policyRevision int
	hostname       string
	platform       string // linux, windows, darwin
	osName, osVer  string
	kernel, arch   string
	ip, mac        string
	version        string
	tags           []string
	userMeta       map[string]any

	enrolledAt     time.Time
	connected      bool          // checks in every 30 seconds
	checkinLag     time.Duration // how long ago the last check-in was, when connected
	lastCheckin    time.Time     // when not connected
	checkinStatus  string        // online, error, degraded
	checkinMessage string
	failing        string // the failing component's message, "" when healthy

	active                       bool
	unenrolledAt                 time.Time
	unenrollStartedAt            time.Time
	auditUnenrolledReason        string
	upgradeStartedAt             time.Time
	upgradeTarget, upgradeAction string // target version and action id while updating

	cpu float64 // average CPU use, percent
	mem float64 // average memory use, bytes
}

// fleetAction is an action sent to agents.
type fleetAction struct {
	id, typ     string
	created     time.Time
	agents      []string // agents it was sent to
	pending     []string // of those, the ones yet to acknowledge
	failed      []fleetActionError
	newPolicyID string
	version     string
	automatic   bool
	cancelled   bool
}

type fleetActionError struct {
	agentID, hostname, message string
	at                         time.Time
}

// fleetFile is a file an agent uploaded (a diagnostics bundle).
type fleetFile struct {
	id, name, actionID string
	created            time.Time
	status             string // READY, IN_PROGRESS, FAILED, ...
	errMsg             string
}

// fleetAgentVersions are the versions agents can run, newest first; the
// sandbox's Kibana is 8.17.3, which agents may not pass.
var fleetAgentVersions = []string{"8.17.3", "8.17.2", "8.17.1", "8.17.0", "8.16.5", "8.16.4", "8.15.5", "8.14.3"}

const fleetOfflineAfter = 5 * time.Minute

// checkin is when the agent last checked in.
func (k *Kibana) agentCheckin(a *fleetAgent) time.Time {
	if a.connected && a.active {
		return k.cfg.Now().UTC().Add(-a.checkinLag)
	}
	return a.lastCheckin
}

// agentStatus computes the status Fleet shows, as Kibana's status runtime
// field does.
func (k *Kibana) agentStatus(st *fleetState, a *fleetAgent) string {
	if !a.active {
		return "unenrolled"
	}
	since := k.cfg.Now().Sub(k.agentCheckin(a))
	timeout := 1209600
	if p := st.policies.get(a.policyID); p != nil && p.inactivityTimeout > 0 {
		timeout = p.inactivityTimeout
	}
	switch {
	case since > time.Duration(timeout)*time.Second:
		return "inactive"
	case !a.unenrollStartedAt.IsZero():
		return "unenrolling"
	case since > fleetOfflineAfter:
		return "offline"
	case !a.upgradeStartedAt.IsZero():
		return "updating"
	case a.checkinStatus == "error":
		return "error"
	case a.checkinStatus == "degraded":
		return "degraded"
	case a.policyRevision == 0:
		return "enrolling"
	}
	return "online"
}

// hiddenWhenInactive reports the statuses showInactive=false leaves out.
func hiddenWhenInactive(status string) bool { return status == "inactive" || status == "unenrolled" }

func (a *fleetAgent) upgradeable() bool {
	return a.active && a.upgradeStartedAt.IsZero() && fleetVersionCompare(a.version, fleetAgentVersions[0]) < 0
}

func fleetTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// agentDoc is the agent as Kibana answers it.
func (k *Kibana) agentDoc(st *fleetState, a *fleetAgent, withMetrics bool) map[string]any {
	status := k.agentStatus(st, a)
	family := map[string]string{"windows": "windows", "linux": "debian", "darwin": "darwin"}[a.platform]
	doc := map[string]any{
		"id":     a.id,
		"type":   "PERMANENT",
		"active": a.active,
		"agent":  map[string]any{"id": a.id, "version": a.version},
		"local_metadata": map[string]any{
			"elastic": map[string]any{"agent": map[string]any{
				"id": a.id, "version": a.version, "snapshot": false, "upgradeable": true, "log_level": "info", "complete": false,
				"build": map[string]any{"original": a.version + " (build: 3f1e2b4c0d8a at 2025-02-11 14:02:11 +0000 UTC)"},
			}},
			"host": map[string]any{"hostname": a.hostname, "name": a.hostname, "id": strings.ReplaceAll(a.id[:18], "-", ""), "ip": []any{a.ip}, "mac": []any{a.mac}, "architecture": a.arch},
			"os":   map[string]any{"family": family, "name": a.osName, "platform": a.platform, "version": a.osVer, "kernel": a.kernel, "full": a.osName + " " + a.osVer},
		},
		"user_provided_metadata": fleetMetaOrEmpty(a.userMeta),
		"policy_id":              a.policyID,
		"policy_revision":        a.policyRevision,
		"enrolled_at":            fleetTime(a.enrolledAt),
		"last_checkin":           fleetTime(k.agentCheckin(a)),
		"last_checkin_status":    a.checkinStatus,
		"status":                 status,
		"tags":                   fleetStrings(a.tags),
		"packages":               []any{},
		"components":             k.agentComponents(st, a),
		"unhealthy_reason":       nil,
		"upgrade_details":        nil,
	}
	if a.checkinMessage != "" {
		doc["last_checkin_message"] = a.checkinMessage
	}
	if a.failing != "" {
		doc["unhealthy_reason"] = []any{"input"}
	}
	if !a.unenrolledAt.IsZero() {
		doc["unenrolled_at"] = fleetTime(a.unenrolledAt)
	}
	if !a.unenrollStartedAt.IsZero() {
		doc["unenrollment_started_at"] = fleetTime(a.unenrollStartedAt)
	}
	if a.auditUnenrolledReason != "" {
		doc["audit_unenrolled_reason"] = a.auditUnenrolledReason
	}
	if !a.upgradeStartedAt.IsZero() {
		doc["upgrade_started_at"] = fleetTime(a.upgradeStartedAt)
		doc["upgrade_details"] = map[string]any{
			"action_id": a.upgradeAction, "target_version": a.upgradeTarget, "state": "UPG_DOWNLOADING",
			"metadata": map[string]any{"download_percent": 42.5, "download_rate": 1.6e6},
		}
	}
	if withMetrics {
		doc["metrics"] = map[string]any{"cpu_avg": a.cpu, "memory_size_byte_avg": a.mem}
	}
	return doc
}

func fleetMetaOrEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return fleetCloneMap(m)
}

// agentComponents are the agent's running units: one component per input
// type of its policy's integrations, and monitoring.
func (k *Kibana) agentComponents(st *fleetState, a *fleetAgent) []any {
	if !a.active || a.policyRevision == 0 {
		return []any{}
	}
	var types []string
	for _, pp := range st.pkgPolicies.all() {
		if !slices.Contains(pp.policyIDs, a.policyID) {
			continue
		}
		for _, in := range pp.inputs {
			if in.enabled && !slices.Contains(types, in.typ) {
				types = append(types, in.typ)
			}
		}
	}
	if p := st.policies.get(a.policyID); p != nil && len(p.monitoringEnabled) > 0 {
		for _, t := range []string{"filestream-monitoring", "beat/metrics-monitoring", "http/metrics-monitoring"} {
			types = append(types, t)
		}
	}
	failing := -1
	if a.failing != "" {
		failing = max(0, slices.Index(types, "endpoint"))
	}
	out := make([]any, 0, len(types))
	for i, t := range types {
		id := t + "-default"
		status, msg := "HEALTHY", "Healthy: communicating with pid '"+fmt.Sprint(1400+i*37)+"'"
		unitStatus, unitMsg := "HEALTHY", "Healthy"
		if i == failing {
			status, msg = "FAILED", a.failing
			unitStatus, unitMsg = "FAILED", a.failing
		}
		out = append(out, map[string]any{
			"id": id, "type": t, "status": status, "message": msg,
			"units": []any{
				map[string]any{"id": id + "-" + t, "type": "input", "status": unitStatus, "message": unitMsg},
				map[string]any{"id": id, "type": "output", "status": "HEALTHY", "message": "Healthy"},
			},
		})
	}
	return out
}

// agentKQL maps a kuery field on agents to the document's name, or
// refuses it; values compare as .fleet-agents' keywords do, case and all.
var agentKQL = kqlPrefixed("fleet-agents.", ".fleet-agents index mappings", func(f string) bool {
	switch f {
	case "status", "policy_id", "policy_revision", "tags", "active", "enrolled_at", "last_checkin", "last_checkin_status",
		"unenrolled_at", "unenrollment_started_at", "upgraded_at", "upgrade_started_at", "id", "type":
		return true
	}
	for _, prefix := range []string{"agent.", "local_metadata.", "user_provided_metadata.", "upgrade_details.", "components."} {
		if strings.HasPrefix(f, prefix) {
			return true
		}
	}
	return false
})

// agentMapping types the date fields of .fleet-agents.
var agentMapping = map[string]es.Kind{"enrolled_at": es.Date, "last_checkin": es.Date, "unenrolled_at": es.Date,
	"unenrollment_started_at": es.Date, "upgraded_at": es.Date, "upgrade_started_at": es.Date}

// matchingAgents selects agents by kuery, leaving out inactive and
// unenrolled ones unless asked for.
func (k *Kibana) matchingAgents(c *call, st *fleetState, kuery string, showInactive bool) ([]*fleetAgent, bool) {
	var out []*fleetAgent
	for _, a := range st.agents.all() {
		if showInactive || !hiddenWhenInactive(k.agentStatus(st, a)) {
			out = append(out, a)
		}
	}
	return kqlKeep(c, ".fleet-agents", kuery, agentKQL, agentMapping, out, func(a *fleetAgent) map[string]any { return k.agentDoc(st, a, false) })
}

func (k *Kibana) findAgents(c *call) {
	st := &c.space.fleet
	page, perPage, ok := fleetPaging(c)
	if !ok {
		return
	}
	flags, ok := fleetQueryBools(c, "showInactive", "showUpgradeable", "getStatusSummary", "withMetrics", "openPit", "showAgentless")
	if !ok {
		return
	}
	var after []any
	if raw := c.query("searchAfter"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &after); err != nil || len(after) != 2 {
			c.badRequest("searchAfter must be the JSON array of sort values an earlier answer gave as nextSearchAfter")
			return
		}
	}
	pit := c.query("pitId")
	if pit != "" && !st.pits[pit] {
		c.notFound("No search context found for id [" + pit + "]")
		return
	}
	if flags["openPit"] {
		if st.pits == nil {
			st.pits = map[string]bool{}
		}
		pit = "pit-" + k.newID()
		st.pits[pit] = true
	}
	order, ok := fleetSortOrder(c, "desc")
	if !ok {
		return
	}
	agents, ok := k.matchingAgents(c, st, c.query("kuery"), flags["showInactive"])
	if !ok {
		return
	}
	if flags["showUpgradeable"] {
		agents = slices.DeleteFunc(agents, func(a *fleetAgent) bool { return !a.upgradeable() })
	}
	if c.query("showAgentless") == "false" {
		agents = slices.DeleteFunc(agents, func(a *fleetAgent) bool {
			p := st.policies.get(a.policyID)
			return p != nil && p.supportsAgentless
		})
	}
	sortField := c.query("sortField")
	if sortField == "" {
		sortField = "enrolled_at"
	}
	key := func(a *fleetAgent) string {
		switch sortField {
		case "last_checkin":
			return fleetTime(k.agentCheckin(a))
		case "local_metadata.host.hostname", "local_metadata.host.hostname.keyword":
			return a.hostname
		case "policy_id":
			return a.policyID
		case "agent.version", "local_metadata.elastic.agent.version":
			return a.version
		case "status":
			return k.agentStatus(st, a)
		case "id", "agent.id":
			return a.id
		}
		return fleetTime(a.enrolledAt)
	}
	slices.SortStableFunc(agents, func(x, y *fleetAgent) int {
		cmp := strings.Compare(key(x), key(y))
		if cmp == 0 {
			cmp = strings.Compare(x.id, y.id)
		}
		if order == "desc" {
			return -cmp
		}
		return cmp
	})
	// Paging after a sort position (searchAfter) takes the page that
	// follows it, whatever page says.
	window := fleetPageOf(agents, page, perPage)
	if after != nil {
		start := slices.IndexFunc(agents, func(a *fleetAgent) bool {
			return fmt.Sprint(after[0]) == key(a) && fmt.Sprint(after[1]) == a.id
		}) + 1
		window = agents[start:min(start+perPage, len(agents))]
	}
	items := []any{}
	for _, a := range window {
		items = append(items, k.agentDoc(st, a, flags["withMetrics"]))
	}
	out := map[string]any{"items": items, "total": len(agents), "page": page, "perPage": perPage}
	if pit != "" {
		out["pit"] = pit
	}
	if len(window) > 0 && (pit != "" || after != nil) {
		last := window[len(window)-1]
		next, _ := json.Marshal([]any{key(last), last.id})
		out["nextSearchAfter"] = string(next)
	}
	if flags["getStatusSummary"] {
		summary := map[string]any{}
		for _, s := range []string{"online", "error", "degraded", "offline", "updating", "enrolling", "unenrolling", "unenrolled", "inactive", "orphaned", "uninstalled"} {
			summary[s] = 0
		}
		for _, a := range agents {
			s := k.agentStatus(st, a)
			summary[s] = summary[s].(int) + 1
		}
		out["statusSummary"] = summary
	}
	c.ok(out)
}

// lookupAgent finds the agent of the path or answers Kibana's 404.
func lookupAgent(c *call) *fleetAgent {
	id := c.param("agentId")
	a := c.space.fleet.agents.get(id)
	if a == nil {
		c.notFound(fmt.Sprintf("Agent %s not found", id))
	}
	return a
}

func (k *Kibana) getAgent(c *call) {
	flags, ok := fleetQueryBools(c, "withMetrics")
	if !ok {
		return
	}
	if a := lookupAgent(c); a != nil {
		c.ok(map[string]any{"item": k.agentDoc(&c.space.fleet, a, flags["withMetrics"])})
	}
}

func (k *Kibana) updateAgent(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"tags", "user_provided_metadata"})
	if !ok {
		return
	}
	tags, hasTags := b.strings("tags", false)
	meta, hasMeta := b.object("user_provided_metadata")
	if b.failed() {
		return
	}
	a := lookupAgent(c)
	if a == nil {
		return
	}
	if hasTags {
		a.tags = slices.Compact(slices.Clone(tags))
	}
	if hasMeta {
		a.userMeta = fleetCloneMap(meta)
	}
	c.ok(map[string]any{"item": k.agentDoc(&c.space.fleet, a, false)})
}

// deleteAgent marks the agent inactive, as Kibana does: the document stays
// and shows as unenrolled with showInactive.
func (k *Kibana) deleteAgent(c *call) {
	a := lookupAgent(c)
	if a == nil {
		return
	}
	a.active = false
	if a.unenrolledAt.IsZero() {
		a.unenrolledAt = k.cfg.Now().UTC()
	}
	c.ok(map[string]any{"action": "deleted"})
}

func (k *Kibana) unenrollAgent(c *call) {
	b, ok := fleetBodyOf(c, true, []string{"force", "revoke"})
	if !ok {
		return
	}
	force, revoke := b.boolean("force"), b.boolean("revoke")
	if b.failed() {
		return
	}
	a := lookupAgent(c)
	if a == nil {
		return
	}
	st := &c.space.fleet
	if p := st.policies.get(a.policyID); p != nil && p.isManaged && (force == nil || !*force) {
		c.badRequest(fmt.Sprintf("Cannot unenroll %s from a hosted agent policy %s", a.id, p.id))
		return
	}
	if !a.active {
		c.badRequest(fmt.Sprintf("Agent %s is already unenrolled", a.id))
		return
	}
	now := k.cfg.Now().UTC()
	typ := "UNENROLL"
	if revoke != nil && *revoke {
		typ = "FORCE_UNENROLL"
	}
	act := &fleetAction{id: k.newID(), typ: typ, created: now, agents: []string{a.id}}
	st.actions = append(st.actions, act)
	a.active, a.unenrolledAt = false, now
	a.auditUnenrolledReason = ""
	c.ok(map[string]any{})
}

// diagnosticsMetrics checks additional_metrics.
func diagnosticsMetrics(b *fleetBody) {
	metrics, _ := b.strings("additional_metrics", false)
	for i, m := range metrics {
		if m != "CPU" {
			b.fail(fmt.Sprintf("additional_metrics.%d", i), fmt.Sprintf("expected value to equal [CPU] but got [%s]", m))
		}
	}
}

// requestDiagnostics sends a diagnostics action to agents: those online
// upload their bundle at once, the others leave it in progress.
func (k *Kibana) requestDiagnostics(st *fleetState, agents []*fleetAgent, missing []string) *fleetAction {
	now := k.cfg.Now().UTC()
	act := k.bulkAction("REQUEST_DIAGNOSTICS", missing)
	for _, a := range agents {
		act.agents = append(act.agents, a.id)
		name := "elastic-agent-diagnostics-" + now.Format("2006-01-02T15-04-05Z") + "-00.zip"
		f := &fleetFile{id: k.newID(), name: name, actionID: act.id, created: now, status: "READY"}
		switch status := k.agentStatus(st, a); {
		case fleetVersionCompare(a.version, "8.7.0") < 0:
			act.failed = append(act.failed, fleetActionError{agentID: a.id, hostname: a.hostname, message: "Agent does not support request diagnostics action", at: now})
			continue
		case status == "online" || status == "error" || status == "degraded" || status == "updating":
		default:
			act.pending = append(act.pending, a.id)
			f.status, f.id = "IN_PROGRESS", act.id
		}
		if st.uploads == nil {
			st.uploads = map[string][]*fleetFile{}
		}
		st.uploads[a.id] = append(st.uploads[a.id], f)
	}
	st.actions = append(st.actions, act)
	return act
}

func (k *Kibana) agentDiagnostics(c *call) {
	b, ok := fleetBodyOf(c, true, []string{"additional_metrics"})
	if !ok {
		return
	}
	diagnosticsMetrics(b)
	if b.failed() {
		return
	}
	a := lookupAgent(c)
	if a == nil {
		return
	}
	if fleetVersionCompare(a.version, "8.7.0") < 0 {
		c.badRequest(fmt.Sprintf("Agent %s does not support request diagnostics action.", a.id))
		return
	}
	act := k.requestDiagnostics(&c.space.fleet, []*fleetAgent{a}, nil)
	c.ok(map[string]any{"actionId": act.id})
}

func (k *Kibana) agentUploads(c *call) {
	a := lookupAgent(c)
	if a == nil {
		return
	}
	items := []any{}
	files := c.space.fleet.uploads[a.id]
	for i := len(files) - 1; i >= 0; i-- {
		f := files[i]
		doc := map[string]any{
			"id": f.id, "name": f.name, "actionId": f.actionID, "createTime": fleetTime(f.created), "status": f.status,
			"filePath": "/api/fleet/agents/files/" + f.id + "/" + f.name,
		}
		if f.errMsg != "" {
			doc["error"] = f.errMsg
		}
		items = append(items, doc)
	}
	c.ok(map[string]any{"items": items})
}

// selectBulkAgents reads the agents member of a bulk body: a list of ids
// or a kuery. Listed ids that do not exist come back in missing.
func (k *Kibana) selectBulkAgents(c *call, b *fleetBody, includeInactive bool) (agents []*fleetAgent, missing []string, ok bool) {
	st := &c.space.fleet
	switch v := b.m["agents"].(type) {
	case nil:
		b.fail("agents", "expected at least one defined value but got [undefined]")
	case string:
		if b.failed() {
			return nil, nil, false
		}
		agents, ok = k.matchingAgents(c, st, v, includeInactive)
		return agents, nil, ok
	case []any:
		ids, _ := b.strings("agents", true)
		if b.failed() {
			return nil, nil, false
		}
		for _, id := range ids {
			if a := st.agents.get(id); a != nil {
				agents = append(agents, a)
			} else {
				missing = append(missing, id)
			}
		}
		return agents, missing, true
	default:
		b.fail("agents", fmt.Sprintf("types that failed validation:\n- [request body.agents.0]: expected value of type [array] but got [%s]\n- [request body.agents.1]: expected value of type [string] but got [%s]", fleetKind(v), fleetKind(v)))
	}
	b.failed()
	return nil, nil, false
}

// agentsMember checks the agents member is given, before anything is
// looked up.
func agentsMember(b *fleetBody) {
	if b.m["agents"] == nil {
		b.fail("agents", "expected at least one defined value but got [undefined]")
	}
}

// batchSize checks batchSize.
func batchSize(b *fleetBody) {
	if n := b.number("batchSize"); n != nil && *n < 1 {
		b.fail("batchSize", fmt.Sprintf("Value must be equal to or greater than [1]. (got [%g])", *n))
	}
}

func (k *Kibana) bulkAgentDiagnostics(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"agents", "batchSize", "additional_metrics"})
	if !ok {
		return
	}
	agentsMember(b)
	diagnosticsMetrics(b)
	batchSize(b)
	if b.failed() {
		return
	}
	agents, missing, ok := k.selectBulkAgents(c, b, false)
	if !ok {
		return
	}
	act := k.requestDiagnostics(&c.space.fleet, agents, missing)
	c.ok(map[string]any{"actionId": act.id})
}

func (k *Kibana) bulkReassignAgents(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"policy_id", "agents", "includeInactive", "batchSize"})
	if !ok {
		return
	}
	policyID := b.str("policy_id", true)
	agentsMember(b)
	inactive := b.boolean("includeInactive")
	batchSize(b)
	if b.failed() {
		return
	}
	st := &c.space.fleet
	p := st.policies.get(policyID)
	if p == nil {
		c.notFound(fmt.Sprintf("Agent policy %s not found", policyID))
		return
	}
	if p.isManaged {
		c.badRequest(fmt.Sprintf("Cannot reassign agents to hosted agent policy %s", p.id))
		return
	}
	agents, missing, ok := k.selectBulkAgents(c, b, inactive != nil && *inactive)
	if !ok {
		return
	}
	now := k.cfg.Now().UTC()
	act := &fleetAction{id: k.newID(), typ: "POLICY_REASSIGN", created: now, newPolicyID: p.id}
	for _, id := range missing {
		act.failed = append(act.failed, fleetActionError{agentID: id, message: fmt.Sprintf("Agent %s not found", id), at: now})
	}
	for _, a := range agents {
		if old := st.policies.get(a.policyID); old != nil && old.isManaged {
			act.failed = append(act.failed, fleetActionError{agentID: a.id, hostname: a.hostname, message: fmt.Sprintf("Cannot reassign an agent from hosted agent policy %s", old.id), at: now})
			continue
		}
		act.agents = append(act.agents, a.id)
		a.policyID, a.policyRevision = p.id, p.revision
		if s := k.agentStatus(st, a); s != "online" && s != "error" && s != "degraded" && s != "updating" {
			act.pending = append(act.pending, a.id)
		}
	}
	st.actions = append(st.actions, act)
	c.ok(map[string]any{"actionId": act.id})
}

func (k *Kibana) bulkUpdateAgentTags(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"agents", "includeInactive", "batchSize", "tagsToAdd", "tagsToRemove"})
	if !ok {
		return
	}
	add, _ := b.strings("tagsToAdd", false)
	remove, _ := b.strings("tagsToRemove", false)
	agentsMember(b)
	inactive := b.boolean("includeInactive")
	batchSize(b)
	if b.failed() {
		return
	}
	agents, missing, ok := k.selectBulkAgents(c, b, inactive != nil && *inactive)
	if !ok {
		return
	}
	st := &c.space.fleet
	act := k.bulkAction("UPDATE_TAGS", missing)
	for _, a := range agents {
		act.agents = append(act.agents, a.id)
		tags := slices.DeleteFunc(slices.Clone(a.tags), func(t string) bool { return slices.Contains(remove, t) })
		for _, t := range add {
			if !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
		a.tags = tags
	}
	st.actions = append(st.actions, act)
	c.ok(map[string]any{"actionId": act.id})
}

// bulkAction starts an action of a bulk request; the listed agents that
// do not exist are its first failures.
func (k *Kibana) bulkAction(typ string, missing []string) *fleetAction {
	now := k.cfg.Now().UTC()
	act := &fleetAction{id: k.newID(), typ: typ, created: now}
	for _, id := range missing {
		act.failed = append(act.failed, fleetActionError{agentID: id, message: fmt.Sprintf("Agent %s not found", id), at: now})
	}
	return act
}

// actionDoc is an action's progress as action_status answers it.
func actionDoc(a *fleetAction, errorSize int) map[string]any {
	acked := len(a.agents) - len(a.pending)
	status := "COMPLETE"
	switch {
	case a.cancelled:
		status = "CANCELLED"
	case len(a.pending) > 0:
		status = "IN_PROGRESS"
	case len(a.failed) > 0 && len(a.agents) == 0:
		status = "FAILED"
	}
	errs := []any{}
	for i := len(a.failed) - 1; i >= 0 && len(errs) < errorSize; i-- {
		e := a.failed[i]
		doc := map[string]any{"agentId": e.agentID, "error": e.message, "timestamp": fleetTime(e.at)}
		if e.hostname != "" {
			doc["hostname"] = e.hostname
		}
		errs = append(errs, doc)
	}
	doc := map[string]any{
		"actionId":              a.id,
		"type":                  a.typ,
		"status":                status,
		"nbAgentsActionCreated": len(a.agents) + len(a.failed),
		"nbAgentsActioned":      len(a.agents),
		"nbAgentsAck":           acked,
		"nbAgentsFailed":        len(a.failed),
		"creationTime":          fleetTime(a.created),
		"startTime":             fleetTime(a.created),
		"expiration":            fleetTime(a.created.Add(30 * 24 * time.Hour)),
		"latestErrors":          errs,
		"hasRolloutPeriod":      false,
		"is_automatic":          a.automatic,
	}
	if status != "IN_PROGRESS" {
		doc["completionTime"] = fleetTime(a.created.Add(4 * time.Second))
	}
	if a.newPolicyID != "" {
		doc["newPolicyId"] = a.newPolicyID
	}
	if a.version != "" {
		doc["version"] = a.version
	}
	return doc
}

func (k *Kibana) agentActionStatus(c *call) {
	page, ok := c.queryInt("page", 0, 0, 100000)
	if !ok {
		return
	}
	perPage, ok := c.queryInt("perPage", 20, 1, 10000)
	if !ok {
		return
	}
	errorSize, ok := c.queryInt("errorSize", 5, 1, 10000)
	if !ok {
		return
	}
	latest, ok := c.queryInt("latest", 0, 0, 1<<62)
	if !ok {
		return
	}
	date := c.query("date")
	var day time.Time
	if date != "" {
		var err error
		if day, err = time.Parse("2006-01-02", date); err != nil {
			if day, err = time.Parse(time.RFC3339, date); err != nil {
				c.badRequest(fmt.Sprintf("[request query.date]: Invalid date: %s", date))
				return
			}
		}
	}
	actions := c.space.fleet.actions
	var list []*fleetAction
	for i := len(actions) - 1; i >= 0; i-- {
		a := actions[i]
		if date != "" && a.created.UTC().Format("2006-01-02") != day.UTC().Format("2006-01-02") {
			continue
		}
		if latest > 0 && k.cfg.Now().Sub(a.created) > time.Duration(latest)*time.Millisecond {
			continue
		}
		list = append(list, a)
	}
	items := []any{}
	for _, a := range fleetPageOf(list, page+1, perPage) {
		items = append(items, actionDoc(a, errorSize))
	}
	c.ok(map[string]any{"items": items})
}

func (k *Kibana) agentAvailableVersions(c *call) {
	c.ok(map[string]any{"items": fleetStrings(fleetAgentVersions)})
}

func (k *Kibana) agentTags(c *call) {
	flags, ok := fleetQueryBools(c, "showInactive")
	if !ok {
		return
	}
	agents, ok := k.matchingAgents(c, &c.space.fleet, c.query("kuery"), flags["showInactive"])
	if !ok {
		return
	}
	tags := []string{}
	for _, a := range agents {
		for _, t := range a.tags {
			if !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	slices.Sort(tags)
	c.ok(map[string]any{"items": tags})
}

// agentSetupStatus says whether agents can enroll: a Fleet Server host is
// set and a Fleet Server agent is running.
func (k *Kibana) agentSetupStatus(c *call) {
	st := &c.space.fleet
	missing := []string{}
	serverRunning := false
	for _, a := range st.agents.all() {
		if p := st.policies.get(a.policyID); p != nil && p.hasFleetServer {
			if s := k.agentStatus(st, a); s == "online" || s == "degraded" || s == "updating" {
				serverRunning = true
			}
		}
	}
	if len(st.serverHosts.order) == 0 || !serverRunning {
		missing = append(missing, "fleet_server")
	}
	c.ok(map[string]any{
		"isReady":                           len(missing) == 0,
		"missing_requirements":              missing,
		"missing_optional_features":         []string{},
		"is_secrets_storage_enabled":        true,
		"is_action_secrets_storage_enabled": true,
		"is_space_awareness_enabled":        true,
		"package_verification_key_id":       fleetVerificationKeyID,
	})
}

// agentIncomingData tells, per agent, whether it has sent data: an active
// agent that checked in within a day and whose policy collects something
// (of the package asked for).
func (k *Kibana) agentIncomingData(c *call) {
	ids := c.queryAll("agentsIds")
	if len(ids) == 0 {
		c.badRequest("[request query.agentsIds]: expected value of type [array] but got [undefined]")
		return
	}
	flags, ok := fleetQueryBools(c, "previewData")
	if !ok {
		return
	}
	pkg := c.query("pkgName")
	st := &c.space.fleet
	items := []any{}
	preview := []any{}
	for _, id := range ids {
		has := false
		a := st.agents.get(id)
		if a != nil && a.active && k.cfg.Now().Sub(k.agentCheckin(a)) < 24*time.Hour {
			for _, pp := range st.pkgPolicies.all() {
				if slices.Contains(pp.policyIDs, a.policyID) && (pkg == "" || pp.pkgName == pkg) {
					has = true
					if flags["previewData"] && len(preview) < 10 {
						preview = append(preview, k.previewDoc(a, pp))
					}
				}
			}
		}
		items = append(items, map[string]any{id: map[string]any{"data": has}})
	}
	c.ok(map[string]any{"items": items, "dataPreview": preview})
}

// previewDoc is a sample event an agent sent for a package policy.
func (k *Kibana) previewDoc(a *fleetAgent, pp *fleetPkgPolicy) map[string]any {
	dataset := pp.pkgName
	for _, in := range pp.inputs {
		for _, s := range in.streams {
			if s.enabled {
				dataset = s.dataset
				break
			}
		}
	}
	return map[string]any{
		"@timestamp":  fleetTime(k.agentCheckin(a)),
		"agent":       map[string]any{"id": a.id, "type": "filebeat", "version": a.version},
		"data_stream": map[string]any{"dataset": dataset, "namespace": pp.namespaceOr("default"), "type": "logs"},
		"host":        map[string]any{"hostname": a.hostname, "name": a.hostname},
		"event":       map[string]any{"dataset": dataset, "module": pp.pkgName},
		"message":     fmt.Sprintf("%s event from %s", dataset, a.hostname),
	}
}

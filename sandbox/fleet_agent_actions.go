package sandbox

import (
	"fmt"
	"slices"
	"time"
)

// Agents continued: the status summary, counted from the agents as they
// are now, and the actions not in fleet_agents.go — reassigning and
// upgrading one agent, bulk upgrades and unenrollments, raw actions and
// cancelling one. Every action is recorded, so action_status shows it.

// agentStatusSummary counts agents per status. Kibana folds degraded into
// error and enrolling and unenrolling into updating; all counts every
// agent, active those neither inactive nor unenrolled.
func (k *Kibana) agentStatusSummary(c *call) {
	st := &c.space.fleet
	agents, ok := k.matchingAgents(c, st, c.query("kuery"), true)
	if !ok {
		return
	}
	policies := c.queryAll("policyIds")
	if id := c.query("policyId"); id != "" {
		policies = []string{id}
	}
	counts := map[string]int{}
	for _, a := range agents {
		if len(policies) > 0 && !slices.Contains(policies, a.policyID) {
			continue
		}
		status := k.agentStatus(st, a)
		switch status {
		case "degraded":
			status = "error"
		case "enrolling", "unenrolling":
			status = "updating"
		}
		counts[status]++
		counts["all"]++
	}
	res := map[string]any{"events": 0, "other": 0, "all": counts["all"], "active": counts["all"] - counts["inactive"] - counts["unenrolled"]}
	for _, s := range []string{"online", "error", "offline", "updating", "inactive", "unenrolled", "orphaned", "uninstalled"} {
		res[s] = counts[s]
	}
	c.ok(map[string]any{"results": res})
}

// acksAtOnce reports an agent that checks in now, and so does an action
// at once.
func (k *Kibana) acksAtOnce(st *fleetState, a *fleetAgent) bool {
	switch k.agentStatus(st, a) {
	case "online", "error", "degraded", "updating":
		return true
	}
	return false
}

func (k *Kibana) reassignAgent(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"policy_id"})
	if !ok {
		return
	}
	policyID := b.str("policy_id", true)
	if b.failed() {
		return
	}
	a := lookupAgent(c)
	if a == nil {
		return
	}
	st := &c.space.fleet
	p := st.policies.get(policyID)
	switch old := st.policies.get(a.policyID); {
	case p == nil:
		c.notFound(fmt.Sprintf("Agent policy %s not found", policyID))
		return
	case p.isManaged:
		c.badRequest(fmt.Sprintf("Cannot reassign an agent to hosted agent policy %s", p.id))
		return
	case old != nil && old.isManaged:
		c.badRequest(fmt.Sprintf("Cannot reassign an agent from hosted agent policy %s", old.id))
		return
	}
	act := &fleetAction{id: k.newID(), typ: "POLICY_REASSIGN", created: k.cfg.Now().UTC(), agents: []string{a.id}, newPolicyID: p.id}
	if !k.acksAtOnce(st, a) {
		act.pending = []string{a.id}
	}
	a.policyID, a.policyRevision = p.id, p.revision
	st.actions = append(st.actions, act)
	c.ok(map[string]any{})
}

// upgradeVersion checks a target version: Kibana refuses one newer than
// itself.
func upgradeVersion(c *call, version string) bool {
	if fleetVersionCompare(version, fleetAgentVersions[0]) > 0 {
		c.badRequest(fmt.Sprintf("Cannot upgrade agent to %s because it is higher than the installed kibana version %s", version, fleetAgentVersions[0]))
		return false
	}
	return true
}

// whyNotUpgradeable is Kibana's reason an agent cannot be upgraded to
// version ("" when it can).
func whyNotUpgradeable(a *fleetAgent, version string) string {
	switch {
	case !a.active:
		return "agent is unenrolled"
	case !a.upgradeStartedAt.IsZero():
		return "agent is already being upgraded"
	case fleetVersionCompare(a.version, version) >= 0:
		return fmt.Sprintf("agent version %s is not lower than %s", a.version, version)
	}
	return ""
}

// startUpgrade upgrades an agent: one that checks in now runs the new
// version at once, the others stay updating until they come back.
func (k *Kibana) startUpgrade(st *fleetState, act *fleetAction, a *fleetAgent, later bool) {
	act.agents = append(act.agents, a.id)
	if !later && k.acksAtOnce(st, a) {
		a.version = act.version
		return
	}
	act.pending = append(act.pending, a.id)
	a.upgradeStartedAt, a.upgradeTarget, a.upgradeAction = k.cfg.Now().UTC(), act.version, act.id
}

func (k *Kibana) upgradeAgent(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"version", "source_uri", "force", "skipRateLimitCheck"})
	if !ok {
		return
	}
	version := b.str("version", true)
	b.str("source_uri", false)
	force := b.boolean("force")
	b.boolean("skipRateLimitCheck")
	if b.failed() || !upgradeVersion(c, version) {
		return
	}
	a := lookupAgent(c)
	if a == nil {
		return
	}
	if why := whyNotUpgradeable(a, version); why != "" && (force == nil || !*force || !a.active) {
		c.badRequest(fmt.Sprintf("Agent %s is not upgradeable: %s", a.id, why))
		return
	}
	st := &c.space.fleet
	act := &fleetAction{id: k.newID(), typ: "UPGRADE", created: k.cfg.Now().UTC(), version: version}
	k.startUpgrade(st, act, a, false)
	st.actions = append(st.actions, act)
	c.ok(map[string]any{})
}

func (k *Kibana) bulkUpgradeAgents(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"agents", "version", "source_uri", "force", "skipRateLimitCheck", "rollout_duration_seconds", "start_time", "includeInactive", "batchSize"})
	if !ok {
		return
	}
	version := b.str("version", true)
	agentsMember(b)
	b.str("source_uri", false)
	force := b.boolean("force")
	b.boolean("skipRateLimitCheck")
	inactive := b.boolean("includeInactive")
	batchSize(b)
	if n := b.number("rollout_duration_seconds"); n != nil && *n < 600 {
		b.fail("rollout_duration_seconds", fmt.Sprintf("Value must be equal to or greater than [600]. (got [%g])", *n))
	}
	start := b.str("start_time", false)
	if b.failed() || !upgradeVersion(c, version) {
		return
	}
	later := b.has("rollout_duration_seconds")
	if start != "" {
		at, err := time.Parse(time.RFC3339, start)
		if err != nil {
			c.badRequest(fmt.Sprintf("[request body.start_time]: Invalid date: %s", start))
			return
		}
		later = later || at.After(k.cfg.Now())
	}
	agents, missing, ok := k.selectBulkAgents(c, b, inactive != nil && *inactive)
	if !ok {
		return
	}
	st := &c.space.fleet
	now := k.cfg.Now().UTC()
	act := k.bulkAction("UPGRADE", missing)
	act.version = version
	for _, a := range agents {
		if why := whyNotUpgradeable(a, version); why != "" && (force == nil || !*force || !a.active) {
			act.failed = append(act.failed, fleetActionError{agentID: a.id, hostname: a.hostname, message: fmt.Sprintf("Agent %s is not upgradeable: %s", a.id, why), at: now})
			continue
		}
		k.startUpgrade(st, act, a, later)
	}
	st.actions = append(st.actions, act)
	c.ok(map[string]any{"actionId": act.id})
}

func (k *Kibana) bulkUnenrollAgents(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"agents", "force", "revoke", "includeInactive", "batchSize"})
	if !ok {
		return
	}
	agentsMember(b)
	force, revoke := b.boolean("force"), b.boolean("revoke")
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
	now := k.cfg.Now().UTC()
	act := k.bulkAction("UNENROLL", missing)
	if revoke != nil && *revoke {
		act.typ = "FORCE_UNENROLL"
	}
	for _, a := range agents {
		p := st.policies.get(a.policyID)
		switch {
		case p != nil && p.isManaged && (force == nil || !*force):
			act.failed = append(act.failed, fleetActionError{agentID: a.id, hostname: a.hostname, message: fmt.Sprintf("Cannot unenroll %s from a hosted agent policy %s", a.id, p.id), at: now})
		case !a.active:
			act.failed = append(act.failed, fleetActionError{agentID: a.id, hostname: a.hostname, message: fmt.Sprintf("Agent %s is already unenrolled", a.id), at: now})
		default:
			act.agents = append(act.agents, a.id)
			a.active, a.unenrolledAt, a.auditUnenrolledReason = false, now, ""
		}
	}
	st.actions = append(st.actions, act)
	c.ok(map[string]any{"actionId": act.id})
}

// sendAgentAction records a raw action for one agent.
func (k *Kibana) sendAgentAction(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"action"})
	if !ok {
		return
	}
	action, present := b.object("action")
	if !present {
		b.typeError("action", "Object", nil, false)
	}
	if b.failed() {
		return
	}
	typ, _ := action["type"].(string)
	data, hasData := action["data"]
	ack, hasAck := action["ack_data"]
	switch typ {
	case "SETTINGS":
		m, _ := data.(map[string]any)
		level, _ := m["log_level"].(string)
		if !slices.Contains([]string{"debug", "info", "warning", "error"}, level) || len(m) != 1 || hasAck {
			c.badRequest("[request body.action]: types that failed validation:\n- [request body.action.1.data.log_level]: expected one of debug, info, warning, error")
			return
		}
	case "UNENROLL", "UPGRADE", "POLICY_REASSIGN":
		if !hasData || !hasAck {
			c.badRequest("[request body.action.0]: data and ack_data are required")
			return
		}
	default:
		c.badRequest(fmt.Sprintf("[request body.action.type]: types that failed validation: unknown action type [%s]", typ))
		return
	}
	a := lookupAgent(c)
	if a == nil {
		return
	}
	st := &c.space.fleet
	now := k.cfg.Now().UTC()
	act := &fleetAction{id: k.newID(), typ: typ, created: now, agents: []string{a.id}}
	if !k.acksAtOnce(st, a) {
		act.pending = []string{a.id}
	}
	st.actions = append(st.actions, act)
	if ack == nil {
		ack = map[string]any{} // the published answer requires it, not null
	}
	item := map[string]any{"id": act.id, "type": typ, "data": fleetJSONClone(data), "ack_data": fleetJSONClone(ack),
		"created_at": fleetTime(now), "agents": []any{a.id}, "namespaces": []any{c.spaceID}}
	c.ok(map[string]any{"item": item})
}

// cancelAgentAction cancels an action: agents that have not done it yet
// will not, and the action shows as cancelled. Kibana records the cancel
// as an action of its own.
func (k *Kibana) cancelAgentAction(c *call) {
	st := &c.space.fleet
	id := c.param("actionId")
	var target *fleetAction
	for _, a := range st.actions {
		if a.id == id && a.typ != "CANCEL" {
			target = a
		}
	}
	if target == nil {
		c.notFound("Action not found")
		return
	}
	now := k.cfg.Now().UTC()
	target.cancelled = true
	for _, agentID := range target.pending {
		if a := st.agents.get(agentID); a != nil && a.upgradeAction == target.id {
			a.upgradeStartedAt, a.upgradeTarget, a.upgradeAction = time.Time{}, "", ""
		}
	}
	target.pending = nil
	cancel := &fleetAction{id: k.newID(), typ: "CANCEL", created: now, agents: slices.Clone(target.agents)}
	st.actions = append(st.actions, cancel)
	agents := []any{}
	for _, a := range target.agents {
		agents = append(agents, a)
	}
	c.ok(map[string]any{"item": map[string]any{"id": cancel.id, "type": "CANCEL", "data": map[string]any{"target_id": target.id},
		"ack_data": map[string]any{}, "created_at": fleetTime(now), "agents": agents, "namespaces": []any{c.spaceID}}})
}

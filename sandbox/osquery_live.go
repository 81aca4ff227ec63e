package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Live queries. Running one selects agents of the space's Fleet, gives
// every query an action id, and records the whole as one live query whose
// id is its own action id. Agents that are connected answer
// osqueryAnswerDelay after the action was created (on the sandbox's
// clock); the others never do, and stay pending until the action expires,
// as in Kibana. Rows are made up when asked for (osquery_rows.go), so they
// follow the hosts' current state.

const (
	osqueryAnswerDelay = 2 * time.Second
	osqueryExpiry      = 5 * time.Minute // Kibana's action expiration
	osqueryActionsIdx  = ".logs-osquery_manager.actions-default"
	osqueryDefaultTime = 60 // seconds; Kibana's default query timeout
)

// osqueryLive is one live query: the action and its queries.
type osqueryLive struct {
	actionID                      string
	created                       time.Time
	userID                        string
	agentAll                      bool
	agentIDs, platforms, policies []string // the selection as given
	agents                        []string // the agents it selected
	alertIDs, caseIDs, eventIDs   []string
	metadata                      map[string]any
	packID, packName              string
	queries                       []*osqueryQueryAction
}

// osqueryQueryAction is one query of a live query, sent as its own action.
type osqueryQueryAction struct {
	actionID, id, query string
	savedQueryID        string
	platform, version   string
	ecsMapping          map[string]any
	timeout             int
}

func (lq *osqueryLive) query(actionID string) *osqueryQueryAction {
	for _, q := range lq.queries {
		if q.actionID == actionID {
			return q
		}
	}
	return nil
}

// answered reports whether an agent has answered the live query by now:
// connected agents answer after the delay, before the action expires.
func (k *Kibana) osqueryAnswered(sp *space, lq *osqueryLive, agentID string, now time.Time) bool {
	a := sp.fleet.agents.get(agentID)
	return a != nil && a.active && a.connected && !now.Before(lq.created.Add(osqueryAnswerDelay))
}

// source is the live query as stored in the actions index.
func (lq *osqueryLive) source(spaceID string) map[string]any {
	strs := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return slices.Clone(s)
	}
	src := map[string]any{
		"action_id": lq.actionID, "@timestamp": osqueryStamp(lq.created), "expiration": osqueryStamp(lq.created.Add(osqueryExpiry)),
		"type": "INPUT_ACTION", "input_type": "osquery", "agents": strs(lq.agents), "user_id": lq.userID,
		"agent_all": lq.agentAll, "agent_ids": strs(lq.agentIDs), "agent_platforms": strs(lq.platforms), "agent_policy_ids": strs(lq.policies),
		"space_id": spaceID,
	}
	for key, list := range map[string][]string{"alert_ids": lq.alertIDs, "case_ids": lq.caseIDs, "event_ids": lq.eventIDs} {
		if len(list) > 0 {
			src[key] = slices.Clone(list)
		}
	}
	if lq.metadata != nil {
		src["metadata"] = cfgClone(lq.metadata)
	}
	if lq.packID != "" {
		src["pack_id"], src["pack_name"], src["pack_prebuilt"] = lq.packID, lq.packName, false
	}
	queries := []any{}
	for _, q := range lq.queries {
		queries = append(queries, q.doc(lq.agents))
	}
	src["queries"] = queries
	return src
}

func (q *osqueryQueryAction) doc(agents []string) map[string]any {
	d := map[string]any{"action_id": q.actionID, "id": q.id, "query": q.query, "agents": slices.Clone(agents), "timeout": q.timeout}
	if q.savedQueryID != "" {
		d["saved_query_id"] = q.savedQueryID
	}
	if q.platform != "" {
		d["platform"] = q.platform
	}
	if q.version != "" {
		d["version"] = q.version
	}
	if q.ecsMapping != nil {
		d["ecs_mapping"] = cfgCloneValue(q.ecsMapping)
	}
	return d
}

// details is the live query with each query's progress.
func (k *Kibana) osqueryDetails(sp *space, lq *osqueryLive) map[string]any {
	now := k.cfg.Now()
	d := lq.source(sp.id)
	expired := !now.Before(lq.created.Add(osqueryExpiry))
	all := true
	queries := []any{}
	for _, q := range lq.queries {
		qd := q.doc(lq.agents)
		responded, docs := 0, 0
		for _, agentID := range lq.agents {
			if k.osqueryAnswered(sp, lq, agentID, now) {
				responded++
				docs += len(k.osqueryRowsFor(sp, lq, q, agentID))
			}
		}
		pending := len(lq.agents) - responded
		status := "running"
		if pending == 0 || expired {
			status = "completed"
		} else {
			all = false
		}
		qd["responded"], qd["successful"], qd["failed"], qd["pending"], qd["docs"], qd["status"] = responded, responded, 0, pending, docs, status
		queries = append(queries, qd)
	}
	d["queries"] = queries
	d["status"] = "running"
	if all {
		d["status"] = "completed"
	}
	return d
}

func liveQueryNotFound(c *call, id string) {
	c.notFound(fmt.Sprintf("Live query with id %q not found", id))
}

func (st *osqueryState) liveQuery(id string) *osqueryLive {
	for _, lq := range st.live {
		if lq.actionID == id {
			return lq
		}
	}
	return nil
}

var osqueryLiveSpec = []cfgField{
	{name: "agent_all", kind: "boolean", nullable: true},
	{name: "agent_ids", kind: "strings", nullable: true},
	{name: "agent_platforms", kind: "strings", nullable: true},
	{name: "agent_policy_ids", kind: "strings", nullable: true},
	{name: "alert_ids", kind: "strings", nullable: true},
	{name: "case_ids", kind: "strings", nullable: true},
	{name: "event_ids", kind: "strings", nullable: true},
	{name: "metadata", kind: "object", nullable: true},
	{name: "query", kind: "string", nullable: true, check: platMinLen(1)},
	{name: "saved_query_id", kind: "string", nullable: true, check: platMinLen(1)},
	{name: "pack_id", kind: "string", nullable: true, check: platMinLen(1)},
	{name: "ecs_mapping", kind: "any", nullable: true},
	{name: "timeout", kind: "number", nullable: true, min: osqPtr(60.0), max: osqPtr(900.0)},
	{name: "queries", kind: "objects", nullable: true, items: []cfgField{
		{name: "id", kind: "string", required: true, check: platMinLen(1)},
		{name: "query", kind: "string", required: true, check: platMinLen(1)},
		{name: "ecs_mapping", kind: "any", nullable: true},
		{name: "platform", kind: "string", nullable: true, check: osqueryPlatformCheck},
		{name: "version", kind: "string", nullable: true},
		{name: "snapshot", kind: "boolean", nullable: true},
		{name: "removed", kind: "boolean", nullable: true},
		{name: "timeout", kind: "number", nullable: true},
	}},
}

func osqPtr[T any](v T) *T { return &v }

func osqStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		out = append(out, e.(string))
	}
	return out
}

// osquerySelect picks the agents of a selection, as Kibana does: every
// active agent for agent_all, the active agents of the platforms and
// policies named, and the agent ids given as they are.
func osquerySelect(sp *space, all bool, ids, platforms, policies []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, a := range sp.fleet.agents.all() {
		if a.active && (all || slices.Contains(platforms, a.platform) || slices.Contains(policies, a.policyID)) {
			add(a.id)
		}
	}
	for _, id := range ids {
		add(id)
	}
	return out
}

func (k *Kibana) createOsqueryLive(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, osqueryLiveSpec, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	var mapping map[string]any
	if v := body["ecs_mapping"]; v != nil {
		if mapping, msg = osqueryECSMapping("request body.ecs_mapping", v); msg != "" {
			c.badRequest(msg)
			return
		}
	}
	st := &c.space.osquery
	all, _ := body["agent_all"].(bool)
	lq := &osqueryLive{
		actionID: k.newID(), created: k.cfg.Now().UTC(), userID: "elastic", agentAll: all,
		agentIDs: osqStrings(body["agent_ids"]), platforms: osqStrings(body["agent_platforms"]), policies: osqStrings(body["agent_policy_ids"]),
		alertIDs: osqStrings(body["alert_ids"]), caseIDs: osqStrings(body["case_ids"]), eventIDs: osqStrings(body["event_ids"]),
	}
	if m, ok := body["metadata"].(map[string]any); ok {
		lq.metadata = m
	}
	timeout := osqueryDefaultTime
	if v := body["timeout"]; v != nil {
		timeout = int(cfgNumber(v))
	}
	lq.agents = osquerySelect(c.space, all, lq.agentIDs, lq.platforms, lq.policies)
	if len(lq.agents) == 0 {
		c.badRequest("No agents found for selection")
		return
	}
	query, _ := body["query"].(string)
	savedID, _ := body["saved_query_id"].(string)
	packID, _ := body["pack_id"].(string)
	switch {
	case packID != "":
		p := st.packs.get(packID)
		if p == nil {
			osqueryNotFound(c, "osquery-pack", packID)
			return
		}
		lq.packID, lq.packName = p.soID, p.name
		for _, name := range osqKeys(p.queries) {
			pq := p.queries[name]
			qa := &osqueryQueryAction{actionID: k.newID(), id: name, query: pq["query"].(string), timeout: timeout}
			qa.platform, _ = pq["platform"].(string)
			qa.version, _ = pq["version"].(string)
			qa.savedQueryID, _ = pq["saved_query_id"].(string)
			if em, ok := pq["ecs_mapping"].(map[string]any); ok {
				qa.ecsMapping = cfgClone(em)
			}
			if t, ok := pq["timeout"]; ok {
				qa.timeout = int(cfgNumber(t))
			}
			lq.queries = append(lq.queries, qa)
		}
	case body["queries"] != nil:
		for i, raw := range body["queries"].([]any) {
			item := raw.(map[string]any)
			qa := &osqueryQueryAction{actionID: k.newID(), id: item["id"].(string), query: item["query"].(string), timeout: timeout}
			qa.platform, _ = item["platform"].(string)
			qa.version, _ = item["version"].(string)
			if v := item["ecs_mapping"]; v != nil {
				if qa.ecsMapping, msg = osqueryECSMapping(fmt.Sprintf("request body.queries.%d.ecs_mapping", i), v); msg != "" {
					c.badRequest(msg)
					return
				}
			}
			if t := item["timeout"]; t != nil {
				qa.timeout = int(cfgNumber(t))
			}
			lq.queries = append(lq.queries, qa)
		}
	case query != "" || savedID != "":
		qa := &osqueryQueryAction{actionID: k.newID(), id: k.newID(), query: query, savedQueryID: savedID, ecsMapping: mapping, timeout: timeout}
		if query == "" {
			sq := st.savedQueryByName(savedID)
			if sq == nil {
				sq = st.savedQueries.get(savedID)
			}
			if sq == nil {
				osqueryNotFound(c, "osquery-saved-query", savedID)
				return
			}
			qa.query, qa.savedQueryID, qa.platform, qa.version = sq.query, sq.id, sq.platform, sq.version
			if qa.ecsMapping == nil && sq.ecsMapping != nil {
				qa.ecsMapping = cfgClone(sq.ecsMapping)
			}
		}
		lq.queries = append(lq.queries, qa)
	default:
		c.badRequest("[request body.query]: expected value of type [string] but got [undefined]: give query, queries, saved_query_id or pack_id")
		return
	}
	st.live = append(st.live, lq)
	c.ok(map[string]any{"data": lq.source(c.spaceID)})
}

func (k *Kibana) getOsqueryLive(c *call) {
	lq := c.space.osquery.liveQuery(c.param("id"))
	if lq == nil {
		liveQueryNotFound(c, c.param("id"))
		return
	}
	c.ok(map[string]any{"data": k.osqueryDetails(c.space, lq)})
}

// osquerySortField maps the API's sort names onto document fields.
func osquerySortField(sort string) string {
	switch sort {
	case "", "createdAt", "created_at":
		return "@timestamp"
	}
	return sort
}

// osqueryFilterSort filters documents of an index by a kuery and sorts
// them by a field of their flattened form; ties keep their order.
func (c *call) osqueryFilterSort(index string, docs []map[string]any, defDesc bool) ([]map[string]any, bool) {
	docs, ok := kqlKeep(c, index, c.query("kuery"), es.KQLOptions{}, map[string]es.Kind{"@timestamp": es.Date}, docs, func(d map[string]any) map[string]any { return d })
	if !ok {
		return nil, false
	}
	desc, ok := c.osquerySortOrder()
	if !ok {
		return nil, false
	}
	if c.query("sortOrder") == "" {
		desc = defDesc
	}
	field := osquerySortField(c.query("sort"))
	type entry struct {
		doc  map[string]any
		flat map[string][]string
	}
	kept := make([]entry, len(docs))
	for i, d := range docs {
		kept[i] = entry{d, flattenText(d)}
	}
	slices.SortStableFunc(kept, func(a, b entry) int {
		n := compareNumbersOrText(strings.Join(a.flat[field], ","), strings.Join(b.flat[field], ","))
		if desc {
			n = -n
		}
		return n
	})
	out := make([]map[string]any, len(kept))
	for i, e := range kept {
		out[i] = e.doc
	}
	return out, true
}

func (k *Kibana) findOsqueryLive(c *call) {
	page, size, ok := c.osqueryPage(0, 100)
	if !ok {
		return
	}
	var docs []map[string]any
	for _, lq := range c.space.osquery.live {
		docs = append(docs, lq.source(c.spaceID))
	}
	docs, ok = c.osqueryFilterSort(osqueryActionsIdx, docs, true)
	if !ok {
		return
	}
	items := []any{}
	for _, src := range osqPage(docs, page, size) {
		var queryActions []string
		for _, q := range src["queries"].([]any) {
			queryActions = append(queryActions, q.(map[string]any)["action_id"].(string))
		}
		items = append(items, map[string]any{
			"_index": osqueryActionsIdx, "_id": src["action_id"], "_source": src,
			"fields": map[string]any{"action_id": []any{src["action_id"]}, "queries.action_id": queryActions},
		})
	}
	c.ok(map[string]any{"data": map[string]any{"total": len(docs), "items": items}})
}

func (k *Kibana) getOsqueryResults(c *call) {
	sp := c.space
	lq := sp.osquery.liveQuery(c.param("id"))
	if lq == nil {
		liveQueryNotFound(c, c.param("id"))
		return
	}
	q := lq.query(c.param("actionId"))
	if q == nil {
		c.notFound(fmt.Sprintf("Action %s not found", c.param("actionId")))
		return
	}
	page, size, ok := c.osqueryPage(0, 100)
	if !ok {
		return
	}
	now := k.cfg.Now()
	var docs []map[string]any
	for _, agentID := range lq.agents {
		if k.osqueryAnswered(sp, lq, agentID, now) {
			docs = append(docs, k.osqueryResultDocs(sp, lq, q, agentID)...)
		}
	}
	docs, ok = c.osqueryFilterSort(osqueryResultsIndex(lq.created), docs, true)
	if !ok {
		return
	}
	edges := []any{}
	for _, src := range osqPage(docs, page, size) {
		edges = append(edges, map[string]any{"_index": osqueryResultsIndex(lq.created), "_id": src["_id"], "_source": osqWithout(src, "_id")})
	}
	c.ok(map[string]any{"data": map[string]any{"total": len(docs), "edges": edges}})
}

func osqueryResultsIndex(t time.Time) string {
	return ".ds-logs-osquery_manager.result-default-" + t.UTC().Format("2006.01.02") + "-000001"
}

func osqWithout(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

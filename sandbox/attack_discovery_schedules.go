package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Attack discovery schedules: stored configurations that would run a
// generation at an interval. The sandbox keeps them (and their enabled
// flag) but does not run them; its seeded discoveries come from one manual
// generation.

// adSchedule is one schedule, kept in the API's snake_case shape.
type adSchedule struct {
	id, name             string
	enabled              bool
	params               map[string]any
	schedule             map[string]any
	actions              []any
	createdBy, updatedBy string
	createdAt, updatedAt time.Time
}

func (s *adSchedule) doc() map[string]any {
	return map[string]any{
		"id": s.id, "name": s.name, "enabled": s.enabled, "params": s.params, "schedule": s.schedule, "actions": s.actions,
		"created_by": s.createdBy, "updated_by": s.updatedBy, "created_at": epStamp(s.createdAt), "updated_at": epStamp(s.updatedAt),
	}
}

var adIntervalPattern = lazyRegexp(`^[1-9][0-9]*[smhd]$`)

// adScheduleBody checks a create (full=false) or update (full=true) body in
// zod's words; nil when it answered.
func (k *Kibana) adScheduleBody(c *call, full bool) (name string, params, schedule map[string]any, actions []any, enabled bool, ok bool) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	name, _ = adString(z, body, "", "name", true)
	if p, given := z.object(body, "params", true); given {
		params = p
		adString(z, p, "params", "alerts_index_pattern", true)
		if _, has := p["api_config"]; !has {
			z.add("params.api_config", "Required")
		} else if api, isObj := p["api_config"].(map[string]any); !isObj {
			z.add("params.api_config", "Expected object, received %s", zodType(p["api_config"]))
		} else {
			for _, key := range []string{"connectorId", "actionTypeId", "name"} {
				adString(z, api, "params.api_config", key, true)
			}
			for _, key := range []string{"defaultSystemPromptId", "model"} {
				adString(z, api, "params.api_config", key, false)
			}
			if _, has := api["provider"]; has {
				adEnumAt(z, api, "params.api_config", "provider", "OpenAI", "Azure OpenAI", "Other")
			}
		}
		adNumber(z, p, "params", "size", true)
		adString(z, p, "params", "start", false)
		adString(z, p, "params", "end", false)
		if q, has := p["query"]; has {
			if qm, isObj := q.(map[string]any); !isObj {
				z.add("params.query", "Expected object, received %s", zodType(q))
			} else {
				adString(z, qm, "params.query", "language", true)
				switch qv := qm["query"].(type) {
				case string, map[string]any:
				case nil:
					z.add("params.query.query", "Required")
				default:
					z.add("params.query.query", "Expected string or object, received %s", zodType(qv))
				}
			}
		}
		if f, has := p["filters"]; has {
			if _, isList := f.([]any); !isList {
				z.add("params.filters", "Expected array, received %s", zodType(f))
			}
		}
		if f, has := p["combined_filter"]; has {
			if _, isObj := f.(map[string]any); !isObj {
				z.add("params.combined_filter", "Expected object, received %s", zodType(f))
			}
		}
	}
	if s, given := z.object(body, "schedule", true); given {
		schedule = s
		adString(z, s, "schedule", "interval", true)
	}
	if v, given := body["actions"]; given {
		list, isList := v.([]any)
		if !isList {
			z.add("actions", "Expected array, received %s", zodType(v))
		}
		for i, a := range list {
			at := fmt.Sprintf("actions.%d", i)
			m, isObj := a.(map[string]any)
			if !isObj {
				z.add(at, "Expected object, received %s", zodType(a))
				continue
			}
			adString(z, m, at, "action_type_id", true)
			adString(z, m, at, "id", true)
			adString(z, m, at, "group", false)
			adString(z, m, at, "uuid", false)
			z.object(m, "params", true)
			if fr, has := m["frequency"]; has {
				if fm, isObj := fr.(map[string]any); !isObj {
					z.add(at+".frequency", "Expected object, received %s", zodType(fr))
				} else {
					adBodyBool(z, fm, at+".frequency", "summary", false)
					if _, has := fm["summary"]; !has {
						z.add(at+".frequency.summary", "Required")
					}
					adEnumAt(z, fm, at+".frequency", "notify_when", "onActiveAlert", "onThrottleInterval", "onActionGroupChange")
					if _, has := fm["throttle"]; !has {
						z.add(at+".frequency.throttle", "Required")
					}
				}
			}
			actions = append(actions, m)
		}
	} else if full {
		z.add("actions", "Required")
	}
	if !full {
		enabled = adBodyBool(z, body, "", "enabled", false)
	}
	if z.answer(c) {
		return
	}
	verb := "create"
	if full {
		verb = "update"
	}
	if iv, _ := schedule["interval"].(string); !adIntervalPattern().MatchString(iv) {
		adError(c, http.StatusBadRequest, fmt.Sprintf("Error validating %s data - [schedule.interval]: string is not a valid duration: %s", verb, iv))
		return
	}
	if strings.TrimSpace(name) == "" {
		adError(c, http.StatusBadRequest, fmt.Sprintf("Error validating %s data - [name]: value must not be empty", verb))
		return
	}
	for _, a := range actions {
		m := a.(map[string]any)
		if _, has := m["uuid"]; !has {
			m["uuid"] = k.newID()
		}
	}
	if actions == nil {
		actions = []any{}
	}
	return name, params, schedule, actions, enabled, true
}

func (k *Kibana) createAttackDiscoverySchedule(c *call) {
	name, params, schedule, actions, enabled, ok := k.adScheduleBody(c, false)
	if !ok {
		return
	}
	now := k.cfg.Now().UTC().Truncate(time.Millisecond)
	user := adUser(c)
	s := &adSchedule{id: k.newID(), name: name, enabled: enabled, params: params, schedule: schedule, actions: actions,
		createdBy: user, updatedBy: user, createdAt: now, updatedAt: now}
	c.space.attackDisc.addSchedule(s)
	c.ok(s.doc())
}

func (st *attackDiscoveryState) addSchedule(s *adSchedule) {
	if st.schedules == nil {
		st.schedules = map[string]*adSchedule{}
	}
	st.schedules[s.id] = s
	st.order = append(st.order, s.id)
}

// adScheduleOf finds the schedule of the path, answering 404 without one.
func adScheduleOf(c *call) *adSchedule {
	id := c.param("id")
	if s := c.space.attackDisc.schedules[id]; s != nil {
		return s
	}
	adError(c, http.StatusNotFound, soNotFoundMessage("alert", id))
	return nil
}

func (k *Kibana) getAttackDiscoverySchedule(c *call) {
	if s := adScheduleOf(c); s != nil {
		c.ok(s.doc())
	}
}

func (k *Kibana) updateAttackDiscoverySchedule(c *call) {
	s := adScheduleOf(c)
	if s == nil {
		return
	}
	name, params, schedule, actions, _, ok := k.adScheduleBody(c, true)
	if !ok {
		return
	}
	s.name, s.params, s.schedule, s.actions = name, params, schedule, actions
	s.updatedBy, s.updatedAt = adUser(c), k.cfg.Now().UTC().Truncate(time.Millisecond)
	c.ok(s.doc())
}

func (k *Kibana) deleteAttackDiscoverySchedule(c *call) {
	s := adScheduleOf(c)
	if s == nil {
		return
	}
	st := &c.space.attackDisc
	delete(st.schedules, s.id)
	for i, id := range st.order {
		if id == s.id {
			st.order = append(st.order[:i:i], st.order[i+1:]...)
			break
		}
	}
	c.ok(map[string]any{"id": s.id})
}

func (k *Kibana) enableAttackDiscoverySchedule(c *call)  { k.setAttackDiscoverySchedule(c, true) }
func (k *Kibana) disableAttackDiscoverySchedule(c *call) { k.setAttackDiscoverySchedule(c, false) }

func (k *Kibana) setAttackDiscoverySchedule(c *call, enabled bool) {
	s := adScheduleOf(c)
	if s == nil {
		return
	}
	if s.enabled != enabled {
		s.enabled = enabled
		s.updatedBy, s.updatedAt = adUser(c), k.cfg.Now().UTC().Truncate(time.Millisecond)
	}
	c.ok(map[string]any{"id": s.id})
}

// adScheduleSortFields are the schedule attributes _find sorts by.
var adScheduleSortFields = []string{"name", "created_at", "updated_at", "enabled"}

func (k *Kibana) findAttackDiscoverySchedules(c *call) {
	q := newADQuery(c)
	page := q.number("page", 1, false)
	perPage := q.number("per_page", 10, false)
	dir := q.enum("sort_direction", "asc", "asc", "desc")
	field := c.query("sort_field")
	if q.z.answer(c) {
		return
	}
	if field == "" {
		field = "created_at"
	}
	if !slices.Contains(adScheduleSortFields, field) {
		adError(c, http.StatusBadRequest, fmt.Sprintf("cannot sort schedules by %q; use one of %s", field, strings.Join(adScheduleSortFields, ", ")))
		return
	}
	st := &c.space.attackDisc
	var all []*adSchedule
	for _, id := range st.order {
		all = append(all, st.schedules[id])
	}
	less := func(a, b *adSchedule) bool {
		switch field {
		case "name":
			return strings.ToLower(a.name) < strings.ToLower(b.name)
		case "updated_at":
			return a.updatedAt.Before(b.updatedAt)
		case "enabled":
			return !a.enabled && b.enabled
		}
		return a.createdAt.Before(b.createdAt)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if dir == "desc" {
			return less(all[j], all[i])
		}
		return less(all[i], all[j])
	})
	data := []any{}
	from := (page - 1) * perPage
	for i := from; i < len(all) && i < from+perPage; i++ {
		data = append(data, all[i].doc())
	}
	c.ok(map[string]any{"data": data, "page": page, "per_page": perPage, "total": len(all)})
}

// adSeedConnector adds the space's AI connector, the one its discoveries
// name. The connectors area seeds none, and attack discovery needs one.
func adSeedConnector(sp *space) *connector {
	cn := &connector{id: adSeedID(sp.id, "connector", 1), name: "OpenAI GPT-4o", typeID: ".gen-ai",
		config:  map[string]any{"apiProvider": "OpenAI", "apiUrl": "https://api.openai.com/v1/chat/completions", "defaultModel": "gpt-4o"},
		secrets: map[string]any{"apiKey": "sandbox-secret"}}
	if sp.id == "soc" {
		cn = &connector{id: adSeedID(sp.id, "connector", 1), name: "Claude 3.7 Sonnet (Bedrock)", typeID: ".bedrock",
			config:  map[string]any{"apiUrl": "https://bedrock-runtime.us-east-1.amazonaws.com", "defaultModel": "us.anthropic.claude-3-7-sonnet-20250219-v1:0"},
			secrets: map[string]any{"accessKey": "sandbox-access-key", "secret": "sandbox-secret"}}
	}
	sp.connectors.add(cn)
	return cn
}

// seedAttackDiscoverySchedules gives the space its daily schedule, which
// posts to the team's Slack channel when it finds something.
func (k *Kibana) seedAttackDiscoverySchedules(sp *space, ai *connector, now time.Time) {
	created := now.AddDate(0, 0, -20).Add(-95 * time.Minute)
	actions := []any{}
	for _, id := range sortedConnectorIDs(sp) {
		if cn := sp.connectors.byID[id]; cn.typeID == ".slack" {
			actions = append(actions, map[string]any{
				"action_type_id": ".slack", "id": cn.id, "group": "default", "uuid": adSeedID(sp.id, "action", 1),
				"params":    map[string]any{"message": "Attack discovery: {{context.attack.title}} ({{context.attack.alertIds.length}} alerts)"},
				"frequency": map[string]any{"summary": false, "notify_when": "onActiveAlert", "throttle": nil},
			})
			break
		}
	}
	sp.attackDisc.addSchedule(&adSchedule{
		id: adSeedID(sp.id, "schedule", 1), name: "Daily attack discovery", enabled: true,
		params: map[string]any{
			"alerts_index_pattern": ".alerts-security.alerts-" + sp.id, "size": 100, "start": "now-24h", "end": "now",
			"api_config": map[string]any{"connectorId": ai.id, "actionTypeId": ai.typeID, "name": ai.name},
		},
		schedule: map[string]any{"interval": "24h"}, actions: actions,
		createdBy: "aokafor", updatedBy: "aokafor", createdAt: created, updatedAt: created.Add(26 * time.Hour),
	})
}

// sortedConnectorIDs lists the space's connector ids in a stable order.
func sortedConnectorIDs(sp *space) []string {
	ids := make([]string, 0, len(sp.connectors.byID))
	for id := range sp.connectors.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

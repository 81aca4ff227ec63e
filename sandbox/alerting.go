package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The Alerting API: a space's rules (stack, observability and the story's
// detection rules, which alerting lists as siem rules), their notification
// state (mute, muted alerts, snooze schedules), the rule types and the
// framework's health.
//
// What the sandbox approximates: rules never run (execution status and last
// run are what the seed or the last enable left); a recurring snooze is
// active by its start, duration and every/occurrences/end only (onWeekDay,
// onMonthDay and onMonth are stored and answered but not used to decide);
// find's filter understands KQL field:value clauses joined by and, or, not
// and parentheses, and answers 400 naming the filter for anything else.

// rulesState holds a space's alerting rules.
type rulesState struct {
	byID  map[string]*alertingRule
	order []string // creation order, which find keeps without sort_field
}

// alertingRule is one rule saved object.
type alertingRule struct {
	id, name, typeID, consumer string
	enabled                    bool
	interval                   string
	params                     map[string]any
	actions                    []map[string]any // as answered, connector_type_id as when saved
	tags                       []string
	notifyWhen, throttle       any // string or nil
	alertDelay, flapping       map[string]any
	artifacts                  map[string]any
	muteAll                    bool
	mutedAlertIDs              []string
	snoozes                    []ruleSnooze

	createdBy, updatedBy, createdAt, updatedAt string
	apiKeyOwner                                string
	apiKeyCreatedByUser                        bool
	revision                                   int

	status, lastExecution string
	lastDuration          int
	lastRun               map[string]any // nil before the first run
	lastMetrics           map[string]any // the last run's metrics, which the detection engine shows
	nextRun               any            // string or nil
}

// ruleSnooze is one snooze schedule of a rule.
type ruleSnooze struct {
	id       string
	custom   map[string]any // as the API takes and answers it
	start    time.Time
	duration time.Duration
	every    string // "" for a single window; else 1d, 2w, 1M, 1y
	count    int    // occurrences, 0 for unbounded
	until    time.Time
}

func (st *rulesState) add(r *alertingRule) {
	if st.byID == nil {
		st.byID = map[string]*alertingRule{}
	}
	st.byID[r.id] = r
	st.order = append(st.order, r.id)
}

func (st *rulesState) remove(id string) {
	delete(st.byID, id)
	st.order = slices.DeleteFunc(st.order, func(s string) bool { return s == id })
}

// referencesTo counts the rules whose actions use a connector.
func (st *rulesState) referencesTo(connectorID string) int {
	n := 0
	for _, r := range st.byID {
		if slices.ContainsFunc(r.actions, func(a map[string]any) bool { return a["id"] == connectorID }) {
			n++
		}
	}
	return n
}

func (k *Kibana) alertingRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/alerting/rules/_find", k.findRules),
		newRoute(http.MethodGet, "/api/alerting/rule_types", k.listRuleTypes),
		newRoute(http.MethodGet, "/api/alerting/_health", k.alertingHealth),
		newRoute(http.MethodPost, "/api/alerting/rule", k.createRule),
		newRoute(http.MethodGet, "/api/alerting/rule/{id}", k.getRule),
		newRoute(http.MethodPost, "/api/alerting/rule/{id}", k.createRule),
		newRoute(http.MethodPut, "/api/alerting/rule/{id}", k.updateRule),
		newRoute(http.MethodDelete, "/api/alerting/rule/{id}", k.deleteRule),
		newRoute(http.MethodPost, "/api/alerting/rule/{id}/_enable", k.ruleChange(ruleEnable)),
		newRoute(http.MethodPost, "/api/alerting/rule/{id}/_disable", k.disableRule),
		newRoute(http.MethodPost, "/api/alerting/rule/{id}/_mute_all", k.ruleChange(ruleMuteAll)),
		newRoute(http.MethodPost, "/api/alerting/rule/{id}/_unmute_all", k.ruleChange(ruleUnmuteAll)),
		newRoute(http.MethodPost, "/api/alerting/rule/{id}/_update_api_key", k.ruleChange(ruleUpdateAPIKey)),
		newRoute(http.MethodPost, "/api/alerting/rule/{rule_id}/alert/{alert_id}/_mute", k.muteAlert(true)),
		newRoute(http.MethodPost, "/api/alerting/rule/{rule_id}/alert/{alert_id}/_unmute", k.muteAlert(false)),
		newRoute(http.MethodPost, "/api/alerting/rule/{id}/snooze_schedule", k.snoozeRule),
		newRoute(http.MethodDelete, "/api/alerting/rule/{ruleId}/snooze_schedule/{scheduleId}", k.unsnoozeRule),
	}
}

// ruleNotFound is Kibana's 404 for a rule id.
func ruleNotFound(c *call, id string) {
	c.notFound(soNotFoundMessage("alert", id))
}

// lookupRule finds the rule named by a path parameter or answers 404.
func lookupRule(c *call, param string) *alertingRule {
	id := c.param(param)
	r := c.space.rules.byID[id]
	if r == nil {
		ruleNotFound(c, id)
	}
	return r
}

// ruleUser is the user a write is made by: the Basic user, else the owner
// of the API key, which the sandbox calls elastic.
func ruleUser(c *call) string {
	if s, ok := strings.CutPrefix(c.r.Header.Get("Authorization"), "Basic "); ok {
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			if user, _, ok := strings.Cut(string(b), ":"); ok && user != "" {
				return user
			}
		}
	}
	return "elastic"
}

func forbidden(c *call, msg string) {
	c.answered = true
	writeError(c.w, http.StatusForbidden, msg)
}

// ruleDoc is the rule as Kibana answers it.
func (k *Kibana) ruleDoc(sp *space, r *alertingRule) map[string]any {
	actions := make([]any, 0, len(r.actions))
	for _, a := range r.actions {
		out := cfgClone(a)
		if cn := sp.connectors.byID[fmt.Sprint(a["id"])]; cn != nil {
			out["connector_type_id"] = cn.typeID
		}
		actions = append(actions, out)
	}
	snoozes := make([]any, 0, len(r.snoozes))
	for _, s := range r.snoozes {
		snoozes = append(snoozes, s.rRuleDoc())
	}
	status := map[string]any{"status": r.status, "last_execution_date": r.lastExecution}
	if r.lastDuration > 0 {
		status["last_duration"] = r.lastDuration
	}
	doc := map[string]any{
		"id":                      r.id,
		"name":                    r.name,
		"tags":                    cfgStrings(r.tags),
		"enabled":                 r.enabled,
		"rule_type_id":            r.typeID,
		"consumer":                r.consumer,
		"schedule":                map[string]any{"interval": r.interval},
		"params":                  cfgClone(r.params),
		"actions":                 actions,
		"throttle":                r.throttle,
		"notify_when":             r.notifyWhen,
		"mute_all":                r.muteAll,
		"muted_alert_ids":         cfgStrings(r.mutedAlertIDs),
		"snooze_schedule":         snoozes,
		"is_snoozed_until":        nil,
		"execution_status":        status,
		"last_run":                r.lastRun,
		"next_run":                r.nextRun,
		"created_by":              r.createdBy,
		"updated_by":              r.updatedBy,
		"created_at":              r.createdAt,
		"updated_at":              r.updatedAt,
		"api_key_owner":           r.apiKeyOwner,
		"api_key_created_by_user": r.apiKeyCreatedByUser,
		"revision":                r.revision,
		"running":                 false,
		"scheduled_task_id":       r.id,
	}
	if until, active := r.snoozedUntil(k.cfg.Now()); len(active) > 0 {
		doc["is_snoozed_until"] = until
		doc["active_snoozes"] = active
	}
	for key, v := range map[string]map[string]any{"alert_delay": r.alertDelay, "flapping": r.flapping, "artifacts": r.artifacts} {
		if v != nil {
			doc[key] = cfgClone(v)
		}
	}
	if strings.HasPrefix(r.typeID, "siem.") {
		doc["view_in_app_relative_url"] = "/app/security/detections/rules/id/" + r.id
	}
	return doc
}

func (k *Kibana) getRule(c *call) {
	if r := lookupRule(c, "id"); r != nil {
		c.ok(k.ruleDoc(c.space, r))
	}
}

// The request bodies of create and update, in Kibana's member order (the
// first failing member is the one named).
var (
	ruleScheduleSpec = []cfgField{{name: "interval", kind: "string", required: true, check: ruleCheckDuration}}
	ruleCreateBody   = []cfgField{
		{name: "name", kind: "string", required: true},
		{name: "rule_type_id", kind: "string", required: true},
		{name: "enabled", kind: "boolean", def: true},
		{name: "consumer", kind: "string", required: true},
		{name: "tags", kind: "strings", def: []any{}},
		{name: "throttle", kind: "string", nullable: true, check: ruleCheckDuration},
		{name: "params", kind: "object", def: map[string]any{}},
		{name: "schedule", kind: "object", required: true, fields: ruleScheduleSpec},
		{name: "actions", kind: "objects", def: []any{}, items: ruleActionSpec},
		{name: "notify_when", kind: "string", nullable: true, oneOf: ruleNotifyWhens},
		{name: "alert_delay", kind: "object", fields: ruleAlertDelaySpec},
		{name: "flapping", kind: "object", nullable: true, fields: ruleFlappingSpec},
		{name: "artifacts", kind: "object"},
	}
	ruleUpdateBody = []cfgField{
		{name: "name", kind: "string", required: true},
		{name: "tags", kind: "strings", def: []any{}},
		{name: "schedule", kind: "object", required: true, fields: ruleScheduleSpec},
		{name: "throttle", kind: "string", nullable: true, check: ruleCheckDuration},
		{name: "params", kind: "object", def: map[string]any{}},
		{name: "actions", kind: "objects", def: []any{}, items: ruleActionSpec},
		{name: "notify_when", kind: "string", nullable: true, oneOf: ruleNotifyWhens},
		{name: "alert_delay", kind: "object", fields: ruleAlertDelaySpec},
		{name: "flapping", kind: "object", nullable: true, fields: ruleFlappingSpec},
		{name: "artifacts", kind: "object"},
	}
	ruleNotifyWhens = []string{"onActionGroupChange", "onActiveAlert", "onThrottleInterval"}
	ruleActionSpec  = []cfgField{
		{name: "group", kind: "string"},
		{name: "id", kind: "string", required: true},
		{name: "params", kind: "object", def: map[string]any{}},
		{name: "frequency", kind: "object", fields: []cfgField{
			{name: "summary", kind: "boolean", required: true},
			{name: "notify_when", kind: "string", required: true, oneOf: ruleNotifyWhens},
			{name: "throttle", kind: "string", nullable: true, defNull: true, check: ruleCheckDuration},
		}},
		{name: "uuid", kind: "string"},
		{name: "alerts_filter", kind: "object"},
		{name: "use_alert_data_for_template", kind: "boolean"},
	}
	ruleAlertDelaySpec = []cfgField{{name: "active", kind: "number", required: true, min: cfgPtr(1.0)}}
	ruleFlappingSpec   = []cfgField{
		{name: "look_back_window", kind: "number", required: true, min: cfgPtr(2.0), max: cfgPtr(20.0)},
		{name: "status_change_threshold", kind: "number", required: true, min: cfgPtr(2.0), max: cfgPtr(20.0)},
	}
)

func cfgPtr[T any](v T) *T { return &v }

var ruleDurationRE = lazyRegexp(`^[1-9][0-9]*[smhd]$`)

func ruleCheckDuration(v any) string {
	s, _ := v.(string)
	if !ruleDurationRE().MatchString(s) {
		return "string is not a valid duration: " + s
	}
	return ""
}

// ruleSeconds reads a rule duration such as 5m.
func ruleSeconds(s string) int64 {
	if !ruleDurationRE().MatchString(s) {
		return 0
	}
	n, _ := strconv.ParseInt(s[:len(s)-1], 10, 64)
	return n * map[byte]int64{'s': 1, 'm': 60, 'h': 3600, 'd': 86400}[s[len(s)-1]]
}

// checkRuleParts checks what create and update share once the body's shape
// passed: the type's params and the actions. It returns the params with
// the type's defaults and the actions as stored.
func (k *Kibana) checkRuleParts(c *call, rt *ruleType, body map[string]any, previous []map[string]any) (map[string]any, []map[string]any, bool) {
	params, msg := rt.checkParams(body["params"].(map[string]any))
	if msg != "" {
		c.badRequest("params invalid: " + msg)
		return nil, nil, false
	}
	interval := body["schedule"].(map[string]any)["interval"].(string)
	ruleLevel := body["notify_when"] != nil || body["throttle"] != nil
	var actions []map[string]any
	var badGroups, withFrequency, withoutFrequency, tooFrequent []string
	for _, raw := range body["actions"].([]any) {
		a := cfgClone(raw.(map[string]any))
		id := a["id"].(string)
		cn := c.space.connectors.byID[id]
		if cn == nil {
			c.badRequest(fmt.Sprintf("Failed to load action %s (404): Saved object [action/%s] not found", id, id))
			return nil, nil, false
		}
		a["connector_type_id"] = cn.typeID // kept, as Kibana keeps the action's type
		if a["group"] == nil {
			a["group"] = rt.defaultGroup
		}
		group := a["group"].(string)
		if !slices.ContainsFunc(rt.groups, func(g [2]string) bool { return g[0] == group }) && group != "recovered" {
			badGroups = append(badGroups, group)
		}
		if f, ok := a["frequency"].(map[string]any); ok {
			withFrequency = append(withFrequency, group)
			if t, ok := f["throttle"].(string); ok && ruleSeconds(t) < ruleSeconds(interval) {
				tooFrequent = append(tooFrequent, fmt.Sprintf("%s (%s)", group, t))
			}
		} else {
			withoutFrequency = append(withoutFrequency, group)
		}
		if a["uuid"] == nil {
			a["uuid"] = ruleActionUUID(previous, id, group, k)
		}
		actions = append(actions, a)
	}
	var errs []string
	if len(badGroups) > 0 {
		errs = append(errs, "Invalid action groups: "+strings.Join(badGroups, ", "))
	}
	if ruleLevel && len(withFrequency) > 0 {
		errs = append(errs, "Cannot specify per-action frequency params when notify_when or throttle are defined at the rule level: "+strings.Join(withFrequency, ", "))
	}
	if !ruleLevel && len(withoutFrequency) > 0 {
		errs = append(errs, "Actions missing frequency parameters: "+strings.Join(withoutFrequency, ", "))
	}
	if len(tooFrequent) > 0 {
		errs = append(errs, fmt.Sprintf("Action frequency cannot be shorter than the schedule interval of %s: %s", interval, strings.Join(tooFrequent, ", ")))
	}
	switch len(errs) {
	case 0:
		return params, actions, true
	case 1:
		c.badRequest("Failed to validate actions due to the following error: " + errs[0])
	default:
		c.badRequest(fmt.Sprintf("Failed to validate actions due to the following %d errors:\n- %s", len(errs), strings.Join(errs, "\n- ")))
	}
	return nil, nil, false
}

// ruleActionUUID keeps the uuid of an action an update leaves in place.
func ruleActionUUID(previous []map[string]any, id, group string, k *Kibana) string {
	for _, p := range previous {
		if p["id"] == id && p["group"] == group {
			return fmt.Sprint(p["uuid"])
		}
	}
	return k.newID()
}

func optionalObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func (k *Kibana) createRule(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, ruleCreateBody, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	typeID := body["rule_type_id"].(string)
	rt := ruleTypeByID(typeID)
	if rt == nil {
		c.badRequest(fmt.Sprintf("Rule type \"%s\" is not registered.", typeID))
		return
	}
	consumer := body["consumer"].(string)
	if !slices.Contains(rt.consumers, consumer) {
		forbidden(c, fmt.Sprintf("Unauthorized by \"%s\" to create \"%s\" rule", consumer, typeID))
		return
	}
	params, actions, ok := k.checkRuleParts(c, rt, body, nil)
	if !ok {
		return
	}
	id := c.param("id")
	if id == "" {
		id = k.newID()
	}
	if c.space.rules.byID[id] != nil {
		c.conflict(soConflictMessage("alert", id))
		return
	}
	user, now := ruleUser(c), k.now()
	r := &alertingRule{
		id: id, name: body["name"].(string), typeID: typeID, consumer: consumer,
		enabled:  body["enabled"].(bool),
		interval: body["schedule"].(map[string]any)["interval"].(string),
		params:   params, actions: actions, tags: cfgStringList(body["tags"]),
		notifyWhen: body["notify_when"], throttle: body["throttle"],
		alertDelay: optionalObject(body["alert_delay"]), flapping: optionalObject(body["flapping"]), artifacts: optionalObject(body["artifacts"]),
		createdBy: user, updatedBy: user, createdAt: now, updatedAt: now, apiKeyOwner: user,
		status: "pending", lastExecution: now, mutedAlertIDs: []string{},
	}
	c.space.rules.add(r)
	c.ok(k.ruleDoc(c.space, r))
}

func (k *Kibana) updateRule(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, ruleUpdateBody, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	r := lookupRule(c, "id")
	if r == nil {
		return
	}
	params, actions, ok := k.checkRuleParts(c, ruleTypeByID(r.typeID), body, r.actions)
	if !ok {
		return
	}
	before := r.revisionFingerprint()
	r.name = body["name"].(string)
	r.tags = cfgStringList(body["tags"])
	r.interval = body["schedule"].(map[string]any)["interval"].(string)
	r.params, r.actions = params, actions
	r.notifyWhen, r.throttle = body["notify_when"], body["throttle"]
	if v, ok := body["alert_delay"]; ok {
		r.alertDelay = optionalObject(v)
	}
	if v, ok := body["flapping"]; ok {
		r.flapping = optionalObject(v)
	}
	if v, ok := body["artifacts"]; ok {
		r.artifacts = optionalObject(v)
	}
	if r.revisionFingerprint() != before {
		r.revision++
	}
	r.updatedBy, r.updatedAt = ruleUser(c), k.now()
	c.ok(k.ruleDoc(c.space, r))
}

// revisionFingerprint covers what bumps a rule's revision when it changes.
func (r *alertingRule) revisionFingerprint() string {
	b, _ := json.Marshal([]any{r.name, r.tags, r.interval, r.params, r.actions, r.notifyWhen, r.throttle, r.alertDelay, r.flapping, r.artifacts})
	return string(b)
}

func (k *Kibana) deleteRule(c *call) {
	if r := lookupRule(c, "id"); r != nil {
		c.space.rules.remove(r.id)
		c.noContent()
	}
}

// ruleChange answers a body-less state change of a rule with 204.
func (k *Kibana) ruleChange(change func(k *Kibana, r *alertingRule, user string)) func(*call) {
	return func(c *call) {
		if r := lookupRule(c, "id"); r != nil {
			change(k, r, ruleUser(c))
			c.noContent()
		}
	}
}

func ruleEnable(k *Kibana, r *alertingRule, user string) {
	if r.enabled {
		return
	}
	r.enabled = true
	r.status, r.lastExecution, r.lastDuration = "pending", k.now(), 0
	r.nextRun = k.now()
	r.updatedBy, r.updatedAt = user, k.now()
}

func ruleMuteAll(k *Kibana, r *alertingRule, user string) {
	r.muteAll, r.mutedAlertIDs = true, []string{}
	r.updatedBy, r.updatedAt = user, k.now()
}

func ruleUnmuteAll(k *Kibana, r *alertingRule, user string) {
	r.muteAll, r.mutedAlertIDs = false, []string{}
	r.updatedBy, r.updatedAt = user, k.now()
}

func ruleUpdateAPIKey(k *Kibana, r *alertingRule, user string) {
	r.apiKeyOwner, r.apiKeyCreatedByUser = user, false
	r.updatedBy, r.updatedAt = user, k.now()
}

var ruleDisableBody = []cfgField{{name: "untrack", kind: "boolean", def: false}}

func (k *Kibana) disableRule(c *call) {
	if c.body == nil && len(strings.TrimSpace(string(c.rawBody))) > 0 && string(c.rawBody) != "null" {
		c.badRequest("[request body]: expected a plain object value, but found [" + cfgTypeOfJSON(c.rawBody) + "] instead.")
		return
	}
	if c.body != nil {
		if _, msg := cfgCheck("request body.", c.body, ruleDisableBody, true); msg != "" {
			c.badRequest(msg)
			return
		}
	}
	r := lookupRule(c, "id")
	if r == nil {
		return
	}
	if r.enabled {
		r.enabled, r.nextRun = false, nil
		r.updatedBy, r.updatedAt = ruleUser(c), k.now()
	}
	c.noContent()
}

func (k *Kibana) muteAlert(mute bool) func(*call) {
	return func(c *call) {
		r := lookupRule(c, "rule_id")
		if r == nil {
			return
		}
		alertID := c.param("alert_id")
		has := slices.Contains(r.mutedAlertIDs, alertID)
		switch {
		case mute && !has && !r.muteAll:
			r.mutedAlertIDs = append(r.mutedAlertIDs, alertID)
		case !mute && has:
			r.mutedAlertIDs = slices.DeleteFunc(r.mutedAlertIDs, func(s string) bool { return s == alertID })
		default:
			c.noContent()
			return
		}
		r.updatedBy, r.updatedAt = ruleUser(c), k.now()
		c.noContent()
	}
}

func (k *Kibana) alertingHealth(c *call) {
	now := k.now()
	ok := func() map[string]any { return map[string]any{"status": "ok", "timestamp": now} }
	c.ok(map[string]any{
		"is_sufficiently_secure":       true,
		"has_permanent_encryption_key": true,
		"alerting_framework_health": map[string]any{
			"decryption_health": ok(), "execution_health": ok(), "read_health": ok(),
		},
	})
}

// ---- Snooze schedules ----

var (
	snoozeDurationRE = lazyRegexp(`^([1-9][0-9]*)([smhd])$`)
	snoozeEveryRE    = lazyRegexp(`^([1-9][0-9]*)([dwMy])$`)
	snoozeWeekDayRE  = lazyRegexp(`^(([+-][1-5])?(MO|TU|WE|TH|FR|SA|SU))$`)
	snoozeTZRE       = lazyRegexp(`^(UTC|GMT|[A-Z]{3,5}([0-9][A-Z]{3})?|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$`)
	snoozeBody       = []cfgField{{name: "schedule", kind: "object", required: true, fields: []cfgField{
		{name: "custom", kind: "object", fields: []cfgField{
			{name: "start", kind: "string", required: true},
			{name: "duration", kind: "string", required: true, check: func(v any) string {
				if !snoozeDurationRE().MatchString(v.(string)) {
					return "Invalid schedule duration format: " + v.(string)
				}
				return ""
			}},
			{name: "timezone", kind: "string", check: func(v any) string {
				if _, err := time.LoadLocation(v.(string)); err != nil && !snoozeTZRE().MatchString(v.(string)) {
					return "Invalid schedule timezone: " + v.(string)
				}
				return ""
			}},
			{name: "recurring", kind: "object", fields: []cfgField{
				{name: "end", kind: "string", check: func(v any) string {
					if _, err := time.Parse(time.RFC3339Nano, v.(string)); err != nil {
						return "Invalid schedule end date: " + v.(string)
					}
					return ""
				}},
				{name: "every", kind: "string", check: func(v any) string {
					if !snoozeEveryRE().MatchString(v.(string)) {
						return "'every' string of recurring schedule is not valid : " + v.(string)
					}
					return ""
				}},
				{name: "onWeekDay", kind: "strings", check: func(v any) string {
					for _, d := range v.([]any) {
						if !snoozeWeekDayRE().MatchString(d.(string)) {
							return fmt.Sprintf("Invalid onWeekDay values in recurring schedule: %s", d)
						}
					}
					return ""
				}},
				{name: "onMonthDay", kind: "numbers", check: cfgEachBetween(1, 31)},
				{name: "onMonth", kind: "numbers", check: cfgEachBetween(1, 12)},
				{name: "occurrences", kind: "number", min: cfgPtr(1.0)},
			}},
		}},
	}}}
)

func cfgEachBetween(lo, hi float64) func(any) string {
	return func(v any) string {
		list := v.([]any)
		if len(list) == 0 {
			return "array size is [0], but cannot be smaller than [1]"
		}
		for _, n := range list {
			if f := cfgNumber(n); f < lo || f > hi {
				return fmt.Sprintf("Value must be between %g and %g, got %v", lo, hi, n)
			}
		}
		return ""
	}
}

// snoozeRule is POST /api/alerting/rule/{id}/snooze_schedule. Kibana
// answers {schedule: {id, custom}} (its published spec shows a "body"
// wrapper, an artifact of how the route builds its answer).
func (k *Kibana) snoozeRule(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, snoozeBody, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	custom, _ := body["schedule"].(map[string]any)["custom"].(map[string]any)
	if custom == nil {
		c.badRequest("A schedule is required")
		return
	}
	s, msg := snoozeWindowOf(custom, "snooze")
	if msg != "" {
		c.badRequest(msg)
		return
	}
	r := lookupRule(c, "id")
	if r == nil {
		return
	}
	var err error
	if s.start, err = time.Parse(time.RFC3339Nano, custom["start"].(string)); err != nil {
		c.badRequest("Invalid date: " + custom["start"].(string))
		return
	}
	if len(r.snoozes) >= 5 {
		c.badRequest("Rule cannot have more than 5 snooze schedules")
		return
	}
	s.id = k.newID()
	r.snoozes = append(r.snoozes, s)
	r.updatedBy, r.updatedAt = ruleUser(c), k.now()
	c.ok(map[string]any{"schedule": map[string]any{"id": s.id, "custom": cfgClone(custom)}})
}

// snoozeWindowOf reads a checked custom schedule (snoozeBody's, which
// maintenance windows share) into its duration and recurrence, defaulting
// the timezone to UTC; the start is parsed by the caller. what names the
// window in the message for a recurrence shorter than the window.
func snoozeWindowOf(custom map[string]any, what string) (ruleSnooze, string) {
	if tz, _ := custom["timezone"].(string); tz == "" {
		custom["timezone"] = "UTC"
	}
	s := ruleSnooze{custom: custom}
	m := snoozeDurationRE().FindStringSubmatch(custom["duration"].(string))
	n, _ := strconv.Atoi(m[1])
	s.duration = time.Duration(n) * map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	if rec, ok := custom["recurring"].(map[string]any); ok {
		if rec["end"] != nil && rec["occurrences"] != nil {
			return s, "[request body.schedule.custom.recurring]: Only one of end or occurrences can be set"
		}
		s.every, _ = rec["every"].(string)
		s.count = int(cfgNumber(rec["occurrences"]))
		if end, ok := rec["end"].(string); ok {
			s.until, _ = time.Parse(time.RFC3339Nano, end)
		}
		if s.every != "" && s.duration >= snoozeEveryApprox(s.every) {
			return s, fmt.Sprintf("[request body.schedule.custom]: Recurrence every %s must be longer than the %s duration %s", s.every, what, custom["duration"])
		}
	}
	return s, ""
}

func (k *Kibana) unsnoozeRule(c *call) {
	r := lookupRule(c, "ruleId")
	if r == nil {
		return
	}
	if len(r.snoozes) == 0 {
		c.badRequest("Rule has no snooze schedules.")
		return
	}
	id := c.param("scheduleId")
	i := slices.IndexFunc(r.snoozes, func(s ruleSnooze) bool { return s.id == id })
	if i < 0 {
		c.badRequest(fmt.Sprintf("Rule has no snooze schedule with id %s.", id))
		return
	}
	r.snoozes = slices.Delete(r.snoozes, i, i+1)
	r.updatedBy, r.updatedAt = ruleUser(c), k.now()
	c.noContent()
}

// snoozeEveryApprox is a recurrence's shortest period, to compare with a
// snooze's duration.
func snoozeEveryApprox(every string) time.Duration {
	m := snoozeEveryRE().FindStringSubmatch(every)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	day := 24 * time.Hour
	return time.Duration(n) * map[string]time.Duration{"d": day, "w": 7 * day, "M": 28 * day, "y": 365 * day}[m[2]]
}

// period is the offset of the n-th occurrence from the first.
func (s *ruleSnooze) period(n int) time.Duration {
	m := snoozeEveryRE().FindStringSubmatch(s.every)
	if m == nil {
		return 0
	}
	step, _ := strconv.Atoi(m[1])
	t := s.start
	switch m[2] {
	case "d":
		t = t.AddDate(0, 0, step*n)
	case "w":
		t = t.AddDate(0, 0, 7*step*n)
	case "M":
		t = t.AddDate(0, step*n, 0)
	case "y":
		t = t.AddDate(step*n, 0, 0)
	}
	return t.Sub(s.start)
}

// activeUntil reports whether the snooze covers now, and until when.
func (s *ruleSnooze) activeUntil(now time.Time) (time.Time, bool) {
	if now.Before(s.start) {
		return time.Time{}, false
	}
	occ := s.start
	if first := s.period(1); first > 0 {
		// Jump close by the first period, then walk to the last
		// occurrence that started by now.
		n := int(now.Sub(s.start) / first)
		for n > 0 && s.start.Add(s.period(n)).After(now) {
			n--
		}
		for !s.start.Add(s.period(n + 1)).After(now) {
			n++
		}
		if s.count > 0 && n >= s.count {
			return time.Time{}, false
		}
		occ = s.start.Add(s.period(n))
		if !s.until.IsZero() && occ.After(s.until) {
			return time.Time{}, false
		}
	}
	end := occ.Add(s.duration)
	return end, now.Before(end)
}

// snoozedUntil is the end of the snooze that covers now, and the ids of the
// active snoozes.
func (r *alertingRule) snoozedUntil(now time.Time) (string, []any) {
	var until time.Time
	var active []any
	for i := range r.snoozes {
		if end, ok := r.snoozes[i].activeUntil(now); ok {
			active = append(active, r.snoozes[i].id)
			if end.After(until) {
				until = end
			}
		}
	}
	return until.UTC().Format("2006-01-02T15:04:05.000Z"), active
}

// rRuleDoc is the snooze as the rule document shows it.
func (s *ruleSnooze) rRuleDoc() map[string]any {
	rr := map[string]any{"dtstart": s.custom["start"], "tzid": s.custom["timezone"]}
	if rec, ok := s.custom["recurring"].(map[string]any); ok {
		if m := snoozeEveryRE().FindStringSubmatch(s.every); m != nil {
			n, _ := strconv.Atoi(m[1])
			rr["interval"] = n
			rr["freq"] = map[string]int{"y": 0, "M": 1, "w": 2, "d": 3}[m[2]]
		}
		for from, to := range map[string]string{"onWeekDay": "byweekday", "onMonthDay": "bymonthday", "onMonth": "bymonth", "end": "until", "occurrences": "count"} {
			if v, ok := rec[from]; ok {
				rr[to] = v
			}
		}
	}
	return map[string]any{"id": s.id, "duration": s.duration.Milliseconds(), "rRule": rr}
}

// ---- Find ----

// ruleFields maps the names find accepts (saved-object attribute names and
// the API's snake_case names) to the document's member.
var ruleFields = map[string]string{
	"name": "name", "tags": "tags", "enabled": "enabled", "consumer": "consumer",
	"alertTypeId": "rule_type_id", "rule_type_id": "rule_type_id", "ruleTypeId": "rule_type_id",
	"muteAll": "mute_all", "mute_all": "mute_all",
	"mutedInstanceIds": "muted_alert_ids", "muted_alert_ids": "muted_alert_ids",
	"executionStatus": "execution_status", "execution_status": "execution_status",
	"executionStatus.status": "execution_status.status", "execution_status.status": "execution_status.status",
	"executionStatus.lastExecutionDate": "execution_status.last_execution_date", "execution_status.last_execution_date": "execution_status.last_execution_date",
	"lastRun": "last_run", "last_run": "last_run", "lastRun.outcome": "last_run.outcome", "last_run.outcome": "last_run.outcome",
	"nextRun": "next_run", "next_run": "next_run",
	"schedule": "schedule", "schedule.interval": "schedule.interval",
	"params": "params", "actions": "actions", "throttle": "throttle",
	"notifyWhen": "notify_when", "notify_when": "notify_when",
	"createdBy": "created_by", "created_by": "created_by", "updatedBy": "updated_by", "updated_by": "updated_by",
	"createdAt": "created_at", "created_at": "created_at", "updatedAt": "updated_at", "updated_at": "updated_at",
	"apiKeyOwner": "api_key_owner", "api_key_owner": "api_key_owner",
	"snoozeSchedule": "snooze_schedule", "snooze_schedule": "snooze_schedule",
	"isSnoozedUntil": "is_snoozed_until", "is_snoozed_until": "is_snoozed_until",
	"revision": "revision", "alertDelay": "alert_delay", "alert_delay": "alert_delay",
	"flapping": "flapping", "artifacts": "artifacts",
}

// docPath reads a dotted member of a rule document.
func docPath(doc map[string]any, path string) any {
	var v any = doc
	for part := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	return v
}

func (k *Kibana) findRules(c *call) {
	perPage, ok := c.queryInt("per_page", 10, 0, 100)
	if !ok {
		return
	}
	page, ok := c.queryInt("page", 1, 1, 10000)
	if !ok {
		return
	}
	op := c.query("default_search_operator")
	if op == "" {
		op = "OR"
	}
	if op != "OR" && op != "AND" {
		c.badRequest(cfgOneOfMessage("request query.default_search_operator", []string{"OR", "AND"}))
		return
	}
	order := c.query("sort_order")
	if order != "" && order != "asc" && order != "desc" {
		c.badRequest(cfgOneOfMessage("request query.sort_order", []string{"asc", "desc"}))
		return
	}
	var sortPath string
	if f := c.query("sort_field"); f != "" {
		sortPath = ruleFields[strings.TrimPrefix(f, "alert.attributes.")]
		if sortPath == "" || slices.Contains([]string{"actions", "params", "schedule", "tags", "execution_status", "last_run", "snooze_schedule", "muted_alert_ids", "alert_delay", "flapping", "artifacts"}, sortPath) {
			c.badRequest(fmt.Sprintf("No mapping found for [alert.%s] in order to sort on", strings.TrimPrefix(f, "alert.attributes.")))
			return
		}
	}
	var fields []string
	for _, f := range c.queryAll("fields") {
		for part := range strings.SplitSeq(f, ",") {
			if part = strings.TrimSpace(part); part != "" {
				fields = append(fields, part)
			}
		}
	}
	clause, err := es.KQL(c.query("filter"), ruleKQLOptions)
	if err != nil {
		c.badRequest(err.Error())
		return
	}
	search := ruleSearch(c.query("search"), c.queryAll("search_fields"), op == "AND")
	consumers := c.queryAll("filter_consumers")
	ref, ok := ruleHasReference(c)
	if !ok {
		return
	}

	var docs []map[string]any
	for _, id := range c.space.rules.order {
		doc := k.ruleDoc(c.space, c.space.rules.byID[id])
		if len(consumers) > 0 && !slices.Contains(consumers, doc["consumer"].(string)) {
			continue
		}
		if ref != nil && !ruleRefers(c.space.rules.byID[id], ref) {
			continue
		}
		if search(doc) {
			docs = append(docs, doc)
		}
	}
	if clause != nil {
		matched, err := es.Select(".kibana_alerting_cases", docs, map[string]es.Kind{"name": es.Text}, clause, k.cfg.Now())
		if err != nil {
			c.badRequest(err.Error())
			return
		}
		kept := make([]map[string]any, len(matched))
		for i, at := range matched {
			kept[i] = docs[at]
		}
		docs = kept
	}
	if sortPath != "" {
		slices.SortStableFunc(docs, func(a, b map[string]any) int {
			n := cfgCompare(docPath(a, sortPath), docPath(b, sortPath))
			if order == "desc" {
				n = -n
			}
			return n
		})
	}
	data := []any{}
	for i := (page - 1) * perPage; i < len(docs) && i < page*perPage; i++ {
		doc := docs[i]
		if len(fields) > 0 {
			part := map[string]any{"id": doc["id"]}
			for _, f := range fields {
				if key := ruleFields[strings.TrimPrefix(f, "alert.attributes.")]; key != "" {
					top, _, _ := strings.Cut(key, ".")
					part[top] = doc[top]
				}
			}
			doc = part
		}
		data = append(data, doc)
	}
	c.ok(map[string]any{"page": page, "per_page": perPage, "total": len(docs), "data": data})
}

// ruleHasReference reads has_reference, which Kibana's schema takes as
// JSON text of {type, id}; nil when absent, false when answered.
func ruleHasReference(c *call) (map[string]any, bool) {
	raw := c.query("has_reference")
	if raw == "" {
		return nil, true
	}
	var ref map[string]any
	if json.Unmarshal([]byte(raw), &ref) != nil {
		c.badRequest("[request query.has_reference]: could not parse object value from json input")
		return nil, false
	}
	for _, key := range []string{"type", "id"} {
		if _, ok := ref[key].(string); !ok {
			c.badRequest(fmt.Sprintf("[request query.has_reference.%s]: expected value of type [string] but got [%s]", key, cfgTypeOf(ref[key])))
			return nil, false
		}
	}
	return ref, true
}

// ruleRefers says whether a rule's saved object refers to ref: its
// actions' connectors (type action) or the data view its params search
// (type index-pattern).
func ruleRefers(r *alertingRule, ref map[string]any) bool {
	switch ref["type"] {
	case "action":
		return slices.ContainsFunc(r.actions, func(a map[string]any) bool { return a["id"] == ref["id"] })
	case "index-pattern":
		sc, _ := r.params["searchConfiguration"].(map[string]any)
		return sc != nil && sc["index"] == ref["id"]
	}
	return false
}

// cfgCompare orders two member values: numbers, booleans, then strings.
func cfgCompare(a, b any) int {
	switch x := a.(type) {
	case bool:
		y, _ := b.(bool)
		return cfgBoolInt(x) - cfgBoolInt(y)
	case int, float64, json.Number:
		fa, fb := cfgNumber(a), cfgNumber(b)
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	return strings.Compare(fmt.Sprint(cfgOrEmpty(a)), fmt.Sprint(cfgOrEmpty(b)))
}

func cfgOrEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func cfgBoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ruleTokens splits text as the standard analyzer roughly does.
func ruleTokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	})
}

// ruleTextMatches matches a search or KQL value against a text field (name):
// a word, a word with * (prefix), or a quoted phrase.
func ruleTextMatches(text, value string, phrase bool) bool {
	tokens := ruleTokens(text)
	if phrase {
		return strings.Contains(" "+strings.Join(tokens, " ")+" ", " "+strings.Join(ruleTokens(value), " ")+" ")
	}
	if strings.Contains(value, "*") {
		re := cfgGlob(strings.ToLower(value))
		return re.MatchString(strings.ToLower(text)) || slices.ContainsFunc(tokens, re.MatchString)
	}
	want := ruleTokens(value)
	if len(want) == 0 {
		return false
	}
	for _, w := range want {
		if !slices.Contains(tokens, w) {
			return false
		}
	}
	return true
}

func cfgGlob(pattern string) *regexp.Regexp {
	parts := strings.Split(pattern, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}

// ruleSearch is simple_query_string over the search fields (name and tags
// unless given): terms, "phrases", prefix*, -negation.
func ruleSearch(search string, fields []string, and bool) func(map[string]any) bool {
	search = strings.TrimSpace(search)
	if search == "" {
		return func(map[string]any) bool { return true }
	}
	if len(fields) == 0 {
		fields = []string{"name", "tags"}
	}
	type term struct {
		text           string
		phrase, negate bool
	}
	var terms []term
	for rest := search; rest != ""; {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		t := term{}
		switch rest[0] {
		case '-':
			t.negate, rest = true, rest[1:]
		case '+':
			rest = rest[1:]
		}
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				end = len(rest) - 1
			}
			t.text, t.phrase, rest = rest[1:end+1], true, rest[min(end+2, len(rest)):]
		} else {
			word, after, _ := strings.Cut(rest, " ")
			t.text, rest = word, after
		}
		if t.text != "" && t.text != "|" {
			terms = append(terms, t)
		}
	}
	return func(doc map[string]any) bool {
		matched := 0
		for _, t := range terms {
			hit := false
			for _, f := range fields {
				path := ruleFields[f]
				if path == "" {
					path = f
				}
				for _, v := range ruleKQLValues(docPath(doc, path)) {
					if path == "name" && ruleTextMatches(v, t.text, t.phrase) ||
						path != "name" && (strings.EqualFold(v, t.text) || strings.Contains(t.text, "*") && cfgGlob(strings.ToLower(t.text)).MatchString(strings.ToLower(v))) {
						hit = true
					}
				}
			}
			switch {
			case t.negate && hit:
				return false
			case t.negate:
				matched++
			case hit:
				matched++
			case and:
				return false
			}
		}
		return matched > 0
	}
}

// ---- A small KQL ----

// ruleKQLValues renders a document value as the strings a KQL clause compares.
func ruleKQLValues(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, ruleKQLValues(e)...)
		}
		return out
	case []string:
		return x
	case map[string]any:
		return nil
	}
	return []string{fmt.Sprint(v)}
}

// ruleKQLField resolves a filter field to a document path: alert.attributes.X,
// alert.X or a plain X, with X an attribute or API name or params.*.
func ruleKQLField(field string) (string, string) {
	name := strings.TrimPrefix(strings.TrimPrefix(field, "alert.attributes."), "alert.")
	if rest, ok := strings.CutPrefix(name, "params."); ok && rest != "" {
		return "params." + rest, ""
	}
	if path := ruleFields[name]; path != "" && !slices.Contains([]string{"actions", "params", "schedule", "execution_status", "last_run", "snooze_schedule", "alert_delay", "flapping", "artifacts"}, path) {
		return path, ""
	}
	return "", fmt.Sprintf("This key '%s' does NOT exist in alert saved object index patterns: Bad Request", field)
}

// ruleKQLOptions read a find filter's fields as rule document paths.
var ruleKQLOptions = es.KQLOptions{Field: func(field string) (string, error) {
	path, msg := ruleKQLField(field)
	if msg != "" {
		return "", errors.New(msg)
	}
	return path, nil
}}

// ---- Rule types ----

// ruleType is an alerting rule type: what get_rule_types shows and how the
// sandbox checks its params.
type ruleType struct {
	id, name, producer, category, license string
	groups                                [][2]string // action group id, name; recovered is added
	defaultGroup                          string
	consumers                             []string
	params                                []cfgField // nil: any object
	strict                                bool
	checkParams2                          func(p map[string]any) string
	context                               []string // action variables of the context
}

var (
	stackConsumers = []string{"alerts", "stackAlerts", "discover", "infrastructure", "logs", "observability", "apm", "slo", "uptime", "ml"}
	obsConsumers   = []string{"alerts", "observability", "infrastructure", "logs", "apm", "slo", "uptime"}
	siemConsumers  = []string{"siem"}
	mlConsumers    = []string{"alerts", "ml"}
	ruleComparator = []string{">", "<", ">=", "<=", "between", "notBetween"}
	ruleTimeUnits  = []string{"s", "m", "h", "d"}
)

// ruleThresholdCheck is the index threshold's and the ES query's cross-field
// rules.
func ruleThresholdCheck(p map[string]any) string {
	cmp, _ := p["thresholdComparator"].(string)
	if th, _ := p["threshold"].([]any); (cmp == "between" || cmp == "notBetween") && len(th) != 2 {
		return fmt.Sprintf("[threshold]: must have two elements for the \"%s\" comparator", cmp)
	}
	if agg, _ := p["aggType"].(string); agg != "" && agg != "count" && p["aggField"] == nil {
		return fmt.Sprintf("[aggField]: must have a value when [aggType] is \"%s\"", agg)
	}
	if p["groupBy"] == "top" && p["termField"] == nil {
		return "[termField]: termField required when [groupBy] is top"
	}
	return ""
}

func siemType(id, name, license string) *ruleType {
	return &ruleType{id: id, name: name, producer: "siem", category: "securitySolution", license: license,
		groups: [][2]string{{"default", "Default"}}, defaultGroup: "default", consumers: siemConsumers,
		context: []string{"alerts", "results_link"}}
}

var ruleTypes = []*ruleType{
	{id: ".index-threshold", name: "Index threshold", producer: "stackAlerts", category: "management", license: "basic",
		groups: [][2]string{{"threshold met", "Threshold met"}}, defaultGroup: "threshold met", consumers: stackConsumers,
		context: []string{"message", "title", "group", "date", "value", "conditions"}, strict: true,
		params: []cfgField{
			{name: "index", kind: "stringOrStrings", required: true},
			{name: "timeField", kind: "string", required: true},
			{name: "aggType", kind: "string", oneOf: []string{"count", "avg", "min", "max", "sum"}, def: "count"},
			{name: "aggField", kind: "string"},
			{name: "groupBy", kind: "string", oneOf: []string{"all", "top"}, def: "all"},
			{name: "termField", kind: "stringOrStrings"},
			{name: "termSize", kind: "number", min: cfgPtr(1.0)},
			{name: "timeWindowSize", kind: "number", required: true, min: cfgPtr(1.0)},
			{name: "timeWindowUnit", kind: "string", required: true, oneOf: ruleTimeUnits},
			{name: "threshold", kind: "numbers", required: true},
			{name: "thresholdComparator", kind: "string", required: true, oneOf: ruleComparator},
			{name: "filterKuery", kind: "string"},
		},
		checkParams2: ruleThresholdCheck},
	{id: ".es-query", name: "Elasticsearch query", producer: "stackAlerts", category: "management", license: "basic",
		groups: [][2]string{{"query matched", "Query matched"}}, defaultGroup: "query matched", consumers: stackConsumers,
		context: []string{"message", "title", "date", "value", "hits", "link", "conditions"},
		params: []cfgField{
			{name: "size", kind: "number", required: true, min: cfgPtr(0.0), max: cfgPtr(10000.0)},
			{name: "timeWindowSize", kind: "number", required: true, min: cfgPtr(1.0)},
			{name: "timeWindowUnit", kind: "string", required: true, oneOf: ruleTimeUnits},
			{name: "threshold", kind: "numbers", required: true},
			{name: "thresholdComparator", kind: "string", required: true, oneOf: ruleComparator},
			{name: "searchType", kind: "string", oneOf: []string{"esQuery", "searchSource", "esqlQuery"}, def: "esQuery"},
			{name: "aggType", kind: "string", oneOf: []string{"count", "avg", "min", "max", "sum"}, def: "count"},
			{name: "groupBy", kind: "string", oneOf: []string{"all", "top", "row"}, def: "all"},
			{name: "excludeHitsFromPreviousRun", kind: "boolean", def: true},
			{name: "index", kind: "stringOrStrings"},
			{name: "timeField", kind: "string"},
			{name: "esQuery", kind: "string"},
			{name: "searchConfiguration", kind: "object"},
			{name: "esqlQuery", kind: "object"},
		},
		checkParams2: func(p map[string]any) string {
			need := map[string][]string{"esQuery": {"index", "timeField", "esQuery"}, "searchSource": {"searchConfiguration"}, "esqlQuery": {"esqlQuery", "timeField"}}
			kinds := map[string]string{"index": "array", "timeField": "string", "esQuery": "string", "searchConfiguration": "object", "esqlQuery": "object"}
			for _, f := range need[p["searchType"].(string)] {
				if p[f] == nil {
					return fmt.Sprintf("[%s]: expected value of type [%s] but got [undefined]", f, kinds[f])
				}
			}
			return ruleThresholdCheck(p)
		}},
	{id: ".geo-containment", name: "Tracking containment", producer: "stackAlerts", category: "management", license: "gold",
		groups: [][2]string{{"Tracked entity contained", "Tracking containment met"}}, defaultGroup: "Tracked entity contained", consumers: stackConsumers,
		context: []string{"entityId", "entityDateTime", "containingBoundaryId"}},
	{id: "transform_health", name: "Transform health", producer: "stackAlerts", category: "management", license: "basic",
		groups: [][2]string{{"transform_issue", "Issue detected"}}, defaultGroup: "transform_issue", consumers: stackConsumers,
		context: []string{"results", "message"}},
	{id: "xpack.ml.anomaly_detection_alert", name: "Anomaly detection", producer: "ml", category: "management", license: "platinum",
		groups: [][2]string{{"anomaly_score_match", "Anomaly score matched the condition"}}, defaultGroup: "anomaly_score_match", consumers: mlConsumers,
		context: []string{"timestamp", "jobIds", "score", "message", "anomalyExplorerUrl"},
		params: []cfgField{
			{name: "jobSelection", kind: "object", required: true},
			{name: "severity", kind: "number", required: true, min: cfgPtr(0.0), max: cfgPtr(100.0)},
			{name: "resultType", kind: "string", required: true, oneOf: []string{"record", "bucket", "influencer"}},
			{name: "includeInterim", kind: "boolean", def: false},
			{name: "lookbackInterval", kind: "string", nullable: true, defNull: true},
			{name: "topNBuckets", kind: "number", nullable: true, defNull: true},
			{name: "kqlQueryString", kind: "string", nullable: true, defNull: true},
		}},
	{id: "xpack.ml.anomaly_detection_jobs_health", name: "Anomaly detection jobs health", producer: "ml", category: "management", license: "platinum",
		groups: [][2]string{{"anomaly_detection_realtime_issue", "Issue detected"}}, defaultGroup: "anomaly_detection_realtime_issue", consumers: mlConsumers,
		context: []string{"results", "message"}},
	{id: "observability.rules.custom_threshold", name: "Custom threshold", producer: "observability", category: "observability", license: "basic",
		groups: [][2]string{{"custom_threshold.fired", "Alert"}, {"custom_threshold.nodata", "No Data"}}, defaultGroup: "custom_threshold.fired", consumers: obsConsumers,
		context: []string{"group", "reason", "value", "viewInAppUrl"}},
	{id: "metrics.alert.threshold", name: "Metric threshold", producer: "infrastructure", category: "observability", license: "basic",
		groups: [][2]string{{"metrics.threshold.fired", "Alert"}, {"metrics.threshold.nodata", "No Data"}}, defaultGroup: "metrics.threshold.fired", consumers: obsConsumers,
		context: []string{"group", "reason", "value", "metric"}},
	{id: "metrics.alert.inventory.threshold", name: "Inventory", producer: "infrastructure", category: "observability", license: "basic",
		groups: [][2]string{{"metrics.inventory_threshold.fired", "Alert"}}, defaultGroup: "metrics.inventory_threshold.fired", consumers: obsConsumers,
		context: []string{"group", "reason", "value"}},
	{id: "apm.error_rate", name: "Error count threshold", producer: "apm", category: "observability", license: "basic",
		groups: [][2]string{{"threshold_met", "Threshold met"}}, defaultGroup: "threshold_met", consumers: obsConsumers,
		context: []string{"serviceName", "environment", "threshold", "triggerValue", "reason"}},
	{id: "apm.transaction_duration", name: "Latency threshold", producer: "apm", category: "observability", license: "basic",
		groups: [][2]string{{"threshold_met", "Threshold met"}}, defaultGroup: "threshold_met", consumers: obsConsumers,
		context: []string{"serviceName", "transactionType", "environment", "threshold", "triggerValue", "reason"}},
	{id: "slo.rules.burnRate", name: "SLO burn rate", producer: "slo", category: "observability", license: "platinum",
		groups: [][2]string{{"slo.burnRate.alert", "Critical"}, {"slo.burnRate.high", "High"}, {"slo.burnRate.medium", "Medium"}, {"slo.burnRate.low", "Low"}}, defaultGroup: "slo.burnRate.alert", consumers: obsConsumers,
		context: []string{"reason", "burnRateThreshold", "longWindow", "shortWindow", "sloId", "sloName"}},
	{id: "xpack.synthetics.alerts.monitorStatus", name: "Synthetics monitor status", producer: "uptime", category: "observability", license: "basic",
		groups: [][2]string{{"xpack.synthetics.alerts.actionGroups.monitorStatus", "Synthetics monitor status"}}, defaultGroup: "xpack.synthetics.alerts.actionGroups.monitorStatus", consumers: obsConsumers,
		context: []string{"monitorName", "monitorUrl", "status", "reason"}},
	siemType("siem.queryRule", "Custom Query Rule", "basic"),
	siemType("siem.savedQueryRule", "Saved Query Rule", "basic"),
	siemType("siem.eqlRule", "Event Correlation Rule", "basic"),
	siemType("siem.esqlRule", "ES|QL Rule", "basic"),
	siemType("siem.thresholdRule", "Threshold Rule", "basic"),
	siemType("siem.indicatorRule", "Indicator Match Rule", "basic"),
	siemType("siem.newTermsRule", "New Terms Rule", "basic"),
	siemType("siem.mlRule", "Machine Learning Rule", "platinum"),
}

func ruleTypeByID(id string) *ruleType {
	for _, rt := range ruleTypes {
		if rt.id == id {
			return rt
		}
	}
	return nil
}

// checkParams validates params against the type; the message lacks the
// "params invalid: " prefix.
func (rt *ruleType) checkParams(p map[string]any) (map[string]any, string) {
	if rt.params == nil {
		return cfgClone(p), ""
	}
	checked, msg := cfgCheck("", p, rt.params, rt.strict)
	if msg != "" {
		return nil, msg
	}
	if rt.checkParams2 != nil {
		if msg := rt.checkParams2(checked); msg != "" {
			return nil, msg
		}
	}
	return checked, ""
}

func (k *Kibana) listRuleTypes(c *call) {
	out := make([]any, 0, len(ruleTypes))
	for _, rt := range ruleTypes {
		groups := []any{}
		for _, g := range rt.groups {
			groups = append(groups, map[string]any{"id": g[0], "name": g[1]})
		}
		groups = append(groups, map[string]any{"id": "recovered", "name": "Recovered"})
		consumers := map[string]any{}
		for _, c := range rt.consumers {
			consumers[c] = map[string]any{"read": true, "all": true}
		}
		context := []any{}
		for _, v := range rt.context {
			context = append(context, map[string]any{"name": v, "description": "The " + v + " of the alert."})
		}
		params := []any{}
		for _, f := range rt.params {
			params = append(params, map[string]any{"name": f.name, "description": "The rule's " + f.name + " parameter."})
		}
		out = append(out, map[string]any{
			"id":                        rt.id,
			"name":                      rt.name,
			"action_groups":             groups,
			"default_action_group_id":   rt.defaultGroup,
			"recovery_action_group":     map[string]any{"id": "recovered", "name": "Recovered"},
			"action_variables":          map[string]any{"context": context, "state": []any{}, "params": params},
			"authorized_consumers":      consumers,
			"producer":                  rt.producer,
			"category":                  rt.category,
			"minimum_license_required":  rt.license,
			"enabled_in_license":        true,
			"is_exportable":             true,
			"rule_task_timeout":         "5m",
			"does_set_recovery_context": !strings.HasPrefix(rt.id, "siem."),
			"has_alerts_mappings":       true,
			"has_fields_for_a_a_d":      true,
		})
	}
	c.ok(out)
}

// ---- Seed ----

// ruleSeedPlan is the state a seeded rule starts in.
type ruleSeedPlan struct {
	disabled, muteAll, snoozed bool
	mutedAlerts                []string
	activeAlerts               int
}

// seedRules gives each space the story's detection rules (siem rules under
// the ids ruleIDIn gives, which the detection engine shows too) and a few
// stack rules. In default the DNS tunneling rule is disabled (after its
// last alert: seedAlerts), the phishing rule muted, the error-log rule
// snoozed and one host of the CPU rule muted; soc mutes brute force,
// snoozes PowerShell, and has an SSH rule and a disabled ML rule of its own.
func (k *Kibana) seedRules(sp *space, rng *rand.Rand) {
	now := k.cfg.Now().UTC()
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	plans := map[string]map[int]ruleSeedPlan{
		"default": {0: {activeAlerts: 3}, 1: {muteAll: true, activeAlerts: 1}, 2: {activeAlerts: 2}, 4: {disabled: true}},
		"soc":     {0: {muteAll: true, activeAlerts: 2}, 2: {activeAlerts: 4}, 3: {snoozed: true}},
	}[sp.id]
	add := func(id, name, typeID, consumer, interval string, tags []string, params map[string]any, plan ruleSeedPlan) {
		created := now.Add(-time.Duration(20+rng.IntN(70)) * 24 * time.Hour).Add(-time.Duration(rng.IntN(86400)) * time.Second)
		updated := created.Add(time.Duration(rng.IntN(15*86400)) * time.Second)
		last := now.Add(-time.Duration(1+rng.IntN(int(ruleSeconds(interval)))) * time.Second)
		r := &alertingRule{
			id: id, name: name, typeID: typeID, consumer: consumer, enabled: !plan.disabled,
			interval: interval, params: params, tags: tags, actions: []map[string]any{},
			muteAll: plan.muteAll, mutedAlertIDs: append([]string{}, plan.mutedAlerts...),
			createdBy: "elastic", updatedBy: "elastic", createdAt: stamp(created), updatedAt: stamp(updated),
			apiKeyOwner: "elastic", revision: rng.IntN(4),
			status: "ok", lastExecution: stamp(last), lastDuration: 200 + rng.IntN(2500),
		}
		if plan.disabled {
			r.lastExecution = stamp(updated)
		} else {
			r.nextRun = stamp(last.Add(time.Duration(ruleSeconds(interval)) * time.Second))
		}
		if plan.activeAlerts > 0 && !plan.disabled {
			r.status = "active"
		}
		r.lastRun = map[string]any{
			"outcome": "succeeded", "outcome_msg": nil, "outcome_order": 0, "warning": nil,
			"alerts_count": map[string]any{"active": plan.activeAlerts, "new": min(plan.activeAlerts, rng.IntN(2)), "recovered": 0, "ignored": 0},
		}
		if plan.snoozed {
			start := now.Add(-time.Duration(30+rng.IntN(90)) * time.Minute).Truncate(time.Minute)
			r.snoozes = append(r.snoozes, ruleSnooze{
				id: k.newID(), start: start, duration: 8 * time.Hour,
				custom: map[string]any{"start": stamp(start), "duration": "8h", "timezone": "UTC"},
			})
		}
		sp.rules.add(r)
	}
	for i, s := range storyRules {
		add(ruleIDIn(sp.id, i), s.Name, "siem.queryRule", "siem", "5m", append([]string{}, s.Tags...), storyRuleParams(i, s), plans[i])
	}
	threshold := func(index, aggType, aggField, termField string, limit float64) map[string]any {
		p := map[string]any{"index": []any{index}, "timeField": "@timestamp", "aggType": aggType, "groupBy": "all",
			"threshold": []any{limit}, "thresholdComparator": ">", "timeWindowSize": 5, "timeWindowUnit": "m"}
		if aggField != "" {
			p["aggField"] = aggField
		}
		if termField != "" {
			p["groupBy"], p["termField"], p["termSize"] = "top", termField, 10
		}
		return p
	}
	esQuery := func(index, query string, limit int) map[string]any {
		return map[string]any{"searchType": "esQuery", "index": []any{index}, "timeField": "@timestamp", "esQuery": query,
			"size": 100, "threshold": []any{limit}, "thresholdComparator": ">", "timeWindowSize": 5, "timeWindowUnit": "m",
			"aggType": "count", "groupBy": "all", "excludeHitsFromPreviousRun": true}
	}
	switch sp.id {
	case "default":
		add(k.newID(), "High CPU on web hosts", ".index-threshold", "stackAlerts", "1m", []string{"infra", "cpu"},
			threshold("metrics-system.cpu-*", "avg", "system.cpu.total.norm.pct", "host.name", 0.9),
			ruleSeedPlan{mutedAlerts: []string{"web-01"}, activeAlerts: 2})
		add(k.newID(), "Errors in application logs", ".es-query", "stackAlerts", "5m", []string{"logs", "errors"},
			esQuery("logs-*", `{"query":{"match":{"log.level":"error"}}}`, 100), ruleSeedPlan{snoozed: true, activeAlerts: 1})
	default:
		add(k.newID(), "Failed SSH logins spike", ".es-query", "stackAlerts", "5m", []string{"auth", "ssh"},
			esQuery("logs-system.auth-*", `{"query":{"bool":{"filter":[{"term":{"event.outcome":"failure"}},{"term":{"process.name":"sshd"}}]}}}`, 50),
			ruleSeedPlan{activeAlerts: 1})
		add(k.newID(), "Unusual login activity (ML)", "xpack.ml.anomaly_detection_alert", "ml", "15m", []string{"ml", "auth"},
			map[string]any{"jobSelection": map[string]any{"jobIds": []any{"auth_rare_user"}}, "severity": 75, "resultType": "record",
				"includeInterim": false, "lookbackInterval": nil, "topNBuckets": nil, "kqlQueryString": nil},
			ruleSeedPlan{disabled: true})
		add(k.newID(), "Disk usage above 85%", ".index-threshold", "stackAlerts", "5m", []string{"infra", "disk"},
			threshold("metrics-system.filesystem-*", "max", "system.filesystem.used.pct", "host.name", 0.85), ruleSeedPlan{})
	}
}

// wireSeededRuleActions points the seeded rules' notifications at the
// space's connectors (rules are seeded before connectors). The detection
// rules page the on-call through Elastic Cloud's preconfigured mail when
// they are high or critical, and all log to the preconfigured server log
// (preconfigured connectors stay out of a rule export); the stack rules
// use the space's own connectors.
func (k *Kibana) wireSeededRuleActions(sp *space, rng *rand.Rand, chat, mail, log *connector) {
	action := func(cn *connector, group string, params map[string]any) map[string]any {
		return map[string]any{"id": cn.id, "connector_type_id": cn.typeID, "group": group, "params": params, "uuid": k.newID(),
			"frequency": map[string]any{"summary": true, "notify_when": "onActiveAlert", "throttle": nil}}
	}
	cloudMail, serverLog := sp.connectors.byID["elastic-cloud-email"], sp.connectors.byID["preconfigured-server-log"]
	for _, id := range sp.rules.order {
		r := sp.rules.byID[id]
		rt := ruleTypeByID(r.typeID)
		group := rt.defaultGroup
		switch severity, _ := r.params["severity"].(string); {
		case r.isDetectionRule():
			// A summary at most every so often, not a page per run.
			every := func(a map[string]any, throttle string) map[string]any {
				a["frequency"] = map[string]any{"summary": true, "notify_when": "onThrottleInterval", "throttle": throttle}
				return a
			}
			if severity == "high" || severity == "critical" {
				r.actions = append(r.actions, every(action(cloudMail, group, map[string]any{
					"to": []any{"soc-oncall@example.com"}, "cc": []any{}, "bcc": []any{},
					"subject": "[{{context.rule.severity}}] {{context.rule.name}}", "message": "{{state.signals_count}} new alerts. {{{context.results_link}}}"}), "1h"))
			}
			r.actions = append(r.actions, every(action(serverLog, group, map[string]any{"level": "info",
				"message": "{{context.rule.name}}: {{state.signals_count}} new alerts ({{context.rule.severity}})"}), "15m"))
		case r.typeID == ".index-threshold":
			a := action(log, group, map[string]any{"level": "warn", "message": "{{rule.name}} is active for {{context.group}}: {{context.value}}"})
			a["frequency"] = map[string]any{"summary": false, "notify_when": "onActionGroupChange", "throttle": nil}
			r.actions = append(r.actions, a)
		case r.typeID == ".es-query":
			a := action(mail, group, map[string]any{"to": []any{"sre@example.com"}, "cc": []any{}, "bcc": []any{},
				"subject": "{{rule.name}}", "message": "{{context.message}}"})
			a["frequency"] = map[string]any{"summary": false, "notify_when": "onThrottleInterval", "throttle": fmt.Sprintf("%dh", 1+rng.IntN(3))}
			r.actions = append(r.actions, a, action(chat, group, map[string]any{"message": "{{rule.name}}: {{context.message}}"}))
		default:
			r.actions = append(r.actions, action(chat, group, map[string]any{"message": "{{context.message}}"}))
		}
	}
}

// ---- A small config-schema ----

// cfgField is one member of a Kibana config-schema object: enough to give
// Kibana's validation messages for it.
type cfgField struct {
	name     string
	kind     string // string, number, boolean, object, strings, numbers, objects, stringOrStrings, any
	required bool
	nullable bool
	oneOf    []string
	def      any
	defNull  bool // absent means null (the member is answered as null)
	min, max *float64
	fields   []cfgField         // an object's members (strict)
	items    []cfgField         // an objects array's members (strict)
	check    func(v any) string // further rules; message without the [path]: prefix
}

// cfgCheck validates obj against fields in their order, as config-schema
// does; path prefixes member names ("request body." or ""). With strict,
// an unknown member is refused. It answers a copy with defaults filled in,
// or the message for the first problem.
func cfgCheck(path string, obj map[string]any, fields []cfgField, strict bool) (map[string]any, string) {
	out := map[string]any{}
	for key, v := range obj {
		out[key] = v
	}
	for _, f := range fields {
		at := path + f.name
		v, present := obj[f.name]
		switch {
		case !present && f.def != nil:
			out[f.name] = cfgCloneValue(f.def)
			continue
		case !present && f.required && f.kind == "stringOrStrings":
			return nil, fmt.Sprintf("[%s]: expected at least one defined value but got [undefined]", at)
		case !present && f.required:
			return nil, fmt.Sprintf("[%s]: expected value of type [%s] but got [undefined]", at, cfgKindName(f.kind))
		case !present:
			if f.defNull {
				out[f.name] = nil
			}
			continue
		case v == nil && f.nullable:
			continue
		case v == nil:
			return nil, fmt.Sprintf("[%s]: expected value of type [%s] but got [null]", at, cfgKindName(f.kind))
		}
		if !cfgKindOK(f.kind, v) {
			switch f.kind {
			case "object":
				return nil, fmt.Sprintf("[%s]: expected a plain object value, but found [%s] instead.", at, cfgTypeOf(v))
			case "stringOrStrings":
				return nil, fmt.Sprintf("[%s]: types that failed validation:\n- [%s.0]: expected value of type [string] but got [%s]\n- [%s.1]: expected value of type [array] but got [%s]", at, at, cfgTypeOf(v), at, cfgTypeOf(v))
			}
			return nil, fmt.Sprintf("[%s]: expected value of type [%s] but got [%s]", at, cfgKindName(f.kind), cfgTypeOf(v))
		}
		if list, ok := v.([]any); ok && (f.kind == "strings" || f.kind == "numbers" || f.kind == "objects" || f.kind == "stringOrStrings") {
			item := map[string]string{"strings": "string", "numbers": "number", "objects": "object", "stringOrStrings": "string"}[f.kind]
			for i, e := range list {
				if !cfgKindOK(item, e) {
					return nil, fmt.Sprintf("[%s.%d]: expected value of type [%s] but got [%s]", at, i, item, cfgTypeOf(e))
				}
			}
			if f.items != nil {
				checked := make([]any, len(list))
				for i, e := range list {
					m, msg := cfgCheck(fmt.Sprintf("%s.%d.", at, i), e.(map[string]any), f.items, true)
					if msg != "" {
						return nil, msg
					}
					checked[i] = m
				}
				out[f.name] = checked
			}
		}
		if f.oneOf != nil && !slices.Contains(f.oneOf, fmt.Sprint(v)) {
			return nil, cfgOneOfMessage(at, f.oneOf)
		}
		if f.min != nil || f.max != nil {
			n := cfgNumber(v)
			if f.min != nil && n < *f.min {
				return nil, fmt.Sprintf("[%s]: Value must be equal to or greater than [%g].", at, *f.min)
			}
			if f.max != nil && n > *f.max {
				return nil, fmt.Sprintf("[%s]: Value must be equal to or lower than [%g].", at, *f.max)
			}
		}
		if f.fields != nil {
			m, msg := cfgCheck(at+".", v.(map[string]any), f.fields, true)
			if msg != "" {
				return nil, msg
			}
			out[f.name] = m
		}
		if f.check != nil {
			if msg := f.check(v); msg != "" {
				return nil, fmt.Sprintf("[%s]: %s", at, msg)
			}
		}
	}
	if strict {
		known := map[string]bool{}
		for _, f := range fields {
			known[f.name] = true
		}
		var unknown []string
		for key := range obj {
			if !known[key] {
				unknown = append(unknown, key)
			}
		}
		if len(unknown) > 0 {
			slices.Sort(unknown)
			return nil, fmt.Sprintf("[%s%s]: definition for this key is missing", path, unknown[0])
		}
	}
	return out, ""
}

func cfgKindName(kind string) string {
	switch kind {
	case "strings", "numbers", "objects":
		return "array"
	case "stringOrStrings":
		return "string"
	}
	return kind
}

func cfgOneOfMessage(at string, allowed []string) string {
	if len(allowed) == 1 {
		return fmt.Sprintf("[%s]: expected value to equal [%s]", at, allowed[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]: types that failed validation:", at)
	for i, a := range allowed {
		fmt.Fprintf(&b, "\n- [%s.%d]: expected value to equal [%s]", at, i, a)
	}
	return b.String()
}

func cfgKindOK(kind string, v any) bool {
	switch kind {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		switch v.(type) {
		case json.Number, float64, int:
			return true
		}
		return false
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "strings", "numbers", "objects":
		_, ok := v.([]any)
		return ok
	case "stringOrStrings":
		switch v.(type) {
		case string, []any:
			return true
		}
		return false
	}
	return true
}

// cfgTypeOf names a value's type as Kibana's messages do.
func cfgTypeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64, int:
		return "number"
	case []any:
		return "Array"
	case map[string]any:
		return "Object"
	}
	return fmt.Sprintf("%T", v)
}

func cfgTypeOfMember(m map[string]any, key string) string {
	if v, ok := m[key]; ok {
		return cfgTypeOf(v)
	}
	return "undefined"
}

func cfgTypeOfJSON(raw []byte) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "string"
	}
	return cfgTypeOf(v)
}

func cfgNumber(v any) float64 {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case float64:
		return x
	case int:
		return float64(x)
	}
	return 0
}

// cfgClone deep-copies a JSON object so stored state never aliases a
// request or an answer.
func cfgClone(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return cfgCloneValue(m).(map[string]any)
}

func cfgCloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cfgCloneValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cfgCloneValue(e)
		}
		return out
	}
	return v
}

func cfgStringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

func cfgStrings(s []string) []any {
	out := make([]any, 0, len(s))
	for _, e := range s {
		out = append(out, e)
	}
	return out
}

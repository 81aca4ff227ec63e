package tools

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Alerting API: the rules of Stack Management, Observability and
// Security, their alerts' notifications (mute, snooze) and the framework's
// health. These routes are not versioned by Kibana; they take the default
// public version.
var alertingOperations = []*operation.Operation{
	{
		Name:        "find_rules",
		Title:       "Find alerting rules",
		Description: "Search alerting rules by name, tag or KQL, with each one's id, state (enabled, muted, snoozed) and last run.",
		Toolset:     "alerting",
		Method:      http.MethodGet,
		Path:        "/api/alerting/rules/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindRulesInput{},
		Examples: []string{
			`{}`,
			`{"search":"failed logins","search_fields":["name","tags"],"default_search_operator":"AND","filter":"alert.attributes.enabled:true and alert.attributes.muteAll:false","filter_consumers":["stackAlerts","siem"],"fields":["name","tags","enabled"],"sort_field":"name","sort_order":"asc","page":2,"per_page":50,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_rule",
		Title:       "Get alerting rule",
		Description: "Fetch one alerting rule with its params, actions, schedule, mutes, snoozes and last run.",
		Toolset:     "alerting",
		Method:      http.MethodGet,
		Path:        "/api/alerting/rule/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       RuleIDInput{},
		Examples: []string{
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c"}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_rule",
		Title:       "Create alerting rule",
		Description: "Create an alerting rule of a type from get_rule_types; returns the rule with its id.",
		Toolset:     "alerting",
		Method:      http.MethodPost,
		Path:        "/api/alerting/rule/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateRuleInput{},
		Examples: []string{
			`{"name":"Too many errors","rule_type_id":".index-threshold","consumer":"stackAlerts","schedule":{"interval":"1m"},"params":{"index":["logs-*"],"timeField":"@timestamp","aggType":"count","groupBy":"all","threshold":[1000],"thresholdComparator":">","timeWindowSize":5,"timeWindowUnit":"m"}}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","name":"Failed logins per host","rule_type_id":".es-query","consumer":"stackAlerts","schedule":{"interval":"5m"},"enabled":false,"tags":["auth","prod"],"params":{"searchType":"searchSource","searchConfiguration":{"index":"90943e30-9a47-11e8-b64d-95841ca0b247","query":{"query":"event.outcome:failure","language":"kuery"}},"size":100,"threshold":[50],"thresholdComparator":">","timeWindowSize":15,"timeWindowUnit":"m","excludeHitsFromPreviousRun":true},"actions":[{"id":"d0db1fe0-78d6-11ee-9177-f7d404c8c945","group":"query matched","params":{"level":"warning","message":"{{context.hits.length}} failed logins"},"frequency":{"summary":true,"notify_when":"onThrottleInterval","throttle":"1h"},"alerts_filter":{"query":{"kql":"host.name:web-*","filters":[{"meta":{"key":"event.dataset","negate":false,"type":"phrase","params":{"query":"system.auth"}},"query":{"match_phrase":{"event.dataset":"system.auth"}},"$state":{"store":"appState"}}],"dsl":"{\"bool\":{\"filter\":[{\"prefix\":{\"host.name\":\"web-\"}}]}}"},"timeframe":{"days":[1,2,3,4,5],"hours":{"start":"08:00","end":"18:00"},"timezone":"Europe/Berlin"}},"use_alert_data_for_template":true,"uuid":"a6e3bca0-2f1e-4a8b-9a4c-1f7c2f3d9e10"}],"alert_delay":{"active":3},"flapping":{"look_back_window":10,"status_change_threshold":4},"artifacts":{"dashboards":[{"id":"edf84fe0-e1a0-11e7-b6d5-4dc382ef7f5b"}],"investigation_guide":{"blob":"Check the source IPs in the auth logs."}},"space_id":"soc"}`,
			`{"name":"Too many errors","rule_type_id":".index-threshold","consumer":"stackAlerts","schedule":{"interval":"1m"},"notify_when":"onThrottleInterval","throttle":"10m","params":{"index":["logs-*"],"timeField":"@timestamp","aggType":"count","groupBy":"all","threshold":[1000],"thresholdComparator":">","timeWindowSize":5,"timeWindowUnit":"m"},"actions":[{"id":"d0db1fe0-78d6-11ee-9177-f7d404c8c945","group":"threshold met","params":{"level":"info","message":"{{context.message}}"}}]}`,
		},
	},
	{
		Name:        "update_rule",
		Title:       "Update alerting rule",
		Description: "Replace an alerting rule's settings; omitted actions, tags and params are cleared, so start from get_rule. Type and consumer cannot change.",
		Toolset:     "alerting",
		Method:      http.MethodPut,
		Path:        "/api/alerting/rule/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateRuleInput{},
		Examples: []string{
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","name":"Too many errors","schedule":{"interval":"5m"},"params":{"index":["logs-*"],"timeField":"@timestamp","aggType":"count","groupBy":"all","threshold":[2000],"thresholdComparator":">","timeWindowSize":5,"timeWindowUnit":"m"}}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","name":"Failed logins per host","schedule":{"interval":"10m"},"tags":["auth"],"params":{"searchType":"searchSource","searchConfiguration":{"index":"90943e30-9a47-11e8-b64d-95841ca0b247","query":{"query":"event.outcome:failure","language":"kuery"}},"size":100,"threshold":[80],"thresholdComparator":">","timeWindowSize":15,"timeWindowUnit":"m"},"actions":[{"id":"d0db1fe0-78d6-11ee-9177-f7d404c8c945","group":"query matched","params":{"message":"{{context.hits.length}} failed logins"},"frequency":{"summary":false,"notify_when":"onActionGroupChange"},"alerts_filter":{"timeframe":{"days":[],"hours":{"start":"00:00","end":"24:00"},"timezone":"UTC"}},"use_alert_data_for_template":false,"uuid":"a6e3bca0-2f1e-4a8b-9a4c-1f7c2f3d9e10"}],"alert_delay":{"active":2},"flapping":{"look_back_window":20,"status_change_threshold":2},"artifacts":{"investigation_guide":{"blob":"Check the source IPs."}},"space_id":"soc"}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","name":"Too many errors","schedule":{"interval":"1m"},"notify_when":"onThrottleInterval","throttle":"1h","actions":[{"id":"d0db1fe0-78d6-11ee-9177-f7d404c8c945","params":{"message":"errors"}}],"params":{"index":["logs-*"],"timeField":"@timestamp","aggType":"count","groupBy":"all","threshold":[2000],"thresholdComparator":">","timeWindowSize":5,"timeWindowUnit":"m"}}`,
		},
	},
	{
		Name:        "delete_rule",
		Title:       "Delete alerting rule",
		Description: "Permanently delete an alerting rule, which stops its alerts and notifications; cannot be undone. disable_rule keeps it.",
		Toolset:     "alerting",
		Method:      http.MethodDelete,
		Path:        "/api/alerting/rule/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       RuleIDInput{},
		Examples: []string{
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c"}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","space_id":"soc"}`,
		},
	},
	{
		Name:        "enable_rule",
		Title:       "Enable alerting rule",
		Description: "Enable an alerting rule so it runs on its schedule again.",
		Toolset:     "alerting",
		Method:      http.MethodPost,
		Path:        "/api/alerting/rule/{id}/_enable",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Input:       RuleIDInput{},
		Examples: []string{
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c"}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","space_id":"soc"}`,
		},
	},
	{
		Name:        "disable_rule",
		Title:       "Disable alerting rule",
		Description: "Stop an alerting rule from running; it detects nothing until enable_rule.",
		Toolset:     "alerting",
		Method:      http.MethodPost,
		Path:        "/api/alerting/rule/{id}/_disable",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       DisableRuleInput{},
		Examples: []string{
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c"}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","untrack":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "mute_rule",
		Title:       "Mute alerting rule",
		Description: "Silence all notifications of a rule until unmute_rule; it keeps running and raising alerts.",
		Toolset:     "alerting",
		Method:      http.MethodPost,
		Path:        "/api/alerting/rule/{id}/_mute_all",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       RuleIDInput{},
		Examples: []string{
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c"}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","space_id":"soc"}`,
		},
	},
	{
		Name:        "unmute_rule",
		Title:       "Unmute alerting rule",
		Description: "Resume notifications for every alert of a rule, including alerts muted one by one.",
		Toolset:     "alerting",
		Method:      http.MethodPost,
		Path:        "/api/alerting/rule/{id}/_unmute_all",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Input:       RuleIDInput{},
		Examples: []string{
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c"}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","space_id":"soc"}`,
		},
	},
	{
		Name:        "mute_alert",
		Title:       "Mute alert",
		Description: "Silence one alert's notifications until unmute_alert; the rule keeps running.",
		Toolset:     "alerting",
		Method:      http.MethodPost,
		Path:        "/api/alerting/rule/{rule_id}/alert/{alert_id}/_mute",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       RuleAlertInput{},
		Examples: []string{
			`{"rule_id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","alert_id":"web-01"}`,
			`{"rule_id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","alert_id":"web-01","space_id":"soc"}`,
		},
	},
	{
		Name:        "unmute_alert",
		Title:       "Unmute alert",
		Description: "Resume the notifications of one alert muted with mute_alert.",
		Toolset:     "alerting",
		Method:      http.MethodPost,
		Path:        "/api/alerting/rule/{rule_id}/alert/{alert_id}/_unmute",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Input:       RuleAlertInput{},
		Examples: []string{
			`{"rule_id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","alert_id":"web-01"}`,
			`{"rule_id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","alert_id":"web-01","space_id":"soc"}`,
		},
	},
	{
		Name:        "update_rule_api_key",
		Title:       "Renew rule API key",
		Description: "Replace the API key an alerting rule runs with by a new key of the caller; the rule then runs with their privileges.",
		Toolset:     "alerting",
		Method:      http.MethodPost,
		Path:        "/api/alerting/rule/{id}/_update_api_key",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       RuleIDInput{},
		Examples: []string{
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c"}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","space_id":"soc"}`,
		},
	},
	{
		Name:         "snooze_rule",
		Availability: snoozeScheduleAvailability,
		Title:        "Snooze alerting rule",
		Description:  "Silence a rule's notifications for a time window, once or recurring; returns the schedule id unsnooze_rule takes.",
		Toolset:      "alerting",
		Method:       http.MethodPost,
		Path:         "/api/alerting/rule/{id}/snooze_schedule",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		Input:        SnoozeRuleInput{},
		Examples: []string{
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","schedule":{"custom":{"start":"2025-03-12T12:00:00.000Z","duration":"8h"}}}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","schedule":{"custom":{"start":"2025-03-15T22:00:00Z","duration":"4h","timezone":"Europe/Berlin","recurring":{"every":"1w","end":"2025-06-30T00:00:00Z","onWeekDay":["SA","+1SU"],"onMonthDay":[1,15],"onMonth":[3,4,5,6]}}},"space_id":"soc"}`,
			`{"id":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","schedule":{"custom":{"start":"2025-03-12T02:00:00Z","duration":"30m","recurring":{"every":"1d","occurrences":14}}}}`,
		},
	},
	{
		Name:         "unsnooze_rule",
		Availability: snoozeScheduleAvailability,
		Title:        "Cancel rule snooze",
		Description:  "Cancel one snooze schedule of a rule, so its notifications resume.",
		Toolset:      "alerting",
		Method:       http.MethodDelete,
		Path:         "/api/alerting/rule/{ruleId}/snooze_schedule/{scheduleId}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Input:        UnsnoozeRuleInput{},
		Examples: []string{
			`{"ruleId":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","scheduleId":"a1f8e5c2-3b4d-4e6f-8a9b-0c1d2e3f4a5b"}`,
			`{"ruleId":"3583a470-74f6-11ee-b7ea-5b0ab3ad8b6c","scheduleId":"a1f8e5c2-3b4d-4e6f-8a9b-0c1d2e3f4a5b","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_rule_types",
		Title:       "Get alerting rule types",
		Description: "List the rule types you may create: id, action groups, params variables and the consumers allowed for each.",
		Toolset:     "alerting",
		Method:      http.MethodGet,
		Path:        "/api/alerting/rule_types",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       NoAlertingInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_alerting_health",
		Title:       "Get alerting health",
		Description: "Check that rules can run: the health of rule runs, decryption and reads, and whether TLS and an encryption key are set up.",
		Toolset:     "alerting",
		Method:      http.MethodGet,
		Path:        "/api/alerting/_health",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       NoAlertingInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
}

// FindRulesInput filters and pages a rule search.
type FindRulesInput struct {
	Search                string   `json:"search,omitempty" in:"query" jsonschema_description:"simple_query_string over search_fields."`
	SearchFields          []string `json:"search_fields,omitempty" in:"query" jsonschema_description:"E.g. name, tags."`
	DefaultSearchOperator string   `json:"default_search_operator,omitempty" in:"query" jsonschema:"enum=OR,enum=AND"`
	Filter                string   `json:"filter,omitempty" in:"query" jsonschema_description:"KQL, e.g. alert.attributes.tags:prod."`
	FilterConsumers       []string `json:"filter_consumers,omitempty" in:"query"`
	HasReference          *RuleRef `json:"has_reference,omitempty" in:"query"`
	Fields                []string `json:"fields,omitempty" in:"query"`
	SortField             string   `json:"sort_field,omitempty" in:"query" jsonschema_description:"E.g. name, updatedAt."`
	SortOrder             string   `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page                  int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage               int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
	Full                  bool     `json:"full,omitempty" in:"tool" jsonschema_description:"Whole documents, not summary rows."`
}

// RuleRef is a saved object a rule refers to, e.g. {type: action, id: a
// connector}. Kibana reads the query parameter as JSON text, which the
// binder sends for an object.
type RuleRef struct {
	Type string `json:"type" jsonschema:"required"`
	ID   string `json:"id" jsonschema:"required"`
}

// findRulesPerPage keeps an unpaged search small: a rule with its actions
// and run history is a few KB of JSON.
const findRulesPerPage = 20

// Prepare asks for a small page when the model names no page size.
func (in *FindRulesInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = findRulesPerPage
	}
	return nil
}

// RuleIDInput names one rule.
type RuleIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required"`
}

// NoAlertingInput takes no arguments.
type NoAlertingInput struct{}

// DisableRuleInput names the rule to disable.
type DisableRuleInput struct {
	ID      string `json:"id" in:"path" jsonschema:"required"`
	Untrack bool   `json:"untrack,omitempty" jsonschema_description:"Also mark its active alerts untracked."`
}

// RuleAlertInput names one alert of a rule.
type RuleAlertInput struct {
	RuleID  string `json:"rule_id" in:"path" jsonschema:"required"`
	AlertID string `json:"alert_id" in:"path" jsonschema:"required" jsonschema_description:"Its kibana.alert.instance.id, not _id."`
}

// CreateRuleInput describes a new rule. Kibana picks no id on this route,
// so Prepare does when the model gives none.
type CreateRuleInput struct {
	ID         string          `json:"id,omitempty" in:"path" jsonschema_description:"Default: a random UUID."`
	Name       string          `json:"name" jsonschema:"required,minLength=1"`
	RuleTypeID string          `json:"rule_type_id" jsonschema:"required,minLength=1" jsonschema_description:"From get_rule_types, e.g. .index-threshold, .es-query."`
	Consumer   string          `json:"consumer" jsonschema:"required,minLength=1" jsonschema_description:"From the type's authorized_consumers, e.g. stackAlerts."`
	Schedule   RuleSchedule    `json:"schedule" jsonschema:"required"`
	Params     json.RawMessage `json:"params,omitempty" jsonschema_description:"Shaped by rule_type_id."`
	Enabled    *bool           `json:"enabled,omitempty" jsonschema_description:"Default true."`
	Tags       []string        `json:"tags,omitempty"`
	Actions    []RuleAction    `json:"actions,omitempty"`
	NotifyWhen string          `json:"notify_when,omitempty" jsonschema:"enum=onActionGroupChange,enum=onActiveAlert,enum=onThrottleInterval" jsonschema_description:"Legacy; prefer actions[].frequency."`
	Throttle   string          `json:"throttle,omitempty" jsonschema:"pattern=^[1-9][0-9]*[smhd]$"`
	AlertDelay *RuleAlertDelay `json:"alert_delay,omitempty" jsonschema_description:"{active: n}: alert only after n consecutive matching runs."`
	Flapping   *RuleFlapping   `json:"flapping,omitempty" jsonschema_description:"{look_back_window, status_change_threshold}, each 2-20: fewer notifications for flapping alerts."`
	Artifacts  *RuleArtifacts  `json:"artifacts,omitempty" jsonschema_description:"{dashboards: [{id}] (up to 10), investigation_guide: {blob: markdown}}."`
}

// Prepare picks an id and checks actions against the notification settings.
func (in *CreateRuleInput) Prepare() error {
	if in.ID == "" {
		id, err := randomUUID()
		if err != nil {
			return err
		}
		in.ID = id
	}
	in.Params = nullToNil(in.Params)
	return checkRule(in.Actions, in.NotifyWhen, in.Throttle, in.Schedule.Interval, in.AlertDelay, in.Flapping, in.Artifacts)
}

// UpdateRuleInput replaces a rule's settings. Kibana fills what is omitted
// with defaults (no actions, no tags, empty params).
type UpdateRuleInput struct {
	ID         string          `json:"id" in:"path" jsonschema:"required"`
	Name       string          `json:"name" jsonschema:"required,minLength=1"`
	Schedule   RuleSchedule    `json:"schedule" jsonschema:"required"`
	Params     json.RawMessage `json:"params,omitempty" jsonschema_description:"Shaped by the rule type."`
	Tags       []string        `json:"tags,omitempty"`
	Actions    []RuleAction    `json:"actions,omitempty"`
	NotifyWhen string          `json:"notify_when,omitempty" jsonschema:"enum=onActionGroupChange,enum=onActiveAlert,enum=onThrottleInterval" jsonschema_description:"Legacy; prefer actions[].frequency."`
	Throttle   string          `json:"throttle,omitempty" jsonschema:"pattern=^[1-9][0-9]*[smhd]$"`
	AlertDelay *RuleAlertDelay `json:"alert_delay,omitempty" jsonschema_description:"{active: n}: alert only after n consecutive matching runs."`
	Flapping   *RuleFlapping   `json:"flapping,omitempty" jsonschema_description:"{look_back_window, status_change_threshold}, each 2-20: fewer notifications for flapping alerts."`
	Artifacts  *RuleArtifacts  `json:"artifacts,omitempty" jsonschema_description:"{dashboards: [{id}] (up to 10), investigation_guide: {blob: markdown}}."`
}

// Prepare checks actions against the notification settings.
func (in *UpdateRuleInput) Prepare() error {
	in.Params = nullToNil(in.Params)
	return checkRule(in.Actions, in.NotifyWhen, in.Throttle, in.Schedule.Interval, in.AlertDelay, in.Flapping, in.Artifacts)
}

// RuleSchedule is how often a rule checks its conditions.
type RuleSchedule struct {
	Interval string `json:"interval" jsonschema:"required,pattern=^[1-9][0-9]*[smhd]$"`
}

// RuleAction is a connector the rule runs for its alerts.
type RuleAction struct {
	ID                      string           `json:"id" jsonschema:"required,minLength=1" jsonschema_description:"Connector id."`
	Group                   string           `json:"group,omitempty" jsonschema_description:"From get_rule_types, e.g. default."`
	Params                  json.RawMessage  `json:"params,omitempty" jsonschema_description:"Connector params (Mustache templates)."`
	Frequency               *ActionFrequency `json:"frequency,omitempty" jsonschema_description:"Required unless notify_when is set."`
	AlertsFilter            *AlertsFilter    `json:"alerts_filter,omitempty" jsonschema_description:"{query: {kql, filters, dsl}, timeframe: {days: [1-7], hours: {start, end}, timezone}}: run only for matching alerts."`
	UseAlertDataForTemplate *bool            `json:"use_alert_data_for_template,omitempty"`
	UUID                    string           `json:"uuid,omitempty"`
}

// ActionFrequency is when an action runs. Kibana requires throttle to be
// present, null unless notify_when is onThrottleInterval.
type ActionFrequency struct {
	Summary    bool    `json:"summary" jsonschema_description:"One action for all alerts of a run."`
	NotifyWhen string  `json:"notify_when" jsonschema:"required,enum=onActionGroupChange,enum=onActiveAlert,enum=onThrottleInterval"`
	Throttle   *string `json:"throttle" jsonschema:"pattern=^[1-9][0-9]*[smhd]$" jsonschema_description:"For onThrottleInterval."`
}

// AlertsFilter limits an action to some alerts. Its schema is a bare object
// described in prose on the actions member; check enforces its shape.
type AlertsFilter struct {
	Query     *AlertsFilterQuery     `json:"query,omitempty"`
	Timeframe *AlertsFilterTimeframe `json:"timeframe,omitempty"`
}

// JSONSchemaAlias shows the filter as a bare object.
func (AlertsFilter) JSONSchemaAlias() any { return json.RawMessage(nil) }

// AlertsFilterQuery runs an action only for alerts matching a query.
type AlertsFilterQuery struct {
	KQL     string            `json:"kql"`
	Filters []json.RawMessage `json:"filters"`
	DSL     string            `json:"dsl,omitempty"`
}

// AlertsFilterTimeframe runs an action only in some hours of some days.
type AlertsFilterTimeframe struct {
	Days     []int           `json:"days"`
	Hours    *TimeframeHours `json:"hours"`
	Timezone string          `json:"timezone"`
}

// TimeframeHours is a range of the day, hh:mm to hh:mm.
type TimeframeHours struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// RuleAlertDelay holds alerts back until enough runs agree. Its schema is
// a bare object described in prose; check enforces its member.
type RuleAlertDelay struct {
	Active *int `json:"active"`
}

// JSONSchemaAlias shows the alert delay as a bare object.
func (RuleAlertDelay) JSONSchemaAlias() any { return json.RawMessage(nil) }

func (d *RuleAlertDelay) check() error {
	switch {
	case d.Active == nil:
		return &schema.ArgumentError{Field: "alert_delay.active", Rule: "is required"}
	case *d.Active < 1:
		return &schema.ArgumentError{Field: "alert_delay.active", Rule: fmt.Sprintf("must be at least 1, got %d", *d.Active)}
	}
	return nil
}

// RuleFlapping tunes flapping detection. Its schema is a bare object
// described in prose; check enforces its members.
type RuleFlapping struct {
	LookBackWindow        *int `json:"look_back_window"`
	StatusChangeThreshold *int `json:"status_change_threshold"`
}

// JSONSchemaAlias shows the flapping settings as a bare object.
func (RuleFlapping) JSONSchemaAlias() any { return json.RawMessage(nil) }

func (f *RuleFlapping) check() error {
	for _, m := range []struct {
		name string
		v    *int
	}{{"look_back_window", f.LookBackWindow}, {"status_change_threshold", f.StatusChangeThreshold}} {
		switch {
		case m.v == nil:
			return &schema.ArgumentError{Field: "flapping." + m.name, Rule: "is required"}
		case *m.v < 2 || *m.v > 20:
			return &schema.ArgumentError{Field: "flapping." + m.name, Rule: fmt.Sprintf("must be 2 to 20, got %d", *m.v)}
		}
	}
	return nil
}

// RuleArtifacts are what responders get with the rule's alerts. Its schema
// is a bare object described in prose; check enforces its members.
type RuleArtifacts struct {
	Dashboards         []RuleDashboard     `json:"dashboards,omitempty"`
	InvestigationGuide *InvestigationGuide `json:"investigation_guide,omitempty"`
}

// JSONSchemaAlias shows the artifacts as a bare object.
func (RuleArtifacts) JSONSchemaAlias() any { return json.RawMessage(nil) }

// RuleDashboard links a dashboard to the rule.
type RuleDashboard struct {
	ID string `json:"id"`
}

// InvestigationGuide is the rule's markdown guide for responders.
type InvestigationGuide struct {
	Blob string `json:"blob"`
}

func (a *RuleArtifacts) check() error {
	if n := len(a.Dashboards); n > 10 {
		return &schema.ArgumentError{Field: "artifacts.dashboards", Rule: fmt.Sprintf("must have at most 10 items, got %d", n)}
	}
	for i, d := range a.Dashboards {
		if d.ID == "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("artifacts.dashboards[%d].id", i), Rule: "is required"}
		}
	}
	if g := a.InvestigationGuide; g != nil {
		if g.Blob == "" {
			return &schema.ArgumentError{Field: "artifacts.investigation_guide.blob", Rule: "is required (markdown)"}
		}
		if n := utf8.RuneCountInString(g.Blob); n > 10000 {
			return &schema.ArgumentError{Field: "artifacts.investigation_guide.blob", Rule: fmt.Sprintf("must be at most 10000 characters, got %d", n)}
		}
	}
	return nil
}

// checkRule checks the members create_rule and update_rule share.
func checkRule(actions []RuleAction, notifyWhen, throttle, interval string, delay *RuleAlertDelay, flapping *RuleFlapping, artifacts *RuleArtifacts) error {
	if err := checkRuleActions(actions, notifyWhen, throttle, interval); err != nil {
		return err
	}
	if delay != nil {
		if err := delay.check(); err != nil {
			return err
		}
	}
	if flapping != nil {
		if err := flapping.check(); err != nil {
			return err
		}
	}
	if artifacts != nil {
		return artifacts.check()
	}
	return nil
}

var (
	hhmm          = lazyRegexp(`^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)
	ruleDuration  = lazyRegexp(`^([1-9][0-9]*)([smhd])$`)
	durationUnits = map[string]int64{"s": 1, "m": 60, "h": 3600, "d": 86400}
)

// checkRuleActions enforces what Kibana requires across the members of a
// rule: per-action frequency or rule-level notify_when/throttle, never both;
// a throttle exactly for onThrottleInterval, no shorter than the schedule;
// well-formed alert filters.
func checkRuleActions(actions []RuleAction, notifyWhen, throttle, interval string) error {
	ruleLevel := notifyWhen != "" || throttle != ""
	for i := range actions {
		a := &actions[i]
		at := fmt.Sprintf("actions[%d]", i)
		a.Params = nullToNil(a.Params)
		switch {
		case ruleLevel && a.Frequency != nil:
			return &schema.ArgumentError{Field: at + ".frequency", Rule: "cannot be combined with the rule-level notify_when or throttle; set one or the other"}
		case !ruleLevel && a.Frequency == nil:
			return &schema.ArgumentError{Field: at + ".frequency", Rule: "is required (or set the rule-level notify_when)"}
		}
		if f := a.Frequency; f != nil {
			if err := checkThrottle(at+".frequency", f.NotifyWhen, f.Throttle, interval); err != nil {
				return err
			}
		}
		if a.AlertsFilter != nil {
			if err := a.AlertsFilter.check(at + ".alerts_filter"); err != nil {
				return err
			}
		}
	}
	return checkThrottle("", notifyWhen, &throttle, interval)
}

// checkThrottle requires a throttle exactly when notify_when is
// onThrottleInterval, no shorter than the rule's check interval. prefix is
// where notify_when and throttle sit ("" at the rule level).
func checkThrottle(prefix, notifyWhen string, throttle *string, interval string) error {
	field := "throttle"
	if prefix != "" {
		field = prefix + ".throttle"
	}
	given := throttle != nil && *throttle != ""
	switch {
	case notifyWhen == "onThrottleInterval" && !given:
		return &schema.ArgumentError{Field: field, Rule: "is required when notify_when is onThrottleInterval"}
	case notifyWhen != "onThrottleInterval" && given:
		return &schema.ArgumentError{Field: field, Rule: "applies only when notify_when is onThrottleInterval"}
	case !given:
		return nil
	}
	t, okT := durationSeconds(*throttle)
	i, okI := durationSeconds(interval)
	if okT && okI && t < i {
		return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("must not be shorter than schedule.interval (%s)", interval)}
	}
	return nil
}

// durationSeconds reads a rule duration such as 5m.
func durationSeconds(s string) (int64, bool) {
	m := ruleDuration().FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, false
	}
	return n * durationUnits[m[2]], true
}

func (f *AlertsFilter) check(field string) error {
	if f.Query == nil && f.Timeframe == nil {
		return &schema.ArgumentError{Field: field, Rule: "give query, timeframe or both"}
	}
	if q := f.Query; q != nil {
		if q.KQL == "" && len(q.Filters) == 0 && q.DSL == "" {
			return &schema.ArgumentError{Field: field + ".query", Rule: "give kql or filters"}
		}
		if q.Filters == nil {
			q.Filters = []json.RawMessage{}
		}
		for i, raw := range q.Filters {
			var filter map[string]json.RawMessage
			if json.Unmarshal(raw, &filter) != nil || filter["meta"] == nil {
				return &schema.ArgumentError{Field: fmt.Sprintf("%s.query.filters[%d]", field, i), Rule: "must be a Kibana filter object with meta (and query)"}
			}
		}
	}
	if t := f.Timeframe; t != nil {
		at := field + ".timeframe"
		if t.Days == nil {
			t.Days = []int{} // every day
		}
		for i, d := range t.Days {
			if d < 1 || d > 7 {
				return &schema.ArgumentError{Field: fmt.Sprintf("%s.days[%d]", at, i), Rule: "must be 1 (Monday) to 7 (Sunday)"}
			}
		}
		switch {
		case t.Hours == nil:
			return &schema.ArgumentError{Field: at + ".hours", Rule: "is required: {start, end} as hh:mm"}
		case !hhmm().MatchString(t.Hours.Start):
			return &schema.ArgumentError{Field: at + ".hours.start", Rule: "must be a time of day as hh:mm, e.g. 08:00"}
		case !hhmm().MatchString(t.Hours.End):
			return &schema.ArgumentError{Field: at + ".hours.end", Rule: "must be a time of day as hh:mm, e.g. 18:00 (24:00 for midnight)"}
		case t.Timezone == "":
			return &schema.ArgumentError{Field: at + ".timezone", Rule: "is required, e.g. UTC or Europe/Berlin"}
		}
	}
	return nil
}

// SnoozeRuleInput adds a snooze schedule to a rule.
type SnoozeRuleInput struct {
	ID       string         `json:"id" in:"path" jsonschema:"required"`
	Schedule SnoozeSchedule `json:"schedule" jsonschema:"required"`
}

// Prepare checks the dates and the recurrence's end.
func (in *SnoozeRuleInput) Prepare() error {
	return in.Schedule.Custom.check("schedule.custom")
}

// SnoozeSchedule wraps the custom schedule, as Kibana expects.
type SnoozeSchedule struct {
	Custom SnoozeWindow `json:"custom" jsonschema:"required"`
}

// SnoozeWindow is when a snooze starts, how long it lasts and how it
// repeats.
type SnoozeWindow struct {
	Start     string            `json:"start" jsonschema:"required" jsonschema_description:"E.g. 2025-03-12T12:00:00Z."`
	Duration  string            `json:"duration" jsonschema:"required,pattern=^[1-9][0-9]*[dhms]$"`
	Timezone  string            `json:"timezone,omitempty" jsonschema_description:"Default UTC."`
	Recurring *SnoozeRecurrence `json:"recurring,omitempty" jsonschema_description:"{every (1d, 2w, 1M, 1y), end or occurrences, onWeekDay [MO..SU, +1MO], onMonthDay [1-31], onMonth [1-12]}."`
}

// SnoozeRecurrence repeats a snooze window.
type SnoozeRecurrence struct {
	Every       string   `json:"every,omitempty"`
	End         string   `json:"end,omitempty"`
	Occurrences int      `json:"occurrences,omitempty"`
	OnWeekDay   []string `json:"onWeekDay,omitempty"`
	OnMonthDay  []int    `json:"onMonthDay,omitempty"`
	OnMonth     []int    `json:"onMonth,omitempty"`
}

// JSONSchemaAlias shows the recurrence as a bare object; the snooze
// window's check enforces its members.
func (SnoozeRecurrence) JSONSchemaAlias() any { return json.RawMessage(nil) }

func (w *SnoozeWindow) check(field string) error {
	if _, err := time.Parse(time.RFC3339, w.Start); err != nil {
		return &schema.ArgumentError{Field: field + ".start", Rule: "must be an ISO 8601 time with offset, e.g. 2025-03-12T12:00:00Z"}
	}
	if w.Recurring != nil {
		return w.Recurring.check(field + ".recurring")
	}
	return nil
}

var (
	snoozeEvery = lazyRegexp(`^[1-9][0-9]*[dwMy]$`)
	weekDay     = lazyRegexp(`^([+-][1-5])?(MO|TU|WE|TH|FR|SA|SU)$`)
)

// check enforces what the bare recurrence schema leaves out.
func (r *SnoozeRecurrence) check(field string) error {
	switch {
	case r.Every != "" && !snoozeEvery().MatchString(r.Every):
		return &schema.ArgumentError{Field: field + ".every", Rule: "must be a number and a unit d, w, M (month) or y, e.g. 2w"}
	case r.Occurrences < 0:
		return &schema.ArgumentError{Field: field + ".occurrences", Rule: "must be at least 1"}
	case r.End != "" && r.Occurrences != 0:
		return &schema.ArgumentError{Field: field, Rule: "give end or occurrences, not both"}
	}
	if r.End != "" {
		if _, err := time.Parse(time.RFC3339, r.End); err != nil {
			return &schema.ArgumentError{Field: field + ".end", Rule: "must be an ISO 8601 time with offset, e.g. 2025-06-30T00:00:00Z"}
		}
	}
	for i, d := range r.OnWeekDay {
		if !weekDay().MatchString(d) {
			return &schema.ArgumentError{Field: fmt.Sprintf("%s.onWeekDay[%d]", field, i), Rule: "must be MO, TU, WE, TH, FR, SA or SU, optionally after +1..+5 or -1..-5 (nth of the month)"}
		}
	}
	for _, list := range []struct {
		name string
		days []int
		max  int
	}{{"onMonthDay", r.OnMonthDay, 31}, {"onMonth", r.OnMonth, 12}} {
		for i, d := range list.days {
			if d < 1 || d > list.max {
				return &schema.ArgumentError{Field: fmt.Sprintf("%s.%s[%d]", field, list.name, i), Rule: fmt.Sprintf("must be 1 to %d, got %d", list.max, d)}
			}
		}
	}
	return nil
}

// UnsnoozeRuleInput names one snooze schedule of a rule.
type UnsnoozeRuleInput struct {
	RuleID     string `json:"ruleId" in:"path" jsonschema:"required"`
	ScheduleID string `json:"scheduleId" in:"path" jsonschema:"required" jsonschema_description:"From snooze_rule, or get_rule's snooze_schedule."`
}

// nullToNil drops a JSON null so an omitempty member stays out of the body.
func nullToNil(raw json.RawMessage) json.RawMessage {
	if string(raw) == "null" {
		return nil
	}
	return raw
}

// randomUUID returns a version 4 UUID, as Kibana would pick for a new rule.
func randomUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("create_rule: picking an id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// snoozeScheduleAvailability: the public snooze schedule routes carry the
// x-state "Generally available; added in 8.19.0" in the OpenAPI document;
// they were added by Kibana PR #210584 (spring 2025, after 8.18/9.0 branched)
// and 8.19 shipped alongside 9.1, which is where the 9 line has them (9.0
// does not).
var snoozeScheduleAvailability = &operation.Availability{Since: "8.19.0|9.1.0", Serverless: true}

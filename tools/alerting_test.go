package tools

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// TestAlertingRequests pins the request each alerting tool sends for
// typical arguments: method, path, query and body as Kibana receives them.
func TestAlertingRequests(t *testing.T) {
	const rule = `"id":"r1"`
	for _, tc := range []struct {
		tool, args                string
		method, path, query, body string
	}{
		// find_rules asks for 20 rules unless told otherwise; lists repeat.
		{"find_rules", `{}`, http.MethodGet, "/api/alerting/rules/_find", "per_page=20", ""},
		{"find_rules", `{"search":"web","search_fields":["name","tags"],"per_page":5,"sort_order":"desc"}`,
			http.MethodGet, "/api/alerting/rules/_find", "per_page=5&search=web&search_fields=name&search_fields=tags&sort_order=desc", ""},
		{"get_rule", `{` + rule + `}`, http.MethodGet, "/api/alerting/rule/r1", "", ""},
		{"delete_rule", `{` + rule + `}`, http.MethodDelete, "/api/alerting/rule/r1", "", ""},
		{"enable_rule", `{` + rule + `}`, http.MethodPost, "/api/alerting/rule/r1/_enable", "", ""},
		{"disable_rule", `{` + rule + `}`, http.MethodPost, "/api/alerting/rule/r1/_disable", "", `{}`},
		{"disable_rule", `{` + rule + `,"untrack":true}`, http.MethodPost, "/api/alerting/rule/r1/_disable", "", `{"untrack":true}`},
		{"mute_rule", `{` + rule + `}`, http.MethodPost, "/api/alerting/rule/r1/_mute_all", "", ""},
		{"unmute_rule", `{` + rule + `}`, http.MethodPost, "/api/alerting/rule/r1/_unmute_all", "", ""},
		{"update_rule_api_key", `{` + rule + `}`, http.MethodPost, "/api/alerting/rule/r1/_update_api_key", "", ""},
		{"mute_alert", `{"rule_id":"r1","alert_id":"web-01"}`, http.MethodPost, "/api/alerting/rule/r1/alert/web-01/_mute", "", ""},
		{"unmute_alert", `{"rule_id":"r1","alert_id":"web-01"}`, http.MethodPost, "/api/alerting/rule/r1/alert/web-01/_unmute", "", ""},
		{"unsnooze_rule", `{"ruleId":"r1","scheduleId":"s1"}`, http.MethodDelete, "/api/alerting/rule/r1/snooze_schedule/s1", "", ""},
		{"get_rule_types", `{}`, http.MethodGet, "/api/alerting/rule_types", "", ""},
		{"get_alerting_health", `{}`, http.MethodGet, "/api/alerting/_health", "", ""},
		// Rule bodies: omitted optional members stay out; an action's
		// frequency always carries throttle (null unless throttling).
		{"create_rule", `{"id":"r1","name":"n","rule_type_id":".index-threshold","consumer":"stackAlerts","schedule":{"interval":"1m"},"params":{"threshold":[1000]},"actions":[{"id":"c1","group":"threshold met","frequency":{"notify_when":"onActiveAlert"}}]}`,
			http.MethodPost, "/api/alerting/rule/r1", "",
			`{"name":"n","rule_type_id":".index-threshold","consumer":"stackAlerts","schedule":{"interval":"1m"},"params":{"threshold":[1000]},"actions":[{"id":"c1","group":"threshold met","frequency":{"summary":false,"notify_when":"onActiveAlert","throttle":null}}]}`},
		{"update_rule", `{"id":"r1","name":"n","schedule":{"interval":"5m"},"tags":[],"notify_when":"onThrottleInterval","throttle":"1h","actions":[{"id":"c1","params":{"message":"m"}}]}`,
			http.MethodPut, "/api/alerting/rule/r1", "",
			`{"name":"n","schedule":{"interval":"5m"},"actions":[{"id":"c1","params":{"message":"m"}}],"notify_when":"onThrottleInterval","throttle":"1h"}`},
		// An alert filter's missing lists are sent empty, as Kibana requires.
		{"update_rule", `{"id":"r1","name":"n","schedule":{"interval":"5m"},"actions":[{"id":"c1","frequency":{"summary":true,"notify_when":"onThrottleInterval","throttle":"1d"},"alerts_filter":{"query":{"kql":"host.name:web-01"},"timeframe":{"hours":{"start":"08:00","end":"24:00"},"timezone":"UTC"}}}]}`,
			http.MethodPut, "/api/alerting/rule/r1", "",
			`{"name":"n","schedule":{"interval":"5m"},"actions":[{"id":"c1","frequency":{"summary":true,"notify_when":"onThrottleInterval","throttle":"1d"},"alerts_filter":{"query":{"kql":"host.name:web-01","filters":[]},"timeframe":{"days":[],"hours":{"start":"08:00","end":"24:00"},"timezone":"UTC"}}}]}`},
		{"snooze_rule", `{` + rule + `,"schedule":{"custom":{"start":"2025-03-12T12:00:00Z","duration":"8h","recurring":{"every":"1w","occurrences":4,"onWeekDay":["SA","-1SU"]}}}}`,
			http.MethodPost, "/api/alerting/rule/r1/snooze_schedule", "",
			`{"schedule":{"custom":{"start":"2025-03-12T12:00:00Z","duration":"8h","recurring":{"every":"1w","occurrences":4,"onWeekDay":["SA","-1SU"]}}}}`},
	} {
		req, err := mustLookup(t, tc.tool).Bind(args(t, tc.args))
		if err != nil {
			t.Errorf("%s %s: %v", tc.tool, tc.args, err)
			continue
		}
		if req.Method != tc.method || req.Path != tc.path || req.Query.Encode() != tc.query || string(req.Body) != tc.body {
			t.Errorf("%s %s:\n got  %s %s ?%s %s\n want %s %s ?%s %s", tc.tool, tc.args,
				req.Method, req.Path, req.Query.Encode(), req.Body, tc.method, tc.path, tc.query, tc.body)
		}
		if req.APIVersion != operation.V20231031 {
			t.Errorf("%s: api version %q", tc.tool, req.APIVersion)
		}
	}
}

// TestCreateRulePicksAnID checks that a rule created without an id gets a
// fresh random UUID in the path, as Kibana's own create route would.
func TestCreateRulePicksAnID(t *testing.T) {
	op := mustLookup(t, "create_rule")
	a := `{"name":"n","rule_type_id":".es-query","consumer":"alerts","schedule":{"interval":"1m"}}`
	uuid := regexp.MustCompile(`^/api/alerting/rule/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	first, err := op.Bind(args(t, a))
	if err != nil {
		t.Fatal(err)
	}
	second, err := op.Bind(args(t, a))
	if err != nil {
		t.Fatal(err)
	}
	if !uuid.MatchString(first.Path) || !uuid.MatchString(second.Path) || first.Path == second.Path {
		t.Errorf("paths %q and %q: want two different random UUIDs", first.Path, second.Path)
	}
	if string(first.Body) != `{"name":"n","rule_type_id":".es-query","consumer":"alerts","schedule":{"interval":"1m"}}` {
		t.Errorf("body = %s", first.Body)
	}
}

// TestAlertingEscapesIDs checks that every id argument stays one path
// segment, and that dot segments are refused naming the argument.
func TestAlertingEscapesIDs(t *testing.T) {
	for _, tc := range []struct{ tool, args, path string }{
		{"get_rule", `{"id":"../../api/security/role"}`, "/api/alerting/rule/..%2F..%2Fapi%2Fsecurity%2Frole"},
		{"enable_rule", `{"id":"a b?c#d"}`, "/api/alerting/rule/a%20b%3Fc%23d/_enable"},
		{"mute_alert", `{"rule_id":"r/1","alert_id":"host 1/eth0"}`, "/api/alerting/rule/r%2F1/alert/host%201%2Feth0/_mute"},
		{"unsnooze_rule", `{"ruleId":"r1","scheduleId":"%2e%2e"}`, "/api/alerting/rule/r1/snooze_schedule/%252e%252e"},
		{"create_rule", `{"id":"my rule","name":"n","rule_type_id":"t","consumer":"alerts","schedule":{"interval":"1m"}}`, "/api/alerting/rule/my%20rule"},
	} {
		req, err := mustLookup(t, tc.tool).Bind(args(t, tc.args))
		if err != nil {
			t.Errorf("%s %s: %v", tc.tool, tc.args, err)
			continue
		}
		if req.Path != tc.path {
			t.Errorf("%s %s: path %q, want %q", tc.tool, tc.args, req.Path, tc.path)
		}
	}
	for _, tc := range []struct{ tool, args, field string }{
		{"delete_rule", `{"id":".."}`, "id"},
		{"unmute_alert", `{"rule_id":"r1","alert_id":"."}`, "alert_id"},
		{"unsnooze_rule", `{"ruleId":"r1","scheduleId":""}`, "scheduleId"},
		{"snooze_rule", `{"id":"a\nb","schedule":{"custom":{"start":"2025-03-12T12:00:00Z","duration":"1h"}}}`, "id"},
	} {
		_, err := mustLookup(t, tc.tool).Bind(args(t, tc.args))
		if ae, ok := schema.AsArgumentError(err); !ok || ae.Field != tc.field {
			t.Errorf("%s %s: err %v, want an error naming %s", tc.tool, tc.args, err, tc.field)
		}
	}
}

// TestAlertingArgumentChecks pins the messages the model reads when rule
// and snooze arguments are wrong: each names the argument to fix.
func TestAlertingArgumentChecks(t *testing.T) {
	const (
		base   = `"name":"n","rule_type_id":"t","consumer":"alerts","schedule":{"interval":"1m"}`
		freq   = `"frequency":{"notify_when":"onActiveAlert"}`
		window = `"start":"2025-03-12T12:00:00Z","duration":"1h"`
	)
	for _, tc := range []struct{ tool, args, want string }{
		// create_rule: the members Kibana requires.
		{"create_rule", `{"name":"n","consumer":"alerts","schedule":{"interval":"1m"}}`,
			`invalid argument "rule_type_id": is required`},
		{"create_rule", `{"name":"n","rule_type_id":"t","schedule":{"interval":"1m"}}`,
			`invalid argument "consumer": is required`},
		{"create_rule", `{"name":"n","rule_type_id":"t","consumer":"alerts"}`,
			`invalid argument "schedule": is required`},
		{"create_rule", `{"name":"n","rule_type_id":"t","consumer":"alerts","schedule":{}}`,
			`invalid argument "schedule.interval": is required`},
		{"create_rule", `{"name":"","rule_type_id":"t","consumer":"alerts","schedule":{"interval":"1m"}}`,
			`invalid argument "name": must not be empty`},
		// Intervals are a whole number and s, m, h or d, as Kibana parses them.
		{"create_rule", `{"name":"n","rule_type_id":"t","consumer":"alerts","schedule":{"interval":"1 minute"}}`,
			`invalid argument "schedule.interval": must match the pattern ^[1-9][0-9]*[smhd]$`},
		{"update_rule", `{"id":"r1","name":"n","schedule":{"interval":"0m"}}`,
			`invalid argument "schedule.interval": must match the pattern ^[1-9][0-9]*[smhd]$`},
		{"update_rule", `{"id":"r1","schedule":{"interval":"5m"}}`,
			`invalid argument "name": is required`},
		// params is an object whose shape the rule type sets, never a string.
		{"create_rule", `{` + base + `,"params":"{\"threshold\":[1]}"}`,
			`invalid argument "params": must be an object, got "{\"threshold\":[1]}"`},
		{"create_rule", `{` + base + `,"rule_type_id":"t","actions":[{"params":{}}]}`,
			`invalid argument "actions[0].id": is required`},
		// Notification frequency: per action, or the legacy rule-level pair.
		{"create_rule", `{` + base + `,"actions":[{"id":"c1"}]}`,
			`invalid argument "actions[0].frequency": is required (or set the rule-level notify_when)`},
		{"create_rule", `{` + base + `,"notify_when":"onActiveAlert","actions":[{"id":"c1",` + freq + `}]}`,
			`invalid argument "actions[0].frequency": cannot be combined with the rule-level notify_when or throttle; set one or the other`},
		{"create_rule", `{` + base + `,"actions":[{"id":"c1","frequency":{"notify_when":"onThrottleInterval"}}]}`,
			`invalid argument "actions[0].frequency.throttle": is required when notify_when is onThrottleInterval`},
		{"create_rule", `{` + base + `,"actions":[{"id":"c1","frequency":{"notify_when":"onActiveAlert","throttle":"1h"}}]}`,
			`invalid argument "actions[0].frequency.throttle": applies only when notify_when is onThrottleInterval`},
		{"update_rule", `{"id":"r1","name":"n","schedule":{"interval":"1h"},"actions":[{"id":"c1","frequency":{"notify_when":"onThrottleInterval","throttle":"10m"}}]}`,
			`invalid argument "actions[0].frequency.throttle": must not be shorter than schedule.interval (1h)`},
		{"update_rule", `{"id":"r1","name":"n","schedule":{"interval":"1m"},"throttle":"1h"}`,
			`invalid argument "throttle": applies only when notify_when is onThrottleInterval`},
		{"update_rule", `{"id":"r1","name":"n","schedule":{"interval":"1m"},"notify_when":"onThrottleInterval"}`,
			`invalid argument "throttle": is required when notify_when is onThrottleInterval`},
		// The members shown as prose are checked here instead of by schema;
		// strict decoding names an unknown member by its own name.
		{"create_rule", `{` + base + `,"actions":[{"id":"c1",` + freq + `,"alerts_filter":{}}]}`,
			`invalid argument "actions[0].alerts_filter": give query, timeframe or both`},
		{"create_rule", `{` + base + `,"actions":[{"id":"c1",` + freq + `,"alerts_filter":{"timeframe":{"days":[0],"hours":{"start":"08:00","end":"18:00"},"timezone":"UTC"}}}]}`,
			`invalid argument "actions[0].alerts_filter.timeframe.days[0]": must be 1 (Monday) to 7 (Sunday)`},
		{"create_rule", `{` + base + `,"actions":[{"id":"c1",` + freq + `,"alerts_filter":{"timeframe":{"hours":{"start":"8am","end":"18:00"},"timezone":"UTC"}}}]}`,
			`invalid argument "actions[0].alerts_filter.timeframe.hours.start": must be a time of day as hh:mm, e.g. 08:00`},
		{"create_rule", `{` + base + `,"actions":[{"id":"c1",` + freq + `,"alerts_filter":{"query":{"filters":[{"query":{}}]}}}]}`,
			`invalid argument "actions[0].alerts_filter.query.filters[0]": must be a Kibana filter object with meta (and query)`},
		{"create_rule", `{` + base + `,"actions":[{"id":"c1",` + freq + `,"alerts_filter":{"query":{"kql":"a","sql":"b"}}}]}`,
			`invalid argument "sql": unknown argument; see the tool's input schema for the accepted names`},
		{"create_rule", `{` + base + `,"flapping":{"look_back_window":10}}`,
			`invalid argument "flapping.status_change_threshold": is required`},
		{"update_rule", `{"id":"r1","name":"n","schedule":{"interval":"1m"},"flapping":{"look_back_window":1,"status_change_threshold":4}}`,
			`invalid argument "flapping.look_back_window": must be 2 to 20, got 1`},
		{"create_rule", `{` + base + `,"alert_delay":{"active":0}}`,
			`invalid argument "alert_delay.active": must be at least 1, got 0`},
		{"create_rule", `{` + base + `,"artifacts":{"investigation_guide":{}}}`,
			`invalid argument "artifacts.investigation_guide.blob": is required (markdown)`},
		// snooze_rule: a start, a duration and a well-formed recurrence.
		{"snooze_rule", `{"id":"r1","schedule":{}}`,
			`invalid argument "schedule.custom": is required`},
		{"snooze_rule", `{"id":"r1","schedule":{"custom":{"start":"2025-03-12T12:00:00Z"}}}`,
			`invalid argument "schedule.custom.duration": is required`},
		{"snooze_rule", `{"id":"r1","schedule":{"custom":{"start":"2025-03-12T12:00:00Z","duration":"2 hours"}}}`,
			`invalid argument "schedule.custom.duration": must match the pattern ^[1-9][0-9]*[dhms]$`},
		{"snooze_rule", `{"id":"r1","schedule":{"custom":{"start":"tomorrow","duration":"1h"}}}`,
			`invalid argument "schedule.custom.start": must be an ISO 8601 time with offset, e.g. 2025-03-12T12:00:00Z`},
		{"snooze_rule", `{"id":"r1","schedule":{"custom":{` + window + `,"recurring":{"every":"1h"}}}}`,
			`invalid argument "schedule.custom.recurring.every": must be a number and a unit d, w, M (month) or y, e.g. 2w`},
		{"snooze_rule", `{"id":"r1","schedule":{"custom":{` + window + `,"recurring":{"every":"1d","end":"2025-06-30T00:00:00Z","occurrences":3}}}}`,
			`invalid argument "schedule.custom.recurring": give end or occurrences, not both`},
		{"snooze_rule", `{"id":"r1","schedule":{"custom":{` + window + `,"recurring":{"every":"1w","onWeekDay":["monday"]}}}}`,
			`invalid argument "schedule.custom.recurring.onWeekDay[0]": must be MO, TU, WE, TH, FR, SA or SU, optionally after +1..+5 or -1..-5 (nth of the month)`},
		{"snooze_rule", `{"id":"r1","schedule":{"custom":{` + window + `,"recurring":{"onMonth":[13]}}}}`,
			`invalid argument "schedule.custom.recurring.onMonth[0]": must be 1 to 12, got 13`},
		{"snooze_rule", `{"id":"r1","schedule":{"custom":{` + window + `,"recurring":{"every":"1d","until":"2025-06-30T00:00:00Z"}}}}`,
			`invalid argument "until": unknown argument; see the tool's input schema for the accepted names`},
		// find_rules: enums and paging limits.
		{"find_rules", `{"sort_order":"ascending"}`,
			`invalid argument "sort_order": must be one of "asc", "desc", got "ascending"`},
		{"find_rules", `{"per_page":1000}`,
			`invalid argument "per_page": must be at most 100, got 1000`},
	} {
		_, err := mustLookup(t, tc.tool).Bind(args(t, tc.args))
		if err == nil {
			t.Errorf("%s %s: no error, want %s", tc.tool, tc.args, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s %s:\n got  %v\n want %s", tc.tool, tc.args, err, tc.want)
		}
	}
}

// TestAlertingAnnotations pins what clients are told: silencing and
// replacing tools are destructive (confirmed), enabling and unmuting not.
func TestAlertingAnnotations(t *testing.T) {
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, admin
		"find_rules":          {true, false, true, false},
		"get_rule":            {true, false, true, false},
		"create_rule":         {false, false, false, true},
		"update_rule":         {false, true, true, true},
		"delete_rule":         {false, true, true, true},
		"enable_rule":         {false, false, true, false},
		"disable_rule":        {false, true, true, false},
		"mute_rule":           {false, true, true, false},
		"unmute_rule":         {false, false, true, false},
		"mute_alert":          {false, true, true, false},
		"unmute_alert":        {false, false, true, false},
		"update_rule_api_key": {false, true, false, true},
		"snooze_rule":         {false, true, false, false},
		"unsnooze_rule":       {false, true, true, false},
		"get_rule_types":      {true, false, true, true},
		"get_alerting_health": {true, false, true, true},
	} {
		op := mustLookup(t, name)
		a := op.Annotations()
		got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, op.Admin}
		if got != want || op.Toolset != "alerting" || *a.OpenWorldHint {
			t.Errorf("%s: (readOnly, destructive, idempotent, admin) = %v, want %v (toolset %s)", name, got, want, op.Toolset)
		}
	}
}

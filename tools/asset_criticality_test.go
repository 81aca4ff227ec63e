package tools

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestEntityAnalyticsCrossFieldRules pins the rules of asset criticality,
// the risk engine and privileged user monitoring that the schema cannot
// express, with the exact message the model reads.
func TestEntityAnalyticsCrossFieldRules(t *testing.T) {
	cases := []struct{ tool, args, want string }{
		{"get_asset_criticality", `{"id_field":"host.name","id_value":"  "}`, `invalid argument "id_value": must not be blank`},
		{"set_asset_criticality", `{"id_field":"user.name","id_value":"\t","criticality_level":"low_impact"}`, `invalid argument "id_value": must not be blank`},
		{"bulk_set_asset_criticality", `{"records":[{"id_field":"host.name","id_value":"fs-02","criticality_level":"low_impact"},{"id_field":"host.name","id_value":" ","criticality_level":"low_impact"}]}`, `invalid argument "records[1].id_value": must not be blank`},
		{"bulk_set_asset_criticality", `{"records":[{"id_field":"host.name","id_value":"fs-02","criticality_level":"low_impact"},{"id_field":"user.name","id_value":"fs-02","criticality_level":"low_impact"},{"id_field":"host.name","id_value":"fs-02","criticality_level":"unassigned"}]}`, `invalid argument "records[2]": names host.name "fs-02" again (records[0]); give each entity once`},
		{"configure_risk_score_engine", `{}`, `invalid argument "range": nothing to change: give enable_reset_to_zero, exclude_alert_statuses, exclude_alert_tags, filters or range`},
		{"configure_risk_score_engine", `{"filters":[{"entity_types":["host"],"filter":"  "}]}`, `invalid argument "filters[0].filter": must not be blank`},
		{"configure_risk_score_engine", `{"range":{}}`, `invalid argument "range": give start, end or both`},
		{"create_privileged_user", `{"user":{"name":" "}}`, `invalid argument "user.name": must not be blank`},
		{"update_privileged_user", `{"id":"x"}`, `invalid argument "user": nothing to change: give user.name, user.is_privileged, labels or entity_analytics_monitoring`},
		{"update_privileged_user", `{"id":"x","user":{}}`, `invalid argument "user": nothing to change: give user.name, user.is_privileged, labels or entity_analytics_monitoring`},
		{"update_privileged_user", `{"id":"x","user":{"name":"  "}}`, `invalid argument "user.name": must not be blank`},
		{"import_privileged_users", `{"file":"user.name\nsvc-backup\n"}`, `invalid argument "file": line 1 looks like a header ("user.name"); leave it out, Kibana would import it as a user`},
		{"import_privileged_users", `{"file":"svc-backup\n\na,b,c\n"}`, `invalid argument "file": line 3 has 3 columns; give the user name and at most a label`},
		{"import_privileged_users", `{"file":"svc-backup\n ,label\n"}`, `invalid argument "file": line 2 has no user name`},
		{"import_privileged_users", `{"file":"\n  \n"}`, `invalid argument "file": has no user names`},
	}
	for _, c := range cases {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
	// A later line named like a header is a user.
	if _, err := mustLookup(t, "import_privileged_users").Bind(args(t, `{"file":"svc-backup\nname\n"}`)); err != nil {
		t.Errorf("a user called name: %v", err)
	}
}

// TestEntityAnalyticsRequests checks what goes to Kibana where the input
// shape is not the body's: the CSV file part and optional booleans.
func TestEntityAnalyticsRequests(t *testing.T) {
	req, err := mustLookup(t, "import_privileged_users").Bind(args(t, `{"file":"svc-backup\n"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(req.Body); !strings.Contains(got, `name="file"; filename="file.csv"`) || !strings.Contains(got, "svc-backup\n") {
		t.Errorf("csv part: %s", got)
	}
	req, err = mustLookup(t, "configure_risk_score_engine").Bind(args(t, `{"enable_reset_to_zero":false}`))
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if json.Unmarshal(req.Body, &body) != nil || body["enable_reset_to_zero"] != false || len(body) != 1 {
		t.Errorf("configure body: %s", req.Body)
	}
	req, err = mustLookup(t, "delete_privmon_engine").Bind(args(t, `{"data":true}`))
	if err != nil || req.Query.Get("data") != "true" {
		t.Errorf("delete engine query: %v %v", req, err)
	}
}

package tools

import (
	"cmp"
	"context"
	"encoding/json"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// Find tools answer with summary rows unless asked for full documents: a
// model scanning a list to choose what to open needs a dozen fields, not the
// hundred of each document (connector, custom fields, audit users), and the
// difference is most of its context. The counters and paging members of
// Kibana's answer are kept as they are.

// caseRow is a case as find_cases lists it.
type caseRow struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Status    string   `json:"status"`
	Severity  string   `json:"severity"`
	Owner     string   `json:"owner"`
	Tags      []string `json:"tags"`
	Assignees []string `json:"assignees"`
	// Names of the assignees Kibana's answer itself names (as the author
	// or last editor of a case on the page), by uid.
	AssigneeNames map[string]string `json:"assigneeNames,omitempty"`
	Updated       string            `json:"updated"`
	Comments      int               `json:"comments"`
	Alerts        int               `json:"alerts"`
}

// Run sends the search and, unless full documents were asked for, turns
// the cases into rows.
func (in *FindCasesInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	res, err := operation.SendOne(ctx, k, req)
	if err != nil || in.Full {
		return res, err
	}
	names := nameAssignees(ctx, k, req.Space, caseUserNames(res.Resp.Body), assigneeUIDs(res.Resp.Body))
	res.Resp, err = compactList(res.Resp, "cases", func(raw json.RawMessage) (any, error) {
		var c struct {
			ID, Title, Status, Severity, Owner string
			Tags                               []string
			Assignees                          []struct{ UID string }
			CreatedAt                          string  `json:"created_at"`
			UpdatedAt                          *string `json:"updated_at"`
			TotalComment                       int
			TotalAlerts                        int
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, err
		}
		row := caseRow{ID: c.ID, Title: c.Title, Status: c.Status, Severity: c.Severity, Owner: c.Owner,
			Tags: c.Tags, Assignees: []string{}, Updated: c.CreatedAt, Comments: c.TotalComment, Alerts: c.TotalAlerts}
		if c.UpdatedAt != nil {
			row.Updated = *c.UpdatedAt
		}
		for _, a := range c.Assignees {
			row.Assignees = append(row.Assignees, a.UID)
			if name := names[a.UID]; name != "" {
				if row.AssigneeNames == nil {
					row.AssigneeNames = map[string]string{}
				}
				row.AssigneeNames[a.UID] = name
			}
		}
		return row, nil
	})
	return res, err
}

// caseUserNames maps profile uids to names from the users a cases answer
// already carries (who created, last changed or closed each case).
func caseUserNames(body []byte) map[string]string {
	var page struct {
		Cases []struct {
			CreatedBy *caseUser `json:"created_by"`
			UpdatedBy *caseUser `json:"updated_by"`
			ClosedBy  *caseUser `json:"closed_by"`
		} `json:"cases"`
	}
	names := map[string]string{}
	if json.Unmarshal(body, &page) == nil {
		for _, c := range page.Cases {
			learn(names, c.CreatedBy, c.UpdatedBy, c.ClosedBy)
		}
	}
	return names
}

// assigneeUIDs are the uids assigned to the cases of a find answer.
func assigneeUIDs(body []byte) []string {
	var page struct {
		Cases []struct {
			Assignees []struct {
				UID string `json:"uid"`
			} `json:"assignees"`
		} `json:"cases"`
	}
	var uids []string
	if json.Unmarshal(body, &page) == nil {
		for _, c := range page.Cases {
			for _, a := range c.Assignees {
				uids = append(uids, a.UID)
			}
		}
	}
	return uids
}

// ruleRow is an alerting rule as find_rules lists it.
type ruleRow struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	RuleTypeID  string   `json:"rule_type_id"`
	Enabled     bool     `json:"enabled"`
	Muted       bool     `json:"mute_all"`
	Tags        []string `json:"tags"`
	Interval    string   `json:"interval,omitempty"`
	LastOutcome string   `json:"last_outcome,omitempty"`
	NextRun     string   `json:"next_run,omitempty"`
}

// Run sends the search and, unless full documents or chosen fields were
// asked for, turns the rules into rows.
func (in *FindRulesInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	res, err := operation.SendOne(ctx, k, req)
	if err != nil || in.Full || len(in.Fields) > 0 {
		return res, err
	}
	res.Resp, err = compactList(res.Resp, "data", func(raw json.RawMessage) (any, error) {
		var r struct {
			ID, Name string
			RuleType string `json:"rule_type_id"`
			Enabled  bool
			MuteAll  bool `json:"mute_all"`
			Tags     []string
			Schedule struct{ Interval string }
			LastRun  *struct{ Outcome string } `json:"last_run"`
			Status   *struct{ Status string }  `json:"execution_status"`
			NextRun  *string                   `json:"next_run"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, err
		}
		row := ruleRow{ID: r.ID, Name: r.Name, RuleTypeID: r.RuleType, Enabled: r.Enabled, Muted: r.MuteAll, Tags: r.Tags, Interval: r.Schedule.Interval}
		if r.LastRun != nil {
			row.LastOutcome = r.LastRun.Outcome
		}
		if r.Status != nil {
			row.LastOutcome = cmp.Or(row.LastOutcome, r.Status.Status)
		}
		if r.NextRun != nil {
			row.NextRun = *r.NextRun
		}
		return row, nil
	})
	return res, err
}

// compactList replaces the array under key in a JSON object answer with the
// rows row makes of its items; every other member is kept.
func compactList(resp *kibana.Response, key string, row func(json.RawMessage) (any, error)) (*kibana.Response, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		// Not the answer this tool knows: pass it on untouched.
		return resp, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(doc[key], &items); err != nil {
		return resp, nil
	}
	rows := make([]any, len(items))
	for i, item := range items {
		r, err := row(item)
		if err != nil {
			// An item of a shape this tool does not know: the full answer
			// is still right, only longer.
			return resp, nil
		}
		rows[i] = r
	}
	var err error
	if doc[key], err = json.Marshal(rows); err != nil {
		return nil, err
	}
	out, err := jsonResponse(doc)
	if out != nil {
		out.StatusCode = resp.StatusCode
	}
	return out, err
}

// alertSummaryFields are the alert fields search_detection_alerts returns
// unless full documents or other fields are asked for: enough to tell alerts
// apart, judge them and follow them to their rule, host and user.
var alertSummaryFields = []string{
	"@timestamp", "kibana.alert.rule.name", "kibana.alert.rule.uuid", "kibana.alert.severity",
	"kibana.alert.risk_score", "kibana.alert.workflow_status", "kibana.alert.reason", "host.name", "user.name",
}

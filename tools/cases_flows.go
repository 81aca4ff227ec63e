package tools

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Conveniences on the Cases API that save the model round trips: changing
// one case without looking up its version first, attaching alerts without
// looking up their rule, reading a case with its evidence in one call.
var caseConveniences = []*operation.Operation{
	{
		Name:         "update_case",
		Title:        "Update case",
		Description:  "Change one case: only the fields given change; lists replace the stored ones ([] empties).",
		Toolset:      "cases",
		Method:       http.MethodPatch,
		Path:         "/api/cases",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		ConflictHint: "The object changed since that version was read: call again without version and the tool reads the current one.",
		Input:        UpdateCaseInput{},
		Examples: []string{
			`{"caseId":"` + sandboxCaseID + `","status":"in-progress"}`,
			`{"caseId":"` + sandboxCaseID + `","version":"WzMwLDFd","status":"closed","severity":"critical","title":"Confirmed brute force on vpn-gw-01","description":"svc-backup password reset; source IPs blocked.","tags":["brute-force","vpn"],"category":"credential-access","assignees":[{"uid":"u_WHGh6fGxRBg2pRAEEoqaEHFo5RriW-f7Qz7saTFQXE0_0"}],"settings":{"syncAlerts":false},"customFields":[{"key":"ticket_ref","type":"text","value":"INC-1234"},{"key":"escalated","type":"toggle","value":true}],"space_id":"default"}`,
		},
	},
	{
		Name:        "attach_alerts_to_case",
		Title:       "Attach alerts to case",
		Description: "Attach detection alerts to a case; their index and rule are looked up if not given.",
		Toolset:     "cases",
		Method:      http.MethodPost,
		Path:        "/api/cases/{caseId}/comments",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       AttachAlertsInput{},
		Examples: []string{
			`{"caseId":"` + sandboxCaseID + `","alertIds":["` + sandboxAlertID + `"]}`,
			`{"caseId":"` + sandboxCaseID + `","alertIds":["` + sandboxAlertID + `"],"index":".internal.alerts-security.alerts-default-000001","rule":{"id":"d913e1b9-3555-423b-81da-0ec265667598","name":"Multiple failed logins followed by success"},"owner":"securitySolution","space_id":"default"}`,
		},
	},
}

// Examples of the conveniences name objects of the seeded sandbox (seed 1):
// the contract test runs their whole flow against it, and a flow that finds
// nothing would stop before the requests worth checking.
const (
	sandboxCaseID  = "80d546d5-2608-4106-8553-4113640f3b09"
	sandboxAlertID = "fd2c98ff4360d6d759cfb3bad5482c979750e9cec750da4d71336aae698c35cd"
)

// UpdateCaseInput changes one case. Only the fields given change.
type UpdateCaseInput struct {
	CaseID       string               `json:"caseId" jsonschema:"required,minLength=1,maxLength=30000"`
	Version      string               `json:"version,omitempty" jsonschema_description:"Leave out: the tool reads it."`
	Status       string               `json:"status,omitempty" jsonschema:"enum=open,enum=in-progress,enum=closed"`
	Severity     string               `json:"severity,omitempty" jsonschema:"enum=low,enum=medium,enum=high,enum=critical"`
	Title        string               `json:"title,omitempty" jsonschema:"maxLength=160"`
	Description  string               `json:"description,omitempty" jsonschema:"maxLength=30000"`
	Tags         *[]string            `json:"tags,omitempty" jsonschema:"maxItems=200,maxLength=256"`
	Category     string               `json:"category,omitempty" jsonschema:"maxLength=50"`
	Assignees    *[]CaseAssigneeBrief `json:"assignees,omitempty" jsonschema:"maxItems=10" jsonschema_description:"[{\"uid\":…}], uids as find_cases shows them; [] unassigns."`
	Settings     *CaseSettings        `json:"settings,omitempty" jsonschema_description:"As in create_case."`
	CustomFields *[]CaseCustomField   `json:"customFields,omitempty" jsonschema:"maxItems=10" jsonschema_description:"As in create_case."`
	Full         bool                 `json:"full,omitempty" in:"tool" jsonschema_description:"Answer with the whole case."`
}

// change is the input as one entry of Kibana's bulk update.
func (in *UpdateCaseInput) change(version string) CaseUpdate {
	return CaseUpdate{
		ID: in.CaseID, Version: version, Status: in.Status, Severity: in.Severity, Title: in.Title,
		Description: in.Description, Tags: in.Tags, Category: in.Category, Assignees: in.Assignees,
		Settings: in.Settings, CustomFields: in.CustomFields,
	}
}

// Prepare checks there is something to change and that it is well formed.
func (in *UpdateCaseInput) Prepare() error {
	c := in.change(in.Version)
	if c.empty() {
		return &schema.ArgumentError{Rule: "nothing to change: give at least one field to change: status, severity, title, description, tags, category, assignees, settings, customFields"}
	}
	return c.check("")
}

func (in *UpdateCaseInput) Request() (*kibana.Request, error) {
	body, err := in.body(in.Version)
	if err != nil {
		return nil, err
	}
	return &kibana.Request{Method: http.MethodPatch, Path: "/api/cases", Body: body, APIVersion: operation.V20231031, Mutates: true}, nil
}

func (in *UpdateCaseInput) body(version string) ([]byte, error) {
	return json.Marshal(UpdateCasesInput{Cases: []CaseUpdate{in.change(version)}})
}

// Run sends the update, reading the case's version first when none was
// given. A conflict then means someone changed the case between the read
// and the write: the change is made once more on the newer version. An
// explicit version is the model's own claim about what it saw, so a
// conflict on it is reported, not retried.
func (in *UpdateCaseInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	res, err := in.update(ctx, k, req)
	if err == nil && !in.Full {
		res.Resp, err = caseAck(res.Resp, false)
	}
	return res, err
}

func (in *UpdateCaseInput) update(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	if in.Version != "" {
		res, err := operation.SendOne(ctx, k, req)
		if err == nil {
			res.Resp.Body = onlyElement(res.Resp.Body)
		}
		return res, err
	}
	return withCurrentVersion(ctx, "case", func() (string, error) {
		var current struct{ Version string }
		err := callJSON(ctx, k, req.Space, "get_case", map[string]any{"caseId": in.CaseID}, &current)
		return current.Version, err
	}, func(version string) (*kibana.Response, error) {
		send := *req
		var err error
		if send.Body, err = in.body(version); err != nil {
			return nil, err
		}
		resp, err := k.Do(ctx, &send)
		if err == nil {
			resp.Body = onlyElement(resp.Body)
		}
		return resp, err
	})
}

// withCurrentVersion reads an object's version and writes with it, once
// more after a 409, and says so in notes.
func withCurrentVersion(ctx context.Context, what string, read func() (string, error), write func(version string) (*kibana.Response, error)) (*operation.Result, error) {
	var notes []string
	for attempt := 1; ; attempt++ {
		version, err := read()
		if err != nil {
			return nil, err
		}
		resp, err := write(version)
		if err == nil {
			notes = append(notes, fmt.Sprintf("No version was given: the tool read the %s's current version (%s) and changed that.", what, version))
			return &operation.Result{Resp: resp, Notes: notes}, nil
		}
		if attempt == 2 || !isConflict(err) {
			return nil, err
		}
		notes = append(notes, fmt.Sprintf("Kibana answered 409 Conflict: the %s changed between reading its version and writing. The tool read it again and retried once.", what))
	}
}

// onlyElement unwraps a one-element JSON array (Kibana's answer to a bulk
// update of one case) so the model gets the case itself.
func onlyElement(body []byte) []byte {
	var list []json.RawMessage
	if json.Unmarshal(body, &list) == nil && len(list) == 1 {
		return list[0]
	}
	return body
}

// Run updates a comment, reading its version first when none was given.
func (in *UpdateCaseCommentInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	if in.Version != "" {
		return operation.SendOne(ctx, k, req)
	}
	return withCurrentVersion(ctx, "comment", func() (string, error) {
		var current struct{ Version string }
		err := callJSON(ctx, k, req.Space, "get_case_comment", map[string]any{"caseId": in.CaseID, "commentId": in.ID}, &current)
		return current.Version, err
	}, func(version string) (*kibana.Response, error) {
		send := *req
		var err error
		if send.Body, err = withMember(req.Body, "version", version); err != nil {
			return nil, err
		}
		return k.Do(ctx, &send)
	})
}

// withMember sets one member of a JSON object body.
func withMember(body []byte, name string, value any) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	obj[name] = raw
	return json.Marshal(obj)
}

// AttachAlertsInput attaches detection alerts to a case.
type AttachAlertsInput struct {
	CaseID   string            `json:"caseId" in:"path" jsonschema:"required"`
	AlertIDs []string          `json:"alertIds" in:"tool" jsonschema:"required,minItems=1,maxItems=1000,uniqueItems=true" jsonschema_description:"Alert _ids."`
	Index    string            `json:"index,omitempty" in:"tool" jsonschema_description:"Their _index."`
	Rule     *CaseAlertRuleRef `json:"rule,omitempty" in:"tool" jsonschema_description:"{id,name} of their rule."`
	Owner    string            `json:"owner,omitempty" in:"tool" jsonschema:"enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"The case's owner; default securitySolution."`
	Full     bool              `json:"full,omitempty" in:"tool" jsonschema_description:"Answer with the whole case."`
}

// Prepare checks a given rule and fills the owner detection alerts belong to.
func (in *AttachAlertsInput) Prepare() error {
	if in.Rule != nil {
		if err := in.Rule.check("rule"); err != nil {
			return err
		}
	}
	for i, id := range in.AlertIDs {
		if strings.TrimSpace(id) == "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("alertIds[%d]", i), Rule: "is empty"}
		}
	}
	if in.Owner == "" {
		in.Owner = "securitySolution"
	}
	return nil
}

// alertGroup is the alerts of one rule: Kibana attaches alerts with the one
// rule they came from, so alerts of several rules take one attachment each.
type alertGroup struct {
	rule  CaseAlertRule
	ids   []string
	index []string
}

// Run looks up what was not given, then attaches. Every alert is found
// before anything is written, so a wrong id changes nothing.
func (in *AttachAlertsInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	groups, notes, err := in.groups(ctx, k, req.Space)
	if err != nil {
		return nil, err
	}
	var resp *kibana.Response
	for i, g := range groups {
		send := *req
		send.Body, err = json.Marshal(map[string]any{"type": "alert", "owner": in.Owner, "alertId": g.ids, "index": g.index, "rule": g.rule})
		if err != nil {
			return nil, err
		}
		if resp, err = k.Do(ctx, &send); err != nil {
			if i > 0 {
				return nil, fmt.Errorf("%w (the alerts of %d rule(s) before it were attached; the rest were not)", err, i)
			}
			return nil, err
		}
	}
	if !in.Full {
		if resp, err = caseAck(resp, false); err != nil {
			return nil, err
		}
	}
	return &operation.Result{Resp: resp, Notes: notes}, nil
}

// groups sorts the alerts by rule, looking up their rule and index in the
// detection alerts when the model did not give both.
func (in *AttachAlertsInput) groups(ctx context.Context, k *kibana.Client, space string) ([]alertGroup, []string, error) {
	if in.Rule != nil && in.Index != "" {
		index := make([]string, len(in.AlertIDs))
		for i := range index {
			index[i] = in.Index
		}
		return []alertGroup{{rule: CaseAlertRule(*in.Rule), ids: in.AlertIDs, index: index}}, nil, nil
	}
	var found struct {
		Hits struct {
			Hits []struct {
				ID     string         `json:"_id"`
				Index  string         `json:"_index"`
				Source map[string]any `json:"_source"`
			}
		}
	}
	err := callJSON(ctx, k, space, "search_detection_alerts", map[string]any{
		"query":   map[string]any{"ids": map[string]any{"values": toAny(in.AlertIDs)}},
		"size":    number(len(in.AlertIDs)),
		"_source": []any{"kibana.alert.rule.uuid", "kibana.alert.rule.name"},
	}, &found)
	if err != nil {
		return nil, nil, fmt.Errorf("looking up the alerts' rule and index: %w", err)
	}
	byID := map[string]int{}
	for i, h := range found.Hits.Hits {
		byID[h.ID] = i
	}
	var missing []string
	for _, id := range in.AlertIDs {
		if _, ok := byID[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, nil, &schema.ArgumentError{Field: "alertIds", Rule: fmt.Sprintf("%d of %d are not detection alerts in this space: %s; nothing was attached", len(missing), len(in.AlertIDs), strings.Join(missing, ", "))}
	}
	var groups []alertGroup
	for _, id := range in.AlertIDs {
		h := found.Hits.Hits[byID[id]]
		rule := CaseAlertRule{ID: sourceField(h.Source, "kibana.alert.rule.uuid"), Name: sourceField(h.Source, "kibana.alert.rule.name")}
		if in.Rule != nil {
			rule = CaseAlertRule(*in.Rule)
		}
		index := cmp.Or(in.Index, h.Index)
		at := slices.IndexFunc(groups, func(g alertGroup) bool { return g.rule == rule })
		if at < 0 {
			groups = append(groups, alertGroup{rule: rule})
			at = len(groups) - 1
		}
		groups[at].ids = append(groups[at].ids, id)
		groups[at].index = append(groups[at].index, index)
	}
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = fmt.Sprintf("%q (%s): %d", g.rule.Name, g.rule.ID, len(g.ids))
	}
	note := fmt.Sprintf("Looked up the alerts' index and rule; attached per rule: %s.", strings.Join(names, "; "))
	return groups, []string{note}, nil
}

// sourceField reads a string field of an alert document, whether the
// document keeps it under its dotted name (as alert indices do) or nested.
func sourceField(doc map[string]any, name string) string {
	v, _ := sourceValue(doc, name).(string)
	return v
}

// sourceValue reads any field of an alert document, dotted or nested.
func sourceValue(doc map[string]any, name string) any {
	if v, ok := doc[name]; ok {
		return v
	}
	for i := strings.IndexByte(name, '.'); i > 0; i = nextDot(name, i) {
		if sub, ok := doc[name[:i]].(map[string]any); ok {
			if v := sourceValue(sub, name[i+1:]); v != nil {
				return v
			}
		}
	}
	return nil
}

func nextDot(s string, after int) int {
	j := strings.IndexByte(s[after+1:], '.')
	if j < 0 {
		return -1
	}
	return after + 1 + j
}

func toAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// Parts get_case can include, and their default page size.
const (
	partComments = "comments"
	partAlerts   = "alerts"
	partActivity = "activity"

	casePartsPerPage = 10
)

// Prepare refuses paging arguments that would page nothing.
func (in *GetCaseInput) Prepare() error {
	if len(in.Include) == 0 {
		for _, f := range []struct {
			name  string
			given bool
		}{{"page", in.Page != 0}, {"perPage", in.PerPage != 0}} {
			if f.given {
				return &schema.ArgumentError{Field: f.name, Rule: "pages the included parts; give include too"}
			}
		}
	}
	in.Page = cmp.Or(in.Page, 1)
	in.PerPage = cmp.Or(in.PerPage, casePartsPerPage)
	return nil
}

// Run reads the case and, when asked, one page of each included part,
// newest first. The parts come under "included"; a case's own embedded
// comment list (older Kibana answers carry every comment) is dropped for
// the paged one.
func (in *GetCaseInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	res, err := operation.SendOne(ctx, k, req)
	if err != nil {
		return res, err
	}
	var doc map[string]json.RawMessage
	if len(in.Include) == 0 {
		// Kibana's answer as it is, unless there are assignees to name.
		if json.Unmarshal(res.Resp.Body, &doc) == nil && withAssigneeNames(ctx, k, req.Space, doc) {
			named, err := jsonResponse(doc)
			if err != nil {
				return nil, err
			}
			named.StatusCode = res.Resp.StatusCode
			res.Resp = named
		}
		return res, nil
	}
	if err := json.Unmarshal(res.Resp.Body, &doc); err != nil {
		return nil, fmt.Errorf("Kibana's case is not a JSON object: %w", err)
	}
	withAssigneeNames(ctx, k, req.Space, doc)
	included := map[string]json.RawMessage{}
	paging := map[string]any{"caseId": in.CaseID, "page": number(in.Page), "perPage": number(in.PerPage), "sortOrder": "desc"}
	for _, part := range in.Include {
		var raw json.RawMessage
		switch part {
		case partComments:
			delete(doc, "comments")
			raw, err = rawAnswer(callOp(ctx, k, req.Space, "find_case_comments", maps.Clone(paging)))
			if err == nil && slices.Contains(in.Include, partAlerts) {
				raw = countAlertComments(raw, "comments")
			}
		case partActivity:
			raw, err = rawAnswer(callOp(ctx, k, req.Space, "find_case_user_actions", maps.Clone(paging)))
			if err == nil && slices.Contains(in.Include, partAlerts) {
				raw = countAlertComments(raw, "userActions")
			}
		case partAlerts:
			raw, err = in.alertsPage(ctx, k, req.Space)
		}
		if err != nil {
			return nil, fmt.Errorf("reading the case's %s: %w", part, err)
		}
		included[part] = raw
	}
	if doc["included"], err = json.Marshal(included); err != nil {
		return nil, err
	}
	res.Resp, err = jsonResponse(doc)
	return res, err
}

// alertsPage pages the case's alert list, which Kibana returns whole, as
// one summary row per alert read from the detection alerts: what the model
// would otherwise fetch with a second call. An alert the search does not
// find (deleted, or in an index this key cannot read) keeps its bare row.
func (in *GetCaseInput) alertsPage(ctx context.Context, k *kibana.Client, space string) (json.RawMessage, error) {
	var alerts []caseAlertRef
	raw, err := rawAnswer(callOp(ctx, k, space, "get_case_alerts", map[string]any{"caseId": in.CaseID}))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &alerts); err != nil {
		// Not the list this Kibana version is known to send: pass it on
		// unpaged rather than hide it.
		return raw, nil
	}
	slices.SortStableFunc(alerts, func(a, b caseAlertRef) int { return strings.Compare(b.AttachedAt, a.AttachedAt) })
	from := min((in.Page-1)*in.PerPage, len(alerts))
	to := min(from+in.PerPage, len(alerts))
	page := alerts[from:to]
	ids := make([]any, len(page))
	for i, a := range page {
		ids[i] = a.ID
	}
	found := map[string]map[string]any{}
	var search struct {
		Hits struct {
			Hits []struct {
				ID     string         `json:"_id"`
				Source map[string]any `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	var note string
	if len(ids) > 0 {
		query := map[string]any{"query": map[string]any{"ids": map[string]any{"values": ids}}, "size": number(len(ids)), "_source": toAny(alertSummaryFields)}
		if err := callJSON(ctx, k, space, "search_detection_alerts", query, &search); err != nil {
			note = "alert details could not be read: " + err.Error()
		}
		for _, h := range search.Hits.Hits {
			found[h.ID] = h.Source
		}
	}
	rows := make([]map[string]any, len(page))
	for i, a := range page {
		row := map[string]any{"id": a.ID, "index": a.Index, "attachedAt": a.AttachedAt}
		if src, ok := found[a.ID]; ok {
			for _, f := range alertRowFields {
				if v := sourceValue(src, f.field); v != nil {
					row[f.name] = v
				}
			}
		}
		rows[i] = row
	}
	out := map[string]any{"page": in.Page, "perPage": in.PerPage, "total": len(alerts), "alerts": rows}
	if note != "" {
		out["note"] = note
	}
	return json.Marshal(out)
}

// caseAlertRef is one alert as a case lists it.
type caseAlertRef struct {
	ID         string `json:"id"`
	Index      string `json:"index"`
	AttachedAt string `json:"attached_at"`
}

// alertRowFields name the alert fields of a case's alert rows.
var alertRowFields = []struct{ name, field string }{
	{"time", "@timestamp"}, {"ruleName", "kibana.alert.rule.name"}, {"ruleId", "kibana.alert.rule.uuid"},
	{"severity", "kibana.alert.severity"}, {"riskScore", "kibana.alert.risk_score"}, {"host", "host.name"},
	{"user", "user.name"}, {"reason", "kibana.alert.reason"}, {"workflowStatus", "kibana.alert.workflow_status"},
}

// countAlertComments replaces the id and index lists of alert comments
// (list "comments") or of the activity that added them (list
// "userActions", under payload.comment) by their count: the alert rows
// beside them already name every alert.
func countAlertComments(raw json.RawMessage, list string) json.RawMessage {
	var page map[string]json.RawMessage
	var items []map[string]any
	if json.Unmarshal(raw, &page) != nil || json.Unmarshal(page[list], &items) != nil {
		return raw
	}
	for _, item := range items {
		c := item
		if payload, ok := item["payload"].(map[string]any); ok {
			c, _ = payload["comment"].(map[string]any)
		}
		if c == nil || c["type"] != "alert" {
			continue
		}
		n := 1
		if ids, ok := c["alertId"].([]any); ok {
			n = len(ids)
		}
		delete(c, "alertId")
		delete(c, "index")
		c["alertCount"] = n
	}
	b, err := json.Marshal(items)
	if err != nil {
		return raw
	}
	page[list] = b
	if out, err := json.Marshal(page); err == nil {
		return out
	}
	return raw
}

func rawAnswer(resp *kibana.Response, err error) (json.RawMessage, error) {
	if err != nil {
		return nil, err
	}
	body := bytes.TrimSpace(resp.Body)
	if !json.Valid(body) {
		return nil, fmt.Errorf("Kibana's answer is not JSON")
	}
	return body, nil
}

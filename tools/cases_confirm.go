package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// What the user is asked before a case changes or goes: the case by its
// title, which is what an analyst knows it by, and the values it gets.

// Describe says what update_case will set, on which case.
func (in *UpdateCaseInput) Describe(ctx context.Context, k *kibana.Client, req *kibana.Request) string {
	var body struct {
		Cases []map[string]any `json:"cases"`
	}
	if json.Unmarshal(req.Body, &body) != nil || len(body.Cases) != 1 {
		return ""
	}
	change := operation.Assignments(body.Cases[0])
	if len(change) == 0 {
		return ""
	}
	return fmt.Sprintf("set %s on case %s", operation.JoinAnd(change), caseTitle(ctx, k, req.Space, in.CaseID))
}

// Describe names the cases delete_cases would remove, by title.
func (in *DeleteCasesInput) Describe(ctx context.Context, k *kibana.Client, req *kibana.Request) string {
	names := make([]string, 0, min(len(in.IDs), maxNamedCases))
	for _, id := range in.IDs[:min(len(in.IDs), maxNamedCases)] {
		names = append(names, caseTitle(ctx, k, req.Space, id))
	}
	text := "permanently delete case"
	if len(in.IDs) > 1 {
		text += "s"
	}
	text += " " + operation.JoinAnd(names)
	if more := len(in.IDs) - len(names); more > 0 {
		text += fmt.Sprintf(" and %d more", more)
	}
	if len(in.IDs) == 1 {
		return text + " with its comments, alerts and history"
	}
	return text + " with their comments, alerts and history"
}

// maxNamedCases bounds the reads one question makes.
const maxNamedCases = 5

// caseTitle is a case's title, quoted, or its quoted ID when it cannot be
// read (gone, no privilege, Kibana slow): the question is asked either way.
func caseTitle(ctx context.Context, k *kibana.Client, space, id string) string {
	var c struct {
		Title string `json:"title"`
	}
	if err := callJSON(ctx, k, space, "get_case", map[string]any{"caseId": id}, &c); err != nil || c.Title == "" {
		return "with ID " + operation.Quoted(id)
	}
	return operation.Quoted(c.Title)
}

// Describe names the case and the external system push_case sends it to.
func (in *PushCaseInput) Describe(ctx context.Context, k *kibana.Client, req *kibana.Request) string {
	return fmt.Sprintf("push case %s to the external system of connector %s (creating or updating its ticket there)",
		caseTitle(ctx, k, req.Space, in.CaseID), connectorName(ctx, k, req.Space, in.ConnectorID))
}

// Preflight reads the comment: one that is not there is said so at once,
// and one that is gives the question its text.
func (in *DeleteCaseCommentInput) Preflight(ctx context.Context, k *kibana.Client, req *kibana.Request) error {
	var c caseComment
	err := callJSON(ctx, k, req.Space, "get_case_comment", map[string]any{"caseId": in.CaseID, "commentId": in.CommentID}, &c)
	if isNotFound(err) {
		return fmt.Errorf("case %s has no comment %s (Kibana answered 404); find_case_comments lists its comments", operation.Quoted(in.CaseID), operation.Quoted(in.CommentID))
	}
	if err == nil {
		in.found = &c
	}
	return nil
}

// caseComment is what a deletion question shows of a comment.
type caseComment struct {
	Type    string          `json:"type"`
	Comment string          `json:"comment"`
	AlertID json.RawMessage `json:"alertId"`
}

// Describe names the comment by its text (or its alerts) and its case by
// title.
func (in *DeleteCaseCommentInput) Describe(ctx context.Context, k *kibana.Client, req *kibana.Request) string {
	what := "comment " + operation.Quoted(in.CommentID)
	if c := in.found; c != nil {
		var ids []string
		switch {
		case c.Comment != "":
			what = "comment " + operation.Quoted(c.Comment)
		case c.Type == "alert" && json.Unmarshal(c.AlertID, &ids) == nil:
			what = fmt.Sprintf("the attachment of %d alert(s)", len(ids))
		case c.Type == "alert":
			what = "the attachment of 1 alert"
		}
	}
	return fmt.Sprintf("permanently delete %s from case %s", what, caseTitle(ctx, k, req.Space, in.CaseID))
}

// connectorName is a connector's name and type, quoted, or its quoted ID
// when it cannot be read.
func connectorName(ctx context.Context, k *kibana.Client, space, id string) string {
	var c struct {
		Name         string `json:"name"`
		ConnectorTyp string `json:"connector_type_id"`
	}
	if err := callJSON(ctx, k, space, "get_connector", map[string]any{"id": id}, &c); err != nil || c.Name == "" {
		return "with ID " + operation.Quoted(id)
	}
	return operation.Quoted(c.Name) + " (" + operation.Quoted(c.ConnectorTyp) + ")"
}

// Describe says how many alerts set_alert_status changes: for a query, the
// count of alerts it matches now (a match_all would change every alert of
// the space), read with a search of size 0.
func (in *SetAlertStatusInput) Describe(ctx context.Context, k *kibana.Client, req *kibana.Request) string {
	var target string
	if in.Query != nil {
		var query any
		if json.Unmarshal(in.Query, &query) != nil {
			return ""
		}
		var found struct {
			Hits struct {
				Total json.RawMessage `json:"total"`
			} `json:"hits"`
		}
		count := "the alerts"
		if err := callJSON(ctx, k, req.Space, "search_detection_alerts", map[string]any{"query": query, "size": number(0), "track_total_hits": true}, &found); err == nil {
			var total struct {
				Value int `json:"value"`
			}
			n := 0
			if json.Unmarshal(found.Hits.Total, &total) == nil {
				n = total.Value
			} else {
				json.Unmarshal(found.Hits.Total, &n)
			}
			count = fmt.Sprintf("%d alert(s)", n)
		}
		target = count + " matching the query " + operation.JSONText(query)
	} else {
		shown := make([]string, 0, min(len(in.SignalIDs), 3))
		for _, id := range in.SignalIDs[:min(len(in.SignalIDs), 3)] {
			shown = append(shown, operation.Quoted(id))
		}
		target = fmt.Sprintf("%d alert(s) (%s", len(in.SignalIDs), strings.Join(shown, ", "))
		if len(in.SignalIDs) > len(shown) {
			target += ", …"
		}
		target += ")"
	}
	text := fmt.Sprintf("set the workflow status of %s to %s", target, operation.Quoted(in.Status))
	if in.Reason != "" {
		text += " with reason " + operation.Quoted(in.Reason)
	}
	return text
}

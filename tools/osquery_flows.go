package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// A live query answers before any agent has: what the model needs next is
// which call fetches the rows, and, when reading them, whether an empty
// page means "not yet" and where the next page is.

// Run sends the live query and says which ids fetch each query's rows.
func (in *RunOsqueryInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	res, err := operation.SendOne(ctx, k, req)
	if err != nil {
		return nil, err
	}
	var answer struct {
		Data struct {
			ActionID string   `json:"action_id"`
			Agents   []string `json:"agents"`
			Queries  []struct {
				ActionID string `json:"action_id"`
				ID       string `json:"id"`
			} `json:"queries"`
		} `json:"data"`
	}
	if json.Unmarshal(res.Resp.Body, &answer) != nil || answer.Data.ActionID == "" || len(answer.Data.Queries) == 0 {
		return res, nil // not the answer this Kibana version is known to send: pass it on as is
	}
	d := answer.Data
	var b strings.Builder
	fmt.Fprintf(&b, "Sent to %d agent(s). Results arrive within seconds (offline agents answer when they reconnect, until the action expires in 5 minutes): call get_osquery_results with id %s and actionId ", len(d.Agents), d.ActionID)
	for i, q := range d.Queries {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s", q.ActionID)
		if len(d.Queries) > 1 {
			fmt.Fprintf(&b, " (query %s)", q.ID)
		}
	}
	if len(d.Queries) > 1 {
		b.WriteString(", one call per query")
	}
	fmt.Fprintf(&b, ". get_osquery_live_query with id %s shows which agents have answered.", d.ActionID)
	res.Notes = append(res.Notes, b.String())
	return res, nil
}

// Run reads a page of rows and says whether it is all, or why it is empty.
func (in *GetOsqueryResultsInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	res, err := operation.SendOne(ctx, k, req)
	if err != nil {
		return nil, err
	}
	var answer struct {
		Data struct {
			Total *int              `json:"total"`
			Edges []json.RawMessage `json:"edges"`
		} `json:"data"`
	}
	if json.Unmarshal(res.Resp.Body, &answer) != nil || answer.Data.Total == nil {
		return res, nil
	}
	total, shown := *answer.Data.Total, len(answer.Data.Edges)
	from := in.Page * in.PageSize
	switch {
	case total == 0:
		res.Notes = append(res.Notes, fmt.Sprintf("No rows yet. Agents answer within seconds of the run; get_osquery_live_query with id %s shows whether this query is still running (pending agents) or completed with no rows.", in.ID))
	case from+shown < total:
		res.Notes = append(res.Notes, fmt.Sprintf("Rows %d-%d of %d: call again with page %d for the next ones, or narrow them with kuery.", from+1, from+shown, total, in.Page+1))
	}
	return res, nil
}

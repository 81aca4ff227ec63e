package tools

import (
	"context"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// hostName names the host behind an endpoint (agent) ID for a confirmation
// question, read from Fleet's agents: "web-01" (agent "a1"). An ID whose
// agent cannot be read (a third-party EDR's ID, no Fleet privilege) gets "",
// and the question shows the ID as it is.
func hostName(ctx context.Context, k *kibana.Client, space, id string) string {
	var agent struct {
		Item struct {
			LocalMetadata struct {
				Host struct {
					Hostname string `json:"hostname"`
				} `json:"host"`
			} `json:"local_metadata"`
		} `json:"item"`
	}
	err := callJSON(ctx, k, space, "get_agent", map[string]any{"agentId": id}, &agent)
	if host := agent.Item.LocalMetadata.Host.Hostname; err == nil && host != "" {
		return operation.Quoted(host) + " (agent " + operation.Quoted(id) + ")"
	}
	return ""
}

package tools

import (
	"fmt"

	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// All returns every operation, grouped by toolset in a stable order. The
// registry is the single source of truth: the server, the `tools` listing,
// the README table, the schema snapshots and the contract test all read it.
func All() []*Operation {
	var all []*Operation
	for _, area := range [][]*Operation{
		casesOperations, caseConveniences, alertingOperations, connectorsOperations, detectionsOperations, endpointOperations,
		mlOperations, aiAssistantOperations, fleetOperations, fleetPackagesOperations, dataViewsOperations,
		apmOperations, securityOperations, spacesOperations, dashboardsOperations,
		detectionRulesOperations, exceptionListsOperations, valueListsOperations, savedObjectsOperations,
		timelinesOperations, osqueryOperations, assetCriticalityOperations, entityStoreOperations, attackDiscoveryOperations,
	} {
		all = append(all, area...)
	}
	return all
}

// Lookup finds an operation by tool name.
func Lookup(name string) (*Operation, bool) {
	for _, op := range All() {
		if op.Name == name {
			return op, true
		}
	}
	return nil, false
}

// Register adds the operations to s as tools served through client.
func Register(s *server.MCPServer, client *kibana.Client, ops []*Operation) error {
	served := make([]server.ServerTool, 0, len(ops))
	for _, op := range ops {
		tool, err := op.Tool()
		if err != nil {
			return fmt.Errorf("tool %s: %w", op.Name, err)
		}
		served = append(served, server.ServerTool{Tool: tool, Handler: op.Handler(client)})
	}
	s.AddTools(served...)
	return nil
}

// Package tools is the catalogue: every Kibana API operation the server
// exposes, one file (or a few, named by area) per API area, each with its
// inputs, their checks (Prepare) and flows (Run), and how a destructive
// call describes itself (Describe); the toolsets; the generated input
// schemas; and what the serving machinery needs to know of the areas to
// talk about them (Catalog). It declares operations with package
// operation and never imports the machinery (package serve), which app/
// hands the catalogue to as a value.
//
// Adding an operation: declare it in its area file with an input struct and
// examples, run `go generate ./tools` and `UPDATE_SNAPSHOTS=1 go test
// ./tools`.
package tools

import (
	"context"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// All returns every operation, grouped by toolset in a stable order. The
// registry is the single source of truth: the server, the `tools` listing,
// the README table, the schema snapshots and the contract test all read it.
func All() []*operation.Operation {
	var all []*operation.Operation
	for _, area := range [][]*operation.Operation{
		casesOperations, caseConveniences, alertingOperations, connectorsOperations, detectionsOperations, endpointOperations,
		mlOperations, aiAssistantOperations, fleetOperations, fleetPackagesOperations, fleetAgentActionOperations,
		fleetCredentialOperations, fleetInfraOperations, fleetAdminOperations, fleetExtraOperations, fleetAgentsMoreOperations, dataViewsOperations,
		apmOperations, securityOperations, spacesOperations, dashboardsOperations,
		detectionRulesOperations, exceptionListsOperations, valueListsOperations, savedObjectsOperations,
		timelinesOperations, osqueryOperations, assetCriticalityOperations, entityStoreOperations, attackDiscoveryOperations,
		dataOperations, maintenanceWindowOperations, endpointHostsOperations, platformOperations,
		fleetEPMMoreOperations,
		sloOperations, syntheticsOperations, streamsOperations, agentBuilderOperations,
	} {
		all = append(all, area...)
	}
	return all
}

// Catalog is the catalogue as the serving machinery takes it: every
// operation, the toolsets, the generated schemas, and what the machinery
// needs to know of the API areas to talk about them.
// (Set in init: the flows it serves call back into it.)
var Catalog *operation.Catalog

func init() {
	Catalog = operation.NewCatalog(All(), Toolsets, generatedSchemas)
	Catalog.HostIDs, Catalog.HostName = "endpoint_ids", hostName
	Catalog.NoMatchHint = "Try other words: the object (case, rule, alert, agent) and the action (find, update, delete)."
}

// Lookup finds an operation by tool name.
func Lookup(name string) (*operation.Operation, bool) { return Catalog.Lookup(name) }

// Send binds args to the named operation and sends its one request, without
// any flow (operation.Catalog.Send).
func Send(ctx context.Context, k *kibana.Client, tool string, args map[string]any) (*kibana.Response, error) {
	return Catalog.Send(ctx, k, tool, args)
}

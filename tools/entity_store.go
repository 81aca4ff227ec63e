package tools

import (
	"net/http"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

// The entity store (/api/entity_store/*): one engine per entity type (host,
// user, service, generic) builds a latest-state record of every entity it
// sees in the space's logs, with its asset criticality and risk score.
// Inputs are in entity_store_inputs.go.
var entityStoreOperations = []*operation.Operation{
	{
		Name:         "enable_entity_store",
		Availability: entityStoreAvailability,
		Title:        "Enable entity store",
		Description:  "Install the entity engines of the given types (default: all) in the space; engines already installed stay as they are.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_store/enable",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Admin:        true,
		Input:        EnableEntityStoreInput{},
		Examples: []string{
			`{}`,
			`{"entityTypes":["service","generic"],"indexPattern":"logs-okta*","filter":"event.kind:event and not user.name:svc-*","fieldHistoryLength":20,"lookbackPeriod":"6h","frequency":"2m","delay":"2m","timeout":"300s","timestampField":"@timestamp","docsPerSecond":500,"maxPageSearchSize":1000,"enrichPolicyExecutionInterval":"1h","space_id":"soc"}`,
		},
	},
	{
		Name:         "list_entity_engines",
		Availability: entityStoreAvailability,
		Title:        "List entity engines",
		Description:  "List the space's entity engines with their status (installing, started, stopped, updating, error) and settings.",
		Toolset:      "entity_analytics",
		Method:       http.MethodGet,
		Path:         "/api/entity_store/engines",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        NoEntityStoreArgs{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "get_entity_engine",
		Availability: entityStoreAvailability,
		Title:        "Get entity engine",
		Description:  "Read one entity engine: status, last error, index pattern, filter and schedule.",
		Toolset:      "entity_analytics",
		Method:       http.MethodGet,
		Path:         "/api/entity_store/engines/{entityType}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        EntityEngineInput{},
		Examples:     []string{`{"entityType":"host"}`, `{"entityType":"user","space_id":"soc"}`},
	},
	{
		Name:         "delete_entity_engine",
		Availability: entityStoreAvailability,
		Title:        "Delete entity engine",
		Description:  "Uninstall an entity engine and its transform, pipeline and policies; with data, also delete its entities. Cannot be undone.",
		Toolset:      "entity_analytics",
		Method:       http.MethodDelete,
		Path:         "/api/entity_store/engines/{entityType}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        DeleteEntityEngineInput{},
		Examples:     []string{`{"entityType":"service"}`, `{"entityType":"user","data":true,"space_id":"soc"}`},
	},
	{
		Name:         "init_entity_engine",
		Availability: entityStoreAvailability,
		Title:        "Install entity engine",
		Description:  "Install one entity engine (status installing, then started); refused if that type is installed already.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_store/engines/{entityType}/init",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Admin:        true,
		Input:        InitEntityEngineInput{},
		Examples: []string{
			`{"entityType":"generic"}`,
			`{"entityType":"generic","indexPattern":"logs-cloud_asset_inventory*","filter":"entity.id:*","fieldHistoryLength":5,"lookbackPeriod":"24h","frequency":"5m","delay":"1m","timeout":"180s","timestampField":"@timestamp","docsPerSecond":-1,"maxPageSearchSize":500,"enrichPolicyExecutionInterval":"2h","space_id":"soc"}`,
		},
	},
	{
		Name:         "start_entity_engine",
		Availability: entityStoreAvailability,
		Title:        "Start entity engine",
		Description:  "Start a stopped entity engine so it picks up new entities again.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_store/engines/{entityType}/start",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Admin:        true,
		Input:        EntityEngineInput{},
		Examples:     []string{`{"entityType":"service"}`, `{"entityType":"service","space_id":"default"}`},
	},
	{
		Name:         "stop_entity_engine",
		Availability: entityStoreAvailability,
		Title:        "Stop entity engine",
		Description:  "Stop an entity engine: its entities stay but stop updating until start_entity_engine.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_store/engines/{entityType}/stop",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		Admin:        true,
		Input:        EntityEngineInput{},
		Examples:     []string{`{"entityType":"host"}`, `{"entityType":"user","space_id":"soc"}`},
	},
	{
		Name:         "apply_entity_engine_dataview_indices",
		Availability: entityStoreAvailability,
		Title:        "Apply data view indices to entity engines",
		Description:  "Point every installed entity engine at the security data view's current index patterns; lists the engines it changed.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_store/engines/apply_dataview_indices",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Admin:        true,
		Input:        NoEntityStoreArgs{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "upsert_entity",
		Availability: entityStoreUpsertAvailability,
		Title:        "Upsert entity",
		Description:  "Create or update one entity of a running engine; without force only entity.attributes, lifecycle and behaviors change.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPut,
		Path:         "/api/entity_store/entities/{entityType}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Input:        UpsertEntityInput{},
		Examples: []string{
			`{"entityType":"host","entity":{"id":"ws-0142","attributes":{"managed":true}}}`,
			`{"entityType":"user","force":true,"entity":{"id":"l.wong","name":"l.wong","type":"Identity","sub_type":"AD user","source":"logs-system.auth-default","attributes":{"privileged":false,"mfa_enabled":true,"managed":true,"asset":false},"lifecycle":{"first_seen":"2024-11-04T08:12:00Z","last_activity":"2025-03-14T09:30:00Z"},"behaviors":{"brute_force_victim":false,"new_country_login":true,"used_usb_device":false},"relationships":{"owns":["ws-0142"],"supervised_by":["m.rossi"]}},"asset":{"criticality":"medium_impact","business_unit":"Finance","environment":"production","owner":"it-finance","name":"Lena Wong"},"user":{"domain":["ACME"],"email":["l.wong@acme.example"],"full_name":["Lena Wong"],"id":["S-1-5-21-3623811015-3361044348-30300820-1142"],"roles":["finance-analyst"],"hash":[]},"space_id":"default"}`,
			`{"entityType":"host","force":true,"entity":{"id":"fs-02","attributes":{"asset":true}},"asset":{"criticality":"extreme_impact","id":"ACME-SRV-0016","vendor":"Dell","model":"PowerEdge R650","serial_number":"7XK2Q93"},"host":{"name":"fs-02","hostname":["fs-02"],"domain":["acme.local"],"ip":["10.20.1.16"],"mac":["00-50-56-a1-0f-16"],"id":["4c4c4544-0047-3510-8052-b7c04f565032"],"type":["server"],"architecture":["x86_64"]}}`,
			`{"entityType":"service","force":true,"entity":{"id":"customer-portal","source":"traces-apm-default","relationships":{"depends_on":["portal-web-01"]}},"service":{"name":"customer-portal"},"space_id":"soc"}`,
		},
	},
	{
		Name:         "delete_entity",
		Availability: entityStoreCRUDAvailability,
		Title:        "Delete entity",
		Description:  "Delete one entity from the store's latest index; it comes back if its engine sees it in new logs.",
		Toolset:      "entity_analytics",
		Method:       http.MethodDelete,
		Path:         "/api/entity_store/entities/{entityType}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Input:        DeleteEntityInput{},
		Examples:     []string{`{"entityType":"host","id":"build-03"}`, `{"entityType":"user","id":"l.martin","space_id":"soc"}`},
	},
	{
		Name:         "bulk_upsert_entities",
		Availability: entityStoreCRUDAvailability,
		Title:        "Bulk upsert entities",
		Description:  "Create or update many entities at once (as upsert_entity, each with its type); with force, overwrites any field.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPut,
		Path:         "/api/entity_store/entities/bulk",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		Input:        BulkUpsertEntitiesInput{},
		Examples: []string{
			`{"entities":[{"type":"user","record":{"entity":{"id":"svc-backup","attributes":{"privileged":true}}}}]}`,
			`{"force":true,"entities":[{"type":"host","record":{"entity":{"id":"vpn-gw-01","attributes":{"asset":true}},"asset":{"criticality":"high_impact"},"host":{"ip":["198.51.100.10"]}}},{"type":"user","record":{"entity":{"id":"j.morgan","behaviors":{"brute_force_victim":true}},"user":{"domain":["ACME"]}}}],"space_id":"default"}`,
		},
	},
	{
		Name:         "list_entities",
		Availability: entityStoreAvailability,
		Title:        "List entities",
		Description:  "Page through the store's entities (hosts, users, …) with their criticality and risk scores; filter with an Elasticsearch query.",
		Toolset:      "entity_analytics",
		Method:       http.MethodGet,
		Path:         "/api/entity_store/entities/list",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        ListEntitiesInput{},
		Examples: []string{
			`{"entity_types":["host"]}`,
			`{"entity_types":["host","user"],"filterQuery":"{\"bool\":{\"filter\":[{\"terms\":{\"asset.criticality\":[\"high_impact\",\"extreme_impact\"]}}]}}","sort_field":"entity.lifecycle.last_activity","sort_order":"desc","page":1,"per_page":25,"space_id":"default"}`,
		},
	},
	{
		Name:         "get_entity_store_status",
		Availability: entityStoreAvailability,
		Title:        "Get entity store status",
		Description:  "Say whether the space's entity store is not_installed, installing, running, stopped or in error, per engine; components on request.",
		Toolset:      "entity_analytics",
		Method:       http.MethodGet,
		Path:         "/api/entity_store/status",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        EntityStoreStatusInput{},
		Examples:     []string{`{}`, `{"include_components":true,"space_id":"soc"}`},
	},
}

// entityStoreAvailability: the entity store arrived as a technical preview
// in Kibana 8.16 (security-docs issue #5836, "released in 8.16"; the 8.16
// Elastic Security guide's entity store page). Its entity CRUD routes came
// later: upsert in 9.2 (Kibana PR #234454; docs-content issue #3228: "Starting
// in 9.2 … the supported operation is UPSERT"), delete and bulk upsert in 9.3
// (PRs #239314 and #236409, merged October 2025 after 9.2 branched; in the
// November 2025 spec). unverified: the entity store v2 of 9.4 serves entities
// under /api/security/entity_store; whether 9.4 removed these routes.
var (
	entityStoreAvailability       = sinceIn("entity_analytics", "8.16.0")
	entityStoreUpsertAvailability = sinceIn("entity_analytics", "9.2.0")
	entityStoreCRUDAvailability   = sinceIn("entity_analytics", "9.3.0")
)

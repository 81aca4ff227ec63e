package tools

import "github.com/kibana-mcp/kibana-mcp/operation"

// Toolsets is the catalogue, in display order. A toolset can be listed
// before its first operation lands; naming it then serves nothing.
var Toolsets = []operation.Toolset{
	// Cases API: 7.10 on; any of the three cases features (Stack Management, Security, Observability) serves it.
	{Name: "cases", Availability: operation.Availability{Feature: "generalCases|securitySolutionCases|observabilityCases", Serverless: true}, Description: "Security and observability cases: find, read, comment, attach alerts and files, update, push.", Default: true,
		// Cases, comments and settings carry a version that every change
		// (adding a comment too) moves on.
		ConflictHint: "The object changed since its version was read: read it again, e.g. with get_case, and retry with the new version."},
	// Alerting rules API: 7.x on. Rules belong to their producers' features, so none is required.
	{Name: "alerting", Availability: operation.Availability{Serverless: true}, Description: "Alerting rules: find, read, mute, snooze, enable and disable them.", Default: true},
	{Name: "connectors", Availability: operation.Availability{Feature: "actions", Serverless: true}, Description: "Connectors to external systems: list, read and run them.", Default: true},
	// Detection engine signals and rules APIs: 7.x on, the Security feature (siem, siemV2, …).
	{Name: "detections", Availability: operation.Availability{Feature: "siem", Serverless: true}, Description: "Detection alerts and rules: search alerts, set their status, tags and assignees.", Default: true},
	{Name: "spaces", Availability: operation.Availability{Serverless: true}, Description: "Kibana spaces: which exist and what they hold.", Default: true},
	// The data path decides (app/datapath.go): Elasticsearch directly works on any version, Agent Builder is probed at start (9.2 on), and with no path the data tools are left out.
	{Name: "data", Availability: operation.Availability{Serverless: true}, Description: "Evidence in Elasticsearch: ES|QL queries, the events around an alert, indices, fields, documents.", Default: true},
	{Name: "endpoint", Availability: operation.Availability{Feature: "siem", Serverless: true}, Description: "Endpoint response actions: isolate hosts, kill processes, get files."},
	// Fleet's feature id is fleetv2 (fleet is Integrations).
	{Name: "fleet", Availability: operation.Availability{Feature: "fleetv2|fleet", Serverless: true}, Description: "Fleet agents, policies, outputs and integration packages."},
	// Serverless: observability projects (the apm feature leaves security projects out).
	{Name: "apm", Availability: operation.Availability{Feature: "apm", Serverless: true}, Description: "APM services, agent configuration, keys and source maps."},
	{Name: "data_views", Availability: operation.Availability{Serverless: true}, Description: "Data views and their runtime fields."},
	// Serverless: custom roles through the same role API.
	{Name: "security", Availability: operation.Availability{Serverless: true}, Description: "Kibana security roles."},
	// The dashboards API: technical preview in Kibana 9.0 (its reference pages); not in 8.x. Feature dashboard (dashboard_v2 from 9.0).
	{Name: "dashboards", Availability: operation.Availability{Since: "9.0.0", Feature: "dashboard", Serverless: true}, Description: "Dashboards."},
	{Name: "ml", Availability: operation.Availability{Feature: "ml", Serverless: true}, Description: "Machine learning job and model synchronisation."},
	// No dated source for the public Security AI Assistant routes: no lower bound is declared.
	{Name: "ai_assistant", Availability: operation.Availability{Feature: "securitySolutionAssistant|siem", Serverless: true}, Description: "Security AI assistant anonymisation fields and knowledge base."},
	{Name: "detection_rules", Availability: operation.Availability{Feature: "siem", Serverless: true}, Description: "Detection rule lifecycle: create, change, enable, bulk edit, export, import, prebuilt rules."},
	{Name: "exceptions", Availability: operation.Availability{Feature: "siem", Serverless: true}, Description: "Exception lists and items, and the value lists they match against."},
	// Serverless keeps only export, import and resolve-import-errors of the saved objects API (its serverless reference); those declare their own.
	{Name: "saved_objects", Availability: operation.Availability{}, Description: "Saved objects: get, find, create, update, bulk, export and import."},
	{Name: "timelines", Availability: operation.Availability{Feature: "siem", Serverless: true}, Description: "Investigation timelines, their notes and pinned events."},
	{Name: "osquery", Availability: operation.Availability{Feature: "osquery", Serverless: true}, Description: "Osquery live queries on hosts, their results, packs and saved queries."},
	// Asset criticality's public API (8.15); the risk engine, entity store and privileged user monitoring operations declare their own (entity_analytics_versions.go).
	{Name: "entity_analytics", Availability: operation.Availability{Since: "8.15.0", Feature: "siem", Serverless: true}, Description: "Asset criticality, entity risk scores, the entity store and privileged user monitoring."},
	// OpenAPI x-state of every route we use: "Technical Preview; added in 9.2.0".
	{Name: "attack_discovery", Availability: operation.Availability{Since: "9.2.0", Feature: "securitySolutionAttackDiscovery|siem", Serverless: true}, Description: "Attack discovery: generate, find and dismiss discoveries; their schedules."},
	// OpenAPI x-state of the create, get, update, delete, archive and unarchive routes: "Generally available;
	// added in 9.1.0" (find declares its own: 9.2.0). Feature maintenanceWindow (Stack Management). Serverless:
	// the serverless API reference lists these routes.
	{Name: "maintenance_windows", Availability: operation.Availability{Since: "9.1.0", Feature: "maintenanceWindow", Serverless: true}, Description: "Maintenance windows: hold back alert notifications during planned changes."},
	// No x-state dates these routes (all predate 8.0); serverless is not declared: task manager health, Logstash
	// management and the upgrade assistant are stack-only, and /api/features is undocumented there. Short URLs
	// and the Uptime settings declare their own (platform.go).
	{Name: "platform", Availability: operation.Availability{}, Description: "Kibana platform: features, task manager health, upgrade readiness, short URLs, Logstash pipelines, Uptime settings."},
}

// LookupToolset finds a toolset of the catalogue by name.
func LookupToolset(name string) (operation.Toolset, bool) { return Catalog.Toolset(name) }

// CountInToolset is how many operations a toolset has.
func CountInToolset(name string) int { return Catalog.CountInToolset(name) }

// ToolsetNames lists the catalogue's names, in display order.
func ToolsetNames() []string { return Catalog.ToolsetNames() }

// AgentBuilderAvailability is Kibana's Agent Builder API (/api/agent_builder),
// one of the data tools' paths (app/datapath.go probes it at start): every
// route of it carries the x-state "Technical Preview; added in 9.2.0".
var AgentBuilderAvailability = operation.Availability{Since: "9.2.0", Serverless: true}

package tools

import "github.com/kibana-mcp/kibana-mcp/operation"

// Toolsets is the catalogue, in display order. A toolset can be listed
// before its first operation lands; naming it then serves nothing.
var Toolsets = []operation.Toolset{
	{Name: "cases", Description: "Security and observability cases: find, read, comment, attach alerts and files, update, push.", Default: true,
		// Cases, comments and settings carry a version that every change
		// (adding a comment too) moves on.
		ConflictHint: "The object changed since its version was read: read it again, e.g. with get_case, and retry with the new version."},
	{Name: "alerting", Description: "Alerting rules: find, read, mute, snooze, enable and disable them.", Default: true},
	{Name: "connectors", Description: "Connectors to external systems: list, read and run them.", Default: true},
	{Name: "detections", Description: "Detection alerts and rules: search alerts, set their status, tags and assignees.", Default: true},
	{Name: "spaces", Description: "Kibana spaces: which exist and what they hold.", Default: true},
	{Name: "data", Description: "Evidence in Elasticsearch: ES|QL queries, the events around an alert, indices, fields, documents.", Default: true},
	{Name: "endpoint", Description: "Endpoint response actions: isolate hosts, kill processes, get files."},
	{Name: "fleet", Description: "Fleet agents, policies, outputs and integration packages."},
	{Name: "apm", Description: "APM services, agent configuration, keys and source maps."},
	{Name: "data_views", Description: "Data views and their runtime fields."},
	{Name: "security", Description: "Kibana security roles."},
	{Name: "dashboards", Description: "Dashboards."},
	{Name: "ml", Description: "Machine learning job and model synchronisation."},
	{Name: "ai_assistant", Description: "Security AI assistant anonymisation fields and knowledge base."},
	{Name: "detection_rules", Description: "Detection rule lifecycle: create, change, enable, bulk edit, export, import, prebuilt rules."},
	{Name: "exceptions", Description: "Exception lists and items, and the value lists they match against."},
	{Name: "saved_objects", Description: "Saved objects: get, find, create, update, bulk, export and import."},
	{Name: "timelines", Description: "Investigation timelines, their notes and pinned events."},
	{Name: "osquery", Description: "Osquery live queries on hosts, their results, packs and saved queries."},
	{Name: "entity_analytics", Description: "Asset criticality, entity risk scores, the entity store and privileged user monitoring."},
	{Name: "attack_discovery", Description: "Attack discovery: generate, find and dismiss discoveries; their schedules."},
}

// LookupToolset finds a toolset of the catalogue by name.
func LookupToolset(name string) (operation.Toolset, bool) { return Catalog.Toolset(name) }

// CountInToolset is how many operations a toolset has.
func CountInToolset(name string) int { return Catalog.CountInToolset(name) }

// ToolsetNames lists the catalogue's names, in display order.
func ToolsetNames() []string { return Catalog.ToolsetNames() }

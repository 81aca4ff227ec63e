package tools

import "github.com/kibana-mcp/kibana-mcp/operation"

// Toolsets is the catalogue, in display order. A toolset can be listed
// before its first operation lands; naming it then serves nothing.
var Toolsets = []operation.Toolset{
	// Cases API: 7.10 on; any of the three cases features serves it. Ids from the cases and
	// security-solution-features constants: generalCases, securitySolutionCases (V2 8.17, V3 8.18),
	// observabilityCases; the V-suffixed successors match (operation.hasFeature).
	{Name: "cases", Availability: operation.Availability{Feature: "generalCases|securitySolutionCases|observabilityCases", Serverless: true}, Description: "Security and observability cases: find, read, comment, attach alerts and files, update, push.", Default: true,
		// Cases, comments and settings carry a version that every change
		// (adding a comment too) moves on.
		ConflictHint: "The object changed since its version was read: read it again, e.g. with get_case, and retry with the new version."},
	// Alerting rules API (/api/alerting/rule…): 7.13 on (Kibana PR #93977, v7.13.0), so every 8.x
	// has it; the snooze routes declare their own. Rules belong to their producers' features, so
	// none is required.
	{Name: "alerting", Availability: operation.Availability{Serverless: true}, Description: "Alerting rules: find, read, mute, snooze, enable and disable them.", Default: true},
	// The /api/actions/connector… APIs: 7.13 on (Kibana PR #92451). Feature id:
	// ACTIONS_FEATURE_ID = 'actions' (x-pack actions plugin, common constants).
	{Name: "connectors", Availability: operation.Availability{Feature: "actions", Serverless: true}, Description: "Connectors to external systems: list, read and run them.", Default: true},
	// Detection engine signals and rules APIs: 7.x on, the Security feature: siem, then siemV2 (8.18),
	// siemV3 (9.1), siemV4 (9.2), siemV5 (9.3) (security-solution-features constants).
	{Name: "detections", Availability: operation.Availability{Feature: "siem", Serverless: true}, Description: "Detection alerts and rules: search alerts, set their status, tags and assignees.", Default: true},
	// unverified: no dated source for the spaces API on serverless; kept as available.
	{Name: "spaces", Availability: operation.Availability{Serverless: true}, Description: "Kibana spaces: which exist and what they hold.", Default: true},
	// The data path decides (app/datapath.go): Elasticsearch directly works on any version, Agent Builder is probed at start (9.2 on), and with no path the data tools are left out.
	{Name: "data", Availability: operation.Availability{Serverless: true}, Description: "Evidence in Elasticsearch: ES|QL queries, the events around an alert, indices, fields, documents.", Default: true},
	// Each response action route declares its first version (endpoint.go); the endpoint exception
	// list routes are 7.x. The pre-8.4 /api/endpoint/isolate routes, removed in 9.0 (Kibana PR
	// #199598), are not used.
	{Name: "endpoint", Availability: operation.Availability{Feature: "siem", Serverless: true}, Description: "Endpoint response actions: isolate hosts, kill processes, get files."},
	// Fleet's feature id is fleetv2; fleet is Integrations (before the split, the fleet plugin
	// registered one feature with its PLUGIN_ID 'fleet'). Per-operation exceptions in fleet.go.
	// unverified: the first 8.x version of each other Fleet route; none is declared.
	{Name: "fleet", Availability: operation.Availability{Feature: "fleetv2|fleet", Serverless: true}, Description: "Fleet agents, policies, outputs and integration packages."},
	// Feature id APM_SERVER_FEATURE_ID = 'apm'. Serverless: observability projects; security
	// projects disable the plugin (config/serverless.security.yml: xpack.apm.enabled: false),
	// so the feature check leaves them out.
	{Name: "apm", Availability: operation.Availability{Feature: "apm", Serverless: true}, Description: "APM services, agent configuration, keys and source maps."},
	{Name: "data_views", Availability: operation.Availability{Serverless: true}, Description: "Data views and their runtime fields."},
	// Serverless: custom roles through the same role API.
	{Name: "security", Availability: operation.Availability{Serverless: true}, Description: "Kibana security roles and user sessions."},
	// The dashboards API at /api/dashboards/dashboard: technical preview in Kibana 9.0 (seed page
	// 000, the 9.0 API reference); not in 8.x. Kibana PR #223262 (June 2025, before the 9.1
	// branch) made those routes internal, so 9.1 on and serverless lack them: the published
	// spec has no /api/dashboards path, and 9.4 published a new API at /api/dashboards
	// instead (PR #256302). unverified: whether a 9.0.x patch release also dropped them.
	// Feature dashboard, replaced by dashboard_v2 in 9.0 (x-pack features plugin).
	{Name: "dashboards", Availability: operation.Availability{Since: "9.0.0", Until: "9.1.0", Feature: "dashboard"}, Description: "Dashboards."},
	// Feature id: the ml plugin's PLUGIN_ID 'ml'.
	{Name: "ml", Availability: operation.Availability{Feature: "ml", Serverless: true}, Description: "Machine learning job and model synchronisation."},
	// The public anonymization fields API arrived in 8.15 (security-docs PR #5704: "public
	// Security API for prompts and anonymization fields added in 8.15"). unverified: when the
	// public knowledge base entries routes arrived; they keep this lower bound. Feature id
	// ASSISTANT_FEATURE_ID = 'securitySolutionAssistant' (security-solution-features constants).
	{Name: "ai_assistant", Availability: operation.Availability{Since: "8.15.0", Feature: "securitySolutionAssistant|siem", Serverless: true}, Description: "Security AI assistant: anonymisation fields, prompts, knowledge base, conversations, chat; the Observability assistant's chat."},
	// unverified: per-route first versions within 8.x (preview, prebuilt status); none is declared.
	{Name: "detection_rules", Availability: operation.Availability{Feature: "siem", Serverless: true}, Description: "Detection rule lifecycle: create, change, enable, bulk edit, export, import, prebuilt rules."},
	// unverified: first versions of the shared-list and rule-exception routes within 8.x; none is declared.
	{Name: "exceptions", Availability: operation.Availability{Feature: "siem", Serverless: true}, Description: "Exception lists and items, and the value lists they match against."},
	// Serverless keeps only export, import and resolve-import-errors of the saved objects API:
	// Kibana's core saved objects routes (routes/index.ts) register every other route with
	// access 'internal' on serverless; those three are public everywhere. They declare their own.
	{Name: "saved_objects", Availability: operation.Availability{}, Description: "Saved objects: get, find, create, update, bulk, export and import."},
	// Newer Kibanas also have securitySolutionTimeline/securitySolutionNotes features; siem still
	// exists alongside (its successors match), so siem is what is required. unverified: the
	// first versions of the notes read (GET /api/note), copy and resolve routes; none is declared.
	{Name: "timelines", Availability: operation.Availability{Feature: "siem", Serverless: true}, Description: "Investigation timelines, their notes and pinned events."},
	// Feature id: the osquery plugin's PLUGIN_ID 'osquery'.
	{Name: "osquery", Availability: operation.Availability{Feature: "osquery", Serverless: true}, Description: "Osquery live queries on hosts, their results, packs and saved queries."},
	// Asset criticality's public API arrived in 8.15: get, upsert, delete and CSV upload (Kibana
	// PR #186169, v8.15.0), bulk (PR #186310, v8.15.0). The risk engine, entity store and privileged
	// user monitoring operations declare their own (risk_engine.go, entity_store.go, privmon_users.go).
	// unverified: when GET /api/asset_criticality/list became public; it keeps 8.15.
	{Name: "entity_analytics", Availability: operation.Availability{Since: "8.15.0", Feature: "siem", Serverless: true}, Description: "Asset criticality, entity risk scores, the entity store and privileged user monitoring."},
	// OpenAPI x-state of every route we use: "Technical Preview; added in 9.2.0". Feature id
	// ATTACK_DISCOVERY_FEATURE_ID = 'securitySolutionAttackDiscovery'.
	{Name: "attack_discovery", Availability: operation.Availability{Since: "9.2.0", Feature: "securitySolutionAttackDiscovery|siem", Serverless: true}, Description: "Attack discovery: generate, find and dismiss discoveries; their schedules."},
	// OpenAPI x-state of the create, get, update, delete, archive and unarchive routes: "Generally available;
	// added in 9.1.0" (find declares its own: 9.2.0). Feature maintenanceWindow (Stack Management). Serverless:
	// the serverless API reference lists these routes.
	{Name: "maintenance_windows", Availability: operation.Availability{Since: "9.1.0", Feature: "maintenanceWindow", Serverless: true}, Description: "Maintenance windows: hold back alert notifications during planned changes."},
	// No x-state dates these routes (all predate 8.0); serverless is not declared: task manager health, Logstash
	// management and the upgrade assistant are stack-only, and /api/features is undocumented there. Short URLs
	// and the Uptime settings declare their own (platform.go).
	{Name: "platform", Availability: operation.Availability{}, Description: "Kibana platform: features, task manager health, upgrade readiness, short URLs, Logstash pipelines, Uptime settings."},
	// SLOs: on by default from 8.8 (elastic/kibana x-pack/plugins/observability/dev_docs/slo.md: "Starting in 8.8,
	// SLO is enabled by default"); the spec gives these routes no x-state. Later routes declare their own (slos.go).
	// Feature id: sloFeatureId = 'slo'. Serverless: observability projects (security projects lack the feature).
	{Name: "slos", Availability: operation.Availability{Since: "8.8.0", Feature: "slo", Serverless: true}, Description: "Service-level objectives: status and error budgets; define, reset, enable and disable them."},
	// Synthetics: the monitors and private locations APIs are in the 8.14 API reference (synthetics-apis.html);
	// parameters in 8.12's (synthetics.go); the test run route's x-state says "added in 9.2.0". unverified: the
	// first versions of the monitors and parameters _bulk_delete routes and of the private location get/update
	// routes; none is declared. Feature id: the synthetics plugin registers PLUGIN.ID = 'uptime' ("Synthetics and
	// Uptime"). Serverless: observability projects.
	{Name: "synthetics", Availability: operation.Availability{Since: "8.14.0", Feature: "uptime", Serverless: true}, Description: "Synthetics monitors, their parameters and private locations; run a monitor once."},
	// Streams: every route's x-state is "Technical Preview", dated only on the significant events routes (read and
	// preview "added in 9.1.0", generate 9.2.0), which is the lower bound taken. unverified: the first version of the
	// undated routes. Feature id: STREAMS_FEATURE_ID = 'streams' (the streams plugin's common constants; its routes
	// need read_stream or manage_stream). Serverless: the serverless API reference lists these routes
	// (operation-post-streams-enable).
	{Name: "streams", Availability: operation.Availability{Since: "9.1.0", Feature: "streams", Serverless: true}, Description: "Streams: wired and classic log streams, forks and routing, ingest settings, queries and significant events."},
	// OpenAPI x-state of every /api/agent_builder route: "Technical Preview; added in 9.2.0". Feature id
	// agentBuilder (ONECHAT_FEATURE_ID in the onechat plugin, now the agent_builder plugin). Serverless: the
	// serverless API reference lists these routes.
	{Name: "agent_builder", Availability: operation.Availability{Since: "9.2.0", Feature: "agentBuilder", Serverless: true}, Description: "Agent Builder: chat agents, their tools, conversations and A2A cards."},
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
// No feature is required: current source names it agentBuilder
// (AGENTBUILDER_FEATURE_ID); unverified what id 9.2 registered.
var AgentBuilderAvailability = operation.Availability{Since: "9.2.0", Serverless: true}

// sinceIn is toolset ts's availability with a later first version: for an
// operation whose route arrived after the rest of its toolset's.
func sinceIn(ts, version string) *operation.Availability {
	for _, t := range Toolsets {
		if t.Name == ts {
			a := t.Availability
			a.Since = version
			return &a
		}
	}
	panic("sinceIn: no toolset " + ts)
}

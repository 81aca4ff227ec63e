package tools

import (
	"net/http"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

// Osquery live queries, their results, packs and saved queries
// (/api/osquery/*). A live query runs on Fleet agents and answers at once
// with action ids; the rows arrive seconds later, so run_osquery tells the
// model which ids to pass to get_osquery_results (osquery_flows.go).
// Inputs are in osquery_inputs.go.
var osqueryOperations = []*operation.Operation{
	{
		Name:        "run_osquery",
		Title:       "Run Osquery live query",
		Description: "Run an osquery SQL query, saved query or pack on Fleet agents; answers with action ids at once, rows arrive seconds later via get_osquery_results.",
		Toolset:     "osquery",
		Method:      http.MethodPost,
		Path:        "/api/osquery/live_queries",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Input:       RunOsqueryInput{},
		Examples: []string{
			`{"agent_ids":["` + sandboxOsqueryAgent + `"],"query":"select * from uptime;"}`,
			`{"agent_ids":["` + sandboxOsqueryAgent + `"],"agent_platforms":["linux"],"agent_policy_ids":["prod-linux"],"query":"select pid, name, cmdline from processes where name = 'sshd';","ecs_mapping":{"process.pid":{"field":"pid"},"tags":{"value":["triage"]}},"alert_ids":["` + sandboxAlertID + `"],"case_ids":["` + sandboxCaseID + `"],"event_ids":["` + sandboxAlertID + `"],"metadata":{"requested_by":"triage"},"space_id":"default"}`,
			`{"agent_all":true,"pack_id":"` + sandboxOsqueryPack + `","space_id":"soc"}`,
			`{"agent_platforms":["windows"],"saved_query_id":"running_processes"}`,
			`{"agent_policy_ids":["prod-linux"],"queries":[{"id":"ports","query":"select * from listening_ports;","ecs_mapping":{"server.port":{"field":"port"}},"platform":"linux","version":"5.10.2"},{"id":"who","query":"select username, shell from users;"}]}`,
		},
	},
	{
		Name:        "find_osquery_live_queries",
		Title:       "Find Osquery live queries",
		Description: "List live queries that were run, newest first, with their queries' action ids and targeted agents.",
		Toolset:     "osquery",
		Method:      http.MethodGet,
		Path:        "/api/osquery/live_queries",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindOsqueryLiveQueriesInput{},
		Examples: []string{
			`{}`,
			`{"kuery":"user_id:aokafor","page":0,"pageSize":5,"sort":"@timestamp","sortOrder":"asc","space_id":"default"}`,
		},
	},
	{
		Name:        "get_osquery_live_query",
		Title:       "Get Osquery live query",
		Description: "Fetch a live query with each query's action_id and progress: status running or completed, agents responded, pending, failed, rows.",
		Toolset:     "osquery",
		Method:      http.MethodGet,
		Path:        "/api/osquery/live_queries/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetOsqueryLiveQueryInput{},
		Examples: []string{
			`{"id":"` + sandboxOsqueryLive + `"}`,
			`{"id":"` + sandboxOsqueryLive + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_osquery_results",
		Title:       "Get Osquery results",
		Description: "Read one page of the rows agents returned for one query of a live query (osquery.* holds the columns, agent.name the host).",
		Toolset:     "osquery",
		Method:      http.MethodGet,
		Path:        "/api/osquery/live_queries/{id}/results/{actionId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetOsqueryResultsInput{},
		Examples: []string{
			`{"id":"` + sandboxOsqueryLive + `","actionId":"` + sandboxOsqueryAction + `"}`,
			`{"id":"` + sandboxOsqueryLive + `","actionId":"` + sandboxOsqueryAction + `","kuery":"osquery.shell:\"/bin/bash\"","page":0,"pageSize":20,"sort":"osquery.username","sortOrder":"asc","space_id":"default"}`,
		},
	},
	{
		Name:        "find_osquery_packs",
		Title:       "Find Osquery packs",
		Description: "List query packs: scheduled sets of queries with the agent policies they run on.",
		Toolset:     "osquery",
		Method:      http.MethodGet,
		Path:        "/api/osquery/packs",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindOsquerySavedInput{},
		Examples: []string{
			`{}`,
			`{"page":1,"pageSize":10,"sort":"updatedAt","sortOrder":"asc","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_osquery_pack",
		Title:       "Create Osquery pack",
		Description: "Create a query pack that runs its queries on a schedule on the agents of the given policies.",
		Toolset:     "osquery",
		Method:      http.MethodPost,
		Path:        "/api/osquery/packs",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       CreateOsqueryPackInput{},
		Examples: []string{
			`{"name":"windows-persistence","queries":{"run_keys":{"query":"select * from registry where key like 'HKEY_USERS\\%\\Software\\Microsoft\\Windows\\CurrentVersion\\Run';"}}}`,
			`{"name":"windows-persistence","description":"Autoruns on the workstations.","enabled":false,"policy_ids":["7f2a1c30-73b2-11ee-a5e3-4bca5f3c1e01"],"shards":{"7f2a1c30-73b2-11ee-a5e3-4bca5f3c1e01":50},"queries":{"services":{"query":"select name, path, start_type from services;","platform":"windows","version":"5.10.2","snapshot":true,"removed":false,"saved_query_id":"running_processes","ecs_mapping":{"service.name":{"field":"name"}}}},"space_id":"default"}`,
		},
	},
	{
		Name:        "get_osquery_pack",
		Title:       "Get Osquery pack",
		Description: "Fetch one query pack with its queries, policies and shards.",
		Toolset:     "osquery",
		Method:      http.MethodGet,
		Path:        "/api/osquery/packs/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       OsqueryPackIDInput{},
		Examples: []string{
			`{"id":"` + sandboxOsqueryPack + `"}`,
			`{"id":"` + sandboxOsqueryPack + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "update_osquery_pack",
		Title:       "Update Osquery pack",
		Description: "Change a query pack: only the fields given change; queries and policy_ids replace the stored ones.",
		Toolset:     "osquery",
		Method:      http.MethodPut,
		Path:        "/api/osquery/packs/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       UpdateOsqueryPackInput{},
		Examples: []string{
			`{"id":"` + sandboxOsqueryPack + `","enabled":false}`,
			`{"id":"` + sandboxOsqueryPack + `","name":"linux-triage","description":"Snapshot of the Linux servers.","enabled":true,"policy_ids":["prod-linux"],"shards":{"prod-linux":25},"queries":{"uptime":{"query":"select * from uptime;","platform":"linux"}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_osquery_pack",
		Title:       "Delete Osquery pack",
		Description: "Permanently delete a query pack; its scheduled queries stop running.",
		Toolset:     "osquery",
		Method:      http.MethodDelete,
		Path:        "/api/osquery/packs/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       OsqueryPackIDInput{},
		Examples: []string{
			`{"id":"` + sandboxOsqueryPack + `"}`,
			`{"id":"` + sandboxOsqueryPack + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "find_osquery_saved_queries",
		Title:       "Find Osquery saved queries",
		Description: "List saved osquery queries with their SQL, platforms and ECS mappings.",
		Toolset:     "osquery",
		Method:      http.MethodGet,
		Path:        "/api/osquery/saved_queries",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindOsquerySavedInput{},
		Examples: []string{
			`{}`,
			`{"page":1,"pageSize":10,"sort":"updatedAt","sortOrder":"asc","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_osquery_saved_query",
		Title:       "Create Osquery saved query",
		Description: "Save an osquery SQL query under an id for live queries and packs to reuse.",
		Toolset:     "osquery",
		Method:      http.MethodPost,
		Path:        "/api/osquery/saved_queries",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       CreateOsquerySavedQueryInput{},
		Examples: []string{
			`{"id":"shell_history","query":"select * from shell_history;"}`,
			`{"id":"shell_history","query":"select uid, command, time from shell_history;","description":"Commands users typed.","platform":"linux,darwin","version":"5.10.2","interval":"3600","snapshot":true,"removed":false,"ecs_mapping":{"process.command_line":{"field":"command"}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_osquery_saved_query",
		Title:       "Get Osquery saved query",
		Description: "Fetch one saved query by its saved_object_id.",
		Toolset:     "osquery",
		Method:      http.MethodGet,
		Path:        "/api/osquery/saved_queries/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       OsquerySavedQueryIDInput{},
		Examples: []string{
			`{"id":"` + sandboxOsquerySavedQuery + `"}`,
			`{"id":"` + sandboxOsquerySavedQuery + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "update_osquery_saved_query",
		Title:       "Update Osquery saved query",
		Description: "Change a saved query: only the fields given change; ecs_mapping replaces the stored one.",
		Toolset:     "osquery",
		Method:      http.MethodPut,
		Path:        "/api/osquery/saved_queries/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       UpdateOsquerySavedQueryInput{},
		Examples: []string{
			`{"id":"` + sandboxOsquerySavedQuery + `","description":"Processes with their parents."}`,
			`{"id":"` + sandboxOsquerySavedQuery + `","query":"select pid, parent, name, cmdline from processes;","description":"Processes with their parents.","platform":"linux,windows","version":"5.10.2","interval":"600","snapshot":true,"removed":false,"ecs_mapping":{"process.pid":{"field":"pid"}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_osquery_saved_query",
		Title:       "Delete Osquery saved query",
		Description: "Permanently delete a saved query; packs keep their own copy of its SQL.",
		Toolset:     "osquery",
		Method:      http.MethodDelete,
		Path:        "/api/osquery/saved_queries/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       OsquerySavedQueryIDInput{},
		Examples: []string{
			`{"id":"` + sandboxOsquerySavedQuery + `"}`,
			`{"id":"` + sandboxOsquerySavedQuery + `","space_id":"soc"}`,
		},
	},
}

// Objects the sandbox seeds in both spaces (seed 1) for the examples.
const (
	sandboxOsqueryAgent      = "0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11" // web-01, online
	sandboxOsquerySavedQuery = "3f6c2a10-8b1e-4c2d-9e7f-1a2b3c4d5e01" // running_processes
	sandboxOsqueryPack       = "6a1d4e20-9c2f-4d3e-8f90-2b3c4d5e6f01" // linux-incident-triage
	sandboxOsqueryLive       = "9b2e5f30-ad3f-4e4f-9a01-3c4d5e6f7a01"
	sandboxOsqueryAction     = "9b2e5f30-ad3f-4e4f-9a01-3c4d5e6f7a02"
)

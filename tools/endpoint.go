package tools

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Security endpoint APIs: response actions sent to the hosts that run
// an agent (Elastic Defend, or a third-party EDR connected to Kibana), the
// files they bring back, and the Elastic Endpoint exception list.
//
// Response actions are asynchronous: Kibana answers with the action it
// created, and the hosts' results arrive later in get_endpoint_action.
// Actions that change a host are destructive (clients confirm them) and
// open-world (they reach beyond Kibana); actions that only collect from a
// host (a file, the process list) are plain writes: they create an action
// record and touch nothing on the host.
var endpointOperations = []*operation.Operation{
	{
		// The action list API: Kibana PR #133213 (v8.4.0).
		Name:         "find_endpoint_actions",
		Availability: sinceIn("endpoint", "8.4.0"),
		Title:        "Find response actions",
		Description:  "List the response actions sent to hosts: command, sender, hosts, completion.",
		Toolset:      "endpoint",
		Method:       http.MethodGet,
		Path:         "/api/endpoint/action",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        FindEndpointActionsInput{},
		Examples: []string{
			`{}`,
			`{"page":2,"pageSize":50,"commands":["isolate","kill-process"],"agentIds":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"userIds":["elastic"],"startDate":"now-7d","endDate":"now","agentTypes":"endpoint","withOutputs":["9f934028-2300-4927-b531-b26376793dc4"],"types":["manual"],"space_id":"soc"}`,
		},
	},
	{
		// The action details API: 8.4 (security-docs PR #2269, v8.4.0).
		Name:         "get_endpoint_action",
		Availability: sinceIn("endpoint", "8.4.0"),
		Title:        "Get response action",
		Description:  "Fetch one response action: command, hosts, whether it completed, and each agent's output.",
		Toolset:      "endpoint",
		Method:       http.MethodGet,
		Path:         "/api/endpoint/action/{action_id}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        GetEndpointActionInput{},
		Examples: []string{
			`{"action_id":"9f934028-2300-4927-b531-b26376793dc4"}`,
			`{"action_id":"9f934028-2300-4927-b531-b26376793dc4","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_endpoint_action_status",
		Title:       "Get pending response actions",
		Description: "Count each agent's pending response actions, per command.",
		Toolset:     "endpoint",
		Method:      http.MethodGet,
		Path:        "/api/endpoint/action_status",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetEndpointActionStatusInput{},
		Examples: []string{
			`{"agent_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"]}`,
			`{"agent_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10","5b8e2f1a-3c4d-4e6f-8a9b-0c1d2e3f4a5b"],"space_id":"soc"}`,
		},
	},
	{
		// Read by the encryption-key banner of Kibana PR #154060 (v8.8.0). unverified: the route's own first version.
		Name:         "get_endpoint_action_state",
		Availability: sinceIn("endpoint", "8.8.0"),
		Title:        "Get response actions state",
		Description:  "Tell whether Kibana can encrypt response action data (canEncrypt).",
		Toolset:      "endpoint",
		Method:       http.MethodGet,
		Path:         "/api/endpoint/action/state",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        GetEndpointActionStateInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		// /api/endpoint/action/isolate replaced /api/endpoint/isolate in 8.4 (Kibana PR #133977, security-docs PR #2232, v8.4.0).
		Name:         "isolate_host",
		Availability: sinceIn("endpoint", "8.4.0"),
		Title:        "Isolate host",
		Description:  "Cut machines off the network, except from Elastic, until unisolate_host releases them.",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         "/api/endpoint/action/isolate",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		OpenWorld:    true,
		Input:        HostActionInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"]}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10","5b8e2f1a-3c4d-4e6f-8a9b-0c1d2e3f4a5b"],"agent_type":"endpoint","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Ransomware spreading from web-01.","space_id":"soc"}`,
		},
	},
	{
		// With isolate: 8.4 (Kibana PR #133977, v8.4.0).
		Name:         "unisolate_host",
		Availability: sinceIn("endpoint", "8.4.0"),
		Title:        "Release isolated host",
		Description:  "Release isolated hosts so they rejoin the network.",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         "/api/endpoint/action/unisolate",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		OpenWorld:    true,
		Input:        HostActionInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"]}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"sentinel_one","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Host re-imaged.","space_id":"soc"}`,
		},
	},
	{
		// kill-process, suspend-process and running-processes: 8.4 (Kibana PRs #133977, #134486, v8.4.0).
		Name:         "kill_process",
		Availability: sinceIn("endpoint", "8.4.0"),
		Title:        "Kill process",
		Description:  "Terminate a running process on hosts.",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         "/api/endpoint/action/kill_process",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		OpenWorld:    true,
		Input:        KillProcessInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"parameters":{"pid":4321}}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"endpoint","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Miner process.","parameters":{"entity_id":"ZTI1ZDAwYTQtYWE1Yi00ZDRiLWI3ODUtOTYwMGVmMjhmNjNm"},"space_id":"soc"}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"sentinel_one","parameters":{"process_name":"xmrig.exe"}}`,
		},
	},
	{
		// Kibana PR #134486 (v8.4.0).
		Name:         "suspend_process",
		Availability: sinceIn("endpoint", "8.4.0"),
		Title:        "Suspend process",
		Description:  "Suspend (pause) a running process on hosts.",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         "/api/endpoint/action/suspend_process",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		OpenWorld:    true,
		Input:        SuspendProcessInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"parameters":{"pid":4321}}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"endpoint","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Hold it for memory capture.","parameters":{"entity_id":"ZTI1ZDAwYTQtYWE1Yi00ZDRiLWI3ODUtOTYwMGVmMjhmNjNm"},"space_id":"soc"}`,
		},
	},
	{
		// Kibana PR #133977 (v8.4.0).
		Name:         "get_running_processes",
		Availability: sinceIn("endpoint", "8.4.0"),
		Title:        "Get running processes",
		Description:  "Ask hosts for their running processes; the list arrives in the action's output (get_endpoint_action).",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         "/api/endpoint/action/running_procs",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		OpenWorld:    true,
		Input:        HostActionInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"]}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"endpoint","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Triage.","space_id":"soc"}`,
		},
	},
	{
		// get-file: Kibana PR #142671 (v8.6.0); documented for 8.7.
		Name:         "get_endpoint_file",
		Availability: sinceIn("endpoint", "8.6.0"),
		Title:        "Get file from host",
		Description:  "Have hosts send a file to Kibana; once the action completes, fetch it with download_endpoint_file.",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         "/api/endpoint/action/get_file",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		OpenWorld:    true,
		Input:        GetEndpointFileInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"parameters":{"path":"/tmp/dropper.sh"}}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"endpoint","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Sample for analysis.","parameters":{"path":"C:\\Users\\bob\\Downloads\\invoice.exe"},"space_id":"soc"}`,
		},
	},
	{
		// Kibana PR #143911 (v8.6.0). unverified: that PR mounted it at /action/{id}/{agent}/file; the current path may be a later version.
		Name:         "get_endpoint_file_info",
		Availability: sinceIn("endpoint", "8.6.0"),
		Title:        "Get response action file info",
		Description:  "Check a file a response action brought back (name, size, type, READY or not) before downloading it.",
		Toolset:      "endpoint",
		Method:       http.MethodGet,
		Path:         "/api/endpoint/action/{action_id}/file/{file_id}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        EndpointFileInput{},
		Examples: []string{
			`{"action_id":"9f934028-2300-4927-b531-b26376793dc4","file_id":"9f934028-2300-4927-b531-b26376793dc4.0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"}`,
			`{"action_id":"9f934028-2300-4927-b531-b26376793dc4","file_id":"0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10","space_id":"soc"}`,
		},
	},
	{
		// With get-file (v8.6.0). unverified: as get_endpoint_file_info.
		Name:         "download_endpoint_file",
		Availability: sinceIn("endpoint", "8.6.0"),
		Title:        "Download response action file",
		Description:  "Download a file a response action brought back, as an attachment: a password-protected zip (password elastic for Elastic Defend hosts).",
		Toolset:      "endpoint",
		Method:       http.MethodGet,
		Path:         "/api/endpoint/action/{action_id}/file/{file_id}/download",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        EndpointFileInput{},
		Examples: []string{
			`{"action_id":"9f934028-2300-4927-b531-b26376793dc4","file_id":"9f934028-2300-4927-b531-b26376793dc4.0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"}`,
			`{"action_id":"9f934028-2300-4927-b531-b26376793dc4","file_id":"0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10","space_id":"soc"}`,
		},
	},
	{
		// execute: Kibana PR #149589 (8.8).
		Name:         "execute_endpoint_command",
		Availability: sinceIn("endpoint", "8.8.0"),
		Title:        "Run command on host",
		Description:  "Run a shell command on hosts, which changes whatever the command changes; output arrives in get_endpoint_action.",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         "/api/endpoint/action/execute",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		OpenWorld:    true,
		Input:        ExecuteEndpointCommandInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"parameters":{"command":"ls -la /tmp"}}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"endpoint","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"List persistence entries.","parameters":{"command":"crontab -l","timeout":600},"space_id":"soc"}`,
		},
	},
	{
		// scan: Kibana PRs #184437, #187636 (v8.15.0).
		Name:         "scan_endpoint",
		Availability: sinceIn("endpoint", "8.15.0"),
		Title:        "Scan host path for malware",
		Description:  "Scan a file or folder on hosts for malware; what it finds is handled as the host's malware policy says.",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         "/api/endpoint/action/scan",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		OpenWorld:    true,
		Input:        ScanEndpointInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"parameters":{"path":"/home/bob/Downloads"}}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"endpoint","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Check the download folder.","parameters":{"path":"C:\\Users\\bob\\Downloads"},"space_id":"soc"}`,
		},
	},
	{
		// upload: Kibana PR #156303, API docs security-docs PR #3520 (v8.9.0).
		Name:         "upload_endpoint_file",
		Availability: sinceIn("endpoint", "8.9.0"),
		Title:        "Upload file to host",
		Description:  "Put a file on hosts, in the agent's upload folder (overwrite replaces a file of the same name).",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         uploadEndpointFilePath,
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		OpenWorld:    true,
		Input:        UploadEndpointFileInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"file":"IyEvYmluL3NoCmVjaG8gZml4ZWQK","file_name":"fix.sh"}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10","5b8e2f1a-3c4d-4e6f-8a9b-0c1d2e3f4a5b"],"agent_type":"endpoint","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Remediation script.","parameters":{"overwrite":true},"file":"IyEvYmluL3NoCmVjaG8gZml4ZWQK","file_name":"fix.sh","space_id":"soc"}`,
		},
	},
	{
		// runscript arrived for CrowdStrike in 8.18 (security-docs PR #6435, v8.18.0); Microsoft Defender in 8.19/9.1, SentinelOne in 9.2, Elastic Defend in 9.4.
		Name:         "run_endpoint_script",
		Availability: sinceIn("endpoint", "8.18.0"),
		Title:        "Run script on host",
		Description:  "Run a script on hosts with a CrowdStrike, SentinelOne or Microsoft Defender agent, which changes whatever the script changes.",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         "/api/endpoint/action/runscript",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		OpenWorld:    true,
		Input:        RunEndpointScriptInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"parameters":{"scriptName":"collect-logs.ps1"}}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"crowdstrike","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Collect autoruns.","parameters":{"hostPath":"C:\\Tools\\autoruns.ps1","commandLine":"-accepteula","timeout":300},"space_id":"soc"}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"parameters":{"script":"1864537227587478410","inputParams":"--verbose"}}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"microsoft_defender_endpoint","parameters":{"scriptName":"collect-logs.ps1","args":"-Days 3"}}`,
		},
	},
	{
		// cancel arrived for Microsoft Defender in 9.2 (docs-content issue #2866, Kibana PR #230399); Elastic Defend in 9.5.
		Name:         "cancel_endpoint_action",
		Availability: sinceIn("endpoint", "9.2.0"),
		Title:        "Cancel response action",
		Description:  "Cancel a pending response action on hosts, stopping it before it runs, where the agent type supports it.",
		Toolset:      "endpoint",
		Method:       http.MethodPost,
		Path:         "/api/endpoint/action/cancel",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		OpenWorld:    true,
		Input:        CancelEndpointActionInput{},
		Examples: []string{
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"parameters":{"id":"9f934028-2300-4927-b531-b26376793dc4"}}`,
			`{"endpoint_ids":["0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"],"agent_type":"microsoft_defender_endpoint","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Sent to the wrong host.","parameters":{"id":"9f934028-2300-4927-b531-b26376793dc4"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "create_endpoint_list",
		Title:       "Create Endpoint exception list",
		Description: "Create the Elastic Endpoint exception list (list_id endpoint_list) if it is missing; an empty answer means it exists.",
		Toolset:     "endpoint",
		Method:      http.MethodPost,
		Path:        "/api/endpoint_list",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       CreateEndpointListInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		Name:        "create_endpoint_list_item",
		Title:       "Create Endpoint exception",
		Description: "Add an Elastic Endpoint exception: events matching all its entries stop raising Endpoint alerts.",
		Toolset:     "endpoint",
		Method:      http.MethodPost,
		Path:        "/api/endpoint_list/items",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       CreateEndpointListItemInput{},
		Examples: []string{
			`{"name":"Backup agent","description":"Nightly backups read every file.","entries":[{"type":"match","field":"process.executable","operator":"included","value":"/opt/backup/bin/agent"}]}`,
			`{"name":"Build servers","description":"Compilers on the build farm.","entries":[{"type":"match_any","field":"process.name","operator":"included","value":["gcc","ld"]},{"type":"wildcard","field":"file.path","operator":"included","value":"/srv/build/*"},{"type":"exists","field":"process.parent.name","operator":"included"},{"type":"nested","field":"process.Ext.code_signature","entries":[{"type":"match","field":"trusted","operator":"included","value":"true"},{"type":"match","field":"subject_name","value":"Build Co"}]}],"item_id":"build-servers","os_types":["linux"],"tags":["policy:all"],"type":"simple","meta":{"ticket":"CHG-1042"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_endpoint_list_item",
		Title:       "Get Endpoint exception",
		Description: "Fetch one Elastic Endpoint exception by id or item_id.",
		Toolset:     "endpoint",
		Method:      http.MethodGet,
		Path:        "/api/endpoint_list/items",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       EndpointListItemRefInput{},
		Examples: []string{
			`{"item_id":"build-servers"}`,
			`{"id":"71a9f4b2-c85c-49b4-866f-c71eb9e67da2","space_id":"soc"}`,
		},
	},
	{
		Name:        "update_endpoint_list_item",
		Title:       "Update Endpoint exception",
		Description: "Replace an Elastic Endpoint exception, named by id or item_id, with the given name, description and entries.",
		Toolset:     "endpoint",
		Method:      http.MethodPut,
		Path:        "/api/endpoint_list/items",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       UpdateEndpointListItemInput{},
		Examples: []string{
			`{"item_id":"build-servers","name":"Build servers","description":"Compilers on the build farm.","entries":[{"type":"match","field":"process.name","operator":"included","value":"gcc"}]}`,
			`{"id":"71a9f4b2-c85c-49b4-866f-c71eb9e67da2","_version":"WzIzLDFd","name":"Build servers","description":"Compilers and linkers on the build farm.","entries":[{"type":"match_any","field":"process.name","operator":"included","value":["gcc","ld"]}],"os_types":["linux"],"tags":["policy:all"],"type":"simple","meta":{"ticket":"CHG-1077"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_endpoint_list_item",
		Title:       "Delete Endpoint exception",
		Description: "Permanently delete an Elastic Endpoint exception by id or item_id; events it matched raise alerts again.",
		Toolset:     "endpoint",
		Method:      http.MethodDelete,
		Path:        "/api/endpoint_list/items",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       EndpointListItemRefInput{},
		Examples: []string{
			`{"item_id":"build-servers"}`,
			`{"id":"71a9f4b2-c85c-49b4-866f-c71eb9e67da2","space_id":"soc"}`,
		},
	},
	{
		Name:        "find_endpoint_list_items",
		Title:       "Find Endpoint exceptions",
		Description: "List the Elastic Endpoint exceptions.",
		Toolset:     "endpoint",
		Method:      http.MethodGet,
		Path:        "/api/endpoint_list/items/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindEndpointListItemsInput{},
		Examples: []string{
			`{}`,
			`{"filter":"exception-list-agnostic.attributes.tags:\"policy:all\"","page":2,"per_page":50,"sort_field":"name","sort_order":"asc","space_id":"soc"}`,
		},
	},
}

// findEndpointPageSize keeps unpaged listings of actions and exceptions
// small: an action with its hosts and parameters is about 1 KB of JSON.
const findEndpointPageSize = 20

// FindEndpointActionsInput filters and pages the response action log.
type FindEndpointActionsInput struct {
	Page        int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PageSize    int      `json:"pageSize,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
	Commands    []string `json:"commands,omitempty" in:"query" jsonschema:"enum=isolate,enum=unisolate,enum=kill-process,enum=suspend-process,enum=running-processes,enum=get-file,enum=execute,enum=upload,enum=scan,enum=runscript,enum=cancel"`
	AgentIDs    []string `json:"agentIds,omitempty" in:"query" jsonschema:"maxItems=50,minLength=1"`
	UserIDs     []string `json:"userIds,omitempty" in:"query" jsonschema:"minLength=1"`
	StartDate   string   `json:"startDate,omitempty" in:"query" jsonschema_description:"ISO date or date math (now-1d)."`
	EndDate     string   `json:"endDate,omitempty" in:"query"`
	AgentTypes  string   `json:"agentTypes,omitempty" in:"query" jsonschema:"enum=endpoint,enum=sentinel_one,enum=crowdstrike,enum=microsoft_defender_endpoint" jsonschema_description:"Default endpoint."`
	WithOutputs []string `json:"withOutputs,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"Action IDs to include with their full output."`
	Types       []string `json:"types,omitempty" in:"query" jsonschema:"maxItems=2,enum=automated,enum=manual" jsonschema_description:"automated: sent by rules."`
}

// Prepare asks for a small page when the model names no page size.
func (in *FindEndpointActionsInput) Prepare() error {
	if in.PageSize == 0 {
		in.PageSize = findEndpointPageSize
	}
	return nil
}

// GetEndpointActionInput names one response action.
type GetEndpointActionInput struct {
	ActionID string `json:"action_id" in:"path" jsonschema:"required"`
}

// GetEndpointActionStatusInput names the agents whose pending actions to
// count.
type GetEndpointActionStatusInput struct {
	AgentIDs []string `json:"agent_ids" in:"query" jsonschema:"required,minItems=1,maxItems=50,minLength=1"`
}

// GetEndpointActionStateInput takes no arguments.
type GetEndpointActionStateInput struct{}

// The members every response action request shares (endpoint_ids,
// agent_type, alert_ids, case_ids, comment) are repeated in each input
// below, with the same tags: the binder maps top-level fields only, so an
// embedded struct cannot carry them. checkActionTargets checks them alike.

// HostActionInput is a response action without parameters: isolate,
// unisolate, running processes.
type HostActionInput struct {
	EndpointIDs []string `json:"endpoint_ids" jsonschema:"required,minItems=1" jsonschema_description:"Agent IDs."`
	AgentType   string   `json:"agent_type,omitempty" jsonschema:"enum=endpoint,enum=sentinel_one,enum=crowdstrike,enum=microsoft_defender_endpoint" jsonschema_description:"Default endpoint (Elastic Defend)."`
	AlertIDs    []string `json:"alert_ids,omitempty" jsonschema_description:"Alerts it responds to; their cases log it."`
	CaseIDs     []string `json:"case_ids,omitempty" jsonschema_description:"Cases that log it."`
	Comment     string   `json:"comment,omitempty"`
}

// Prepare checks the IDs.
func (in *HostActionInput) Prepare() error {
	return checkActionTargets(in.EndpointIDs, in.AlertIDs, in.CaseIDs)
}

// checkActionTargets refuses empty and blank IDs, which Kibana rejects after
// trimming. (Empty optional lists are simply left out of the request.)
func checkActionTargets(endpointIDs, alertIDs, caseIDs []string) error {
	for _, list := range []struct {
		name string
		ids  []string
	}{{"endpoint_ids", endpointIDs}, {"alert_ids", alertIDs}, {"case_ids", caseIDs}} {
		for i, id := range list.ids {
			if strings.TrimSpace(id) == "" {
				return &schema.ArgumentError{Field: fmt.Sprintf("%s[%d]", list.name, i), Rule: "must not be blank"}
			}
		}
	}
	return nil
}

// KillProcessInput names the process to terminate.
type KillProcessInput struct {
	HostActionInput                       // the hosts it acts on and what it answers
	Parameters      KillProcessParameters `json:"parameters" jsonschema:"required" jsonschema_description:"Exactly one of pid, entity_id or process_name (SentinelOne only)."`
}

// KillProcessParameters picks the process by one of its identities.
type KillProcessParameters struct {
	PID         int    `json:"pid,omitempty" jsonschema:"minimum=1"`
	EntityID    string `json:"entity_id,omitempty" jsonschema:"minLength=1"`
	ProcessName string `json:"process_name,omitempty" jsonschema:"minLength=1"`
}

// Prepare checks the IDs and that one process is named.
func (in *KillProcessInput) Prepare() error {
	if err := checkActionTargets(in.EndpointIDs, in.AlertIDs, in.CaseIDs); err != nil {
		return err
	}
	p := in.Parameters
	return exactlyOne("parameters", []string{"pid", "entity_id", "process_name"}, p.PID != 0, p.EntityID != "", p.ProcessName != "")
}

// SuspendProcessInput names the process to suspend.
type SuspendProcessInput struct {
	HostActionInput                          // the hosts it acts on and what it answers
	Parameters      SuspendProcessParameters `json:"parameters" jsonschema:"required" jsonschema_description:"Exactly one of pid or entity_id."`
}

// SuspendProcessParameters picks the process by one of its identities.
type SuspendProcessParameters struct {
	PID      int    `json:"pid,omitempty" jsonschema:"minimum=1"`
	EntityID string `json:"entity_id,omitempty" jsonschema:"minLength=1"`
}

// Prepare checks the IDs and that one process is named.
func (in *SuspendProcessInput) Prepare() error {
	if err := checkActionTargets(in.EndpointIDs, in.AlertIDs, in.CaseIDs); err != nil {
		return err
	}
	p := in.Parameters
	return exactlyOne("parameters", []string{"pid", "entity_id"}, p.PID != 0, p.EntityID != "")
}

// exactlyOne reports unless exactly one of the named members is given.
func exactlyOne(field string, names []string, given ...bool) error {
	var got []string
	for i, g := range given {
		if g {
			got = append(got, names[i])
		}
	}
	if len(got) == 1 {
		return nil
	}
	want := strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	if len(got) == 0 {
		return &schema.ArgumentError{Field: field, Rule: "needs exactly one of " + want + "; got none"}
	}
	return &schema.ArgumentError{Field: field, Rule: "needs exactly one of " + want + "; got " + strings.Join(got, " and ")}
}

// GetEndpointFileInput names the file to fetch from the hosts.
type GetEndpointFileInput struct {
	HostActionInput                  // the hosts it acts on and what it answers
	Parameters      EndpointFilePath `json:"parameters" jsonschema:"required"`
}

// EndpointFilePath is the full path of a file on the host.
type EndpointFilePath struct {
	Path string `json:"path" jsonschema:"required,minLength=1" jsonschema_description:"Full path of the file on the host."`
}

// Prepare checks the IDs.
func (in *GetEndpointFileInput) Prepare() error {
	return checkActionTargets(in.EndpointIDs, in.AlertIDs, in.CaseIDs)
}

// EndpointFileInput names a file a response action brought back.
type EndpointFileInput struct {
	ActionID string `json:"action_id" in:"path" jsonschema:"required"`
	FileID   string `json:"file_id" in:"path" jsonschema:"required" jsonschema_description:"{action_id}.{agent_id} for Elastic Defend; the agent ID for other agent types."`
}

// ExecuteEndpointCommandInput is a shell command to run on the hosts.
type ExecuteEndpointCommandInput struct {
	HostActionInput                   // the hosts it acts on and what it answers
	Parameters      ExecuteParameters `json:"parameters" jsonschema:"required"`
}

// ExecuteParameters is the command line and how long it may run.
type ExecuteParameters struct {
	Command string `json:"command" jsonschema:"required,minLength=1"`
	Timeout int    `json:"timeout,omitempty" jsonschema:"minimum=1" jsonschema_description:"Seconds before the command is stopped."`
}

// Prepare checks the IDs and that the command is more than blanks.
func (in *ExecuteEndpointCommandInput) Prepare() error {
	if err := checkActionTargets(in.EndpointIDs, in.AlertIDs, in.CaseIDs); err != nil {
		return err
	}
	if strings.TrimSpace(in.Parameters.Command) == "" {
		return &schema.ArgumentError{Field: "parameters.command", Rule: "must not be blank"}
	}
	return nil
}

// ScanEndpointInput names the file or folder to scan.
type ScanEndpointInput struct {
	HostActionInput                // the hosts it acts on and what it answers
	Parameters      ScanParameters `json:"parameters" jsonschema:"required"`
}

// ScanParameters is the full path of what to scan.
type ScanParameters struct {
	Path string `json:"path" jsonschema:"required,minLength=1" jsonschema_description:"Full path of a file or folder on the host."`
}

// Prepare checks the IDs.
func (in *ScanEndpointInput) Prepare() error {
	return checkActionTargets(in.EndpointIDs, in.AlertIDs, in.CaseIDs)
}

// uploadEndpointFilePath is the upload route, which UploadEndpointFileInput
// builds its request for.
const uploadEndpointFilePath = "/api/endpoint/action/upload"

// UploadEndpointFileInput is a file to put on the hosts, sent as
// multipart/form-data: the file part, and every other member as a text
// field, JSON-encoded when it is not a string (as Kibana's own UI sends
// them; Kibana parses them back).
//
// The file name travels only as the file part's filename: the route
// refuses form fields it does not know, so unlike add_case_file there is no
// separate name field. That is why the input builds its request itself
// (request) rather than through the generic multipart binding, which sends
// the `in:"form,filename"` field as a field too.
type UploadEndpointFileInput struct {
	EndpointIDs []string         `json:"endpoint_ids" in:"form" jsonschema:"required,minItems=1" jsonschema_description:"Agent IDs."`
	AgentType   string           `json:"agent_type,omitempty" in:"form" jsonschema:"enum=endpoint,enum=sentinel_one,enum=crowdstrike,enum=microsoft_defender_endpoint" jsonschema_description:"Default endpoint (Elastic Defend)."`
	AlertIDs    []string         `json:"alert_ids,omitempty" in:"form" jsonschema_description:"Alerts it responds to; their cases log it."`
	CaseIDs     []string         `json:"case_ids,omitempty" in:"form" jsonschema_description:"Cases that log it."`
	Comment     string           `json:"comment,omitempty" in:"form"`
	Parameters  UploadParameters `json:"parameters" in:"form"`
	File        string           `json:"file" in:"formfile" jsonschema:"required,minLength=1" jsonschema_description:"Base64 content."`
	FileName    string           `json:"file_name" in:"form,filename" jsonschema:"required,minLength=1,maxLength=255" jsonschema_description:"Name the file gets on the host, e.g. fix.sh."`
}

// UploadParameters says what to do when the file exists on the host.
type UploadParameters struct {
	Overwrite bool `json:"overwrite,omitempty" jsonschema_description:"Replace a file of the same name. Default false."`
}

// Prepare checks the IDs and that the name is a file name, not a path.
func (in *UploadEndpointFileInput) Prepare() error {
	if err := checkActionTargets(in.EndpointIDs, in.AlertIDs, in.CaseIDs); err != nil {
		return err
	}
	if strings.ContainsAny(in.FileName, `/\`) || strings.TrimSpace(in.FileName) == "" || in.FileName == "." || in.FileName == ".." {
		return &schema.ArgumentError{Field: "file_name", Rule: "must be a plain file name, without a folder"}
	}
	return nil
}

// Request builds the multipart upload: text fields first, then the file.
func (in *UploadEndpointFileInput) Request() (*kibana.Request, error) {
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(in.File), ""))
	if err != nil {
		return nil, &schema.ArgumentError{Field: "file", Rule: "must be standard base64: " + err.Error()}
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fields := []struct {
		name  string
		value any
	}{
		{"endpoint_ids", in.EndpointIDs},
		{"agent_type", in.AgentType},
		{"alert_ids", in.AlertIDs},
		{"case_ids", in.CaseIDs},
		{"comment", in.Comment},
		{"parameters", in.Parameters}, // always sent: the route requires it
	}
	for _, f := range fields {
		var text string
		switch v := f.value.(type) {
		case string:
			text = v
		case []string:
			if len(v) == 0 {
				continue
			}
			b, _ := json.Marshal(v)
			text = string(b)
		default:
			b, _ := json.Marshal(v)
			text = string(b)
		}
		if text == "" {
			continue
		}
		if err := w.WriteField(f.name, text); err != nil {
			return nil, err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": in.FileName}))
	h.Set("Content-Type", operation.ContentTypeOf(in.FileName, data))
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, err
	}
	if _, err := part.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return &kibana.Request{
		Method:      http.MethodPost,
		Path:        uploadEndpointFilePath,
		Body:        buf.Bytes(),
		ContentType: w.FormDataContentType(),
		APIVersion:  operation.V20231031,
		Mutates:     true,
	}, nil
}

// RunEndpointScriptInput is a script to run through a third-party agent.
type RunEndpointScriptInput struct {
	EndpointIDs []string            `json:"endpoint_ids" jsonschema:"required,minItems=1" jsonschema_description:"Agent IDs."`
	AgentType   string              `json:"agent_type,omitempty" jsonschema:"enum=endpoint,enum=sentinel_one,enum=crowdstrike,enum=microsoft_defender_endpoint" jsonschema_description:"Follows from parameters when omitted."`
	AlertIDs    []string            `json:"alert_ids,omitempty" jsonschema_description:"Alerts it responds to; their cases log it."`
	CaseIDs     []string            `json:"case_ids,omitempty" jsonschema_description:"Cases that log it."`
	Comment     string              `json:"comment,omitempty"`
	Parameters  RunScriptParameters `json:"parameters" jsonschema:"required" jsonschema_description:"One set. CrowdStrike: one of raw (script text), hostPath (script on the host) or cloudFile (script in its cloud), with optional commandLine (arguments) and timeout (seconds). SentinelOne: script (ID from its library), optional inputParams. Microsoft Defender: scriptName (from its library), optional args."`
}

// RunScriptParameters is the union of the agent types' script parameters;
// Prepare allows one agent type's set.
type RunScriptParameters struct {
	Raw         string `json:"raw,omitempty" jsonschema:"minLength=1"`
	HostPath    string `json:"hostPath,omitempty" jsonschema:"minLength=1"`
	CloudFile   string `json:"cloudFile,omitempty" jsonschema:"minLength=1"`
	CommandLine string `json:"commandLine,omitempty" jsonschema:"minLength=1"`
	Timeout     int    `json:"timeout,omitempty" jsonschema:"minimum=1"`
	Script      string `json:"script,omitempty" jsonschema:"minLength=1"`
	InputParams string `json:"inputParams,omitempty" jsonschema:"minLength=1"`
	ScriptName  string `json:"scriptName,omitempty" jsonschema:"minLength=1"`
	Args        string `json:"args,omitempty" jsonschema:"minLength=1"`
}

// Prepare checks the IDs, allows one agent type's parameters and fills
// agent_type from them: Kibana reads the parameters by agent_type, and its
// default (endpoint) takes none of these.
func (in *RunEndpointScriptInput) Prepare() error {
	if err := checkActionTargets(in.EndpointIDs, in.AlertIDs, in.CaseIDs); err != nil {
		return err
	}
	p := in.Parameters
	if err := exactlyOne("parameters", []string{"raw", "hostPath", "cloudFile", "script", "scriptName"},
		p.Raw != "", p.HostPath != "", p.CloudFile != "", p.Script != "", p.ScriptName != ""); err != nil {
		return err
	}
	type member struct {
		name  string
		given bool
	}
	crowdStrike := []member{{"commandLine", p.CommandLine != ""}, {"timeout", p.Timeout != 0}}
	sentinelOne := []member{{"inputParams", p.InputParams != ""}}
	defender := []member{{"args", p.Args != ""}}
	var agent, set string
	var extras []member
	switch {
	case p.Script != "":
		agent, set = "sentinel_one", "script"
		extras = append(crowdStrike, defender...)
	case p.ScriptName != "":
		agent, set = "microsoft_defender_endpoint", "scriptName"
		extras = append(crowdStrike, sentinelOne...)
	default:
		agent, set = "crowdstrike", "raw, hostPath or cloudFile"
		extras = append(sentinelOne, defender...)
	}
	for _, e := range extras {
		if e.given {
			return &schema.ArgumentError{Field: "parameters." + e.name, Rule: "does not go with " + set + " (" + agent + ")"}
		}
	}
	switch in.AgentType {
	case "":
		in.AgentType = agent
	case agent:
	default:
		return &schema.ArgumentError{Field: "agent_type", Rule: fmt.Sprintf("must be %s for parameters %s, not %s", agent, set, in.AgentType)}
	}
	return nil
}

// CancelEndpointActionInput names the response action to cancel.
type CancelEndpointActionInput struct {
	HostActionInput                  // the hosts it acts on and what it answers
	Parameters      CancelParameters `json:"parameters" jsonschema:"required"`
}

// CancelParameters names the action to cancel.
type CancelParameters struct {
	ID string `json:"id" jsonschema:"required,minLength=1" jsonschema_description:"The response action's ID."`
}

// Prepare checks the IDs.
func (in *CancelEndpointActionInput) Prepare() error {
	return checkActionTargets(in.EndpointIDs, in.AlertIDs, in.CaseIDs)
}

// CreateEndpointListInput takes no arguments.
type CreateEndpointListInput struct{}

// CreateEndpointListItemInput is a new Elastic Endpoint exception.
type CreateEndpointListItemInput struct {
	Name        string              `json:"name" jsonschema:"required,minLength=1"`
	Description string              `json:"description" jsonschema:"required"`
	Entries     []EndpointListEntry `json:"entries" jsonschema:"required,minItems=1" jsonschema_description:"Conditions, all of which must hold, each {type, field, operator, value}: type match or wildcard takes a string value, match_any an array of strings, exists none; list takes list {id, type} of a value list instead of value; nested takes entries (match, match_any or exists) under field and no operator. operator: included (default) or excluded."`
	ItemID      string              `json:"item_id,omitempty" jsonschema:"minLength=1" jsonschema_description:"Your own ID for it, e.g. trusted-backup-agent."`
	OSTypes     []string            `json:"os_types,omitempty" jsonschema:"enum=linux,enum=macos,enum=windows"`
	Tags        []string            `json:"tags,omitempty" jsonschema:"minLength=1"`
	Type        string              `json:"type,omitempty" jsonschema:"enum=simple"`
	Meta        map[string]any      `json:"meta,omitempty"`
}

// Prepare fills the type and checks the entries. It takes no comments:
// this route's schema wants each as Kibana stored it (id, author, time),
// which only an exception that already has them can give.
func (in *CreateEndpointListItemInput) Prepare() error {
	if in.Type == "" {
		in.Type = "simple"
	}
	return checkEndpointListEntries(in.Entries)
}

// EndpointListEntry is one condition of an exception. Its schema is a bare
// object; create_endpoint_list_item describes it.
type EndpointListEntry struct {
	Type     string                    `json:"type"`
	Field    string                    `json:"field"`
	Operator string                    `json:"operator,omitempty"`
	Value    any                       `json:"value,omitempty"`
	List     *EndpointListValueList    `json:"list,omitempty"`
	Entries  []EndpointListNestedEntry `json:"entries,omitempty"`
}

// JSONSchemaAlias shows the entry as a bare object.
func (EndpointListEntry) JSONSchemaAlias() any { return json.RawMessage(nil) }

// EndpointListNestedEntry is a condition inside a nested entry.
type EndpointListNestedEntry struct {
	Type     string `json:"type"`
	Field    string `json:"field"`
	Operator string `json:"operator,omitempty"`
	Value    any    `json:"value,omitempty"`
}

// EndpointListValueList is the value list a list entry matches against.
type EndpointListValueList struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// checkEndpointListEntries enforces what the bare-object schema leaves out:
// each type's members and value shape. A missing operator becomes included.
func checkEndpointListEntries(entries []EndpointListEntry) error {
	for i := range entries {
		e := &entries[i]
		at := fmt.Sprintf("entries[%d]", i)
		if strings.TrimSpace(e.Field) == "" {
			return &schema.ArgumentError{Field: at + ".field", Rule: "is required"}
		}
		if e.Type == "nested" {
			switch {
			case e.Operator != "":
				return &schema.ArgumentError{Field: at + ".operator", Rule: "is not for a nested entry; give it on its inner entries"}
			case e.Value != nil || e.List != nil:
				return &schema.ArgumentError{Field: at, Rule: "a nested entry takes entries, not value or list"}
			case len(e.Entries) == 0:
				return &schema.ArgumentError{Field: at + ".entries", Rule: "is required for a nested entry"}
			}
			for j := range e.Entries {
				n := &e.Entries[j]
				inner := fmt.Sprintf("%s.entries[%d]", at, j)
				if n.Type != "match" && n.Type != "match_any" && n.Type != "exists" {
					return &schema.ArgumentError{Field: inner + ".type", Rule: "must be match, match_any or exists inside a nested entry"}
				}
				if strings.TrimSpace(n.Field) == "" {
					return &schema.ArgumentError{Field: inner + ".field", Rule: "is required"}
				}
				if err := checkEntryValue(inner, n.Type, &n.Operator, n.Value); err != nil {
					return err
				}
			}
			continue
		}
		if len(e.Entries) > 0 {
			return &schema.ArgumentError{Field: at + ".entries", Rule: "is only for type nested"}
		}
		if e.Type == "list" {
			if e.Value != nil {
				return &schema.ArgumentError{Field: at + ".value", Rule: "is not for type list; give list {id, type}"}
			}
			if e.List == nil || e.List.ID == "" || e.List.Type == "" {
				return &schema.ArgumentError{Field: at + ".list", Rule: "is required for type list, as {id, type} of a value list"}
			}
			if err := checkEntryValue(at, "exists", &e.Operator, nil); err != nil {
				return err
			}
			continue
		}
		if e.List != nil {
			return &schema.ArgumentError{Field: at + ".list", Rule: "is only for type list"}
		}
		switch e.Type {
		case "match", "wildcard", "match_any", "exists":
		default:
			return &schema.ArgumentError{Field: at + ".type", Rule: "must be match, match_any, wildcard, exists, list or nested"}
		}
		if err := checkEntryValue(at, e.Type, &e.Operator, e.Value); err != nil {
			return err
		}
	}
	return nil
}

// checkEntryValue checks an entry's operator (defaulting it) and its value
// against its type.
func checkEntryValue(at, typ string, operator *string, value any) error {
	switch *operator {
	case "":
		*operator = "included"
	case "included", "excluded":
	default:
		return &schema.ArgumentError{Field: at + ".operator", Rule: "must be included or excluded"}
	}
	switch typ {
	case "exists":
		if value != nil {
			return &schema.ArgumentError{Field: at + ".value", Rule: "is not for type exists"}
		}
	case "match_any":
		list, ok := value.([]any)
		if !ok || len(list) == 0 {
			return &schema.ArgumentError{Field: at + ".value", Rule: "must be a non-empty array of strings for type match_any"}
		}
		for k, v := range list {
			if s, ok := v.(string); !ok || strings.TrimSpace(s) == "" {
				return &schema.ArgumentError{Field: fmt.Sprintf("%s.value[%d]", at, k), Rule: "must be a non-blank string"}
			}
		}
	default: // match, wildcard
		if s, ok := value.(string); !ok || strings.TrimSpace(s) == "" {
			return &schema.ArgumentError{Field: at + ".value", Rule: "must be a non-blank string for type " + typ}
		}
	}
	return nil
}

// EndpointListItemRefInput names one exception by id or item_id.
type EndpointListItemRefInput struct {
	ID     string `json:"id,omitempty" in:"query" jsonschema:"minLength=1"`
	ItemID string `json:"item_id,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"Give this or id."`
}

// Prepare requires exactly one of the two identifiers.
func (in *EndpointListItemRefInput) Prepare() error {
	return endpointListItemRef(in.ID, in.ItemID)
}

func endpointListItemRef(id, itemID string) error {
	switch {
	case id == "" && itemID == "":
		return &schema.ArgumentError{Rule: "give id or item_id"}
	case id != "" && itemID != "":
		return &schema.ArgumentError{Field: "item_id", Rule: "give either id or item_id, not both"}
	}
	return nil
}

// UpdateEndpointListItemInput replaces one exception's content.
type UpdateEndpointListItemInput struct {
	ID          string              `json:"id,omitempty" jsonschema:"minLength=1"`
	ItemID      string              `json:"item_id,omitempty" jsonschema:"minLength=1" jsonschema_description:"Give this or id."`
	Version     string              `json:"_version,omitempty" jsonschema_description:"From the item, to refuse the change if it changed since."`
	Name        string              `json:"name" jsonschema:"required,minLength=1"`
	Description string              `json:"description" jsonschema:"required"`
	Entries     []EndpointListEntry `json:"entries" jsonschema:"required,minItems=1" jsonschema_description:"As in create_endpoint_list_item; replace the stored ones."`
	OSTypes     []string            `json:"os_types,omitempty" jsonschema:"enum=linux,enum=macos,enum=windows"`
	Tags        []string            `json:"tags,omitempty" jsonschema:"minLength=1"`
	Type        string              `json:"type,omitempty" jsonschema:"enum=simple"`
	Meta        map[string]any      `json:"meta,omitempty"`
}

// Prepare requires one identifier, fills the type and checks the entries.
func (in *UpdateEndpointListItemInput) Prepare() error {
	if err := endpointListItemRef(in.ID, in.ItemID); err != nil {
		return err
	}
	if in.Type == "" {
		in.Type = "simple"
	}
	return checkEndpointListEntries(in.Entries)
}

// FindEndpointListItemsInput filters and pages the exceptions.
type FindEndpointListItemsInput struct {
	Filter    string `json:"filter,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"field:value, e.g. exception-list-agnostic.attributes.name:\"Backup agent\"."`
	Page      int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage   int    `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1" jsonschema_description:"Default 20."`
	SortField string `json:"sort_field,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"E.g. name, created_at."`
	SortOrder string `json:"sort_order,omitempty" in:"query" jsonschema:"enum=desc,enum=asc"`
}

// Prepare asks for a small page when the model names no page size.
func (in *FindEndpointListItemsInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = findEndpointPageSize
	}
	return nil
}

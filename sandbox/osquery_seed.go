package sandbox

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// The ids the tools' examples use, the same in both spaces so examples
// reach real objects wherever they run.
const (
	osquerySeedProcessesQuery = "3f6c2a10-8b1e-4c2d-9e7f-1a2b3c4d5e01"
	osquerySeedPortsQuery     = "3f6c2a10-8b1e-4c2d-9e7f-1a2b3c4d5e02"
	osquerySeedUsersQuery     = "3f6c2a10-8b1e-4c2d-9e7f-1a2b3c4d5e03"
	osquerySeedPack           = "6a1d4e20-9c2f-4d3e-8f90-2b3c4d5e6f01"
	osquerySeedLive           = "9b2e5f30-ad3f-4e4f-9a01-3c4d5e6f7a01"
	osquerySeedLiveAction     = "9b2e5f30-ad3f-4e4f-9a01-3c4d5e6f7a02"
)

// seedOsquery gives each space three saved queries, a triage pack on the
// Linux servers, and yesterday's live query on the host the story's brute
// force targeted, linked to that host's case and first alert.
//
// It draws nothing from rng (nor new ids): the areas seeded after it keep
// the data they had before it existed.
func (k *Kibana) seedOsquery(sp *space, _ *rand.Rand) {
	st := &sp.osquery
	now := k.cfg.Now().UTC()
	stamp := func(d time.Duration) string { return osqueryStamp(now.Add(-d)) }
	day := 24 * time.Hour
	yes, no := true, false
	for i, q := range []*osquerySavedQuery{
		{soID: osquerySeedProcessesQuery, id: "running_processes", description: "Every running process with its command line and parent.",
			query: "select pid, parent, name, path, cmdline, uid, start_time from processes;", platform: "linux,windows,darwin", interval: "3600",
			ecsMapping: map[string]any{"process.pid": map[string]any{"field": "pid"}, "process.name": map[string]any{"field": "name"},
				"process.executable": map[string]any{"field": "path"}, "process.command_line": map[string]any{"field": "cmdline"}}},
		{soID: osquerySeedPortsQuery, id: "listening_ports", description: "Sockets open for connections, with the process behind each.",
			query: "select pid, port, protocol, address from listening_ports;", interval: "3600", snapshot: &yes, removed: &no,
			ecsMapping: map[string]any{"process.pid": map[string]any{"field": "pid"}, "server.port": map[string]any{"field": "port"}, "server.ip": map[string]any{"field": "address"}}},
		{soID: osquerySeedUsersQuery, id: "local_users", description: "Local accounts and their login shells.",
			query: "select uid, username, description, directory, shell from users;", platform: "linux", version: "5.10.2", interval: "86400",
			ecsMapping: map[string]any{"user.name": map[string]any{"field": "username"}, "user.id": map[string]any{"field": "uid"}}},
	} {
		q.createdAt, q.createdBy = stamp(time.Duration(60-i*7)*day), "elastic"
		q.updated, q.updatedBy = stamp(time.Duration(30-i*5)*day), "elastic"
		st.savedQueries.put(q.soID, q)
	}

	st.packs.put(osquerySeedPack, &osqueryPack{
		soID: osquerySeedPack, name: "linux-incident-triage", description: "Hourly snapshot of what runs and listens on the Linux servers.",
		enabled: true, policyIDs: []string{fleetLinuxPolicy}, shards: map[string]any{fleetLinuxPolicy: 100},
		queries: map[string]map[string]any{
			"processes":       {"query": "select pid, parent, name, path, cmdline, uid from processes;", "interval": 3600, "saved_query_id": "running_processes", "snapshot": true},
			"listening_ports": {"query": "select pid, port, protocol, address from listening_ports;", "interval": 3600, "snapshot": true, "ecs_mapping": map[string]any{"server.port": map[string]any{"field": "port"}}},
			"uptime":          {"query": "select days, hours, total_seconds from uptime;", "interval": 86400, "platform": "linux"},
		},
		createdAt: stamp(45 * day), createdBy: "elastic", updated: stamp(12 * day), updatedBy: "elastic",
	})

	cast := castFor(sp.id, now)
	var agents []string
	for _, a := range sp.fleet.agents.all() {
		if a.hostname == cast.bruteHost || a.id == fleetExampleAgentA {
			agents = append(agents, a.id)
		}
	}
	lq := &osqueryLive{
		actionID: osquerySeedLive, created: now.Add(-26*time.Hour - time.Duration(osqHash(sp.id)%3600)*time.Second), userID: cast.assignees[0][0],
		agentIDs: slices.Clone(agents), agents: agents,
		queries: []*osqueryQueryAction{{actionID: osquerySeedLiveAction, id: "7d3c9e14-5a2b-4f6c-8d1e-0f9a8b7c6d5e", query: "select uid, username, description, directory, shell from users;",
			savedQueryID: "local_users", timeout: osqueryDefaultTime, ecsMapping: map[string]any{"user.name": map[string]any{"field": "username"}}}},
	}
	for _, cs := range sp.cases.cases {
		if strings.Contains(cs.title, cast.bruteHost) && (len(lq.caseIDs) == 0 || cs.id < lq.caseIDs[0]) {
			lq.caseIDs = []string{cs.id}
		}
	}
	for _, al := range sp.seededAlerts {
		if al.RuleName == storyRules[0].Name {
			lq.alertIDs = []string{al.ID}
			break
		}
	}
	st.live = append(st.live, lq)
}

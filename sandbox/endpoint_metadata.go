package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Elastic Defend host metadata: the endpoint area's hosts (the ones Defend
// reports from) joined with their Fleet agents by agent id, as Kibana
// joins the endpoint metadata with the agents: health from the agent's
// status, the applied policy from the agent policy's Elastic Defend
// integration policy. Also each host's last policy response, and the
// protection updates notes of the Defend integration policies.
//
// What the sandbox approximates: a Fleet agent on a policy with Elastic
// Defend but no endpoint host (one whose Defend never sent metadata) is
// not listed, as in Kibana; the policy response's failure comes from the
// agent's failing Defend component (its Fleet message); metadata and
// policy responses are dated by the agent's last check-in.

// epHostStatus maps a Fleet agent status to Kibana's endpoint host status.
func epHostStatus(agentStatus string) string {
	switch agentStatus {
	case "online":
		return "healthy"
	case "error", "degraded":
		return "unhealthy"
	case "offline", "inactive", "unenrolled":
		return agentStatus
	}
	return "updating" // enrolling, updating, unenrolling
}

// epHostView is what the metadata routes know of one host.
type epHostView struct {
	host   *epHost
	agent  *fleetAgent     // nil when Fleet lost it
	policy *fleetPolicy    // the agent's policy
	defend *fleetPkgPolicy // its Elastic Defend integration policy
	status string          // host_status
	seen   time.Time       // last check-in
}

func (k *Kibana) epHostViews(sp *space) []epHostView {
	var out []epHostView
	for _, h := range sp.endpoint.hostsInOrder() {
		v := epHostView{host: h, status: "unenrolled", seen: k.cfg.Now().UTC().Add(-time.Hour)}
		if a := sp.fleet.agents.get(h.agentID); a != nil {
			v.agent, v.status, v.seen = a, epHostStatus(k.agentStatus(&sp.fleet, a)), k.agentCheckin(a)
			v.policy = sp.fleet.policies.get(a.policyID)
			for _, pp := range sp.fleet.pkgPolicies.all() {
				if pp.pkgName == "endpoint" && slices.Contains(pp.policyIDs, a.policyID) {
					v.defend = pp
					break
				}
			}
		}
		out = append(out, v)
	}
	return out
}

// policyStatus is the applied policy's status: failure when the agent
// reports Elastic Defend failing.
func (v epHostView) policyStatus() string {
	if v.agent != nil && v.agent.checkinStatus == "error" && strings.Contains(v.agent.failing, "Elastic Defend") {
		return "failure"
	}
	return "success"
}

func (k *Kibana) epHostInfo(v epHostView) map[string]any {
	h, a := v.host, v.agent
	version, osVer, mac, policyID, policyRev, configuredRev := "8.17.3", "", "00:50:56:00:00:00", "", 0, 0
	if a != nil {
		version, osVer, mac, policyID, policyRev = a.version, a.osVer, a.mac, a.policyID, a.policyRevision
	}
	if v.policy != nil {
		configuredRev = v.policy.revision
	}
	applied := map[string]any{"id": "", "name": "", "status": v.policyStatus(), "endpoint_policy_version": 0, "version": 0}
	endpointInfo := map[string]any{"id": "", "revision": 0}
	if pp := v.defend; pp != nil {
		applied = map[string]any{"id": pp.id, "name": pp.name, "status": v.policyStatus(), "endpoint_policy_version": pp.revision, "version": pp.revision + 1}
		endpointInfo = map[string]any{"id": pp.id, "revision": pp.revision}
	}
	family, osName := "windows", "Windows"
	if h.os == "linux" {
		family, osName = "debian", "Linux"
	}
	stamp := epStamp(v.seen)
	return map[string]any{
		"metadata": map[string]any{
			"@timestamp": v.seen.UnixMilli(),
			"agent":      map[string]any{"id": h.agentID, "type": "endpoint", "version": version},
			"elastic":    map[string]any{"agent": map[string]any{"id": h.agentID}},
			"Endpoint": map[string]any{
				"status":        "enrolled",
				"policy":        map[string]any{"applied": applied},
				"configuration": map[string]any{"isolation": h.isolated},
				"state":         map[string]any{"isolation": h.isolated},
				"capabilities":  []any{"isolation", "kill_process", "suspend_process", "running_processes", "get_file", "execute", "upload_file", "scan"},
			},
			"host": map[string]any{
				"hostname": h.name, "name": h.name, "id": uuidFrom(uint64(len(h.name))<<48 ^ uint64(h.name[0])<<32 ^ 0x686f7374),
				"ip": []any{h.ip}, "mac": []any{mac}, "architecture": "x86_64",
				"os": map[string]any{"name": osName, "full": h.osName, "platform": h.os, "family": family, "version": osVer, "Ext": map[string]any{"variant": h.osName}},
			},
			"event":       map[string]any{"created": v.seen.UnixMilli(), "kind": "metric", "category": []any{"host"}, "type": []any{"info"}, "module": "endpoint", "action": "endpoint_metadata", "dataset": "endpoint.metadata"},
			"data_stream": map[string]any{"type": "metrics", "dataset": "endpoint.metadata", "namespace": "default"},
		},
		"host_status": v.status,
		"policy_info": map[string]any{
			"agent": map[string]any{
				"applied":    map[string]any{"id": policyID, "revision": policyRev},
				"configured": map[string]any{"id": policyID, "revision": configuredRev},
			},
			"endpoint": endpointInfo,
		},
		"last_checkin": stamp,
	}
}

// epHostStatuses are the statuses the list filter takes: Kibana's route
// takes unhealthy, which the OpenAPI document leaves out, and the document
// lists unenrolled, which the sandbox takes too.
var epHostStatuses = []string{"healthy", "offline", "updating", "unhealthy", "inactive", "unenrolled"}

// epMetadataSort maps the sort fields to a host view's value.
var epMetadataSort = map[string]func(epHostView) string{
	"enrolled_at":                             func(v epHostView) string { return epEnrolled(v) },
	"metadata.host.hostname":                  func(v epHostView) string { return v.host.name },
	"host_status":                             func(v epHostView) string { return v.status },
	"metadata.Endpoint.policy.applied.name":   func(v epHostView) string { return epDefendName(v) },
	"metadata.Endpoint.policy.applied.status": func(v epHostView) string { return v.policyStatus() },
	"metadata.host.os.name":                   func(v epHostView) string { return v.host.osName },
	"metadata.host.ip":                        func(v epHostView) string { return v.host.ip },
	"metadata.agent.version":                  func(v epHostView) string { return epAgentVersion(v) },
	"last_checkin":                            func(v epHostView) string { return epStamp(v.seen) },
}

func epEnrolled(v epHostView) string {
	if v.agent == nil {
		return ""
	}
	return epStamp(v.agent.enrolledAt)
}

func epDefendName(v epHostView) string {
	if v.defend == nil {
		return ""
	}
	return v.defend.name
}

func epAgentVersion(v epHostView) string {
	if v.agent == nil {
		return ""
	}
	return v.agent.version
}

// getEndpointMetadataList is GET /api/endpoint/metadata.
func (k *Kibana) getEndpointMetadataList(c *call) {
	page, ok := platQueryNumber(c, "page", 1, 1, 0)
	if !ok {
		return
	}
	pageSize, ok := platQueryNumber(c, "pageSize", 10, 1, 10000)
	if !ok {
		return
	}
	statuses := c.queryAll("hostStatuses")
	for _, s := range statuses {
		if !slices.Contains(epHostStatuses, s) {
			c.badRequest(epOneOfMessage("request query.hostStatuses", epHostStatuses))
			return
		}
	}
	sortField := cmpOr(c.query("sortField"), "enrolled_at")
	key := epMetadataSort[sortField]
	if key == nil {
		c.badRequest(fmt.Sprintf("[request query.sortField]: expected one of the sort fields but got [%s]", sortField))
		return
	}
	dir := cmpOr(c.query("sortDirection"), "desc")
	if dir != "asc" && dir != "desc" {
		c.badRequest(epOneOfMessage("request query.sortDirection", []string{"asc", "desc"}))
		return
	}
	views := k.epHostViews(c.space)
	if len(statuses) > 0 {
		views = slices.DeleteFunc(views, func(v epHostView) bool { return !slices.Contains(statuses, v.status) })
	}
	views, ok = kqlKeep(c, "metrics-endpoint.metadata_united_default", c.query("kuery"), es.KQLOptions{}, nil, views, func(v epHostView) map[string]any {
		info := k.epHostInfo(v)
		agent := map[string]any{"id": v.host.agentID, "policy_id": "", "last_checkin": info["last_checkin"], "status": v.status}
		if v.agent != nil {
			agent["policy_id"], agent["tags"], agent["local_metadata"] = v.agent.policyID, v.agent.tags, map[string]any{"host": map[string]any{"hostname": v.host.name}}
		}
		return map[string]any{"united": map[string]any{"endpoint": info["metadata"], "agent": agent}}
	})
	if !ok {
		return
	}
	slices.SortStableFunc(views, func(a, b epHostView) int {
		n := strings.Compare(key(a), key(b))
		if dir == "desc" {
			n = -n
		}
		return n
	})
	from, to := platPage(len(views), page, pageSize)
	data := make([]any, 0, to-from)
	for _, v := range views[from:to] {
		data = append(data, k.epHostInfo(v))
	}
	c.ok(map[string]any{"data": data, "total": len(views), "page": page, "pageSize": pageSize, "sortField": sortField, "sortDirection": dir})
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// epHostView finds a host by agent id; nil when answered with a 404.
func (k *Kibana) epHostViewOf(c *call, agentID string) *epHostView {
	for _, v := range k.epHostViews(c.space) {
		if v.host.agentID == agentID {
			return &v
		}
	}
	c.notFound(fmt.Sprintf("Endpoint host [%s] not found", agentID))
	return nil
}

// getEndpointMetadata is GET /api/endpoint/metadata/{id}.
func (k *Kibana) getEndpointMetadata(c *call) {
	if v := k.epHostViewOf(c, c.param("id")); v != nil {
		c.ok(k.epHostInfo(*v))
	}
}

// getPolicyResponse is GET /api/endpoint/policy_response: the response
// the host's Elastic Defend sent when it last applied its policy.
func (k *Kibana) getPolicyResponse(c *call) {
	agentID := c.query("agentId")
	if agentID == "" {
		c.badRequest("[request query.agentId]: expected value of type [string] but got [undefined]")
		return
	}
	var view *epHostView
	for _, v := range k.epHostViews(c.space) {
		if v.host.agentID == agentID {
			view = &v
		}
	}
	if view == nil || view.defend == nil {
		c.notFound(fmt.Sprintf("Policy response for endpoint id [%s] not found", agentID))
		return
	}
	v := *view
	status := v.policyStatus()
	action := func(name, msg, st string) map[string]any {
		return map[string]any{"name": name, "message": msg, "status": st}
	}
	actions := []any{
		action("configure_malware", "Successfully enabled malware prevention", "success"),
		action("configure_ransomware", "Successfully enabled ransomware protection", "success"),
		action("configure_memory_threat", "Successfully enabled memory threat protection", "success"),
		action("configure_behavior_protection", "Successfully enabled behavior protection", "success"),
		action("configure_host_isolation", fmt.Sprintf("Host isolation %s", map[bool]string{true: "enabled", false: "disabled"}[v.host.isolated]), "success"),
	}
	events := "success"
	if status == "failure" {
		msg := "Failed to start the kernel events source"
		if v.agent != nil && v.agent.failing != "" {
			msg = strings.TrimPrefix(v.agent.failing, "Elastic Defend: ")
		}
		actions = append(actions, action("configure_kernel", msg, "failure"))
		events = "failure"
	} else {
		actions = append(actions, action("configure_kernel", "Successfully configured kernel events", "success"))
	}
	conf := func(st string, names ...string) map[string]any {
		return map[string]any{"status": st, "concerned_actions": names}
	}
	pp := v.defend
	c.ok(map[string]any{"policy_response": map[string]any{
		"@timestamp":  v.seen.UnixMilli(),
		"agent":       map[string]any{"id": agentID, "version": epAgentVersion(v)},
		"elastic":     map[string]any{"agent": map[string]any{"id": agentID}},
		"ecs":         map[string]any{"version": "8.11.0"},
		"host":        map[string]any{"id": k.epHostInfo(v)["metadata"].(map[string]any)["host"].(map[string]any)["id"]},
		"event":       map[string]any{"created": v.seen.UnixMilli(), "kind": "state", "category": []any{"host"}, "type": []any{"change"}, "module": "endpoint", "action": "endpoint_policy_response", "dataset": "endpoint.policy", "agent_id_status": "verified"},
		"data_stream": map[string]any{"type": "metrics", "dataset": "endpoint.policy", "namespace": "default"},
		"Endpoint": map[string]any{"policy": map[string]any{"applied": map[string]any{
			"id": pp.id, "name": pp.name, "status": status, "version": pp.revision + 1, "endpoint_policy_version": pp.revision,
			"actions": actions,
			"response": map[string]any{"configurations": map[string]any{
				"malware":             conf("success", "configure_malware"),
				"ransomware":          conf("success", "configure_ransomware"),
				"memory_protection":   conf("success", "configure_memory_threat"),
				"behavior_protection": conf("success", "configure_behavior_protection"),
				"host_isolation":      conf("success", "configure_host_isolation"),
				"events":              conf(events, "configure_kernel"),
			}},
			"artifacts": map[string]any{
				"global": map[string]any{"version": "2025-03-01", "identifiers": []any{map[string]any{"name": "diagnostic-configuration-v1", "sha256": "5d6f3c2a"}, map[string]any{"name": "endpoint-exceptionlist-" + v.host.os + "-v1", "sha256": "a1b2c3d4"}}},
				"user":   map[string]any{"version": "1.0.0", "identifiers": []any{map[string]any{"name": "endpoint-trustlist-" + v.host.os + "-v1", "sha256": "e5f6a7b8"}}},
			},
		}}},
	}})
}

// ---- Protection updates notes ----

func (st *endpointState) setNote(packagePolicyID, note string) {
	if st.notes == nil {
		st.notes = map[string]string{}
	}
	st.notes[packagePolicyID] = note
}

func (k *Kibana) getProtectionUpdatesNote(c *call) {
	note, ok := c.space.endpoint.notes[c.param("package_policy_id")]
	if !ok {
		c.notFound(fmt.Sprintf("No note found for package policy [%s]", c.param("package_policy_id")))
		return
	}
	c.ok(map[string]any{"note": note})
}

func (k *Kibana) setProtectionUpdatesNote(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{{name: "note", kind: "string", required: true}}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	note := body["note"].(string)
	c.space.endpoint.setNote(c.param("package_policy_id"), note)
	c.ok(map[string]any{"note": note})
}

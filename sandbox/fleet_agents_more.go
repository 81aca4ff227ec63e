package sandbox

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fleet agents to the end (tools/fleet_agents_more.go): a policy's
// automatic upgrade progress and YAML download, the agents of actions,
// migrating agents to another cluster, the files agents upload, the older
// setup route, and updating an output.
//
// What the sandbox approximates:
//   - A migrated agent that is connected acknowledges at once and leaves
//     this Fleet (unenrolled, reason "migrated"); the others stay pending.
//     No other cluster exists to receive them.
//   - An uploaded diagnostics bundle is a small zip made on request from
//     what the sandbox knows of the agent.
//   - The policy YAML is rendered from the same document get_full_agent_policy
//     answers, keys sorted.

func (k *Kibana) fleetAgentsMoreRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/fleet/agent_policies/{agentPolicyId}/auto_upgrade_agents_status", k.autoUpgradeStatus),
		newRoute(http.MethodGet, "/api/fleet/agent_policies/{agentPolicyId}/download", k.downloadAgentPolicy),
		newRoute(http.MethodPost, "/api/fleet/agents", k.agentsByActions),
		newRoute(http.MethodPost, "/api/fleet/agents/bulk_migrate", k.bulkMigrateAgents),
		newRoute(http.MethodPost, "/api/fleet/agents/{agentId}/migrate", k.migrateAgent),
		newRoute(http.MethodDelete, "/api/fleet/agents/files/{fileId}", k.deleteAgentFile),
		newRoute(http.MethodGet, "/api/fleet/agents/files/{fileId}/{fileName}", k.getAgentFile),
		newRoute(http.MethodPost, "/api/fleet/agents/setup", k.fleetSetup), // the older route of POST /api/fleet/setup, as in Kibana
		newRoute(http.MethodPut, "/api/fleet/outputs/{outputId}", k.updateOutput),
	}
}

// fleetDiagnosticsFile is the story's finished diagnostics bundle, in every
// space (tools' examples name it).
const fleetDiagnosticsFile = "d1a6f0b2-3c4e-4f5a-8b9c-0d1e2f3a4b5c"

// autoUpgradeStatus counts a policy's active agents per version, and the
// agents whose upgrade to a version failed, with the failed actions.
func (k *Kibana) autoUpgradeStatus(c *call) {
	p := lookupPolicy(c)
	if p == nil {
		return
	}
	st := &c.space.fleet
	type versionCount struct {
		agents, failed int
		actions        []string
	}
	counts := map[string]*versionCount{}
	at := func(v string) *versionCount {
		if counts[v] == nil {
			counts[v] = &versionCount{actions: []string{}}
		}
		return counts[v]
	}
	total := 0
	onPolicy := map[string]bool{}
	for _, a := range st.agents.all() {
		if a.policyID != p.id || !a.active || k.agentStatus(st, a) == "inactive" {
			continue
		}
		onPolicy[a.id] = true
		at(a.version).agents++
		total++
	}
	for _, act := range st.actions {
		if act.typ != "UPGRADE" || act.version == "" {
			continue
		}
		for _, f := range act.failed {
			if onPolicy[f.agentID] {
				vc := at(act.version)
				vc.failed++
				if !slices.Contains(vc.actions, act.id) {
					vc.actions = append(vc.actions, act.id)
				}
			}
		}
	}
	versions := slices.SortedFunc(maps.Keys(counts), func(a, b string) int { return fleetVersionCompare(b, a) })
	items := []any{}
	for _, v := range versions {
		vc := counts[v]
		items = append(items, map[string]any{"version": v, "agents": vc.agents, "failedUpgradeAgents": vc.failed, "failedUpgradeActionIds": vc.actions})
	}
	c.ok(map[string]any{"currentVersions": items, "totalAgents": total})
}

// downloadAgentPolicy answers the policy as the YAML file an agent runs,
// as Kibana does (text/x-yaml, an attachment).
func (k *Kibana) downloadAgentPolicy(c *call) {
	full, flags, ok := k.renderPolicy(c)
	if !ok {
		return
	}
	text, name := fleetYAML(full), "elastic-agent.yml"
	if flags["kubernetes"] {
		text, name = k.kubernetesManifest(full), "elastic-agent-standalone-kubernetes.yml"
	}
	c.answered = true
	c.w.Header().Set("Content-Type", "text/x-yaml; charset=utf-8")
	c.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	c.w.WriteHeader(http.StatusOK)
	c.w.Write([]byte(text))
}

// fleetYAML renders a JSON-like document as block YAML, keys sorted.
func fleetYAML(doc any) string {
	var normal any
	raw, _ := json.Marshal(doc)
	json.Unmarshal(raw, &normal)
	var b strings.Builder
	writeYAML(&b, normal, 0)
	return b.String()
}

func writeYAML(b *strings.Builder, v any, indent int) {
	pad := strings.Repeat(" ", indent)
	switch x := v.(type) {
	case map[string]any:
		for _, key := range slices.Sorted(maps.Keys(x)) {
			b.WriteString(pad + yamlScalar(key) + ":")
			writeYAMLValue(b, x[key], indent)
		}
	case []any:
		for _, item := range x {
			if m, ok := item.(map[string]any); ok && len(m) > 0 {
				// "- " takes the place of the first member's indent.
				var inner strings.Builder
				writeYAML(&inner, m, indent+2)
				b.WriteString(pad + "- " + inner.String()[indent+2:])
				continue
			}
			b.WriteString(pad + "-")
			writeYAMLValue(b, item, indent)
		}
	default:
		b.WriteString(pad + yamlScalar(v) + "\n")
	}
}

// writeYAMLValue writes what follows "key:" or "-": a scalar or an empty
// collection on the line, anything else on the lines below, indented.
func writeYAMLValue(b *strings.Builder, v any, indent int) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			b.WriteString(" {}\n")
			return
		}
	case []any:
		if len(x) == 0 {
			b.WriteString(" []\n")
			return
		}
	default:
		b.WriteString(" " + yamlScalar(v) + "\n")
		return
	}
	b.WriteString("\n")
	writeYAML(b, v, indent+2)
}

// yamlScalar writes a scalar: plain when YAML reads it back as the same
// string, else double-quoted (JSON's quoting is YAML's).
func yamlScalar(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if yamlPlain(x) {
			return x
		}
		q, _ := json.Marshal(x)
		return string(q)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// yamlPlain reports whether YAML reads s, unquoted, back as the same
// string: not a number, boolean or null, no indicator (or the $ of a
// variable, which Fleet quotes) first, no comment or
// mapping inside, nothing to trim or escape.
func yamlPlain(s string) bool {
	switch strings.ToLower(s) {
	case "", "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n":
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return false
	}
	if strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`$", rune(s[0])) || strings.TrimSpace(s) != s {
		return false
	}
	return !strings.Contains(s, ": ") && !strings.Contains(s, " #") && !strings.HasSuffix(s, ":") &&
		strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) < 0
}

// agentsByActions lists the agents the actions named were sent to.
func (k *Kibana) agentsByActions(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"actionIds"})
	if !ok {
		return
	}
	ids, _ := b.strings("actionIds", true)
	if b.failed() {
		return
	}
	items := []string{}
	for _, act := range c.space.fleet.actions {
		if !slices.Contains(ids, act.id) {
			continue
		}
		for _, a := range act.agents {
			if !slices.Contains(items, a) {
				items = append(items, a)
			}
		}
	}
	c.ok(map[string]any{"items": items})
}

// migrationSettingKeys are the enroll options a migration takes; a single
// agent's also replace_token.
var migrationSettingKeys = []string{"ca_sha256", "certificate_authorities", "elastic_agent_cert", "elastic_agent_cert_key",
	"elastic_agent_cert_key_passphrase", "headers", "insecure", "proxy_disabled", "proxy_headers", "proxy_url", "staging", "tags"}

// readMigration checks the destination and settings of a migrate body.
func readMigration(b *fleetBody, single bool) {
	uri := b.str("uri", true)
	if b.err == "" {
		if msg := fleetURIError(uri); msg != "" {
			b.fail("uri", msg)
		}
	}
	b.str("enrollment_token", true)
	settings, ok := b.object("settings")
	if !ok {
		return
	}
	keys := migrationSettingKeys
	if single {
		keys = append(slices.Clone(keys), "replace_token")
	}
	for _, key := range slices.Sorted(maps.Keys(settings)) {
		v := settings[key]
		switch {
		case !slices.Contains(keys, key):
			b.fail("settings."+key, "definition for this key is missing")
		case key == "insecure" || key == "proxy_disabled":
			if _, ok := v.(bool); !ok {
				b.typeError("settings."+key, "boolean", v, true)
			}
		case key == "headers" || key == "proxy_headers":
			m, ok := v.(map[string]any)
			if !ok {
				b.typeError("settings."+key, "object", v, true)
			}
			for name, hv := range m {
				if _, ok := hv.(string); !ok {
					b.typeError("settings."+key+"."+name, "string", hv, true)
				}
			}
		case key == "tags":
			tags, ok := v.([]any)
			if !ok {
				b.typeError("settings.tags", "array", v, true)
			}
			for i, t := range tags {
				if _, ok := t.(string); !ok {
					b.typeError(fmt.Sprintf("settings.tags.%d", i), "string", t, true)
				}
			}
		default:
			if _, ok := v.(string); !ok {
				b.typeError("settings."+key, "string", v, true)
			}
		}
	}
}

// migrationRefusal is why Kibana will not migrate an agent, or "".
func (k *Kibana) migrationRefusal(st *fleetState, a *fleetAgent) string {
	p := st.policies.get(a.policyID)
	switch {
	case !a.active:
		return fmt.Sprintf("Agent %s is not active", a.id)
	case p != nil && p.hasFleetServer:
		return fmt.Sprintf("Agent %s cannot be migrated because it is a fleet-server agent", a.id)
	case p != nil && p.isProtected:
		return fmt.Sprintf("Agent %s cannot be migrated because it is protected (tamper protection is on)", a.id)
	}
	return ""
}

// migrate sends a MIGRATE action to agents: connected ones acknowledge
// and leave this Fleet, the others stay pending.
func (k *Kibana) migrate(st *fleetState, agents []*fleetAgent, missing []string) *fleetAction {
	act := k.bulkAction("MIGRATE", missing)
	now := k.cfg.Now().UTC()
	for _, a := range agents {
		if msg := k.migrationRefusal(st, a); msg != "" {
			act.failed = append(act.failed, fleetActionError{agentID: a.id, hostname: a.hostname, message: msg, at: now})
			continue
		}
		act.agents = append(act.agents, a.id)
		switch k.agentStatus(st, a) {
		case "online", "error", "degraded", "updating":
			a.active, a.unenrolledAt, a.auditUnenrolledReason = false, now, "migrated"
			a.lastCheckin = now
		default:
			act.pending = append(act.pending, a.id)
		}
	}
	st.actions = append(st.actions, act)
	return act
}

func (k *Kibana) migrateAgent(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"uri", "enrollment_token", "settings"})
	if !ok {
		return
	}
	readMigration(b, true)
	if b.failed() {
		return
	}
	a := lookupAgent(c)
	if a == nil {
		return
	}
	st := &c.space.fleet
	if msg := k.migrationRefusal(st, a); msg != "" {
		c.badRequest(msg)
		return
	}
	act := k.migrate(st, []*fleetAgent{a}, nil)
	c.ok(map[string]any{"actionId": act.id})
}

func (k *Kibana) bulkMigrateAgents(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"agents", "batchSize", "uri", "enrollment_token", "settings"})
	if !ok {
		return
	}
	agentsMember(b)
	batchSize(b)
	readMigration(b, false)
	if b.failed() {
		return
	}
	agents, missing, ok := k.selectBulkAgents(c, b, false)
	if !ok {
		return
	}
	act := k.migrate(&c.space.fleet, agents, missing)
	c.ok(map[string]any{"actionId": act.id})
}

// agentFile finds an uploaded file by id, with the agent that sent it.
func (st *fleetState) agentFile(id string) (*fleetFile, *fleetAgent) {
	for agentID, files := range st.uploads {
		for _, f := range files {
			if f.id == id {
				return f, st.agents.get(agentID)
			}
		}
	}
	return nil, nil
}

// fileNotFound answers as Kibana does for a file with no stored content
// (unknown, deleted, or still being uploaded).
func fileNotFound(c *call, id string) { c.notFound(fmt.Sprintf("File %s not found", id)) }

func (k *Kibana) getAgentFile(c *call) {
	id := c.param("fileId")
	f, a := c.space.fleet.agentFile(id)
	if f == nil || f.status != "READY" {
		fileNotFound(c, id)
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, text string) {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: f.created})
		w.Write([]byte(text))
	}
	host, version, policy := "unknown", "unknown", "unknown"
	if a != nil {
		host, version, policy = a.hostname, a.version, a.policyID
	}
	add("version.txt", fmt.Sprintf("version: %s\ncommit: 0a1b2c3d\nbuild_time: %s\nsnapshot: false\n", version, f.created.Add(-90*24*time.Hour).Format(time.RFC3339)))
	add("local-config.yaml", fmt.Sprintf("fleet:\n  enabled: true\nagent:\n  id: %s\n  policy_id: %s\n", yamlScalar(f.actionID), yamlScalar(policy)))
	add("state.yaml", fmt.Sprintf("hostname: %s\nmessage: Running\nstate: 2\n", yamlScalar(host)))
	zw.Close()
	c.answered = true
	// Kibana streams the stored chunks as they are; the name is the one asked for.
	c.w.Header().Set("Content-Type", "application/octet-stream")
	c.w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(c.param("fileName"), `"`, "")+`"`)
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(buf.Bytes())
}

func (k *Kibana) deleteAgentFile(c *call) {
	id := c.param("fileId")
	f, _ := c.space.fleet.agentFile(id)
	if f == nil || f.status == "DELETED" {
		fileNotFound(c, id)
		return
	}
	f.status = "DELETED"
	c.ok(map[string]any{"id": id, "deleted": true})
}

// updateOutput changes an output: the members given replace the stored
// ones, and a new type drops the old type's own members.
func (k *Kibana) updateOutput(c *call) {
	st := &c.space.fleet
	id := c.param("outputId")
	o := st.outputs.get(id)
	if o == nil {
		c.notFound(soNotFoundMessage("ingest-outputs", id))
		return
	}
	in, ok := k.readOutput(c, o)
	if !ok {
		return
	}
	if o.isPreconfigured {
		c.badRequest(fmt.Sprintf("Preconfigured output %s cannot be updated outside of kibana config file.", id))
		return
	}
	if in.typ != o.typ {
		kept := append(slices.Clone(outputCommonMembers), outputMembers[in.typ]...)
		for key := range o.members {
			if !slices.Contains(kept, key) {
				delete(o.members, key)
			}
		}
		if secrets, ok := o.members["secrets"].(map[string]any); ok {
			// Only the new type's secrets stay (ssl.key is every type's).
			for key := range secrets {
				if key != "ssl" && !slices.Contains(outputMembers[in.typ], key) {
					delete(secrets, key)
				}
			}
		}
		o.typ, o.preset = in.typ, ""
		if in.typ == "elasticsearch" || in.typ == "remote_elasticsearch" {
			o.preset = "balanced"
		}
	}
	if in.name != "" {
		o.name = in.name
	}
	if _, given := c.body["hosts"]; given {
		o.hosts = in.hosts
	}
	if _, given := c.body["proxy_id"]; given {
		o.proxyID = in.proxyID
	}
	if in.preset != "" {
		o.preset = in.preset
	}
	k.applyOutput(st, o, in, c.body)
	for _, p := range st.policies.all() {
		if st.outputFor(p, false) == o || st.outputFor(p, true) == o {
			k.bumpPolicy(c, p)
		}
	}
	c.ok(map[string]any{"item": o.doc()})
}

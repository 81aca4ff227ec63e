package sandbox

import (
	"math/rand/v2"
	"time"
)

// The story's exception lists: in each space, the IT team's admin hosts and
// the vulnerability scanners (detection lists), and the brute-force rule's
// default list with the VPN health check that kept tripping it; shared by
// all spaces, the Endpoint trusted applications and the Endpoint list
// (endpoint_list.go).

type exSeedList struct {
	listID, typ, name, description string
	tags                           []string
	items                          []exSeedItem
}

type exSeedItem struct {
	itemID, name, description, by, comment string
	entries                                []any
	osTypes, tags                          []string
	expiresInDays                          int // 0: never; negative: already expired
}

func exMatch(field, value string) map[string]any {
	return map[string]any{"type": "match", "field": field, "operator": "included", "value": value}
}

// exSeedLists are a space's single-namespace lists; subnet and domain
// follow the space's alerts (castFor).
func exSeedLists(spaceID string) []exSeedList {
	subnet, domain, jump := "10.20", "acme", []any{"it-jump-01", "it-jump-02"}
	if spaceID == "soc" {
		subnet, domain, jump = "10.40", "northwind", []any{"nw-bastion-01", "nw-bastion-02"}
	}
	return []exSeedList{
		{listID: "trusted-admin-hosts", typ: "detection", name: "Trusted admin hosts",
			description: "Jump hosts and IT admin workstations whose scheduled maintenance looks like lateral movement.",
			tags:        []string{"it-ops"},
			items: []exSeedItem{
				{itemID: "admin-jump-hosts", name: "Admin jump hosts", description: "Interactive admin sessions go through the jump hosts.", by: "aokafor",
					entries: []any{map[string]any{"type": "match_any", "field": "host.name", "operator": "included", "value": jump}},
					comment: "Confirmed with IT: every admin RDP/SSH session starts here."},
				{itemID: "patch-orchestrator", name: "Patch orchestration account", description: "The patching service account runs encoded PowerShell on the admin workstation.", by: "mchen",
					entries: []any{exMatch("host.name", "it-admin-ws-07"), exMatch("user.name", "svc-patching"),
						map[string]any{"type": "wildcard", "field": "process.command_line", "operator": "included", "value": "*Install-WindowsUpdate*"}},
					osTypes: []string{"windows"}},
			}},
		{listID: "vuln-scanner-sources", typ: "detection", name: "Vulnerability scanner sources",
			description: "Authorised scanners whose probes look like brute force and DNS tunnelling.",
			tags:        []string{"scanners", "it-ops"},
			items: []exSeedItem{
				{itemID: "nessus-scanners", name: "Nessus scanners", description: "Scanner addresses kept in the vuln-scanner-ranges value list.", by: "rpatel",
					entries: []any{map[string]any{"type": "list", "field": "source.ip", "operator": "included", "list": map[string]any{"id": "vuln-scanner-ranges", "type": "ip_range"}}}},
				{itemID: "scanner-dns-probes", name: "Scanner DNS probes", description: "Discovery scans resolve long random names under the scan zone.", by: "rpatel",
					entries: []any{map[string]any{"type": "wildcard", "field": "dns.question.name", "operator": "included", "value": "*.scan." + domain + ".internal"},
						map[string]any{"type": "exists", "field": "user.name", "operator": "excluded"}},
					osTypes: []string{"linux"}},
				{itemID: "q1-pentest", name: "Q1 external penetration test", description: "The testers' egress address during the engagement window.", by: "snovak",
					entries:       []any{exMatch("source.ip", subnet+".250.10")},
					expiresInDays: 30, comment: "Remove after the report is in."},
				{itemID: "q4-pentest", name: "Q4 external penetration test", description: "Last quarter's engagement; kept for the record.", by: "snovak",
					entries:       []any{exMatch("source.ip", subnet+".250.11")},
					expiresInDays: -20},
			}},
	}
}

// exAgnosticSeed is the list every space shares.
var exAgnosticSeed = exSeedList{
	listID: "endpoint_trusted_apps", typ: "endpoint_trusted_apps", name: "Endpoint Security Trusted Apps List",
	description: "Endpoint Security Trusted Apps List",
	items: []exSeedItem{
		{itemID: "corp-vpn-client", name: "Corporate VPN client", description: "Signed VPN client; its driver hooks look like injection.", by: "snovak",
			entries: []any{exMatch("process.executable.caseless", `c:\program files\corpvpn\vpnclient.exe`),
				exMatch("process.Ext.code_signature", "CorpVPN Networks Ltd")},
			osTypes: []string{"windows"}, tags: []string{"policy:all"}},
		{itemID: "zoom-macos", name: "Zoom on macOS", description: "Screen sharing reads other processes' memory.", by: "jdoe",
			entries: []any{exMatch("process.executable.caseless", "/applications/zoom.us.app/contents/macos/zoom.us")},
			osTypes: []string{"macos"}, tags: []string{"policy:all"}},
		{itemID: "ansible-runner", name: "Ansible runner", description: "Configuration runs spawn many short shells.", by: "rpatel",
			entries: []any{map[string]any{"type": "wildcard", "field": "process.executable.caseless", "operator": "included", "value": "/opt/ansible/venv/bin/*"}},
			osTypes: []string{"linux"}, tags: []string{"policy:all"}},
	},
}

// seedExceptionLists gives each space its lists and the brute-force rule
// its default list; the default space also holds the shared lists.
func (k *Kibana) seedExceptionLists(sp *space, rng *rand.Rand) {
	now := k.cfg.Now().UTC()
	for _, s := range exSeedLists(sp.id) {
		k.seedExList(&sp.exceptions.single, sp.id, "single", s, now, rng)
	}
	if sp.id == "default" {
		agnostic := k.exStoreFor(sp, "agnostic")
		k.seedExList(agnostic, "agnostic", "agnostic", exAgnosticSeed, now, rng)
		k.seedEndpointList(agnostic, now, rng)
	}
	rule := exDetectionRule(sp, ruleIDIn(sp.id, 0))
	if rule == nil {
		return
	}
	ruleID, _ := rule["id"].(string)
	name, _ := rule["name"].(string)
	user := "svc-vpn-health"
	if sp.id == "soc" {
		user = "customer-ops-monitor"
	}
	l := k.seedExList(&sp.exceptions.single, sp.id, "single", exSeedList{
		listID: exStableID(sp.id + "/rule_default/" + ruleID), typ: "rule_default", name: "Exceptions for rule - " + name,
		description: "Exception list containing exceptions for rule with id: " + ruleID, tags: []string{"default_rule_exception_list"},
		items: []exSeedItem{{itemID: "vpn-health-check", name: "VPN health check", description: "The monitoring probe logs in with a wrong password on purpose.", by: "aokafor",
			entries: []any{exMatch("user.name", user), exMatch("event.outcome", "failure")}, comment: "Probe documented in the VPN runbook."}},
	}, now, rng)
	rule["exceptions_list"] = []any{map[string]any{"id": l.id, "list_id": l.listID, "type": l.typ, "namespace_type": l.ns}}
	k.storeDetectionRule(sp, rule)
}

// seedExList stores one seeded list with stable ids (see exStableID).
func (k *Kibana) seedExList(st *exStore, scope, ns string, s exSeedList, now time.Time, rng *rand.Rand) *exList {
	created := now.Add(-time.Duration(60+rng.IntN(60))*24*time.Hour - time.Duration(rng.IntN(86400))*time.Second)
	stamp := epStamp(created)
	l := &exList{id: exStableID(scope + "/list/" + s.listID), listID: s.listID, typ: s.typ, name: s.name, description: s.description,
		ns: ns, tags: s.tags, version: 1, tieBreaker: k.newID(), seq: st.next(),
		createdAt: stamp, createdBy: "elastic", updatedAt: stamp, updatedBy: "elastic"}
	st.lists = append(st.lists, l)
	for _, si := range s.items {
		at := created.Add(time.Duration(1+rng.IntN(40))*24*time.Hour + time.Duration(rng.IntN(86400))*time.Second)
		if at.After(now) {
			at = now.Add(-time.Hour)
		}
		stamp := epStamp(at)
		it := &exItem{id: exStableID(scope + "/item/" + si.itemID), itemID: si.itemID, listID: s.listID, name: si.name,
			description: si.description, ns: ns, tieBreaker: k.newID(), entries: cfgCloneValue(si.entries).([]any), comments: []any{},
			osTypes: si.osTypes, tags: si.tags, seq: st.next(), createdAt: stamp, createdBy: si.by, updatedAt: stamp, updatedBy: si.by}
		if si.expiresInDays != 0 {
			it.expireTime = epStamp(now.Truncate(24*time.Hour).AddDate(0, 0, si.expiresInDays))
		}
		if si.comment != "" {
			it.comments = []any{map[string]any{"id": exStableID(scope + "/comment/" + si.itemID), "comment": si.comment, "created_at": stamp, "created_by": si.by}}
		}
		st.items = append(st.items, it)
	}
	return l
}

package sandbox

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The entity store's story: the engines each space runs and the entities
// they found, which are the hosts and users of the space's alerts and
// endpoint hosts. Their asset criticality and risk come from the asset
// criticality records and risk scores of the space (entEnrich).

// entSeedSources is the security index list the seeded engines were set
// up with, from before the default list excluded Elastic Cloud's logs: the
// first apply_dataview_indices brings them up to date.
var entSeedSources = slices.DeleteFunc(slices.Clone(entStoreDefaultIndices), func(s string) bool { return strings.HasPrefix(s, "-") })

// entSeedServices are the services each space's service engine found.
var entSeedServices = map[string][]struct{ name, source string }{
	"default": {{"jenkins", "logs-jenkins.log-default"}, {"openvpn", "logs-openvpn.log-default"}},
	"soc":     {{"customer-portal", "traces-apm-default"}, {"veeam-backup", "logs-veeam.log-default"}},
}

// entAlertHit is what an alert tells of when and where an entity was seen.
type entAlertHit struct {
	dataset string
	at      time.Time
}

// entSeen gathers what the story says about one host or user.
type entSeen struct {
	name, ip, domain, source string
	agent                    bool // runs Elastic Defend
	server                   bool
	last                     time.Time
}

func (k *Kibana) seedEntityStore(sp *space, rng *rand.Rand) {
	st := &sp.entityStore
	now := k.cfg.Now().UTC()
	engine := func(typ, status string) {
		st.addEngine(&entEngine{typ: typ, status: status, fieldHistoryLength: 10, lookback: "3h", frequency: "1m", delay: "1m",
			timeout: "180s", timestampField: "@timestamp", docsPerSecond: -1, maxPageSearchSize: 500, enrichInterval: "1h",
			sources: slices.Clone(entSeedSources), docsProcessed: 40000 + rng.IntN(160000), checkpointsApplied: 9000 + rng.IntN(30000)})
	}
	engine("host", "started")
	engine("user", "started")
	// The default space paused its service engine; the SOC runs all three.
	if sp.id == "default" {
		engine("service", "stopped")
	} else {
		engine("service", "started")
	}

	hosts, users := entSeenInStory(sp, now)
	cast := castFor(sp.id, now)
	for _, h := range hosts {
		k.entSeedHost(sp, h, cast, now, rng)
	}
	for _, u := range users {
		k.entSeedUser(sp, u, cast, now, rng)
	}
	for _, s := range entSeedServices[sp.id] {
		last := now.Add(-time.Duration(2+rng.IntN(50)) * time.Minute)
		st.index("service", sp.id).Put(s.name, map[string]any{
			"@timestamp": epStamp(last), "event": map[string]any{"ingested": epStamp(last.Add(40 * time.Second))},
			"entity": map[string]any{"id": s.name, "name": s.name, "type": "Service", "source": s.source, "EngineMetadata": map[string]any{"Type": "service"},
				"lifecycle": map[string]any{"first_seen": epStamp(now.AddDate(0, 0, -60-rng.IntN(200))), "last_activity": epStamp(last)}},
			"service": map[string]any{"name": s.name},
		})
	}
}

// entSeenInStory lists the hosts and users of a space's endpoint hosts and
// alerts, in the order the story meets them.
func entSeenInStory(sp *space, now time.Time) (hosts, users []*entSeen) {
	byHost, byUser := map[string]*entSeen{}, map[string]*entSeen{}
	host := func(name string) *entSeen {
		if byHost[name] == nil {
			byHost[name] = &entSeen{name: name}
			hosts = append(hosts, byHost[name])
		}
		return byHost[name]
	}
	for _, h := range sp.endpoint.hostsInOrder() {
		s := host(h.name)
		s.ip, s.agent, s.source = h.ip, true, "logs-endpoint.events.process-default"
		s.server = strings.Contains(h.osName, "Server") || h.os == "linux"
		s.last = now.Add(-time.Duration(len(h.name)) * time.Minute) // agents check in all the time
	}
	if sp.alerts.index == nil {
		return hosts, users
	}
	for _, d := range sp.alerts.index.Docs {
		f := d.Flat()
		first := func(field string) string {
			if v := f[field]; len(v) > 0 {
				return es.String(v[0])
			}
			return ""
		}
		at, _ := time.Parse(time.RFC3339, first("@timestamp"))
		hit := entAlertHit{dataset: first("event.dataset"), at: at}
		if name := first("host.name"); name != "" {
			s := host(name)
			if s.ip == "" {
				s.ip = first("host.ip")
			}
			s.add(hit)
		}
		if name := first("user.name"); name != "" {
			if byUser[name] == nil {
				byUser[name] = &entSeen{name: name, domain: first("user.domain")}
				users = append(users, byUser[name])
			}
			byUser[name].add(hit)
		}
	}
	return hosts, users
}

func (s *entSeen) add(hit entAlertHit) {
	if hit.at.After(s.last) {
		s.last = hit.at
	}
	if s.source == "" && hit.dataset != "" {
		s.source = "logs-" + hit.dataset + "-default"
	}
}

func (k *Kibana) entSeedHost(sp *space, h *entSeen, cast alertCast, now time.Time, rng *rand.Rand) {
	kind := "workstation"
	if h.server {
		kind = "server"
	}
	source := h.source
	if source == "" {
		source = "logs-system.auth-default"
	}
	hostObj := map[string]any{"name": h.name, "hostname": []any{h.name}, "domain": []any{strings.ToLower(cast.domain) + ".local"},
		"type": []any{kind}, "architecture": []any{"x86_64"}}
	if h.ip != "" {
		hostObj["ip"] = []any{h.ip}
	}
	rec := map[string]any{
		"@timestamp": epStamp(h.last), "event": map[string]any{"ingested": epStamp(h.last.Add(35 * time.Second))},
		"entity": map[string]any{"id": h.name, "name": h.name, "type": "Host", "source": source, "EngineMetadata": map[string]any{"Type": "host"},
			"lifecycle":  map[string]any{"first_seen": epStamp(now.AddDate(0, 0, -90-rng.IntN(400))), "last_activity": epStamp(h.last)},
			"attributes": map[string]any{"managed": h.agent, "asset": h.server}},
		"host": hostObj,
	}
	sp.entityStore.index("host", sp.id).Put(h.name, rec)
}

func (k *Kibana) entSeedUser(sp *space, u *entSeen, cast alertCast, now time.Time, rng *rand.Rand) {
	service := strings.HasPrefix(u.name, "svc-") || strings.HasSuffix(u.name, "-svc") || u.name == "admin"
	userObj := map[string]any{"name": u.name}
	domain := u.domain
	if domain == "" {
		domain = cast.domain
	}
	userObj["domain"] = []any{domain}
	if !service {
		userObj["email"] = []any{u.name + "@" + strings.ToLower(cast.domain) + ".example"}
	}
	entity := map[string]any{"id": u.name, "name": u.name, "type": "Identity", "source": u.source, "EngineMetadata": map[string]any{"Type": "user"},
		"lifecycle":  map[string]any{"first_seen": epStamp(now.AddDate(0, 0, -120-rng.IntN(700))), "last_activity": epStamp(u.last)},
		"attributes": map[string]any{"privileged": service, "mfa_enabled": !service}}
	// The brute-force story's accounts were its victims; the last one
	// logged in from abroad.
	if i := slices.Index(cast.bruteUsers, u.name); i >= 0 {
		entity["behaviors"] = map[string]any{"brute_force_victim": true, "new_country_login": i == len(cast.bruteUsers)-1}
	}
	rec := map[string]any{
		"@timestamp": epStamp(u.last), "event": map[string]any{"ingested": epStamp(u.last.Add(35 * time.Second))},
		"entity": entity, "user": userObj,
	}
	sp.entityStore.index("user", sp.id).Put(u.name, rec)
}

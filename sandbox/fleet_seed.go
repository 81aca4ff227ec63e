package sandbox

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// The seeded Fleet of each space: its settings, agent policies and their
// integrations, the agents of the story's hosts (the same agent ids the
// endpoint area uses for them), recent actions, and installed packages.

// The ids the tools' examples use, seeded in both spaces so that examples
// reach real objects.
const (
	fleetExampleAgentA   = "0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11"
	fleetExampleAgentB   = "5d7b2c0e-8f1a-4e2b-b3c4-9a0d1e2f3a4b"
	fleetWindowsPolicy   = "7f2a1c30-73b2-11ee-a5e3-4bca5f3c1e01"
	fleetEndpointPolicy  = "8a3b2d40-73b2-11ee-a5e3-4bca5f3c1e01"
	fleetLinuxPolicy     = "prod-linux"
	fleetServerPolicy    = "fleet-server-policy"
	fleetNginxPkgPolicy  = "5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01"
	fleetSystemPkgPolicy = "6b2c4de0-73b2-11ee-a5e3-4bca5f3c1e01"
)

// fleetSeedAgent is an agent of the story.
type fleetSeedAgent struct {
	id, host, policy, platform, osName, osVer, ip, version string
	tags                                                   []string
	state                                                  string // online, error, degraded, updating, offline, inactive, unenrolled
	down                                                   time.Duration
	message                                                string
}

func fleetSeedAgents(spaceID string) []fleetSeedAgent {
	const (
		ubuntu, win11, win2022, win2019 = "Ubuntu", "Windows 11 Pro", "Windows Server 2022 Standard", "Windows Server 2019 Datacenter"
		day                             = 24 * time.Hour
	)
	if spaceID == "soc" {
		return []fleetSeedAgent{
			{host: "fleet-01", policy: fleetServerPolicy, platform: "linux", osName: ubuntu, osVer: "22.04.4 LTS (Jammy Jellyfish)", ip: "10.40.0.40", version: "8.17.3", tags: []string{"fleet-server"}, state: "online"},
			{host: "portal-web-01", policy: fleetLinuxPolicy, platform: "linux", osName: ubuntu, osVer: "22.04.4 LTS (Jammy Jellyfish)", ip: "10.40.1.20", version: "8.17.3", tags: []string{"web", "dmz"}, state: "online"},
			{id: fleetExampleAgentA, host: "portal-api-01", policy: fleetLinuxPolicy, platform: "linux", osName: ubuntu, osVer: "22.04.4 LTS (Jammy Jellyfish)", ip: "10.40.1.21", version: "8.17.3", tags: []string{"web", "prod"}, state: "online"},
			{id: fleetExampleAgentB, host: "portal-api-02", policy: fleetLinuxPolicy, platform: "linux", osName: ubuntu, osVer: "22.04.4 LTS (Jammy Jellyfish)", ip: "10.40.1.22", version: "8.16.5", tags: []string{"web", "prod"}, state: "offline", down: 7 * time.Hour},
			{host: "dc-02", policy: fleetEndpointPolicy, platform: "windows", osName: win2019, osVer: "1809", ip: "10.40.0.12", version: "8.17.3", tags: []string{"domain-controller"}, state: "online"},
			{host: "bkp-01", policy: fleetEndpointPolicy, platform: "windows", osName: win2022, osVer: "21H2", ip: "10.40.2.12", version: "8.17.3", tags: []string{"backup", "pci"}, state: "degraded", message: "Elastic Defend: host is isolated from the network"},
			{host: "fin-ws-07", policy: fleetWindowsPolicy, platform: "windows", osName: win11, osVer: "23H2", ip: "10.40.12.7", version: "8.17.3", tags: []string{"finance"}, state: "online"},
			{host: "ea-lt-01", policy: fleetWindowsPolicy, platform: "windows", osName: win11, osVer: "23H2", ip: "10.40.14.1", version: "8.16.5", tags: []string{"executive", "laptop"}, state: "offline", down: 6 * time.Hour},
			{host: "ea-lt-04", policy: fleetWindowsPolicy, platform: "windows", osName: win11, osVer: "23H2", ip: "10.40.14.4", version: "8.16.5", tags: []string{"executive", "laptop"}, state: "updating"},
			{host: "old-bkp-00", policy: fleetEndpointPolicy, platform: "windows", osName: win2019, osVer: "1809", ip: "10.40.2.10", version: "8.14.3", tags: []string{"backup"}, state: "unenrolled", down: 40 * day},
		}
	}
	return []fleetSeedAgent{
		{host: "fleet-01", policy: fleetServerPolicy, platform: "linux", osName: ubuntu, osVer: "22.04.4 LTS (Jammy Jellyfish)", ip: "10.20.0.40", version: "8.17.3", tags: []string{"fleet-server"}, state: "online"},
		{host: "vpn-gw-01", policy: fleetLinuxPolicy, platform: "linux", osName: ubuntu, osVer: "22.04.4 LTS (Jammy Jellyfish)", ip: "198.51.100.10", version: "8.17.3", tags: []string{"dmz", "vpn"}, state: "online"},
		{host: "build-03", policy: fleetLinuxPolicy, platform: "linux", osName: ubuntu, osVer: "22.04.4 LTS (Jammy Jellyfish)", ip: "10.20.9.3", version: "8.16.5", tags: []string{"ci"}, state: "error", message: "Elastic Defend: failed to apply policy: kernel events source unavailable (eBPF probe load failed)"},
		{id: fleetExampleAgentA, host: "web-01", policy: fleetLinuxPolicy, platform: "linux", osName: ubuntu, osVer: "22.04.4 LTS (Jammy Jellyfish)", ip: "10.20.3.11", version: "8.17.3", tags: []string{"web", "prod"}, state: "online"},
		{id: fleetExampleAgentB, host: "web-02", policy: fleetLinuxPolicy, platform: "linux", osName: ubuntu, osVer: "22.04.4 LTS (Jammy Jellyfish)", ip: "10.20.3.12", version: "8.16.5", tags: []string{"web", "prod"}, state: "updating"},
		{host: "db-01", policy: fleetLinuxPolicy, platform: "linux", osName: ubuntu, osVer: "20.04.6 LTS (Focal Fossa)", ip: "10.20.4.21", version: "8.17.3", tags: []string{"database", "prod"}, state: "offline", down: 3 * time.Hour},
		{host: "ws-0142", policy: fleetWindowsPolicy, platform: "windows", osName: win11, osVer: "23H2", ip: "10.20.6.142", version: "8.17.3", tags: []string{"office"}, state: "online"},
		{host: "fin-ws-011", policy: fleetWindowsPolicy, platform: "windows", osName: win11, osVer: "23H2", ip: "10.20.12.11", version: "8.16.5", tags: []string{"finance"}, state: "online"},
		{host: "fin-ws-014", policy: fleetWindowsPolicy, platform: "windows", osName: win11, osVer: "22H2", ip: "10.20.12.14", version: "8.16.4", tags: []string{"finance"}, state: "offline", down: 2 * day},
		{host: "fs-02", policy: fleetEndpointPolicy, platform: "windows", osName: win2022, osVer: "21H2", ip: "10.20.1.16", version: "8.17.3", tags: []string{"file-server", "pci"}, state: "online"},
		{host: "ws-0099", policy: fleetWindowsPolicy, platform: "windows", osName: win11, osVer: "22H2", ip: "10.20.6.99", version: "8.14.3", tags: []string{"office"}, state: "unenrolled", down: 12 * day},
		{host: "ws-0031", policy: fleetWindowsPolicy, platform: "windows", osName: win11, osVer: "22H2", ip: "10.20.6.31", version: "8.14.3", state: "inactive", down: 30 * day},
	}
}

// fleetDomain is a space's internal DNS domain.
func fleetDomain(spaceID string) string {
	if spaceID == "soc" {
		return "northwind.internal"
	}
	return "acme.internal"
}

func (k *Kibana) seedFleet(sp *space, rng *rand.Rand) {
	st := &sp.fleet
	now := k.cfg.Now().UTC()
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	stamp := func(d time.Duration) string { return fleetTime(ago(d)) }
	day := 24 * time.Hour
	domain := fleetDomain(sp.id)

	// Settings.
	st.proxies.put("corp-proxy", &fleetProxy{id: "corp-proxy", name: "Corporate proxy", url: "http://proxy." + domain + ":3128",
		proxyHeaders: map[string]any{"X-Proxy-Client": "elastic-agent"}})
	st.outputs.put("fleet-default-output", &fleetOutput{id: "fleet-default-output", name: "default", typ: "elasticsearch",
		hosts: []string{"https://es." + domain + ":9200"}, isDefault: true, isDefaultMonitoring: true, preset: "balanced",
		members: map[string]any{"ca_sha256": nil, "ca_trusted_fingerprint": nil, "config_yaml": "", "allow_edit": []any{}}})
	st.outputs.put("logstash-dmz", &fleetOutput{id: "logstash-dmz", name: "DMZ Logstash", typ: "logstash",
		hosts: []string{"logstash-dmz." + domain + ":5044"},
		members: map[string]any{"ssl": map[string]any{"certificate_authorities": []any{"-----BEGIN CERTIFICATE-----\nMIIDSjCCAjKgAwIBAgIVAJ...\n-----END CERTIFICATE-----"}, "certificate": "-----BEGIN CERTIFICATE-----\nMIIDQTCCAimgAwIBAgIUX...\n-----END CERTIFICATE-----"},
			"secrets": map[string]any{"ssl": map[string]any{"key": map[string]any{"id": k.newID()}}}, "config_yaml": ""}})
	st.sources.put("fleet-default-download-source", &fleetDownloadSource{id: "fleet-default-download-source", name: "Elastic Artifacts", host: "https://artifacts.elastic.co/downloads/", isDefault: true})
	st.sources.put("artifacts-mirror", &fleetDownloadSource{id: "artifacts-mirror", name: "Artifacts mirror", host: "https://artifacts." + domain + "/downloads/", proxyID: "corp-proxy"})
	st.serverHosts.put("fleet-prod", &fleetServerHost{id: "fleet-prod", name: "Production Fleet Server", hostURLs: []string{"https://fleet." + domain + ":8220"}, isDefault: true})
	st.serverHosts.put("fleet-dr", &fleetServerHost{id: "fleet-dr", name: "DR Fleet Server", hostURLs: []string{"https://fleet-dr." + domain + ":8220"}, proxyID: "corp-proxy"})

	// Installed packages.
	installs := [][2]string{{"endpoint", "8.14.0"}, {"system", "1.60.0"}, {"windows", "2.3.6"}, {"fleet_server", "1.6.0"}, {"elastic_agent", "2.1.1"}, {"nginx", "1.20.0"}}
	for i, in := range installs {
		inst := k.install(st, fleetPackageDef(st, in[0]), in[1], "registry")
		inst.installedAt = stamp(time.Duration(200-i*9) * day)
		inst.updatedAt = stamp(time.Duration(40-i*5) * day)
	}
	// System was upgraded from 1.58.0 (system-3 still runs it), so it can
	// be rolled back.
	st.installs["system"].previousVersion = "1.58.0"
	if sp.id == "soc" {
		st.uncategorised = []string{"logs-generic-default", "logs-portal.access-default"}
	} else {
		st.uncategorised = []string{"logs-generic-default", "logs-acme_payments.audit-default"}
	}

	// Agent policies.
	policy := func(id, name, ns, desc string, age time.Duration) *fleetPolicy {
		p := &fleetPolicy{id: id, name: name, namespace: ns, description: desc, monitoringEnabled: []string{"logs", "metrics"},
			inactivityTimeout: 1209600, revision: 1, updatedAt: stamp(age), updatedBy: "elastic"}
		st.policies.put(id, p)
		return p
	}
	fleetServer := policy(fleetServerPolicy, "Fleet Server policy", "default", "Fleet Server on fleet-01.", 120*day)
	fleetServer.hasFleetServer, fleetServer.isDefaultFleetServer = true, true
	windows := policy(fleetWindowsPolicy, "Windows workstations", "default", "Office laptops and desktops.", 9*day)
	windows.agentFeatures = []any{map[string]any{"name": "fqdn", "enabled": true}}
	windows.isDefault = true
	linux := policy(fleetLinuxPolicy, "Linux servers", "prod", "Web, database and gateway hosts.", 14*day)
	linux.globalDataTags = []any{map[string]any{"name": "team", "value": "platform"}}
	linux.unenrollTimeout = new(int)
	*linux.unenrollTimeout = 86400
	endpointPolicy := policy(fleetEndpointPolicy, "Endpoint Security", "default", "Servers protected by Elastic Defend only.", 20*day)
	endpointPolicy.isProtected = true
	endpointPolicy.advancedSettings = map[string]any{"agent_logging_level": "info"}

	// Package policies.
	addPP := func(id, name, pkg, version string, policies []string, age time.Duration, tune func(*fleetPkgPolicy)) {
		pp := newPkgPolicy(fleetPackageDef(st, pkg), version)
		if id == "" {
			id = k.newID()
		}
		pp.id, pp.name, pp.policyIDs = id, name, policies
		pp.createdAt, pp.createdBy = stamp(age), "elastic"
		pp.updatedAt, pp.updatedBy = stamp(age/2), "elastic"
		if tune != nil {
			tune(pp)
		}
		st.pkgPolicies.put(id, pp)
		for _, pid := range policies {
			st.policies.get(pid).revision++
		}
	}
	disable := func(ids ...string) func(*fleetPkgPolicy) {
		return func(pp *fleetPkgPolicy) {
			for _, id := range ids {
				if in := pp.input(id); in != nil {
					in.enabled = false
				}
			}
		}
	}
	addPP("", "fleet_server-1", "fleet_server", "1.6.0", []string{fleetServerPolicy}, 120*day, nil)
	addPP("", "system-1", "system", "1.60.0", []string{fleetServerPolicy}, 120*day, disable("system-winlog"))
	addPP("", "system-2", "system", "1.60.0", []string{fleetWindowsPolicy}, 90*day, disable("system-logfile"))
	addPP("", "windows-1", "windows", "2.3.6", []string{fleetWindowsPolicy}, 90*day, func(pp *fleetPkgPolicy) {
		pp.input("windows-windows/metrics").enabled = false
	})
	addPP(fleetSystemPkgPolicy, "system-3", "system", "1.58.0", []string{fleetLinuxPolicy}, 150*day, disable("system-winlog"))
	nginxName := "nginx-web"
	if sp.id == "soc" {
		nginxName = "nginx-portal"
	}
	addPP(fleetNginxPkgPolicy, nginxName, "nginx", "1.20.0", []string{fleetLinuxPolicy}, 60*day, func(pp *fleetPkgPolicy) {
		pp.description = "Access and error logs of the web tier."
		pp.input("nginx-nginx/metrics").enabled = false
	})
	addPP("", "Elastic Defend - workstations", "endpoint", "8.14.0", []string{fleetWindowsPolicy}, 80*day, nil)
	addPP("", "Elastic Defend - servers", "endpoint", "8.14.0", []string{fleetLinuxPolicy, fleetEndpointPolicy}, 80*day, nil)

	// Agents, with the endpoint area's agent ids for the same hosts.
	byName := map[string]string{}
	for _, h := range sp.endpoint.hostsInOrder() {
		byName[h.name] = h.agentID
	}
	for i, sa := range fleetSeedAgents(sp.id) {
		id := sa.id
		if id == "" {
			id = byName[sa.host]
		}
		if id == "" {
			id = k.newID()
		}
		p := st.policies.get(sa.policy)
		a := &fleetAgent{
			id: id, policyID: sa.policy, policyRevision: p.revision, hostname: sa.host, platform: sa.platform,
			osName: sa.osName, osVer: sa.osVer, ip: sa.ip, version: sa.version, tags: sa.tags,
			mac:        fmt.Sprintf("00:50:56:%02x:%02x:%02x", rng.IntN(256), rng.IntN(256), i),
			arch:       "x86_64",
			enrolledAt: ago(time.Duration(30+rng.IntN(300))*day + time.Duration(rng.IntN(86400))*time.Second),
			connected:  true, checkinLag: time.Duration(3+rng.IntN(25)) * time.Second,
			checkinStatus: "online", active: true,
			cpu: float64(rng.IntN(3000))/1000 + 0.2, mem: float64(180+rng.IntN(420)) * (1 << 20),
		}
		if sa.platform == "windows" {
			a.kernel = "10.0.22631.3296 (WinBuild.160101.0800)"
		} else {
			a.kernel = "5.15.0-105-generic"
		}
		switch sa.state {
		case "error", "degraded":
			a.checkinStatus, a.checkinMessage, a.failing = sa.state, sa.message, sa.message
		case "offline", "inactive":
			a.connected, a.lastCheckin = false, ago(sa.down)
			if sa.state == "inactive" {
				a.policyRevision = max(1, p.revision-3)
			}
		case "unenrolled":
			a.connected, a.active, a.lastCheckin = false, false, ago(sa.down)
			a.unenrolledAt = ago(sa.down - time.Minute)
			a.policyRevision = max(1, p.revision-2)
		case "updating":
			a.upgradeStartedAt, a.upgradeTarget = ago(11*time.Minute), fleetAgentVersions[0]
		}
		if a.enrolledAt.After(ago(sa.down)) {
			a.enrolledAt = ago(sa.down + 90*day)
		}
		st.agents.put(id, a)
	}

	// Recent actions.
	named := func(host string) *fleetAgent {
		for _, a := range st.agents.all() {
			if a.hostname == host {
				return a
			}
		}
		return nil
	}
	act := func(typ string, age time.Duration, hosts []string, tune func(*fleetAction)) *fleetAction {
		x := &fleetAction{id: k.newID(), typ: typ, created: ago(age)}
		for _, h := range hosts {
			if a := named(h); a != nil {
				x.agents = append(x.agents, a.id)
			}
		}
		if tune != nil {
			tune(x)
		}
		st.actions = append(st.actions, x)
		return x
	}
	diagnostics := func(host string, age time.Duration) {
		a := named(host)
		x := act("REQUEST_DIAGNOSTICS", age, []string{host}, nil)
		if st.uploads == nil {
			st.uploads = map[string][]*fleetFile{}
		}
		k.newID() // the id the bundle had before it was fixed: the ids seeded after it stay as they were
		st.uploads[a.id] = append(st.uploads[a.id], &fleetFile{id: fleetDiagnosticsFile, name: "elastic-agent-diagnostics-" + ago(age).Format("2006-01-02T15-04-05Z") + "-00.zip", actionID: x.id, created: ago(age - 40*time.Second), status: "READY"})
	}
	upgrade := func(host string) {
		a := named(host)
		x := act("UPGRADE", 11*time.Minute, []string{host}, func(x *fleetAction) { x.version = fleetAgentVersions[0] })
		x.id, x.pending = fleetPendingUpgrade, []string{a.id}
		a.upgradeAction = x.id
	}
	if sp.id == "soc" {
		act("FORCE_UNENROLL", 40*day, []string{"old-bkp-00"}, nil)
		act("POLICY_REASSIGN", 20*day, []string{"dc-02", "bkp-01"}, func(x *fleetAction) { x.newPolicyID = fleetEndpointPolicy })
		act("UPDATE_TAGS", 4*day, []string{"bkp-01"}, nil)
		diagnostics("bkp-01", 3*day)
		upgrade("ea-lt-04")
	} else {
		act("UPDATE_TAGS", 30*day, []string{"fin-ws-011", "fin-ws-014"}, nil)
		diagnostics("fs-02", 19*day)
		act("POLICY_REASSIGN", 14*day, []string{"build-03"}, func(x *fleetAction) { x.newPolicyID = fleetLinuxPolicy })
		act("UNENROLL", 12*day, []string{"ws-0099"}, nil)
		act("REQUEST_DIAGNOSTICS", 2*day, []string{"fin-ws-014"}, func(x *fleetAction) {
			x.pending = slices.Clone(x.agents)
			a := named("fin-ws-014")
			if st.uploads == nil {
				st.uploads = map[string][]*fleetFile{}
			}
			st.uploads[a.id] = append(st.uploads[a.id], &fleetFile{id: x.id, name: "elastic-agent-diagnostics-" + ago(2*day).Format("2006-01-02T15-04-05Z") + "-00.zip", actionID: x.id, created: ago(2 * day), status: "IN_PROGRESS"})
		})
		upgrade("web-02")
	}
	k.seedFleetCredentials(sp)
}

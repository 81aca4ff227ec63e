package sandbox

import "math/rand/v2"

// space is one Kibana space and everything stored in it: each area keeps
// its own state, and spaces share nothing.
type space struct {
	id, name string

	cases        casesState
	alerts       alertsState
	rules        rulesState
	connectors   connectorsState
	endpoint     endpointState
	ml           mlState
	assistant    assistantState
	fleet        fleetState
	fleetAdmin   fleetAdminState // fleet_admin.go
	platform     platformState
	exceptions   exceptionListsState
	valueLists   valueListsState
	savedObjs    savedObjectsState
	timelines    timelinesState
	osquery      osqueryState
	assetCrit    assetCriticalityState
	entityStore  entityStoreState
	attackDisc   attackDiscoveryState
	maintenance  maintenanceState  // maintenance.go
	admin        adminState        // platform_admin.go
	slos         sloState          // slos.go
	synthetics   syntheticsState   // synthetics.go
	agentBuilder agentBuilderState // agent_builder_store.go

	// What one area's seed tells the next, so the story hangs together:
	// alerts are raised by the story's rules, cases attach those alerts and
	// push to those connectors.
	seededAlerts     []alertRef
	seededConnectors []connectorRef
}

// addSpace adds an empty space, as creating one through the spaces API
// does. Every area's state must work from its zero value.
func (k *Kibana) addSpace(id, name string) *space {
	sp := &space{id: id, name: name}
	k.spaces[id] = sp
	return sp
}

// removeSpace deletes a space and everything in it.
func (k *Kibana) removeSpace(id string) { delete(k.spaces, id) }

// storyRule is a detection rule of the story. Alerting (as a siem rule) and
// the detection engine both show it, under the same id.
type storyRule struct {
	ID, RuleID, Name, Severity, Query string
	RiskScore                         int
	Tags                              []string
}

// storyRules are the rules behind the story's alerts, the same in every
// space (their ids differ by space: see ruleIDIn).
var storyRules = []storyRule{
	{ID: "", RuleID: "brute-force-logins", Name: "Multiple failed logins followed by success", Severity: "high", RiskScore: 73, Query: "event.category:authentication and event.outcome:failure", Tags: []string{"credential-access"}},
	{ID: "", RuleID: "phishing-link-click", Name: "User clicked a known phishing link", Severity: "medium", RiskScore: 47, Query: "url.domain:* and threat.indicator.type:url", Tags: []string{"phishing", "initial-access"}},
	{ID: "", RuleID: "ransomware-behaviour", Name: "Ransomware-like mass file encryption", Severity: "critical", RiskScore: 99, Query: "file.extension:(locked or crypt) and event.action:rename", Tags: []string{"ransomware", "impact"}},
	{ID: "", RuleID: "suspicious-powershell", Name: "Encoded PowerShell command", Severity: "high", RiskScore: 68, Query: "process.name:powershell.exe and process.args:-enc*", Tags: []string{"execution"}},
	{ID: "", RuleID: "dns-tunneling", Name: "Possible DNS tunneling", Severity: "low", RiskScore: 21, Query: "dns.question.name:* and network.bytes > 4000", Tags: []string{"exfiltration"}},
}

// ruleIDIn is the saved-object id of a story rule in a space.
func ruleIDIn(spaceID string, i int) string {
	return uuidFrom(uint64(len(spaceID))<<32 ^ uint64(spaceID[0])<<40 ^ uint64(i+1)*0x1000193)
}

// alertRef is a detection alert as cases refer to it.
type alertRef struct{ ID, Index, RuleID, RuleName string }

// connectorRef is a connector as cases refer to it.
type connectorRef struct{ ID, Name, Type string }

// allRoutes lists every operation the sandbox answers, area by area.
func (k *Kibana) allRoutes() []route {
	var all []route
	for _, area := range [][]route{
		k.casesRoutes(), k.alertingRoutes(), k.connectorsRoutes(), k.detectionsRoutes(),
		k.endpointRoutes(), k.mlRoutes(), k.assistantRoutes(), k.fleetEPMMoreRoutes(), k.fleetRoutes(), k.fleetAdminRoutes(), k.fleetAgentsMoreRoutes(), k.platformRoutes(),
		k.detectionRulesRoutes(), k.exceptionListsRoutes(), k.valueListsRoutes(), k.savedObjectsRoutes(), k.statusRoutes(),
		k.timelinesRoutes(), k.osqueryRoutes(), k.assetCriticalityRoutes(), k.entityStoreRoutes(), k.attackDiscoveryRoutes(),
		k.agentBuilderRoutes(), k.consoleRoutes(), k.maintenanceRoutes(), k.adminRoutes(),
		k.sloRoutes(), k.syntheticsRoutes(),
		k.streamsRoutes(),
	} {
		all = append(all, area...)
	}
	return all
}

// seed builds the story: two spaces with different data. Rules and
// connectors come first, then the alerts the rules raised, then the cases
// that track those alerts.
func (k *Kibana) seed() {
	for i, s := range []struct{ id, name string }{{"default", "Default"}, {"soc", "Security Operations"}} {
		sp := &space{id: s.id, name: s.name}
		rng := rand.New(rand.NewPCG(uint64(k.cfg.Seed), uint64(i)))
		k.seedRules(sp, rng)
		k.seedConnectors(sp, rng)
		k.seedAlerts(sp, rng)
		k.seedCases(sp, rng)
		k.seedEndpoint(sp, rng)
		k.seedML(sp, rng)
		k.seedAssistant(sp, rng)
		k.seedFleet(sp, rng)
		k.seedPlatform(sp, rng)
		k.seedValueLists(sp, rng)
		k.seedExceptionLists(sp, rng)
		k.seedTimelines(sp, rng)
		k.seedOsquery(sp, rng)
		k.seedAssetCriticality(sp, rng)
		k.seedEntityStore(sp, rng)
		k.seedAttackDiscovery(sp, rng)
		k.seedMaintenance(sp)
		k.seedAdmin(sp)
		k.seedSLOs(sp)
		k.seedSynthetics(sp)
		k.seedAgentBuilder(sp)
		k.spaces[s.id] = sp
	}
}

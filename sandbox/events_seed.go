package sandbox

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The story's raw events: what Elastic Agent, Filebeat and Packetbeat
// wrote into the logs-* data streams, from which the detection rules raised
// the story's alerts. Every alert's source event is here, under the _id and
// in the backing index its kibana.alert.ancestors name, and around it the
// events an analyst pivots to: the failed logins before the one success,
// the process tree of the encoded PowerShell, the mass renames of the
// ransomware, the long DNS queries of the tunnel, and ordinary background
// activity so that a query has something to tell apart.
//
// Events are deterministic from the seed and placed relative to the
// sandbox's clock. Elasticsearch is one cluster for every space, so both
// spaces' stories share the data streams (their hosts differ).

// eventStreams are the data streams the sandbox holds, with their dataset
// and the module that writes them.
var eventStreams = []struct{ name, dataset, module, agent string }{
	{"logs-system.auth-default", "system.auth", "system", "filebeat"},
	{"logs-endpoint.events.process-default", "endpoint.events.process", "endpoint", "endpoint"},
	{"logs-endpoint.events.network-default", "endpoint.events.network", "endpoint", "endpoint"},
	{"logs-endpoint.events.file-default", "endpoint.events.file", "endpoint", "endpoint"},
	{"logs-network_traffic.dns-default", "network_traffic.dns", "network_traffic", "packetbeat"},
	{"logs-network_traffic.http-default", "network_traffic.http", "network_traffic", "packetbeat"},
	// what real detection and hunting content reads besides (events_winlog.go, events_cloud.go)
	{"logs-endpoint.events.registry-default", "endpoint.events.registry", "endpoint", "endpoint"},
	{"logs-endpoint.events.library-default", "endpoint.events.library", "endpoint", "endpoint"},
	{"logs-system.security-default", "system.security", "system", "filebeat"},
	{"logs-windows.sysmon_operational-default", "windows.sysmon_operational", "windows", "filebeat"},
	{"logs-windows.powershell_operational-default", "windows.powershell_operational", "windows", "filebeat"},
	{"logs-system.syslog-default", "system.syslog", "system", "filebeat"},
	{"logs-aws.cloudtrail-default", "aws.cloudtrail", "aws", "filebeat"},
	{"logs-okta.system-default", "okta.system", "okta", "filebeat"},
	{"logs-azure.signinlogs-default", "azure.signinlogs", "azure", "filebeat"},
	{"logs-azure.auditlogs-default", "azure.auditlogs", "azure", "filebeat"},
}

// streamOf is the data stream a dataset is written to.
func streamOf(dataset string) string { return "logs-" + dataset + "-default" }

// evGen collects events, stream by stream.
type evGen struct {
	rng     *rand.Rand
	now     time.Time
	streams map[string][]evDoc
	seen    map[string]bool // ids already used
}

type evDoc struct {
	id  string
	at  time.Time
	src map[string]any
}

// add records one event; id "" draws one. The source is given as ECS
// objects; add stamps @timestamp, data_stream, event.kind/dataset/module,
// ecs.version and the agent.
func (g *evGen) add(dataset string, at time.Time, id string, src map[string]any) {
	if at.After(g.now) {
		at = g.now.Add(-time.Duration(1+g.rng.IntN(30)) * time.Second)
	}
	at = at.Truncate(time.Millisecond)
	for id == "" || g.seen[id] {
		id = eventID(g.rng)
	}
	g.seen[id] = true
	module := dataset[:strings.IndexByte(dataset, '.')]
	ev, _ := src["event"].(map[string]any)
	if ev == nil {
		ev = map[string]any{}
		src["event"] = ev
	}
	ev["kind"], ev["dataset"], ev["module"] = "event", dataset, module
	ev["ingested"] = at.Add(time.Duration(800+g.rng.IntN(2500)) * time.Millisecond).Format(es.DateFormat)
	if _, ok := src["agent"]; !ok {
		typ := "endpoint"
		for _, s := range eventStreams {
			if s.dataset == dataset {
				typ = s.agent
			}
		}
		if h, ok := src["host"].(map[string]any); ok {
			src["agent"] = map[string]any{"type": typ, "name": h["name"], "version": "8.17.3"}
		}
	}
	identify(src)
	describeProcess(src)
	src["@timestamp"] = at.Format(es.DateFormat)
	src["data_stream"] = map[string]any{"type": "logs", "dataset": dataset, "namespace": "default"}
	src["ecs"] = map[string]any{"version": "8.11.0"}
	stream := streamOf(dataset)
	g.streams[stream] = append(g.streams[stream], evDoc{id: id, at: at, src: src})
}

// between draws a time in [from, to).
func (g *evGen) between(from, to time.Time) time.Time {
	d := to.Sub(from)
	if d <= 0 {
		return from
	}
	return from.Add(time.Duration(g.rng.Int64N(int64(d))))
}

// storyAlert is one of the story's alerts as the events need it.
type storyAlert struct {
	ruleID   string
	at       time.Time // kibana.alert.original_time: the source event's time
	eventID  string    // kibana.alert.ancestors[0].id
	doc      *es.Doc
	ecs      map[string]any // the source event's ECS objects
	user     string
	outcome  string
	sourceIP string
}

// storyAlerts reads a space's seeded alerts, oldest first.
func storyAlerts(sp *space) []storyAlert {
	if sp.alerts.index == nil {
		return nil
	}
	var out []storyAlert
	for _, d := range sp.alerts.index.Docs {
		a := storyAlert{doc: d, ecs: map[string]any{}}
		a.ruleID, _ = d.Source["kibana.alert.rule.rule_id"].(string)
		s, _ := d.Source["kibana.alert.original_time"].(string)
		a.at, _ = time.Parse(time.RFC3339Nano, s)
		if anc, ok := d.Source["kibana.alert.ancestors"].([]any); ok && len(anc) > 0 {
			if m, ok := anc[0].(map[string]any); ok {
				a.eventID, _ = m["id"].(string)
			}
		}
		for _, k := range []string{"host", "user", "source", "destination", "process", "file", "dns", "network", "url", "event"} {
			if v, ok := d.Source[k]; ok {
				a.ecs[k] = v
			}
		}
		if u, ok := a.ecs["user"].(map[string]any); ok {
			a.user, _ = u["name"].(string)
		}
		if e, ok := a.ecs["event"].(map[string]any); ok {
			a.outcome, _ = e["outcome"].(string)
		}
		if s, ok := a.ecs["source"].(map[string]any); ok {
			a.sourceIP, _ = s["ip"].(string)
		}
		if a.ruleID == "" || a.at.IsZero() || a.eventID == "" {
			continue
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// seedEvents points each alert's ancestor at the backing index that holds
// its source event and readies the cluster's data streams, which are
// built on first use (they cost more than the rest of the seed): from
// what the alerts were at seed time, so the same seed and clock give the
// same events whenever they are built.
func (k *Kibana) seedEvents() {
	now := k.cfg.Now().UTC()
	type story struct {
		cast   alertCast
		alerts []storyAlert
	}
	var stories []story
	for _, id := range []string{"default", "soc"} {
		sp := k.spaces[id]
		if sp == nil {
			continue
		}
		alerts := storyAlerts(sp)
		stories = append(stories, story{castFor(id, now), alerts})
		for _, a := range alerts {
			ev, _ := a.ecs["event"].(map[string]any)
			dataset, _ := ev["dataset"].(string)
			if dataset == "" {
				continue
			}
			anc := []any{map[string]any{"id": a.eventID, "type": "event", "index": backingIndex(streamOf(dataset), now), "depth": 0}}
			v := a.doc.Version
			a.doc.Set("kibana.alert.ancestors", anc)
			a.doc.Version = v
		}
	}
	seed := k.cfg.Seed
	k.esBuild = func() *esCluster {
		g := &evGen{rng: rand.New(rand.NewPCG(uint64(seed), 0xe7e475)), now: now, streams: map[string][]evDoc{}, seen: map[string]bool{}}
		for _, s := range stories {
			g.story(s.cast, s.alerts)
		}
		// The streams added later are drawn after the first six of every
		// space, so that they did not move those.
		for _, s := range stories {
			g.windows(s.cast, s.alerts)
			g.cloud(s.cast, s.alerts)
		}
		return newCluster(g)
	}
}

// backingIndex is the one backing index of a data stream: created, by
// the story, eight days before the sandbox started.
func backingIndex(stream string, now time.Time) string {
	return ".ds-" + stream + "-" + now.AddDate(0, 0, -8).UTC().Format("2006.01.02") + "-000001"
}

// story adds one space's events.
func (g *evGen) story(c alertCast, alerts []storyAlert) {
	by := map[string][]storyAlert{}
	for _, a := range alerts {
		by[a.ruleID] = append(by[a.ruleID], a)
	}
	// Every alert's source event, as the alert copied it.
	for _, a := range alerts {
		src := es.Normalize(a.ecs).(map[string]any)
		ev := src["event"].(map[string]any)
		dataset, _ := ev["dataset"].(string)
		if dataset == "" {
			continue
		}
		g.decorate(c, a, src)
		g.add(dataset, a.at, a.eventID, src)
	}
	g.bruteForce(c, by["brute-force-logins"])
	g.powershell(c, by["suspicious-powershell"])
	g.ransomware(c, by["ransomware-behaviour"])
	g.dnsTunnel(c, by["dns-tunneling"])
	g.background(c)
}

// decorate adds to an alert's source event what the raw event carries and
// the alert did not copy: a message, process entity ids.
func (g *evGen) decorate(c alertCast, a storyAlert, src map[string]any) {
	switch a.ruleID {
	case "brute-force-logins":
		port := 0
		if s, ok := src["source"].(map[string]any); ok {
			port = asIntAny(s["port"])
		}
		src["process"] = map[string]any{"name": "sshd", "pid": 30000 + g.rng.IntN(5000)}
		if a.outcome == "success" {
			src["message"] = fmt.Sprintf("Accepted password for %s from %s port %d ssh2", a.user, a.sourceIP, port)
		} else {
			src["message"] = fmt.Sprintf("Failed password for %s from %s port %d ssh2", a.user, a.sourceIP, port)
		}
	case "suspicious-powershell":
		p, _ := src["process"].(map[string]any)
		if p != nil {
			p["entity_id"] = entityID(g.rng)
			if parent, ok := p["parent"].(map[string]any); ok {
				parent["entity_id"] = psParentEntity(c)
			}
			src["message"] = "Endpoint process event: " + fmt.Sprint(p["command_line"])
		}
	case "ransomware-behaviour":
		if p, ok := src["process"].(map[string]any); ok {
			p["entity_id"] = ransomEntity(c)
		}
		if f, ok := src["file"].(map[string]any); ok {
			src["message"] = "Endpoint file event: rename " + fmt.Sprint(f["path"])
			if path, ok := f["path"].(string); ok {
				f["directory"] = path[:strings.LastIndexByte(path, '\\')]
			}
		}
	case "dns-tunneling":
		if d, ok := src["dns"].(map[string]any); ok {
			if q, ok := d["question"].(map[string]any); ok {
				src["message"] = fmt.Sprintf("DNS query TXT %s", q["name"])
			}
		}
		src["source"] = map[string]any{"ip": c.dnsIP, "port": 30000 + g.rng.IntN(30000)}
		src["process"] = map[string]any{"name": "telemetry-sync", "pid": 4410}
	case "phishing-link-click":
		if u, ok := src["url"].(map[string]any); ok {
			src["message"] = fmt.Sprintf("GET %s", u["full"])
		}
		src["http"] = map[string]any{"request": map[string]any{"method": "GET"}, "response": map[string]any{"status_code": 200}}
	}
}

func asIntAny(v any) int {
	n, _ := es.Float(v)
	return int(n)
}

// entityID is an Elastic Defend process entity id.
func entityID(rng *rand.Rand) string { return eventID(rng) + "AA" }

// Stable entity ids for the long-running processes of the story, so that
// parent links join across events.
func psParentEntity(c alertCast) string { return "ps-parent-" + c.psHost }
func ransomEntity(c alertCast) string   { return "ransom-" + c.fileServer }

// authEvent is a system.auth (sshd) logon attempt on a host.
func (g *evGen) authEvent(c alertCast, host map[string]any, at time.Time, user, src, outcome string) {
	port := 32768 + g.rng.IntN(28000)
	verb := "Failed password for"
	if outcome == "success" {
		verb = "Accepted password for"
	}
	g.add("system.auth", at, "", map[string]any{
		"host":    host,
		"user":    map[string]any{"name": user, "domain": c.domain},
		"source":  map[string]any{"ip": src, "port": port},
		"process": map[string]any{"name": "sshd", "pid": 30000 + g.rng.IntN(5000)},
		"event":   map[string]any{"category": []any{"authentication"}, "type": []any{"start"}, "action": "logged-in", "outcome": outcome},
		"message": fmt.Sprintf("%s %s from %s port %d ssh2", verb, user, src, port),
	})
}

// bruteForce: before each brute-force alert, a burst of failed logins from
// the alert's source against the gateway's accounts; before the success,
// the failures for the account that then got in; after it, its session.
func (g *evGen) bruteForce(c alertCast, alerts []storyAlert) {
	host := hostFields(c.bruteHost, c.bruteIP, c.bruteOS)
	guessed := c.bruteUsers[:len(c.bruteUsers)-1]
	last := c.bruteUsers[len(c.bruteUsers)-1]
	for _, a := range alerts {
		src := a.sourceIP
		if src == "" {
			src = c.attackers[0]
		}
		n := bruteBurst(a) // as the case says (story_facts.go)
		for i := range n {
			at := a.at.Add(-time.Duration(n-i)*time.Duration(8+g.rng.IntN(12))*time.Second - time.Second)
			user := guessed[i%len(guessed)]
			from := c.attackers[i%len(c.attackers)]
			if a.outcome == "success" && i >= n-8 {
				// the attempts right before the success: its account, its source
				user, from = last, src
			}
			g.authEvent(c, host, at, user, from, "failure")
		}
		if a.outcome == "success" {
			// The session that followed: a tunnel opened for the account.
			g.add("system.auth", a.at.Add(2*time.Second), "", map[string]any{
				"host":    host,
				"user":    map[string]any{"name": a.user, "domain": c.domain},
				"source":  map[string]any{"ip": src},
				"process": map[string]any{"name": "sshd", "pid": 30000 + g.rng.IntN(5000)},
				"event":   map[string]any{"category": []any{"session"}, "type": []any{"start"}, "action": "session-opened", "outcome": "success"},
				"message": fmt.Sprintf("pam_unix(sshd:session): session opened for user %s(uid=1003) by (uid=0)", a.user),
			})
			g.add("endpoint.events.network", a.at.Add(time.Duration(3+g.rng.IntN(5))*time.Second), "", map[string]any{
				"host":        host,
				"user":        map[string]any{"name": a.user},
				"source":      map[string]any{"ip": src, "port": 40000 + g.rng.IntN(20000)},
				"destination": map[string]any{"ip": c.bruteIP, "port": 22},
				"process":     map[string]any{"name": "sshd", "pid": 30000 + g.rng.IntN(5000)},
				"network":     map[string]any{"transport": "tcp", "direction": "ingress", "bytes": 4000 + g.rng.IntN(90000)},
				"event":       map[string]any{"category": []any{"network"}, "type": []any{"start"}, "action": "connection_accepted", "outcome": "success"},
				"message":     "Endpoint network event: connection accepted from " + src,
			})
		}
	}
	// Ordinary logons to the gateway over the week.
	for i := range 40 {
		at := g.now.Add(-time.Duration(g.rng.Int64N(int64(7 * 24 * time.Hour))))
		user := []string{"aokafor", "jdoe", "mchen", "snovak", "rpatel"}[i%5]
		g.authEvent(c, host, at, user, fmt.Sprintf("%s.%d.%d", c.subnet, 100+g.rng.IntN(20), 2+g.rng.IntN(250)), "success")
	}
	for range 12 {
		at := g.now.Add(-time.Duration(g.rng.Int64N(int64(7 * 24 * time.Hour))))
		g.authEvent(c, host, at, []string{"aokafor", "jdoe", "root"}[g.rng.IntN(3)], fmt.Sprintf("%s.%d.%d", c.subnet, 100+g.rng.IntN(20), 2+g.rng.IntN(250)), "failure")
	}
}

// processEvent is an Elastic Defend process start.
func (g *evGen) processEvent(c alertCast, host map[string]any, at time.Time, user string, name, exe, cmdline string, pid int, entity string, parentName string, parentPID int, parentEntity string) {
	args := strings.Fields(cmdline)
	anyArgs := make([]any, len(args))
	for i, a := range args {
		anyArgs[i] = a
	}
	g.add("endpoint.events.process", at, "", map[string]any{
		"host": host,
		"user": map[string]any{"name": user, "domain": c.domain},
		"process": map[string]any{
			"name": name, "pid": pid, "executable": exe, "command_line": cmdline, "args": anyArgs, "entity_id": entity,
			"parent": map[string]any{"name": parentName, "pid": parentPID, "entity_id": parentEntity},
		},
		"event":   map[string]any{"category": []any{"process"}, "type": []any{"start"}, "action": "start", "outcome": "success"},
		"message": "Endpoint process event: " + cmdline,
	})
}

// powershell: the tree behind each encoded PowerShell alert (explorer →
// outlook → winword → powershell on a workstation; svchost → wmiprvse →
// powershell on a server), what the PowerShell did next, and the host's
// ordinary processes.
func (g *evGen) powershell(c alertCast, alerts []storyAlert) {
	if len(alerts) == 0 {
		return
	}
	desktop := !strings.HasPrefix(c.psHost, "dc-")
	family := "windows-desktop"
	if !desktop {
		family = "windows"
	}
	host := hostFields(c.psHost, c.psIP, family)
	first := alerts[0].at
	if desktop {
		explorer := entityID(g.rng)
		g.processEvent(c, host, first.Add(-time.Duration(3+g.rng.IntN(3))*time.Hour), c.psUser, "explorer.exe", `C:\Windows\explorer.exe`, `C:\Windows\explorer.exe`, 3120, explorer, "userinit.exe", 2988, entityID(g.rng))
		outlook := entityID(g.rng)
		g.processEvent(c, host, first.Add(-time.Duration(100+g.rng.IntN(60))*time.Minute), c.psUser, "OUTLOOK.EXE", `C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`, `"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE"`, 5240, outlook, "explorer.exe", 3120, explorer)
		g.processEvent(c, host, first.Add(-time.Duration(3+g.rng.IntN(4))*time.Minute), c.psUser, "WINWORD.EXE", `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`,
			`"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\`+c.psUser+`\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\Q7W2KD1X\Invoice_0423.docm" /o ""`,
			5012, psParentEntity(c), "OUTLOOK.EXE", 5240, outlook)
	} else {
		svchost := entityID(g.rng)
		g.processEvent(c, host, first.Add(-26*time.Hour), "SYSTEM", "svchost.exe", `C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k DcomLaunch -p`, 812, svchost, "services.exe", 640, entityID(g.rng))
		g.processEvent(c, host, first.Add(-time.Duration(2+g.rng.IntN(3))*time.Minute), "NETWORK SERVICE", "WmiPrvSE.exe", `C:\Windows\System32\wbem\WmiPrvSE.exe`, `C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`, 2932, psParentEntity(c), "svchost.exe", 812, svchost)
	}
	stage2 := "203.0.113.45"
	if !desktop {
		stage2 = "198.51.100.77"
	}
	for _, a := range alerts {
		p, _ := a.ecs["process"].(map[string]any)
		pid := asIntAny(p["pid"])
		ent := g.streamEntity(a.eventID)
		// What the encoded command did: fetch the second stage, look around.
		g.add("endpoint.events.network", a.at.Add(time.Duration(1+g.rng.IntN(4))*time.Second), "", map[string]any{
			"host":        host,
			"user":        map[string]any{"name": c.psUser, "domain": c.domain},
			"process":     map[string]any{"name": "powershell.exe", "pid": pid, "entity_id": ent},
			"source":      map[string]any{"ip": c.psIP, "port": 49152 + g.rng.IntN(16000)},
			"destination": map[string]any{"ip": stage2, "port": 80},
			"network":     map[string]any{"transport": "tcp", "direction": "egress", "bytes": 900 + g.rng.IntN(60000)},
			"event":       map[string]any{"category": []any{"network"}, "type": []any{"start"}, "action": "connection_attempted", "outcome": "success"},
			"message":     fmt.Sprintf("Endpoint network event: powershell.exe connecting to %s:80", stage2),
		})
		for j, cmd := range []string{`C:\Windows\system32\whoami.exe /all`, `C:\Windows\system32\net.exe group "Domain Admins" /domain`, `C:\Windows\system32\nltest.exe /dclist:` + strings.ToLower(c.domain) + ".local"} {
			name := cmd[strings.LastIndexByte(cmd[:strings.IndexByte(cmd, ' ')], '\\')+1 : strings.IndexByte(cmd, ' ')]
			g.processEvent(c, host, a.at.Add(time.Duration(20+j*15+g.rng.IntN(10))*time.Second), c.psUser, name, cmd[:strings.IndexByte(cmd, ' ')], cmd, 6000+g.rng.IntN(3000), entityID(g.rng), "powershell.exe", pid, ent)
		}
	}
	// The host's ordinary day.
	ordinary := [][2]string{
		{"chrome.exe", `"C:\Program Files\Google\Chrome\Application\chrome.exe"`},
		{"ms-teams.exe", `"C:\Program Files\WindowsApps\MSTeams\ms-teams.exe"`},
		{"svchost.exe", `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`},
		{"OneDrive.exe", `"C:\Users\` + c.psUser + `\AppData\Local\Microsoft\OneDrive\OneDrive.exe" /background`},
		{"conhost.exe", `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`},
	}
	if !desktop {
		ordinary = [][2]string{
			{"dns.exe", `C:\Windows\System32\dns.exe`},
			{"lsass.exe", `C:\Windows\system32\lsass.exe`},
			{"svchost.exe", `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`},
			{"gpupdate.exe", `C:\Windows\system32\gpupdate.exe /target:computer`},
		}
	}
	for i := range 30 {
		o := ordinary[i%len(ordinary)]
		exe := strings.Trim(strings.Fields(o[1])[0], `"`)
		parent, user := "explorer.exe", c.psUser
		if !desktop {
			parent, user = "services.exe", "SYSTEM"
		}
		g.processEvent(c, host, g.now.Add(-time.Duration(g.rng.Int64N(int64(3*24*time.Hour)))), user, o[0], exe, o[1], 1000+g.rng.IntN(9000), entityID(g.rng), parent, 640, "")
	}
}

// streamEntity is the process entity id of an event already added.
func (g *evGen) streamEntity(id string) string {
	for _, d := range g.streams[streamOf("endpoint.events.process")] {
		if d.id == id {
			if p, ok := d.src["process"].(map[string]any); ok {
				s, _ := p["entity_id"].(string)
				return s
			}
		}
	}
	return ""
}

// ransomware: the encryptor's start and what it ran, the mass renames on
// the shares and a ransom note in every folder.
func (g *evGen) ransomware(c alertCast, alerts []storyAlert) {
	if len(alerts) == 0 {
		return
	}
	host := hostFields(c.fileServer, c.fileServerIP, "windows")
	last := alerts[len(alerts)-1].at
	exe := `C:\ProgramData\` + c.ransomProc
	pid := 7712
	if p, ok := alerts[0].ecs["process"].(map[string]any); ok {
		if s, ok := p["executable"].(string); ok {
			exe = s
		}
	}
	start := ransomStart(alerts[0]) // as the texts say (story_facts.go)
	services := entityID(g.rng)
	g.processEvent(c, host, start.Add(-40*time.Minute), c.ransomUser, "schtasks.exe", `C:\Windows\System32\schtasks.exe`, `schtasks.exe /create /tn "Backup Sync" /tr `+exe+` /sc once /st 00:00 /ru `+c.domain+`\`+c.ransomUser, 5120, entityID(g.rng), "cmd.exe", 4400, entityID(g.rng))
	g.processEvent(c, host, start, c.ransomUser, c.ransomProc, exe, exe+` -p `+c.shares[0], pid, ransomEntity(c), "services.exe", 640, services)
	for j, cmd := range []string{`C:\Windows\System32\vssadmin.exe delete shadows /all /quiet`, `C:\Windows\System32\wbadmin.exe delete catalog -quiet`, `C:\Windows\System32\bcdedit.exe /set {default} recoveryenabled No`} {
		bin := cmd[:strings.IndexByte(cmd, ' ')]
		g.processEvent(c, host, start.Add(time.Duration(30+j*20)*time.Second), c.ransomUser, bin[strings.LastIndexByte(bin, '\\')+1:], bin, cmd, 5300+g.rng.IntN(600), entityID(g.rng), c.ransomProc, pid, ransomEntity(c))
	}
	g.add("endpoint.events.network", start.Add(5*time.Second), "", map[string]any{
		"host":        host,
		"user":        map[string]any{"name": c.ransomUser, "domain": c.domain},
		"process":     map[string]any{"name": c.ransomProc, "pid": pid, "entity_id": ransomEntity(c)},
		"source":      map[string]any{"ip": c.fileServerIP, "port": 49152 + g.rng.IntN(16000)},
		"destination": map[string]any{"ip": "185.220.101.34", "port": 443},
		"network":     map[string]any{"transport": "tcp", "direction": "egress", "bytes": 2100 + g.rng.IntN(4000)},
		"event":       map[string]any{"category": []any{"network"}, "type": []any{"start"}, "action": "connection_attempted", "outcome": "success"},
		"message":     fmt.Sprintf("Endpoint network event: %s connecting to 185.220.101.34:443", c.ransomProc),
	})
	names := []string{"Q3-forecast", "contract", "payroll", "board-minutes", "budget", "invoice", "roadmap", "minutes"}
	exts := []string{"xlsx", "docx", "pdf", "pptx"}
	folders := []string{"2024", "2025", "archive", "clients", "hr", "legal"}
	end := last.Add(time.Duration(5+g.rng.IntN(10)) * time.Minute)
	n := 360
	noted := map[string]bool{} // the folders with a ransom note: every one it encrypts in
	ransomNote := func(dir string, at time.Time) {
		note := dir + `\README_RESTORE.txt`
		g.add("endpoint.events.file", at.Add(200*time.Millisecond), "", map[string]any{
			"host":    host,
			"user":    map[string]any{"name": c.ransomUser, "domain": c.domain},
			"process": map[string]any{"name": c.ransomProc, "pid": pid, "executable": exe, "entity_id": ransomEntity(c)},
			"file":    map[string]any{"name": "README_RESTORE.txt", "extension": "txt", "path": note, "directory": dir},
			"event":   map[string]any{"category": []any{"file"}, "type": []any{"creation"}, "action": "creation", "outcome": "success"},
			"message": "Endpoint file event: creation " + note,
		})
	}
	for i := range n {
		at := start.Add(time.Duration(int64(end.Sub(start)) * int64(i) / int64(n))).Add(time.Duration(g.rng.IntN(900)) * time.Millisecond)
		share := c.shares[i%len(c.shares)]
		dir := share + `\` + folders[g.rng.IntN(len(folders))]
		orig := fmt.Sprintf("%s-%04d.%s", names[g.rng.IntN(len(names))], g.rng.IntN(10000), exts[g.rng.IntN(len(exts))])
		name := orig + "." + c.ransExt
		g.add("endpoint.events.file", at, "", map[string]any{
			"host":    host,
			"user":    map[string]any{"name": c.ransomUser, "domain": c.domain},
			"process": map[string]any{"name": c.ransomProc, "pid": pid, "executable": exe, "entity_id": ransomEntity(c), "parent": map[string]any{"name": "services.exe"}},
			"file":    map[string]any{"name": name, "extension": c.ransExt, "path": dir + `\` + name, "directory": dir, "Ext": map[string]any{"original": map[string]any{"path": dir + `\` + orig, "name": orig}}},
			"event":   map[string]any{"category": []any{"file"}, "type": []any{"change"}, "action": "rename", "outcome": "success"},
			"message": "Endpoint file event: rename " + dir + `\` + name,
		})
		if !noted[dir] {
			noted[dir] = true
			ransomNote(dir, at)
		}
	}
	for _, a := range alerts {
		// the share roots, where the alerts' renames are
		if f, ok := a.ecs["file"].(map[string]any); ok {
			path, _ := f["path"].(string)
			if dir := path[:max(strings.LastIndexByte(path, '\\'), 0)]; dir != "" && !noted[dir] {
				noted[dir] = true
				ransomNote(dir, a.at)
			}
		}
	}
	// Ordinary file activity on the server the day before.
	for range 40 {
		at := g.now.Add(-time.Duration(10+g.rng.IntN(30)) * time.Hour)
		dir := c.shares[g.rng.IntN(len(c.shares))] + `\` + folders[g.rng.IntN(len(folders))]
		name := fmt.Sprintf("%s-%04d.%s", names[g.rng.IntN(len(names))], g.rng.IntN(10000), exts[g.rng.IntN(len(exts))])
		g.add("endpoint.events.file", at, "", map[string]any{
			"host":    host,
			"user":    map[string]any{"name": "SYSTEM"},
			"process": map[string]any{"name": "System", "pid": 4},
			"file":    map[string]any{"name": name, "extension": name[strings.LastIndexByte(name, '.')+1:], "path": dir + `\` + name, "directory": dir},
			"event":   map[string]any{"category": []any{"file"}, "type": []any{"change"}, "action": "overwrite", "outcome": "success"},
			"message": "Endpoint file event: overwrite " + dir + `\` + name,
		})
	}
}

// dnsTunnel: around each DNS tunneling alert, a burst of long TXT queries
// to the tunnel domain from the host the rule names; and ordinary lookups
// from the space's hosts.
func (g *evGen) dnsTunnel(c alertCast, alerts []storyAlert) {
	host := hostFields(c.dnsHost, c.dnsIP, "linux")
	for _, a := range alerts {
		n := dnsBurst(a) // as the case says (story_facts.go)
		for i := range n {
			at := a.at.Add(time.Duration(i-n/2) * time.Duration(4+g.rng.IntN(6)) * time.Second)
			label := fmt.Sprintf("%016x%016x", g.rng.Uint64(), g.rng.Uint64())
			name := label[:20+g.rng.IntN(12)] + "." + fmt.Sprintf("%08x", g.rng.Uint32()) + "." + c.tunnelDomain
			g.add("network_traffic.dns", at, "", map[string]any{
				"host":        host,
				"user":        map[string]any{"name": c.dnsUser},
				"process":     map[string]any{"name": "telemetry-sync", "pid": 4410},
				"source":      map[string]any{"ip": c.dnsIP, "port": 30000 + g.rng.IntN(30000)},
				"destination": map[string]any{"ip": c.resolver, "port": 53},
				"dns":         map[string]any{"question": map[string]any{"name": name, "type": "TXT", "registered_domain": c.tunnelDomain[strings.IndexByte(c.tunnelDomain, '.')+1:]}, "response_code": "NOERROR"},
				"network":     map[string]any{"protocol": "dns", "transport": "udp", "bytes": 3000 + g.rng.IntN(6000)},
				"event":       map[string]any{"category": []any{"network"}, "type": []any{"protocol"}, "action": "dns_query", "outcome": "success"},
				"message":     "DNS query TXT " + name,
			})
		}
	}
	type who struct{ host, ip, user, family string }
	clients := []who{{c.dnsHost, c.dnsIP, c.dnsUser, "linux"}, {c.psHost, c.psIP, c.psUser, "windows-desktop"}, {c.fileServer, c.fileServerIP, "SYSTEM", "windows"}}
	for i, u := range c.financeUsers {
		clients = append(clients, who{c.financeHosts[i%len(c.financeHosts)], fmt.Sprintf("%s.4.%d", c.subnet, 11+i*3), u, "windows-desktop"})
	}
	domains := []string{"github.com", "archive.ubuntu.com", "login.microsoftonline.com", "outlook.office365.com", "www.google.com", "update.googleapis.com", "registry.npmjs.org", "teams.microsoft.com", "artifacts.elastic.co", "time.windows.com"}
	for range 150 {
		w := clients[g.rng.IntN(len(clients))]
		name := domains[g.rng.IntN(len(domains))]
		g.add("network_traffic.dns", g.now.Add(-time.Duration(g.rng.Int64N(int64(7*24*time.Hour)))), "", map[string]any{
			"host":        hostFields(w.host, w.ip, w.family),
			"user":        map[string]any{"name": w.user},
			"source":      map[string]any{"ip": w.ip, "port": 30000 + g.rng.IntN(30000)},
			"destination": map[string]any{"ip": c.resolver, "port": 53},
			"dns":         map[string]any{"question": map[string]any{"name": name, "type": "A", "registered_domain": name[strings.LastIndexByte(name[:strings.LastIndexByte(name, '.')], '.')+1:]}, "response_code": "NOERROR"},
			"network":     map[string]any{"protocol": "dns", "transport": "udp", "bytes": 80 + g.rng.IntN(300)},
			"event":       map[string]any{"category": []any{"network"}, "type": []any{"protocol"}, "action": "dns_query", "outcome": "success"},
			"message":     "DNS query A " + name,
		})
	}
}

// background: ordinary web traffic of the finance users (the phishing
// alerts' hosts) and outbound connections of the workstations.
func (g *evGen) background(c alertCast) {
	sites := []string{"sharepoint.com", "www.office.com", "news.ycombinator.com", "www.bbc.co.uk", "intranet." + strings.ToLower(c.domain) + ".local"}
	for i := range 40 {
		n := i % len(c.financeUsers)
		host, ip := c.financeHosts[n%len(c.financeHosts)], fmt.Sprintf("%s.4.%d", c.subnet, 11+n*3)
		site := sites[g.rng.IntN(len(sites))]
		g.add("network_traffic.http", g.now.Add(-time.Duration(g.rng.Int64N(int64(7*24*time.Hour)))), "", map[string]any{
			"host":        hostFields(host, ip, "windows-desktop"),
			"user":        map[string]any{"name": c.financeUsers[n], "domain": c.domain},
			"url":         map[string]any{"domain": site, "path": "/", "full": "https://" + site + "/"},
			"source":      map[string]any{"ip": ip, "port": 49152 + g.rng.IntN(16000)},
			"destination": map[string]any{"ip": fmt.Sprintf("192.0.2.%d", 10+g.rng.IntN(120)), "port": 443},
			"http":        map[string]any{"request": map[string]any{"method": "GET"}, "response": map[string]any{"status_code": 200}},
			"event":       map[string]any{"category": []any{"network", "web"}, "type": []any{"protocol"}, "action": "http_request", "outcome": "success"},
			"message":     "GET https://" + site + "/",
		})
	}
	for range 40 {
		host := hostFields(c.psHost, c.psIP, "windows-desktop")
		dst := fmt.Sprintf("192.0.2.%d", 10+g.rng.IntN(120))
		g.add("endpoint.events.network", g.now.Add(-time.Duration(g.rng.Int64N(int64(3*24*time.Hour)))), "", map[string]any{
			"host":        host,
			"user":        map[string]any{"name": c.psUser, "domain": c.domain},
			"process":     map[string]any{"name": "chrome.exe", "pid": 6608},
			"source":      map[string]any{"ip": c.psIP, "port": 49152 + g.rng.IntN(16000)},
			"destination": map[string]any{"ip": dst, "port": 443},
			"network":     map[string]any{"transport": "tcp", "direction": "egress", "bytes": 2000 + g.rng.IntN(200000)},
			"event":       map[string]any{"category": []any{"network"}, "type": []any{"start"}, "action": "connection_attempted", "outcome": "success"},
			"message":     "Endpoint network event: chrome.exe connecting to " + dst + ":443",
		})
	}
}

package toolsearch

import (
	"slices"
	"strings"
	"sync"
)

// The lexicon maps how analysts talk onto the words Kibana's API uses. It is
// one-way on purpose: documents keep their own words, and a query word adds
// the API words it stands for, at expandedWeight, so a literal match counts
// for more than an inferred one. Keys and meanings are stemmed when the
// tables are built, so "closed" and "closing" find the "close" line.

// synonymGroups: each line lists the words people say, then the API words
// they mean, wherever they stand in a request. A key may be a stopword:
// question words match no text themselves, but "who" asks for users and
// "when" for dates.
var synonymGroups = []struct{ say, means string }{
	// Changes. Most changes to a case are an update of one field.
	{"close closed reopen reopened resolve resolved", "status update"},
	// What gets reopened is mostly a case.
	{"reopen reopened", "case"},
	{"escalate deescalate downgrade bump raise lower prioritize prioritise", "severity update"},
	{"assign unassign reassign", "assignee update"},
	{"rename retitle", "title update"},
	{"change edit modify alter amend adjust fix correct mark move switch replace tweak tune", "update"},
	{"label labels categorize categorise", "tag"},
	{"enable disable activate deactivate", "update enable disable"},
	{"acknowledge ack", "acknowledged status"},
	{"run execute trigger invoke fire", "execute run"},
	{"pause", "suspend disable"},
	// Trying something out before it is live.
	{"test try simulate simulation trial rehearse backtest", "preview"},

	// Reading. Reading verbs do not say whether one thing or a list is
	// wanted; "details" does.
	{"list search browse enumerate lookup query filter", "find"},
	{"view read see display inspect check verify examine review", "get find"},
	{"fetch retrieve detail details info information grab obtain acquire pull", "get"},
	{"kind category flavor flavour variety", "type"},
	{"column columns attribute attributes", "field"},
	// What happened just before or after something is around its time.
	{"around surrounding preceding prior leading", "around"},
	// What a run, a query or an action gave back.
	{"result results output outcome return returned response answer", "result output"},
	{"count total number statistics stats summary overview metrics", "find count stat"},
	// Ranking and grouping are aggregations: "top 10 hosts by alerts",
	// "failed logins per source ip".
	{"top most busiest noisiest biggest aggregate aggregation group grouped breakdown distribution tally histogram trend per", "aggregate count"},
	{"who", "user reporter"},
	{"person people analyst colleague teammate somebody", "user"},
	{"when date time recent recently last week day month yesterday today ago since", "date from to"},

	// Many at once.
	{"many several multiple all these batch mass once", "bulk"},

	// Creating and removing.
	{"new start begin", "create"},
	// Adding a thing that has no add_ tool creates it.
	{"add", "create"},
	{"clone duplicate copy", "copy duplicate"},
	{"open", "status"},
	{"attach link associate", "add attach"},
	{"remove erase purge wipe drop discard destroy clear trash detach unattach strip", "delete"},

	// Cases.
	{"investigation incident ticket", "case"},
	{"note notes remark annotate annotation", "comment"},
	// What someone said or wrote on a case is in its comments.
	{"say said write wrote written", "comment"},
	{"history timeline activity audit changelog trail happen happened", "user action activity"},
	{"evidence attachment upload screenshot dump pcap artifact artefact sample executable exe binary dll", "file"},
	{"reporter reported author opener creator", "reporter"},
	{"priority criticality critical urgent high medium low severe", "severity"},
	{"state progress pending", "status"},
	{"unassigned assignee owner responsible", "assignee"},
	{"setting settings configuration config configure setup preference preferences customize customise", "configuration settings configure"},
	{"automatic automatically auto behaviour behavior", "configuration settings"},

	// External systems.
	{"send forward export sync", "push external"},
	{"ticket ticketing jira servicenow snow itsm resilient swimlane webhook", "push connector external"},
	// Escalating hands a case over, often to another team's system.
	{"escalate escalation", "push"},
	// Messages go out through connectors.
	{"email mail slack teams pagerduty opsgenie page ping message notify", "connector"},
	{"page paging notify notified notifying notification ping pings", "notification"},
	{"integration", "connector package integration"},

	// Alerting and detection.
	{"signal signals", "alert"},
	// A name given in the request is searched for: "the case called …".
	{"titled entitled", "title find"},
	// What was asked of a host is a response action.
	{"request requests", "action"},
	// Alerts correlated into a story are an attack discovery.
	{"correlate correlation story stories chain chains campaign", "attack discovery"},
	// Raw data: what the logs say, searched as events.
	{"log logs event events login logon telemetry", "event esql"},
	{"traffic netflow firewall dns ssh rdp", "event"},
	// Hunting through data, or pivoting on a value, searches it.
	{"grep pivot sift", "find"},
	{"spawn spawned spawning", "process event"},
	{"detection signature analytic analytics", "rule detection"},
	{"silence snooze suppress quiet hush mute", "mute snooze"},
	{"unsilence unsnooze unmute", "unmute"},

	// Endpoint response.
	{"isolate contain quarantine", "isolate"},
	{"unisolate release reconnect", "release unisolate"},
	{"kill terminate", "kill process"},
	// What is typed at a host's prompt is a command.
	{"shell cmd terminal console prompt ipconfig ifconfig whoami netstat nslookup", "command"},
	{"machine computer server device workstation laptop box vm host endpoint agent", "host endpoint agent"},

	// Platform.
	// Entity analytics scores users, hosts and services alike: entities.
	{"user host service", "entity"},
	{"tenant workspace", "space"},
	{"os", "operating system"},
	{"permission permissions privilege privileges access rights admin administrator superuser", "role privilege"},
	{"dataview", "data view"},
	// Kubernetes runs agents as a DaemonSet from a manifest.
	{"daemonset helm", "kubernetes manifest"},
	{"yaml yml", "manifest download"},
	// Freezing a process suspends it.
	{"freeze frozen", "suspend"},
	// Asking an agent or an assistant something is a conversation.
	{"ask asking", "converse chat"},
	// A shortened link is a short URL.
	{"shorten shortened tinyurl permalink shorturl", "short url"},
	// APM marks deployments on a service's timeline as annotations.
	{"deploy deployment rollout", "annotation deployment"},
	{"sourcemap sourcemaps", "source map"},
	{"backup", "export"},
	{"restore load ingest", "import"},
	// Asset criticality levels are impacts (low_impact … extreme_impact).
	{"impact crown jewel", "criticality"},
	// Dashboards and visualizations are saved objects; an exception in a
	// list is an exception item.
	{"dashboard visualization visualisation lens", "saved object"},
	{"exception", "exception item"},
	// Letting known-good activity through is an exception; lists of
	// known-bad values are value lists.
	{"whitelist whitelisted allowlist allowlisted exclude excluded exclusion exempt carve trust trusted", "exception"},
	// Elastic Defend is the endpoint's own protection.
	{"edr antivirus av", "endpoint"},
	{"blocklist blacklist denylist watchlist ioc indicator block ban", "value list"},
	{"download", "file get export"},
	// Elastic's own rules are the prebuilt ones.
	{"elastic official stock builtin ootb", "prebuilt"},
	{"latest newest outdated", "update install"},
	// A folder on a host holds files.
	{"folder directory", "file"},
	{"app solution", "owner"},
}

// verbSenses say what a verb orders when it leads a request: "tag the
// case" means update its tags, "open a case" means create one, while "what
// tags" and "open cases" are about tags and a status. A leading verb's
// senses count fully and the word itself only as much as a synonym.
var verbSenses = []struct{ say, means string }{
	{"close reopen resolve acknowledge ack", "update status"},
	{"escalate deescalate downgrade bump raise lower prioritize prioritise", "update severity"},
	{"assign unassign reassign", "update assignee"},
	{"rename retitle", "update title"},
	{"tag label categorize categorise", "update"},
	// Setting a field of something updates it (set_* tools update too).
	{"set", "update"},
	{"change edit modify alter amend adjust tweak revise fix correct mark move switch", "update"},
	{"open start begin", "create"},
	{"note comment annotate log jot record", "add comment"},
	{"attach link associate", "add attach"},
	{"upload", "add file"},
	{"put place", "add"},
	// Scheduling something new creates it (a maintenance window, a run).
	{"schedule", "create"},
	// Giving an alert or a case to someone assigns it ("give me" shows,
	// see phrases).
	{"give hand", "update assignee"},
	{"grant revoke", "role privilege"},
	{"email mail ping message notify", "run connector"},
	{"send forward export", "push"},
	{"remove erase purge wipe drop discard destroy clear trash unlink detach unattach strip lift undo nuke retire decommission", "delete"},
	{"configure customize customise", "configuration settings"},
	{"shorten", "create"},
	{"freeze", "suspend"},
	{"ask", "converse chat"},
	{"stop halt", "disable"},
	// Letting something through is an exception to what would stop it.
	{"whitelist allowlist exclude exempt carve trust", "create exception"},
	// Writing or building a rule creates one.
	{"write build author craft draft", "create"},
	// Trying out a rule before it is live previews it.
	{"backtest simulate rehearse", "preview"},
	// Hunting searches the events with a query.
	{"hunt", "query esql"},
	// Having alerts correlated generates an attack discovery.
	{"correlate", "generate"},
}

// objectOrders are orders that mean something else for some objects:
// stopping or turning off notifications silences a rule (mute, snooze)
// rather than disabling it, and turning them back on unmutes it. Each
// line: a term the order reads as, a term the rest of the request reads
// as, and what the order then means.
var objectOrders = []struct{ order, object, means string }{
	{"disable", "notification", "mute snooze"},
	{"enable", "notification", "unmute unsnooze"},
	// Giving someone access grants a role; giving them an alert assigns it.
	{"assignee", "privilege", "role privilege put"},
	// Reassigning agents to a policy moves them; reassigning a case
	// changes its assignee.
	{"assignee", "policy", "reassign"},
	// Searching or counting logs and events is a query over them.
	{"find", "event", "query esql"},
	{"count", "event", "query esql count"},
	// Counting alerts searches them with an aggregation.
	{"count", "alert", "search alert aggregate"},
	// Adding a tag to something updates its tags; no tool adds one alone.
	{"add", "tag", "update"},
	{"delete", "tag", "update"},
	// Getting something by its name searches for it: "pull up the case
	// called …".
	{"get", "title", "find"},
}

// leadOrders are like objectOrders, for the verb as typed rather than
// what it reads as: "move" reads as update, and "remove" is related to it,
// but only moving hosts to a policy reassigns them.
var leadOrders = []struct{ lead, object, means string }{
	{"move", "policy", "reassign agent"},
	{"moving", "policy", "reassign agent"},
	{"shift", "policy", "reassign agent"},
}

// phrases are idioms whose words mean something else apart; they are
// replaced by their meaning before anything else reads the request.
var phrases = []struct{ from, to string }{
	{"get rid of", "delete"},
	// Leaving a note is writing one, whatever the verb.
	{"drop a note", "add a note"},
	{"drop a comment", "add a comment"},
	{"drop a line", "add a note"},
	{"leave a note", "add a note"},
	{"leave a comment", "add a comment"},
	{"jot down", "note"},
	// Whether an act went through is its status.
	{"go through", "complete"},
	{"went through", "complete"},
	{"kick off", "run"},
	{"kicked off", "ran"},
	{"throw away", "delete"},
	{"throw out", "delete"},
	// Where the request runs, not what it is about.
	{"in this space", ""},
	{"in the space", ""},
	{"set up", "create configure"},
	{"pull up", "get"},
	{"pull in", "install import"},
	{"pull down", "install download"},
	{"take off", "remove"},
	{"carve out", "carve"},
	{"dry run", "preview"},
	// Set up as a state, not an order: "is fleet set up?".
	{"is set up", "is setup"},
	{"are set up", "are setup"},
	{"been set up", "been setup"},
	{"be set up", "be setup"},
	{"look up", "lookup"},
	{"look at", "view"},
	// Opening what exists is reading it; opening a new one creates it.
	{"open the", "view the"},
	{"open this", "view this"},
	{"open that", "view that"},
	{"open my", "view my"},
	{"open our", "view our"},
	{"turn off", "disable"},
	{"shut down", "disable"},
	{"shut off", "disable"},
	{"spin up", "create"},
	{"clean up", "delete"},
	{"tear down", "delete"},
	{"turn on", "enable"},
	// Back on the network is out of isolation; back on otherwise enables.
	{"back on the network", "reconnect network"},
	{"back onto the network", "reconnect network"},
	{"back to the network", "reconnect network"},
	{"back online", "reconnect network"},
	{"back on", "enable"},
	{"switch on", "enable"},
	{"switch off", "disable"},
	{"how many", "count"},
	{"give me", "show"},
	{"give us", "show"},
	{"back up", "backup"},
	// When the request runs, not what it is about.
	{"right now", "now"},
	// Who may do something is a question of roles.
	{"who can", "which roles permission"},
	{"who may", "which roles permission"},
	{"who has access", "which roles access"},
	{"who has admin", "which roles admin"},
	{"who has rights", "which roles rights"},
	{"in progress", "progress"},
	{"back to open", "reopen"},
	// The time just before or after an alert is around it.
	{"before and after", "around"},
	{"before the alert", "around the alert"},
	{"after the alert", "around the alert"},
	{"before that alert", "around that alert"},
	{"after that alert", "around that alert"},
	{"before this alert", "around this alert"},
	{"after this alert", "around this alert"},
	{"leading up to", "around"},
	{"on the hook", "responsible"},
	{"index pattern", "data view"},
	{"short link", "short url"},
	// What is in a list, a policy or a pack are its items.
	{"whats in", "what items in"},
	{"what s in", "what items in"},
	{"what is in", "what items in"},
	{"what are in", "what items in"},
	// Contractions typed without their apostrophe.
	{"whats", "what is"},
	{"whos", "who is"},
	{"wheres", "where is"},
	{"hows", "how is"},
	// Signing someone out ends their sessions.
	{"log out", "invalidate sessions"},
	{"sign out", "invalidate sessions"},
	{"kick out", "invalidate sessions"},
	{"uptime check", "synthetics monitor"},
	{"uptime checks", "synthetics monitors"},
	{"uptime monitor", "synthetics monitor"},
	{"uptime monitors", "synthetics monitors"},
	{"broken down", "breakdown"},
	{"make a", "create a"},
	{"make an", "create an"},
	{"short links", "short urls"},
	// Fleet's enrollment tokens are its enrollment API keys.
	{"enrollment token", "enrollment key"},
	{"enrollment tokens", "enrollment keys"},
	{"enrolment token", "enrollment key"},
	{"enrolment tokens", "enrollment keys"},
	{"false positive", "closed"},
	{"source map", "sourcemap"},
}

// intent is what a request wants done, read from its leading verb or
// question word, and what an operation does, read from its name.
type intent uint8

const (
	noIntent intent = iota
	readIntent
	writeIntent
	deleteIntent
)

// Intent words are matched unstemmed: "close the case" asks for a change,
// while "closed cases" is a filter and sets no intent.
const (
	readWords = "which what who whom whose when where why how is are was were does do did has have " +
		"list show find get search lookup look see view read fetch retrieve display check count browse tell download pull grab review inspect examine hunt grep pivot"
	// actionVerbs are only ever verbs. Away from the lead of a request they
	// describe rather than order ("which systems can we push to", "when
	// they are pushed"), so there they count as little as a synonym.
	actionVerbs = "create add open make start attach upload send push update change edit modify alter amend adjust tweak revise " +
		"close reopen resolve assign unassign reassign escalate rename bump raise lower enable disable " +
		"mute unmute snooze silence isolate execute fix replace configure save kill terminate install " +
		"upgrade import rotate acknowledge ack invoke stop halt pause email mail ping notify give hand " +
		"nuke uninstall unenroll enroll grant revoke reset restart renew unpin dismiss generate recompute recalculate " +
		"rerun unisolate unblock unsnooze cancel apply correlate backtest simulate rehearse shorten freeze"
	deleteVerbs = "delete remove erase purge wipe drop discard destroy clear unlink detach unattach strip trash lift undo retire decommission"
	// nounVerbs order a change when they lead ("tag the case") but are
	// ordinary nouns elsewhere ("what tags").
	nounVerbs = "new tag label mark move release run trigger set put link write record note comment " +
		"quarantine contain schedule pin copy clone duplicate block whitelist allowlist exclude exempt carve trust swap deploy sync favorite " +
		"log jot build author craft draft shift ask"
)

// onlyNounVerbs are the nounVerbs that are no other kind of intent word.
var onlyNounVerbs = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(nounVerbs) {
		if !strings.Contains(" "+actionVerbs+" "+deleteVerbs+" "+readWords+" ", " "+w+" ") {
			m[w] = true
		}
	}
	return m
})

// questionWords open a question: what it asks is read, not changed.
var questionWords = setOf("which", "what", "who", "whom", "whose", "when", "where", "how",
	"is", "are", "was", "were", "does", "do", "did", "has", "have", "why")

var intentWords = sync.OnceValue(func() map[string]intent {
	m := map[string]intent{}
	add := func(in intent, ws string) {
		for _, w := range strings.Fields(ws) {
			m[w] = in
		}
	}
	add(readIntent, readWords)
	add(writeIntent, actionVerbs+" "+nounVerbs)
	add(deleteIntent, deleteVerbs)
	return m
})

// describingVerbs are the stems of actionVerbs and deleteVerbs, which count
// as little as a synonym unless they lead the request.
var describingVerbs = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(actionVerbs + " " + deleteVerbs) {
		m[stem(w)] = true
	}
	return m
})

// nameVerbs says what an operation does from the first word of its name.
var nameVerbs = map[string]intent{
	"find": readIntent, "get": readIntent, "list": readIntent, "search": readIntent, "read": readIntent,
	"create": writeIntent, "add": writeIntent, "update": writeIntent, "set": writeIntent, "push": writeIntent,
	"delete": deleteIntent, "remove": deleteIntent,
}

// methodIntent is the fallback for names without a known verb.
func methodIntent(method string) intent {
	switch strings.ToUpper(method) {
	case "GET", "HEAD":
		return readIntent
	case "DELETE":
		return deleteIntent
	case "":
		return noIntent
	}
	return writeIntent
}

// synonyms and senses are the tables keyed by stemmed word, built on first
// use: a server that never searches does not pay for them at start-up.
var (
	synonyms = sync.OnceValue(func() map[string][]string { return buildTable(synonymGroups) })
	senses   = sync.OnceValue(func() map[string][]string { return buildTable(verbSenses) })
)

func buildTable(groups []struct{ say, means string }) map[string][]string {
	m := map[string][]string{}
	for _, g := range groups {
		var means []string
		for _, w := range words(g.means) {
			means = append(means, stem(w))
		}
		for _, w := range words(g.say) {
			key := stem(w)
			for _, e := range means {
				if !slices.Contains(m[key], e) {
					m[key] = append(m[key], e)
				}
			}
		}
	}
	return m
}

// applyPhrases replaces idioms in a word list by their meaning.
func applyPhrases(ws []string) []string {
	ws = joinParticles(movedPeople(sourcesOfLogs(ws)))
	out := make([]string, 0, len(ws))
	for i := 0; i < len(ws); {
		if n := beforeGoingLive(ws[i:]); n > 0 {
			// Trying something before it goes live previews it.
			out = append(out, "preview")
			i += n
			continue
		}
		if to, n := phraseAt(ws[i:]); n > 0 {
			out = append(out, strings.Fields(to)...)
			i += n
			continue
		}
		out = append(out, ws[i])
		i++
	}
	return out
}

// goingLive are the verbs that put something to work: what is tried
// "before I enable it" or "before we turn it on" is previewed.
var goingLive = setOf("enable", "enabling", "activate", "activating", "turn", "turning", "switch", "deploy",
	"deploying", "ship", "go", "goes", "going", "push", "pushing", "promote", "release", "roll", "save", "saving")

// beforeGoingLive is the number of words of a phrase like "before I turn
// it on" or "before enabling" at the start of ws, with what follows the
// verb in the clause; 0 when ws starts with none.
func beforeGoingLive(ws []string) int {
	if len(ws) < 2 || ws[0] != "before" {
		return 0
	}
	i := 1
	if stopwords[ws[i]] && i+1 < len(ws) {
		i++ // I, we, it
	}
	if !goingLive[ws[i]] {
		return 0
	}
	// The rest of the phrase is the thing and the particle: "it on",
	// "it live", "to prod".
	n := i + 1
	for n < len(ws) && (stopwords[ws[n]] || ws[n] == "live" || ws[n] == "production") {
		n++
	}
	return n
}

// logNouns name raw data; the word before one says where it comes from.
var logNouns = setOf("logs", "log", "events", "traffic", "telemetry")

// sourcesOfLogs turns "the proxy logs" into "the logs from proxy": the
// source narrows the logs down (see prepositions), so a request about
// proxy logs asks for logs, not for Fleet's proxies.
func sourcesOfLogs(ws []string) []string {
	// From the third word: a source that opens the request is no source
	// of anything before it.
	for i := 2; i < len(ws); i++ {
		prev := ws[i-1]
		if logNouns[ws[i]] && !stopwords[prev] && intentWords()[prev] == noIntent && !logNouns[prev] {
			return slices.Concat(ws[:i-1], []string{ws[i], "from", prev}, ws[i+1:])
		}
	}
	return ws
}

// people are the pronouns naming who is moved on or off a thing.
var people = setOf("me", "myself", "him", "her", "us", "them")

// peopleMoves are the verbs that, with a person as object, take them off
// a thing or put them on it, and the particle saying which way.
var peopleMoves = map[string]map[string]string{
	"take":   {"off": "unassign"},
	"remove": {"from": "unassign", "off": "unassign"},
	"drop":   {"from": "unassign", "off": "unassign"},
	"add":    {"to": "assign", "on": "assign"},
	"put":    {"on": "assign"},
}

// movedPeople reads a leading "take me off …", "remove him from …" or
// "put us on …" as (un)assigning: the thing is what they were or will be
// assigned to, and nothing is deleted or added.
func movedPeople(ws []string) []string {
	if len(ws) < 3 || !people[ws[1]] {
		return ws
	}
	if means, ok := peopleMoves[ws[0]][ws[2]]; ok {
		return append([]string{means, ws[1], "from"}, ws[3:]...)
	}
	return ws
}

// particles are the phrasal verbs whose particle may come after their
// object: "turn the pack off" is "turn off the pack".
var particles = map[string][]string{"turn": {"off", "on"}, "switch": {"off", "on"}, "shut": {"down", "off"},
	"take": {"off"}, "carve": {"out"}, "log": {"out"}, "sign": {"out"}, "kick": {"out"}}

// joinParticles moves the particle of a phrasal verb that leads a clause
// back to its verb, so that the phrases read it: "turn the pack off"
// becomes "turn off the pack".
func joinParticles(ws []string) []string {
	if len(ws) < 3 || particles[ws[0]] == nil || slices.Contains(particles[ws[0]], ws[1]) {
		return ws
	}
	for i := len(ws) - 1; i > 1; i-- {
		if slices.Contains(particles[ws[0]], ws[i]) {
			out := append([]string{ws[0], ws[i]}, ws[1:i]...)
			return append(out, ws[i+1:]...)
		}
	}
	return ws
}

// phrasesByFirst lists, for the first word of each phrase, the indexes
// of the phrases starting with it and their words, in table order.
var phrasesByFirst = sync.OnceValue(func() map[string][]phraseWords {
	out := map[string][]phraseWords{}
	for i, p := range phrases {
		ws := strings.Fields(p.from)
		out[ws[0]] = append(out[ws[0]], phraseWords{i, ws})
	}
	return out
})

type phraseWords struct {
	index int
	words []string
}

// phraseAt is the meaning of the first phrase in the table that ws starts
// with, and its number of words; 0 when none.
func phraseAt(ws []string) (string, int) {
	for _, p := range phrasesByFirst()[ws[0]] {
		if len(p.words) <= len(ws) && slices.Equal(p.words, ws[:len(p.words)]) {
			return phrases[p.index].to, len(p.words)
		}
	}
	return "", 0
}

package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// adAIConnectorTypes are the connector types that can run attack discovery.
var adAIConnectorTypes = []string{".gen-ai", ".bedrock", ".gemini", ".inference"}

func (k *Kibana) generateAttackDiscovery(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	var connectorID string
	if api, ok := z.object(body, "apiConfig", true); ok {
		connectorID, _ = adString(z, api, "apiConfig", "connectorId", true)
		adString(z, api, "apiConfig", "actionTypeId", true)
		adString(z, api, "apiConfig", "defaultSystemPromptId", false)
		adString(z, api, "apiConfig", "model", false)
		if _, given := api["provider"]; given {
			adEnumAt(z, api, "apiConfig", "provider", "OpenAI", "Azure OpenAI", "Other")
		}
	}
	pattern, _ := adString(z, body, "", "alertsIndexPattern", true)
	anonymized, fieldsOK := adAnonymizationFields(z, body)
	size, _ := adNumber(z, body, "", "size", true)
	adEnumAt(z, body, "", "subAction", "invokeAI", "invokeStream")
	connectorName, _ := adString(z, body, "", "connectorName", false)
	startS, _ := adString(z, body, "", "start", false)
	endS, _ := adString(z, body, "", "end", false)
	adString(z, body, "", "model", false)
	filter, _ := z.object(body, "filter", false)
	given := adReplacements(z, body)
	if z.answer(c) || !fieldsOK {
		return
	}
	cn := c.space.connectors.byID[connectorID]
	if cn == nil {
		adError(c, http.StatusNotFound, soNotFoundMessage("action", connectorID))
		return
	}
	if !slices.Contains(adAIConnectorTypes, cn.typeID) {
		adError(c, http.StatusBadRequest, fmt.Sprintf("connector %q is of type %s; attack discovery needs an AI connector (%s)", cn.name, cn.typeID, strings.Join(adAIConnectorTypes, ", ")))
		return
	}
	now := k.cfg.Now().UTC()
	if startS == "" {
		startS = "now-24h"
	}
	if endS == "" {
		endS = "now"
	}
	start, okStart := dateMath(startS, now, false)
	end, okEnd := dateMath(endS, now, true)
	switch {
	case !okStart:
		adError(c, http.StatusBadRequest, fmt.Sprintf("invalid start %q: give an ISO 8601 timestamp or date math such as now-24h", startS))
		return
	case !okEnd:
		adError(c, http.StatusBadRequest, fmt.Sprintf("invalid end %q: give an ISO 8601 timestamp or date math such as now", endS))
		return
	}
	var alerts []adAlert
	if adPatternMatches(pattern, c.space) {
		var filterClause any
		if filter != nil {
			filterClause = filter
		}
		var err error
		if alerts, err = adSelectAlertsFiltered(c.space, start, end, filterClause, int(size), now); err != nil {
			adError(c, http.StatusBadRequest, err.Error())
			return
		}
	}
	if connectorName == "" {
		connectorName = cn.name
	}
	k.adTick(c.space, false)
	started := now.Truncate(time.Millisecond)
	g := &adGeneration{uuid: k.newID(), connectorID: cn.id, connector: connectorName, user: adUser(c),
		start: started, due: started.Add(adDelay), status: "started", alertsContext: len(alerts),
		window: fmt.Sprintf("from %s to %s", startS, endS)}
	if anonymized == nil {
		anonymized = map[string]bool{}
	}
	g.pending = adBuild(c.space, g, alerts, adAnonymizer{fields: anonymized, given: given})
	c.space.attackDisc.generations = append(c.space.attackDisc.generations, g)
	c.ok(map[string]any{"execution_uuid": g.uuid})
}

// adString reads a string member.
func adString(z *zod, m map[string]any, at, key string, required bool) (string, bool) {
	v, ok := m[key]
	if !ok {
		if required {
			z.add(joinDetPath(at, key), "Required")
		}
		return "", false
	}
	s, isStr := v.(string)
	if !isStr {
		z.add(joinDetPath(at, key), "Expected string, received %s", zodType(v))
		return "", false
	}
	return s, true
}

// adNumber reads a number member.
func adNumber(z *zod, m map[string]any, at, key string, required bool) (float64, bool) {
	v, ok := m[key]
	if !ok {
		if required {
			z.add(joinDetPath(at, key), "Required")
		}
		return 0, false
	}
	n, isNum := v.(json.Number)
	if !isNum {
		z.add(joinDetPath(at, key), "Expected number, received %s", zodType(v))
		return 0, false
	}
	f, _ := n.Float64()
	return f, true
}

// adEnumAt reads a required enum member at a path.
func adEnumAt(z *zod, m map[string]any, at, key string, allowed ...string) string {
	v, ok := m[key]
	if !ok {
		z.add(joinDetPath(at, key), "Required")
		return ""
	}
	s, isStr := v.(string)
	if !isStr || !slices.Contains(allowed, s) {
		z.add(joinDetPath(at, key), "Invalid enum value. Expected '%s', received '%s'", strings.Join(allowed, "' | '"), es.String(v))
		return ""
	}
	return s
}

// adAnonymizationFields checks the fields the LLM may see and returns
// those it sees only as placeholders.
func adAnonymizationFields(z *zod, body map[string]any) (map[string]bool, bool) {
	v, ok := body["anonymizationFields"]
	if !ok {
		z.add("anonymizationFields", "Required")
		return nil, false
	}
	list, isList := v.([]any)
	if !isList {
		z.add("anonymizationFields", "Expected array, received %s", zodType(v))
		return nil, false
	}
	anonymized := map[string]bool{}
	good := true
	for i, e := range list {
		at := "anonymizationFields." + strconv.Itoa(i)
		f, isObj := e.(map[string]any)
		if !isObj {
			z.add(at, "Expected object, received %s", zodType(e))
			good = false
			continue
		}
		id, idOK := adString(z, f, at, "id", true)
		if idOK && strings.TrimSpace(id) == "" {
			z.add(at+".id", "No empty strings allowed")
		}
		field, fieldOK := adString(z, f, at, "field", true)
		allowed := adBodyBool(z, f, at, "allowed", true)
		anon := adBodyBool(z, f, at, "anonymized", false)
		for _, key := range []string{"createdAt", "createdBy", "namespace", "timestamp", "updatedAt", "updatedBy"} {
			adString(z, f, at, key, false)
		}
		good = good && idOK && fieldOK
		if fieldOK && allowed && anon {
			anonymized[field] = true
		}
	}
	return anonymized, good
}

// adReplacements reads the placeholders a caller already uses.
func adReplacements(z *zod, body map[string]any) map[string]string {
	v, ok := body["replacements"]
	if !ok {
		return nil
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		z.add("replacements", "Expected object, received %s", zodType(v))
		return nil
	}
	out := map[string]string{}
	for ph, real := range m {
		s, isStr := real.(string)
		if !isStr {
			z.add("replacements."+ph, "Expected string, received %s", zodType(real))
			continue
		}
		out[ph] = s
	}
	return out
}

// adPatternMatches reports whether an index pattern (comma-separated,
// with wildcards) covers the space's alerts index or its alias.
func adPatternMatches(pattern string, sp *space) bool {
	names := []string{alertsIndexName(sp.id), ".alerts-security.alerts-" + sp.id}
	for _, p := range strings.Split(pattern, ",") {
		p = strings.TrimSpace(p)
		for _, n := range names {
			if ok, _ := path.Match(p, n); ok {
				return true
			}
		}
	}
	return false
}

// adAlert is what a generation reads of one alert.
type adAlert struct {
	id, host, user, rule, ruleName string
	risk                           int
	at                             time.Time
	fields                         map[string][]any
}

func adFirst(fields map[string][]any, name string) string {
	if v := fields[name]; len(v) > 0 {
		return es.String(v[0])
	}
	return ""
}

// adSelectAlerts picks the open and acknowledged alerts of a time range,
// riskiest first, as the LLM would be given them.
func adSelectAlerts(sp *space, start, end time.Time, filter any, size int) []adAlert {
	alerts, _ := adSelectAlertsFiltered(sp, start, end, filter, size, end)
	return alerts
}

func adSelectAlertsFiltered(sp *space, start, end time.Time, filter any, size int, now time.Time) ([]adAlert, error) {
	if sp.alerts.index == nil {
		return nil, nil
	}
	docs, err := sp.alerts.index.Matching(filter, now)
	if err != nil {
		return nil, err
	}
	var out []adAlert
	for _, d := range docs {
		f := d.Flat()
		status := adFirst(f, "kibana.alert.workflow_status")
		at, ok := parseDate(adFirst(f, "@timestamp"))
		if !ok || at.Before(start) || at.After(end) || (status != "open" && status != "acknowledged") {
			continue
		}
		risk, _ := strconv.Atoi(adFirst(f, "kibana.alert.risk_score"))
		out = append(out, adAlert{id: d.ID, host: adFirst(f, "host.name"), user: adFirst(f, "user.name"),
			rule: adFirst(f, "kibana.alert.rule.rule_id"), ruleName: adFirst(f, "kibana.alert.rule.name"),
			risk: risk, at: at, fields: f})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].risk != out[j].risk {
			return out[i].risk > out[j].risk
		}
		return out[i].at.After(out[j].at)
	})
	if size > 0 && len(out) > size {
		out = out[:size]
	}
	return out, nil
}

// adAnonymizer says which fields the LLM saw as placeholders, and the
// placeholders the caller already had.
type adAnonymizer struct {
	fields map[string]bool
	given  map[string]string
}

// adAnonymized is the space's anonymized fields as the assistant keeps
// them.
func adAnonymized(sp *space, given map[string]string) adAnonymizer {
	fields := map[string]bool{}
	for _, f := range sp.assistant.fields {
		if f.allowed && f.anonymized {
			fields[f.field] = true
		}
	}
	return adAnonymizer{fields: fields, given: given}
}

// adTactics is MITRE ATT&CK's kill chain order.
var adTactics = []string{"Reconnaissance", "Resource Development", "Initial Access", "Execution", "Persistence", "Privilege Escalation",
	"Defense Evasion", "Credential Access", "Discovery", "Lateral Movement", "Collection", "Command and Control", "Exfiltration", "Impact"}

// adStory is what a discovery says about the alerts of one story rule.
var adStory = map[string]struct{ noun, tactic string }{
	"brute-force-logins":    {"Brute-force logons", "Credential Access"},
	"phishing-link-click":   {"Phishing link clicks", "Initial Access"},
	"ransomware-behaviour":  {"Ransomware encryption", "Impact"},
	"suspicious-powershell": {"Encoded PowerShell", "Execution"},
	"dns-tunneling":         {"DNS tunneling", "Command and Control"},
}

// adBuild links alerts that share a host, a user or a rule into attack
// chains and writes one discovery per chain of two alerts or more, the
// riskiest first (at most five).
func adBuild(sp *space, g *adGeneration, alerts []adAlert, anon adAnonymizer) []*adDiscovery {
	parent := make([]int, len(alerts))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for i, a := range alerts {
		for _, key := range []string{"h:" + a.host, "u:" + a.user, "r:" + a.rule} {
			if len(key) == 2 {
				continue
			}
			if j, seen := owner[key]; seen {
				parent[find(i)] = find(j)
			} else {
				owner[key] = i
			}
		}
	}
	groups := map[int][]adAlert{}
	var roots []int
	for i, a := range alerts {
		r := find(i)
		if _, seen := groups[r]; !seen {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], a)
	}
	var chains [][]adAlert
	for _, r := range roots {
		if len(groups[r]) >= 2 {
			chains = append(chains, groups[r])
		}
	}
	sort.SliceStable(chains, func(i, j int) bool { return adRisk(chains[i]) > adRisk(chains[j]) })
	if len(chains) > 5 {
		chains = chains[:5]
	}
	var out []*adDiscovery
	for i, chain := range chains {
		d := adDescribe(chain)
		d.id = adDiscoveryID(sp.id, g.uuid, i)
		d.generation, d.connectorID, d.connector = g.uuid, g.connectorID, g.connector
		d.user, d.users, d.status = g.user, []string{g.user}, "open"
		d.replacements = anon.placeholders(g.uuid, d)
		out = append(out, d)
	}
	return out
}

func adRisk(alerts []adAlert) int {
	n := 0
	for _, a := range alerts {
		n += a.risk
	}
	return n
}

// adDiscoveryID is a discovery's id: 64 hex digits, like an alert's.
func adDiscoveryID(spaceID, generation string, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("attack-discovery/%s/%s/%d", spaceID, generation, i)))
	return hex.EncodeToString(sum[:])
}

// adSeedID is a seeded object's id, from the space and what it is.
func adSeedID(spaceID, kind string, n int) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "attack-discovery/%s/%s/%d", spaceID, kind, n)
	return uuidFrom(h.Sum64())
}

// placeholders gives each anonymized value in a discovery's pivots a
// placeholder, reusing the caller's.
func (an adAnonymizer) placeholders(generation string, d *adDiscovery) map[string]string {
	out := map[string]string{}
	known := map[string]string{}
	for ph, real := range an.given {
		known[real] = ph
	}
	for _, text := range []string{d.title, d.summary, d.details, d.entitySummary} {
		for _, m := range adPivot().FindAllStringSubmatch(text, -1) {
			field, value := m[1], m[2]
			if !an.fields[field] {
				continue
			}
			ph, ok := known[value]
			if !ok {
				h := fnv.New64a()
				fmt.Fprintf(h, "%s|%s|%s", generation, field, value)
				ph = uuidFrom(h.Sum64())
				known[value] = ph
			}
			out[ph] = value
		}
	}
	return out
}

// adDescribe writes what an LLM would say about one attack chain.
func adDescribe(chain []adAlert) *adDiscovery {
	byRule := map[string][]adAlert{}
	var rules []string
	for _, a := range chain {
		if _, seen := byRule[a.rule]; !seen {
			rules = append(rules, a.rule)
		}
		byRule[a.rule] = append(byRule[a.rule], a)
	}
	tacticOf := func(rule string) string {
		if s, ok := adStory[rule]; ok {
			return s.tactic
		}
		return "Execution"
	}
	sort.SliceStable(rules, func(i, j int) bool {
		return slices.Index(adTactics, tacticOf(rules[i])) < slices.Index(adTactics, tacticOf(rules[j]))
	})
	d := &adDiscovery{risk: adRisk(chain)}
	var nouns []string
	for _, r := range rules {
		if t := tacticOf(r); !slices.Contains(d.tactics, t) {
			d.tactics = append(d.tactics, t)
		}
		noun := byRule[r][0].ruleName
		if s, ok := adStory[r]; ok {
			noun = s.noun
		}
		nouns = append(nouns, noun)
	}
	hosts, users := adRanked(chain, func(a adAlert) string { return a.host }), adRanked(chain, func(a adAlert) string { return a.user })
	lastHost := adRanked(byRule[rules[len(rules)-1]], func(a adAlert) string { return a.host })
	where := ""
	if len(lastHost) > 0 {
		where = " on " + lastHost[0]
	}
	if len(nouns) == 1 {
		d.title = nouns[0] + where
	} else {
		d.title = nouns[0] + " followed by " + strings.ToLower(nouns[len(nouns)-1]) + where
	}
	d.summary = fmt.Sprintf("%d alerts on %s involving %s form one attack chain: %s.",
		len(chain), adPivots("host.name", hosts), adPivots("user.name", users), strings.Join(d.tactics, " → "))
	var details []string
	for _, r := range rules {
		details = append(details, adDetail(byRule[r]))
	}
	d.details = strings.Join(details, "\n")
	d.entitySummary = adPivots("user.name", users[:min(1, len(users))]) + " on " + adPivots("host.name", hosts[:min(1, len(hosts))])
	if len(hosts) > 1 {
		d.entitySummary += fmt.Sprintf(" and %d other host", len(hosts)-1)
		if len(hosts) > 2 {
			d.entitySummary += "s"
		}
	}
	for _, a := range chain {
		d.alertIDs = append(d.alertIDs, a.id)
	}
	return d
}

// adRanked lists the distinct values of alerts, the most frequent first.
func adRanked(alerts []adAlert, of func(adAlert) string) []string {
	counts := map[string]int{}
	var order []string
	for _, a := range alerts {
		v := of(a)
		if v == "" {
			continue
		}
		if counts[v] == 0 {
			order = append(order, v)
		}
		counts[v]++
	}
	sort.SliceStable(order, func(i, j int) bool { return counts[order[i]] > counts[order[j]] })
	return order
}

// adPivots writes values as pivots: at most three, then how many more.
func adPivots(field string, values []string) string {
	var parts []string
	for i, v := range values {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("%d more", len(values)-3))
			break
		}
		parts = append(parts, "{{ "+field+" "+v+" }}")
	}
	if len(parts) == 0 {
		return "unknown"
	}
	return strings.Join(parts, ", ")
}

// adDetail is the bullet about one rule's alerts in a chain.
func adDetail(alerts []adAlert) string {
	first, last := alerts[0].at, alerts[0].at
	for _, a := range alerts {
		if a.at.Before(first) {
			first = a.at
		}
		if a.at.After(last) {
			last = a.at
		}
	}
	values := func(field string) []string {
		return adRanked(alerts, func(a adAlert) string { return adFirst(a.fields, field) })
	}
	line := fmt.Sprintf("* **%s**: %d alerts from %s to %s on %s by %s.", alerts[0].ruleName, len(alerts),
		first.Format("Jan 2 15:04"), last.Format("Jan 2 15:04 MST"),
		adPivots("host.name", values("host.name")), adPivots("user.name", values("user.name")))
	switch alerts[0].rule {
	case "brute-force-logins":
		line += " Sources: " + adPivots("source.ip", values("source.ip")) + "."
		for _, a := range alerts {
			if adFirst(a.fields, "event.outcome") == "success" {
				line += " {{ user.name " + a.user + " }} then logged on successfully."
				break
			}
		}
	case "phishing-link-click":
		line += " The users opened {{ url.domain " + adTop(values("url.domain")) + " }}."
	case "ransomware-behaviour":
		line += fmt.Sprintf(" {{ process.name %s }} renamed files to .%s.", adTop(values("process.name")), adTop(values("file.extension")))
	case "suspicious-powershell":
		line += " {{ process.name powershell.exe }} ran an encoded command, started by " + adPivots("process.parent.name", values("process.parent.name")) + "."
	case "dns-tunneling":
		line += " Long TXT queries went to " + adPivots("dns.question.registered_domain", values("dns.question.registered_domain")) + "."
	}
	return line
}

// adTop is the most frequent value, or "unknown".
func adTop(values []string) string {
	if len(values) == 0 {
		return "unknown"
	}
	return values[0]
}

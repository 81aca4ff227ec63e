package sandbox

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The Security AI Assistant: which alert fields it may send to its LLM
// (allowed) and which of those it replaces with placeholders first
// (anonymized), and its knowledge base.
//
// Like Kibana, a space gets the default anonymization fields the first
// time the assistant's data is used there: a space created empty answers
// its first _find with the defaults; so with the default prompts. Prompts,
// knowledge base entries, conversations and chat are in assistant_store.go,
// assistant_kb.go and assistant_chat.go; a deleted or unknown entry is a 404.

// assistantState holds a space's assistant data. Its zero value has no
// anonymization fields yet (they come on first use) and no knowledge base.
type assistantState struct {
	fields      []*aiAnonField
	fieldsReady bool // the defaults were created
	kb          map[string]*aiKBEntry
	kbOrder     []string // entry ids, oldest first
	kbSetUp     bool     // setup_knowledge_base ran (the story's spaces start so)

	prompts       []*aiPrompt
	promptsReady  bool // the default prompts were created
	conversations []*aiConversation
	obsChats      map[string]int // Observability AI Assistant conversation id → messages kept
}

// aiAnonField is one anonymization field.
type aiAnonField struct {
	id, field            string
	allowed, anonymized  bool
	createdAt, createdBy string
	updatedAt, updatedBy string
}

// aiKBEntry is a knowledge base entry: a document (text, kbResource,
// source, required) or an index (index, field, description,
// queryDescription).
type aiKBEntry struct {
	id, name, typ, text                         string
	kbResource, source                          string
	required, global                            bool
	index, field, description, queryDescription string
	inputSchema, outputFields                   []any // index: what the LLM fills in, and the hit fields it gets
	users                                       []any // index: who may use it, as given; nil: the creator (or, global, everyone)
	createdAt, createdBy, updatedAt, updatedBy  string
}

func (k *Kibana) assistantRoutes() []route {
	return append([]route{
		newRoute(http.MethodGet, "/api/security_ai_assistant/anonymization_fields/_find", k.findAnonymizationFields),
		newRoute(http.MethodDelete, "/api/security_ai_assistant/knowledge_base/entries/{id}", k.deleteKnowledgeBaseEntry),
	}, k.assistantStoreRoutes()...)
}

// aiDefault is a default anonymization field.
type aiDefault struct {
	field               string
	allowed, anonymized bool
}

// aiDefaultFields are Kibana's default anonymization fields: allowed ones
// (some anonymized) and a few it keeps from the LLM, by field name.
var aiDefaultFields = func() []aiDefault {
	anonymized := []string{"host.name", "user.name", "user.target.name", "user.domain"}
	allowed := []string{"_id", "@timestamp", "cloud.availability_zone", "cloud.provider.name", "cloud.region",
		"destination.ip", "dns.question.name", "dns.question.type", "event.action", "event.category", "event.dataset",
		"event.module", "event.outcome", "event.type", "file.Ext.original.path", "file.hash.sha256", "file.name",
		"file.path", "host.asset.criticality", "host.os.name", "host.os.version", "host.risk.calculated_level",
		"kibana.alert.original_event.id", "kibana.alert.risk_score", "kibana.alert.rule.description",
		"kibana.alert.rule.name", "kibana.alert.rule.references", "kibana.alert.rule.threat.tactic.name",
		"kibana.alert.rule.threat.technique.name", "kibana.alert.severity", "kibana.alert.workflow_status", "message",
		"network.protocol", "process.args", "process.exit_code", "process.hash.sha256", "process.name",
		"process.parent.name", "process.pid", "process.working_directory", "source.ip", "user.asset.criticality",
		"user.risk.calculated_level"}
	denied := []string{"host.ip", "host.mac", "user.email", "user.full_name", "process.command_line",
		"process.env_vars", "url.full", "source.geo.city_name"}
	var out []aiDefault
	for _, f := range allowed {
		out = append(out, aiDefault{f, true, false})
	}
	for _, f := range anonymized {
		out = append(out, aiDefault{f, true, true})
	}
	for _, f := range denied {
		out = append(out, aiDefault{f, false, false})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].field < out[j].field })
	return out
}()

// ensureAnonFields creates the default fields of a space on first use.
func (k *Kibana) ensureAnonFields(st *assistantState, user string, at time.Time) {
	if st.fieldsReady {
		return
	}
	st.fieldsReady = true
	stamp := epStamp(at)
	for _, d := range aiDefaultFields {
		k.newID() // drawn, though unused, so that later ids stay as they were
		st.fields = append(st.fields, &aiAnonField{id: aiAnonFieldID(d.field), field: d.field, allowed: d.allowed, anonymized: d.anonymized,
			createdAt: stamp, createdBy: user, updatedAt: stamp, updatedBy: user})
	}
}

// aiAnonFieldID is a default field's id, fixed so that it can be named
// (anon-field-host-name for host.name).
func aiAnonFieldID(field string) string {
	return "anon-field-" + strings.NewReplacer(".", "-", "_", "-", "@", "").Replace(strings.ToLower(field))
}

// aiFieldValue reads an attribute of a field by its index name.
// aiFilterFields are the fields a find filter searches.
var aiFilterFields = []string{"id", "field", "allowed", "anonymized", "created_at", "@timestamp", "updated_at", "created_by", "updated_by", "namespace"}

func aiFieldValue(f *aiAnonField, name string) (any, bool) {
	switch name {
	case "id":
		return f.id, true
	case "field":
		return f.field, true
	case "allowed":
		return f.allowed, true
	case "anonymized":
		return f.anonymized, true
	case "created_at", "@timestamp":
		return f.createdAt, true
	case "updated_at":
		return f.updatedAt, true
	case "created_by":
		return f.createdBy, true
	case "updated_by":
		return f.updatedBy, true
	}
	return nil, false
}

// aiFieldDoc is a field as the API answers it; only lists the attributes
// asked for (by index name), id always.
func aiFieldDoc(f *aiAnonField, namespace string, only []string) map[string]any {
	doc := map[string]any{
		"id": f.id, "timestamp": f.createdAt, "field": f.field, "allowed": f.allowed, "anonymized": f.anonymized,
		"createdAt": f.createdAt, "createdBy": f.createdBy, "updatedAt": f.updatedAt, "updatedBy": f.updatedBy,
		"namespace": namespace,
	}
	if len(only) == 0 {
		return doc
	}
	answer := map[string]string{"field": "field", "allowed": "allowed", "anonymized": "anonymized", "created_at": "createdAt",
		"created_by": "createdBy", "updated_at": "updatedAt", "updated_by": "updatedBy", "namespace": "namespace", "@timestamp": "timestamp"}
	out := map[string]any{"id": f.id}
	for _, name := range only {
		if key, ok := answer[name]; ok {
			out[key] = doc[key]
		}
	}
	return out
}

var aiSortFields = []string{"created_at", "anonymized", "allowed", "field", "updated_at"}

func (k *Kibana) findAnonymizationFields(c *call) {
	page, ok := epZodQueryInt(c, "page", 1, 1)
	if !ok {
		return
	}
	perPage, ok := epZodQueryInt(c, "per_page", 20, 0)
	if !ok {
		return
	}
	sortField, order := c.query("sort_field"), c.query("sort_order")
	if sortField != "" && !slices.Contains(aiSortFields, sortField) {
		c.badRequest("[request query]: sort_field: " + epZodEnum(aiSortFields, sortField))
		return
	}
	if order != "" && order != "asc" && order != "desc" {
		c.badRequest("[request query]: sort_order: " + epZodEnum([]string{"asc", "desc"}, order))
		return
	}
	allData := false
	switch s := c.query("all_data"); s {
	case "", "false":
	case "true":
		allData = true
	default:
		c.badRequest("[request query]: all_data: Expected boolean, received string")
		return
	}
	filter, err := es.KQL(c.query("filter"), es.KQLOptions{CaseInsensitive: true})
	if err != nil {
		c.badRequest(err.Error())
		return
	}
	st := &c.space.assistant
	k.ensureAnonFields(st, epUser(c), k.cfg.Now())
	matched, ok := kqlSelect(c, ".kibana-elastic-ai-assistant-anonymization-fields-"+c.spaceID, filter, nil, st.fields, func(f *aiAnonField) map[string]any {
		return kqlFields(aiFilterFields, func(name string) []string {
			if v, ok := aiFieldValue(f, name); ok {
				return []string{fmt.Sprint(v)}
			}
			if name == "namespace" {
				return []string{c.spaceID}
			}
			return nil
		})
	})
	if !ok {
		return
	}
	if sortField != "" {
		sort.SliceStable(matched, func(i, j int) bool {
			a, _ := aiFieldValue(matched[i], sortField)
			b, _ := aiFieldValue(matched[j], sortField)
			less := fmt.Sprint(a) < fmt.Sprint(b)
			if order == "desc" {
				return fmt.Sprint(a) > fmt.Sprint(b)
			}
			return less
		})
	}
	only := c.queryAll("fields")
	data := []any{}
	for i := (page - 1) * perPage; i < len(matched) && i < page*perPage; i++ {
		data = append(data, aiFieldDoc(matched[i], c.spaceID, only))
	}
	var nAllowed, nAnonymized, nDenied int
	for _, f := range matched {
		switch {
		case f.allowed:
			nAllowed++
		default:
			nDenied++
		}
		if f.anonymized {
			nAnonymized++
		}
	}
	out := map[string]any{
		"page": page, "perPage": perPage, "total": len(matched), "data": data,
		"aggregations": map[string]any{"field_status": map[string]any{"buckets": map[string]any{
			"allowed": map[string]any{"doc_count": nAllowed}, "anonymized": map[string]any{"doc_count": nAnonymized},
			"denied": map[string]any{"doc_count": nDenied},
		}}},
	}
	if allData {
		all := []any{}
		for _, f := range matched {
			all = append(all, aiFieldDoc(f, c.spaceID, only))
		}
		out["all"] = all
	}
	c.ok(out)
}

func (k *Kibana) deleteKnowledgeBaseEntry(c *call) {
	id := c.param("id")
	if strings.TrimSpace(id) == "" {
		c.badRequest("[request params]: id: No empty strings allowed")
		return
	}
	st := &c.space.assistant
	if st.kb[id] == nil {
		c.notFound(fmt.Sprintf("Knowledge Base Entry id [%s] not found", id))
		return
	}
	delete(st.kb, id)
	st.kbOrder = slices.DeleteFunc(st.kbOrder, func(x string) bool { return x == id })
	c.ok(map[string]any{"id": id})
}

// aiSeedKB is the story's knowledge base.
func aiSeedKB(spaceID string) []aiKBEntry {
	if spaceID == "soc" {
		return []aiKBEntry{
			{name: "Backup server isolation runbook", typ: "document", text: "Isolate backup servers from the EDR console first; offline copies are on the tape library."},
			{name: "Service accounts allowed to run PowerShell on DCs", typ: "document", text: "Only svc-sql may run PowerShell on domain controllers, and only from SQL Agent jobs."},
			{name: "Threat intel index", typ: "index", index: "logs-ti_*", field: "threat.indicator.description",
				description: "Threat intelligence indicators from the team's feeds.", queryDescription: "Search it for an IP, domain or hash seen in an alert."},
		}
	}
	return []aiKBEntry{
		{name: "Ransomware response runbook", typ: "document", text: "Isolate the host, kill the encryptor, fetch the ransom note, restore shares from the 01:00 snapshot."},
		{name: "Host naming conventions", typ: "document", text: "ws-NNNN are workstations, fs-NN file servers, build-NN build agents, vpn-gw-NN VPN gateways."},
		{name: "VPN accounts", typ: "document", text: "Service accounts (svc-*) must never log in through the VPN."},
	}
}

// seedAssistant gives a space its default anonymization fields (some
// changed by the team) and its knowledge base.
func (k *Kibana) seedAssistant(sp *space, rng *rand.Rand) {
	st := &sp.assistant
	now := k.cfg.Now().UTC()
	created := now.Add(-time.Duration(60+rng.IntN(30)) * 24 * time.Hour)
	k.ensureAnonFields(st, "elastic", created)
	// Each team changed a few defaults.
	changes := map[string][2]bool{"source.ip": {true, true}, "process.command_line": {true, false}}
	if sp.id == "soc" {
		changes = map[string][2]bool{"user.email": {true, true}, "destination.ip": {true, true}, "message": {false, false}}
	}
	for _, f := range st.fields {
		if ch, ok := changes[f.field]; ok {
			f.allowed, f.anonymized = ch[0], ch[1]
			f.updatedAt = epStamp(created.Add(time.Duration(1+rng.IntN(20)) * 24 * time.Hour))
			f.updatedBy = "aokafor"
		}
	}
	st.kb = map[string]*aiKBEntry{}
	st.kbSetUp = true
	for i, e := range aiSeedKB(sp.id) {
		e.id = k.newID()
		if i == 0 { // a fixed id the tools' examples name; the draw above keeps the id sequence
			e.id = aiKBExampleIDs[sp.id]
		}
		e.createdAt = epStamp(now.Add(-time.Duration(5+rng.IntN(40)) * 24 * time.Hour))
		e.createdBy = []string{"snovak", "mchen", "rpatel"}[rng.IntN(3)]
		e.updatedAt, e.updatedBy, e.global = e.createdAt, e.createdBy, true
		if e.typ == "document" {
			e.kbResource, e.source = "user", "runbook"
		}
		st.kb[e.id] = &e
		st.kbOrder = append(st.kbOrder, e.id)
	}
	k.ensurePrompts(st, epStamp(created))
	k.seedConversation(sp, now.Add(-26*time.Hour))
}

// aiKBExampleIDs are the fixed ids of each story space's first entry.
var aiKBExampleIDs = map[string]string{"default": "kb-entry-7f3e2a0c", "soc": "kb-entry-5c1d9e44"}

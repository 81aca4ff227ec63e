package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The entity store's entities: the CRUD routes (upsert one, upsert many,
// delete one) and the list. Each type's entities are one esIndex, so the
// list's filterQuery is a real Elasticsearch query over them.

// entOwnKey is the object a type's records carry besides entity ("" for
// generic entities, which have none).
func entOwnKey(typ string) string {
	if typ == "generic" {
		return ""
	}
	return typ
}

// entKindName is entity.type as the store writes it for each type.
var entKindName = map[string]string{"host": "Host", "user": "Identity", "service": "Service", "generic": "Generic"}

// entEntityKeys are the members of a record's entity object.
var entEntityKeys = []string{"EngineMetadata", "attributes", "behaviors", "id", "lifecycle", "name", "relationships", "risk", "source", "sub_type", "type"}

// entAPIUpdatable are the entity object members changed without force.
var entAPIUpdatable = []string{"entity.attributes.", "entity.lifecycle.", "entity.behaviors.", "entity.relationships."}

// entRecord checks one record of type typ (the body of an upsert, or a
// bulk item's record) and returns it; problems go to z under path.
func entRecord(z *zod, path, typ string, raw any) map[string]any {
	at := func(key string) string { return joinDetPath(path, key) }
	rec, ok := raw.(map[string]any)
	if !ok {
		if raw == nil && path != "" {
			z.add(path, "Required")
		} else {
			z.add(strings.TrimSuffix(path, "."), "Expected object, received %s", zodType(raw))
		}
		return nil
	}
	allowed := []string{"@timestamp", "asset", "entity"}
	if own := entOwnKey(typ); own != "" {
		allowed = append(allowed, "event", own)
	}
	var unknown []string
	for key := range rec {
		if !slices.Contains(allowed, key) {
			unknown = append(unknown, "'"+key+"'")
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		z.add(path, "Unrecognized key(s) in object for a %s entity: %s", typ, strings.Join(unknown, ", "))
	}
	entity, isObj := rec["entity"].(map[string]any)
	switch {
	case rec["entity"] == nil:
		z.add(at("entity"), "Required")
	case !isObj:
		z.add(at("entity"), "Expected object, received %s", zodType(rec["entity"]))
	default:
		if id, isStr := entity["id"].(string); !isStr {
			if entity["id"] == nil {
				z.add(at("entity.id"), "Required")
			} else {
				z.add(at("entity.id"), "Expected string, received %s", zodType(entity["id"]))
			}
		} else if strings.TrimSpace(id) == "" {
			z.add(at("entity.id"), "The entity ID cannot be blank")
		}
		for key, v := range entity {
			switch {
			case !slices.Contains(entEntityKeys, key):
				z.add(at("entity"), "Unrecognized key(s) in object: '%s'", key)
			case key == "attributes" || key == "behaviors":
				m, isMap := v.(map[string]any)
				if !isMap {
					z.add(at("entity."+key), "Expected object, received %s", zodType(v))
					continue
				}
				for name, b := range m {
					if _, isBool := b.(bool); !isBool {
						z.add(at("entity."+key+"."+name), "Expected boolean, received %s", zodType(b))
					}
				}
			case key == "lifecycle":
				m, isMap := v.(map[string]any)
				if !isMap {
					z.add(at("entity.lifecycle"), "Expected object, received %s", zodType(v))
					continue
				}
				for name, d := range m {
					s, _ := d.(string)
					if _, err := time.Parse(time.RFC3339, s); err != nil {
						z.add(at("entity.lifecycle."+name), "Invalid datetime")
					}
				}
			}
		}
	}
	if raw, present := rec["asset"]; present {
		asset, isMap := raw.(map[string]any)
		if !isMap {
			z.add(at("asset"), "Expected object, received %s", zodType(raw))
		} else if c, has := asset["criticality"]; has {
			if s, _ := c.(string); !slices.Contains(entCriticalityLevels, s) {
				z.add(at("asset.criticality"), "Invalid enum value. Expected '%s', received '%s'", strings.Join(entCriticalityLevels, "' | '"), es.String(c))
			}
		}
	}
	if own := entOwnKey(typ); own != "" {
		if raw, present := rec[own]; present {
			if _, isMap := raw.(map[string]any); !isMap {
				z.add(at(own), "Expected object, received %s", zodType(raw))
			}
		}
	}
	return rec
}

// entCriticalityLevels are asset criticality's levels.
var entCriticalityLevels = []string{"low_impact", "medium_impact", "high_impact", "extreme_impact"}

// entFlatKeys lists a record's leaf fields by dotted path; arrays are
// leaves, as Kibana's getFlattenedObject has them.
func entFlatKeys(prefix string, v any, out *[]string) {
	m, ok := v.(map[string]any)
	if !ok {
		*out = append(*out, prefix)
		return
	}
	for k, sub := range m {
		entFlatKeys(joinDetPath(prefix, k), sub, out)
	}
}

// entRestricted lists the fields of rec that only force may change; the
// identity (entity.id and the type's name field) is always allowed.
func entRestricted(typ string, rec map[string]any) (restricted []string, updates int) {
	var keys []string
	entFlatKeys("", rec, &keys)
	sort.Strings(keys)
	for _, key := range keys {
		if key == "entity.id" || (entOwnKey(typ) != "" && key == typ+".name") {
			continue
		}
		updates++
		if !slices.ContainsFunc(entAPIUpdatable, func(p string) bool { return strings.HasPrefix(key, p) }) {
			restricted = append(restricted, key)
		}
	}
	return restricted, updates
}

// entRunning answers Kibana's 503 unless the type's engine is started;
// ok is false when the call was answered.
func entRunning(c *call, st *entityStoreState, typ string) bool {
	if e := st.engine(typ); e != nil && e.status == "started" {
		return true
	}
	c.answered = true
	writeError(c.w, http.StatusServiceUnavailable, fmt.Sprintf("Entity engine for %s is not running", typ))
	return false
}

// entMerge folds an update into a stored record: objects merge, lists
// gather the values observed (newest last, at most history of them), and
// other values are replaced.
func entMerge(dst, src map[string]any, history int) {
	for k, v := range src {
		switch nv := v.(type) {
		case map[string]any:
			if old, ok := dst[k].(map[string]any); ok {
				entMerge(old, nv, history)
				continue
			}
			dst[k] = cfgClone(nv)
		case []any:
			old, _ := dst[k].([]any)
			merged := append([]any{}, old...)
			for _, x := range nv {
				merged = slices.DeleteFunc(merged, func(y any) bool { return es.String(y) == es.String(x) })
				merged = append(merged, x)
			}
			if history > 0 && len(merged) > history {
				merged = merged[len(merged)-history:]
			}
			dst[k] = merged
		default:
			dst[k] = v
		}
	}
}

// entStore writes one record of type typ into the space's store and
// returns the stored record.
func (k *Kibana) entStore(c *call, st *entityStoreState, typ string, rec map[string]any) map[string]any {
	now := k.now()
	entity := rec["entity"].(map[string]any)
	id := entity["id"].(string)
	ix := st.index(typ, c.spaceID)
	stored := map[string]any{}
	if d := ix.Get(id); d != nil {
		stored = cfgClone(d.Source)
	}
	history := 10
	if e := st.engine(typ); e != nil {
		history = e.fieldHistoryLength
	}
	entMerge(stored, es.Normalize(rec).(map[string]any), history)
	ent := stored["entity"].(map[string]any)
	if _, ok := ent["name"]; !ok {
		ent["name"] = id
	}
	if _, ok := ent["type"]; !ok {
		ent["type"] = entKindName[typ]
	}
	ent["EngineMetadata"] = map[string]any{"Type": typ}
	stored["@timestamp"] = now
	if own := entOwnKey(typ); own != "" {
		obj, _ := stored[own].(map[string]any)
		if obj == nil {
			obj = map[string]any{}
			stored[own] = obj
		}
		obj["name"] = id // the store names the entity by its id
		stored["event"] = map[string]any{"ingested": now}
	}
	return ix.Put(id, stored).Source
}

// entPublic is a stored record as the API shows it: of the asset, only its
// criticality (the list shows no more).
func entPublic(source map[string]any) map[string]any {
	out := cfgClone(source)
	delete(out, "asset")
	if asset, ok := source["asset"].(map[string]any); ok {
		if crit, ok := asset["criticality"].(string); ok && crit != "deleted" {
			out["asset"] = map[string]any{"criticality": crit}
		}
	}
	return out
}

// ---- Routes ----

func (k *Kibana) upsertEntity(c *call) {
	typ, ok := entTypeParam(c)
	if !ok {
		return
	}
	force, ok := platQueryBool(c, "force")
	if !ok {
		return
	}
	z, body := zodBody(c)
	if body == nil {
		return
	}
	rec := entRecord(z, "", typ, body)
	if z.answer(c) {
		return
	}
	st := k.entStoreState(c)
	if !entRunning(c, st, typ) {
		return
	}
	id := rec["entity"].(map[string]any)["id"].(string)
	restricted, updates := entRestricted(typ, rec)
	switch {
	case updates == 0:
		c.badRequest(fmt.Sprintf("Error for Entity ID '%s': The request doesn't contain any update", id))
		return
	case len(restricted) > 0 && !force:
		c.badRequest(fmt.Sprintf("Error for Entity ID '%s': The following attributes are not allowed to be updated without forcing it (?force=true): %s", id, strings.Join(restricted, ", ")))
		return
	}
	stored := k.entStore(c, st, typ, rec)
	entEnrich(c.space) // the enrichment applies to what was just written too
	c.ok(entPublic(stored))
}

func (k *Kibana) bulkUpsertEntities(c *call) {
	force, ok := platQueryBool(c, "force")
	if !ok {
		return
	}
	z, body := zodBody(c)
	if body == nil {
		return
	}
	list, isList := body["entities"].([]any)
	switch {
	case body["entities"] == nil:
		z.add("entities", "Required")
	case !isList:
		z.add("entities", "Expected array, received %s", zodType(body["entities"]))
	}
	type item struct {
		typ string
		rec map[string]any
	}
	var items []item
	for i, raw := range list {
		at := "entities." + strconv.Itoa(i)
		obj, isObj := raw.(map[string]any)
		if !isObj {
			z.add(at, "Expected object, received %s", zodType(raw))
			continue
		}
		typ, _ := obj["type"].(string)
		if !slices.Contains(entStoreTypes, typ) {
			if obj["type"] == nil {
				z.add(at+".type", "Required")
			} else {
				z.add(at+".type", "Invalid enum value. Expected '%s', received '%s'", strings.Join(entStoreTypes, "' | '"), es.String(obj["type"]))
			}
			continue
		}
		if rec := entRecord(z, at+".record", typ, obj["record"]); rec != nil {
			items = append(items, item{typ, rec})
		}
	}
	if z.answer(c) {
		return
	}
	st := k.entStoreState(c)
	for _, it := range items {
		if !entRunning(c, st, it.typ) {
			return
		}
		if restricted, _ := entRestricted(it.typ, it.rec); len(restricted) > 0 && !force {
			id := it.rec["entity"].(map[string]any)["id"]
			c.badRequest(fmt.Sprintf("Error for Entity ID '%v': The following attributes are not allowed to be updated without forcing it (?force=true): %s", id, strings.Join(restricted, ", ")))
			return
		}
	}
	for _, it := range items {
		k.entStore(c, st, it.typ, it.rec)
	}
	okEmpty(c) // Kibana answers an empty 200
}

func (k *Kibana) deleteEntity(c *call) {
	typ, ok := entTypeParam(c)
	if !ok {
		return
	}
	z, body := zodBody(c)
	if body == nil {
		return
	}
	id, _ := zodString(z, body, "id", true, false)
	if z.answer(c) {
		return
	}
	st := k.entStoreState(c)
	if !entRunning(c, st, typ) {
		return
	}
	if strings.TrimSpace(id) == "" {
		c.badRequest("The entity ID cannot be blank")
		return
	}
	ix := st.index(typ, c.spaceID)
	before := len(ix.Docs)
	ix.Docs = slices.DeleteFunc(ix.Docs, func(d *es.Doc) bool { return d.ID == id })
	if len(ix.Docs) == before {
		c.notFound(fmt.Sprintf("Entity with ID '%s' and type '%s' not found", id, typ))
		return
	}
	c.ok(map[string]any{"deleted": true})
}

// entMaxSearchSize is the most records one page of the list returns.
const entMaxSearchSize = 10000

func (k *Kibana) listEntities(c *call) {
	z := &zod{where: "request query"}
	types := c.queryAll("entity_types")
	if len(types) == 0 {
		z.add("entity_types", "Required")
	}
	for i, t := range types {
		if !slices.Contains(entStoreTypes, t) {
			z.add(fmt.Sprintf("entity_types.%d", i), "Invalid enum value. Expected '%s', received '%s'", strings.Join(entStoreTypes, "' | '"), t)
		}
	}
	sortOrder := zodQueryEnum(z, c, "sort_order", "asc", "desc")
	page := entQueryInt(z, c, "page", 1, 1, 0)
	perPage := entQueryInt(z, c, "per_page", 10, 1, entMaxSearchSize)
	if z.answer(c) {
		return
	}
	if sortOrder == "" {
		sortOrder = "desc"
	}
	sortField := c.query("sort_field")
	if sortField == "" {
		sortField = "@timestamp"
	}
	var query any
	if fq := c.query("filterQuery"); fq != "" {
		if err := json.Unmarshal([]byte(fq), &query); err != nil {
			c.badRequest(fmt.Sprintf("filterQuery is not valid JSON: %v", err))
			return
		}
		query = es.Normalize(query)
	}
	// One search over the types' indices, as Kibana searches them together
	// (ignoring those that do not exist).
	st := k.entStoreState(c)
	all := &es.Index{Name: "entities", Mapping: entStoreMapping()}
	for _, t := range entStoreTypes {
		if slices.Contains(types, t) && st.entities[t] != nil {
			all.Docs = append(all.Docs, st.entities[t].Docs...)
		}
	}
	body := map[string]any{"from": (page - 1) * perPage, "size": perPage, "sort": []any{map[string]any{sortField: sortOrder}}}
	if query != nil {
		body["query"] = query
	}
	res, err := all.Search(body, k.cfg.Now())
	if err != nil {
		esFailure(c, err)
		return
	}
	hits := res["hits"].(map[string]any)
	records := []any{}
	for _, h := range hits["hits"].([]any) {
		records = append(records, entPublic(h.(map[string]any)["_source"].(map[string]any)))
	}
	total := hits["total"].(map[string]any)["value"]
	c.ok(map[string]any{"records": records, "total": total, "page": page, "per_page": perPage})
}

// entQueryInt reads an integer query parameter with zod's messages; max 0
// means no maximum.
func entQueryInt(z *zod, c *call, key string, def, min, max int) int {
	s := c.query(key)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		z.add(key, "Expected number, received nan")
	case n < min:
		z.add(key, "Number must be greater than or equal to %d", min)
	case max > 0 && n > max:
		z.add(key, "Number must be less than or equal to %d", max)
	default:
		return n
	}
	return def
}

package sandbox

import (
	"encoding/base64"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
)

// The data views API: a space's data views (index patterns), their runtime
// fields, field display settings and formats, the space's default data
// view, and swapping the references saved objects (the space's dashboards)
// hold to a data view.
//
// What the sandbox approximates: a data view's field list comes from a
// fixed catalogue of the story's index families (logs, alerts, metrics,
// traces, the web-logs sample) matched against its title, plus its
// runtime fields; refresh_fields changes nothing more; scripts are stored,
// never run; a data view shared with other spaces (namespaces) is one
// object in each, and deleting it deletes it everywhere.

// dataViewsState holds a space's data views.
type dataViewsState struct {
	byID      map[string]*dataView
	order     []string // creation order, which the list keeps
	defaultID string   // the space's default data view ("" for none)
}

// dataView is one data view saved object (possibly in several spaces).
type dataView struct {
	id, title, name, timeFieldName, typ string
	allowNoIndex, allowHidden           bool
	sourceFilters                       []any                     // [{value}]
	runtimeFields                       map[string]map[string]any // name → {type, script, …}
	fieldFormats                        map[string]any            // name → {id, params}
	fieldAttrs                          map[string]map[string]any // name → {customLabel, customDescription, count}
	typeMeta                            map[string]any
	version                             int
}

func (st *dataViewsState) add(v *dataView) {
	if st.byID == nil {
		st.byID = map[string]*dataView{}
	}
	if st.byID[v.id] == nil {
		st.order = append(st.order, v.id)
	}
	st.byID[v.id] = v
}

func (st *dataViewsState) remove(id string) {
	delete(st.byID, id)
	st.order = slices.DeleteFunc(st.order, func(s string) bool { return s == id })
	if st.defaultID == id {
		st.defaultID = ""
	}
}

// displayName is what Kibana calls a data view by (and refuses twice).
func (v *dataView) displayName() string {
	if v.name != "" {
		return v.name
	}
	return v.title
}

func (k *Kibana) dataViewsRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/data_views", k.listDataViews),
		newRoute(http.MethodPost, "/api/data_views/data_view", k.createDataView),
		newRoute(http.MethodGet, "/api/data_views/data_view/{viewId}", k.getDataView),
		newRoute(http.MethodPost, "/api/data_views/data_view/{viewId}", k.updateDataView),
		newRoute(http.MethodDelete, "/api/data_views/data_view/{viewId}", k.deleteDataView),
		newRoute(http.MethodPost, "/api/data_views/data_view/{viewId}/fields", k.updateDataViewFields),
		newRoute(http.MethodPut, "/api/data_views/data_view/{viewId}/runtime_field", k.putRuntimeField),
		newRoute(http.MethodPost, "/api/data_views/data_view/{viewId}/runtime_field", k.createRuntimeField),
		newRoute(http.MethodGet, "/api/data_views/data_view/{viewId}/runtime_field/{fieldName}", k.getRuntimeField),
		newRoute(http.MethodPost, "/api/data_views/data_view/{viewId}/runtime_field/{fieldName}", k.updateRuntimeField),
		newRoute(http.MethodDelete, "/api/data_views/data_view/{viewId}/runtime_field/{fieldName}", k.deleteRuntimeField),
		newRoute(http.MethodGet, "/api/data_views/default", k.getDefaultDataView),
		newRoute(http.MethodPost, "/api/data_views/default", k.setDefaultDataView),
		newRoute(http.MethodPost, "/api/data_views/swap_references/_preview", k.swapDataViewReferences(true)),
		newRoute(http.MethodPost, "/api/data_views/swap_references", k.swapDataViewReferences(false)),
	}
}

// dvField is a mapped field of the catalogue.
type dvField struct{ name, esType string }

// dvFamily is a family of indices: names it matches (space-specific ones
// hold {space}) and the fields its mapping has.
type dvFamily struct {
	indices []string
	fields  []dvField
}

var (
	dvECSCommon = []dvField{
		{"@timestamp", "date"}, {"host.name", "keyword"}, {"host.ip", "ip"}, {"host.os.family", "keyword"},
		{"user.name", "keyword"}, {"source.ip", "ip"}, {"destination.ip", "ip"}, {"event.category", "keyword"},
		{"event.action", "keyword"}, {"event.outcome", "keyword"}, {"event.created", "date"}, {"event.ingested", "date"},
		{"process.name", "keyword"}, {"process.args", "keyword"}, {"data_stream.dataset", "keyword"},
		{"data_stream.namespace", "keyword"}, {"data_stream.type", "constant_keyword"}, {"organization", "keyword"},
	}
	dvLogFields = append(slices.Clone(dvECSCommon), []dvField{
		{"message", "match_only_text"}, {"log.level", "keyword"}, {"url.domain", "keyword"}, {"dns.question.name", "keyword"},
		{"network.bytes", "long"}, {"file.extension", "keyword"}, {"file.path", "keyword"}, {"user.password", "keyword"},
	}...)
	dvFamilies = []dvFamily{
		{indices: []string{"logs-system.auth-default", "logs-endpoint.events.process-default", "logs-nginx.access-default"}, fields: dvLogFields},
		{indices: []string{"filebeat-8.17.0-2025.03.01"}, fields: dvLogFields},
		{indices: []string{".internal.alerts-security.alerts-{space}-000001", ".alerts-security.alerts-{space}"}, fields: append(slices.Clone(dvECSCommon), []dvField{
			{"kibana.alert.rule.name", "keyword"}, {"kibana.alert.rule.uuid", "keyword"}, {"kibana.alert.severity", "keyword"},
			{"kibana.alert.risk_score", "float"}, {"kibana.alert.workflow_status", "keyword"}, {"kibana.alert.status", "keyword"},
			{"kibana.alert.reason", "keyword"}, {"kibana.alert.workflow_assignee_ids", "keyword"}, {"kibana.alert.workflow_tags", "keyword"},
		}...)},
		{indices: []string{"metrics-system.cpu-default", "metrics-system.memory-default", "metrics-system.network-default"}, fields: []dvField{
			{"@timestamp", "date"}, {"host.name", "keyword"}, {"metricset.name", "keyword"}, {"system.cpu.total.norm.pct", "scaled_float"},
			{"system.memory.actual.used.pct", "scaled_float"}, {"system.network.in.bytes", "long"}, {"system.network.out.bytes", "long"},
			{"data_stream.dataset", "keyword"}, {"data_stream.namespace", "keyword"}, {"data_stream.type", "constant_keyword"},
		}},
		{indices: []string{"traces-apm-default", "traces-apm.rum-default"}, fields: []dvField{
			{"@timestamp", "date"}, {"service.name", "keyword"}, {"service.environment", "keyword"}, {"service.version", "keyword"},
			{"transaction.name", "keyword"}, {"transaction.type", "keyword"}, {"transaction.duration.us", "long"},
			{"trace.id", "keyword"}, {"event.outcome", "keyword"}, {"agent.name", "keyword"},
		}},
		{indices: []string{"kibana_sample_data_logs"}, fields: []dvField{
			{"timestamp", "date"}, {"utc_time", "date"}, {"@timestamp", "alias"}, {"agent", "text"}, {"agent.keyword", "keyword"},
			{"bytes", "long"}, {"clientip", "ip"}, {"extension", "text"}, {"extension.keyword", "keyword"},
			{"geo.src", "keyword"}, {"geo.dest", "keyword"}, {"host", "text"}, {"host.keyword", "keyword"},
			{"machine.os", "text"}, {"machine.os.keyword", "keyword"}, {"machine.ram", "long"}, {"message", "text"},
			{"referer", "keyword"}, {"request", "text"}, {"request.keyword", "keyword"}, {"response", "text"},
			{"response.keyword", "keyword"}, {"tags", "text"}, {"tags.keyword", "keyword"}, {"url", "text"},
			{"url.keyword", "keyword"}, {"ip", "ip"}, {"event.dataset", "keyword"},
		}},
	}
	dvMetaFields = []dvField{{"_id", "_id"}, {"_index", "_index"}, {"_score", "_score"}, {"_source", "_source"}}
	// dvRuntimeTypes are the runtime field types Kibana accepts.
	dvRuntimeTypes = []string{"keyword", "long", "double", "date", "ip", "boolean", "geo_point", "composite"}
)

// dvKibanaType is the Kibana field type of an Elasticsearch type.
func dvKibanaType(esType string) string {
	switch esType {
	case "keyword", "text", "match_only_text", "constant_keyword", "wildcard", "_id", "_index":
		return "string"
	case "long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "_score":
		return "number"
	case "date", "date_nanos":
		return "date"
	case "alias":
		return "date" // the sample's @timestamp aliases its timestamp
	}
	return esType // ip, boolean, geo_point, _source
}

// mappedFields are the fields of the indices a data view's title matches
// in a space.
func (v *dataView) mappedFields(spaceID string) []dvField {
	var include, exclude []string
	for _, p := range strings.Split(v.title, ",") {
		p = strings.TrimSpace(p)
		if rest, ok := strings.CutPrefix(p, "-"); ok {
			exclude = append(exclude, rest)
		} else if p != "" {
			include = append(include, p)
		}
	}
	matches := func(index string) bool {
		hit := false
		for _, p := range include {
			if cfgGlob(p).MatchString(index) {
				hit = true
				break
			}
		}
		for _, p := range exclude {
			if cfgGlob(p).MatchString(index) {
				return false
			}
		}
		return hit
	}
	seen := map[string]bool{}
	var out []dvField
	for _, fam := range dvFamilies {
		if !slices.ContainsFunc(fam.indices, func(ix string) bool { return matches(strings.ReplaceAll(ix, "{space}", spaceID)) }) {
			continue
		}
		for _, f := range fam.fields {
			if !seen[f.name] {
				seen[f.name] = true
				out = append(out, f)
			}
		}
	}
	if len(out) > 0 {
		out = append(out, dvMetaFields...)
	}
	return out
}

// fieldSpec is a field of a data view as the API answers it.
func (v *dataView) fieldSpec(name, esType string, runtime map[string]any) map[string]any {
	kt := dvKibanaType(esType)
	aggregatable := esType != "text" && esType != "match_only_text" && esType != "_id" && esType != "_score" && esType != "_source"
	searchable := esType != "_score" && esType != "_source"
	f := map[string]any{
		"name":              name,
		"type":              kt,
		"esTypes":           []any{esType},
		"count":             0,
		"scripted":          false,
		"searchable":        searchable,
		"aggregatable":      aggregatable,
		"readFromDocValues": aggregatable && runtime == nil && esType != "_index",
		"shortDotsEnable":   false,
		"isMapped":          runtime == nil,
	}
	if runtime != nil {
		f["runtimeField"] = cfgClone(runtime)
		f["aggregatable"], f["searchable"] = true, true
	}
	if attrs := v.fieldAttrs[name]; attrs != nil {
		for _, key := range []string{"customLabel", "customDescription", "count"} {
			if val, ok := attrs[key]; ok {
				f[key] = val
			}
		}
	}
	if format, ok := v.fieldFormats[name]; ok {
		f["format"] = cfgCloneValue(format)
	}
	return f
}

// runtimeFieldSpecs are the fields one runtime field adds (a composite
// adds one per subfield, named parent.sub).
func (v *dataView) runtimeFieldSpecs(name string) []any {
	rf := v.runtimeFields[name]
	if rf["type"] != "composite" {
		return []any{v.fieldSpec(name, rf["type"].(string), rf)}
	}
	subs, _ := rf["fields"].(map[string]any)
	var out []any
	for _, sub := range slices.Sorted(maps.Keys(subs)) {
		typ, _ := subs[sub].(map[string]any)["type"].(string)
		out = append(out, v.fieldSpec(name+"."+sub, typ, rf))
	}
	return out
}

// namespaces are the spaces holding the data view, sorted.
func (k *Kibana) dataViewSpaces(v *dataView) []any {
	var ids []string
	for id, sp := range k.spaces {
		if sp.platform.dataViews.byID[v.id] == v {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return cfgStrings(ids)
}

func dvVersion(n int) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "[%d,1]", n))
}

// dataViewSpec is a data view as the API answers it, fields included.
func (k *Kibana) dataViewSpec(spaceID string, v *dataView) map[string]any {
	fields := map[string]any{}
	for _, f := range v.mappedFields(spaceID) {
		fields[f.name] = v.fieldSpec(f.name, f.esType, nil)
	}
	for _, name := range slices.Sorted(maps.Keys(v.runtimeFields)) {
		for _, f := range v.runtimeFieldSpecs(name) {
			fields[f.(map[string]any)["name"].(string)] = f
		}
	}
	runtime := map[string]any{}
	for name, rf := range v.runtimeFields {
		runtime[name] = cfgClone(rf)
	}
	attrs := map[string]any{}
	for name, a := range v.fieldAttrs {
		attrs[name] = cfgClone(a)
	}
	spec := map[string]any{
		"id":              v.id,
		"version":         dvVersion(v.version),
		"title":           v.title,
		"name":            v.name,
		"sourceFilters":   cfgCloneValue(v.sourceFilters),
		"fields":          fields,
		"fieldFormats":    cfgClone(v.fieldFormats),
		"runtimeFieldMap": runtime,
		"fieldAttrs":      attrs,
		"allowNoIndex":    v.allowNoIndex,
		"allowHidden":     v.allowHidden,
		"namespaces":      k.dataViewSpaces(v),
	}
	if spec["sourceFilters"] == nil {
		spec["sourceFilters"] = []any{}
	}
	if spec["fieldFormats"] == nil {
		spec["fieldFormats"] = map[string]any{}
	}
	if v.timeFieldName != "" {
		spec["timeFieldName"] = v.timeFieldName
	}
	if v.typ != "" {
		spec["type"] = v.typ
	}
	if v.typeMeta != nil {
		spec["typeMeta"] = cfgClone(v.typeMeta)
	}
	return spec
}

func dataViewNotFound(c *call, id string) {
	c.notFound(soNotFoundMessage("index-pattern", id))
}

// lookupDataView finds the data view of the viewId parameter or answers
// 404.
func lookupDataView(c *call) *dataView {
	id := c.param("viewId")
	v := c.space.platform.dataViews.byID[id]
	if v == nil {
		dataViewNotFound(c, id)
	}
	return v
}

func (k *Kibana) listDataViews(c *call) {
	st := &c.space.platform.dataViews
	out := make([]any, 0, len(st.order))
	for _, id := range st.order {
		v := st.byID[id]
		item := map[string]any{"id": v.id, "title": v.title, "namespaces": k.dataViewSpaces(v)}
		if v.name != "" {
			item["name"] = v.name
		}
		if v.typ != "" {
			item["type"] = v.typ
		}
		if v.typeMeta != nil {
			item["typeMeta"] = cfgClone(v.typeMeta)
		}
		out = append(out, item)
	}
	c.ok(map[string]any{"data_view": out})
}

func (k *Kibana) getDataView(c *call) {
	if v := lookupDataView(c); v != nil {
		c.ok(map[string]any{"data_view": k.dataViewSpec(c.spaceID, v)})
	}
}

// The bodies, in the order of Kibana's schemas.
var (
	dvFormatSpec       = []cfgField{{name: "id", kind: "string"}, {name: "params", kind: "any"}}
	dvSourceFilterSpec = []cfgField{{name: "value", kind: "string", required: true}, {name: "clientId", kind: "any"}}
	dvRuntimeFieldSpec = []cfgField{
		{name: "type", kind: "string", required: true, oneOf: dvRuntimeTypes},
		{name: "script", kind: "object", fields: []cfgField{{name: "source", kind: "string", required: true}}},
		{name: "fields", kind: "object"},
		{name: "popularity", kind: "number", min: cfgPtr(0.0)},
		{name: "customLabel", kind: "string"},
		{name: "customDescription", kind: "string", check: cfgMaxLen(300)},
		{name: "format", kind: "object", fields: dvFormatSpec},
	}
	dvFieldAttrsSpec = []cfgField{
		{name: "customLabel", kind: "string"},
		{name: "customDescription", kind: "string", check: cfgMaxLen(300)},
		{name: "count", kind: "number", min: cfgPtr(0.0)},
	}
	dvCreateSpec = []cfgField{
		{name: "title", kind: "string", required: true, check: platMinLen(1)},
		{name: "version", kind: "string"},
		{name: "id", kind: "string", check: platMinLen(1)},
		{name: "type", kind: "string"},
		{name: "timeFieldName", kind: "string"},
		{name: "sourceFilters", kind: "objects", items: dvSourceFilterSpec},
		{name: "fields", kind: "object"},
		{name: "typeMeta", kind: "object"},
		{name: "fieldFormats", kind: "object"},
		{name: "fieldAttrs", kind: "object"},
		{name: "allowNoIndex", kind: "boolean"},
		{name: "runtimeFieldMap", kind: "object"},
		{name: "name", kind: "string"},
		{name: "namespaces", kind: "strings"},
		{name: "allowHidden", kind: "boolean"},
	}
	dvUpdateSpec = []cfgField{
		{name: "title", kind: "string", check: platMinLen(1)},
		{name: "type", kind: "string"},
		{name: "typeMeta", kind: "object"},
		{name: "timeFieldName", kind: "string"},
		{name: "sourceFilters", kind: "objects", items: dvSourceFilterSpec},
		{name: "fieldFormats", kind: "object"},
		{name: "fields", kind: "object"},
		{name: "allowNoIndex", kind: "boolean"},
		{name: "runtimeFieldMap", kind: "object"},
		{name: "name", kind: "string"},
		{name: "allowHidden", kind: "boolean"},
	}
)

// dvCheckRecord validates each entry of a record member (a map of objects)
// against spec; at is the member's path.
func dvCheckRecord(at string, v any, spec []cfgField) (map[string]map[string]any, string) {
	out := map[string]map[string]any{}
	m, _ := v.(map[string]any)
	for _, key := range slices.Sorted(maps.Keys(m)) {
		entry, ok := m[key].(map[string]any)
		if !ok {
			return nil, fmt.Sprintf("[%s.%s]: expected a plain object value, but found [%s] instead.", at, key, cfgTypeOf(m[key]))
		}
		checked, msg := cfgCheck(at+"."+key+".", entry, spec, true)
		if msg != "" {
			return nil, msg
		}
		out[key] = checked
	}
	return out, ""
}

// dvCheckRuntimeField checks a runtime field past its shape: a composite
// needs subfields of runtime types.
func dvCheckRuntimeField(at string, rf map[string]any) string {
	subs, _ := rf["fields"].(map[string]any)
	if rf["type"] != "composite" {
		if subs != nil {
			return fmt.Sprintf("[%s.fields]: only a composite runtime field has subfields", at)
		}
		return ""
	}
	if len(subs) == 0 {
		return fmt.Sprintf("[%s.fields]: a composite runtime field needs at least one subfield", at)
	}
	for _, name := range slices.Sorted(maps.Keys(subs)) {
		sub, _ := subs[name].(map[string]any)
		typ, _ := sub["type"].(string)
		if typ == "composite" || !slices.Contains(dvRuntimeTypes, typ) {
			return cfgOneOfMessage(at+".fields."+name+".type", dvRuntimeTypes[:len(dvRuntimeTypes)-1])
		}
	}
	return ""
}

// dvRuntimeMap validates a runtimeFieldMap member.
func dvRuntimeMap(at string, v any) (map[string]map[string]any, string) {
	m, msg := dvCheckRecord(at, v, dvRuntimeFieldSpec)
	if msg != "" {
		return nil, msg
	}
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if msg := dvCheckRuntimeField(at+"."+name, m[name]); msg != "" {
			return nil, msg
		}
	}
	return m, ""
}

// dvFormats validates a fieldFormats member.
func dvFormats(at string, v any) (map[string]any, string) {
	m, msg := dvCheckRecord(at, v, dvFormatSpec)
	if msg != "" {
		return nil, msg
	}
	out := map[string]any{}
	for name, f := range m {
		out[name] = f
	}
	return out, ""
}

func (k *Kibana) createDataView(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "override", kind: "boolean", def: false},
		{name: "refresh_fields", kind: "boolean"},
		{name: "data_view", kind: "object", required: true, fields: dvCreateSpec},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	spec := body["data_view"].(map[string]any)
	v := &dataView{version: 1, fieldAttrs: map[string]map[string]any{}, runtimeFields: map[string]map[string]any{}, fieldFormats: map[string]any{}}
	v.title, _ = spec["title"].(string)
	v.name, _ = spec["name"].(string)
	v.timeFieldName, _ = spec["timeFieldName"].(string)
	v.typ, _ = spec["type"].(string)
	v.allowNoIndex, _ = spec["allowNoIndex"].(bool)
	v.allowHidden, _ = spec["allowHidden"].(bool)
	v.typeMeta, _ = spec["typeMeta"].(map[string]any)
	if sf, ok := spec["sourceFilters"].([]any); ok {
		v.sourceFilters = sf
	}
	if rf, ok := spec["runtimeFieldMap"]; ok {
		if v.runtimeFields, msg = dvRuntimeMap("request body.data_view.runtimeFieldMap", rf); msg != "" {
			c.badRequest(msg)
			return
		}
	}
	if ff, ok := spec["fieldFormats"]; ok {
		if v.fieldFormats, msg = dvFormats("request body.data_view.fieldFormats", ff); msg != "" {
			c.badRequest(msg)
			return
		}
	}
	if fa, ok := spec["fieldAttrs"]; ok {
		if v.fieldAttrs, msg = dvCheckRecord("request body.data_view.fieldAttrs", fa, dvFieldAttrsSpec); msg != "" {
			c.badRequest(msg)
			return
		}
	}
	if fields, ok := spec["fields"].(map[string]any); ok {
		// Field specs given at creation carry labels, counts and formats.
		for name, raw := range fields {
			f, _ := raw.(map[string]any)
			attrs := map[string]any{}
			for _, key := range []string{"customLabel", "customDescription", "count"} {
				if val, ok := f[key]; ok {
					attrs[key] = val
				}
			}
			if len(attrs) > 0 && v.fieldAttrs[name] == nil {
				v.fieldAttrs[name] = attrs
			}
			if format, ok := f["format"]; ok {
				v.fieldFormats[name] = format
			}
		}
	}
	override := body["override"].(bool)
	st := &c.space.platform.dataViews
	var dupe *dataView
	for _, id := range st.order {
		if st.byID[id].displayName() == v.displayName() {
			dupe = st.byID[id]
			break
		}
	}
	if id, ok := spec["id"].(string); ok {
		v.id = id
	} else {
		v.id = k.newID()
	}
	if existing := st.byID[v.id]; existing != nil && existing != dupe && !override {
		dupe = existing
	}
	if dupe != nil {
		if !override {
			c.badRequest("Duplicate data view: " + v.displayName())
			return
		}
		k.deleteDataViewEverywhere(dupe)
	}
	if existing := st.byID[v.id]; existing != nil {
		// override replaces a data view of the same id.
		k.deleteDataViewEverywhere(existing)
	}
	spaces := []string{c.spaceID}
	if ns, ok := spec["namespaces"].([]any); ok && len(ns) > 0 {
		spaces = platStrings(ns)
	}
	for _, id := range spaces {
		if sp := k.spaces[id]; sp != nil {
			sp.platform.dataViews.add(v)
		}
	}
	if st.byID[v.id] == v && st.defaultID == "" {
		st.defaultID = v.id // Kibana makes the first data view the default
	}
	c.ok(map[string]any{"data_view": k.dataViewSpec(c.spaceID, v)})
}

// deleteDataViewEverywhere deletes a data view from every space holding it.
func (k *Kibana) deleteDataViewEverywhere(v *dataView) {
	for _, sp := range k.spaces {
		if sp.platform.dataViews.byID[v.id] == v {
			sp.platform.dataViews.remove(v.id)
		}
	}
}

func (k *Kibana) updateDataView(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "refresh_fields", kind: "boolean"},
		{name: "data_view", kind: "object", required: true, fields: dvUpdateSpec},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	spec := body["data_view"].(map[string]any)
	var runtime map[string]map[string]any
	if rf, ok := spec["runtimeFieldMap"]; ok {
		if runtime, msg = dvRuntimeMap("request body.data_view.runtimeFieldMap", rf); msg != "" {
			c.badRequest(msg)
			return
		}
	}
	var formats map[string]any
	if ff, ok := spec["fieldFormats"]; ok {
		if formats, msg = dvFormats("request body.data_view.fieldFormats", ff); msg != "" {
			c.badRequest(msg)
			return
		}
	}
	v := lookupDataView(c)
	if v == nil {
		return
	}
	changes := 0
	setString := func(key string, field *string) {
		if s, ok := spec[key].(string); ok && s != *field {
			*field = s
			changes++
		}
	}
	setString("title", &v.title)
	setString("name", &v.name)
	setString("timeFieldName", &v.timeFieldName)
	setString("type", &v.typ)
	for key, field := range map[string]*bool{"allowNoIndex": &v.allowNoIndex, "allowHidden": &v.allowHidden} {
		if b, ok := spec[key].(bool); ok && b != *field {
			*field = b
			changes++
		}
	}
	if sf, ok := spec["sourceFilters"].([]any); ok {
		v.sourceFilters = sf
		changes++
	}
	if tm, ok := spec["typeMeta"].(map[string]any); ok {
		v.typeMeta = tm
		changes++
	}
	if runtime != nil {
		v.runtimeFields = runtime
		changes++
	}
	if formats != nil {
		v.fieldFormats = formats
		changes++
	}
	if _, ok := spec["fields"]; ok {
		changes++
	}
	if changes == 0 {
		c.badRequest("Change set is empty.")
		return
	}
	v.version++
	c.ok(map[string]any{"data_view": k.dataViewSpec(c.spaceID, v)})
}

func (k *Kibana) deleteDataView(c *call) {
	if v := lookupDataView(c); v != nil {
		k.deleteDataViewEverywhere(v)
		c.noContent()
	}
}

func (k *Kibana) updateDataViewFields(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{{name: "fields", kind: "object", required: true}}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	fields := body["fields"].(map[string]any)
	if len(fields) == 0 {
		c.badRequest("[request body.fields]: Field object cannot be empty.")
		return
	}
	type change struct {
		name  string
		entry map[string]any
	}
	var changes []change
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		at := "request body.fields." + name
		entry, ok := fields[name].(map[string]any)
		if !ok {
			c.badRequest(fmt.Sprintf("[%s]: expected a plain object value, but found [%s] instead.", at, cfgTypeOf(fields[name])))
			return
		}
		if _, msg := cfgCheck(at+".", entry, []cfgField{
			{name: "customLabel", kind: "string", nullable: true, check: platMinLen(1)},
			{name: "customDescription", kind: "string", nullable: true, check: cfgMaxLen(300)},
			{name: "count", kind: "number", nullable: true},
			{name: "format", kind: "object", nullable: true, fields: dvFormatSpec},
		}, true); msg != "" {
			c.badRequest(msg)
			return
		}
		changes = append(changes, change{name, entry})
	}
	v := lookupDataView(c)
	if v == nil {
		return
	}
	n := 0
	for _, ch := range changes {
		attrs := v.fieldAttrs[ch.name]
		if attrs == nil {
			attrs = map[string]any{}
		}
		for _, key := range []string{"customLabel", "customDescription", "count"} {
			val, present := ch.entry[key]
			switch {
			case !present:
				continue
			case val == nil:
				delete(attrs, key)
			default:
				attrs[key] = val
			}
			n++
		}
		if format, present := ch.entry["format"]; present {
			if v.fieldFormats == nil {
				v.fieldFormats = map[string]any{}
			}
			if format == nil {
				delete(v.fieldFormats, ch.name)
			} else {
				v.fieldFormats[ch.name] = format
			}
			n++
		}
		if v.fieldAttrs == nil {
			v.fieldAttrs = map[string]map[string]any{}
		}
		if len(attrs) > 0 {
			v.fieldAttrs[ch.name] = attrs
		} else {
			delete(v.fieldAttrs, ch.name)
		}
	}
	if n == 0 {
		c.badRequest("Change set is empty.")
		return
	}
	v.version++
	c.ok(map[string]any{"acknowledged": true, "data_view": k.dataViewSpec(c.spaceID, v)})
}

// runtimeFieldNotFound is Kibana's 404 for a runtime field.
func runtimeFieldNotFound(c *call, viewID, name string) {
	c.notFound(fmt.Sprintf("Field [index_pattern = %s, field = %s] not found.", viewID, name))
}

func (k *Kibana) runtimeFieldAnswer(c *call, v *dataView, name string) {
	c.ok(map[string]any{"data_view": k.dataViewSpec(c.spaceID, v), "fields": v.runtimeFieldSpecs(name)})
}

// createRuntimeField is putRuntimeField refusing a name already taken.
func (k *Kibana) createRuntimeField(c *call) { k.storeRuntimeField(c, false) }

func (k *Kibana) putRuntimeField(c *call) { k.storeRuntimeField(c, true) }

func (k *Kibana) storeRuntimeField(c *call, replace bool) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "name", kind: "string", required: true, check: platMinLen(1)},
		{name: "runtimeField", kind: "object", required: true, fields: dvRuntimeFieldSpec},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	rf := body["runtimeField"].(map[string]any)
	if msg := dvCheckRuntimeField("request body.runtimeField", rf); msg != "" {
		c.badRequest(msg)
		return
	}
	v := lookupDataView(c)
	if v == nil {
		return
	}
	name := body["name"].(string)
	if !replace && (v.runtimeFields[name] != nil || slices.ContainsFunc(v.mappedFields(c.spaceID), func(f dvField) bool { return f.name == name })) {
		c.badRequest(fmt.Sprintf("Field [name = %s] already exists.", name))
		return
	}
	if v.runtimeFields == nil {
		v.runtimeFields = map[string]map[string]any{}
	}
	v.runtimeFields[name] = rf
	v.version++
	k.runtimeFieldAnswer(c, v, name)
}

// lookupRuntimeField finds the runtime field of the path or answers 404.
func lookupRuntimeField(c *call) (*dataView, string) {
	v := lookupDataView(c)
	if v == nil {
		return nil, ""
	}
	name := c.param("fieldName")
	if v.runtimeFields[name] == nil {
		runtimeFieldNotFound(c, v.id, name)
		return nil, ""
	}
	return v, name
}

func (k *Kibana) getRuntimeField(c *call) {
	if v, name := lookupRuntimeField(c); v != nil {
		k.runtimeFieldAnswer(c, v, name)
	}
}

func (k *Kibana) updateRuntimeField(c *call) {
	if !c.requireBody() {
		return
	}
	patchSpec := slices.Clone(dvRuntimeFieldSpec)
	patchSpec[0].required = false
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "runtimeField", kind: "object", required: true, fields: patchSpec},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	v, name := lookupRuntimeField(c)
	if v == nil {
		return
	}
	merged := cfgClone(v.runtimeFields[name])
	for key, val := range body["runtimeField"].(map[string]any) {
		merged[key] = val
	}
	if merged["type"] != "composite" {
		delete(merged, "fields")
	}
	if msg := dvCheckRuntimeField("request body.runtimeField", merged); msg != "" {
		c.badRequest(msg)
		return
	}
	v.runtimeFields[name] = merged
	v.version++
	k.runtimeFieldAnswer(c, v, name)
}

func (k *Kibana) deleteRuntimeField(c *call) {
	if v, name := lookupRuntimeField(c); v != nil {
		delete(v.runtimeFields, name)
		v.version++
		okEmpty(c)
	}
}

func (k *Kibana) getDefaultDataView(c *call) {
	st := &c.space.platform.dataViews
	var id any
	if st.defaultID != "" {
		id = st.defaultID
	}
	c.ok(map[string]any{"data_view_id": id})
}

func (k *Kibana) setDefaultDataView(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "data_view_id", kind: "string", nullable: true, required: true},
		{name: "force", kind: "boolean", def: false},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := &c.space.platform.dataViews
	id, _ := body["data_view_id"].(string)
	// Kibana keeps an existing default unless forced, and says so no more
	// than it does.
	if body["force"].(bool) || st.defaultID == "" {
		st.defaultID = id
	}
	c.ok(map[string]any{"acknowledged": true})
}

// swapDataViewReferences previews or performs moving the references the
// space's saved objects hold from one object to another.
func (k *Kibana) swapDataViewReferences(preview bool) func(*call) {
	return func(c *call) {
		if !c.requireBody() {
			return
		}
		body, msg := cfgCheck("request body.", c.body, []cfgField{
			{name: "fromId", kind: "string", required: true, check: platMinLen(1)},
			{name: "fromType", kind: "string"},
			{name: "toId", kind: "string", required: true, check: platMinLen(1)},
			{name: "forId", kind: "stringOrStrings"},
			{name: "forType", kind: "string"},
			{name: "delete", kind: "boolean"},
		}, true)
		if msg != "" {
			c.badRequest(msg)
			return
		}
		fromID, toID := body["fromId"].(string), body["toId"].(string)
		fromType, _ := body["fromType"].(string)
		if fromType == "" {
			fromType = "index-pattern"
		}
		forType, _ := body["forType"].(string)
		var forIDs []string
		switch f := body["forId"].(type) {
		case string:
			forIDs = []string{f}
		case []any:
			forIDs = platStrings(f)
		}
		if !savedObjectExists(c.space, fromType, toID) {
			c.notFound(fmt.Sprintf("Could not find object with type %s and id %s", fromType, toID))
			return
		}
		st := &c.space.platform.dashboards
		var affected []*savedDashboard
		for _, d := range st.list {
			if forType != "" && forType != "dashboard" {
				continue
			}
			if len(forIDs) > 0 && !slices.Contains(forIDs, d.id) {
				continue
			}
			if d.refersTo(fromType, fromID) {
				affected = append(affected, d)
			}
		}
		result := make([]any, 0, len(affected))
		for _, d := range affected {
			result = append(result, map[string]any{"id": d.id, "type": "dashboard"})
		}
		answer := map[string]any{"result": result}
		if preview {
			c.ok(answer)
			return
		}
		for _, d := range affected {
			for i := range d.references {
				if d.references[i].typ == fromType && d.references[i].id == fromID {
					d.references[i].id = toID
				}
			}
			d.updatedAt = k.now()
			d.version++
		}
		if del, _ := body["delete"].(bool); del {
			remaining := 0
			for _, d := range st.list {
				if d.refersTo(fromType, fromID) {
					remaining++
				}
			}
			performed := false
			if remaining == 0 {
				switch fromType {
				case "index-pattern":
					if v := c.space.platform.dataViews.byID[fromID]; v != nil {
						k.deleteDataViewEverywhere(v)
						performed = true
					}
				case "dashboard":
					performed = st.remove(fromID)
				}
			}
			answer["deleteStatus"] = map[string]any{"remainingRefs": remaining, "deletePerformed": performed}
		}
		c.ok(answer)
	}
}

// savedObjectExists reports whether the space holds a saved object the
// sandbox knows of.
func savedObjectExists(sp *space, typ, id string) bool {
	switch typ {
	case "index-pattern":
		return sp.platform.dataViews.byID[id] != nil
	case "dashboard":
		return sp.platform.dashboards.byID(id) != nil
	}
	return false
}

// seedDataViews gives a space the story's data views: the Fleet-managed
// logs-* and metrics-*, the space's security alerts, and the web-logs
// sample data view.
func (k *Kibana) seedDataViews(sp *space, rng *rand.Rand) {
	st := &sp.platform.dataViews
	script := func(src string) map[string]any { return map[string]any{"source": src} }
	views := []*dataView{
		{id: "logs-*", title: "logs-*", name: "Logs", timeFieldName: "@timestamp", allowNoIndex: true,
			runtimeFields: map[string]map[string]any{
				"hour_of_day": {"type": "long", "script": script("emit(doc['@timestamp'].value.getHour())")},
			},
			fieldFormats: map[string]any{"network.bytes": map[string]any{"id": "bytes"}},
			fieldAttrs:   map[string]map[string]any{"host.name": {"customLabel": "Host", "count": 14}, "user.name": {"count": 9}}},
		{id: k.newID(), title: ".alerts-security.alerts-" + sp.id, name: "Security alerts", timeFieldName: "@timestamp",
			runtimeFields: map[string]map[string]any{
				"risk_band": {"type": "keyword", "script": script("def r = doc['kibana.alert.risk_score'].value; emit(r >= 70 ? 'high' : r >= 40 ? 'medium' : 'low')")},
			},
			fieldAttrs: map[string]map[string]any{"kibana.alert.rule.name": {"customLabel": "Rule", "count": 21}}},
		{id: "metrics-*", title: "metrics-*", name: "Metrics", timeFieldName: "@timestamp", allowNoIndex: true,
			fieldFormats: map[string]any{
				"system.cpu.total.norm.pct":     map[string]any{"id": "percent"},
				"system.memory.actual.used.pct": map[string]any{"id": "percent"},
			}},
		{id: "90943e30-9a47-11e8-b64d-95841ca0b247", title: "kibana_sample_data_logs", name: "Kibana Sample Data Logs", timeFieldName: "timestamp",
			runtimeFields: map[string]map[string]any{
				"hour_of_day": {"type": "long", "script": script("emit(doc['timestamp'].value.getHour());")},
			},
			fieldFormats: map[string]any{"bytes": map[string]any{"id": "bytes"}, "hour_of_day": map[string]any{"id": "number", "params": map[string]any{"pattern": "00"}}}},
	}
	for _, v := range views {
		v.version = 1 + rng.IntN(4)
		if v.fieldAttrs == nil {
			v.fieldAttrs = map[string]map[string]any{}
		}
		if v.fieldFormats == nil {
			v.fieldFormats = map[string]any{}
		}
		st.add(v)
	}
	st.defaultID = views[0].id
	if sp.id == "soc" {
		st.defaultID = views[1].id
	}
}

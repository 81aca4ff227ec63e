package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// Reading and writing saved objects through the stores of the areas that
// own them: dashboards (platform_dashboards.go), data views
// (platform_dataviews.go) and connectors (connectors.go). Those files are
// left as they are; this one only reads and writes their state.

// soGet returns a copy of the object of a space, or nil.
func (k *Kibana) soGet(sp *space, typ, id string) *soObject {
	st := k.soState(sp)
	switch typ {
	case "dashboard":
		if d := sp.platform.dashboards.byID(id); d != nil {
			return k.soFromDashboard(st, d)
		}
	case "index-pattern":
		if v := sp.platform.dataViews.byID[id]; v != nil {
			return k.soFromDataView(st, v)
		}
	case "action":
		if cn := sp.connectors.byID[id]; cn != nil && !cn.preconfigured {
			return k.soFromConnector(st, cn)
		}
	default:
		if o := st.generic[soKey(typ, id)]; o != nil {
			cp := *o
			cp.attributes = cfgClone(o.attributes)
			cp.references = slices.Clone(o.references)
			return &cp
		}
	}
	return nil
}

// soList lists a space's objects of one type, in a stable order.
func (k *Kibana) soList(sp *space, typ string) []*soObject {
	st := k.soState(sp)
	var out []*soObject
	switch typ {
	case "dashboard":
		for _, d := range sp.platform.dashboards.list {
			out = append(out, k.soFromDashboard(st, d))
		}
	case "index-pattern":
		for _, id := range sp.platform.dataViews.order {
			out = append(out, k.soFromDataView(st, sp.platform.dataViews.byID[id]))
		}
	case "action":
		for _, id := range slices.Sorted(maps.Keys(sp.connectors.byID)) {
			if cn := sp.connectors.byID[id]; !cn.preconfigured {
				out = append(out, k.soFromConnector(st, cn))
			}
		}
	default:
		for _, key := range st.order {
			if o := st.generic[key]; o.typ == typ {
				out = append(out, k.soGet(sp, typ, o.id))
			}
		}
	}
	return out
}

// soPut stores o (created or replaced whole) in the given spaces; an
// object that already exists in the request's space is changed in place,
// wherever it is shared. The message is why it cannot be stored.
func (k *Kibana) soPut(sp *space, o *soObject, spaces []string) string {
	st := k.soState(sp)
	if o.createdAt == "" {
		o.createdAt = k.now()
	}
	if o.updatedAt == "" {
		o.updatedAt = o.createdAt
	}
	targets := []*space{}
	for _, id := range spaces {
		if s := k.spaces[id]; s != nil {
			targets = append(targets, s)
		}
	}
	if len(targets) == 0 {
		targets = []*space{sp}
	}
	switch o.typ {
	case "dashboard":
		return k.soPutDashboard(targets, o)
	case "index-pattern":
		return k.soPutDataView(targets, o)
	case "action":
		return k.soPutConnector(targets, o)
	}
	key := soKey(o.typ, o.id)
	if have := st.generic[key]; have != nil {
		*have = *o
		return ""
	}
	stored := *o
	for _, s := range targets {
		ss := k.soState(s)
		if ss.generic[key] == nil {
			ss.order = append(ss.order, key)
		}
		ss.generic[key] = &stored
	}
	return ""
}

// soDelete removes an object from the space (and, being one object, from
// every space sharing it). Without force a shared object is refused, as
// Kibana does.
func (k *Kibana) soDelete(sp *space, typ, id string, force bool) (status int, msg string) {
	if k.soGet(sp, typ, id) == nil {
		return http.StatusNotFound, soNotFoundMessage(typ, id)
	}
	spaces := k.soNamespaces(sp, typ, id)
	if len(spaces) > 1 && !force {
		return http.StatusBadRequest, "Unable to delete saved object that exists in multiple namespaces, use the `force` option to delete it anyway"
	}
	key := soKey(typ, id)
	for _, sid := range spaces {
		s := k.spaces[sid]
		st := k.soState(s)
		switch typ {
		case "dashboard":
			s.platform.dashboards.remove(id)
		case "index-pattern":
			s.platform.dataViews.remove(id)
		case "action":
			delete(s.connectors.byID, id)
		default:
			delete(st.generic, key)
			st.order = slices.DeleteFunc(st.order, func(k string) bool { return k == key })
		}
		delete(st.extra, key)
		for alias, target := range st.aliases {
			if target == id && len(alias) > len(typ) && alias[:len(typ)+1] == typ+"/" {
				delete(st.aliases, alias)
			}
		}
	}
	return http.StatusOK, ""
}

// extraOf returns the side record of a bridged object, made on first use.
func (k *Kibana) extraOf(st *savedObjectsState, typ, id string) *soExtra {
	key := soKey(typ, id)
	e := st.extra[key]
	if e == nil {
		e = &soExtra{version: 1, createdAt: k.soEpoch(), updatedAt: k.soEpoch()}
		st.extra[key] = e
	}
	return e
}

// soEpoch is when the story's objects were saved: a fixed day before the
// sandbox's clock, so answers do not change from call to call.
func (k *Kibana) soEpoch() string {
	return kibanaTimestamp(k.cfg.Now().UTC().AddDate(0, 0, -30).Truncate(24 * 60 * 60 * 1e9))
}

// ---- dashboards ----

func (k *Kibana) soFromDashboard(st *savedObjectsState, d *savedDashboard) *soObject {
	e := st.extra[soKey("dashboard", d.id)]
	attrs := map[string]any{}
	o := &soObject{typ: "dashboard", id: d.id, version: d.version, createdAt: d.createdAt, updatedAt: d.updatedAt}
	if e != nil {
		attrs = cfgClone(e.attributes)
		o.originID = e.originID
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	attrs["title"], attrs["description"], attrs["timeRestore"] = d.title, d.description, d.timeRestore
	for _, key := range []string{"panelsJSON", "optionsJSON"} {
		if _, ok := attrs[key]; !ok {
			attrs[key] = map[string]string{"panelsJSON": "[]", "optionsJSON": `{"useMargins":true,"syncColors":false,"hidePanelTitles":false}`}[key]
		}
	}
	o.attributes = attrs
	for _, r := range d.references {
		o.references = append(o.references, soRef{typ: r.typ, id: r.id, name: r.name})
	}
	return o
}

func (k *Kibana) soPutDashboard(targets []*space, o *soObject) string {
	title, _ := o.attributes["title"].(string)
	description, _ := o.attributes["description"].(string)
	timeRestore, _ := o.attributes["timeRestore"].(bool)
	rest := cfgClone(o.attributes)
	delete(rest, "title")
	delete(rest, "description")
	delete(rest, "timeRestore")
	refs := make([]savedReference, 0, len(o.references))
	for _, r := range o.references {
		refs = append(refs, savedReference{typ: r.typ, id: r.id, name: r.name})
	}
	for _, s := range targets {
		d := s.platform.dashboards.byID(o.id)
		if d == nil {
			d = &savedDashboard{id: o.id, createdBy: "elastic"}
			s.platform.dashboards.list = append(s.platform.dashboards.list, d)
		}
		d.title, d.description, d.timeRestore, d.references = title, description, timeRestore, refs
		d.createdAt, d.updatedAt, d.updatedBy, d.version = o.createdAt, o.updatedAt, "elastic", o.version
		e := k.extraOf(k.soState(s), "dashboard", o.id)
		e.attributes, e.originID = rest, o.originID
	}
	return ""
}

// ---- data views ----

// soJSONText renders a value as the JSON text index-pattern attributes
// hold their structured members in.
func soJSONText(v any) string { return string(soMarshal(v)) }

// soMarshal encodes as Kibana's JSON.stringify does: <, > and & as they
// are, no trailing newline.
func soMarshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func (k *Kibana) soFromDataView(st *savedObjectsState, v *dataView) *soObject {
	e := k.extraOf(st, "index-pattern", v.id)
	attrs := cfgClone(e.attributes)
	if attrs == nil {
		attrs = map[string]any{}
	}
	attrs["title"] = v.title
	if v.name != "" {
		attrs["name"] = v.name
	}
	if v.timeFieldName != "" {
		attrs["timeFieldName"] = v.timeFieldName
	}
	if v.typ != "" {
		attrs["type"] = v.typ
	}
	if v.typeMeta != nil {
		attrs["typeMeta"] = soJSONText(v.typeMeta)
	}
	sourceFilters := v.sourceFilters
	if sourceFilters == nil {
		sourceFilters = []any{}
	}
	attrs["sourceFilters"] = soJSONText(sourceFilters)
	attrs["fieldFormatMap"] = soJSONText(orEmpty(v.fieldFormats))
	runtime := map[string]any{}
	for name, rf := range v.runtimeFields {
		runtime[name] = rf
	}
	attrs["runtimeFieldMap"] = soJSONText(runtime)
	fieldAttrs := map[string]any{}
	for name, a := range v.fieldAttrs {
		fieldAttrs[name] = a
	}
	attrs["fieldAttrs"] = soJSONText(fieldAttrs)
	attrs["allowNoIndex"] = v.allowNoIndex
	attrs["allowHidden"] = v.allowHidden
	attrs["fields"] = "[]"
	return &soObject{typ: "index-pattern", id: v.id, attributes: attrs, references: slices.Clone(e.references),
		version: v.version, createdAt: e.createdAt, updatedAt: e.updatedAt, originID: e.originID}
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// soJSONMember reads an index-pattern member that Kibana stores as JSON
// text (an object or array given as such is taken too).
func soJSONMember(attrs map[string]any, key string) (any, string) {
	v, ok := attrs[key]
	if !ok || v == nil {
		return nil, ""
	}
	s, isText := v.(string)
	if !isText {
		return v, ""
	}
	if s == "" {
		return nil, ""
	}
	var parsed any
	if err := json.Unmarshal([]byte(s), &parsed); err != nil {
		return nil, fmt.Sprintf("[attributes.%s]: not valid JSON: %v", key, err)
	}
	return parsed, ""
}

func (k *Kibana) soPutDataView(targets []*space, o *soObject) string {
	a := o.attributes
	nv := &dataView{id: o.id, version: o.version}
	nv.title, _ = a["title"].(string)
	nv.name, _ = a["name"].(string)
	nv.timeFieldName, _ = a["timeFieldName"].(string)
	nv.typ, _ = a["type"].(string)
	nv.allowNoIndex, _ = a["allowNoIndex"].(bool)
	nv.allowHidden, _ = a["allowHidden"].(bool)
	if nv.title == "" {
		return "[attributes.title]: a data view needs the index pattern it searches"
	}
	val, msg := soJSONMember(a, "sourceFilters")
	if msg != "" {
		return msg
	}
	if list, ok := val.([]any); ok {
		nv.sourceFilters = list
	}
	if val, msg = soJSONMember(a, "typeMeta"); msg != "" {
		return msg
	}
	nv.typeMeta, _ = val.(map[string]any)
	if val, msg = soJSONMember(a, "runtimeFieldMap"); msg != "" {
		return msg
	}
	if nv.runtimeFields, msg = dvRuntimeMap("attributes.runtimeFieldMap", val); msg != "" {
		return msg
	}
	if val, msg = soJSONMember(a, "fieldFormatMap"); msg != "" {
		return msg
	}
	if nv.fieldFormats, msg = dvFormats("attributes.fieldFormatMap", val); msg != "" {
		return msg
	}
	if val, msg = soJSONMember(a, "fieldAttrs"); msg != "" {
		return msg
	}
	if nv.fieldAttrs, msg = dvCheckRecord("attributes.fieldAttrs", val, dvFieldAttrsSpec); msg != "" {
		return msg
	}
	rest := cfgClone(a)
	for _, key := range []string{"title", "name", "timeFieldName", "type", "allowNoIndex", "allowHidden", "sourceFilters", "typeMeta", "runtimeFieldMap", "fieldFormatMap", "fieldAttrs", "fields"} {
		delete(rest, key)
	}
	for _, s := range targets {
		v := s.platform.dataViews.byID[o.id]
		if v == nil {
			v = nv
			s.platform.dataViews.add(v)
		} else if v != nv {
			*v = *nv // shared with other spaces: change the one object
		}
		e := k.extraOf(k.soState(s), "index-pattern", o.id)
		e.attributes, e.references, e.originID = rest, slices.Clone(o.references), o.originID
		e.createdAt, e.updatedAt = o.createdAt, o.updatedAt
	}
	return ""
}

// ---- connectors ----

func (k *Kibana) soFromConnector(st *savedObjectsState, cn *connector) *soObject {
	e := k.extraOf(st, "action", cn.id)
	attrs := cfgClone(e.attributes)
	if attrs == nil {
		attrs = map[string]any{}
	}
	// Secrets are encrypted and never answered.
	attrs["actionTypeId"], attrs["name"], attrs["isMissingSecrets"] = cn.typeID, cn.name, cn.missingSecrets
	attrs["config"] = orEmpty(cfgClone(cn.config))
	return &soObject{typ: "action", id: cn.id, attributes: attrs, references: slices.Clone(e.references),
		version: e.version, createdAt: e.createdAt, updatedAt: e.updatedAt, originID: e.originID}
}

func (k *Kibana) soPutConnector(targets []*space, o *soObject) string {
	a := o.attributes
	typeID, _ := a["actionTypeId"].(string)
	ct := connTypeByID(typeID)
	if ct == nil {
		return fmt.Sprintf("[attributes.actionTypeId]: action type \"%s\" is not registered", typeID)
	}
	name, _ := a["name"].(string)
	config, _ := a["config"].(map[string]any)
	if config == nil {
		config = map[string]any{}
	}
	if ct.config != nil {
		var msg string
		if config, msg = cfgCheck("attributes.config.", config, ct.config, true); msg != "" {
			return msg
		}
	}
	secrets, hasSecrets := a["secrets"].(map[string]any)
	if hasSecrets && ct.secrets != nil {
		var msg string
		if secrets, msg = cfgCheck("attributes.secrets.", secrets, ct.secrets, true); msg != "" {
			return msg
		}
	}
	missing, _ := a["isMissingSecrets"].(bool)
	rest := cfgClone(a)
	for _, key := range []string{"actionTypeId", "name", "config", "secrets", "isMissingSecrets"} {
		delete(rest, key)
	}
	for _, s := range targets {
		cn := s.connectors.byID[o.id]
		if cn == nil {
			cn = &connector{id: o.id}
			s.connectors.add(cn)
		}
		keep := cn.typeID == typeID && !hasSecrets
		cn.name, cn.typeID, cn.config = name, typeID, cfgClone(config)
		switch {
		case hasSecrets:
			cn.secrets, cn.missingSecrets = cfgClone(secrets), false
		case keep:
			// The stored secrets still fit the type.
		default:
			cn.secrets, cn.missingSecrets = map[string]any{}, ct.secrets != nil
		}
		if missing {
			cn.missingSecrets = true
		}
		e := k.extraOf(k.soState(s), "action", o.id)
		e.attributes, e.references, e.originID, e.version = rest, slices.Clone(o.references), o.originID, o.version
		e.createdAt, e.updatedAt = o.createdAt, o.updatedAt
	}
	return ""
}

package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
)

// Exporting saved objects as ndjson, importing them, and resolving the
// errors of an import.

// soExportLine is an object as an export file holds it: no namespaces.
func (k *Kibana) soExportLine(sp *space, o *soObject) map[string]any {
	doc := k.soDoc(sp, o)
	delete(doc, "namespaces")
	if o.typ == "action" {
		// Connectors leave without their secrets and must be given new
		// ones after import.
		if ct := connTypeByID(fmt.Sprint(o.attributes["actionTypeId"])); ct != nil && ct.secrets != nil {
			doc["attributes"].(map[string]any)["isMissingSecrets"] = true
		}
	}
	return doc
}

func (k *Kibana) soExport(c *call) {
	k.soState(c.space)
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "type", kind: "stringOrStrings"},
		{name: "objects", kind: "objects", items: soKeyItem},
		{name: "search", kind: "string"},
		{name: "hasReference", kind: "any"},
		{name: "includeReferencesDeep", kind: "boolean", def: false},
		{name: "excludeExportDetails", kind: "boolean", def: false},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	var types []string
	switch t := body["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		types = platStrings(t)
	}
	objects, hasObjects := body["objects"].([]any)
	search, _ := body["search"].(string)
	switch {
	case len(types) == 0 && !hasObjects:
		soBadRequest(c, "Either `type` or `objects` are required.")
		return
	case len(types) > 0 && hasObjects:
		soBadRequest(c, `Can't specify both "types" and "objects" properties when exporting`)
		return
	case hasObjects && search != "":
		soBadRequest(c, `Can't specify both "search" and "objects" properties when exporting`)
		return
	}
	var refs []soRef
	switch h := body["hasReference"].(type) {
	case map[string]any:
		refs = soParseRefs([]any{h})
	case []any:
		refs = soParseRefs(h)
	}
	var picked []*soObject
	if hasObjects {
		var missing []string
		for _, e := range objects {
			m := e.(map[string]any)
			typ, id := m["type"].(string), m["id"].(string)
			o := k.soGet(c.space, typ, id)
			if o == nil || !soKnownType(typ) {
				missing = append(missing, soKey(typ, id))
				continue
			}
			picked = append(picked, o)
		}
		if len(missing) > 0 {
			soBadRequest(c, "Error fetching objects to export: not found: "+strings.Join(missing, ", "))
			return
		}
	} else {
		if slices.Contains(types, "*") {
			types = nil
			for t := range soTypes {
				types = append(types, t)
			}
			slices.Sort(types)
		}
		for _, t := range types {
			if !soKnownType(t) {
				soBadRequest(c, "Trying to export non-exportable type(s): "+t)
				return
			}
		}
		terms := soParseSearch(search)
		for _, t := range types {
			for _, o := range k.soList(c.space, t) {
				if soMatchesSearch(o, terms, []string{"title", "name"}, false) && (len(refs) == 0 || soHasRefs(o, refs, false)) {
					picked = append(picked, o)
				}
			}
		}
		slices.SortStableFunc(picked, func(a, b *soObject) int {
			return strings.Compare(soKey(a.typ, a.id), soKey(b.typ, b.id))
		})
	}
	deep, _ := body["includeReferencesDeep"].(bool)
	ordered, missingRefs := k.soExportOrder(c.space, picked, deep)
	var buf bytes.Buffer
	for _, o := range ordered {
		line := soMarshal(k.soExportLine(c.space, o))
		buf.Write(line)
		buf.WriteByte('\n')
	}
	if exclude, _ := body["excludeExportDetails"].(bool); !exclude {
		missing := make([]any, 0, len(missingRefs))
		for _, r := range missingRefs {
			missing = append(missing, map[string]any{"type": r.typ, "id": r.id})
		}
		details := soMarshal(map[string]any{
			"exportedCount": len(ordered), "missingRefCount": len(missing), "missingReferences": missing,
			"excludedObjects": []any{}, "excludedObjectsCount": 0,
		})
		buf.Write(details)
		buf.WriteByte('\n')
	}
	c.answered = true
	c.w.Header().Set("Content-Type", "application/ndjson")
	c.w.Header().Set("Content-Disposition", `attachment; filename="export.ndjson"`)
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(buf.Bytes())
}

// soExportOrder puts what an object refers to before it (so an import
// creates it first) and, with deep, adds the referenced objects; it also
// lists references that lead nowhere.
func (k *Kibana) soExportOrder(sp *space, picked []*soObject, deep bool) ([]*soObject, []soRef) {
	var out []*soObject
	var missing []soRef
	seen := map[string]bool{}
	var visit func(o *soObject)
	visit = func(o *soObject) {
		key := soKey(o.typ, o.id)
		if seen[key] {
			return
		}
		seen[key] = true
		if deep {
			for _, r := range o.references {
				if ref := k.soGet(sp, r.typ, r.id); ref != nil {
					visit(ref)
				} else if !slices.ContainsFunc(missing, func(m soRef) bool { return m.typ == r.typ && m.id == r.id }) {
					missing = append(missing, r)
				}
			}
		}
		out = append(out, o)
	}
	for _, o := range picked {
		visit(o)
	}
	return out, missing
}

// soImportFile reads the multipart file of an import: its objects, or the
// 400 to answer. ok is false when the call was answered.
func soImportFile(c *call) ([]*soObject, bool) {
	if c.form == nil || len(c.form.File["file"]) == 0 {
		c.badRequest("[request body.file]: expected value of type [Stream] but got [undefined]")
		return nil, false
	}
	fh := c.form.File["file"][0]
	if ext := path.Ext(fh.Filename); ext != ".ndjson" {
		soBadRequest(c, fmt.Sprintf("Invalid file extension %s", ext))
		return nil, false
	}
	f, err := fh.Open()
	if err != nil {
		c.badRequest(err.Error())
		return nil, false
	}
	data, _ := io.ReadAll(f)
	f.Close()
	var out []*soObject
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var m map[string]any
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			soBadRequest(c, fmt.Sprintf("Unexpected token in JSON at line %d: %v", i+1, err))
			return nil, false
		}
		if _, details := m["exportedCount"]; details {
			continue
		}
		typ, _ := m["type"].(string)
		id, _ := m["id"].(string)
		attrs, _ := m["attributes"].(map[string]any)
		if typ == "" || id == "" || attrs == nil {
			soBadRequest(c, fmt.Sprintf("line %d: a saved object needs type, id and attributes", i+1))
			return nil, false
		}
		o := &soObject{typ: typ, id: id, attributes: attrs, references: soParseRefs(m["references"])}
		o.originID, _ = m["originId"].(string)
		out = append(out, o)
	}
	return out, true
}

// soImportResult is one line of successResults.
func soImportResult(o *soObject, destination string, overwrite bool) map[string]any {
	r := map[string]any{"type": o.typ, "id": o.id, "meta": map[string]any{"title": soTitle(o), "icon": soTypes[o.typ].icon}, "managed": false}
	if destination != "" && destination != o.id {
		r["destinationId"] = destination
	}
	if overwrite {
		r["overwrite"] = true
	}
	return r
}

// soImportError is one line of errors.
func soImportError(o *soObject, kind map[string]any) map[string]any {
	return map[string]any{"type": o.typ, "id": o.id, "title": soTitle(o), "meta": map[string]any{"title": soTitle(o), "icon": soTypes[o.typ].icon}, "error": kind}
}

// soImportQuery reads the options Kibana refuses together; ok is false
// when the call was answered.
func soImportQuery(c *call, withOverwrite bool) (overwrite, newCopies bool, ok bool) {
	if withOverwrite {
		if overwrite, ok = platQueryBool(c, "overwrite"); !ok {
			return
		}
	}
	if newCopies, ok = platQueryBool(c, "createNewCopies"); !ok {
		return
	}
	compat, ok := platQueryBool(c, "compatibilityMode")
	if !ok {
		return
	}
	switch {
	case newCopies && overwrite:
		c.badRequest("[request query]: cannot use [overwrite] with [createNewCopies]")
		return false, false, false
	case newCopies && compat:
		c.badRequest("[request query]: cannot use [createNewCopies] with [compatibilityMode]")
		return false, false, false
	}
	return overwrite, newCopies, true
}

// soImportPlan is how one object of a file is to be imported.
type soImportPlan struct {
	obj           *soObject
	destination   string
	overwrite     bool
	ignoreMissing bool
}

// soRunImport imports the planned objects: references within the batch
// follow their objects' new ids; an object whose references lead nowhere,
// or that exists without overwrite, is refused and the others are made.
func (k *Kibana) soRunImport(c *call, plans []soImportPlan) { c.ok(k.soImportInto(c.space, plans)) }

// soImportInto imports the planned objects into sp (an import's space, or
// a copy's target) and answers the import's result.
func (k *Kibana) soImportInto(sp *space, plans []soImportPlan) map[string]any {
	dest := map[string]string{}
	for _, p := range plans {
		dest[soKey(p.obj.typ, p.obj.id)] = p.destination
	}
	successes, errs := []any{}, []any{}
	for _, p := range plans {
		o := p.obj
		if !soKnownType(o.typ) {
			errs = append(errs, soImportError(o, map[string]any{"type": "unsupported_type"}))
			continue
		}
		refs := make([]soRef, len(o.references))
		var missing []any
		for i, r := range o.references {
			if to, inBatch := dest[soKey(r.typ, r.id)]; inBatch {
				r.id = to
			} else if k.soGet(sp, r.typ, r.id) == nil && !p.ignoreMissing {
				missing = append(missing, map[string]any{"type": r.typ, "id": r.id})
			}
			refs[i] = r
		}
		if len(missing) > 0 {
			errs = append(errs, soImportError(o, map[string]any{"type": "missing_references", "references": missing}))
			continue
		}
		have := k.soGet(sp, o.typ, p.destination)
		if have != nil && !p.overwrite {
			errs = append(errs, soImportError(o, map[string]any{"type": "conflict", "destinationId": p.destination}))
			continue
		}
		stored := &soObject{typ: o.typ, id: p.destination, attributes: cfgClone(o.attributes), references: refs, version: 1, originID: o.originID}
		if p.destination != o.id && stored.originID == "" {
			stored.originID = o.id
		}
		if have != nil {
			stored.version, stored.createdAt, stored.updatedAt = have.version+1, have.createdAt, k.now()
		}
		if msg := k.soPut(sp, stored, nil); msg != "" {
			errs = append(errs, soImportError(o, map[string]any{"type": "unknown", "message": msg, "statusCode": 400}))
			continue
		}
		successes = append(successes, soImportResult(o, p.destination, have != nil))
	}
	return map[string]any{"success": len(errs) == 0, "successCount": len(successes), "successResults": successes, "errors": errs}
}

func (k *Kibana) soImport(c *call) {
	k.soState(c.space)
	overwrite, newCopies, ok := soImportQuery(c, true)
	if !ok {
		return
	}
	objects, ok := soImportFile(c)
	if !ok {
		return
	}
	plans := make([]soImportPlan, 0, len(objects))
	for _, o := range objects {
		p := soImportPlan{obj: o, destination: o.id, overwrite: overwrite}
		if newCopies {
			p.destination = k.newID()
		}
		plans = append(plans, p)
	}
	k.soRunImport(c, plans)
}

var soRetrySpec = []cfgField{
	{name: "type", kind: "string", required: true},
	{name: "id", kind: "string", required: true},
	{name: "overwrite", kind: "boolean", def: false},
	{name: "destinationId", kind: "string"},
	{name: "replaceReferences", kind: "objects", def: []any{}, items: []cfgField{
		{name: "type", kind: "string", required: true},
		{name: "from", kind: "string", required: true},
		{name: "to", kind: "string", required: true},
	}},
	{name: "createNewCopy", kind: "boolean"},
	{name: "ignoreMissingReferences", kind: "boolean", def: false},
}

// soRetries reads the retries form field: one JSON array, or one JSON
// object per repeated field.
func soRetries(c *call) ([]map[string]any, bool) {
	var vals []string
	if c.form != nil {
		vals = c.form.Value["retries"]
	}
	if len(vals) == 0 {
		c.badRequest("[request body.retries]: expected value of type [array] but got [undefined]")
		return nil, false
	}
	var list []any
	for _, v := range vals {
		var parsed any
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(&parsed); err != nil {
			c.badRequest("[request body.retries]: could not parse array value from json input")
			return nil, false
		}
		if many, isList := parsed.([]any); isList {
			list = append(list, many...)
		} else {
			list = append(list, parsed)
		}
	}
	out := make([]map[string]any, 0, len(list))
	for i, e := range list {
		m, isObj := e.(map[string]any)
		if !isObj {
			c.badRequest(fmt.Sprintf("[request body.retries.%d]: expected a plain object value, but found [%s] instead.", i, cfgTypeOf(e)))
			return nil, false
		}
		checked, msg := cfgCheck(fmt.Sprintf("request body.retries.%d.", i), m, soRetrySpec, true)
		if msg != "" {
			c.badRequest(msg)
			return nil, false
		}
		out = append(out, checked)
	}
	return out, true
}

func (k *Kibana) soResolveImportErrors(c *call) {
	k.soState(c.space)
	_, newCopies, ok := soImportQuery(c, false)
	if !ok {
		return
	}
	retries, ok := soRetries(c)
	if !ok {
		return
	}
	objects, ok := soImportFile(c)
	if !ok {
		return
	}
	var plans []soImportPlan
	for _, r := range retries {
		typ, id := r["type"].(string), r["id"].(string)
		i := slices.IndexFunc(objects, func(o *soObject) bool { return o.typ == typ && o.id == id })
		if i < 0 {
			continue // Kibana skips retries the file does not hold
		}
		o := *objects[i]
		o.references = slices.Clone(o.references)
		for _, rr := range r["replaceReferences"].([]any) {
			m := rr.(map[string]any)
			for j := range o.references {
				if o.references[j].typ == m["type"] && o.references[j].id == m["from"] {
					o.references[j].id = m["to"].(string)
				}
			}
		}
		p := soImportPlan{obj: &o, destination: o.id, overwrite: r["overwrite"].(bool), ignoreMissing: r["ignoreMissingReferences"].(bool)}
		switch d, _ := r["destinationId"].(string); {
		case d != "":
			p.destination = d
		case newCopies:
			p.destination = k.newID()
		}
		plans = append(plans, p)
	}
	k.soRunImport(c, plans)
}

package sandbox

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Request checks of the exception-list routes (the Endpoint list's too).
// Kibana validates these routes with zod: a 400 lists every problem as
// "[request body]: path: message, ...". Not-found and conflict answers use
// the Security Solution's {message, status_code} shape. Other areas whose
// routes answer the same way use these helpers as well.

// epIssues collects zod-style validation problems.
type epIssues []string

func (is *epIssues) add(path, msg string) { *is = append(*is, path+": "+msg) }

func (is epIssues) message(where string) string {
	return "[" + where + "]: " + strings.Join(is, ", ")
}

// epSiemError answers in the Security Solution's error shape.
func epSiemError(c *call, status int, msg string) {
	c.answered = true
	writeJSON(c.w, status, map[string]any{"message": msg, "status_code": status})
}

// epVersion is a saved object's _version: base64 of [seq_no,primary_term].
func epVersion(seq int) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("[%d,1]", seq)))
}

// epZodType names a JSON value's type as zod's messages do.
func epZodType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "number"
}

func epZodEnum(allowed []string, got any) string {
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = "'" + a + "'"
	}
	return fmt.Sprintf("Invalid enum value. Expected %s, received '%v'", strings.Join(quoted, " | "), got)
}

// epZodQueryInt reads an integer query parameter as zod does.
func epZodQueryInt(c *call, name string, def, min int) (int, bool) {
	s := c.query(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		c.badRequest(fmt.Sprintf("[request query]: %s: Expected number, received nan", name))
		return 0, false
	}
	if n < min {
		c.badRequest(fmt.Sprintf("[request query]: %s: Number must be greater than or equal to %d", name, min))
		return 0, false
	}
	return n, true
}

// nonEmpty checks a NonEmptyString member; ok is false when it is absent
// or wrong (and then reported unless optional and absent).
func (is *epIssues) nonEmpty(obj map[string]any, key, path string, required bool) (string, bool) {
	v, present := obj[key]
	if !present {
		if required {
			is.add(path, "Required")
		}
		return "", false
	}
	s, ok := v.(string)
	switch {
	case !ok:
		is.add(path, "Expected string, received "+epZodType(v))
		return "", false
	case s == "":
		is.add(path, "String must contain at least 1 character(s)")
		return "", false
	case strings.TrimSpace(s) == "":
		is.add(path, "No empty strings allowed")
		return "", false
	}
	return s, true
}

// str checks a plain string member.
func (is *epIssues) str(body map[string]any, key string, required bool) string {
	v, present := body[key]
	if !present {
		if required {
			is.add(key, "Required")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		is.add(key, "Expected string, received "+epZodType(v))
	}
	return s
}

// enum checks a string member against its values.
func (is *epIssues) enum(body map[string]any, key string, allowed []string, required bool) string {
	v, present := body[key]
	if !present {
		if required {
			is.add(key, "Required")
		}
		return ""
	}
	s, _ := v.(string)
	if !slices.Contains(allowed, s) {
		is.add(key, epZodEnum(allowed, v))
		return ""
	}
	return s
}

// enumList checks an optional array of enum values.
func (is *epIssues) enumList(body map[string]any, key string, allowed []string) ([]string, bool) {
	v, present := body[key]
	if !present {
		return nil, false
	}
	list, ok := v.([]any)
	if !ok {
		is.add(key, "Expected array, received "+epZodType(v))
		return nil, true
	}
	out := []string{}
	for i, o := range list {
		if s, _ := o.(string); slices.Contains(allowed, s) {
			out = append(out, s)
		} else {
			is.add(fmt.Sprintf("%s.%d", key, i), epZodEnum(allowed, o))
		}
	}
	return out, true
}

// meta checks an optional object member.
func (is *epIssues) meta(body map[string]any) (map[string]any, bool) {
	v, present := body["meta"]
	if !present {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		is.add("meta", "Expected object, received "+epZodType(v))
	}
	return m, true
}

var (
	epEntryTypes = []string{"match", "match_any", "list", "exists", "nested", "wildcard"}
	epOperators  = []string{"excluded", "included"}
	epOSTypes    = []string{"linux", "macos", "windows"}
	epListTypes  = []string{"binary", "boolean", "byte", "date", "date_nanos", "date_range", "double", "double_range", "float", "float_range", "geo_point", "geo_shape", "half_float", "integer", "integer_range", "ip", "ip_range", "keyword", "long", "long_range", "shape", "short", "text"}
)

// checkEntry validates one entry (nested: one inner entry) and answers it
// as stored, without members its type does not take.
func (is *epIssues) checkEntry(v any, path string, nested bool) map[string]any {
	e, ok := v.(map[string]any)
	if !ok {
		is.add(path, "Expected object, received "+epZodType(v))
		return nil
	}
	types := epEntryTypes
	if nested {
		types = []string{"match", "match_any", "exists"}
	}
	typ, _ := e["type"].(string)
	if !slices.Contains(types, typ) {
		if _, present := e["type"]; !present {
			is.add(path+".type", "Required")
		} else {
			is.add(path+".type", epZodEnum(types, e["type"]))
		}
		return nil
	}
	out := map[string]any{"type": typ}
	if field, ok := is.nonEmpty(e, "field", path+".field", true); ok {
		out["field"] = field
	}
	if typ != "nested" {
		op, present := e["operator"]
		switch s, _ := op.(string); {
		case !present:
			is.add(path+".operator", "Required")
		case !slices.Contains(epOperators, s):
			is.add(path+".operator", epZodEnum(epOperators, op))
		default:
			out["operator"] = s
		}
	}
	switch typ {
	case "match", "wildcard":
		if s, ok := is.nonEmpty(e, "value", path+".value", true); ok {
			out["value"] = s
		}
	case "match_any":
		list, ok := e["value"].([]any)
		switch {
		case e["value"] == nil:
			is.add(path+".value", "Required")
		case !ok:
			is.add(path+".value", "Expected array, received "+epZodType(e["value"]))
		case len(list) == 0:
			is.add(path+".value", "Array must contain at least 1 element(s)")
		default:
			values := make([]any, 0, len(list))
			for i, item := range list {
				if s, ok := is.nonEmpty(map[string]any{"v": item}, "v", fmt.Sprintf("%s.value.%d", path, i), true); ok {
					values = append(values, s)
				}
			}
			out["value"] = values
		}
	case "list":
		l, ok := e["list"].(map[string]any)
		if !ok {
			if e["list"] == nil {
				is.add(path+".list", "Required")
			} else {
				is.add(path+".list", "Expected object, received "+epZodType(e["list"]))
			}
			break
		}
		id, idOK := is.nonEmpty(l, "id", path+".list.id", true)
		lt, _ := l["type"].(string)
		if !slices.Contains(epListTypes, lt) {
			if l["type"] == nil {
				is.add(path+".list.type", "Required")
			} else {
				is.add(path+".list.type", epZodEnum(epListTypes, l["type"]))
			}
		} else if idOK {
			out["list"] = map[string]any{"id": id, "type": lt}
		}
	case "nested":
		inner, ok := e["entries"].([]any)
		switch {
		case e["entries"] == nil:
			is.add(path+".entries", "Required")
		case !ok:
			is.add(path+".entries", "Expected array, received "+epZodType(e["entries"]))
		case len(inner) == 0:
			is.add(path+".entries", "Array must contain at least 1 element(s)")
		default:
			var checked []any
			for i, ie := range inner {
				if m := is.checkEntry(ie, fmt.Sprintf("%s.entries.%d", path, i), true); m != nil {
					checked = append(checked, m)
				}
			}
			out["entries"] = checked
		}
	}
	return out
}

// exItemCore is a validated item body: the members every exception item
// body has, the Endpoint list's included.
type exItemCore struct {
	id, itemID, version, name, description string
	entries                                []any
	osTypes, tags                          []string
	hasTags, hasMeta, hasNotes             bool
	comments                               []any
	meta                                   map[string]any
}

// checkItemBody validates a create or update body.
func checkItemBody(body map[string]any, update bool) (*exItemCore, epIssues) {
	var is epIssues
	in := &exItemCore{}
	if update {
		in.id, _ = is.nonEmpty(body, "id", "id", false)
	}
	in.itemID, _ = is.nonEmpty(body, "item_id", "item_id", false)
	if v, ok := body["_version"]; ok && update {
		if s, isString := v.(string); isString {
			in.version = s
		} else {
			is.add("_version", "Expected string, received "+epZodType(v))
		}
	}
	switch v, present := body["type"]; {
	case !present:
		is.add("type", "Required")
	case v != "simple":
		is.add("type", epZodEnum([]string{"simple"}, v))
	}
	in.name, _ = is.nonEmpty(body, "name", "name", true)
	in.description = is.str(body, "description", true)
	switch v, present := body["entries"]; {
	case !present:
		is.add("entries", "Required")
	default:
		list, ok := v.([]any)
		if !ok {
			is.add("entries", "Expected array, received "+epZodType(v))
			break
		}
		in.entries = []any{}
		for i, e := range list {
			if m := is.checkEntry(e, fmt.Sprintf("entries.%d", i), false); m != nil {
				in.entries = append(in.entries, m)
			}
		}
	}
	in.osTypes, _ = is.enumList(body, "os_types", epOSTypes)
	if v, present := body["tags"]; present {
		in.hasTags = true
		list, ok := v.([]any)
		if !ok {
			is.add("tags", "Expected array, received "+epZodType(v))
		}
		for i, t := range list {
			if s, ok := is.nonEmpty(map[string]any{"t": t}, "t", fmt.Sprintf("tags.%d", i), true); ok {
				in.tags = append(in.tags, s)
			}
		}
	}
	in.meta, in.hasMeta = is.meta(body)
	if v, present := body["comments"]; present {
		in.hasNotes = true
		list, ok := v.([]any)
		if !ok {
			is.add("comments", "Expected array, received "+epZodType(v))
		}
		for i, cm := range list {
			m, ok := cm.(map[string]any)
			if !ok {
				is.add(fmt.Sprintf("comments.%d", i), "Expected object, received "+epZodType(cm))
				continue
			}
			if s, ok := is.nonEmpty(m, "comment", fmt.Sprintf("comments.%d.comment", i), true); ok {
				in.comments = append(in.comments, map[string]any{"comment": s, "id": m["id"]})
			}
		}
	}
	return in, is
}

// exComments gives new comments their id, author and time; those with an
// id already kept are kept as they were.
func (k *Kibana) exComments(in []any, old []any, user, stamp string) []any {
	out := []any{}
	for _, c := range in {
		m := c.(map[string]any)
		if id, _ := m["id"].(string); id != "" {
			if i := slices.IndexFunc(old, func(o any) bool { return o.(map[string]any)["id"] == id }); i >= 0 {
				out = append(out, old[i])
				continue
			}
		}
		out = append(out, map[string]any{"id": k.newID(), "comment": m["comment"], "created_at": stamp, "created_by": user})
	}
	return out
}

// exItemMissing is Kibana's message for an item that is not there.
func exItemMissing(id, itemID string) string {
	if id != "" {
		return fmt.Sprintf(`exception list item id: "%s" does not exist`, id)
	}
	return fmt.Sprintf(`exception list item item_id: "%s" does not exist`, itemID)
}

// exFind finds a list or item by its id or by the id its request gives it
// (list_id, item_id): a 400 with refMissing when neither is given, a 404
// with missing's message when nothing has them; nil when answered.
func exFind[T any](c *call, id, ref, refMissing string, find func(id, ref string) *T, missing func(id, ref string) string) *T {
	if id == "" && ref == "" {
		epSiemError(c, http.StatusBadRequest, refMissing)
		return nil
	}
	r := find(id, ref)
	if r == nil {
		epSiemError(c, http.StatusNotFound, missing(id, ref))
	}
	return r
}

// exStale answers a 409 when an update's _version is not the stored
// object's.
func exStale(c *call, version string, seq int, soType, id string) bool {
	if version != "" && version != epVersion(seq) {
		epSiemError(c, http.StatusConflict, soConflictMessage(soType, id))
		return true
	}
	return false
}

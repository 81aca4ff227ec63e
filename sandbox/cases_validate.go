package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Reading Cases request bodies the way Kibana validates them: the first
// problem found is answered as a 400 naming the field, e.g.
// "[request body.title]: expected value of type [string] but got [undefined]".

// caseChecker reads a JSON document and remembers its first problem.
type caseChecker struct {
	where string // "request body", "request query"
	err   string
}

func newCaseBodyChecker() *caseChecker { return &caseChecker{where: "request body"} }

// fail records a problem at path (dotted, e.g. "connector.fields.parent").
func (ck *caseChecker) fail(path, format string, args ...any) {
	if ck.err != "" {
		return
	}
	at := ck.where
	if path != "" {
		at += "." + path
	}
	ck.err = "[" + at + "]: " + fmt.Sprintf(format, args...)
}

func (ck *caseChecker) ok() bool { return ck.err == "" }

func casePath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// caseValueType names a decoded JSON value's type as Kibana's validation does.
func caseValueType(v any, present bool) string {
	if !present {
		return "undefined"
	}
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "Array"
	}
	return "Object"
}

// excess refuses members the document may not have.
func (ck *caseChecker) excess(m map[string]any, path string, allowed ...string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			ck.fail(casePath(path, k), "definition for this key is missing")
			return
		}
	}
}

// object reads an object member; nullable allows null (answered as nil).
func (ck *caseChecker) object(m map[string]any, path, key string, required, nullable bool) (map[string]any, bool) {
	v, present := m[key]
	if !present && !required {
		return nil, false
	}
	if v == nil && present && nullable {
		return nil, true
	}
	obj, ok := v.(map[string]any)
	if !ok {
		ck.fail(casePath(path, key), "expected a plain object value, but found [%s] instead.", caseValueType(v, present))
		return nil, present
	}
	return obj, true
}

// str reads a string member.
func (ck *caseChecker) str(m map[string]any, path, key string, required bool) (string, bool) {
	v, present := m[key]
	if !present && !required {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		ck.fail(casePath(path, key), "expected value of type [string] but got [%s]", caseValueType(v, present))
		return "", present
	}
	return s, true
}

// text reads a string member that may not be blank nor longer than max
// characters; name is how Kibana's messages call the field.
func (ck *caseChecker) text(m map[string]any, path, key, name string, required bool, max int) (string, bool) {
	s, present := ck.str(m, path, key, required)
	if !present || !ck.ok() {
		return s, present
	}
	if strings.TrimSpace(s) == "" {
		ck.fail(casePath(path, key), "The %s field cannot be an empty string.", name)
	} else if utf8.RuneCountInString(s) > max {
		ck.fail(casePath(path, key), "The length of the %s is too long. The maximum length is %d.", name, max)
	}
	return s, present
}

// oneOf reads a string member that must be one of allowed.
func (ck *caseChecker) oneOf(m map[string]any, path, key string, required bool, allowed []string) (string, bool) {
	s, present := ck.str(m, path, key, required)
	if present && ck.ok() && !slices.Contains(allowed, s) {
		ck.fail(casePath(path, key), "expected one of [%s] but got [%s]", strings.Join(allowed, ", "), s)
	}
	return s, present
}

// boolean reads a boolean member.
func (ck *caseChecker) boolean(m map[string]any, path, key string, required bool) (bool, bool) {
	v, present := m[key]
	if !present && !required {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		ck.fail(casePath(path, key), "expected value of type [boolean] but got [%s]", caseValueType(v, present))
	}
	return b, present
}

// array reads an array member of at most max items; nullable allows null.
func (ck *caseChecker) array(m map[string]any, path, key string, required, nullable bool, max int) ([]any, bool) {
	v, present := m[key]
	if !present && !required {
		return nil, false
	}
	if v == nil && present && nullable {
		return nil, true
	}
	list, ok := v.([]any)
	if !ok {
		ck.fail(casePath(path, key), "expected value of type [array] but got [%s]", caseValueType(v, present))
		return nil, present
	}
	if max > 0 && len(list) > max {
		ck.fail(casePath(path, key), "The length of the field %s is too long. Array must be of length <= %d.", key, max)
	}
	return list, true
}

// tags reads a list of tags: at most 200, each 1 to 256 characters.
func (ck *caseChecker) tags(m map[string]any, path, key string, required bool) ([]string, bool) {
	list, present := ck.array(m, path, key, required, false, maxCaseTags)
	if !present || !ck.ok() {
		return nil, present
	}
	out := make([]string, 0, len(list))
	for i, v := range list {
		s, ok := v.(string)
		at := casePath(path, fmt.Sprintf("%s.%d", key, i))
		switch {
		case !ok:
			ck.fail(at, "expected value of type [string] but got [%s]", caseValueType(v, true))
		case strings.TrimSpace(s) == "":
			ck.fail(at, "The tag field cannot be an empty string.")
		case utf8.RuneCountInString(s) > maxCaseTagLength:
			ck.fail(at, "The length of the tag is too long. The maximum length is %d.", maxCaseTagLength)
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out, true
}

// category reads a case category: a string of at most 50 characters, or
// null.
func (ck *caseChecker) category(m map[string]any, path string) (*string, bool) {
	v, present := m["category"]
	if !present {
		return nil, false
	}
	if v == nil {
		return nil, true
	}
	s, _ := ck.text(m, path, "category", "category", true, maxCaseCategory)
	s = strings.TrimSpace(s)
	return &s, true
}

// assignees reads a list of {uid} of at most 10, or null.
func (ck *caseChecker) assignees(m map[string]any, path string) ([]caseAssignee, bool) {
	list, present := ck.array(m, path, "assignees", false, true, maxCaseAssignees)
	if !present || !ck.ok() {
		return nil, present
	}
	out := []caseAssignee{}
	for i, v := range list {
		at := casePath(path, fmt.Sprintf("assignees.%d", i))
		obj, ok := v.(map[string]any)
		if !ok {
			ck.fail(at, "expected a plain object value, but found [%s] instead.", caseValueType(v, true))
			return nil, true
		}
		ck.excess(obj, at, "uid")
		uid, _ := ck.str(obj, at, "uid", true)
		out = append(out, caseAssignee{UID: uid})
	}
	return out, true
}

// connector reads a case connector {id, name, type, fields}: fields are
// null or hold exactly the members of the connector type.
func (ck *caseChecker) connector(m map[string]any, path string, required bool) (caseConnector, bool) {
	obj, present := ck.object(m, path, "connector", required, false)
	if !present || !ck.ok() {
		return caseConnector{}, present
	}
	at := casePath(path, "connector")
	ck.excess(obj, at, "id", "name", "type", "fields")
	var c caseConnector
	c.ID, _ = ck.str(obj, at, "id", true)
	c.Name, _ = ck.str(obj, at, "name", true)
	c.Type, _ = ck.oneOf(obj, at, "type", true, caseConnectorTypes)
	if !ck.ok() {
		return c, true
	}
	fields, given := obj["fields"]
	if !given {
		ck.fail(casePath(at, "fields"), "expected value of type [object] but got [undefined]")
		return c, true
	}
	if fields == nil {
		return c, true
	}
	if c.Type == ".none" || c.Type == ".cases-webhook" {
		ck.fail(casePath(at, "fields"), "expected value to equal [null] but got [%s]", caseValueType(fields, true))
		return c, true
	}
	f, ok := fields.(map[string]any)
	if !ok {
		ck.fail(casePath(at, "fields"), "expected a plain object value, but found [%s] instead.", caseValueType(fields, true))
		return c, true
	}
	want := caseConnectorFieldKeys[c.Type]
	optional := map[string][]string{".jira": {"otherFields"}, ".resilient": {"additionalFields"}, ".servicenow": {"additionalFields"}, ".servicenow-sir": {"additionalFields"}}[c.Type]
	ck.excess(f, casePath(at, "fields"), append(slices.Clone(want), optional...)...)
	for _, key := range want {
		v, present := f[key]
		if !present {
			ck.fail(casePath(at, "fields."+key), "expected value of type [%s] but got [undefined]", caseConnectorFieldType(c.Type, key))
			return c, true
		}
		if v == nil {
			continue
		}
		if kind := caseConnectorFieldType(c.Type, key); kind != caseValueType(v, true) && !(kind == "array" && caseValueType(v, true) == "Array") {
			ck.fail(casePath(at, "fields."+key), "expected value of type [%s] but got [%s]", kind, caseValueType(v, true))
			return c, true
		}
	}
	c.Fields = f
	return c, true
}

func caseConnectorFieldType(connectorType, key string) string {
	switch {
	case connectorType == ".resilient" && key == "issueTypes":
		return "array"
	case connectorType == ".servicenow-sir" && slices.Contains([]string{"destIp", "sourceIp", "malwareHash", "malwareUrl"}, key):
		return "boolean"
	}
	return "string"
}

// settings reads {syncAlerts}.
func (ck *caseChecker) settings(m map[string]any, path string, required bool) (caseSettings, bool) {
	obj, present := ck.object(m, path, "settings", required, false)
	if !present || !ck.ok() {
		return caseSettings{}, present
	}
	at := casePath(path, "settings")
	ck.excess(obj, at, "syncAlerts")
	sync, _ := ck.boolean(obj, at, "syncAlerts", true)
	return caseSettings{SyncAlerts: sync}, true
}

// customFieldValues reads the values of a case's custom fields: at most
// 10 {key, type, value}, text values 1 to 160 characters, toggles booleans.
func (ck *caseChecker) customFieldValues(m map[string]any, path string) ([]caseCustomField, bool) {
	list, present := ck.array(m, path, "customFields", false, false, maxCaseCustomFields)
	if !present || !ck.ok() {
		return nil, present
	}
	out := []caseCustomField{}
	for i, v := range list {
		at := casePath(path, fmt.Sprintf("customFields.%d", i))
		obj, ok := v.(map[string]any)
		if !ok {
			ck.fail(at, "expected a plain object value, but found [%s] instead.", caseValueType(v, true))
			return nil, true
		}
		ck.excess(obj, at, "key", "type", "value")
		var cf caseCustomField
		cf.Key, _ = ck.str(obj, at, "key", true)
		cf.Type, _ = ck.oneOf(obj, at, "type", true, []string{"text", "toggle"})
		value, given := obj["value"]
		if !ck.ok() {
			return nil, true
		}
		switch {
		case !given:
			ck.fail(casePath(at, "value"), "expected value of type [%s] but got [undefined]", caseCustomFieldKind(cf.Type))
		case value == nil:
		case cf.Type == "text":
			s, ok := value.(string)
			if !ok {
				ck.fail(casePath(at, "value"), "expected value of type [string] but got [%s]", caseValueType(value, true))
			} else if strings.TrimSpace(s) == "" {
				ck.fail(casePath(at, "value"), "The value field cannot be an empty string.")
			} else if utf8.RuneCountInString(s) > 160 {
				ck.fail(casePath(at, "value"), "The length of the value is too long. The maximum length is 160.")
			}
		default:
			if _, ok := value.(bool); !ok {
				ck.fail(casePath(at, "value"), "expected value of type [boolean] but got [%s]", caseValueType(value, true))
			}
		}
		cf.Value = value
		out = append(out, cf)
	}
	if dup := caseDuplicates(out, func(cf caseCustomField) string { return cf.Key }); dup != "" && ck.ok() {
		ck.err = "Invalid caseDuplicates custom field keys in request: " + dup
	}
	return out, true
}

func caseCustomFieldKind(typ string) string {
	if typ == "toggle" {
		return "boolean"
	}
	return "string"
}

// caseDuplicates names the keys that occur more than once, comma-separated.
func caseDuplicates[T any](items []T, key func(T) string) string {
	seen, dups := map[string]bool{}, []string{}
	for _, it := range items {
		k := key(it)
		if seen[k] && !slices.Contains(dups, k) {
			dups = append(dups, k)
		}
		seen[k] = true
	}
	return strings.Join(dups, ",")
}

// checkCustomFields holds a case's custom field values against its owner's
// settings, as Kibana does, and completes them: configured fields the
// request leaves out become their default (required ones) or null. It
// answers Kibana's message for the first problem.
func checkCustomFields(cfg *caseConfigDoc, values []caseCustomField) ([]caseCustomField, string) {
	var defs []map[string]any
	if cfg != nil {
		defs = cfg.CustomFields
	}
	if len(values) > 0 && len(defs) == 0 {
		return nil, "No custom fields configured."
	}
	def := func(key string) map[string]any {
		for _, d := range defs {
			if d["key"] == key {
				return d
			}
		}
		return nil
	}
	var unknown, wrongType, nullRequired []string
	for _, v := range values {
		d := def(v.Key)
		switch {
		case d == nil:
			unknown = append(unknown, v.Key)
		case d["type"] != v.Type:
			wrongType = append(wrongType, fmt.Sprint(d["label"]))
		case v.Value == nil && d["required"] == true:
			nullRequired = append(nullRequired, fmt.Sprint(d["label"]))
		}
	}
	switch {
	case len(unknown) > 0:
		return nil, "Invalid custom field keys: " + strings.Join(unknown, ",")
	case len(wrongType) > 0:
		return nil, `The following custom fields have the wrong type in the request: "` + strings.Join(wrongType, `", "`) + `"`
	case len(nullRequired) > 0:
		return nil, `Invalid value "null" supplied for the following required custom fields: "` + strings.Join(nullRequired, `", "`) + `"`
	}
	out := slices.Clone(values)
	var missing []string
	for _, d := range defs {
		key, _ := d["key"].(string)
		if slices.ContainsFunc(values, func(v caseCustomField) bool { return v.Key == key }) {
			continue
		}
		typ, _ := d["type"].(string)
		dv, hasDefault := d["defaultValue"]
		switch {
		case d["required"] == true && hasDefault && dv != nil:
			out = append(out, caseCustomField{Key: key, Type: typ, Value: dv})
		case d["required"] == true:
			missing = append(missing, fmt.Sprint(d["label"]))
		default:
			out = append(out, caseCustomField{Key: key, Type: typ, Value: nil})
		}
	}
	if len(missing) > 0 {
		return nil, `Missing required custom fields: "` + strings.Join(missing, `", "`) + `"`
	}
	return out, ""
}

// parseNewCase reads a create-case body.
func parseNewCase(body map[string]any) (caseNewInput, string) {
	ck := newCaseBodyChecker()
	ck.excess(body, "", "title", "description", "owner", "connector", "settings", "tags", "severity", "category", "assignees", "customFields")
	var in caseNewInput
	in.title, _ = ck.text(body, "", "title", "title", true, maxCaseTitle)
	in.description, _ = ck.text(body, "", "description", "description", true, maxCaseDescription)
	in.owner, _ = ck.oneOf(body, "", "owner", true, caseOwners)
	in.connector, _ = ck.connector(body, "", true)
	in.settings, _ = ck.settings(body, "", true)
	in.tags, _ = ck.tags(body, "", "tags", true)
	in.severity, _ = ck.oneOf(body, "", "severity", false, caseSeverities)
	in.category, _ = ck.category(body, "")
	in.assignees, _ = ck.assignees(body, "")
	in.customFields, _ = ck.customFieldValues(body, "")
	return in, ck.err
}

// caseUpdate is one entry of a bulk update.
type caseUpdate struct {
	id, version string
	patch       casePatch
}

// parseCaseUpdates reads a bulk-update body {cases: [...]}.
func parseCaseUpdates(body map[string]any) ([]caseUpdate, string) {
	ck := newCaseBodyChecker()
	ck.excess(body, "", "cases")
	list, _ := ck.array(body, "", "cases", true, false, 100)
	if ck.ok() && len(list) == 0 {
		ck.fail("cases", "The length of the field cases is too short. Array must be of length >= 1.")
	}
	var out []caseUpdate
	for i, v := range list {
		if !ck.ok() {
			break
		}
		at := fmt.Sprintf("cases.%d", i)
		m, ok := v.(map[string]any)
		if !ok {
			ck.fail(at, "expected a plain object value, but found [%s] instead.", caseValueType(v, true))
			break
		}
		if _, ok := m["owner"]; ok {
			id, _ := m["id"].(string)
			return nil, fmt.Sprintf("Updating the owner of a case is not allowed ids: [%s]", id)
		}
		ck.excess(m, at, "id", "version", "title", "description", "status", "severity", "tags", "category", "assignees", "connector", "settings", "customFields")
		var u caseUpdate
		u.id, _ = ck.str(m, at, "id", true)
		u.version, _ = ck.str(m, at, "version", true)
		if s, ok := ck.text(m, at, "title", "title", false, maxCaseTitle); ok {
			u.patch.title = &s
		}
		if s, ok := ck.text(m, at, "description", "description", false, maxCaseDescription); ok {
			u.patch.description = &s
		}
		if s, ok := ck.oneOf(m, at, "status", false, caseStatuses); ok {
			u.patch.status = &s
		}
		if s, ok := ck.oneOf(m, at, "severity", false, caseSeverities); ok {
			u.patch.severity = &s
		}
		if t, ok := ck.tags(m, at, "tags", false); ok {
			u.patch.tags = &t
		}
		if c, ok := ck.category(m, at); ok {
			u.patch.category = &c
		}
		if a, ok := ck.assignees(m, at); ok {
			u.patch.assignees = &a
		}
		if c, ok := ck.connector(m, at, false); ok {
			u.patch.connector = &c
		}
		if s, ok := ck.settings(m, at, false); ok {
			u.patch.settings = &s
		}
		if cf, ok := ck.customFieldValues(m, at); ok {
			u.patch.customFields = &cf
		}
		out = append(out, u)
	}
	return out, ck.err
}

// parseAttachment reads an add- or update-comment body: a user comment or
// alerts; update also needs the comment's id and version.
func parseAttachment(body map[string]any, update bool) (cm *caseCommentDoc, id, version, err string) {
	ck := newCaseBodyChecker()
	typ, _ := ck.oneOf(body, "", "type", true, []string{"user", "alert"})
	if !ck.ok() {
		return nil, "", "", ck.err
	}
	common := []string{"type", "owner"}
	if update {
		common = append(common, "id", "version")
		id, _ = ck.str(body, "", "id", true)
		version, _ = ck.str(body, "", "version", true)
	}
	cm = &caseCommentDoc{typ: typ}
	cm.owner, _ = ck.oneOf(body, "", "owner", true, caseOwners)
	if typ == "user" {
		ck.excess(body, "", append(common, "comment")...)
		cm.comment, _ = ck.text(body, "", "comment", "comment", true, maxCaseComment)
		return cm, id, version, ck.err
	}
	ck.excess(body, "", append(common, "alertId", "index", "rule")...)
	ids, single := ck.stringOrList(body, "alertId")
	indices, singleIndex := ck.stringOrList(body, "index")
	rule, _ := ck.object(body, "", "rule", true, true)
	if !ck.ok() {
		return nil, "", "", ck.err
	}
	if len(ids) != len(indices) {
		return nil, "", "", "Received an alert comment with ids and indices arrays of different lengths."
	}
	if len(ids) == 0 {
		ck.fail("alertId", "The length of the field alertId is too short. Array must be of length >= 1.")
	}
	if rule != nil {
		ck.excess(rule, "rule", "id", "name")
		for _, k := range []string{"id", "name"} {
			v, present := rule[k]
			if !present {
				ck.fail("rule."+k, "expected value of type [string] but got [undefined]")
				continue
			}
			if v == nil {
				continue
			}
			s, ok := v.(string)
			if !ok {
				ck.fail("rule."+k, "expected value of type [string] but got [%s]", caseValueType(v, true))
				continue
			}
			if k == "id" {
				cm.rule.ID = &s
			} else {
				cm.rule.Name = &s
			}
		}
	}
	cm.alertIDs, cm.indices, cm.singleAlert = ids, indices, single && singleIndex
	return cm, id, version, ck.err
}

// stringOrList reads a member that is a string or a list of at most 1,000
// strings.
func (ck *caseChecker) stringOrList(m map[string]any, key string) ([]string, bool) {
	v, present := m[key]
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		if len(v) > maxAlertsPerCase {
			ck.fail(key, "The length of the field %s is too long. Array must be of length <= %d.", key, maxAlertsPerCase)
			return nil, false
		}
		out := make([]string, 0, len(v))
		for i, s := range v {
			str, ok := s.(string)
			if !ok {
				ck.fail(fmt.Sprintf("%s.%d", key, i), "expected value of type [string] but got [%s]", caseValueType(s, true))
				return nil, false
			}
			out = append(out, str)
		}
		return out, false
	}
	ck.fail(key, "expected value of type [string] or [array] but got [%s]", caseValueType(v, present))
	return nil, false
}

var caseCustomFieldKeyPattern = lazyRegexp(`^[a-z0-9_-]+$`)

// parseConfiguration reads a create (update false) or update settings body.
func parseConfiguration(body map[string]any, update bool) (cfg map[string]any, err string) {
	ck := newCaseBodyChecker()
	out := map[string]any{}
	if update {
		ck.excess(body, "", "version", "closure_type", "connector", "customFields", "templates", "observableTypes")
		out["version"], _ = ck.str(body, "", "version", true)
	} else {
		ck.excess(body, "", "owner", "closure_type", "connector", "customFields", "templates", "observableTypes")
		out["owner"], _ = ck.oneOf(body, "", "owner", true, caseOwners)
	}
	if s, ok := ck.oneOf(body, "", "closure_type", !update, caseClosureTypes); ok {
		out["closure_type"] = s
	}
	if obj, ok := ck.object(body, "", "connector", !update, false); ok && ck.ok() {
		ck.excess(obj, "connector", "id", "name", "type", "fields")
		var c caseConnector
		c.ID, _ = ck.str(obj, "connector", "id", true)
		c.Name, _ = ck.str(obj, "connector", "name", true)
		c.Type, _ = ck.oneOf(obj, "connector", "type", true, caseConnectorTypes)
		if f, present := obj["fields"]; !present {
			ck.fail("connector.fields", "expected value of type [object] but got [undefined]")
		} else if f != nil {
			if _, ok := f.(map[string]any); !ok {
				ck.fail("connector.fields", "expected a plain object value, but found [%s] instead.", caseValueType(f, true))
			}
		}
		out["connector"] = c // a configuration's connector fields are not kept
	}
	if list, ok := ck.array(body, "", "customFields", false, false, maxCaseCustomFields); ok && ck.ok() {
		defs := []map[string]any{}
		for i, v := range list {
			at := fmt.Sprintf("customFields.%d", i)
			d, ok := v.(map[string]any)
			if !ok {
				ck.fail(at, "expected a plain object value, but found [%s] instead.", caseValueType(v, true))
				break
			}
			ck.excess(d, at, "key", "label", "type", "required", "defaultValue")
			key, _ := ck.str(d, at, "key", true)
			if ck.ok() && (len(key) < 1 || len(key) > 36 || !caseCustomFieldKeyPattern().MatchString(key)) {
				ck.fail(at+".key", "Key must be lower case, a-z, 0-9, '_', and '-' are allowed, and 1 to 36 characters long.")
			}
			label, _ := ck.str(d, at, "label", true)
			if ck.ok() && (label == "" || utf8.RuneCountInString(label) > 50) {
				ck.fail(at+".label", "The length of the label must be 1 to 50 characters.")
			}
			typ, _ := ck.oneOf(d, at, "type", true, []string{"text", "toggle"})
			required, _ := ck.boolean(d, at, "required", true)
			def := map[string]any{"key": key, "label": label, "type": typ, "required": required}
			if dv, present := d["defaultValue"]; present && dv != nil && ck.ok() {
				if kind := caseCustomFieldKind(typ); caseValueType(dv, true) != kind {
					ck.fail(at+".defaultValue", "expected value of type [%s] but got [%s]", kind, caseValueType(dv, true))
				}
				def["defaultValue"] = dv
			}
			defs = append(defs, def)
		}
		if dup := caseDuplicates(defs, func(d map[string]any) string { return fmt.Sprint(d["key"]) }); dup != "" && ck.ok() {
			return nil, "Invalid caseDuplicates customFields keys in request: " + dup
		}
		out["customFields"] = defs
	}
	if list, ok := ck.array(body, "", "templates", false, false, 0); ok && ck.ok() {
		templates := []map[string]any{}
		for i, v := range list {
			at := fmt.Sprintf("templates.%d", i)
			t, ok := v.(map[string]any)
			if !ok {
				ck.fail(at, "expected a plain object value, but found [%s] instead.", caseValueType(v, true))
				break
			}
			ck.excess(t, at, "key", "name", "description", "tags", "caseFields")
			key, _ := ck.str(t, at, "key", true)
			if ck.ok() && !caseCustomFieldKeyPattern().MatchString(key) {
				ck.fail(at+".key", "Key must be lower case, a-z, 0-9, '_', and '-' are allowed.")
			}
			ck.str(t, at, "name", true)
			ck.str(t, at, "description", false)
			ck.tags(t, at, "tags", false)
			if cf, ok := ck.object(t, at, "caseFields", false, true); ok && cf != nil && ck.ok() {
				cat := at + ".caseFields"
				ck.excess(cf, cat, "title", "description", "severity", "tags", "category", "assignees", "connector", "settings", "customFields")
				ck.text(cf, cat, "title", "title", false, maxCaseTitle)
				ck.str(cf, cat, "description", false)
				ck.oneOf(cf, cat, "severity", false, caseSeverities)
				ck.tags(cf, cat, "tags", false)
				ck.category(cf, cat)
				ck.assignees(cf, cat)
				ck.connector(cf, cat, false)
				ck.settings(cf, cat, false)
				ck.customFieldValues(cf, cat)
			}
			templates = append(templates, t)
		}
		if dup := caseDuplicates(templates, func(t map[string]any) string { return fmt.Sprint(t["key"]) }); dup != "" && ck.ok() {
			return nil, "Invalid caseDuplicates templates keys in request: " + dup
		}
		out["templates"] = templates
	}
	if list, ok := ck.array(body, "", "observableTypes", false, false, 0); ok {
		out["observableTypes"] = list
	}
	return out, ck.err
}

// caseNormalize turns a value into its plain decoded JSON form, so values
// read from requests and values built here compare equal.
func caseNormalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if dec.Decode(&out) != nil {
		return v
	}
	return out
}

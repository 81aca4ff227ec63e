package tools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// ExceptionEntry is one condition of an exception item. Its members depend
// on its type, which a flat JSON schema cannot say without oneOf, so the
// schema shows a bare object (create_exception_item describes the shapes)
// and checkExceptionEntries enforces them.
type ExceptionEntry struct {
	Type     string              `json:"type"`
	Field    string              `json:"field"`
	Operator string              `json:"operator,omitempty"`
	Value    any                 `json:"value,omitempty"`
	List     *ExceptionEntryList `json:"list,omitempty"`
	// Entries are a nested entry's conditions. A type of their own keeps
	// the Go type a finite tree, as schema generation requires.
	Entries []ExceptionNestedEntry `json:"entries,omitempty"`
}

// JSONSchemaAlias shows the entry as a bare object.
func (ExceptionEntry) JSONSchemaAlias() any { return json.RawMessage(nil) }

// ExceptionNestedEntry is a condition inside a nested entry: match,
// match_any or exists. List and Entries are only read to refuse them.
type ExceptionNestedEntry struct {
	Type     string          `json:"type"`
	Field    string          `json:"field"`
	Operator string          `json:"operator,omitempty"`
	Value    any             `json:"value,omitempty"`
	List     json.RawMessage `json:"list,omitempty"`
	Entries  json.RawMessage `json:"entries,omitempty"`
}

// JSONSchemaAlias shows the entry as a bare object.
func (ExceptionNestedEntry) JSONSchemaAlias() any { return json.RawMessage(nil) }

// ExceptionEntryList is the value list a "list" entry matches against.
type ExceptionEntryList struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

var (
	exceptionEntryTypes  = []string{"match", "match_any", "list", "exists", "nested", "wildcard"}
	exceptionNestedTypes = []string{"match", "match_any", "exists"}
	// exceptionValueListTypes are the Elasticsearch types a value list can hold.
	exceptionValueListTypes = []string{"binary", "boolean", "byte", "date", "date_nanos", "date_range", "double", "double_range", "float", "float_range", "geo_point", "geo_shape", "half_float", "integer", "integer_range", "ip", "ip_range", "keyword", "long", "long_range", "shape", "short", "text"}
)

// checkExceptionEntries enforces each entry's shape by its type and names
// the first member at fault: match and wildcard take a string value,
// match_any an array of strings, exists nothing more, list a value list
// {id, type}, nested inner entries (match, match_any or exists) and no
// operator. A missing operator becomes included, as in Kibana's UI.
func checkExceptionEntries(path string, entries []ExceptionEntry, nested bool) error {
	for i := range entries {
		if err := entries[i].check(fmt.Sprintf("%s[%d]", path, i), nested); err != nil {
			return err
		}
	}
	return nil
}

func (e *ExceptionEntry) check(at string, nested bool) error {
	bad := func(member, rule string, args ...any) error {
		return &schema.ArgumentError{Field: at + member, Rule: fmt.Sprintf(rule, args...)}
	}
	switch {
	case e.Type == "":
		return bad(".type", "is required: one of %s", strings.Join(exceptionEntryTypes, ", "))
	case nested && !slices.Contains(exceptionNestedTypes, e.Type):
		return bad(".type", "must be match, match_any or exists inside a nested entry, got %q", e.Type)
	case !slices.Contains(exceptionEntryTypes, e.Type):
		return bad(".type", "must be one of %s, got %q", strings.Join(exceptionEntryTypes, ", "), e.Type)
	case strings.TrimSpace(e.Field) == "":
		return bad(".field", "is required for type %q", e.Type)
	}
	// operator: every type but nested.
	switch {
	case e.Type == "nested":
		if e.Operator != "" {
			return bad(".operator", "is not allowed for type %q; give it on the inner entries", e.Type)
		}
	case e.Operator == "":
		e.Operator = "included"
	case e.Operator != "included" && e.Operator != "excluded":
		return bad(".operator", "must be included or excluded, got %q", e.Operator)
	}
	// value: match, wildcard (string) and match_any (array of strings).
	switch e.Type {
	case "match", "wildcard":
		s, isString := e.Value.(string)
		switch {
		case e.Value == nil:
			return bad(".value", "is required for type %q", e.Type)
		case !isString:
			return bad(".value", "must be a string for type %q", e.Type)
		case strings.TrimSpace(s) == "":
			return bad(".value", "must not be blank")
		}
	case "match_any":
		list, isList := e.Value.([]any)
		switch {
		case e.Value == nil:
			return bad(".value", "is required for type %q", e.Type)
		case !isList || len(list) == 0:
			return bad(".value", "must be a non-empty array of strings for type %q", e.Type)
		}
		for k, v := range list {
			if s, ok := v.(string); !ok || strings.TrimSpace(s) == "" {
				return bad(fmt.Sprintf(".value[%d]", k), "must be a non-blank string")
			}
		}
	default:
		if e.Value != nil {
			return bad(".value", "is not allowed for type %q", e.Type)
		}
	}
	// list: only for type list.
	switch {
	case e.Type != "list" && e.List != nil:
		return bad(".list", "is not allowed for type %q", e.Type)
	case e.Type == "list" && e.List == nil:
		return bad(".list", "is required for type %q: {id, type} of a value list", e.Type)
	case e.Type == "list" && strings.TrimSpace(e.List.ID) == "":
		return bad(".list.id", "is required")
	case e.Type == "list" && !slices.Contains(exceptionValueListTypes, e.List.Type):
		return bad(".list.type", "must be the value list's type (%s), got %q", strings.Join(exceptionValueListTypes, ", "), e.List.Type)
	}
	// entries: only for type nested.
	switch {
	case e.Type != "nested" && e.Entries != nil:
		return bad(".entries", "is not allowed for type %q", e.Type)
	case e.Type == "nested" && len(e.Entries) == 0:
		return bad(".entries", "is required for type %q (match, match_any or exists entries)", e.Type)
	case e.Type == "nested":
		for i := range e.Entries {
			if err := e.Entries[i].check(fmt.Sprintf("%s.entries[%d]", at, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// check checks an inner entry as an entry that may not nest, and keeps
// the operator it defaults.
func (n *ExceptionNestedEntry) check(at string) error {
	e := ExceptionEntry{Type: n.Type, Field: n.Field, Operator: n.Operator, Value: n.Value}
	if n.List != nil {
		e.List = &ExceptionEntryList{}
	}
	if n.Entries != nil {
		e.Entries = []ExceptionNestedEntry{}
	}
	if err := e.check(at, true); err != nil {
		return err
	}
	n.Operator = e.Operator
	return nil
}

// exceptionDateTime reports an RFC 3339 date-time, as Kibana's expire_time
// wants.
func exceptionDateTime(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

// Package reflector turns tool input structs into the JSON schemas MCP
// clients see. It runs at build time (go generate) and in tests only: the
// server embeds its output, so neither reflection nor invopop/jsonschema is
// part of start-up.
//
// Every schema is produced by one reflector configured for tool inputs: the
// whole schema inline (some MCP clients cannot follow $ref), no $schema or
// $id, unknown properties refused, and "required" taken only from
// `jsonschema:"required"` tags so optional booleans stay optional.
package reflector

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/invopop/jsonschema"
)

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// reflector is shared and read-only after construction; Reflect is safe for
// concurrent use because invopop keeps no state on it between calls.
var reflector = &jsonschema.Reflector{
	DoNotReference:             true,
	ExpandedStruct:             true,
	Anonymous:                  true,
	RequiredFromJSONSchemaTags: true,
	AllowAdditionalProperties:  false,
	Mapper:                     mapOpaque,
}

// mapOpaque gives free-form values a concrete type. invopop renders `any` and
// json.RawMessage as the schema `true`, which several model providers reject
// outright, so they become objects (free-form maps in Kibana's API).
//
// A type that says it takes a string or a list of strings
// (schema.StringOrList) gets both forms; the validator lets it through and
// decoding checks it.
func mapOpaque(t reflect.Type) *jsonschema.Schema {
	if t == rawMessageType || (t.Kind() == reflect.Interface && t.NumMethod() == 0) {
		return &jsonschema.Schema{Type: "object"}
	}
	if t.Implements(stringOrListType) {
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			{Type: "string"},
			{Type: "array", Items: &jsonschema.Schema{Type: "string"}, MinItems: &one},
		}}
	}
	return nil
}

var one uint64 = 1

// stringOrListType is the interface of schema.StringOrList's marker (the
// reflector cannot import schema, whose tests import the reflector).
var stringOrListType = reflect.TypeFor[interface{ TakesStringOrList() }]()

// Reflect returns the input schema of a struct value (or pointer to one).
// The result is always a plain object schema at the top level.
func Reflect(input any) (*jsonschema.Schema, error) {
	t := reflect.TypeOf(input)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("reflector: input must be a struct, got %v", t)
	}
	// With DoNotReference, invopop recurses forever on a self-referencing
	// type; refuse it here with a message instead of a stack overflow.
	if path := findCycle(t, nil); path != "" {
		return nil, fmt.Errorf("reflector: %v is recursive (%s); tool inputs must be finite trees", t, path)
	}
	s := reflector.ReflectFromType(t)
	s.Version = ""
	s.ID = ""
	if s.Type != "object" {
		return nil, fmt.Errorf("reflector: %v did not reflect to an object schema", t)
	}
	if s.Properties != nil && s.Properties.Len() == 0 {
		// An input without fields still has to say it takes an object.
		s.Properties = nil
	}
	return s, nil
}

// findCycle reports the first chain of struct types that leads back to one
// already on the stack, or "" when the type graph is a tree.
func findCycle(t reflect.Type, stack []reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return findCycle(t.Elem(), stack)
	case reflect.Struct:
	default:
		return ""
	}
	for _, seen := range stack {
		if seen == t {
			path := ""
			for _, s := range stack {
				path += s.String() + " -> "
			}
			return path + t.String()
		}
	}
	stack = append(stack, t)
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue // invopop skips these too
		}
		if p := findCycle(f.Type, stack); p != "" {
			return p
		}
	}
	return ""
}

// ToolSchema is the complete input schema of a tool: the reflected struct
// plus extra properties every tool shares (given as JSON schemas by name).
func ToolSchema(input any, extra map[string]string) (json.RawMessage, error) {
	s, err := Reflect(input)
	if err != nil {
		return nil, err
	}
	if s.Properties == nil {
		s.Properties = jsonschema.NewProperties()
	}
	for _, name := range slices.Sorted(maps.Keys(extra)) {
		var prop jsonschema.Schema
		if err := json.Unmarshal([]byte(extra[name]), &prop); err != nil {
			return nil, fmt.Errorf("reflector: extra property %s: %w", name, err)
		}
		if _, taken := s.Properties.Get(name); taken {
			return nil, fmt.Errorf("reflector: %T already has a field named %s", input, name)
		}
		s.Properties.Set(name, &prop)
	}
	return json.Marshal(s)
}

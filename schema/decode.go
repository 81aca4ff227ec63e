package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// ArgumentError is a problem with a tool's arguments that the model can fix:
// it names the argument and the rule it broke.
type ArgumentError struct {
	Field string // JSON path of the argument, e.g. "cases[0].version"; "" for the whole input
	Rule  string
}

func (e *ArgumentError) Error() string {
	if e.Field == "" {
		return "invalid arguments: " + e.Rule
	}
	return fmt.Sprintf("invalid argument %q: %s", e.Field, e.Rule)
}

// Decode fills dst (a pointer to an input struct) from tool arguments that
// have passed the Validator (which checks required fields, enums and
// limits). It stays strict about names and types, so a schema that drifted
// from its struct shows up as an *ArgumentError naming the field rather than
// as a silently dropped argument.
func Decode(args map[string]any, dst any) error {
	raw, err := json.Marshal(args)
	if err != nil {
		return &ArgumentError{Rule: "arguments are not representable as JSON: " + err.Error()}
	}
	return DecodeJSON(raw, dst)
}

// DecodeJSON is Decode for arguments that are still raw JSON.
func DecodeJSON(raw []byte, dst any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		raw = []byte("{}")
	}
	if raw[0] != '{' {
		return &ArgumentError{Rule: "arguments must be a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		err = translate(err)
		if ae, ok := err.(*ArgumentError); ok {
			ae.Field = withoutEmbedded(ae.Field, reflect.TypeOf(dst))
		}
		return err
	}
	if dec.More() {
		return &ArgumentError{Rule: "trailing data after the arguments object"}
	}
	return nil
}

// translate turns encoding/json's messages into ones that name the argument.
func translate(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "(arguments)"
		}
		return &ArgumentError{Field: field, Rule: fmt.Sprintf("must be %s, not a JSON %s", jsonKind(typeErr.Type), typeErr.Value)}
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return &ArgumentError{Rule: "malformed JSON: " + syntaxErr.Error()}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return &ArgumentError{Field: strings.Trim(name, `"`), Rule: "unknown argument; see the tool's input schema for the accepted names"}
	}
	return &ArgumentError{Rule: strings.TrimPrefix(msg, "json: ")}
}

// withoutEmbedded drops from an argument path the names of the structs
// the input embeds, which encoding/json puts in but are no arguments.
func withoutEmbedded(path string, t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return path
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if rest, ok := strings.CutPrefix(path, f.Name+"."); ok && f.Anonymous && f.Tag.Get("json") == "" {
			return withoutEmbedded(rest, f.Type)
		}
	}
	return path
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == StringOrListType {
		return "a string or a list of strings"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

// JSONName is the argument name of a struct field: its json tag name, or the
// Go name when the tag gives none.
func JSONName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

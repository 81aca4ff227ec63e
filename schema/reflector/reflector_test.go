package reflector

import (
	"encoding/json"
	"strings"
	"testing"
)

type nested struct {
	ID      string `json:"id" jsonschema:"required,minLength=1"`
	Version string `json:"version" jsonschema:"required"`
}

type sample struct {
	Title    string          `json:"title" jsonschema:"required,maxLength=10" jsonschema_description:"Short title, with a comma."`
	Flag     *bool           `json:"flag,omitempty"`
	Items    []nested        `json:"items,omitempty" jsonschema:"minItems=1"`
	Fields   map[string]any  `json:"fields,omitempty"`
	Raw      json.RawMessage `json:"raw,omitempty"`
	Anything any             `json:"anything,omitempty"`
}

func toolSchema(t *testing.T, v any, extra map[string]string) map[string]any {
	t.Helper()
	raw, err := ToolSchema(v, extra)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestToolSchemaIsPlainInlineObject(t *testing.T) {
	m := toolSchema(t, sample{}, map[string]string{"space_id": `{"type":"string","pattern":"^[a-z]+$"}`})
	raw, _ := json.Marshal(m)
	for _, noise := range []string{"$schema", "$id", "$defs", "$ref", "oneOf", "anyOf"} {
		if strings.Contains(string(raw), `"`+noise+`"`) {
			t.Errorf("schema has %s: %s", noise, raw)
		}
	}
	if m["type"] != "object" || m["additionalProperties"] != false {
		t.Errorf("top level = %v", m)
	}
	if got := m["required"].([]any); len(got) != 1 || got[0] != "title" {
		t.Errorf("required = %v, want only title (optional bools must stay optional)", got)
	}
	props := m["properties"].(map[string]any)
	if d := props["title"].(map[string]any)["description"]; d != "Short title, with a comma." {
		t.Errorf("description cut: %q", d)
	}
	if props["title"].(map[string]any)["maxLength"] != 10.0 {
		t.Errorf("maxLength lost: %v", props["title"])
	}
	items := props["items"].(map[string]any)["items"].(map[string]any)
	if items["type"] != "object" || len(items["required"].([]any)) != 2 {
		t.Errorf("nested struct not inline with required: %v", items)
	}
	for _, name := range []string{"raw", "anything"} {
		if props[name].(map[string]any)["type"] != "object" {
			t.Errorf("%s = %v, want a typed object schema instead of `true`", name, props[name])
		}
	}
	if props["space_id"].(map[string]any)["pattern"] != "^[a-z]+$" {
		t.Errorf("extra property missing: %v", props["space_id"])
	}
}

type loop struct {
	Next *loop `json:"next"`
}

func TestReflectRefusesBadInputs(t *testing.T) {
	if _, err := Reflect(loop{}); err == nil || !strings.Contains(err.Error(), "recursive") {
		t.Fatalf("err = %v, want a recursion error", err)
	}
	if _, err := Reflect("not a struct"); err == nil {
		t.Fatal("a string reflected as an input")
	}
	if _, err := ToolSchema(sample{}, map[string]string{"title": `{"type":"string"}`}); err == nil {
		t.Fatal("an extra property silently replaced a field")
	}
}

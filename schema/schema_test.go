package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/schema/reflector"
)

type nested struct {
	ID      string `json:"id" jsonschema:"required,minLength=1"`
	Version string `json:"version" jsonschema:"required"`
}

type sample struct {
	Title    string          `json:"title" jsonschema:"required,maxLength=10" jsonschema_description:"Short title, with a comma."`
	Severity string          `json:"severity,omitempty" jsonschema:"enum=low,enum=high"`
	Count    int             `json:"count,omitempty" jsonschema:"minimum=1,maximum=100"`
	Flag     *bool           `json:"flag,omitempty"`
	Tags     []string        `json:"tags,omitempty" jsonschema:"maxItems=2"`
	Items    []nested        `json:"items,omitempty" jsonschema:"minItems=1"`
	Fields   map[string]any  `json:"fields,omitempty"`
	Raw      json.RawMessage `json:"raw,omitempty"`
	Anything any             `json:"anything,omitempty"`
}

func TestDecodeIsStrict(t *testing.T) {
	cases := []struct {
		args      string
		field     string
		ruleMatch string
	}{
		{`{"title":"a","bogus":1}`, "bogus", "unknown argument"},
		{`{"title":5}`, "title", "must be a string"},
		{`{"title":"a","count":"3"}`, "count", "must be an integer"},
		{`{"title":"a","tags":"x"}`, "tags", "must be an array"},
		{`[1]`, "", "must be a JSON object"},
	}
	for _, c := range cases {
		var dst sample
		err := DecodeJSON([]byte(c.args), &dst)
		var ae *ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("%s: err = %v, want an ArgumentError", c.args, err)
			continue
		}
		if ae.Field != c.field || !strings.Contains(ae.Rule, c.ruleMatch) {
			t.Errorf("%s: got field %q rule %q, want field %q rule ~%q", c.args, ae.Field, ae.Rule, c.field, c.ruleMatch)
		}
	}
	var dst sample
	if err := Decode(map[string]any{"title": "ok", "flag": false, "count": 3.0}, &dst); err != nil {
		t.Fatal(err)
	}
	if dst.Title != "ok" || dst.Flag == nil || *dst.Flag || dst.Count != 3 {
		t.Errorf("decoded %+v", dst)
	}
}

func compile(t *testing.T, v any) *Validator {
	t.Helper()
	raw, err := reflector.ToolSchema(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	val, err := Compile(raw)
	if err != nil {
		t.Fatal(err)
	}
	return val
}

func TestValidateNamesFieldAndRule(t *testing.T) {
	v := compile(t, sample{})
	cases := []struct {
		args string
		want string
	}{
		{`{}`, `invalid argument "title": is required`},
		{`{"title":"abcdefghijk"}`, `invalid argument "title": must be at most 10 characters, got 11`},
		{`{"title":"a","severity":"urgent"}`, `invalid argument "severity": must be one of "low", "high", got "urgent"`},
		{`{"title":"a","count":0}`, `invalid argument "count": must be at least 1, got 0`},
		{`{"title":"a","count":101}`, `invalid argument "count": must be at most 100, got 101`},
		{`{"title":"a","count":1.5}`, `invalid argument "count": must be an integer, got 1.5`},
		{`{"title":"a","tags":["a","b","c"]}`, `invalid argument "tags": must have at most 2 items, got 3`},
		{`{"title":"a","items":[]}`, `invalid argument "items": must have at least 1 items, got 0`},
		{`{"title":"a","items":[{"id":"","version":"v"}]}`, `invalid argument "items[0].id": must not be empty`},
		{`{"title":"a","items":[{"id":"x"}]}`, `invalid argument "items[0].version": is required`},
		{`{"title":"a","flag":"yes"}`, `invalid argument "flag": must be a boolean, got "yes"`},
		{`{"title":"a","tags":[null]}`, `invalid argument "tags[0]": must be a string, got null`},
		{`{"title":"a","items":[null]}`, `invalid argument "items[0]": must be an object, got null`},
		{`{"title":"a","nope":1}`, `invalid argument "nope": is not a known argument; allowed: anything, count, fields, flag, items, raw, severity, tags, title`},
	}
	for _, c := range cases {
		var args map[string]any
		if err := json.Unmarshal([]byte(c.args), &args); err != nil {
			t.Fatal(err)
		}
		err := v.Validate(args)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got  %v\n want %s", c.args, err, c.want)
		}
	}
	ok := map[string]any{"title": "fine", "severity": "low", "fields": map[string]any{"x": 1.0}, "anything": map[string]any{}}
	if err := v.Validate(ok); err != nil {
		t.Errorf("valid arguments refused: %v", err)
	}
}

func TestValidateReportsSeveralProblemsDeterministically(t *testing.T) {
	v := compile(t, sample{})
	args := map[string]any{"severity": "x", "count": 0.0, "zzz": true}
	first := v.Validate(args).Error()
	for range 20 {
		if got := v.Validate(args).Error(); got != first {
			t.Fatalf("message changed between runs:\n%s\n%s", first, got)
		}
	}
	for _, part := range []string{`"title": is required`, `"severity"`, `"count"`, `"zzz"`} {
		if !strings.Contains(first, part) {
			t.Errorf("%q missing from %q", part, first)
		}
	}
}

// TestStringOrList: one string is taken as a list of one; a list as it is;
// anything else is refused naming the argument and both forms.
func TestStringOrList(t *testing.T) {
	var in struct {
		Jobs StringOrList `json:"jobs"`
	}
	for _, tc := range []struct{ raw, want string }{{`{"jobs":"a"}`, "[a]"}, {`{"jobs":["a","b"]}`, "[a b]"}} {
		if err := DecodeJSON([]byte(tc.raw), &in); err != nil || fmt.Sprint([]string(in.Jobs)) != tc.want {
			t.Errorf("%s: %v %v", tc.raw, in.Jobs, err)
		}
	}
	err := DecodeJSON([]byte(`{"jobs":5}`), &in)
	if err == nil || err.Error() != `invalid argument "jobs": must be a string or a list of strings, not a JSON number` {
		t.Errorf("a number: %v", err)
	}
}

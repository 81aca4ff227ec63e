package jsoncut

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

type cutCase struct {
	name string
	doc  string
	max  int

	want    string // exact output; checked unless err is set
	path    string
	kept    int
	total   int
	prefix  bool
	omitted int
	err     error
}

const prettyCases = `{
  "total": 3,
  "cases": [
    {
      "id": "a"
    },
    {
      "id": "b"
    },
    {
      "id": "c"
    }
  ],
  "count": 3
}
`

const prettyCut = `{
  "total": 3,
  "cases": [
    {
      "id": "a"
    }
  ],
  "count": 3
}`

// trickyStrings has, near every cut point, strings holding the bytes a naive
// scanner would take for structure: brackets, commas, escaped quotes, escaped
// backslashes, and multi-byte UTF-8.
const trickyStrings = `{"s":["]}","x\",\"y","\\","\\\"","é漢字","ü😀"],"n":1}`

var longText = strings.Repeat("x", 300)

var cutCases = []cutCase{
	{name: "fits unchanged", doc: `{"a":[1,2,3]}`, max: 13, want: `{"a":[1,2,3]}`},
	{name: "fits with room", doc: `[1,2,3]`, max: 1000, want: `[1,2,3]`},
	{name: "fits unvalidated", doc: `{"a":}`, max: 6, want: `{"a":}`},

	{name: "root array", doc: `[1,2,3,4,5]`, max: 6,
		want: `[1,2]`, path: "$", kept: 2, total: 5, omitted: 6},
	{name: "root array of arrays", doc: `[[1,2],[3,4],[5,6]]`, max: 14,
		want: `[[1,2],[3,4]]`, path: "$", kept: 2, total: 3, omitted: 6},
	{name: "nested data.items", doc: `{"data":{"items":[10,20,30,40],"n":4}}`, max: 32,
		want: `{"data":{"items":[10,20],"n":4}}`, path: "data.items", kept: 2, total: 4, omitted: 6},
	{name: "counters after the array survive",
		doc:  `{"page":1,"per_page":20,"total":3,"cases":[{"id":"a"},{"id":"b"},{"id":"c"}],"count_open_cases":3}`,
		max:  86,
		want: `{"page":1,"per_page":20,"total":3,"cases":[{"id":"a"}],"count_open_cases":3}`,
		path: "cases", kept: 1, total: 3, omitted: 22},
	{name: "largest of two arrays is trimmed",
		doc:  `{"small":[1,2,3],"big":["aaaa","bbbb","cccc"],"tail":[0]}`,
		max:  49,
		want: `{"small":[1,2,3],"big":["aaaa"],"tail":[0]}`,
		path: "big", kept: 1, total: 3, omitted: 14},
	{name: "array four members deep",
		doc:  `{"a":{"b":{"c":{"d":[1,2,3,4]}}}}`,
		max:  30,
		want: `{"a":{"b":{"c":{"d":[1,2]}}}}`,
		path: "a.b.c.d", kept: 2, total: 4, omitted: 4},
	{name: "escaped member names in path",
		doc:  `{"a\u002eb":{"c\"d":[1,2,3]}}`,
		max:  26,
		want: `{"a\u002eb":{"c\"d":[1]}}`,
		path: `["a.b"].c"d`, kept: 1, total: 3, omitted: 4},
	{name: "awkward member names in path",
		doc:  `{"":{"$":{"kibana.alert":{"x":[1,2,3]}}}}`,
		max:  40,
		want: `{"":{"$":{"kibana.alert":{"x":[1,2]}}}}`,
		path: `[""]["$"]["kibana.alert"].x`, kept: 2, total: 3, omitted: 2},
	{name: "keep none",
		doc:  `{"total":1,"cases":[{"description":"a very long description"}],"count":1}`,
		max:  32,
		want: `{"total":1,"cases":[],"count":1}`,
		path: "cases", kept: 0, total: 1, omitted: 41},

	{name: "tricky strings keep 3", doc: trickyStrings, max: 39,
		want: `{"s":["]}","x\",\"y","\\"],"n":1}`, path: "s", kept: 3, total: 6, omitted: 27},
	{name: "tricky strings keep 4", doc: trickyStrings, max: 50,
		want: `{"s":["]}","x\",\"y","\\","\\\""],"n":1}`, path: "s", kept: 4, total: 6, omitted: 20},
	{name: "tricky strings keep 5", doc: trickyStrings, max: 51,
		want: `{"s":["]}","x\",\"y","\\","\\\"","é漢字"],"n":1}`, path: "s", kept: 5, total: 6, omitted: 9},

	{name: "pretty-printed", doc: prettyCases, max: 100,
		want: prettyCut, path: "cases", kept: 1, total: 3, omitted: 59},
	{name: "surrounding whitespace only", doc: " \n{\"a\":1}\t\r\n", max: 7,
		want: `{"a":1}`, omitted: 5},

	{name: "prefix: huge string member",
		doc:  `{"id":"x","message":"` + longText + `","count":2}`,
		max:  40,
		want: `{"id":"x"}`, prefix: true, omitted: 323},
	{name: "prefix: array empty is still too big",
		doc:  `{"pad":"` + longText + `","list":[[1,2],[3,4]]}`,
		max:  30,
		want: `{}`, prefix: true, omitted: 329},
	{name: "prefix: deeply nested objects",
		doc:  `{"a":{"b":{"c":{"d":{"e":{"f":"long string here"}}}}}}`,
		max:  30,
		want: `{"a":{"b":{"c":{"d":{}}}}}`, prefix: true, omitted: 28},
	{name: "prefix: arrays of arrays below the path limit",
		doc:  `{"a":{"b":{"c":{"d":{"e":[[1,2],[3,4]]}}}}}`,
		max:  38,
		want: `{"a":{"b":{"c":{"d":{"e":[[1,2]]}}}}}`, prefix: true, omitted: 6},
	{name: "prefix: inner array cut after its last complete element",
		doc:  `{"a":{"b":{"c":{"d":{"e":[[1,2],[3,4]]}}}}}`,
		max:  41,
		want: `{"a":{"b":{"c":{"d":{"e":[[1,2],[3]]}}}}}`, prefix: true, omitted: 2},
	{name: "prefix: pretty-printed",
		doc:    "{\n  \"a\": {\n    \"b\": {\n      \"c\": {\n        \"d\": {\n          \"e\": [1, 2, 3]\n        }\n      }\n    }\n  }\n}\n",
		max:    76,
		want:   "{\n  \"a\": {\n    \"b\": {\n      \"c\": {\n        \"d\": {\n          \"e\": [1, 2]}}}}}",
		prefix: true, omitted: 29},
	{name: "root array keeps none", doc: `[` + `"` + longText + `"]`, max: 2,
		want: `[]`, path: "$", kept: 0, total: 1, omitted: 302},
	{name: "prefix: object, only braces fit", doc: `{"k":"v"}`, max: 2,
		want: `{}`, prefix: true, omitted: 7},

	{name: "max too small for a container", doc: `{"a":"xxxx"}`, max: 1, err: ErrTooSmall},
	{name: "negative max", doc: `[1]`, max: -1, err: ErrTooSmall},
	{name: "scalar string too big", doc: `"hello world"`, max: 5, err: ErrTooSmall},
	{name: "scalar number too big", doc: `123456`, max: 3, err: ErrTooSmall},

	{name: "invalid: missing value", doc: `{"a":}`, max: 3, err: ErrInvalidJSON},
	{name: "invalid: unterminated", doc: `[1,2`, max: 2, err: ErrInvalidJSON},
	{name: "invalid: trailing data", doc: `{} x`, max: 2, err: ErrInvalidJSON},
	{name: "invalid: trailing comma", doc: `{"a":1,}`, max: 2, err: ErrInvalidJSON},
	{name: "invalid: leading zero", doc: `[01]`, max: 2, err: ErrInvalidJSON},
	{name: "invalid: bad escape", doc: `["\x"]`, max: 2, err: ErrInvalidJSON},
	{name: "invalid: control character", doc: "[\"a\tb\"]", max: 2, err: ErrInvalidJSON},
	{name: "invalid: empty", doc: ``, max: -1, err: ErrInvalidJSON},
	{name: "invalid: whitespace only", doc: "  \n", max: 1, err: ErrInvalidJSON},
}

func TestCut(t *testing.T) {
	for _, tc := range cutCases {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte(tc.doc)
			r, err := Cut(doc, tc.max)
			checkResult(t, doc, tc.max, r, err)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if string(r.JSON) != tc.want {
				t.Errorf("JSON =\n%s\nwant\n%s", r.JSON, tc.want)
			}
			if r.Path != tc.path || r.Kept != tc.kept || r.Total != tc.total || r.Prefix != tc.prefix || r.Omitted != tc.omitted {
				t.Errorf("got Path=%q Kept=%d Total=%d Prefix=%v Omitted=%d, want Path=%q Kept=%d Total=%d Prefix=%v Omitted=%d",
					r.Path, r.Kept, r.Total, r.Prefix, r.Omitted, tc.path, tc.kept, tc.total, tc.prefix, tc.omitted)
			}
		})
	}
}

func TestCutFitsReturnsSameBytes(t *testing.T) {
	doc := []byte(`{"a":1}`)
	r, err := Cut(doc, len(doc))
	if err != nil || &r.JSON[0] != &doc[0] || len(r.JSON) != len(doc) {
		t.Fatalf("Cut of a fitting doc must return doc itself, got %q, %v", r.JSON, err)
	}
}

// TestNestingLimit pins the scanner to json.Valid's nesting limit, which is
// too deep for the fuzzer to reach by itself.
func TestNestingLimit(t *testing.T) {
	for _, depth := range []int{maxNesting - 1, maxNesting, maxNesting + 1} {
		doc := []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
		_, err := Cut(doc, 10)
		if invalid := errors.Is(err, ErrInvalidJSON); invalid == json.Valid(doc) {
			t.Errorf("depth %d: json.Valid=%v but Cut err=%v", depth, json.Valid(doc), err)
		}
	}
}

// checkResult asserts what any caller may rely on, whatever the input.
func checkResult(t *testing.T, doc []byte, max int, r Result, err error) {
	t.Helper()
	if len(doc) <= max {
		if err != nil || len(r.JSON) != len(doc) || (len(doc) > 0 && &r.JSON[0] != &doc[0]) ||
			r.Omitted != 0 || r.Path != "" || r.Prefix {
			t.Fatalf("a fitting doc must come back as is: %+v, %v", r, err)
		}
		return
	}
	valid := json.Valid(doc)
	if err != nil {
		checkError(t, doc, max, valid, err)
		return
	}
	if !valid {
		t.Fatalf("invalid JSON was accepted: %q", doc)
	}
	if !json.Valid(r.JSON) {
		t.Fatalf("output is not valid JSON: %q", r.JSON)
	}
	if len(r.JSON) > max {
		t.Fatalf("output is %d bytes, budget %d", len(r.JSON), max)
	}
	if r.Omitted != len(doc)-len(r.JSON) {
		t.Fatalf("Omitted = %d, want %d", r.Omitted, len(doc)-len(r.JSON))
	}
	body := bytes.TrimLeft(bytes.TrimRight(doc, " \t\r\n"), " \t\r\n")
	switch {
	case r.Path != "":
		checkTrimmed(t, doc, r)
	case r.Prefix:
		checkPrefix(t, body, r.JSON)
	default:
		if !bytes.Equal(r.JSON, body) {
			t.Fatalf("nothing was trimmed, yet output %q is not the trimmed doc", r.JSON)
		}
	}
}

// checkError asserts that an error is the right one and that it was not
// avoidable: a valid container always fits a budget of two bytes.
func checkError(t *testing.T, doc []byte, max int, valid bool, err error) {
	t.Helper()
	if !valid {
		if !errors.Is(err, ErrInvalidJSON) {
			t.Fatalf("invalid doc gave %v, want ErrInvalidJSON", err)
		}
		return
	}
	if !errors.Is(err, ErrTooSmall) {
		t.Fatalf("valid doc gave %v, want ErrTooSmall", err)
	}
	first := bytes.TrimLeft(doc, " \t\r\n")[0]
	if max >= 2 && (first == '{' || first == '[') {
		t.Fatalf("a container cut to %d bytes gave %v", max, err)
	}
}

// checkTrimmed asserts that the output decodes to the original with only
// elements missing at the end of the array at r.Path.
func checkTrimmed(t *testing.T, doc []byte, r Result) {
	t.Helper()
	if r.Prefix || r.Kept >= r.Total {
		t.Fatalf("trimmed result with Prefix=%v Kept=%d Total=%d", r.Prefix, r.Kept, r.Total)
	}
	orig, err := decodeOrdered(doc)
	if err != nil {
		t.Fatalf("decoding input: %v", err)
	}
	out, err := decodeOrdered(r.JSON)
	if err != nil {
		t.Fatalf("decoding output: %v", err)
	}
	var cuts []truncation
	if err := compare(orig, out, nil, false, &cuts); err != nil {
		t.Fatalf("output differs from input beyond the trimmed array: %v\n in: %q\nout: %q", err, doc, r.JSON)
	}
	want := truncation{path: r.Path, kept: r.Kept, total: r.Total}
	if len(cuts) != 1 || cuts[0] != want {
		t.Fatalf("decoded differences %+v, want exactly %+v", cuts, want)
	}
}

// checkPrefix asserts that out is a prefix of body followed only by closing
// brackets and braces.
func checkPrefix(t *testing.T, body, out []byte) {
	t.Helper()
	p := 0
	for p < len(out) && p < len(body) && out[p] == body[p] {
		p++
	}
	if strings.Trim(string(out[p:]), "]}") != "" {
		t.Fatalf("prefix output %q is not a prefix of the input plus closers", out)
	}
}

// A decoded value that keeps member order and duplicate names, so that a
// comparison sees exactly what a byte-level cut changed.
type member struct {
	name  string
	value any
}

type object []member

func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return readValue(dec)
}

func readValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		obj := object{}
		for dec.More() {
			name, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			obj = append(obj, member{name.(string), v})
		}
		_, err := dec.Token()
		return obj, err
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			v, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.Token()
		return arr, err
	}
	return tok, nil
}

// truncation is an array found shorter in the output than in the input.
type truncation struct {
	path        string
	kept, total int
}

// compare walks the input and output together. Arrays may be shorter in the
// output, which is recorded in cuts (with an impossible path when the array
// sits inside another array); any other difference is an error.
func compare(orig, out any, names []string, inArray bool, cuts *[]truncation) error {
	switch o := orig.(type) {
	case object:
		g, ok := out.(object)
		if !ok || len(g) != len(o) {
			return fmt.Errorf("object at %q changed", names)
		}
		for k := range o {
			if g[k].name != o[k].name {
				return fmt.Errorf("member name %q became %q", o[k].name, g[k].name)
			}
			inner := append(names[:len(names):len(names)], o[k].name)
			if err := compare(o[k].value, g[k].value, inner, inArray, cuts); err != nil {
				return err
			}
		}
		return nil
	case []any:
		g, ok := out.([]any)
		if !ok || len(g) > len(o) {
			return fmt.Errorf("array at %q changed", names)
		}
		if len(g) < len(o) {
			p := formatPath(names)
			if inArray {
				p = "<inside an array element>"
			}
			*cuts = append(*cuts, truncation{p, len(g), len(o)})
		}
		for k := range g {
			if err := compare(o[k], g[k], names, true, cuts); err != nil {
				return err
			}
		}
		return nil
	}
	if orig != out {
		return fmt.Errorf("value at %q changed from %v to %v", names, orig, out)
	}
	return nil
}

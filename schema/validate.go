package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// Validator checks tool arguments against an input schema before anything
// is sent to Kibana. It understands the part of JSON Schema our reflector
// emits (type, properties, required, additionalProperties, items, enum,
// numeric and length limits, pattern) and explains each failure in words a
// model can act on, naming the argument by its path.
type Validator struct{ root *node }

type node struct {
	Type                 string           `json:"type"`
	Properties           map[string]*node `json:"properties"`
	Required             []string         `json:"required"`
	AdditionalProperties json.RawMessage  `json:"additionalProperties"`
	Items                *node            `json:"items"`
	Enum                 []any            `json:"enum"`
	Minimum              *float64         `json:"minimum"`
	Maximum              *float64         `json:"maximum"`
	MinLength            *int             `json:"minLength"`
	MaxLength            *int             `json:"maxLength"`
	MinItems             *int             `json:"minItems"`
	MaxItems             *int             `json:"maxItems"`
	Pattern              string           `json:"pattern"`

	closed  bool  // additionalProperties: false
	extra   *node // additionalProperties: {schema}
	pattern *regexp.Regexp
}

// Compile prepares a validator from a schema document.
func Compile(schemaJSON []byte) (*Validator, error) {
	var root node
	if err := json.Unmarshal(schemaJSON, &root); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	if err := root.prepare(); err != nil {
		return nil, err
	}
	return &Validator{root: &root}, nil
}

func (n *node) prepare() error {
	switch ap := strings.TrimSpace(string(n.AdditionalProperties)); {
	case ap == "false":
		n.closed = true
	case strings.HasPrefix(ap, "{"):
		n.extra = &node{}
		if err := json.Unmarshal(n.AdditionalProperties, n.extra); err != nil {
			return err
		}
		if err := n.extra.prepare(); err != nil {
			return err
		}
	}
	if n.Pattern != "" {
		re, err := regexp.Compile(n.Pattern)
		if err != nil {
			return fmt.Errorf("schema: pattern %q: %w", n.Pattern, err)
		}
		n.pattern = re
	}
	for _, p := range n.Properties {
		if err := p.prepare(); err != nil {
			return err
		}
	}
	if n.Items != nil {
		return n.Items.prepare()
	}
	return nil
}

// maxReported bounds how many problems one error lists.
const maxReported = 5

// ValidationError lists every problem found (up to a bound), each naming
// its argument.
type ValidationError struct{ Problems []*ArgumentError }

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].Error()
	}
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Error()
	}
	return strings.Join(parts, "; ")
}

// Validate checks decoded JSON arguments (as encoding/json produces them).
func (v *Validator) Validate(args map[string]any) error {
	var problems []*ArgumentError
	report := func(path, rule string) {
		if len(problems) < maxReported {
			problems = append(problems, &ArgumentError{Field: path, Rule: rule})
		}
	}
	var value any = args
	if args == nil {
		value = map[string]any{}
	}
	v.root.check("", value, report)
	if len(problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: problems}
}

// AsArgumentError returns the first argument problem in err, if any.
func AsArgumentError(err error) (*ArgumentError, bool) {
	var ve *ValidationError
	if errors.As(err, &ve) && len(ve.Problems) > 0 {
		return ve.Problems[0], true
	}
	var ae *ArgumentError
	ok := errors.As(err, &ae)
	return ae, ok
}

func (n *node) check(path string, v any, report func(path, rule string)) {
	if v == nil {
		// A null member is how JSON says "not given"; required-ness is
		// checked by the parent object, so it is treated as absent.
		return
	}
	if n.Type != "" && !hasType(n.Type, v) {
		report(path, "must be "+article(n.Type)+", got "+describe(v))
		return
	}
	if len(n.Enum) > 0 && !slices.ContainsFunc(n.Enum, func(e any) bool { return equalJSON(e, v) }) {
		report(path, "must be one of "+listEnum(n.Enum)+", got "+describe(v))
	}
	switch val := v.(type) {
	case string:
		length := len([]rune(val))
		if n.MinLength != nil && length < *n.MinLength {
			if *n.MinLength == 1 {
				report(path, "must not be empty")
			} else {
				report(path, fmt.Sprintf("must be at least %d characters, got %d", *n.MinLength, length))
			}
		}
		if n.MaxLength != nil && length > *n.MaxLength {
			report(path, fmt.Sprintf("must be at most %d characters, got %d", *n.MaxLength, length))
		}
		if n.pattern != nil && !n.pattern.MatchString(val) {
			report(path, fmt.Sprintf("must match the pattern %s", n.Pattern))
		}
	case float64:
		if n.Minimum != nil && val < *n.Minimum {
			report(path, fmt.Sprintf("must be at least %v, got %v", *n.Minimum, val))
		}
		if n.Maximum != nil && val > *n.Maximum {
			report(path, fmt.Sprintf("must be at most %v, got %v", *n.Maximum, val))
		}
	case []any:
		if n.MinItems != nil && len(val) < *n.MinItems {
			report(path, fmt.Sprintf("must have at least %d items, got %d", *n.MinItems, len(val)))
		}
		if n.MaxItems != nil && len(val) > *n.MaxItems {
			report(path, fmt.Sprintf("must have at most %d items, got %d", *n.MaxItems, len(val)))
		}
		if n.Items != nil {
			for i, item := range val {
				itemPath := fmt.Sprintf("%s[%d]", path, i)
				if item == nil && n.Items.Type != "" {
					// Only an object member can be "not given"; a null
					// list item would reach Kibana as "" or 0.
					report(itemPath, "must be "+article(n.Items.Type)+", got null")
					continue
				}
				n.Items.check(itemPath, item, report)
			}
		}
	case map[string]any:
		for _, name := range n.Required {
			if val[name] == nil {
				report(join(path, name), "is required")
			}
		}
		keys := make([]string, 0, len(val))
		for k := range val {
			keys = append(keys, k)
		}
		slices.Sort(keys) // deterministic messages
		for _, k := range keys {
			switch prop, known := n.Properties[k]; {
			case known:
				prop.check(join(path, k), val[k], report)
			case n.extra != nil:
				n.extra.check(join(path, k), val[k], report)
			case n.closed:
				if names := n.propertyNames(); len(names) > 0 {
					report(join(path, k), "is not a known argument; allowed: "+strings.Join(names, ", "))
				} else {
					report(join(path, k), "is not a known argument; this takes no arguments")
				}
			}
		}
	}
}

func (n *node) propertyNames() []string {
	names := make([]string, 0, len(n.Properties))
	for k := range n.Properties {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func hasType(t string, v any) bool {
	switch t {
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f) && !math.IsInf(f, 0)
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return true
}

func article(t string) string {
	switch t {
	case "integer", "object", "array":
		return "an " + t
	}
	return "a " + t
}

func describe(v any) string {
	switch val := v.(type) {
	case string:
		if len(val) > 60 {
			val = val[:60] + "…"
		}
		return fmt.Sprintf("%q", val)
	case float64:
		return fmt.Sprintf("%v", val)
	case bool:
		return fmt.Sprintf("%v", val)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func listEnum(values []any) string {
	parts := make([]string, len(values))
	for i, e := range values {
		b, _ := json.Marshal(e)
		parts[i] = string(b)
	}
	return strings.Join(parts, ", ")
}

func equalJSON(a, b any) bool {
	switch av := a.(type) {
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case float64:
		bv, ok := b.(float64)
		return ok && av == bv
	case bool:
		bv, ok := b.(bool)
		return ok && av == bv
	}
	return false
}

package schema

import (
	"encoding/json"
	"reflect"
)

// StringOrList is an argument Kibana takes as one string or a list of
// them (a rule's machine_learning_job_id). It is sent as a list.
type StringOrList []string

// StringOrListType is its type, for error messages.
var StringOrListType = reflect.TypeFor[StringOrList]()

// TakesStringOrList marks it for the reflector, which gives it a schema of
// both forms.
func (StringOrList) TakesStringOrList() {}

// UnmarshalJSON takes "a" as ["a"].
func (s *StringOrList) UnmarshalJSON(raw []byte) error {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		*s = StringOrList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return &json.UnmarshalTypeError{Value: jsonValueKind(raw), Type: StringOrListType}
	}
	*s = many
	return nil
}

// jsonValueKind names the kind of a JSON value as encoding/json's errors do.
func jsonValueKind(raw []byte) string {
	var v any
	json.Unmarshal(raw, &v)
	switch v.(type) {
	case bool:
		return "bool"
	case float64:
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array with a non-string item"
	}
	return "value"
}

package tools

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// checkNDJSON checks that an ndjson file argument holds at least one line
// and that every line is a JSON object, naming the first that is not:
// Kibana's importers fail such a line with a parse error, or the whole
// file. empty is the rule given when the file has no object at all.
func checkNDJSON(field, file, empty string) error {
	n, objects := 0, 0
	for line := range strings.Lines(file) {
		n++
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			var syntax *json.SyntaxError
			if !errors.As(err, &syntax) {
				return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("line %d is JSON but not an object; each line is one object", n)}
			}
			return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("line %d is not a JSON object: %v", n, err)}
		}
		objects++
	}
	if objects == 0 {
		return &schema.ArgumentError{Field: field, Rule: empty}
	}
	return nil
}

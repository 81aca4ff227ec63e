package tools

//go:generate go run ../internal/genschemas -out schemas_gen.go

import (
	"encoding/json"
	"fmt"
)

// SpaceSchema is the schema of the space_id argument every tool accepts; the
// generator adds it to each reflected input schema.
const SpaceSchema = `{"type":"string","pattern":"^[a-z0-9_-]+$","maxLength":255,"description":"Kibana space."}`

// CommonArguments are the arguments every tool takes besides its own.
var CommonArguments = map[string]string{SpaceArgument: SpaceSchema}

// Schema is the input schema the model sees, generated at build time into
// schemas_gen.go so that serving tools/list costs no reflection.
func (op *Operation) Schema() (json.RawMessage, error) {
	raw, ok := generatedSchemas[op.Name]
	if !ok {
		return nil, fmt.Errorf("no generated schema for %s: run `go generate ./tools`", op.Name)
	}
	return json.RawMessage(raw), nil
}

package tools

//go:generate go run ../internal/genschemas -out schemas_gen.go

import (
	"encoding/json"

	"github.com/invopop/jsonschema"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// ReflectSchema builds the operation's input schema from its struct, adding
// the space_id argument every tool shares. The build-time generator and the
// freshness test both call this, so the embedded copy and fresh reflection
// come from one definition.
func (op *Operation) ReflectSchema() (json.RawMessage, error) {
	s, err := schema.Reflect(op.Input)
	if err != nil {
		return nil, err
	}
	if s.Properties == nil {
		s.Properties = jsonschema.NewProperties()
	}
	s.Properties.Set(SpaceArgument, &jsonschema.Schema{
		Type:        "string",
		Description: "Kibana space to run in; omit for the server's default space.",
		Pattern:     `^[a-z0-9_-]+$`,
		MaxLength:   new(uint64(255)),
	})
	return json.Marshal(s)
}

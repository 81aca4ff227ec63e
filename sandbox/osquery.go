package sandbox

import "math/rand/v2"

// Osquery live queries, their results, packs and saved queries (/api/osquery/*).
func (k *Kibana) osqueryRoutes() []route { return nil }

// seedOsquery gives each space believable data of this area.
func (k *Kibana) seedOsquery(sp *space, rng *rand.Rand) {}

// osqueryState is what a space holds of this area; it works from its zero value.
type osqueryState struct{}

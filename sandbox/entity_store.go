package sandbox

import "math/rand/v2"

// The entity store: its engines and the entities they keep (/api/entity_store/*).
func (k *Kibana) entityStoreRoutes() []route { return nil }

// seedEntityStore gives each space believable data of this area.
func (k *Kibana) seedEntityStore(sp *space, rng *rand.Rand) {}

// entityStoreState is what a space holds of this area; it works from its zero value.
type entityStoreState struct{}

package sandbox

import "math/rand/v2"

// Value lists and items, and the lists index.
func (k *Kibana) valueListsRoutes() []route { return nil }

// seedValueLists gives each space a few believable value lists.
func (k *Kibana) seedValueLists(sp *space, rng *rand.Rand) {}

// valueListsState is what a space holds of this area; it works from its zero value.
type valueListsState struct{}

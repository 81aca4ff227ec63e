package sandbox

import "math/rand/v2"

// Exception lists and items, shared lists and rule-scoped exceptions.
func (k *Kibana) exceptionListsRoutes() []route { return nil }

// seedExceptionLists gives each space a few believable exception lists.
func (k *Kibana) seedExceptionLists(sp *space, rng *rand.Rand) {}

// exceptionListsState is what a space holds of this area; it works from its zero value.
type exceptionListsState struct{}

package sandbox

import "math/rand/v2"

// endpointState holds a space's endpoint data (to be written).
type endpointState struct{}

func (k *Kibana) endpointRoutes() []route { return nil }

func (k *Kibana) seedEndpoint(sp *space, rng *rand.Rand) {}

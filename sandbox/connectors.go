package sandbox

import "math/rand/v2"

// connectorsState holds a space's connectors (to be written).
type connectorsState struct{}

func (k *Kibana) connectorsRoutes() []route { return nil }

func (k *Kibana) seedConnectors(sp *space, rng *rand.Rand) {}

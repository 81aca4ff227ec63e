package sandbox

import "math/rand/v2"

// casesState holds a space's cases (to be written).
type casesState struct{}

func (k *Kibana) casesRoutes() []route { return nil }

func (k *Kibana) seedCases(sp *space, rng *rand.Rand) {}

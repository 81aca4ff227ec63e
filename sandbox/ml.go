package sandbox

import "math/rand/v2"

// mlState holds a space's ml data (to be written).
type mlState struct{}

func (k *Kibana) mlRoutes() []route { return nil }

func (k *Kibana) seedML(sp *space, rng *rand.Rand) {}

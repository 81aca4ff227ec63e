package sandbox

import "math/rand/v2"

// platformState holds a space's platform data (to be written).
type platformState struct{}

func (k *Kibana) platformRoutes() []route { return nil }

func (k *Kibana) seedPlatform(sp *space, rng *rand.Rand) {}

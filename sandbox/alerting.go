package sandbox

import "math/rand/v2"

// rulesState holds a space's alerting rules (to be written).
type rulesState struct{}

func (k *Kibana) alertingRoutes() []route { return nil }

func (k *Kibana) seedRules(sp *space, rng *rand.Rand) {}

package sandbox

import "math/rand/v2"

// fleetState holds a space's fleet data (to be written).
type fleetState struct{}

func (k *Kibana) fleetRoutes() []route { return nil }

func (k *Kibana) seedFleet(sp *space, rng *rand.Rand) {}

package sandbox

import "math/rand/v2"

// alertsState holds a space's detection alerts (to be written).
type alertsState struct{}

func (k *Kibana) detectionsRoutes() []route { return nil }

func (k *Kibana) seedAlerts(sp *space, rng *rand.Rand) {}

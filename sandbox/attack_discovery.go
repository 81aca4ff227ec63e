package sandbox

import "math/rand/v2"

// Attack discovery: generating, finding and dismissing discoveries, and their schedules (/api/attack_discovery/*).
func (k *Kibana) attackDiscoveryRoutes() []route { return nil }

// seedAttackDiscovery gives each space believable data of this area.
func (k *Kibana) seedAttackDiscovery(sp *space, rng *rand.Rand) {}

// attackDiscoveryState is what a space holds of this area; it works from its zero value.
type attackDiscoveryState struct{}

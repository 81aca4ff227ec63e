package sandbox

import "math/rand/v2"

// Asset criticality, the risk score engine and privileged user monitoring (/api/asset_criticality*, /api/risk_score/*, /api/entity_analytics/*).
func (k *Kibana) assetCriticalityRoutes() []route { return nil }

// seedAssetCriticality gives each space believable data of this area.
func (k *Kibana) seedAssetCriticality(sp *space, rng *rand.Rand) {}

// assetCriticalityState is what a space holds of this area; it works from its zero value.
type assetCriticalityState struct{}

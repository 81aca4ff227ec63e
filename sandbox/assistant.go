package sandbox

import "math/rand/v2"

// assistantState holds a space's assistant data (to be written).
type assistantState struct{}

func (k *Kibana) assistantRoutes() []route { return nil }

func (k *Kibana) seedAssistant(sp *space, rng *rand.Rand) {}

package sandbox

import "math/rand/v2"

// Timelines, their notes and pinned events (/api/timeline*, /api/timelines, /api/note, /api/pinned_event).
func (k *Kibana) timelinesRoutes() []route { return nil }

// seedTimelines gives each space believable data of this area.
func (k *Kibana) seedTimelines(sp *space, rng *rand.Rand) {}

// timelinesState is what a space holds of this area; it works from its zero value.
type timelinesState struct{}

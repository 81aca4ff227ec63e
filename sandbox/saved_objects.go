package sandbox

// The saved objects API, over the stores the other areas keep (dashboards,
// data views, connectors) and its own for other types.
func (k *Kibana) savedObjectsRoutes() []route { return nil }

// savedObjectsState is what a space holds of this area; it works from its zero value.
type savedObjectsState struct{}

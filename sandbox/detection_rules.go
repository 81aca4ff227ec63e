package sandbox

// The detection rule lifecycle: create, update, patch, delete, bulk
// actions, export and import, prebuilt rules, preview, the alerts index.
func (k *Kibana) detectionRulesRoutes() []route { return nil }

package tools

// The detection rule lifecycle (/api/detection_engine/rules*, the alerts
// index, privileges, tags): finding and reading rules stays in the
// detections toolset that triage uses every day.
var detectionRulesOperations = []*Operation{}

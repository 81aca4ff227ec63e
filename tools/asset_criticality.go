package tools

// Asset criticality, the risk score engine and privileged user monitoring (/api/asset_criticality*, /api/risk_score/*, /api/entity_analytics/*).
var assetCriticalityOperations = []*Operation{}

package tools

// Attack discovery: generating, finding and dismissing discoveries, and their schedules (/api/attack_discovery/*).
var attackDiscoveryOperations = []*Operation{}

package tools

// endpointOperations: to be declared (issue 6).
var endpointOperations = []*Operation{}

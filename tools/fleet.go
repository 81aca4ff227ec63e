package tools

// fleetOperations: to be declared.
var fleetOperations = []*Operation{}

package tools

// fleetPackagesOperations: to be declared.
var fleetPackagesOperations = []*Operation{}

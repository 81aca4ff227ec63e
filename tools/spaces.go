package tools

// spacesOperations: to be declared.
var spacesOperations = []*Operation{}

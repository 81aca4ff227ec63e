package tools

// mlOperations: to be declared (issue 6).
var mlOperations = []*Operation{}

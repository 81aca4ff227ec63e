package tools

// connectorsOperations: to be declared (issue 6).
var connectorsOperations = []*Operation{}

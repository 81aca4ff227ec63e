package tools

// alertingOperations: to be declared (issue 6).
var alertingOperations = []*Operation{}

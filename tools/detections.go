package tools

// detectionsOperations: to be declared (issue 6).
var detectionsOperations = []*Operation{}

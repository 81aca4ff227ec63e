package tools

// apmOperations: to be declared.
var apmOperations = []*Operation{}

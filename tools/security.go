package tools

// securityOperations: to be declared.
var securityOperations = []*Operation{}

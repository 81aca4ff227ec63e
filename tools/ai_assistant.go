package tools

// aiAssistantOperations: to be declared (issue 6).
var aiAssistantOperations = []*Operation{}
